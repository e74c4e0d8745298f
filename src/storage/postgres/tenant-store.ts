// Tenants in PostgreSQL: one row per tenant, the document as jsonb plus the uuid and name columns.
import type { StoredTenant, TenantStore } from '../types.js';
import { ChangeFailed, runChange } from './change-failed.js';
import { TABLE, TENANT_TABLE, USER_TABLE } from './migrations.js';
import { toJsonb, type Db } from './statement-cache.js';
import { transaction } from './write-batcher.js';

interface Row {
  seq: number;
  uuid: string;
  name: string;
  last_modified: string;
  body: Record<string, unknown>;
}

/** How many referring objects a refused delete names. */
const MAX_REFERRERS = 10;

const toStored = (row: Row): StoredTenant => ({
  uuid: row.uuid,
  name: row.name,
  lastModified: row.last_modified,
  body: row.body,
});

const COLUMNS = 'seq, uuid, name, last_modified, body';
const BY_UUID = `SELECT ${COLUMNS} FROM ${TENANT_TABLE} WHERE uuid = $1`;
const BY_NAME = `SELECT ${COLUMNS} FROM ${TENANT_TABLE} WHERE name = $1`;
const ALL = `SELECT ${COLUMNS} FROM ${TENANT_TABLE} ORDER BY seq`;
const INSERT = `INSERT INTO ${TENANT_TABLE} (uuid, name, last_modified, body) VALUES ($1, $2, $3, $4::jsonb)`;
const UPDATE = `UPDATE ${TENANT_TABLE} SET uuid = $1, name = $2, last_modified = $3, body = $4::jsonb WHERE seq = $5`;
const OBJECTS_IN = `SELECT name, uuid FROM ${TABLE} WHERE tenant = $1 ORDER BY seq LIMIT $2`;
const USERS_OF = `SELECT username FROM ${USER_TABLE} WHERE tenants @> ARRAY[$1::text] ORDER BY seq LIMIT $2`;
const DELETE = `DELETE FROM ${TENANT_TABLE} WHERE uuid = $1`;

export class PgTenantStore implements TenantStore {
  constructor(private readonly db: Db) {}

  async insert(t: StoredTenant): Promise<void> {
    await this.db.query(INSERT, [t.uuid, t.name, t.lastModified, toJsonb(t.body)]);
  }

  async get(uuid: string): Promise<StoredTenant | undefined> {
    const row = (await this.db.idempotent<Row>(BY_UUID, [uuid])).rows[0];
    return row && toStored(row);
  }

  async getByName(name: string): Promise<StoredTenant | undefined> {
    const row = (await this.db.idempotent<Row>(BY_NAME, [name])).rows[0];
    return row && toStored(row);
  }

  async list(): Promise<StoredTenant[]> {
    return (await this.db.idempotent<Row>(ALL, [])).rows.map(toStored);
  }

  async update(
    uuid: string,
    change: (current: StoredTenant) => StoredTenant,
  ): Promise<StoredTenant | undefined> {
    try {
      return await transaction(this.db, async (tx) => {
        const row = (await tx.query<Row>(`${BY_UUID} FOR UPDATE`, [uuid])).rows[0];
        if (!row) return undefined;
        const next = runChange(change, toStored(row));
        await tx.query(UPDATE, [next.uuid, next.name, next.lastModified, toJsonb(next.body), row.seq]);
        return next;
      });
    } catch (err) {
      if (err instanceof ChangeFailed) throw err.error;
      throw err;
    }
  }

  async delete(uuid: string): Promise<{ deleted: boolean; referredBy: string[] }> {
    return transaction(this.db, async (tx) => {
      // SHARE mode waits for writes in progress to these tables and holds off new ones until the
      // commit: nothing can move into the tenant between the check and the delete.
      await tx.query(`LOCK TABLE ${TABLE}, ${USER_TABLE} IN SHARE MODE`);
      const objects = await tx.query<{ name: string | null; uuid: string }>(OBJECTS_IN, [
        uuid,
        MAX_REFERRERS,
      ]);
      const users = await tx.query<{ username: string }>(USERS_OF, [uuid, MAX_REFERRERS]);
      const referredBy = [
        ...objects.rows.map((o) => `UpgradeStatusInfo ${o.name ?? o.uuid}`),
        ...users.rows.map((u) => `User ${u.username}`),
      ].slice(0, MAX_REFERRERS);
      if (referredBy.length > 0) return { deleted: false, referredBy };
      const result = await tx.query(DELETE, [uuid]);
      return { deleted: (result.rowCount ?? 0) > 0, referredBy };
    });
  }
}
