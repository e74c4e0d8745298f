// UpgradeStatusInfo records in SQLite: one row per object, the document as JSON text plus the
// indexed columns derived from it (indexed-fields.ts). better-sqlite3 is synchronous, so each
// method runs to completion before the next starts within this process; BEGIN IMMEDIATE
// transactions plus busy_timeout serialise writers across processes.
import type Database from 'better-sqlite3';
import { extractIndexedValues } from '../indexed-fields.js';
import type { ListQuery, ListResult, StoredObject, UpgradeStatusStore } from '../types.js';
import { mapSqliteError } from './errors.js';
import { TABLE } from './migrations.js';
import { compileListQuery, SELECT_COLUMNS, type SqlValue } from './query.js';
import { StatementCache } from './statement-cache.js';
import { DocumentCache } from '../document-cache.js';

interface Row {
  uuid: string;
  tenant: string;
  last_modified: string;
  body: string;
}

interface RowWithSeq extends Row {
  seq: number;
  rev: number;
}

/** What a get or a list page reads first: enough to check the document cache. */
type Head = [uuid: string, tenant: string, lastModified: string, rev: number];

function rowToStored(row: Row): StoredObject {
  return {
    uuid: row.uuid,
    tenant: row.tenant,
    lastModified: row.last_modified,
    body: JSON.parse(row.body) as Record<string, unknown>,
  };
}

/** The bound values for the data columns, in the order of DATA_COLUMNS. */
function dataValues(obj: StoredObject): SqlValue[] {
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
    JSON.stringify(obj.body),
  ];
}

const DATA_COLUMNS = [
  'uuid',
  'tenant',
  'name',
  'node_type',
  'cloud',
  'state',
  'progress',
  'last_modified',
  'body',
];

/** Wraps an error thrown by the caller's `change`, so it is rethrown untouched. */
class ChangeFailed {
  constructor(readonly error: unknown) {}
}

export class SqliteUpgradeStatusStore implements UpgradeStatusStore {
  private readonly cache: StatementCache;
  private readonly docs = new DocumentCache();
  private readonly headAny: Database.Statement<[string], Head>;
  private readonly bodyOf: Database.Statement<[string], string>;
  private readonly getAny: Database.Statement<[string], RowWithSeq>;
  private readonly getInTenant: Database.Statement<[string, string], RowWithSeq>;
  private readonly insertStmt: Database.Statement<SqlValue[]>;
  private readonly updateStmt: Database.Statement<SqlValue[]>;
  private readonly deleteAny: Database.Statement<[string]>;
  private readonly deleteInTenant: Database.Statement<[string, string]>;
  private readonly updateTx: (
    uuid: string,
    tenant: string | null,
    change: (current: StoredObject) => StoredObject,
  ) => StoredObject | undefined;
  private readonly listTx: (q: ListQuery) => ListResult;

  constructor(private readonly db: Database.Database) {
    this.cache = new StatementCache(db);
    const select = `SELECT seq, rev, ${SELECT_COLUMNS} FROM ${TABLE} WHERE uuid = ?`;
    this.getAny = db.prepare(select);
    this.headAny = db
      .prepare<[string], Head>(`SELECT uuid, tenant, last_modified, rev FROM ${TABLE} WHERE uuid = ?`)
      .raw();
    this.bodyOf = db.prepare<[string], string>(`SELECT body FROM ${TABLE} WHERE uuid = ?`).pluck();
    this.getInTenant = db.prepare(`${select} AND tenant = ?`);
    this.insertStmt = db.prepare<SqlValue[]>(
      `INSERT INTO ${TABLE} (${DATA_COLUMNS.join(', ')}) VALUES (${DATA_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.updateStmt = db.prepare<SqlValue[]>(
      `UPDATE ${TABLE} SET ${DATA_COLUMNS.map((c) => `${c} = ?`).join(', ')}, rev = rev + 1 WHERE seq = ?`,
    );
    this.deleteAny = db.prepare(`DELETE FROM ${TABLE} WHERE uuid = ?`);
    this.deleteInTenant = db.prepare(`DELETE FROM ${TABLE} WHERE uuid = ? AND tenant = ?`);

    const updateTx = db.transaction(
      (uuid: string, tenant: string | null, change: (current: StoredObject) => StoredObject) => {
        const row = this.find(uuid, tenant);
        if (!row) return undefined;
        let next: StoredObject;
        try {
          next = change(rowToStored(row));
        } catch (error) {
          throw new ChangeFailed(error); // rolls the transaction back
        }
        this.updateStmt.run(...dataValues(next), row.seq);
        return this.docs.remember(next, row.rev + 1);
      },
    );
    // IMMEDIATE takes the write lock before the read: no other writer (thread or process) can
    // change the row between our read and our write.
    this.updateTx = (uuid, tenant, change) => updateTx.immediate(uuid, tenant, change);

    // Deferred: count and page are read from one snapshot, even while other processes write.
    this.listTx = db.transaction((q: ListQuery) => this.listNow(q));
  }

  private find(uuid: string, tenant: string | null): RowWithSeq | undefined {
    return tenant === null ? this.getAny.get(uuid) : this.getInTenant.get(uuid, tenant);
  }

  private fail(err: unknown): never {
    throw mapSqliteError(err, this.db);
  }

  async insert(obj: StoredObject): Promise<void> {
    try {
      this.insertStmt.run(...dataValues(obj));
      this.docs.remember(obj, 0);
    } catch (err) {
      this.fail(err);
    }
  }

  async get(uuid: string, tenant: string | null): Promise<StoredObject | undefined> {
    try {
      const head = this.headAny.get(uuid);
      if (!head || (tenant !== null && head[1] !== tenant)) return undefined;
      return this.load(head);
    } catch (err) {
      this.fail(err);
    }
  }

  /** The document for a row head: from the cache when it is current, else read and parsed. */
  private load(head: Head): StoredObject | undefined {
    const [uuid, tenant, lastModified, rev] = head;
    const cached = this.docs.fresh(uuid, rev, lastModified);
    if (cached) return cached;
    const body = this.bodyOf.get(uuid);
    if (body === undefined) return undefined;
    return this.docs.remember(rowToStored({ uuid, tenant, last_modified: lastModified, body }), rev);
  }

  async update(
    uuid: string,
    tenant: string | null,
    change: (current: StoredObject) => StoredObject,
  ): Promise<StoredObject | undefined> {
    try {
      return this.updateTx(uuid, tenant, change);
    } catch (err) {
      if (err instanceof ChangeFailed) throw err.error;
      this.fail(err);
    }
  }

  async delete(uuid: string, tenant: string | null): Promise<boolean> {
    try {
      const info = tenant === null ? this.deleteAny.run(uuid) : this.deleteInTenant.run(uuid, tenant);
      this.docs.forget(uuid);
      return info.changes > 0;
    } catch (err) {
      this.fail(err);
    }
  }

  async list(query: ListQuery): Promise<ListResult> {
    try {
      return this.listTx(query);
    } catch (err) {
      this.fail(err);
    }
  }

  private listNow(q: ListQuery): ListResult {
    const sql = compileListQuery(q);
    const count = Number(
      this.cache
        .get(sql.countSql)
        .pluck()
        .get(...sql.countParams) ?? 0,
    );
    if (count === 0 || sql.limit === 0 || sql.offset >= count) return { count, items: [] };
    const heads = this.cache
      .get(sql.pageSql)
      .raw()
      .all(...sql.pageParams) as Head[];
    const items: StoredObject[] = [];
    for (const head of heads) {
      const obj = this.load(head);
      if (obj) items.push(obj);
    }
    return { count, items };
  }
}
