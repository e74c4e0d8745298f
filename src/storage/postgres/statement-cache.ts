// Named prepared statements, and `Db`: the one way the stores run SQL.
//
// SQLite prepares a statement object once and keeps it. PostgreSQL prepares per connection: a
// query sent with a name is parsed and planned once on each pooled connection, and afterwards only
// bound and executed. Names derive from the SQL text (a hash), so every connection and every
// process agrees on them. List queries have few shapes (their text never holds user values, see
// query.ts), so a bounded cache names every shape in practice; once it is full, further texts run
// unnamed (parsed each time), which bounds the statements any one connection keeps on the server.
//
// Values also pass through here on their way in and out, in one reversible text encoding.
// PostgreSQL text and jsonb cannot hold U+0000, nor an unpaired surrogate (which the driver would
// silently turn into U+FFFD), while the API stores any JSON string as given. So ESC (U+0001) is
// an escape character: U+0000 is stored as ESC "0", ESC itself as ESC "1", an unpaired surrogate
// as ESC "u" and its four hex digits. Every string parameter is encoded (so filters compare like
// with like) and every text and jsonb value read is decoded. Text without these characters is
// stored unchanged; a substring search for "0", "1" or "u..." may also match inside an escape.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { isConnectionError, mapPgError } from './errors.js';

export type SqlParam = string | number | boolean | null | readonly string[] | readonly number[];

const ESC = '\u0001';
// NUL and ESC are exactly what these patterns look for.
// eslint-disable-next-line no-control-regex
const SPECIAL = /[\u0000\u0001]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SPECIAL_ALL = new RegExp(SPECIAL.source, 'g');
// eslint-disable-next-line no-control-regex
const ESCAPED_ALL = /\u0001(?:(0)|(1)|u([0-9a-f]{4}))/g;

/** A string as stored: see above. */
export function encodeText(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return s.replace(SPECIAL_ALL, (c) =>
    c === '\u0000' ? `${ESC}0` : c === ESC ? `${ESC}1` : `${ESC}u${c.charCodeAt(0).toString(16)}`,
  );
}

export function decodeText(s: string): string {
  if (!s.includes(ESC)) return s;
  return s.replace(ESCAPED_ALL, (_m, zero?: string, esc?: string, hex?: string) =>
    zero ? '\u0000' : esc ? ESC : String.fromCharCode(parseInt(hex ?? '', 16)),
  );
}

// The same on JSON text, where these characters only ever appear as \u escapes. The patterns
// consume whole escapes from left to right, so an escaped backslash never starts a false match.
const JSON_SPECIAL = /\\u(0000|0001|d[89a-f][0-9a-f]{2})|\\(?:u[0-9a-fA-F]{4}|[^u])/g;
const JSON_ESCAPED = /\\u0001(?:(0)|(1)|u([0-9a-f]{4}))|\\(?:u[0-9a-fA-F]{4}|[^u])/g;

/** `value` as the text of a jsonb parameter (`$n::jsonb`), stored strings encoded. */
export function toJsonb(value: unknown): string {
  const json = JSON.stringify(value);
  if (!/\\u(000[01]|d[89a-f])/.test(json)) return json;
  return json.replace(JSON_SPECIAL, (m, code?: string) =>
    code === undefined ? m : code === '0000' ? '\\u00010' : code === '0001' ? '\\u00011' : `\\u0001u${code}`,
  );
}

/** Parses jsonb text as PostgreSQL sends it, decoding stored strings. */
export function parseJsonb(text: string): unknown {
  if (!text.includes('\\u0001')) return JSON.parse(text);
  return JSON.parse(
    text.replace(JSON_ESCAPED, (m, zero?: string, esc?: string, hex?: string) =>
      zero ? '\\u0000' : esc ? '\\u0001' : hex ? `\\u${hex}` : m,
    ),
  );
}

function encodeParam(v: SqlParam): unknown {
  if (typeof v === 'string') return encodeText(v);
  if (Array.isArray(v)) return v.map((x: string | number) => (typeof x === 'string' ? encodeText(x) : x));
  return v;
}

const OID = { int8: 20, text: 25, jsonb: 3802, textArray: 1009 };

/** How values read come out: bigint as number (counts, ms times), text and jsonb decoded. */
export function typeParsers(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(OID.int8, (text: string) => Number(text));
  types.setTypeParser(OID.text, decodeText);
  types.setTypeParser(OID.jsonb, parseJsonb);
  const parseTextArray = pg.types.getTypeParser(OID.textArray) as (text: string) => string[];
  types.setTypeParser(OID.textArray, (text: string) => parseTextArray(text).map(decodeText));
  return types;
}

export class StatementCache {
  private readonly names = new Map<string, string>();

  constructor(private readonly capacity = 256) {}

  /** The statement name for `text`, or undefined when the cache is full and `text` is new. */
  nameFor(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < this.capacity) {
      name = `aus_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      this.names.set(text, name);
    }
    return name;
  }

  get size(): number {
    return this.names.size;
  }
}

export interface Queryable {
  /**
   * Runs one statement. With `values` (even `[]`) it is a named prepared statement; without, it
   * goes as a simple query, which may hold several statements (migrations, BEGIN, COMMIT).
   */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly SqlParam[],
  ): Promise<pg.QueryResult<R>>;
}

export class Db implements Queryable {
  /**
   * How often an idempotent piece of work is tried when its connection turns out broken: once
   * per pooled connection (each may have died while idle, e.g. in a server restart) plus a fresh one.
   */
  private readonly attempts: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly statements = new StatementCache(),
  ) {
    this.attempts = (pool.options.max ?? 10) + 1;
  }

  /** One statement that changes something: never repeated (it may have taken effect). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly SqlParam[],
  ): Promise<pg.QueryResult<R>> {
    return this.withClient((c) => c.query<R>(text, values));
  }

  /**
   * One statement that reads, or whose repetition changes nothing more: run again on another
   * connection when its own turned out broken.
   */
  idempotent<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly SqlParam[],
  ): Promise<pg.QueryResult<R>> {
    return this.withClient(
      (c) => c.query<R>(text, values),
      () => true,
    );
  }

  /**
   * Runs `work` on one pooled connection and gives the connection back: destroyed when it failed
   * (lost, terminated by the server, timed out), so the pool opens a fresh one for the next
   * caller, and the pool recovers by itself once the database is back. When the connection broke
   * and `repeatable()` says the work may run again, it runs again on another connection. Errors
   * come out mapped (mapPgError); anything `work` throws of its own passes through unchanged.
   */
  async withClient<T>(
    work: (client: Queryable) => Promise<T>,
    repeatable = (): boolean => false,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw mapPgError(err); // connecting failed: the database is not there; no repeat
      }
      let broken: Error | undefined;
      // A connection that dies between two statements emits 'error' on the client; without a
      // listener that would crash the process.
      const onError = (err: Error): void => {
        broken ??= err;
      };
      client.on('error', onError);
      const q: Queryable = {
        query: <R extends pg.QueryResultRow>(text: string, values?: readonly SqlParam[]) => {
          if (values === undefined) return client.query<R>(text);
          const name = this.statements.nameFor(text);
          const config: pg.QueryConfig = { text, values: values.map(encodeParam) };
          if (name !== undefined) config.name = name;
          return client.query<R>(config);
        },
      };
      try {
        return await work(q);
      } catch (err) {
        if (broken === undefined && isConnectionError(err)) broken = err as Error;
        if (broken !== undefined && attempt < this.attempts && repeatable()) continue;
        throw mapPgError(err);
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    }
  }
}
