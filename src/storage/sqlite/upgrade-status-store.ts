// UpgradeStatusInfo records in SQLite: one row per object, the document as JSON text plus the
// indexed columns derived from it (indexed-fields.ts). better-sqlite3 is synchronous, so each
// method runs to completion before the next starts within this process; BEGIN IMMEDIATE
// transactions plus busy_timeout serialise writers across processes.
import type Database from 'better-sqlite3';
import { DATA_COLUMNS, extractIndexedValues } from '../indexed-fields.js';
import type { ListQuery, ListResult, StoredObject, UpgradeStatusStore } from '../types.js';
import { mapSqliteError } from './errors.js';
import { TABLE } from './migrations.js';
import { compileListQuery, type SqlValue } from './query.js';
import { StatementCache } from './statement-cache.js';
import { DocumentCache } from '../document-cache.js';
import { documentText } from '../../domain/json-text.js';
import { WriteBatcher } from './write-batcher.js';
import type { SqliteChangeFeed } from './change-feed.js';

interface Row {
  uuid: string;
  tenant: string;
  last_modified: string;
  body: string;
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

/**
 * The bound values for the data columns, in the order of DATA_COLUMNS. `bodyText`: the document's
 * JSON text (null when the caller does not need the body).
 */
function dataValues(obj: StoredObject, bodyText: string | null): SqlValue[] {
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
    bodyText,
  ];
}

/** Wraps an error thrown by the caller's `change`, so it is rethrown untouched. */
class ChangeFailed {
  constructor(readonly error: unknown) {}
}

export class SqliteUpgradeStatusStore implements UpgradeStatusStore {
  private readonly cache: StatementCache;
  private readonly docs = new DocumentCache();
  private readonly headAny: Database.Statement<[string], Head>;
  private readonly bodyOf: Database.Statement<[string], string>;
  private readonly headForUpdate: Database.Statement<[string], [...Head, number]>;
  private readonly insertStmt: Database.Statement<SqlValue[]>;
  /** UPDATE statements by the set of columns they write (see writeChanges). */
  private readonly updateStmts = new Map<string, Database.Statement<SqlValue[]>>();
  private readonly deleteAny: Database.Statement<[string]>;
  private readonly deleteInTenant: Database.Statement<[string, string]>;
  private readonly updateTx: (
    uuid: string,
    tenant: string | null,
    change: (current: StoredObject) => StoredObject,
  ) => StoredObject | undefined;
  private readonly listTx: (q: ListQuery) => ListResult;
  private readonly insertTx: (obj: StoredObject) => void;
  private readonly deleteTx: (uuid: string, tenant: string | null) => boolean;
  private readonly writes: WriteBatcher;

  constructor(
    private readonly db: Database.Database,
    /** Told after each committed write, so live streams hear of it at once. */
    private readonly changes?: SqliteChangeFeed,
  ) {
    this.cache = new StatementCache(db);
    this.headAny = db
      .prepare<[string], Head>(`SELECT uuid, tenant, last_modified, rev FROM ${TABLE} WHERE uuid = ?`)
      .raw();
    this.headForUpdate = db
      .prepare<[string], [...Head, number]>(
        `SELECT uuid, tenant, last_modified, rev, seq FROM ${TABLE} WHERE uuid = ?`,
      )
      .raw();
    this.bodyOf = db.prepare<[string], string>(`SELECT body FROM ${TABLE} WHERE uuid = ?`).pluck();
    this.insertStmt = db.prepare<SqlValue[]>(
      `INSERT INTO ${TABLE} (${DATA_COLUMNS.join(', ')}) VALUES (${DATA_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.deleteAny = db.prepare(`DELETE FROM ${TABLE} WHERE uuid = ?`);
    this.deleteInTenant = db.prepare(`DELETE FROM ${TABLE} WHERE uuid = ? AND tenant = ?`);

    const updateTx = db.transaction(
      (uuid: string, tenant: string | null, change: (current: StoredObject) => StoredObject) => {
        const head = this.headForUpdate.get(uuid);
        if (!head || (tenant !== null && head[1] !== tenant)) return undefined;
        const [, , lastModified, rev, seq] = head;
        const current = this.load([uuid, head[1], lastModified, rev]);
        if (!current) return undefined;
        let next: StoredObject;
        try {
          next = change(current);
        } catch (error) {
          throw new ChangeFailed(error); // rolls the transaction back
        }
        this.writeChanges(current, next, seq);
        return this.docs.remember(next, rev + 1);
      },
    );
    // Every write runs as a savepoint inside a group transaction (write-batcher.ts).
    this.updateTx = (uuid, tenant, change) => updateTx(uuid, tenant, change);
    this.insertTx = db.transaction((obj: StoredObject) => {
      this.insertStmt.run(...dataValues(obj, documentText(obj.body, { remember: true })));
      this.docs.remember(obj, 0);
    });
    this.deleteTx = db.transaction((uuid: string, tenant: string | null) => {
      const info = tenant === null ? this.deleteAny.run(uuid) : this.deleteInTenant.run(uuid, tenant);
      this.docs.forget(uuid);
      return info.changes > 0;
    });
    this.writes = new WriteBatcher(db, (err) => mapSqliteError(err, db));

    // Deferred: count and page are read from one snapshot, even while other processes write.
    this.listTx = db.transaction((q: ListQuery) => this.listNow(q));
  }

  private fail(err: unknown): never {
    throw mapSqliteError(err, this.db);
  }

  /**
   * Writes only the columns whose value changed (plus body, last_modified and rev): SQLite
   * rewrites the index entries of every column an UPDATE sets, even to the same value.
   */
  private writeChanges(current: StoredObject, next: StoredObject, seq: number): void {
    const before = dataValues(current, null);
    const after = dataValues(next, documentText(next.body, { remember: true, previous: current.body }));
    const columns: string[] = [];
    const values: SqlValue[] = [];
    DATA_COLUMNS.forEach((column, i) => {
      if (column === 'body' || column === 'last_modified' || before[i] !== after[i]) {
        columns.push(column);
        values.push(after[i] ?? null);
      }
    });
    const key = columns.join(',');
    let stmt = this.updateStmts.get(key);
    if (!stmt) {
      stmt = this.db.prepare<SqlValue[]>(
        `UPDATE ${TABLE} SET ${columns.map((c) => `${c} = ?`).join(', ')}, rev = rev + 1 WHERE seq = ?`,
      );
      this.updateStmts.set(key, stmt);
    }
    stmt.run(...values, seq);
  }

  async insert(obj: StoredObject): Promise<void> {
    try {
      await this.writes.run(() => this.insertTx(obj));
      this.changes?.committed();
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
      const updated = await this.writes.run(() => this.updateTx(uuid, tenant, change));
      if (updated) this.changes?.committed();
      return updated;
    } catch (err) {
      if (err instanceof ChangeFailed) throw err.error;
      this.fail(err);
    }
  }

  async delete(uuid: string, tenant: string | null): Promise<boolean> {
    try {
      const deleted = await this.writes.run(() => this.deleteTx(uuid, tenant));
      if (deleted) this.changes?.committed();
      return deleted;
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
