// Turns a ListQuery into SQL. Field paths address the indexed column when one holds that path
// (see indexed-fields.ts), else `json_extract(body, '$.a.b')`; the JSON path is built only from
// segments matching SEGMENT. Every user value is a bound parameter, never part of the SQL text,
// so the SQL text depends only on the query's shape and its prepared statement can be cached.
import { columnFilterValue, indexedFieldAt, type IndexedField } from '../indexed-fields.js';
import {
  ANY_ITEM,
  type FieldPath,
  type Filter,
  type ListQuery,
  type Scalar,
  type SortKey,
} from '../types.js';
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
 * The SQL expression for a path without list steps (sorts). `exact`: the caller compares whole
 * values, so a reference field may use its uuid column; `contains` needs the full stored text.
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

// ---------------------------------------------------------------------------------------------
// Filters. A path may step into list items (ANY_ITEM): each step becomes
// `EXISTS (SELECT 1 FROM json_each(<list>) AS jN WHERE <the rest of the path, on jN>)`.

/** What compiling one query accumulates: bound values in SQL text order, and alias numbers. */
interface Compilation {
  params: SqlValue[];
  aliases: number;
}

/** The JSON document a path starts from: the row's body, or the current item of a json_each. */
type Source = { kind: 'body' } | { kind: 'item'; alias: string };

const BODY: Source = { kind: 'body' };

/** A value's place: a JSON path (without list steps) below a source. */
interface Loc {
  source: Source;
  path: readonly string[];
}

/**
 * The current json_each item as JSON text. json_each gives objects and arrays as JSON text but
 * strings, numbers and booleans as SQL values, which are not JSON text ('abc', 1 for true).
 */
function itemJson(alias: string): string {
  return (
    `(CASE ${alias}.type WHEN 'object' THEN ${alias}.value WHEN 'array' THEN ${alias}.value ` +
    `WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE json_quote(${alias}.value) END)`
  );
}

function docSql(source: Source): string {
  return source.kind === 'body' ? 'body' : itemJson(source.alias);
}

/** `json_fn(<doc>, '$.a.b')`, or `json_fn(<doc>)` for the document itself. */
function jsonCall(fn: string, loc: Loc): string {
  return loc.path.length === 0
    ? `${fn}(${docSql(loc.source)})`
    : `${fn}(${docSql(loc.source)}, '${jsonPath(loc.path)}')`;
}

/** The SQL value at `loc` (JSON true/false read as 1/0). */
function valueSql(loc: Loc): string {
  if (loc.source.kind === 'item' && loc.path.length === 0) return `${loc.source.alias}.value`;
  if (loc.source.kind === 'body') jsonPath(loc.path); // a value needs a member: [] is invalid
  return jsonCall('json_extract', loc);
}

/** The JSON type name at `loc`, NULL when nothing is there. */
function typeSql(loc: Loc): string {
  if (loc.source.kind === 'item' && loc.path.length === 0) return `${loc.source.alias}.type`;
  return jsonCall('json_type', loc);
}

/** The indexed column holding exactly `loc`, if any (only paths from the body itself). */
function columnAt(loc: Loc): IndexedField | undefined {
  return loc.source.kind === 'body' ? indexedFieldAt(loc.path) : undefined;
}

/** The condition `leaf` builds for the value(s) at `path`, stepping into list items as needed. */
function atPath(path: FieldPath, c: Compilation, leaf: (loc: Loc) => string, source: Source = BODY): string {
  const step = path.indexOf(ANY_ITEM);
  if (step < 0) return leaf({ source, path });
  const head = path.slice(0, step);
  const alias = `j${c.aliases++}`;
  const list = jsonCall('json_each', { source, path: head });
  const rest = atPath(path.slice(step + 1), c, leaf, { kind: 'item', alias });
  return `EXISTS (SELECT 1 FROM ${list} AS ${alias} WHERE ${rest})`;
}

/** `a OR b OR ...` nested in balanced pairs, so that long lists stay within SQLite's expression depth. */
function anyOf(terms: readonly string[]): string {
  if (terms.length === 0) return '0';
  if (terms.length <= 8) return terms.length === 1 ? (terms[0] as string) : `(${terms.join(' OR ')})`;
  const half = Math.ceil(terms.length / 2);
  return `(${anyOf(terms.slice(0, half))} OR ${anyOf(terms.slice(half))})`;
}

