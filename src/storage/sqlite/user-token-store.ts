// User tokens (`POST /api/user-token`) in SQLite, keyed by a digest of the token.
import type Database from 'better-sqlite3';
import type { StoredUserToken, UserTokenStore } from '../types.js';
import { mapSqliteError } from './errors.js';
import { TOKEN_TABLE } from './migrations.js';

type Row = [string, string, number, number, number];

const COLUMNS = 'token_digest, user_uuid, password_version, created_at, expires_at';

export class SqliteUserTokenStore implements UserTokenStore {
  private readonly getStmt: Database.Statement<[string], Row>;
  private readonly insertStmt: Database.Statement<Row>;
  private readonly purgeStmt: Database.Statement<[number]>;

  constructor(private readonly db: Database.Database) {
    this.getStmt = db
      .prepare<[string], Row>(`SELECT ${COLUMNS} FROM ${TOKEN_TABLE} WHERE token_digest = ?`)
      .raw();
    this.insertStmt = db.prepare(`INSERT INTO ${TOKEN_TABLE} (${COLUMNS}) VALUES (?, ?, ?, ?, ?)`);
    this.purgeStmt = db.prepare(`DELETE FROM ${TOKEN_TABLE} WHERE expires_at <= ?`);
  }

  private fail(err: unknown): never {
    throw mapSqliteError(err, this.db);
  }

  async insert(t: StoredUserToken): Promise<void> {
    try {
      this.insertStmt.run(t.tokenDigest, t.userUuid, t.passwordVersion, t.createdAt, t.expiresAt);
    } catch (err) {
      this.fail(err);
    }
  }

  async get(tokenDigest: string): Promise<StoredUserToken | undefined> {
    try {
      const row = this.getStmt.get(tokenDigest);
      if (!row) return undefined;
      const [, userUuid, passwordVersion, createdAt, expiresAt] = row;
      return { tokenDigest, userUuid, passwordVersion, createdAt, expiresAt };
    } catch (err) {
      this.fail(err);
    }
  }

  async purgeExpired(now: number): Promise<number> {
    try {
      return this.purgeStmt.run(now).changes;
    } catch (err) {
      this.fail(err);
    }
  }
}
