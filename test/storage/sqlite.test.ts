// The SQLite adapter against real database files in a temporary directory (no mocks).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { extractIndexedValues, indexedFieldAt, refUuid } from '../../src/storage/indexed-fields.js';
import { openSqliteStorage } from '../../src/storage/sqlite/index.js';
import { COUNTS_TABLE, SCHEMA_VERSION, TABLE } from '../../src/storage/sqlite/migrations.js';
import { compileListQuery, InvalidFieldPathError, jsonPath } from '../../src/storage/sqlite/query.js';
import type { ListQuery, Storage, StoredObject } from '../../src/storage/types.js';
import { ConflictError, StoreUnavailableError } from '../../src/storage/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADAPTER_URL = pathToFileURL(join(ROOT, 'src/storage/sqlite/index.ts')).href;
const DIR = mkdtempSync(join(tmpdir(), 'avi-sqlite-test-'));
const open: Storage[] = [];
let fileCounter = 0;

after(async () => {
  for (const s of open) await s.close();
  rmSync(DIR, { recursive: true, force: true });
});

function newFile(): string {
  return join(DIR, `db-${++fileCounter}`, 'store.db');
}

function openAt(file: string): Storage {
  const s = openSqliteStorage({ file });
  open.push(s);
  return s;
}

function fresh(): { storage: Storage; file: string } {
  const file = newFile();
  return { storage: openAt(file), file };
}

function obj(uuid: string, body: Record<string, unknown> = {}, tenant = 'admin'): StoredObject {
  return { uuid, tenant, lastModified: '1700000000000000', body: { uuid, ...body } };
}

function q(over: Partial<ListQuery> = {}): ListQuery {
  return { tenant: 'admin', filters: [], sort: [], offset: 0, limit: 1000, ...over };
}

async function uuids(storage: Storage, over: Partial<ListQuery> = {}): Promise<string[]> {
  return (await storage.upgradeStatus.list(q(over))).items.map((o) => o.uuid);
}

const isConflict = (kind: 'uuid' | 'name') => (err: unknown) =>
  err instanceof ConflictError && err.kind === kind;

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs ESM code in a separate Node process that can import the TypeScript adapter. */
function runChild(code: string): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (c, signal) => resolvePromise({ code: c, signal, stderr }));
  });
}

describe('indexed fields', () => {
  it('extracts the indexed columns from a body', () => {
    assert.deepEqual(
      extractIndexedValues({
        name: 'n1',
        node_type: 'NODE_SE_TYPE',
        obj_cloud_ref: '/api/cloud/cloud-1#Default-Cloud',
        state: { state: 'UPGRADE_FSM_RUNNING' },
        progress: 42,
      }),
      { name: 'n1', node_type: 'NODE_SE_TYPE', cloud: 'cloud-1', state: 'UPGRADE_FSM_RUNNING', progress: 42 },
    );
    assert.deepEqual(extractIndexedValues({}), {
      name: null,
      node_type: '',
      cloud: '',
      state: null,
      progress: null,
    });
    assert.equal(extractIndexedValues({ obj_cloud_ref: '/api/cloud/c2' }).cloud, 'c2');
    assert.equal(extractIndexedValues({ state: 'not-an-object' }).state, null);
  });

  it('maps document paths to columns', () => {
    assert.equal(indexedFieldAt(['state', 'state'])?.column, 'state');
    assert.equal(indexedFieldAt(['obj_cloud_ref'])?.column, 'cloud');
    assert.equal(indexedFieldAt(['state']), undefined);
    assert.equal(refUuid('/api/cloud/abc#x', 'cloud'), 'abc');
    assert.equal(refUuid('abc', 'cloud'), 'abc');
  });
});

