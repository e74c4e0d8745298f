// Group commit: writes that arrive in the same turn of the event loop share one transaction.
// Under load this turns many small commits (each a WAL append and lock round) into one, while
// every write keeps its own savepoint, so one failing write rolls back alone. A write's promise
// settles only after the commit that holds it, so an acknowledged write is a committed write.
import type Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

/** At most this many writes share a commit, so one transaction never holds the lock for long. */
const MAX_BATCH = 256;

export class WriteBatcher {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly commitBatch: (batch: Pending[]) => void;

  /** `onCommitError` maps an error of the commit itself (e.g. the database went away). */
  constructor(
    db: Database.Database,
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
      try {
        this.commitBatch(batch);
      } catch (error) {
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
}
