// WORKERS=N: N server processes on one machine sharing the port (node:cluster). The primary
// serves nothing itself: it forks the workers (the first alone, so that migrations and the
// first admin happen once, then the others), hands them the TLS material so that all serve one
// certificate, restarts a worker that dies unexpectedly after a growing pause, and on SIGTERM or
// SIGINT asks every worker to shut down gracefully and exits once they have.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { TlsMaterial } from './tls.js';
import { onTerminationSignals } from './shutdown.js';

/** How the primary hands the certificate and key to its workers (read once, then removed). */
const WORKER_TLS_ENV = 'AVI_UPGRADE_STATUS_WORKER_TLS';

export interface Backoff {
  /** Pause before the first restart of a worker. */
  initialMs: number;
  /** Longest pause; each quick failure doubles it up to this. */
  maxMs: number;
  /** A worker that ran this long before dying is restarted after `initialMs` again. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };

export interface PrimaryOptions {
  workers: number;
  tls: TlsMaterial | undefined;
  log: Logger;
  /** The workers' own shutdown bound; a worker still running 5 s after it is killed. */
  shutdownTimeoutMs: number;
  backoff?: Backoff;
}

export function isWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: the certificate and key the primary handed over, if it serves HTTPS. */
export function tlsFromPrimary(): { cert: string; key: string } | undefined {
  const raw = process.env[WORKER_TLS_ENV];
  delete process.env[WORKER_TLS_ENV];
  if (raw === undefined || raw === '') return undefined;
  const parsed = JSON.parse(raw) as { cert?: unknown; key?: unknown };
  if (typeof parsed.cert !== 'string' || typeof parsed.key !== 'string') {
    throw new Error(`${WORKER_TLS_ENV} does not hold a certificate and a key`);
  }
  return { cert: parsed.cert, key: parsed.key };
}

/** In a worker: calls `stop` when the primary goes away (its IPC channel closes). */
export function onPrimaryGone(stop: (reason: string) => void): void {
  cluster.worker?.once('disconnect', () => stop('primary exited'));
}

interface Slot {
  worker: Worker | undefined;
  startedAt: number;
  failures: number;
  restart: NodeJS.Timeout | undefined;
}

/** Runs the primary until a signal stops it; resolves the process's exit code. */
export function runPrimary(opts: PrimaryOptions): Promise<number> {
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const { log } = opts;
  const env: Record<string, string> = opts.tls
    ? { [WORKER_TLS_ENV]: JSON.stringify({ cert: opts.tls.cert, key: opts.tls.key }) }
    : {};
  const slots: Slot[] = Array.from({ length: opts.workers }, () => ({
    worker: undefined,
    startedAt: 0,
    failures: 0,
    restart: undefined,
  }));
  let stopping = false;
  let failed = false;
  /** Whether the first worker has listened: until then a failure stops start-up. */
  let started = false;

  return new Promise<number>((resolve) => {
    const live = (): Worker[] => slots.flatMap((s) => (s.worker ? [s.worker] : []));
    const finishIfDone = (): void => {
      if (stopping && live().length === 0) resolve(failed ? 1 : 0);
    };

    const fork = (index: number, onListening?: () => void): void => {
      const slot = slots[index]!;
      slot.restart = undefined;
      const worker = cluster.fork({ ...env, AVI_UPGRADE_STATUS_WORKER: String(index + 1) });
      slot.worker = worker;
      slot.startedAt = Date.now();
      const pid = worker.process.pid;
      log.info({ worker: index + 1, workerPid: pid }, `started worker ${index + 1} (pid ${pid})`);
      worker.once('listening', () => {
        started = true;
        onListening?.();
      });
      worker.once('exit', (code, signal) => {
        slot.worker = undefined;
        if (stopping) {
          if (code !== 0) failed = true;
          log.info({ worker: index + 1, workerPid: pid, code, signal }, `worker ${index + 1} stopped`);
          return finishIfDone();
        }
        if (!started) {
          // The first worker could not start (port taken, store unreachable, ...): so would the rest.
          log.error(
            { worker: 1, workerPid: pid, code, signal },
            'the first worker failed to start; stopping',
          );
          failed = true;
          stopping = true;
          return finishIfDone();
        }
        const ranMs = Date.now() - slot.startedAt;
        if (ranMs >= backoff.resetAfterMs) slot.failures = 0;
        const delayMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** slot.failures);
        slot.failures += 1;
        log.error(
          { worker: index + 1, workerPid: pid, code, signal, restartInMs: delayMs },
          `worker ${index + 1} (pid ${pid}) died unexpectedly; restarting it in ${delayMs} ms`,
        );
        slot.restart = setTimeout(() => fork(index), delayMs);
      });
    };

    onTerminationSignals((signal) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal, workers: live().length }, 'shutting down the workers');
      for (const slot of slots) clearTimeout(slot.restart);
      for (const worker of live()) worker.process.kill('SIGTERM');
      const kill = setTimeout(() => {
        for (const worker of live()) {
          log.error({ workerPid: worker.process.pid }, 'worker did not stop in time; killing it');
          failed = true;
          worker.process.kill('SIGKILL');
        }
      }, opts.shutdownTimeoutMs + 5_000);
      kill.unref();
      finishIfDone();
    });

    // The first worker alone (it migrates the store and creates the first admin), then the rest.
    fork(0, () => {
      if (stopping) return;
      for (let i = 1; i < slots.length; i++) fork(i);
    });
  });
}
