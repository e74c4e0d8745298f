// Turns a ListQuery into one SQL statement for PostgreSQL, with the semantics of the SQLite
// adapter's query.ts. Field paths address the indexed column when one holds that path (see
// indexed-fields.ts), else the jsonb document (`body -> 'a' -> 'b'`), built only from segments
// matching SEGMENT. Every user value is a bound parameter (lists of values bind as one array), so
// the SQL text depends only on the query's shape and runs as a named prepared statement.
//
// Where the two databases differ by nature, this file makes PostgreSQL answer as SQLite does:
// text compares and sorts bytewise (COLLATE "C"), case folding is ASCII only (lower() under "C"),
// a missing value sorts first ascending and last descending, and substring tests are literal
// (strpos, no LIKE wildcards), and an indexed column converts a compared value as SQLite's column
// affinity does. Document values compare with their JSON type (the string "1" is not the number
// 1), where SQLite's json_extract also equates true with 1.
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
import { toJsonb, type SqlParam } from './statement-cache.js';

const SEGMENT = /^[A-Za-z0-9_]+$/;

/** A field path that cannot be turned into SQL safely. */
export class InvalidFieldPathError extends Error {
  constructor(readonly path: readonly string[]) {
    super(`invalid field path ${JSON.stringify(path)}`);
    this.name = 'InvalidFieldPathError';
  }
}

/** The columns a get or a list page returns; see upgrade-status-store.ts. */
export const SELECT_COLUMNS = 'uuid, tenant, last_modified, body';

