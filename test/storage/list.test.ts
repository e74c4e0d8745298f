// Listing through the storage interface on a real database of the run's kind: filters on
// indexed columns and document paths, sorts, paging and exact counts. (The query language end to
// end, and the filter semantics in depth, are in filters.test.ts.)
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { ListQuery, Storage } from '../../src/storage/types.js';
import { TEST_DB } from '../helpers/database.js';
import { fresh, obj, q, uuids } from '../helpers/storage.js';

/** The error an adapter raises for a field path it cannot turn into SQL. */
const invalidPath = (err: unknown) => err instanceof Error && err.name === 'InvalidFieldPathError';

describe(`${TEST_DB} storage: list`, () => {
  async function seeded(t: TestContext): Promise<Storage> {
    const { storage } = await fresh(t);
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

  it('filters with eq on indexed columns and document paths', async (t) => {
    const s = await seeded(t);
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

  it('filters with in', async (t) => {
    const s = await seeded(t);
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

  it('filters with contains, case-sensitive and not, on columns and document paths', async (t) => {
    const s = await seeded(t);
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

  it('treats LIKE wildcards and the escape character in contains as literal text', async (t) => {
    const s = await seeded(t);
    for (const insensitive of [false, true]) {
      const contains = (value: string) =>
        uuids(s, { filters: [{ op: 'contains', path: ['name'], value, caseInsensitive: insensitive }] });
      assert.deepEqual(await contains('%'), ['u-4']);
      assert.deepEqual(await contains('_'), ['u-5']);
      assert.deepEqual(await contains('a_b'), ['u-5']);
      assert.deepEqual(await contains('\\'), ['u-7']);
    }
  });

  it('matches nothing, without error, for a hostile value', async (t) => {
    const s = await seeded(t);
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

  it('rejects invalid path segments in filters and sorts', async (t) => {
    const s = await seeded(t);
    const bad = [[], ['a.b'], ["name') OR 1=1 --"], ['a b'], ['$'], ['ops', 'sta"te'], ['']];
    for (const path of bad) {
      await assert.rejects(
        s.upgradeStatus.list(q({ filters: [{ op: 'eq', path, value: 'x' }] })),
        invalidPath,
      );
      await assert.rejects(s.upgradeStatus.list(q({ sort: [{ path, descending: false }] })), invalidPath);
    }
    const deep = ['upgrade_readiness', 'state', 'state2'];
    assert.deepEqual(
      await uuids(s, { filters: [{ op: 'exists', path: deep }], sort: [{ path: deep, descending: true }] }),
      [],
    );
  });

  it('sorts ascending, descending and by several keys, ties in creation order', async (t) => {
    const s = await seeded(t);
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

  it('pages in stable creation order', async (t) => {
    const { storage } = await fresh(t);
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

  it('counts exactly, with and without filters, after inserts, updates and deletes', async (t) => {
    const db = await fresh(t);
    const storage = db.storage;
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

    // The per-tenant counters (both adapters keep them in this table) match the rows.
    const counters = await db.rows(
      'SELECT tenant, CAST(n AS INTEGER) AS n FROM upgrade_status_info_counts WHERE n > 0 ORDER BY tenant',
    );
    const actual = await db.rows(
      'SELECT tenant, CAST(count(*) AS INTEGER) AS n FROM upgrade_status_info GROUP BY tenant ORDER BY tenant',
    );
    assert.deepEqual(counters, actual);
  });
});
