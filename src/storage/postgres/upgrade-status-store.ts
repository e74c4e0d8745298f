// UpgradeStatusInfo records in PostgreSQL: one row per object, the document as jsonb plus the
// indexed columns derived from it (indexed-fields.ts). An update locks its row (SELECT ... FOR
// UPDATE) for its read-modify-write, so concurrent updates of one object, from any process, apply
// one after the other and none is lost. A list is one statement: its count and page come from one
// snapshot.
//
// No document cache: a cached document could only be trusted after asking the database for the
// row's revision, and that question costs the same round trip as reading the jsonb itself.
import { DATA_COLUMNS, extractIndexedValues } from '../indexed-fields.js';
import type { ListQuery, ListResult, StoredObject, UpgradeStatusStore } from '../types.js';
import { ChangeFailed, runChange } from './change-failed.js';
import { TABLE } from './migrations.js';
import { compileListQuery, SELECT_COLUMNS } from './query.js';
import { toJsonb, type Db, type SqlParam } from './statement-cache.js';
import { KeyedQueue, transaction } from './write-batcher.js';

interface Row {
  uuid: string;
  tenant: string;
  last_modified: string;
  body: Record<string, unknown>;
}

function rowToStored(row: Row): StoredObject {
  return { uuid: row.uuid, tenant: row.tenant, lastModified: row.last_modified, body: row.body };
}

/** The bound values for DATA_COLUMNS. */
function dataValues(obj: StoredObject): SqlParam[] {
  const v = extractIndexedValues(obj.body);
  return [
    obj.uuid,
    obj.tenant,
    v.name,
    v.node_type,
    v.cloud,
    v.state,
    v.progress,
    obj.lastModified,
    toJsonb(obj.body),
  ];
}

const INSERT =
  `INSERT INTO ${TABLE} (${DATA_COLUMNS.join(', ')}) ` +
  `VALUES (${DATA_COLUMNS.map((c, i) => `$${i + 1}${c === 'body' ? '::jsonb' : ''}`).join(', ')})`;

const UPDATE =
  `UPDATE ${TABLE} SET ` +
  DATA_COLUMNS.map((c, i) => `${c} = $${i + 1}${c === 'body' ? '::jsonb' : ''}`).join(', ') +
  ` WHERE seq = $${DATA_COLUMNS.length + 1}`;

const GET = `SELECT ${SELECT_COLUMNS} FROM ${TABLE} WHERE uuid = $1`;
const LOCK = `SELECT seq, ${SELECT_COLUMNS} FROM ${TABLE} WHERE uuid = $1 FOR UPDATE`;
const DELETE_ANY = `DELETE FROM ${TABLE} WHERE uuid = $1`;
const DELETE_IN_TENANT = `DELETE FROM ${TABLE} WHERE uuid = $1 AND tenant = $2`;

interface ListRow {
  total: number | string;
  uuid: string | null;
  tenant: string;
  last_modified: string;
  body: Record<string, unknown>;
}

export class PgUpgradeStatusStore implements UpgradeStatusStore {
  /** Updates of one object from this process wait here rather than on its row lock. */
  private readonly updates = new KeyedQueue();

  constructor(private readonly db: Db) {}

  async insert(obj: StoredObject): Promise<void> {
    await this.db.query(INSERT, dataValues(obj));
  }

  async get(uuid: string, tenant: string | null): Promise<StoredObject | undefined> {
    const row = (await this.db.idempotent<Row>(GET, [uuid])).rows[0];
    if (!row || (tenant !== null && row.tenant !== tenant)) return undefined;
    return rowToStored(row);
  }

  async update(
    uuid: string,
    tenant: string | null,
    change: (current: StoredObject) => StoredObject,
  ): Promise<StoredObject | undefined> {
    try {
      return await this.updates.run(uuid, () =>
        transaction(this.db, async (tx) => {
          const row = (await tx.query<Row & { seq: number }>(LOCK, [uuid])).rows[0];
          if (!row || (tenant !== null && row.tenant !== tenant)) return undefined;
          const next = runChange(change, rowToStored(row));
          await tx.query(UPDATE, [...dataValues(next), row.seq]);
          return next;
        }),
      );
    } catch (err) {
      if (err instanceof ChangeFailed) throw err.error;
      throw err;
    }
  }

  async delete(uuid: string, tenant: string | null): Promise<boolean> {
    const result =
      tenant === null
        ? await this.db.query(DELETE_ANY, [uuid])
        : await this.db.query(DELETE_IN_TENANT, [uuid, tenant]);
    return (result.rowCount ?? 0) > 0;
  }

  async list(query: ListQuery): Promise<ListResult> {
    const compiled = compileListQuery(query);
    const { rows } = await this.db.idempotent<ListRow>(compiled.sql, compiled.params);
    const count = Number(rows[0]?.total ?? 0);
    const items: StoredObject[] = [];
    for (const row of rows) if (row.uuid !== null) items.push(rowToStored(row as Row));
    return { count, items };
  }
}
