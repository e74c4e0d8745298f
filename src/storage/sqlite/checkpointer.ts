// WAL checkpoints on a thread of their own. A checkpoint copies the WAL back into the database
// file and fsyncs both; run by the connection that commits (SQLite's default), it blocks the
// event loop for as long as the disk takes, which under a busy disk is tens of milliseconds.
// Here a worker thread with its own connection checkpoints every CHECKPOINT_MS (PASSIVE: it never
// waits for or blocks a writer), and the serving connection checkpoints by itself only as a
// fallback, when the WAL has grown past FALLBACK_PAGES (the worker stopped or cannot keep up).
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

const CHECKPOINT_MS = 200;
/** The serving connection's own autocheckpoint threshold, in pages (4 KiB): about 64 MiB. */
const FALLBACK_PAGES = 16_384;

// Plain CommonJS run with `eval`, so it needs no file of its own (none to find after a build).
const WORKER_CODE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* locked or gone: the next tick tries again */ }
}, workerData.intervalMs);
parentPort.once('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  /** Stops the thread (after its current checkpoint) and closes its connection. */
  stop(): Promise<void>;
}

/** Starts the checkpoint thread for the database file `file`, which `db` serves. */
export function startCheckpointer(db: Database.Database, file: string): Checkpointer {
  db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
  const worker = new Worker(WORKER_CODE, {
    eval: true,
    workerData: {
      file,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      intervalMs: CHECKPOINT_MS,
    },
  });
  worker.unref(); // never keeps the process alive by itself
  // A thread that fails leaves checkpoints to the serving connection (FALLBACK_PAGES).
  worker.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping = false;
  return {
    stop() {
      if (!stopping) {
        stopping = true;
        worker.ref(); // closing waits for the thread's last checkpoint
        worker.postMessage('stop'); // harmless if the thread has ended already
        setTimeout(() => void worker.terminate(), 2000).unref();
      }
      return exited;
    },
  };
}
