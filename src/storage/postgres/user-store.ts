// Users in PostgreSQL: the document as jsonb plus the columns authentication reads (username,
// password hash and version) and the tenants the user refers to (so a tenant in use cannot be
// deleted).
import type { StoredUser, UserStamp, UserStore } from '../types.js';
import { ChangeFailed, runChange } from './change-failed.js';
import { USER_TABLE } from './migrations.js';
import { toJsonb, type Db, type SqlParam } from './statement-cache.js';
import { transaction } from './write-batcher.js';

interface Row {
  seq: number;
  uuid: string;
  username: string;
  password_hash: string;
  password_version: number;
  tenants: string[];
  last_modified: string;
  body: Record<string, unknown>;
}

const toStored = (row: Row): StoredUser => ({
  uuid: row.uuid,
  username: row.username,
  passwordHash: row.password_hash,
  passwordVersion: row.password_version,
  tenants: row.tenants,
  lastModified: row.last_modified,
  body: row.body,
});

const values = (u: StoredUser): SqlParam[] => [
  u.uuid,
  u.username,
  u.passwordHash,
  u.passwordVersion,
  u.tenants,
  u.lastModified,
  toJsonb(u.body),
];

const COLUMNS = 'uuid, username, password_hash, password_version, tenants, last_modified, body';
const BY_UUID = `SELECT seq, ${COLUMNS} FROM ${USER_TABLE} WHERE uuid = $1`;
const BY_USERNAME = `SELECT seq, ${COLUMNS} FROM ${USER_TABLE} WHERE username = $1`;
const STAMP = `SELECT last_modified, password_version FROM ${USER_TABLE} WHERE uuid = $1`;
const ALL = `SELECT seq, ${COLUMNS} FROM ${USER_TABLE} ORDER BY seq`;
const COUNT = `SELECT count(*) AS n FROM ${USER_TABLE}`;
const INSERT = `INSERT INTO ${USER_TABLE} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5::text[], $6, $7::jsonb)`;
const UPDATE =
  `UPDATE ${USER_TABLE} SET uuid = $1, username = $2, password_hash = $3, password_version = $4, ` +
  `tenants = $5::text[], last_modified = $6, body = $7::jsonb WHERE seq = $8`;
const DELETE = `DELETE FROM ${USER_TABLE} WHERE uuid = $1`;

export class PgUserStore implements UserStore {
  constructor(private readonly db: Db) {}

  async insert(user: StoredUser): Promise<void> {
    await this.db.query(INSERT, values(user));
  }

  async get(uuid: string): Promise<StoredUser | undefined> {
    const row = (await this.db.idempotent<Row>(BY_UUID, [uuid])).rows[0];
    return row && toStored(row);
  }

  async getByUsername(username: string): Promise<StoredUser | undefined> {
    const row = (await this.db.idempotent<Row>(BY_USERNAME, [username])).rows[0];
    return row && toStored(row);
  }

  async stamp(uuid: string): Promise<UserStamp | undefined> {
    const row = (await this.db.idempotent<{ last_modified: string; password_version: number }>(STAMP, [uuid]))
      .rows[0];
    return row && { lastModified: row.last_modified, passwordVersion: row.password_version };
  }

  async list(): Promise<StoredUser[]> {
    return (await this.db.idempotent<Row>(ALL, [])).rows.map(toStored);
  }

  async count(): Promise<number> {
    return Number((await this.db.idempotent<{ n: number }>(COUNT, [])).rows[0]?.n ?? 0);
  }

  async update(uuid: string, change: (current: StoredUser) => StoredUser): Promise<StoredUser | undefined> {
    try {
      return await transaction(this.db, async (tx) => {
        const row = (await tx.query<Row>(`${BY_UUID} FOR UPDATE`, [uuid])).rows[0];
        if (!row) return undefined;
        const next = runChange(change, toStored(row));
        await tx.query(UPDATE, [...values(next), row.seq]);
        return next;
      });
    } catch (err) {
      if (err instanceof ChangeFailed) throw err.error;
      throw err;
    }
  }

  async delete(uuid: string): Promise<boolean> {
    return ((await this.db.query(DELETE, [uuid])).rowCount ?? 0) > 0;
  }
}
