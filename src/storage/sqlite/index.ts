// The SQLite storage adapter (better-sqlite3): opens the file, sets the durability and
// concurrency pragmas, migrates the schema and exposes the stores.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Storage } from '../types.js';
import { migrate } from './migrations.js';
import { SqliteUpgradeStatusStore } from './upgrade-status-store.js';
import { SqliteTenantStore } from './tenant-store.js';
import { SqliteUserStore } from './user-store.js';
import { SqliteSessionStore } from './session-store.js';
import { SqliteLoginThrottleStore } from './login-throttle-store.js';
import { SqliteUserTokenStore } from './user-token-store.js';
import { SqliteChangeFeed } from './change-feed.js';
import { startCheckpointer } from './checkpointer.js';

export interface SqliteOptions {
  /** Path of the database file (parent directories are created), or ':memory:'. */
  file: string;
  /** How long to wait for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
}

/** Names that are not a plain file path: in-memory databases and SQLite URIs. */
function isSpecialName(file: string): boolean {
  return file === ':memory:' || file === '' || file.startsWith('file:');
}

export function openSqliteStorage(opts: SqliteOptions): Storage {
  if (!isSpecialName(opts.file)) mkdirSync(dirname(resolve(opts.file)), { recursive: true });
  const db = new Database(opts.file);
  try {
    // First, so that every later statement (including switching to WAL and migrating) waits for
    // other processes sharing the file instead of failing with SQLITE_BUSY.
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
    // Durability: WAL with synchronous = NORMAL. A commit returns once its pages are written to
    // the WAL file (handed to the OS), without an fsync per commit; the WAL is fsynced at each
    // checkpoint. So an acknowledged write survives kill -9 (or a crash) of this process, since
    // the OS still holds and later writes those pages; only an OS crash or power loss can lose
    // the most recent commits, and never corrupts the database. WAL also lets readers in other
    // connections and processes proceed while one writer commits.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('temp_store = MEMORY');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }

  // A file database checkpoints on its own thread; an in-memory one has no WAL to checkpoint.
  const checkpointer = isSpecialName(opts.file) ? undefined : startCheckpointer(db, opts.file);
  const changes = new SqliteChangeFeed(db);
  const upgradeStatus = new SqliteUpgradeStatusStore(db, changes);
  const ping = db.prepare('SELECT 1').pluck();

  return {
    kind: 'sqlite',
    upgradeStatus,
    tenants: new SqliteTenantStore(db),
    users: new SqliteUserStore(db),
    sessions: new SqliteSessionStore(db),
    loginThrottle: new SqliteLoginThrottleStore(db),
    userTokens: new SqliteUserTokenStore(db),
    changes,
    async ping(): Promise<boolean> {
      try {
        return ping.get() === 1;
      } catch {
        return false;
      }
    },
    async close(): Promise<void> {
      changes.close();
      await checkpointer?.stop();
      if (!db.open) return;
      try {
        db.pragma('optimize'); // refreshes planner statistics where useful; cheap
      } catch {
        // best effort only (e.g. another process holds the lock)
      }
      db.close();
    },
  };
}