describe('SQLite storage: CRUD', () => {
  it('creates parent directories, migrates, uses WAL and answers ping', async () => {
    const { storage, file } = fresh();
    assert.ok(existsSync(file));
    assert.equal(storage.kind, 'sqlite');
    assert.equal(await storage.ping(), true);
    const raw = new Database(file, { readonly: true });
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    } finally {
      raw.close();
    }
  });

  it('round-trips insert, get, update and delete', async () => {
    const { storage } = fresh();
    const s = storage.upgradeStatus;
    const o = obj('u-1', {
      name: 'se-1',
      state: { state: 'UPGRADE_FSM_INIT' },
      nested: { a: [1, 'x', null] },
    });
    await s.insert(o);
    assert.deepEqual(await s.get('u-1', 'admin'), o);
    assert.deepEqual(await s.get('u-1', null), o);

    const updated = await s.update('u-1', 'admin', (cur) => {
      assert.deepEqual(cur, o);
      return { ...cur, lastModified: '1700000000000001', body: { ...cur.body, progress: 50 } };
    });
    assert.equal(updated?.body.progress, 50);
    assert.deepEqual(await s.get('u-1', 'admin'), updated);

    assert.equal(await s.delete('u-1', 'admin'), true);
    assert.equal(await s.get('u-1', 'admin'), undefined);
    assert.equal(await s.delete('u-1', 'admin'), false);
    let called = false;
    const missing = await s.update('u-1', null, (cur) => {
      called = true;
      return cur;
    });
    assert.equal(missing, undefined);
    assert.equal(called, false);
  });

  it('isolates tenants; null sees every tenant', async () => {
    const { storage } = fresh();
    const s = storage.upgradeStatus;
    await s.insert(obj('a-1', { name: 'x' }, 'tenant-a'));
    await s.insert(obj('b-1', { name: 'x' }, 'tenant-b'));

    assert.equal(await s.get('a-1', 'tenant-b'), undefined);
    assert.equal((await s.get('a-1', 'tenant-a'))?.tenant, 'tenant-a');
    assert.equal((await s.get('a-1', null))?.tenant, 'tenant-a');
    assert.equal(
      await s.update('a-1', 'tenant-b', () => assert.fail('change must not run for another tenant')),
      undefined,
    );
    assert.equal(await s.delete('a-1', 'tenant-b'), false);
    assert.ok(await s.get('a-1', 'tenant-a'));

    assert.deepEqual(await uuids(storage, { tenant: 'tenant-a' }), ['a-1']);
    assert.deepEqual(await uuids(storage, { tenant: 'tenant-b' }), ['b-1']);
    assert.deepEqual(await uuids(storage, { tenant: 'tenant-c' }), []);
    assert.deepEqual(await uuids(storage, { tenant: null }), ['a-1', 'b-1']);
    assert.equal((await s.list(q({ tenant: null }))).count, 2);
    assert.equal(
      (await s.list(q({ tenant: null, filters: [{ op: 'eq', path: ['name'], value: 'x' }] }))).count,
      2,
    );
  });

  it('rolls an update back when change throws, rethrowing the same error', async () => {
    const { storage } = fresh();
    const s = storage.upgradeStatus;
    const o = obj('u-1', { name: 'keep', progress: 1 });
    await s.insert(o);
    const boom = new Error('rejected by the rules');
    await assert.rejects(
      s.update('u-1', 'admin', () => {
        throw boom;
      }),
      (err) => err === boom,
    );
    assert.deepEqual(await s.get('u-1', 'admin'), o);
    // The connection is usable afterwards (the transaction really ended).
    await s.update('u-1', 'admin', (cur) => ({ ...cur, body: { ...cur.body, progress: 2 } }));
    assert.equal((await s.get('u-1', null))?.body.progress, 2);
  });

  it('survives close and reopen of the file; a closed storage is unavailable', async () => {
    const file = newFile();
    const first = openSqliteStorage({ file });
    await first.upgradeStatus.insert(obj('u-1', { name: 'persisted' }));
    await first.close();
    await first.close(); // idempotent
    assert.equal(await first.ping(), false);
    await assert.rejects(first.upgradeStatus.get('u-1', null), StoreUnavailableError);

    const second = openAt(file);
    assert.equal((await second.upgradeStatus.get('u-1', 'admin'))?.body.name, 'persisted');
    assert.equal((await second.upgradeStatus.list(q())).count, 1);
  });

  it('refuses a database written by a newer schema version', async () => {
    const file = newFile();
    await openSqliteStorage({ file }).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    assert.throws(() => openSqliteStorage({ file }), /newer than this server/);
  });
});

