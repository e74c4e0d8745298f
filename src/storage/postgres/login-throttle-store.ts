// Failed-login counters in PostgreSQL, one row per key. An update takes a transaction-level
// advisory lock on its key first, so processes sharing the database count every failure, also
// for a key that has no row yet (a row lock cannot cover a row that does not exist).
import type { LoginThrottleState, LoginThrottleStore } from '../types.js';
import { ChangeFailed, runChange } from './change-failed.js';
import { THROTTLE_TABLE } from './migrations.js';
import type { Db } from './statement-cache.js';
import { transaction } from './write-batcher.js';

interface Row {
  failures: number;
  window_start: number;
  blocked_until: number;
}

/** First key of the per-key advisory locks: 'AVIU' + 2 (migrations use 'AVIU', 1). */
const LOCK_CLASS = 0x41564955 + 2;

const GET = `SELECT failures, window_start, blocked_until FROM ${THROTTLE_TABLE} WHERE key = $1`;
const LOCK = `SELECT pg_advisory_xact_lock(${LOCK_CLASS}, hashtext($1))`;
const UPSERT =
  `INSERT INTO ${THROTTLE_TABLE} (key, failures, window_start, blocked_until) VALUES ($1, $2, $3, $4) ` +
  `ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, ` +
  `window_start = excluded.window_start, blocked_until = excluded.blocked_until`;
const CLEAR = `DELETE FROM ${THROTTLE_TABLE} WHERE key = $1`;
const PURGE = `DELETE FROM ${THROTTLE_TABLE} WHERE window_start < $1 AND blocked_until <= $2`;

const toState = (row: Row): LoginThrottleState => ({
  failures: row.failures,
  windowStart: row.window_start,
  blockedUntil: row.blocked_until,
});

export class PgLoginThrottleStore implements LoginThrottleStore {
  constructor(private readonly db: Db) {}

  async get(key: string): Promise<LoginThrottleState | undefined> {
    const row = (await this.db.idempotent<Row>(GET, [key])).rows[0];
    return row && toState(row);
  }

  async update(
    key: string,
    change: (current: LoginThrottleState | undefined) => LoginThrottleState,
  ): Promise<LoginThrottleState> {
    try {
      return await transaction(this.db, async (tx) => {
        await tx.query(LOCK, [key]);
        const row = (await tx.query<Row>(GET, [key])).rows[0];
        const next = runChange(change, row && toState(row));
        await tx.query(UPSERT, [key, next.failures, next.windowStart, next.blockedUntil]);
        return next;
      });
    } catch (err) {
      if (err instanceof ChangeFailed) throw err.error;
      throw err;
    }
  }

  async clear(key: string): Promise<void> {
    await this.db.idempotent(CLEAR, [key]);
  }

  async purge(now: number, windowMs: number): Promise<void> {
    await this.db.query(PURGE, [now - windowMs, now]);
  }
}
