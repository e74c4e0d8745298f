// Turns a ListQuery into SQL. Field paths address the indexed column when one holds that path
// (see indexed-fields.ts), else `json_extract(body, '$.a.b')`; the JSON path is built only from
// segments matching SEGMENT. Every user value is a bound parameter, never part of the SQL text,
// so the SQL text depends only on the query's shape and its prepared statement can be cached.
import { columnFilterValue, indexedFieldAt } from '../indexed-fields.js';
import type { Filter, ListQuery, Scalar, SortKey } from '../types.js';
import { COUNTS_TABLE, TABLE } from './migrations.js';

export type SqlValue = string | number | bigint | null;

const SEGMENT = /^[A-Za-z0-9_]+$/;

/** A field path that cannot be turned into SQL safely. */
export class InvalidFieldPathError extends Error {
  constructor(readonly path: readonly string[]) {
    super(`invalid field path ${JSON.stringify(path)}`);
    this.name = 'InvalidFieldPathError';
  }
}

/** The columns a get returns; see `rowToStored`. */
export const SELECT_COLUMNS = 'uuid, tenant, last_modified, body';
/** The columns a list page returns: bodies come from the document cache or a second read. */
export const PAGE_COLUMNS = 'uuid, tenant, last_modified, rev';

/** `$.a.b` for ['a', 'b']; throws on any segment outside [A-Za-z0-9_]. */
export function jsonPath(path: readonly string[]): string {
  if (path.length === 0) throw new InvalidFieldPathError(path);
  for (const seg of path) {
    if (typeof seg !== 'string' || !SEGMENT.test(seg)) throw new InvalidFieldPathError(path);
  }
  return `$.${path.join('.')}`;
}

function jsonExpr(path: readonly string[]): string {
  return `json_extract(body, '${jsonPath(path)}')`;
}

/**
 * The SQL expression for a path. `exact`: the caller compares whole values (eq, in, sort), so a
 * reference field may use its uuid column; `contains` needs the full stored reference text.
 */
function fieldExpr(path: readonly string[], exact: boolean): string {
  const field = indexedFieldAt(path);
  if (field && (exact || field.kind !== 'ref')) return field.column;
  return jsonExpr(path);
}

/** SQLite has no boolean: JSON true/false come out of json_extract as 1/0. */
function bindable(v: Scalar): SqlValue {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

function filterValue(path: readonly string[], v: Scalar): SqlValue {
  const field = indexedFieldAt(path);
  return bindable(field ? columnFilterValue(field, v) : v);
}

function compileFilter(f: Filter, params: SqlValue[]): string {
  switch (f.op) {
    case 'eq':
      params.push(filterValue(f.path, f.value));
      return `${fieldExpr(f.path, true)} = ?`;
    case 'in': {
      const expr = fieldExpr(f.path, true);
      if (f.values.length === 0) return '0';
      for (const v of f.values) params.push(filterValue(f.path, v));
      return `${expr} IN (${f.values.map(() => '?').join(', ')})`;
    }
    case 'contains': {
      // instr() matches literally: no LIKE wildcards to escape. lower() folds ASCII only,
      // the same on both sides.
      const expr = fieldExpr(f.path, false);
      params.push(f.value);
      return f.caseInsensitive ? `instr(lower(${expr}), lower(?)) > 0` : `instr(${expr}, ?) > 0`;
    }
    default: {
      const never: never = f;
      throw new Error(`unknown filter op in ${JSON.stringify(never)}`);
    }
  }
}

function compileSort(sort: readonly SortKey[]): string {
  const terms = sort.map((k) => `${fieldExpr(k.path, true)} ${k.descending ? 'DESC' : 'ASC'}`);
  terms.push('seq ASC'); // ties (and the default order) follow creation order
  return terms.join(', ');
}

function nonNegativeInt(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0;
}

export interface CompiledList {
  /** Exact count of the matching rows; bind `countParams`, read with pluck. */
  countSql: string;
  countParams: SqlValue[];
  /** One page; bind `pageParams` (they end with limit, offset). */
  pageSql: string;
  pageParams: SqlValue[];
  /** The normalised page bounds bound in `pageParams` (limit -1: unlimited). */
  limit: number;
  offset: number;
}

export function compileListQuery(q: ListQuery): CompiledList {
  const conds: string[] = [];
  const params: SqlValue[] = [];
  if (q.tenant !== null) {
    conds.push('tenant = ?');
    params.push(q.tenant);
  }
  for (const f of q.filters) conds.push(compileFilter(f, params));
  const orderBy = compileSort(q.sort);
  const where = conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '';

  let countSql: string;
  let countParams: SqlValue[];
  if (q.filters.length > 0) {
    countSql = `SELECT count(*) FROM ${TABLE}${where}`;
    countParams = params;
  } else if (q.tenant !== null) {
    // O(1): the trigger-maintained counter.
    countSql = `SELECT coalesce((SELECT n FROM ${COUNTS_TABLE} WHERE tenant = ?), 0)`;
    countParams = [q.tenant];
  } else {
    countSql = `SELECT coalesce(sum(n), 0) FROM ${COUNTS_TABLE}`;
    countParams = [];
  }

  // LIMIT -1 is SQLite for "no limit" (limit: Infinity).
  const limit = q.limit === Infinity ? -1 : nonNegativeInt(q.limit);
  const offset = nonNegativeInt(q.offset);
  return {
    countSql,
    countParams,
    pageSql: `SELECT ${PAGE_COLUMNS} FROM ${TABLE}${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
    pageParams: [...params, limit, offset],
    limit,
    offset,
  };
}