describe('SQLite storage: uniqueness', () => {
  it('rejects a taken uuid, also across tenants', async () => {
    const { storage } = fresh();
    const s = storage.upgradeStatus;
    await s.insert(obj('u-1', { name: 'a' }));
    await assert.rejects(s.insert(obj('u-1', { name: 'b' })), isConflict('uuid'));
    await assert.rejects(s.insert(obj('u-1', { name: 'c' }, 'other')), isConflict('uuid'));
    await s.insert(obj('u-2', { name: 'b' }));
    await assert.rejects(
      s.update('u-2', 'admin', (cur) => ({ ...cur, uuid: 'u-1' })),
      isConflict('uuid'),
    );
    assert.equal((await s.list(q())).count, 2);
  });

  it('rejects a taken name within (tenant, node_type, cloud) only', async () => {
    const { storage } = fresh();
    const s = storage.upgradeStatus;
    const cloud1 = '/api/cloud/cloud-1#Default-Cloud';
    await s.insert(obj('u-1', { name: 'n', node_type: 'NODE_SE_TYPE', obj_cloud_ref: cloud1 }));
    await assert.rejects(
      s.insert(obj('u-2', { name: 'n', node_type: 'NODE_SE_TYPE', obj_cloud_ref: '/api/cloud/cloud-1' })),
      isConflict('name'),
    );
    // Another node type, another cloud, no cloud, another tenant: all fine.
    await s.insert(obj('u-3', { name: 'n', node_type: 'NODE_CONTROLLER_CLUSTER', obj_cloud_ref: cloud1 }));
    await s.insert(obj('u-4', { name: 'n', node_type: 'NODE_SE_TYPE', obj_cloud_ref: '/api/cloud/cloud-2' }));
    await s.insert(obj('u-5', { name: 'n', node_type: 'NODE_SE_TYPE' }));
    await s.insert(obj('u-6', { name: 'n', node_type: 'NODE_SE_TYPE', obj_cloud_ref: cloud1 }, 'other'));
    // Absent node_type and cloud are a key of their own.
    await s.insert(obj('u-7', { name: 'n' }));
    await assert.rejects(s.insert(obj('u-8', { name: 'n' })), isConflict('name'));
    // Unnamed objects never conflict.
    await s.insert(obj('u-9'));
    await s.insert(obj('u-10'));
    assert.equal((await s.list(q())).count, 7);
    assert.equal((await s.list(q({ tenant: null }))).count, 8);
  });

  it('frees a name on delete and refuses an update into a taken name', async () => {
    const { storage } = fresh();
    const s = storage.upgradeStatus;
    await s.insert(obj('u-1', { name: 'first' }));
    await s.insert(obj('u-2', { name: 'second' }));
    const before = await s.get('u-2', 'admin');
    await assert.rejects(
      s.update('u-2', 'admin', (cur) => ({ ...cur, body: { ...cur.body, name: 'first' } })),
      isConflict('name'),
    );
    assert.deepEqual(await s.get('u-2', 'admin'), before);

    assert.equal(await s.delete('u-1', 'admin'), true);
    await s.update('u-2', 'admin', (cur) => ({ ...cur, body: { ...cur.body, name: 'first' } }));
    await s.insert(obj('u-3', { name: 'second' }));
    assert.deepEqual(await uuids(storage, { sort: [{ path: ['name'], descending: false }] }), ['u-2', 'u-3']);
  });
});

