// The checks after each restart. Through the API: every object the ledger knows is compared with
// its last 2xx answer (a GET of each object written since the last check, the list for the
// others), the list holds every object once and its count is exact. In the database itself:
// every row's document parses and validates against the model, its indexed columns agree with
// it, and the per-tenant counter table agrees with the rows.
import { isDeepStrictEqual } from 'node:util';
import { UpgradeStatusInfo } from '../../src/domain/schema/index.js';
import { validateBody } from '../../src/domain/validation/validate.js';
import type { EmptyTestDatabase } from '../helpers/database.js';
import type { KeepAliveClient } from '../helpers/keep-alive-client.js';
import { adopt, check, eventNames, isObject, type JsonObject, type Problem } from './ledger.js';
import type { Pool } from './load.js';

const PAGE = 1000;
const invalid = (uuid: string, message: string): Problem => ({ uuid, kind: 'invalid', message });

async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Every object, through the list pages, in one presentation (with names or without). */
async function listAll(
  client: KeepAliveClient,
  named: boolean,
  problems: Problem[],
): Promise<Map<string, JsonObject>> {
  const out = new Map<string, JsonObject>();
  let count = -1;
  for (let page = 1; count < 0 || (page - 1) * PAGE < count; page++) {
    const path = `/api/upgradestatusinfo?page_size=${PAGE}&page=${page}${named ? '&include_name' : ''}`;
    const answer = await client.request('GET', path);
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.text.slice(0, 300)}`);
    const body: unknown = JSON.parse(answer.text);
    if (!isObject(body) || !Array.isArray(body.results) || typeof body.count !== 'number') {
      throw new Error(`GET ${path}: not a list: ${answer.text.slice(0, 300)}`);
    }
    if (count >= 0 && body.count !== count)
      problems.push(invalid('-', `list count moved ${count} → ${body.count}`));
    count = body.count;
    if (body.results.length === 0) break;
    for (const item of body.results) {
      const uuid = isObject(item) ? String(item.uuid) : '?';
      if (!isObject(item)) problems.push(invalid(uuid, 'list item is not an object'));
      else if (out.has(uuid)) problems.push(invalid(uuid, 'listed twice'));
      else out.set(uuid, item);
    }
  }
  if (out.size !== count) problems.push(invalid('-', `list count ${count}, but ${out.size} objects listed`));
  return out;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The rows as stored: documents parse and validate, columns and counters agree with them. */
async function checkRows(db: EmptyTestDatabase, problems: Problem[]): Promise<number> {
  const rows = await db.rows(
    'SELECT uuid, tenant, name, progress, last_modified, body FROM upgrade_status_info ORDER BY uuid',
  );
  const perTenant = new Map<string, number>();
  for (const row of rows) {
    const uuid = String(row.uuid);
    perTenant.set(String(row.tenant), (perTenant.get(String(row.tenant)) ?? 0) + 1);
    let body: unknown;
    try {
      body = typeof row.body === 'string' ? JSON.parse(row.body) : row.body;
    } catch (err) {
      problems.push(invalid(uuid, `stored document does not parse: ${String(err)}`));
      continue;
    }
    if (!isObject(body)) {
      problems.push(invalid(uuid, 'stored document is not an object'));
      continue;
    }
    try {
      validateBody(UpgradeStatusInfo, body);
    } catch (err) {
      problems.push(
        invalid(
          uuid,
          `stored document does not validate: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
    }
    const mismatch = [
      body.uuid !== uuid && 'uuid',
      (body.name ?? null) !== (row.name ?? null) && 'name',
      num(body.progress) !== num(row.progress) && 'progress',
      body._last_modified !== row.last_modified && 'last_modified',
    ].filter((m) => m !== false);
    if (mismatch.length > 0)
      problems.push(invalid(uuid, `columns disagree with the document: ${mismatch.join(', ')}`));
    const events = eventNames(body);
    if (new Set(events).size !== events.length)
      problems.push(invalid(uuid, 'stored document lists an event twice'));
  }
  const counters = await db.rows('SELECT tenant, n FROM upgrade_status_info_counts');
  for (const c of counters) {
    const actual = perTenant.get(String(c.tenant)) ?? 0;
    if (Number(c.n) !== actual)
      problems.push(invalid('-', `counter of tenant ${String(c.tenant)} is ${String(c.n)}, rows ${actual}`));
    perTenant.delete(String(c.tenant));
  }
  for (const [tenant, n] of perTenant)
    problems.push(invalid('-', `tenant ${tenant} has ${n} rows and no counter`));
  return rows.length;
}

async function fetchOne(
  client: KeepAliveClient,
  uuid: string,
  named: boolean,
): Promise<JsonObject | undefined> {
  const answer = await client.request('GET', `/api/upgradestatusinfo/${uuid}${named ? '?include_name' : ''}`);
  if (answer.status === 404) return undefined;
  const body: unknown = answer.status === 200 ? JSON.parse(answer.text) : undefined;
  if (!isObject(body)) throw new Error(`GET ${uuid}: ${answer.status} ${answer.text.slice(0, 300)}`);
  return body;
}

export interface Verification {
  problems: Problem[];
  /** Objects compared with what the client knows. */
  objects: number;
  /** Rows checked in the database. */
  rows: number;
}

/** Checks everything after a restart; every object's state as read becomes the known state. */
export async function verify(
  client: KeepAliveClient,
  db: EmptyTestDatabase,
  pool: Pool,
): Promise<Verification> {
  const problems: Problem[] = [];
  const lists = {
    named: await listAll(client, true, problems),
    plain: await listAll(client, false, problems),
  };
  const rows = await checkRows(db, problems);
  if (rows !== lists.plain.size)
    problems.push(invalid('-', `${rows} rows, but ${lists.plain.size} objects listed`));
  for (const uuid of lists.plain.keys()) {
    if (!pool.objects.has(uuid)) problems.push(invalid(uuid, 'an object no write created'));
  }
  const tracked = [...pool.objects.values()];
  await mapLimit(tracked, 16, async (t) => {
    const named = t.named;
    const got = t.dirty
      ? await fetchOne(client, t.uuid, named)
      : (named ? lists.named : lists.plain).get(t.uuid);
    const listed = (named ? lists.named : lists.plain).get(t.uuid);
    if (t.dirty && !isDeepStrictEqual(got, listed))
      problems.push(invalid(t.uuid, 'the list and GET disagree'));
    problems.push(...check(t, got));
    if (got === undefined) pool.objects.delete(t.uuid);
    else adopt(t, got, named);
  });
  pool.resetIdle();
  return { problems, objects: tracked.length, rows };
}
