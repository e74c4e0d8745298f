// How writes are grouped. SQLite's adapter batches the writes of one event-loop turn into a
// single commit, because a SQLite commit takes the one database-wide write lock. PostgreSQL locks
// rows, commits concurrently from many connections, and its WAL writer already groups commits, so
// batching unrelated writes would only add latency. What is left here:
//
// - `transaction`: one BEGIN ... COMMIT on one pooled connection, rolled back on any error, and
//   run again (a bounded number of times) when PostgreSQL aborts it as a deadlock or a
//   serialization failure, or its connection breaks before COMMIT. Single-statement writes
//   (insert, delete) need none: each statement is atomic on its own.
// - `KeyedQueue`: read-modify-writes of one object from this process run one after the other.
//   Across processes, `SELECT ... FOR UPDATE` serializes them; the queue only keeps a burst of
//   updates to one object from taking every pooled connection while they wait on that row lock,
//   so reads and writes of other objects are not starved.
import { isRetryable } from './errors.js';
import type { Db, Queryable } from './statement-cache.js';

/** Attempts of a transaction that PostgreSQL aborted as a deadlock or serialization failure. */
const MAX_ATTEMPTS = 3;

/**
 * Runs `work` inside BEGIN ... COMMIT on one connection. `work` may run more than once: after a
 * deadlock, or when the connection broke before COMMIT was sent (the server then rolled the
 * transaction back), so it must only read and write through `tx` and call pure functions.
 */
export async function transaction<T>(db: Db, work: (tx: Queryable) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let committing = false;
    try {
      return await db.withClient(
        async (tx) => {
          committing = false;
          await tx.query('BEGIN');
          try {
            const result = await work(tx);
            committing = true;
            await tx.query('COMMIT');
            return result;
          } catch (err) {
            // If the connection is gone this fails too; withClient then discards the connection.
            await tx.query('ROLLBACK').catch(() => undefined);
            throw err;
          }
        },
        // A lost COMMIT may have committed: only a transaction that never reached it repeats.
        () => !committing,
      );
    } catch (err) {
      const cause = err instanceof Error && err.cause !== undefined ? err.cause : err;
      if (attempt >= MAX_ATTEMPTS || !isRetryable(cause)) throw err;
    }
  }
}

/** Runs async work one at a time per key (in this process); different keys run concurrently. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.tails.size;
  }
}