describe('SQLite storage: list', () => {
  async function seeded(): Promise<Storage> {
    const { storage } = fresh();
    const rows: [string, Record<string, unknown>][] = [
      ['u-1', { name: 'alpha', node_type: 'NODE_SE_TYPE', state: { state: 'RUNNING' }, progress: 30 }],
      [
        'u-2',
        { name: 'Beta', node_type: 'NODE_CONTROLLER_CLUSTER', state: { state: 'DONE' }, progress: 100 },
      ],
      ['u-3', { name: 'gamma', node_type: 'NODE_SE_TYPE', state: { state: 'RUNNING' }, progress: 30 }],
      ['u-4', { name: 'a%b', obj_cloud_ref: '/api/cloud/c-1#Default-Cloud', enable: true, progress: 0 }],
      ['u-5', { name: 'a_b', obj_cloud_ref: '/api/cloud/c-2#Other', enable: false, progress: 0 }],
      ['u-6', { name: 'axb', se_group_name: 'Default-Group', ops: { state: 'X' }, progress: 70 }],
      ['u-7', { name: 'a\\b', se_group_name: 'other-group', ops: { state: 'Y' } }],
    ];
    for (const [uuid, body] of rows) await storage.upgradeStatus.insert(obj(uuid, body));
    await storage.upgradeStatus.insert(obj('t-1', { name: 'alpha' }, 'other'));
    return storage;
  }

  it('filters with eq on indexed columns and document paths', async () => {
    const s = await seeded();
    assert.deepEqual(await uuids(s, { filters: [{ op: 'eq', path: ['name'], value: 'alpha' }] }), ['u-1']);
    assert.deepEqual(
      await uuids(s, { filters: [{ op: 'eq', path: ['node_type'], value: 'NODE_SE_TYPE' }] }),
      ['u-1', 'u-3'],
    );
    assert.deepEqual(
      await uuids(s, {
        filters: [
          { op: 'eq', path: ['state', 'state'], value: 'RUNNING' },
          { op: 'eq', path: ['progress'], value: 30 },
        ],
      }),
      ['u-1', 'u-3'],
    );
    assert.deepEqual(await uuids(s, { filters: [{ op: 'eq', path: ['progress'], value: '100' }] }), ['u-2']);
    for (const value of ['c-1', '/api/cloud/c-1', '/api/cloud/c-1#Default-Cloud']) {
      assert.deepEqual(await uuids(s, { filters: [{ op: 'eq', path: ['obj_cloud_ref'], value }] }), ['u-4']);
    }
    assert.deepEqual(
      await uuids(s, { filters: [{ op: 'eq', path: ['se_group_name'], value: 'Default-Group' }] }),
      ['u-6'],
    );
    assert.deepEqual(await uuids(s, { filters: [{ op: 'eq', path: ['ops', 'state'], value: 'Y' }] }), [
      'u-7',
    ]);
    assert.deepEqual(await uuids(s, { filters: [{ op: 'eq', path: ['enable'], value: true }] }), ['u-4']);
    assert.deepEqual(await uuids(s, { filters: [{ op: 'eq', path: ['enable'], value: false }] }), ['u-5']);
    assert.deepEqual(await uuids(s, { filters: [{ op: 'eq', path: ['uuid'], value: 'u-2' }] }), ['u-2']);
  });

  it('filters with in', async () => {
    const s = await seeded();
    assert.deepEqual(
      await uuids(s, { filters: [{ op: 'in', path: ['name'], values: ['gamma', 'alpha', 'nope'] }] }),
      ['u-1', 'u-3'],
    );
    assert.deepEqual(
      await uuids(s, { filters: [{ op: 'in', path: ['ops', 'state'], values: ['X', 'Y'] }] }),
      ['u-6', 'u-7'],
    );
    assert.deepEqual(
      await uuids(s, { filters: [{ op: 'in', path: ['obj_cloud_ref'], values: ['/api/cloud/c-2', 'c-1'] }] }),
      ['u-4', 'u-5'],
    );
    const none = await s.upgradeStatus.list(q({ filters: [{ op: 'in', path: ['name'], values: [] }] }));
    assert.deepEqual(none, { count: 0, items: [] });
  });

  it('filters with contains, case-sensitive and not, on columns and document paths', async () => {
    const s = await seeded();
    const contains = (path: string[], value: string, caseInsensitive: boolean) =>
      uuids(s, { filters: [{ op: 'contains', path, value, caseInsensitive }] });
    assert.deepEqual(await contains(['name'], 'eta', false), ['u-2']);
    assert.deepEqual(await contains(['name'], 'BETA', false), []);
    assert.deepEqual(await contains(['name'], 'BETA', true), ['u-2']);
    assert.deepEqual(await contains(['name'], 'A', true), ['u-1', 'u-2', 'u-3', 'u-4', 'u-5', 'u-6', 'u-7']);
    assert.deepEqual(await contains(['se_group_name'], 'group', false), ['u-7']);
    assert.deepEqual(await contains(['se_group_name'], 'group', true), ['u-6', 'u-7']);
    // A reference field is searched in its full stored form, name included.
    assert.deepEqual(await contains(['obj_cloud_ref'], 'default-cloud', true), ['u-4']);
  });

  it('treats LIKE wildcards and the escape character in contains as literal text', async () => {
    const s = await seeded();
    for (const insensitive of [false, true]) {
      const contains = (value: string) =>
        uuids(s, { filters: [{ op: 'contains', path: ['name'], value, caseInsensitive: insensitive }] });
      assert.deepEqual(await contains('%'), ['u-4']);
      assert.deepEqual(await contains('_'), ['u-5']);
      assert.deepEqual(await contains('a_b'), ['u-5']);
      assert.deepEqual(await contains('\\'), ['u-7']);
    }
  });

  it('matches nothing, without error, for a hostile value', async () => {
    const s = await seeded();
    const hostile = "' OR 1=1 --";
    for (const path of [['name'], ['se_group_name'], ['ops', 'state']]) {
      for (const filters of [
        [{ op: 'eq', path, value: hostile }],
        [{ op: 'in', path, values: [hostile, `"${hostile}`] }],
        [{ op: 'contains', path, value: hostile, caseInsensitive: true }],
      ] as ListQuery['filters'][]) {
        assert.deepEqual(await s.upgradeStatus.list(q({ filters })), { count: 0, items: [] });
      }
    }
    // And stored as plain text.
    await s.upgradeStatus.insert(obj('evil', { name: hostile }));
    assert.deepEqual(await uuids(s, { filters: [{ op: 'eq', path: ['name'], value: hostile }] }), ['evil']);
    assert.equal((await s.upgradeStatus.list(q())).count, 8);
  });

  it('rejects invalid path segments in filters and sorts', async () => {
    const s = await seeded();
    const bad = [[], ['a.b'], ["name') OR 1=1 --"], ['a b'], ['$'], ['ops', 'sta"te'], ['']];
    for (const path of bad) {
      assert.throws(() => jsonPath(path), InvalidFieldPathError);
      await assert.rejects(
        s.upgradeStatus.list(q({ filters: [{ op: 'eq', path, value: 'x' }] })),
        InvalidFieldPathError,
      );
      await assert.rejects(
        s.upgradeStatus.list(q({ sort: [{ path, descending: false }] })),
        InvalidFieldPathError,
      );
    }
    assert.equal(jsonPath(['upgrade_readiness', 'state', 'state2']), '$.upgrade_readiness.state.state2');
  });

  it('sorts ascending, descending and by several keys, ties in creation order', async () => {
    const s = await seeded();
    const sorted = (...keys: [string[], boolean][]) =>
      uuids(s, { sort: keys.map(([path, descending]) => ({ path, descending })) });
    // NULL (u-7 has no progress) sorts first ascending, last descending; ties keep creation order.
    assert.deepEqual(await sorted([['progress'], false]), ['u-7', 'u-4', 'u-5', 'u-1', 'u-3', 'u-6', 'u-2']);
    assert.deepEqual(await sorted([['progress'], true]), ['u-2', 'u-6', 'u-1', 'u-3', 'u-4', 'u-5', 'u-7']);
    assert.deepEqual(await sorted([['name'], false]), ['u-2', 'u-4', 'u-7', 'u-5', 'u-1', 'u-6', 'u-3']);
    assert.deepEqual(await sorted([['name'], true]), ['u-3', 'u-6', 'u-1', 'u-5', 'u-7', 'u-4', 'u-2']);
    assert.deepEqual(await sorted([['progress'], true], [['name'], true]), [
      'u-2',
      'u-6',
      'u-3',
      'u-1',
      'u-5',
      'u-4',
      'u-7',
    ]);
    assert.deepEqual(await sorted([['node_type'], false], [['progress'], true]), [
      'u-6',
      'u-4',
      'u-5',
      'u-7',
      'u-2',
      'u-1',
      'u-3',
    ]);
    assert.deepEqual(await sorted([['ops', 'state'], true]), [
      'u-7',
      'u-6',
      'u-1',
      'u-2',
      'u-3',
      'u-4',
      'u-5',
    ]);
    assert.deepEqual(
      await uuids(s, {
        filters: [{ op: 'eq', path: ['state', 'state'], value: 'RUNNING' }],
        sort: [{ path: ['progress'], descending: true }],
      }),
      ['u-1', 'u-3'],
    );
  });

  it('pages in stable creation order', async () => {
    const { storage } = fresh();
    const s = storage.upgradeStatus;
    const names = Array.from({ length: 60 }, (_, i) => `obj-${(i * 37) % 60}`);
    for (const [i, name] of names.entries()) await s.insert(obj(`u-${String(i).padStart(2, '0')}`, { name }));
    await s.delete('u-10', 'admin');
    await s.insert(obj('u-60', { name: 'late' }));
    const expected = [...Array.from({ length: 61 }, (_, i) => `u-${String(i).padStart(2, '0')}`)].filter(
      (u) => u !== 'u-10',
    );
    const seen: string[] = [];
    for (let offset = 0; offset < 75; offset += 25) {
      const page = await s.list(q({ offset, limit: 25 }));
      assert.equal(page.count, 60);
      seen.push(...page.items.map((o) => o.uuid));
    }
    assert.deepEqual(seen, expected);
    assert.deepEqual(await s.list(q({ offset: 60, limit: 25 })), { count: 60, items: [] });
    assert.deepEqual((await s.list(q({ offset: 10, limit: 0 }))).count, 60);
  });

  it('counts exactly, with and without filters, after inserts, updates and deletes', async () => {
    const { storage, file } = fresh();
    const s = storage.upgradeStatus;
    const count = async (over: Partial<ListQuery>) => (await s.list(q({ limit: 1, ...over }))).count;
    const running = [{ op: 'eq', path: ['state', 'state'], value: 'RUNNING' }] as const;
    assert.equal(await count({}), 0);
    assert.equal(await count({ tenant: null }), 0);
    for (let i = 0; i < 30; i++) {
      await s.insert(obj(`a-${i}`, { state: { state: i % 3 === 0 ? 'RUNNING' : 'DONE' } }, 'admin'));
      await s.insert(obj(`b-${i}`, { state: { state: 'RUNNING' } }, 'other'));
    }
    assert.equal(await count({}), 30);
    assert.equal(await count({ tenant: 'other' }), 30);
    assert.equal(await count({ tenant: null }), 60);
    assert.equal(await count({ filters: running }), 10);
    assert.equal(await count({ tenant: null, filters: running }), 40);

    for (let i = 0; i < 30; i += 2) await s.delete(`a-${i}`, null);
    await s.delete('b-0', 'admin'); // wrong tenant: no effect
    assert.equal(await count({}), 15);
    assert.equal(await count({ tenant: 'other' }), 30);
    assert.equal(await count({ tenant: null }), 45);
    assert.equal(await count({ filters: running }), 5);

    // Moving an object to another tenant moves its count too.
    await s.update('a-1', 'admin', (cur) => ({ ...cur, tenant: 'other' }));
    assert.equal(await count({}), 14);
    assert.equal(await count({ tenant: 'other' }), 31);
    assert.equal(await count({ tenant: null }), 45);

    const raw = new Database(file, { readonly: true });
    try {
      const counters = raw.prepare(`SELECT tenant, n FROM ${COUNTS_TABLE} ORDER BY tenant`).all();
      const actual = raw
        .prepare(`SELECT tenant, count(*) AS n FROM ${TABLE} GROUP BY tenant ORDER BY tenant`)
        .all();
      assert.deepEqual(counters, actual);
    } finally {
      raw.close();
    }
  });

  it('answers the hot list queries from indexes (EXPLAIN QUERY PLAN)', async () => {
    const { storage, file } = fresh();
    for (let i = 0; i < 200; i++) {
      await storage.upgradeStatus.insert(
        obj(
          `u-${i}`,
          { name: `n-${i}`, state: { state: i % 2 ? 'RUNNING' : 'DONE' }, progress: i % 100 },
          `t-${i % 4}`,
        ),
      );
    }
    const raw = new Database(file, { readonly: true });
    const plan = (sql: string, params: unknown[]) =>
      (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    try {
      const cases: [Partial<ListQuery>, RegExp][] = [
        [{ offset: 50, limit: 25 }, /USING INDEX \w+_tenant_seq \(tenant=\?\)/],
        [
          { filters: [{ op: 'eq', path: ['name'], value: 'n-3' }] },
          /USING INDEX \w+_tenant_name \(tenant=\? AND name=\?\)/,
        ],
        [
          {
            filters: [{ op: 'eq', path: ['state', 'state'], value: 'RUNNING' }],
            sort: [{ path: ['progress'], descending: true }],
          },
          /USING INDEX \w+_tenant_state_progress \(tenant=\? AND state=\?\)/,
        ],
        [
          { sort: [{ path: ['progress'], descending: false }] },
          /USING INDEX \w+_tenant_progress \(tenant=\?\)/,
        ],
      ];
      for (const [over, expected] of cases) {
        const sql = compileListQuery(q({ tenant: 't-1', ...over }));
        const pagePlan = plan(sql.pageSql, sql.pageParams);
        assert.match(pagePlan, expected);
        assert.doesNotMatch(pagePlan, /SCAN upgrade_status_info\b/);
        assert.doesNotMatch(plan(sql.countSql, sql.countParams), /SCAN upgrade_status_info\b/);
      }
      const unfiltered = compileListQuery(q({ tenant: 't-1' }));
      assert.match(plan(unfiltered.countSql, unfiltered.countParams), new RegExp(`SEARCH ${COUNTS_TABLE}`));
      assert.match(plan(`SELECT body FROM ${TABLE} WHERE uuid = ?`, ['u-1']), /USING INDEX .*\(uuid=\?\)/);
    } finally {
      raw.close();
    }
  });
});

describe('SQLite storage: concurrency and durability', () => {
  const appendEntry = (entry: string) => (cur: StoredObject) => ({
    ...cur,
    body: { ...cur.body, entries: [...(cur.body.entries as string[]), entry] },
  });

  it('shows each instance the writes of another on the same file', async () => {
    const file = newFile();
    const a = openAt(file);
    const b = openAt(file);
    await a.upgradeStatus.insert(obj('u-1', { name: 'from-a' }));
    assert.equal((await b.upgradeStatus.get('u-1', 'admin'))?.body.name, 'from-a');
    await b.upgradeStatus.update('u-1', null, (cur) => ({ ...cur, body: { ...cur.body, name: 'from-b' } }));
    assert.equal((await a.upgradeStatus.get('u-1', 'admin'))?.body.name, 'from-b');
    await assert.rejects(b.upgradeStatus.insert(obj('u-2', { name: 'from-b' })), isConflict('name'));
    await b.upgradeStatus.insert(obj('u-2', { name: 'second' }));
    assert.equal((await a.upgradeStatus.list(q())).count, 2);
    assert.equal(await a.upgradeStatus.delete('u-2', 'admin'), true);
    assert.equal((await b.upgradeStatus.list(q())).count, 1);
  });

  it('loses no concurrent update (100 at once, through two instances)', async () => {
    const file = newFile();
    const a = openAt(file);
    const b = openAt(file);
    await a.upgradeStatus.insert(obj('shared', { entries: [] }));
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? a : b).upgradeStatus.update('shared', 'admin', appendEntry(`e-${i}`)),
      ),
    );
    assert.ok(results.every((r) => r !== undefined));
    const entries = (await a.upgradeStatus.get('shared', null))?.body.entries as string[];
    assert.equal(entries.length, 100);
    assert.deepEqual([...entries].sort(), Array.from({ length: 100 }, (_, i) => `e-${i}`).sort());
  });

  it('loses no update when several processes update one object at once', async () => {
    const file = newFile();
    const s = openAt(file);
    await s.upgradeStatus.insert(obj('shared', { entries: [] }));
    const workers = 4;
    const perWorker = 25;
    const child = (id: number) => `
      import { openSqliteStorage } from ${JSON.stringify(ADAPTER_URL)};
      const s = openSqliteStorage({ file: ${JSON.stringify(file)} });
      for (let i = 0; i < ${perWorker}; i++) {
        await s.upgradeStatus.update('shared', 'admin', (cur) => ({
          ...cur,
          body: { ...cur.body, entries: [...cur.body.entries, 'w${id}-' + i] },
        }));
      }
      await s.close();
    `;
    const results = await Promise.all(Array.from({ length: workers }, (_, id) => runChild(child(id))));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const entries = (await s.upgradeStatus.get('shared', 'admin'))?.body.entries as string[];
    assert.equal(entries.length, workers * perWorker);
    assert.equal(new Set(entries).size, workers * perWorker);
  });

  it('migrates once when several processes open a new file at the same time', async () => {
    const file = newFile();
    const child = (id: number) => `
      import { openSqliteStorage } from ${JSON.stringify(ADAPTER_URL)};
      const s = openSqliteStorage({ file: ${JSON.stringify(file)} });
      await s.upgradeStatus.insert({ uuid: 'p-${id}', tenant: 'admin', lastModified: '1', body: { name: 'p-${id}' } });
      await s.close();
    `;
    const results = await Promise.all([0, 1, 2, 3].map((id) => runChild(child(id))));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const s = openAt(file);
    assert.deepEqual((await uuids(s)).sort(), ['p-0', 'p-1', 'p-2', 'p-3']);
    assert.equal((await s.upgradeStatus.list(q())).count, 4);
  });

  it('keeps an acknowledged write when the process is killed with SIGKILL', async () => {
    const file = newFile();
    const code = `
      import { openSqliteStorage } from ${JSON.stringify(ADAPTER_URL)};
      const s = openSqliteStorage({ file: ${JSON.stringify(file)} });
      await s.upgradeStatus.insert({ uuid: 'k-1', tenant: 'admin', lastModified: '1', body: { name: 'kept' } });
      await s.upgradeStatus.update('k-1', 'admin', (cur) => ({ ...cur, body: { ...cur.body, progress: 99 } }));
      process.kill(process.pid, 'SIGKILL');
    `;
    const result = await runChild(code);
    assert.equal(result.signal, 'SIGKILL', result.stderr);
    const s = openAt(file);
    const got = await s.upgradeStatus.get('k-1', 'admin');
    assert.deepEqual(got?.body, { name: 'kept', progress: 99 });
    assert.equal((await s.upgradeStatus.list(q())).count, 1);
  });
});