// Text that every JSON writer stores verbatim (no escapes), so `instr(body, text)` is a safe
// necessary condition for a reference holding it.
const VERBATIM = /^[A-Za-z0-9_.:#@ -]+$/;

/** `instr(body, ?) > 0` for any of `needles`, or '' when one of them could be stored escaped. */
function bodyPrefilter(needles: readonly string[], c: Compilation): string {
  if (needles.length === 0 || !needles.every((n) => VERBATIM.test(n))) return '';
  for (const n of needles) c.params.push(n);
  return `${anyOf(needles.map(() => 'instr(body, ?) > 0'))} AND `;
}

function compileFilter(f: Filter, c: Compilation): string {
  const { params } = c;
  switch (f.op) {
    case 'eq':
      return atPath(f.path, c, (loc) => {
        const column = columnAt(loc);
        params.push(bindable(column ? columnFilterValue(column, f.value) : f.value));
        return `${column ? column.column : valueSql(loc)} = ?`;
      });
    case 'in':
      if (f.values.length === 0) return '0';
      return atPath(f.path, c, (loc) => {
        const column = columnAt(loc);
        for (const v of f.values) params.push(bindable(column ? columnFilterValue(column, v) : v));
        return `${column ? column.column : valueSql(loc)} IN (${f.values.map(() => '?').join(', ')})`;
      });
    case 'contains':
      return atPath(f.path, c, (loc) => {
        // instr() matches literally: no LIKE wildcards to escape. lower() folds ASCII only,
        // the same on both sides. A reference field is searched in its full stored text.
        const column = columnAt(loc);
        const expr = column && column.kind !== 'ref' ? column.column : valueSql(loc);
        params.push(f.value);
        return f.caseInsensitive ? `instr(lower(${expr}), lower(?)) > 0` : `instr(${expr}, ?) > 0`;
      });
    case 'containsText':
      return atPath(f.path, c, (loc) => {
        const t = `t${c.aliases++}`;
        const text = `(CASE ${t}.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE ${t}.value END)`;
        params.push(f.value);
        const match = f.caseInsensitive ? `instr(lower(${text}), lower(?)) > 0` : `instr(${text}, ?) > 0`;
        return (
          `EXISTS (SELECT 1 FROM ${jsonCall('json_tree', loc)} AS ${t} ` +
          `WHERE ${t}.type NOT IN ('object', 'array', 'null') AND ${match})`
        );
      });
    case 'exists':
      return atPath(f.path, c, (loc) => `coalesce(${typeSql(loc)}, 'null') <> 'null'`);
    case 'refUuid': {
      const uuids = f.values.filter((v) => v !== '');
      if (uuids.length === 0) return '0';
      const prefix = `/api/${f.refType}/`;
      const direct = f.path.includes(ANY_ITEM) ? undefined : indexedFieldAt(f.path);
      if (direct && direct.kind === 'ref' && direct.refType === f.refType) {
        for (const u of uuids) params.push(u);
        return `${direct.column} IN (${uuids.map(() => '?').join(', ')})`;
      }
      const pre = bodyPrefilter(uuids, c);
      const cond = atPath(f.path, c, (loc) => {
        const e = valueSql(loc);
        for (const u of uuids) params.push(prefix + u, `${prefix + u}#`);
        return anyOf(uuids.map(() => `(${e} = ? OR instr(${e}, ?) = 1)`));
      });
      return `(${pre}${cond})`;
    }
    case 'refName': {
      if (f.values.length === 0) return '0';
      const pre = bodyPrefilter(
        f.values.map((n) => `#${n}`),
        c,
      );
      const cond = atPath(f.path, c, (loc) => {
        const e = valueSql(loc);
        params.push(`/api/${f.refType}/`);
        for (const n of f.values) params.push(n);
        return (
          `(instr(${e}, ?) = 1 AND instr(${e}, '#') > 0 AND ` +
          `substr(${e}, instr(${e}, '#') + 1) IN (${f.values.map(() => '?').join(', ')}))`
        );
      });
      return `(${pre}${cond})`;
    }
    case 'or':
      return anyOf(f.filters.map((g) => compileFilter(g, c)));
    case 'not':
      return `NOT coalesce(${compileFilter(f.filter, c)}, 0)`;
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
  const c: Compilation = { params, aliases: 0 };
  for (const f of q.filters) conds.push(compileFilter(f, c));
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