/** Checks every segment; an empty path is refused unless `allowEmpty` (the whole document). */
export function checkPath(path: readonly string[], allowEmpty = false): readonly string[] {
  if (path.length === 0 && !allowEmpty) throw new InvalidFieldPathError(path);
  for (const seg of path) {
    if (typeof seg !== 'string' || !SEGMENT.test(seg)) throw new InvalidFieldPathError(path);
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// Filters. A path may step into list items (ANY_ITEM): each step becomes
// `EXISTS (SELECT 1 FROM jsonb_array_elements(<items>) AS jN(v) WHERE <the rest, on jN.v>)`.

interface Compilation {
  params: SqlParam[];
  aliases: number;
}

/** `$n` for a new bound value. */
function bind(c: Compilation, value: SqlParam): string {
  c.params.push(value);
  return `$${c.params.length}`;
}

/** The jsonb a path starts from: the row's body, or the current item of a list step. */
type Source = { kind: 'body' } | { kind: 'item'; alias: string };
const BODY: Source = { kind: 'body' };

interface Loc {
  source: Source;
  path: readonly string[];
}

function docSql(source: Source): string {
  return source.kind === 'body' ? 'body' : `${source.alias}.v`;
}

const member = (seg: string): string => `'${seg}'`; // safe: checked against SEGMENT

/**
 * The jsonb at `loc` (SQL NULL when absent). `->` with a text key never indexes into an array,
 * as `$.a.0` in SQLite names a member "0", not an item.
 */
function jsonAt(loc: Loc, allowEmpty = false): string {
  const path = checkPath(loc.path, allowEmpty || loc.source.kind === 'item');
  return [docSql(loc.source), ...path.map(member)].join(' -> ');
}

/** The value at `loc` as text: strings unquoted, numbers and booleans as written, NULL when absent. */
function textAt(loc: Loc): string {
  const path = checkPath(loc.path, loc.source.kind === 'item');
  if (path.length === 0) return `(${docSql(loc.source)} #>> '{}')`;
  const head = [docSql(loc.source), ...path.slice(0, -1).map(member)].join(' -> ');
  return `(${head} ->> ${member(path[path.length - 1] as string)})`;
}

function columnAt(loc: Loc): IndexedField | undefined {
  return loc.source.kind === 'body' ? indexedFieldAt(loc.path) : undefined;
}

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * `value` as `field`'s column compares it, the way SQLite's column affinity converts a bound
 * value: numeric text compares as a number with the integer column, a number as its text with a
 * text column, true and false as 1 and 0. Undefined: it can equal no value of the column.
 */
function columnValue(field: IndexedField, value: Scalar): string | number | undefined {
  if (field.kind === 'integer') {
    if (typeof value === 'number') return value;
    if (typeof value === 'boolean') return value ? 1 : 0;
    const text = value.trim();
    return NUMERIC_TEXT.test(text) && Number.isFinite(Number(text)) ? Number(text) : undefined;
  }
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return String(value);
  return columnFilterValue(field, value) as string;
}

/**
 * The items a list step walks, as SQLite's json_each does: a list's items, an object's member
 * values, a lone scalar as itself; nothing when the value is absent.
 */
function itemsOf(json: string): string {
  return (
    `(CASE jsonb_typeof(${json}) WHEN 'array' THEN ${json} ` +
    `WHEN 'object' THEN jsonb_path_query_array(${json}, 'strict $.*') ` +
    `ELSE jsonb_path_query_array(${json}, 'strict $') END)`
  );
}

function atPath(path: FieldPath, c: Compilation, leaf: (loc: Loc) => string, source: Source = BODY): string {
  const step = path.indexOf(ANY_ITEM);
  if (step < 0) return leaf({ source, path });
  const list = jsonAt({ source, path: path.slice(0, step) }, true);
  const alias = `j${c.aliases++}`;
  const rest = atPath(path.slice(step + 1), c, leaf, { kind: 'item', alias });
  return `EXISTS (SELECT 1 FROM jsonb_array_elements(${itemsOf(list)}) AS ${alias}(v) WHERE ${rest})`;
}

function anyOf(terms: readonly string[]): string {
  if (terms.length === 0) return 'false';
  return terms.length === 1 ? (terms[0] as string) : `(${terms.join(' OR ')})`;
}

/** `strpos(text, value) > 0`, ASCII case folded when asked (SQLite's lower() folds ASCII only). */
function containsSql(text: string, param: string, caseInsensitive: boolean): string {
  return caseInsensitive
    ? `strpos(lower(${text} COLLATE "C"), lower(${param}::text COLLATE "C")) > 0`
    : `strpos(${text}, ${param}::text) > 0`;
}

function eqSql(loc: Loc, values: readonly Scalar[], c: Compilation): string {
  const column = columnAt(loc);
  if (column) {
    const bound = values.map((v) => columnValue(column, v)).filter((v) => v !== undefined);
    if (bound.length === 0) return 'false';
    const type = column.kind === 'integer' ? 'float8' : 'text';
    if (bound.length === 1) return `${column.column} = ${bind(c, bound[0] as string | number)}::${type}`;
    const list = column.kind === 'integer' ? (bound as number[]) : (bound as string[]);
    return `${column.column} = ANY(${bind(c, list)}::${type}[])`;
  }
  // A document value compares with its JSON type: the string "1" is not the number 1.
  const json = values.map(toJsonb);
  const at = jsonAt(loc);
  return json.length === 1
    ? `${at} = ${bind(c, json[0] as string)}::jsonb`
    : `${at} = ANY(${bind(c, json)}::jsonb[])`;
}

/**
 * Whether text containing `s` shows it as is in jsonb's JSON text, which escapes only `"`, `\`
 * and control characters (and where the adapter's own escapes are control characters too).
 */
function verbatimInJson(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c) return false;
  }
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function compileFilter(f: Filter, c: Compilation): string {
  switch (f.op) {
    case 'eq':
      return atPath(f.path, c, (loc) => eqSql(loc, [f.value], c));
    case 'in':
      if (f.values.length === 0) return 'false';
      return atPath(f.path, c, (loc) => eqSql(loc, f.values, c));
    case 'contains':
      return atPath(f.path, c, (loc) => {
        // A reference field is searched in its full stored text, not its uuid column.
        const column = columnAt(loc);
        const text = column && column.kind === 'text' ? column.column : textAt(loc);
        return containsSql(text, bind(c, f.value), f.caseInsensitive);
      });
    case 'containsText':
      return atPath(f.path, c, (loc) => {
        const t = `t${c.aliases++}`;
        const doc = jsonAt(loc, true);
        const param = bind(c, f.value);
        const match = containsSql(`(${t}.v #>> '{}')`, param, f.caseInsensitive);
        // A cheap necessary condition first: the value in the document's JSON text at all.
        const pre = verbatimInJson(f.value)
          ? `${containsSql(`(${doc})::text`, param, f.caseInsensitive)} AND `
          : '';
        return (
          `(${pre}EXISTS (SELECT 1 FROM jsonb_path_query(${doc}, 'strict $.**') AS ${t}(v) ` +
          `WHERE jsonb_typeof(${t}.v) IN ('string', 'number', 'boolean') AND ${match}))`
        );
      });
    case 'exists':
      return atPath(f.path, c, (loc) => `coalesce(jsonb_typeof(${jsonAt(loc, true)}), 'null') <> 'null'`);
    case 'refUuid': {
      const uuids = f.values.filter((v) => v !== '');
      if (uuids.length === 0) return 'false';
      const direct = f.path.includes(ANY_ITEM) ? undefined : indexedFieldAt(f.path);
      if (direct && direct.kind === 'ref' && direct.refType === f.refType) {
        return `${direct.column} = ANY(${bind(c, uuids)}::text[])`;
      }
      const refs = uuids.map((u) => `/api/${f.refType}/${u}`);
      // The part before '#' is the reference without its name: equal to one of `refs`.
      return atPath(f.path, c, (loc) => `split_part(${textAt(loc)}, '#', 1) = ANY(${bind(c, refs)}::text[])`);
    }
    case 'refName': {
      const names = f.values;
      if (names.length === 0) return 'false';
      return atPath(f.path, c, (loc) => {
        const e = textAt(loc);
        return (
          `(starts_with(${e}, ${bind(c, `/api/${f.refType}/`)}::text) AND strpos(${e}, '#') > 0 AND ` +
          `substr(${e}, strpos(${e}, '#') + 1) = ANY(${bind(c, names)}::text[]))`
        );
      });
    }
    case 'or':
      return anyOf(f.filters.map((g) => compileFilter(g, c)));
    case 'not':
      return `NOT coalesce(${compileFilter(f.filter, c)}, false)`;
    default: {
      const never: never = f;
      throw new Error(`unknown filter op in ${JSON.stringify(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sorting. An indexed column sorts as itself. A document path sorts as SQLite's json_extract
// values do: missing or null first, then numbers (true and false as 1 and 0), then text (objects
// and lists as their JSON text), bytewise.

function sortTerms(key: SortKey): string[] {
  const dir = key.descending ? 'DESC' : 'ASC';
  const field = indexedFieldAt(key.path);
  if (field) return [`${field.column} ${dir} NULLS ${key.descending ? 'LAST' : 'FIRST'}`];
  const j = jsonAt({ source: BODY, path: key.path });
  const type = `jsonb_typeof(${j})`;
  return [
    `(CASE ${type} WHEN 'number' THEN 1 WHEN 'boolean' THEN 1 WHEN 'string' THEN 2 ` +
      `WHEN 'object' THEN 2 WHEN 'array' THEN 2 ELSE 0 END) ${dir}`,
    `(CASE ${type} WHEN 'number' THEN (${j})::numeric ` +
      `WHEN 'boolean' THEN (CASE WHEN (${j})::boolean THEN 1 ELSE 0 END) END) ${dir}`,
    `(CASE WHEN ${type} IN ('string', 'object', 'array') THEN ${j} #>> '{}' END) COLLATE "C" ${dir}`,
  ];
}

function nonNegativeInt(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0;
}

export interface CompiledList {
  /**
   * One statement, so that the count and the page come from one snapshot: every row carries
   * `total`; with an empty page, one row whose other columns are NULL.
   */
  sql: string;
  params: SqlParam[];
  /** The count alone (EXPLAIN in tests), with its own params. */
  countSql: string;
  countParams: SqlParam[];
  /** The page alone (EXPLAIN in tests); same params. */
  pageSql: string;
}

export function compileListQuery(q: ListQuery): CompiledList {
  const c: Compilation = { params: [], aliases: 0 };
  const conds: string[] = [];
  if (q.tenant !== null) conds.push(`tenant = ${bind(c, q.tenant)}::text`);
  for (const f of q.filters) conds.push(compileFilter(f, c));
  const orderBy = [...q.sort.flatMap(sortTerms), 'seq ASC'].join(', ');
  const where = conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '';

  let countSql: string;
  if (q.filters.length > 0) countSql = `SELECT count(*) FROM ${TABLE}${where}`;
  else if (q.tenant !== null) {
    // O(1): the trigger-maintained counter ($1 is the tenant).
    countSql = `SELECT coalesce((SELECT n FROM ${COUNTS_TABLE} WHERE tenant = $1::text), 0)`;
  } else countSql = `SELECT coalesce(sum(n), 0)::bigint FROM ${COUNTS_TABLE}`;

  // LIMIT NULL is PostgreSQL for "no limit" (limit: Infinity).
  const limit = bind(c, q.limit === Infinity ? null : nonNegativeInt(q.limit));
  const offset = bind(c, nonNegativeInt(q.offset));
  const pageSql =
    `SELECT ${SELECT_COLUMNS} FROM ${TABLE}${where} ` +
    `ORDER BY ${orderBy} LIMIT ${limit}::bigint OFFSET ${offset}::bigint`;
  // row_number() numbers the page rows in the order the sorted, limited subquery yields them.
  const sql =
    `SELECT c.total, p.uuid, p.tenant, p.last_modified, p.body FROM (${countSql}) AS c(total) ` +
    `LEFT JOIN LATERAL (SELECT s.*, row_number() OVER () AS ord FROM (${pageSql}) AS s) AS p ON true ` +
    `ORDER BY p.ord`;
  const countParams = q.filters.length > 0 || q.tenant !== null ? c.params.slice(0, -2) : [];
  return { sql, params: c.params, countSql, countParams, pageSql };
}
