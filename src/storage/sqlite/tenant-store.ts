// Tenants in SQLite: one row per tenant, the document as JSON plus the uuid and name columns.
import type Database from 'better-sqlite3';
import type { StoredTenant, TenantStore } from '../types.js';
import { ChangeFailed, runChange } from './change-failed.js';
import { mapTableError } from './errors.js';
import { TABLE, TENANT_TABLE, USER_TABLE } from './migrations.js';

interface Row {
  seq: number;
  uuid: string;
  name: string;
  last_modified: string;
  body: string;
}

/** How many referring objects a refused delete names. */
const MAX_REFERRERS = 10;

const toStored = (row: Row): StoredTenant => ({
  uuid: row.uuid,
  name: row.name,
  lastModified: row.last_modified,
  body: JSON.parse(row.body) as Record<string, unknown>,
});

export class SqliteTenantStore implements TenantStore {
  private readonly byUuid: Database.Statement<[string], Row>;
  private readonly byName: Database.Statement<[string], Row>;
  private readonly all: Database.Statement<[], Row>;
  private readonly insertStmt: Database.Statement<[string, string, string, string]>;
  private readonly updateStmt: Database.Statement<[string, string, string, string, number]>;
  private readonly objectsIn: Database.Statement<[string, number], { name: string | null; uuid: string }>;
  private readonly usersOf: Database.Statement<[string, number], { username: string }>;
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly updateTx: (
    uuid: string,
    change: (t: StoredTenant) => StoredTenant,
  ) => StoredTenant | undefined;
  private readonly deleteTx: (uuid: string) => { deleted: boolean; referredBy: string[] };

  constructor(private readonly db: Database.Database) {
    const columns = 'seq, uuid, name, last_modified, body';
    this.byUuid = db.prepare(`SELECT ${columns} FROM ${TENANT_TABLE} WHERE uuid = ?`);
    this.byName = db.prepare(`SELECT ${columns} FROM ${TENANT_TABLE} WHERE name = ?`);
    this.all = db.prepare(`SELECT ${columns} FROM ${TENANT_TABLE} ORDER BY seq`);
    this.insertStmt = db.prepare(
      `INSERT INTO ${TENANT_TABLE} (uuid, name, last_modified, body) VALUES (?, ?, ?, ?)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE ${TENANT_TABLE} SET uuid = ?, name = ?, last_modified = ?, body = ? WHERE seq = ?`,
    );
    this.objectsIn = db.prepare(`SELECT name, uuid FROM ${TABLE} WHERE tenant = ? ORDER BY seq LIMIT ?`);
    this.usersOf = db.prepare(
      `SELECT username FROM ${USER_TABLE} WHERE EXISTS ` +
        `(SELECT 1 FROM json_each(${USER_TABLE}.tenants) WHERE value = ?) ORDER BY seq LIMIT ?`,
    );
    this.deleteStmt = db.prepare(`DELETE FROM ${TENANT_TABLE} WHERE uuid = ?`);

    const updateTx = db.transaction((uuid: string, change: (t: StoredTenant) => StoredTenant) => {
      const row = this.byUuid.get(uuid);
      if (!row) return undefined;
      const next = runChange(change, toStored(row));
      this.updateStmt.run(next.uuid, next.name, next.lastModified, JSON.stringify(next.body), row.seq);
      return next;
    });
    this.updateTx = (uuid, change) => updateTx.immediate(uuid, change);

    // One IMMEDIATE transaction: nothing can move into the tenant between the check and the delete.
    const deleteTx = db.transaction((uuid: string) => {
      const referredBy = [
        ...this.objectsIn.all(uuid, MAX_REFERRERS).map((o) => `UpgradeStatusInfo ${o.name ?? o.uuid}`),
        ...this.usersOf.all(uuid, MAX_REFERRERS).map((u) => `User ${u.username}`),
      ].slice(0, MAX_REFERRERS);
      if (referredBy.length > 0) return { deleted: false, referredBy };
      return { deleted: this.deleteStmt.run(uuid).changes > 0, referredBy };
    });
    this.deleteTx = (uuid) => deleteTx.immediate(uuid);
  }

  private fail(err: unknown): never {
    throw mapTableError(err, this.db, TENANT_TABLE);
  }

  async insert(t: StoredTenant): Promise<void> {
    try {
      this.insertStmt.run(t.uuid, t.name, t.lastModified, JSON.stringify(t.body));
    } catch (err) {
      this.fail(err);
    }
  }

  async get(uuid: string): Promise<StoredTenant | undefined> {
    try {
      const row = this.byUuid.get(uuid);
      return row && toStored(row);
    } catch (err) {
      this.fail(err);
    }
  }

  async getByName(name: string): Promise<StoredTenant | undefined> {
    try {
      const row = this.byName.get(name);
      return row && toStored(row);
    } catch (err) {
      this.fail(err);
    }
  }

  async list(): Promise<StoredTenant[]> {
    try {
      return this.all.all().map(toStored);
    } catch (err) {
      this.fail(err);
    }
  }

  async update(
    uuid: string,
    change: (current: StoredTenant) => StoredTenant,
  ): Promise<StoredTenant | undefined> {
    try {
      return this.updateTx(uuid, change);
    } catch (err) {
      if (err instanceof ChangeFailed) throw err.error;
      this.fail(err);
    }
  }

  async delete(uuid: string): Promise<{ deleted: boolean; referredBy: string[] }> {
    try {
      return this.deleteTx(uuid);
    } catch (err) {
      this.fail(err);
    }
  }
}
