// What only the PostgreSQL adapter has: its versioned migrations under an advisory lock, its
// query plans and SQL text, the text encoding that lets jsonb hold any JSON string, and row locks
// that serialize updates of one object across Storages. Runs on a real server (TEST_DATABASE_URL;
// test/run.ts starts a throwaway one when it is unset). The behaviour every adapter shares is
// tested on both databases by the other storage tests.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { parseListParams } from '../../src/domain/query/list-params.js';
import { openPostgresStorage } from '../../src/storage/postgres/index.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/storage/postgres/migrations.js';
import { compileListQuery } from '../../src/storage/postgres/query.js';
import {
  decodeText,
  encodeText,
  parseJsonb,
  StatementCache,
  toJsonb,
} from '../../src/storage/postgres/statement-cache.js';
import type { ListQuery, StoredObject } from '../../src/storage/types.js';
import { empty, fresh, obj, q, runWithStorage, uuids } from '../helpers/storage.js';

/** A plain client on the test database, closed when the test ends. */
async function client(t: TestContext, url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined); // terminated in turn when the test drops the database
  await c.connect();
  t.after(() => c.end());
  return c;
}

describe('PostgreSQL adapter: migrations', () => {
  it('records each version once, even when four processes migrate a new database at once', async (t) => {
    const db = await empty(t);
    const results = await Promise.all(
      [0, 1, 2, 3].map((id) =>
        runWithStorage(
          db.config,
          `await s.tenants.insert({ uuid: 't-${id}', name: 't-${id}', lastModified: '1', body: {} }); await s.close();`,
        ),
      ),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    assert.equal(MIGRATIONS.length, SCHEMA_VERSION);
    const versions = await db.rows('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(
      versions.map((r) => r.version),
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
    );
    const tables = await db.rows(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`,
    );
    for (const name of ['upgrade_status_info', 'upgrade_status_info_counts', 'tenant', 'auth_user']) {
      assert.ok(
        tables.some((r) => r.table_name === name),
        name,
      );
    }
    assert.equal((await (await db.open()).tenants.list()).length, 4);
  });

  it('refuses a database written by a newer schema version', async (t) => {
    const db = await empty(t);
    await (await db.open()).close();
    await db.exec(`INSERT INTO schema_migrations (version) VALUES (${SCHEMA_VERSION + 1})`);
    await assert.rejects(openPostgresStorage({ url: db.url }), /newer than this server/);
  });
});

describe('PostgreSQL adapter: query plans and SQL text', () => {
  it('answers the hot list queries from indexes (EXPLAIN)', async (t) => {
    const db = await fresh(t);
    // 20,000 objects in four tenants plus a small one, written directly for speed (the counters
    // set once at the end rather than by the trigger on every row; no change feed rows, whose
    // deferred trigger would also keep the ALTER TABLE below from running in this transaction).
    await db.exec(`
      ALTER TABLE upgrade_status_info DISABLE TRIGGER upgrade_status_info_count_insert_delete;
      ALTER TABLE upgrade_status_info DISABLE TRIGGER upgrade_status_info_change;
      INSERT INTO upgrade_status_info (uuid, tenant, name, node_type, state, progress, last_modified, body)
      SELECT 'u-' || i, CASE WHEN i <= 20 THEN 't-small' ELSE 't-' || (i % 4) END, 'n-' || i, 'NODE_SE_TYPE',
        's-' || (i % 10), i % 100, '1',
        jsonb_build_object('uuid', 'u-' || i, 'name', 'n-' || i, 'progress', i % 100,
          'state', jsonb_build_object('state', 's-' || (i % 10)))
      FROM generate_series(1, 20000) AS i;
      ALTER TABLE upgrade_status_info ENABLE TRIGGER upgrade_status_info_count_insert_delete;
      ALTER TABLE upgrade_status_info ENABLE TRIGGER upgrade_status_info_change;
      INSERT INTO upgrade_status_info_counts SELECT tenant, count(*) FROM upgrade_status_info GROUP BY tenant;
      ANALYZE;`);
    const c = await client(t, db.url);
    const plan = async (sql: string, params: unknown[]) =>
      (await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    const cases: [Partial<ListQuery>, RegExp][] = [
      [{ tenant: 't-small', offset: 5 }, /Index Scan (Backward )?(using|on) upgrade_status_info_tenant_/],
      [{ offset: 50 }, /Index Scan using upgrade_status_info_(tenant_seq|pkey)/],
      [
        { filters: [{ op: 'eq', path: ['name'], value: 'n-5' }] },
        /Index (Only )?Scan using upgrade_status_info_(tenant_name|name_unique)/,
      ],
      [
        {
          filters: [{ op: 'eq', path: ['state', 'state'], value: 's-3' }],
          sort: [{ path: ['progress'], descending: true }],
        },
        /Index Scan Backward using upgrade_status_info_tenant_state_progress/,
      ],
      [
        { sort: [{ path: ['progress'], descending: false }] },
        /Index Scan using upgrade_status_info_tenant_progress/,
      ],
      [
        { sort: [{ path: ['name'], descending: true }] },
        /Index Scan Backward using upgrade_status_info_tenant_name/,
      ],
    ];
    for (const [over, expected] of cases) {
      const sql = compileListQuery(q({ tenant: 't-1', limit: 25, ...over }));
      const pagePlan = await plan(sql.pageSql, sql.params);
      assert.match(pagePlan, expected, pagePlan);
      assert.doesNotMatch(pagePlan, /Seq Scan on upgrade_status_info\b/, pagePlan);
      const countPlan = await plan(sql.countSql, sql.countParams);
      assert.doesNotMatch(countPlan, /Seq Scan on upgrade_status_info\b/, countPlan);
      assert.doesNotMatch(await plan(sql.sql, sql.params), /Seq Scan on upgrade_status_info\b/);
    }
    const unfiltered = compileListQuery(q({ tenant: 't-1' }));
    assert.match(await plan(unfiltered.countSql, unfiltered.countParams), /upgrade_status_info_counts/);
    assert.doesNotMatch(await plan(unfiltered.countSql, unfiltered.countParams), /on upgrade_status_info\b/);
    const byUuid = await plan('SELECT body FROM upgrade_status_info WHERE uuid = $1', ['u-1']);
    assert.match(byUuid, /Index Scan using upgrade_status_info_uuid_key/);
  });

  it('builds SQL from the shape only: values are bound, so statements are reused', () => {
    const shape = (value: string) =>
      compileListQuery(
        q({
          filters: parseListParams({
            name: value,
            refers_to: `image:${value}`,
            search: `(task_name,${value})`,
          }).filters,
        }),
      );
    const a = shape('img-1');
    const b = shape('zzz');
    assert.equal(a.sql, b.sql);
    assert.notDeepEqual(a.params, b.params);
    assert.doesNotMatch(a.sql, /img-1/);
    const many = compileListQuery(q({ filters: [{ op: 'in', path: ['name'], values: ['a', 'b', 'c'] }] }));
    const few = compileListQuery(q({ filters: [{ op: 'in', path: ['name'], values: ['a', 'b'] }] }));
    assert.equal(many.sql, few.sql, 'a list of values binds as one array');
  });

  it('names a bounded number of statement texts', () => {
    const cache = new StatementCache(2);
    const first = cache.nameFor('SELECT 1');
    assert.equal(cache.nameFor('SELECT 1'), first);
    assert.ok(cache.nameFor('SELECT 2'));
    assert.equal(cache.nameFor('SELECT 3'), undefined);
    assert.equal(cache.size, 2);
  });
});

describe('PostgreSQL adapter: text PostgreSQL cannot hold', () => {
  const odd = [
    'nul\u0000x',
    'esc\u0001x',
    'lone\ud800x',
    'low\udc00',
    'pair😀',
    'esc-then\u00010',
    'back\\u0000',
  ];

  it('encodes NUL, the escape character and unpaired surrogates reversibly; other text is unchanged', () => {
    for (const s of odd) {
      assert.equal(decodeText(encodeText(s)), s);
      assert.ok(!encodeText(s).includes('\u0000'));
      assert.doesNotMatch(encodeText(s), /[\ud800-\udbff](?![\udc00-\udfff])/);
      assert.deepEqual(parseJsonb(toJsonb({ [s]: [s, { s }] })), { [s]: [s, { s }] });
    }
    assert.equal(encodeText('plain ünïcode 😀'), 'plain ünïcode 😀');
    assert.equal(toJsonb({ a: 'plain \\ "q"' }), JSON.stringify({ a: 'plain \\ "q"' }));
  });

  it('stores, finds and returns such text as given', async (t) => {
    const db = await fresh(t);
    const s = db.storage.upgradeStatus;
    for (const [i, name] of odd.entries()) await s.insert(obj(`o-${i}`, { name, list: [name] }));
    for (const [i, name] of odd.entries()) {
      assert.deepEqual((await s.get(`o-${i}`, null))?.body, { uuid: `o-${i}`, name, list: [name] });
      assert.deepEqual(await uuids(db.storage, { filters: [{ op: 'eq', path: ['name'], value: name }] }), [
        `o-${i}`,
      ]);
      assert.deepEqual(
        await uuids(db.storage, { filters: [{ op: 'eq', path: ['list', '[]'], value: name }] }),
        [`o-${i}`],
      );
    }
    const stored = await db.rows(`SELECT name FROM upgrade_status_info WHERE uuid = 'o-0'`);
    assert.equal(stored[0]?.name, 'nul\u00010x', 'stored with the escape character');
  });
});

describe('PostgreSQL adapter: updates serialize per object', () => {
  const append = (entry: string) => (cur: StoredObject) => ({
    ...cur,
    body: { ...cur.body, entries: [...(cur.body.entries as string[]), entry] },
  });

  it('100 concurrent adds through two Storages with small pools lose nothing and starve nothing', async (t) => {
    const db = await empty(t);
    const a = await openPostgresStorage({ url: db.url, poolSize: 2 });
    const b = await openPostgresStorage({ url: db.url, poolSize: 2 });
    t.after(() => Promise.all([a.close(), b.close()]));
    await a.upgradeStatus.insert(obj('shared', { entries: [] }));
    await a.upgradeStatus.insert(obj('other', { name: 'other' }));
    const updates = Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? a : b).upgradeStatus.update('shared', 'admin', append(`e-${i}`)),
      ),
    );
    // Meanwhile other objects stay readable: waiting updates queue in memory, not on the pool.
    const started = Date.now();
    assert.equal((await a.upgradeStatus.get('other', null))?.body.name, 'other');
    assert.equal(
      (await b.upgradeStatus.list(q({ filters: [{ op: 'eq', path: ['name'], value: 'other' }] }))).count,
      1,
    );
    const readMs = Date.now() - started;
    await updates;
    const entries = (await a.upgradeStatus.get('shared', null))?.body.entries as string[];
    assert.equal(entries.length, 100);
    assert.equal(new Set(entries).size, 100);
    assert.ok(readMs < 2000, `reads waited ${readMs} ms behind the updates`);
  });

  it('counts every failed login of one key, from two Storages at once', async (t) => {
    const db = await fresh(t);
    const other = await db.open();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? db.storage : other).loginThrottle.update('user:x', (cur) => ({
          failures: (cur?.failures ?? 0) + 1,
          windowStart: 1,
          blockedUntil: 0,
        })),
      ),
    );
    assert.equal((await db.storage.loginThrottle.get('user:x'))?.failures, 40);
  });
});
