// User tokens (`POST /api/user-token`) in PostgreSQL, keyed by a digest of the token.
import type { StoredUserToken, UserTokenStore } from '../types.js';
import { TOKEN_TABLE } from './migrations.js';
import type { Db } from './statement-cache.js';

interface Row {
  user_uuid: string;
  password_version: number;
  created_at: number;
  expires_at: number;
}

const GET = `SELECT user_uuid, password_version, created_at, expires_at FROM ${TOKEN_TABLE} WHERE token_digest = $1`;
const INSERT =
  `INSERT INTO ${TOKEN_TABLE} (token_digest, user_uuid, password_version, created_at, expires_at) ` +
  `VALUES ($1, $2, $3, $4, $5)`;
const PURGE = `DELETE FROM ${TOKEN_TABLE} WHERE expires_at <= $1`;

export class PgUserTokenStore implements UserTokenStore {
  constructor(private readonly db: Db) {}

  async insert(t: StoredUserToken): Promise<void> {
    await this.db.query(INSERT, [t.tokenDigest, t.userUuid, t.passwordVersion, t.createdAt, t.expiresAt]);
  }

  async get(tokenDigest: string): Promise<StoredUserToken | undefined> {
    const row = (await this.db.idempotent<Row>(GET, [tokenDigest])).rows[0];
    if (!row) return undefined;
    return {
      tokenDigest,
      userUuid: row.user_uuid,
      passwordVersion: row.password_version,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async purgeExpired(now: number): Promise<number> {
    return (await this.db.query(PURGE, [now])).rowCount ?? 0;
  }
}
