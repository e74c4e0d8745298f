// Login sessions in SQLite, keyed by a digest of the session id: the lookup on every
// cookie-authenticated request is one primary-key read.
import type Database from 'better-sqlite3';
import type { SessionStore, StoredSession } from '../types.js';
import { mapSqliteError } from './errors.js';
import { SESSION_TABLE } from './migrations.js';

type Row = [string, string, string, number, number, number, number];

const COLUMNS = 'id_digest, user_uuid, csrf_token, password_version, created_at, idle_expires_at, expires_at';

export class SqliteSessionStore implements SessionStore {
  private readonly getStmt: Database.Statement<[string], Row>;
  private readonly insertStmt: Database.Statement<Row>;
  private readonly touchStmt: Database.Statement<[number, string]>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly purgeStmt: Database.Statement<[number, number]>;

  constructor(private readonly db: Database.Database) {
    this.getStmt = db
      .prepare<[string], Row>(`SELECT ${COLUMNS} FROM ${SESSION_TABLE} WHERE id_digest = ?`)
      .raw();
    this.insertStmt = db.prepare(`INSERT INTO ${SESSION_TABLE} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.touchStmt = db.prepare(
      `UPDATE ${SESSION_TABLE} SET idle_expires_at = min(?, expires_at) WHERE id_digest = ?`,
    );
    this.deleteStmt = db.prepare(`DELETE FROM ${SESSION_TABLE} WHERE id_digest = ?`);
    this.purgeStmt = db.prepare(`DELETE FROM ${SESSION_TABLE} WHERE idle_expires_at <= ? OR expires_at <= ?`);
  }

  private fail(err: unknown): never {
    throw mapSqliteError(err, this.db);
  }

  async insert(s: StoredSession): Promise<void> {
    try {
      this.insertStmt.run(
        s.idDigest,
        s.userUuid,
        s.csrfToken,
        s.passwordVersion,
        s.createdAt,
        s.idleExpiresAt,
        s.expiresAt,
      );
    } catch (err) {
      this.fail(err);
    }
  }

  async get(idDigest: string): Promise<StoredSession | undefined> {
    try {
      const row = this.getStmt.get(idDigest);
      if (!row) return undefined;
      const [, userUuid, csrfToken, passwordVersion, createdAt, idleExpiresAt, expiresAt] = row;
      return { idDigest, userUuid, csrfToken, passwordVersion, createdAt, idleExpiresAt, expiresAt };
    } catch (err) {
      this.fail(err);
    }
  }

  async touch(idDigest: string, idleExpiresAt: number): Promise<void> {
    try {
      this.touchStmt.run(idleExpiresAt, idDigest);
    } catch (err) {
      this.fail(err);
    }
  }

  async delete(idDigest: string): Promise<void> {
    try {
      this.deleteStmt.run(idDigest);
    } catch (err) {
      this.fail(err);
    }
  }

  async purgeExpired(now: number): Promise<number> {
    try {
      return this.purgeStmt.run(now, now).changes;
    } catch (err) {
      this.fail(err);
    }
  }
}
