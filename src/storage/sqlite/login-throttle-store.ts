// Failed-login counters in SQLite, one row per key; updates are IMMEDIATE transactions so that
// processes sharing the file count every failure.
import type Database from 'better-sqlite3';
import type { LoginThrottleState, LoginThrottleStore } from '../types.js';
import { mapSqliteError } from './errors.js';
import { THROTTLE_TABLE } from './migrations.js';

type Row = [number, number, number];

export class SqliteLoginThrottleStore implements LoginThrottleStore {
  private readonly getStmt: Database.Statement<[string], Row>;
  private readonly upsertStmt: Database.Statement<[string, number, number, number]>;
  private readonly clearStmt: Database.Statement<[string]>;
  private readonly purgeStmt: Database.Statement<[number, number]>;
  private readonly updateTx: (
    key: string,
    change: (current: LoginThrottleState | undefined) => LoginThrottleState,
  ) => LoginThrottleState;

  constructor(private readonly db: Database.Database) {
    this.getStmt = db
      .prepare<[string], Row>(
        `SELECT failures, window_start, blocked_until FROM ${THROTTLE_TABLE} WHERE key = ?`,
      )
      .raw();
    this.upsertStmt = db.prepare(
      `INSERT INTO ${THROTTLE_TABLE} (key, failures, window_start, blocked_until) VALUES (?, ?, ?, ?) ` +
        `ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, ` +
        `window_start = excluded.window_start, blocked_until = excluded.blocked_until`,
    );
    this.clearStmt = db.prepare(`DELETE FROM ${THROTTLE_TABLE} WHERE key = ?`);
    this.purgeStmt = db.prepare(
      `DELETE FROM ${THROTTLE_TABLE} WHERE window_start < ? AND blocked_until <= ?`,
    );
    const updateTx = db.transaction(
      (key: string, change: (current: LoginThrottleState | undefined) => LoginThrottleState) => {
        const next = change(this.read(key));
        this.upsertStmt.run(key, next.failures, next.windowStart, next.blockedUntil);
        return next;
      },
    );
    this.updateTx = (key, change) => updateTx.immediate(key, change);
  }

  private read(key: string): LoginThrottleState | undefined {
    const row = this.getStmt.get(key);
    return row && { failures: row[0], windowStart: row[1], blockedUntil: row[2] };
  }

  private fail(err: unknown): never {
    throw mapSqliteError(err, this.db);
  }

  async get(key: string): Promise<LoginThrottleState | undefined> {
    try {
      return this.read(key);
    } catch (err) {
      this.fail(err);
    }
  }

  async update(
    key: string,
    change: (current: LoginThrottleState | undefined) => LoginThrottleState,
  ): Promise<LoginThrottleState> {
    try {
      return this.updateTx(key, change);
    } catch (err) {
      this.fail(err);
    }
  }

  async clear(key: string): Promise<void> {
    try {
      this.clearStmt.run(key);
    } catch (err) {
      this.fail(err);
    }
  }

  async purge(now: number, windowMs: number): Promise<void> {
    try {
      this.purgeStmt.run(now - windowMs, now);
    } catch (err) {
      this.fail(err);
    }
  }
}
