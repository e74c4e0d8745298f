// Users in SQLite: the document as JSON plus the columns authentication reads (username, password
// hash and version) and the tenants the user refers to (so a tenant in use cannot be deleted).
import type Database from 'better-sqlite3';
import type { StoredUser, UserStamp, UserStore } from '../types.js';
import { ChangeFailed, runChange } from './change-failed.js';
import { mapTableError } from './errors.js';
import { USER_TABLE } from './migrations.js';

interface Row {
  seq: number;
  uuid: string;
  username: string;
  password_hash: string;
  password_version: number;
  tenants: string;
  last_modified: string;
  body: string;
}

const toStored = (row: Row): StoredUser => ({
  uuid: row.uuid,
  username: row.username,
  passwordHash: row.password_hash,
  passwordVersion: row.password_version,
  tenants: JSON.parse(row.tenants) as string[],
  lastModified: row.last_modified,
  body: JSON.parse(row.body) as Record<string, unknown>,
});

type Values = [string, string, string, number, string, string, string];

const values = (u: StoredUser): Values => [
  u.uuid,
  u.username,
  u.passwordHash,
  u.passwordVersion,
  JSON.stringify(u.tenants),
  u.lastModified,
  JSON.stringify(u.body),
];

const COLUMNS = 'uuid, username, password_hash, password_version, tenants, last_modified, body';

export class SqliteUserStore implements UserStore {
  private readonly byUuid: Database.Statement<[string], Row>;
  private readonly byUsername: Database.Statement<[string], Row>;
  private readonly stampOf: Database.Statement<[string], [string, number]>;
  private readonly all: Database.Statement<[], Row>;
  private readonly countStmt: Database.Statement<[], number>;
  private readonly insertStmt: Database.Statement<Values>;
  private readonly updateStmt: Database.Statement<[...Values, number]>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly updateTx: (uuid: string, change: (u: StoredUser) => StoredUser) => StoredUser | undefined;

  constructor(private readonly db: Database.Database) {
    this.byUuid = db.prepare(`SELECT seq, ${COLUMNS} FROM ${USER_TABLE} WHERE uuid = ?`);
    this.byUsername = db.prepare(`SELECT seq, ${COLUMNS} FROM ${USER_TABLE} WHERE username = ?`);
    this.stampOf = db
      .prepare<[string], [string, number]>(
        `SELECT last_modified, password_version FROM ${USER_TABLE} WHERE uuid = ?`,
      )
      .raw();
    this.all = db.prepare(`SELECT seq, ${COLUMNS} FROM ${USER_TABLE} ORDER BY seq`);
    this.countStmt = db.prepare<[], number>(`SELECT count(*) FROM ${USER_TABLE}`).pluck();
    this.insertStmt = db.prepare(`INSERT INTO ${USER_TABLE} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.updateStmt = db.prepare(
      `UPDATE ${USER_TABLE} SET uuid = ?, username = ?, password_hash = ?, password_version = ?, ` +
        `tenants = ?, last_modified = ?, body = ? WHERE seq = ?`,
    );
    this.deleteStmt = db.prepare(`DELETE FROM ${USER_TABLE} WHERE uuid = ?`);
    const updateTx = db.transaction((uuid: string, change: (u: StoredUser) => StoredUser) => {
      const row = this.byUuid.get(uuid);
      if (!row) return undefined;
      const next = runChange(change, toStored(row));
      this.updateStmt.run(...values(next), row.seq);
      return next;
    });
    this.updateTx = (uuid, change) => updateTx.immediate(uuid, change);
  }

  private fail(err: unknown): never {
    throw mapTableError(err, this.db, USER_TABLE);
  }

  async insert(user: StoredUser): Promise<void> {
    try {
      this.insertStmt.run(...values(user));
    } catch (err) {
      this.fail(err);
    }
  }

  async get(uuid: string): Promise<StoredUser | undefined> {
    try {
      const row = this.byUuid.get(uuid);
      return row && toStored(row);
    } catch (err) {
      this.fail(err);
    }
  }

  async getByUsername(username: string): Promise<StoredUser | undefined> {
    try {
      const row = this.byUsername.get(username);
      return row && toStored(row);
    } catch (err) {
      this.fail(err);
    }
  }

  async stamp(uuid: string): Promise<UserStamp | undefined> {
    try {
      const row = this.stampOf.get(uuid);
      return row && { lastModified: row[0], passwordVersion: row[1] };
    } catch (err) {
      this.fail(err);
    }
  }

  async list(): Promise<StoredUser[]> {
    try {
      return this.all.all().map(toStored);
    } catch (err) {
      this.fail(err);
    }
  }

  async count(): Promise<number> {
    try {
      return this.countStmt.get() ?? 0;
    } catch (err) {
      this.fail(err);
    }
  }

  async update(uuid: string, change: (current: StoredUser) => StoredUser): Promise<StoredUser | undefined> {
    try {
      return this.updateTx(uuid, change);
    } catch (err) {
      if (err instanceof ChangeFailed) throw err.error;
      this.fail(err);
    }
  }

  async delete(uuid: string): Promise<boolean> {
    try {
      return this.deleteStmt.run(uuid).changes > 0;
    } catch (err) {
      this.fail(err);
    }
  }
}
