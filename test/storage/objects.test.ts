// The storage interface against a real database of the run's kind (test/helpers/database.ts:
// SQLite or PostgreSQL, no mocks): objects, their indexed columns, CRUD and uniqueness.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractIndexedValues, indexedFieldAt, refUuid } from '../../src/storage/indexed-fields.js';
import { StoreUnavailableError } from '../../src/storage/types.js';
import { TEST_DB } from '../helpers/database.js';
import { fresh, empty, isConflict, obj, q, uuids } from '../helpers/storage.js';

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

describe(`${TEST_DB} storage: CRUD`, () => {
  it('round-trips insert, get, update and delete', async (t) => {
    const { storage } = await fresh(t);
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

  it('isolates tenants; null sees every tenant', async (t) => {
    const { storage } = await fresh(t);
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

  it('rolls an update back when change throws, rethrowing the same error', async (t) => {
    const { storage } = await fresh(t);
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

  it('survives close and reopen; a closed storage is unavailable', async (t) => {
    const db = await empty(t);
    const first = await db.open();
    assert.equal(first.kind, TEST_DB);
    assert.equal(await first.ping(), true);
    await first.upgradeStatus.insert(obj('u-1', { name: 'persisted' }));
    await first.close();
    await first.close(); // idempotent
    assert.equal(await first.ping(), false);
    await assert.rejects(first.upgradeStatus.get('u-1', null), StoreUnavailableError);
    await assert.rejects(first.upgradeStatus.insert(obj('u-2')), StoreUnavailableError);
    await assert.rejects(first.upgradeStatus.list(q()), StoreUnavailableError);

    const second = await db.open();
    assert.equal((await second.upgradeStatus.get('u-1', 'admin'))?.body.name, 'persisted');
    assert.equal((await second.upgradeStatus.list(q())).count, 1);
  });

  it('keeps every JSON value as given: unicode, escapes, nesting, numbers', async (t) => {
    const { storage } = await fresh(t);
    const body = {
      name: 'Größe "quoted" \\ back\\slash \u00e9 \u2603 \ud83d\ude00 tab\t nl\n',
      nested: { deep: [[[{ a: null }]], [], {}], empty: '' },
      numbers: [0, -1, 1.5, 1e21, 2 ** 53 - 1, -0.25],
      flags: [true, false],
    };
    await storage.upgradeStatus.insert(obj('u-1', body));
    assert.deepEqual((await storage.upgradeStatus.get('u-1', null))?.body, { uuid: 'u-1', ...body });
    assert.deepEqual((await storage.upgradeStatus.list(q())).items[0]?.body, { uuid: 'u-1', ...body });
  });
});

describe(`${TEST_DB} storage: uniqueness`, () => {
  it('rejects a taken uuid, also across tenants', async (t) => {
    const { storage } = await fresh(t);
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

  it('rejects a taken name within (tenant, node_type, cloud) only', async (t) => {
    const { storage } = await fresh(t);
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

  it('frees a name on delete and refuses an update into a taken name', async (t) => {
    const { storage } = await fresh(t);
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
