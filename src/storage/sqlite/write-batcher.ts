// Group commit: writes that arrive in the same turn of the event loop share one transaction.
// Under load this turns many small commits (each a WAL append and lock round) into one, while
// every write keeps its own savepoint, so one failing write rolls back alone. A write's promise
// settles only after the commit that holds it, so an acknowledged write is a committed write.
//
// Waiting for another process's write lock must not stop this process: SQLite's own busy handler
// sleeps inside the call, and with it the whole event loop. So the group transaction asks for the
// lock without waiting (busy_timeout 0 for its BEGIN) and, when another process holds it, tries
// again a moment later from a timer, while this process goes on serving reads.
import Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

/** At most this many writes share a commit, so one transaction never holds the lock for long. */
const MAX_BATCH = 256;
/** Retry delays (ms) while another process holds the write lock: short first, then backing off. */
const RETRY_DELAYS = [0, 1, 1, 2, 2, 4, 4, 8];

function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
}

export class WriteBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly commitBatch: (batch: Pending[]) => void;
  private readonly setBusyTimeout: (ms: number) => void;
  /** While the lock is busy: when the first try failed, and how many retries so far. */
  private busySince = 0;
  private retries = 0;
  /** How long a batch waits for the lock in all before its writes fail: the busy timeout. */
  private readonly lockWaitMs: number;

  /** `onCommitError` maps an error of the commit itself (e.g. the database went away). */
  constructor(
    private readonly db: Database.Database,
    private readonly onCommitError: (error: unknown) => unknown,
  ) {
    const tx = db.transaction((batch: Pending[]) => {
      for (const p of batch) {
        try {
          p.outcome = { ok: true, value: p.work() };
        } catch (error) {
          p.outcome = { ok: false, error };
        }
      }
    });
    // IMMEDIATE takes the write lock before the first read: no other writer (thread or process)
    // can change a row between a write's read and its write.
    this.commitBatch = (batch) => tx.immediate(batch);
    const timeout = Number(db.pragma('busy_timeout', { simple: true }));
    this.lockWaitMs = Number.isFinite(timeout) ? timeout : 5000;
    // Not a prepared statement: SQLite applies this pragma when it compiles it, not when it runs.
    this.setBusyTimeout = (ms) => db.pragma(`busy_timeout = ${ms}`);
  }

  /**
   * Runs `work` inside the next group transaction. `work` must itself be a better-sqlite3
   * transaction function: nested in the group transaction it runs as a savepoint.
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      let error: unknown;
      let committed = false;
      try {
        this.setBusyTimeout(0);
        this.commitBatch(batch);
        committed = true;
      } catch (e) {
        error = e; // including "the connection is not open": mapped below, never thrown from a timer
      } finally {
        if (this.db.open) this.setBusyTimeout(this.lockWaitMs);
      }
      // BUSY before any write ran: the BEGIN found another process's lock. Nothing was done.
      if (!committed && isBusy(error) && batch.every((p) => p.outcome === undefined)) {
        if (this.busySince === 0) this.busySince = Date.now();
        if (Date.now() - this.busySince < this.lockWaitMs) {
          this.pending.unshift(...batch);
          this.retryLater();
          return;
        }
      }
      this.busySince = 0;
      this.retries = 0;
      if (!committed) {
        const mapped = this.onCommitError(error);
        for (const p of batch) p.reject(mapped);
        continue;
      }
      for (const p of batch) {
        if (p.outcome?.ok) p.resolve(p.outcome.value);
        else p.reject(p.outcome?.error);
      }
    }
  }

  private retryLater(): void {
    this.scheduled = true;
    const delay = RETRY_DELAYS[Math.min(this.retries++, RETRY_DELAYS.length - 1)] ?? 8;
    setTimeout(() => this.flush(), delay);
  }
}
