// Login sessions in SQLite, keyed by a digest of the session id: the lookup on every
// cookie-authenticated request is one primary-key read.
import type Database from 'better-sqlite3';
import type { SessionStore, StoredSession } from '../types.js';
import { mapSqliteError } from './errors.js';
import { SESSION_TABLE } from './migrations.js';
import { ExternalChanges } from './external-changes.js';

/** Sessions looked up since the last commit by another process (see external-changes.ts). */
const MAX_CACHED = 10_000;

type Row = [string, string, string, number, number, number, number];

const COLUMNS = 'id_digest, user_uuid, csrf_token, password_version, created_at, idle_expires_at, expires_at';

export class SqliteSessionStore implements SessionStore {
  private readonly getStmt: Database.Statement<[string], Row>;
  private readonly insertStmt: Database.Statement<Row>;
  private readonly touchStmt: Database.Statement<[number, string]>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly purgeStmt: Database.Statement<[number, number]>;
  private readonly external: ExternalChanges;
  /** Sessions (or their absence) confirmed at `stamp`; emptied when another process commits. */
  private cached = new Map<string, StoredSession | null>();
  private stamp = -1;

  /** The cache, emptied first if another connection has committed since it was filled. */
  private current(): Map<string, StoredSession | null> {
    const stamp = this.external.version();
    if (stamp !== this.stamp || this.cached.size > MAX_CACHED) {
      this.cached = new Map();
      this.stamp = stamp;
    }
    return this.cached;
  }

  constructor(private readonly db: Database.Database) {
    this.getStmt = db
      .prepare<[string], Row>(`SELECT ${COLUMNS} FROM ${SESSION_TABLE} WHERE id_digest = ?`)
      .raw();
    this.insertStmt = db.prepare(`INSERT INTO ${SESSION_TABLE} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.touchStmt = db.prepare(
      `UPDATE ${SESSION_TABLE} SET idle_expires_at = min(?, expires_at) WHERE id_digest = ?`,
    );
    this.deleteStmt = db.prepare(`DELETE FROM ${SESSION_TABLE} WHERE id_digest = ?`);
    this.external = new ExternalChanges(db);
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
      this.current().delete(s.idDigest);
    } catch (err) {
      this.fail(err);
    }
  }

  async get(idDigest: string): Promise<StoredSession | undefined> {
    try {
      const cache = this.current();
      const known = cache.get(idDigest);
      if (known !== undefined) return known === null ? undefined : { ...known };
      const row = this.getStmt.get(idDigest);
      if (!row) {
        cache.set(idDigest, null);
        return undefined;
      }
      const [, userUuid, csrfToken, passwordVersion, createdAt, idleExpiresAt, expiresAt] = row;
      const session = { idDigest, userUuid, csrfToken, passwordVersion, createdAt, idleExpiresAt, expiresAt };
      cache.set(idDigest, session);
      return { ...session };
    } catch (err) {
      this.fail(err);
    }
  }

  async touch(idDigest: string, idleExpiresAt: number): Promise<void> {
    try {
      this.touchStmt.run(idleExpiresAt, idDigest);
      this.current().delete(idDigest);
    } catch (err) {
      this.fail(err);
    }
  }

  async delete(idDigest: string): Promise<void> {
    try {
      this.deleteStmt.run(idDigest);
      this.current().set(idDigest, null);
    } catch (err) {
      this.fail(err);
    }
  }

  async purgeExpired(now: number): Promise<number> {
    try {
      const purged = this.purgeStmt.run(now, now).changes;
      this.cached = new Map();
      return purged;
    } catch (err) {
      this.fail(err);
    }
  }
}
