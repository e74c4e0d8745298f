// Login sessions in PostgreSQL, keyed by a digest of the session id: the lookup on every
// cookie-authenticated request is one primary-key read. Reads, touch and delete may run twice on
// a broken connection (Db.idempotent): running them again changes nothing more.
import type { SessionStore, StoredSession } from '../types.js';
import { SESSION_TABLE } from './migrations.js';
import type { Db } from './statement-cache.js';

interface Row {
  id_digest: string;
  user_uuid: string;
  csrf_token: string;
  password_version: number;
  created_at: number;
  idle_expires_at: number;
  expires_at: number;
}

const COLUMNS = 'id_digest, user_uuid, csrf_token, password_version, created_at, idle_expires_at, expires_at';
const GET = `SELECT ${COLUMNS} FROM ${SESSION_TABLE} WHERE id_digest = $1`;
const INSERT = `INSERT INTO ${SESSION_TABLE} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`;
const TOUCH = `UPDATE ${SESSION_TABLE} SET idle_expires_at = least($1::bigint, expires_at) WHERE id_digest = $2`;
const DELETE = `DELETE FROM ${SESSION_TABLE} WHERE id_digest = $1`;
const PURGE = `DELETE FROM ${SESSION_TABLE} WHERE idle_expires_at <= $1 OR expires_at <= $1`;

export class PgSessionStore implements SessionStore {
  constructor(private readonly db: Db) {}

  async insert(s: StoredSession): Promise<void> {
    await this.db.query(INSERT, [
      s.idDigest,
      s.userUuid,
      s.csrfToken,
      s.passwordVersion,
      s.createdAt,
      s.idleExpiresAt,
      s.expiresAt,
    ]);
  }

  async get(idDigest: string): Promise<StoredSession | undefined> {
    const row = (await this.db.idempotent<Row>(GET, [idDigest])).rows[0];
    if (!row) return undefined;
    return {
      idDigest,
      userUuid: row.user_uuid,
      csrfToken: row.csrf_token,
      passwordVersion: row.password_version,
      createdAt: row.created_at,
      idleExpiresAt: row.idle_expires_at,
      expiresAt: row.expires_at,
    };
  }

  async touch(idDigest: string, idleExpiresAt: number): Promise<void> {
    await this.db.idempotent(TOUCH, [idleExpiresAt, idDigest]);
  }

  async delete(idDigest: string): Promise<void> {
    await this.db.idempotent(DELETE, [idDigest]);
  }

  async purgeExpired(now: number): Promise<number> {
    return (await this.db.query(PURGE, [now])).rowCount ?? 0;
  }
}
