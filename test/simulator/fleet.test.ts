// Fleets: the same seed gives the same records (uuids included); the cluster record lists first;
// SE records on demand; per tenant; admin only; the simulator is off unless SIMULATOR=on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSON_HEADERS, startTestApp } from '../helpers/app.js';
import { createTenant, createUser } from '../helpers/auth.js';
import { call, createFleet, ok, records, segOf, simulatorApp, type Doc } from './harness.js';

async function fleetRecords(body: Doc): Promise<Doc[]> {
  const t = await simulatorApp();
  try {
    await createFleet(t, body);
    return (await records(t)).map((r) => ({ ...r, _last_modified: undefined }));
  } finally {
    await t.close();
  }
}

test('the same seed gives the same fleet; another seed another one', async () => {
  const a = await fleetRecords({ seed: 'alpha', se_groups: 4, ses_per_group: 3, clouds: 3 });
  const b = await fleetRecords({ seed: 'alpha', se_groups: 4, ses_per_group: 3, clouds: 3 });
  const c = await fleetRecords({ seed: 'beta', se_groups: 4, ses_per_group: 3, clouds: 3 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(
    a.map((r) => r.uuid),
    c.map((r) => r.uuid),
  );
  assert.equal(a.length, 5);
  const [cluster, ...groups] = a;
  assert.equal(cluster?.node_type, 'NODE_CONTROLLER_CLUSTER');
  assert.match(
    String(cluster?.uuid),
    /^cluster-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  assert.equal(cluster?.version, '30.2.1-9046-20240301.010203');
  assert.equal(((cluster?.upgrade_events as Doc[])[0]?.sub_events as unknown[]).length, 3);
  const clouds = new Set<string>();
  for (const g of groups) {
    assert.equal(g.node_type, 'NODE_SE_GROUP');
    assert.match(String(g.uuid), /^serviceenginegroup-[0-9a-f-]{36}$/);
    assert.equal((segOf(g).se_upgrade_completed as unknown[]).length, 3);
    assert.equal(segOf(g).se_group_uuid, g.uuid);
    clouds.add(String(g.obj_cloud_ref));
  }
  assert.equal(clouds.size, 3, 'SE groups across clouds');
});

test('versions, SE records and replace', async () => {
  const t = await simulatorApp();
  try {
    const body = {
      seed: 7,
      se_groups: 2,
      ses_per_group: 2,
      se_records: true,
      version: '22.1.6-9191-20231201.101010',
      target_version: '30.2.2-9200-20240601.010101',
    };
    const fleet = await createFleet(t, body);
    assert.deepEqual(
      fleet.images.map((i) => i.name),
      [
        '22.1.6-9191-20231201.101010',
        '30.2.2-9200-20240601.010101',
        '22.1.6-9191-2p1-20231201.101010',
        '30.2.2-9200-2p1-20240601.010101',
      ],
    );
    const recs = await records(t);
    assert.equal(recs.filter((r) => r.node_type === 'NODE_SE_TYPE').length, 4);
    assert.ok(recs.every((r) => r.version === '22.1.6-9191-20231201.101010'));
    assert.equal((await call(t, 'POST', '/api/simulator/fleet', { ...body })).status, 409);
    assert.equal((await call(t, 'POST', '/api/simulator/fleet', { ...body, replace: true })).status, 201);
    assert.equal((await records(t)).length, 7);
    const got = await ok(t, 'GET', '/api/simulator/fleet');
    assert.equal(got.seed, '7');
    for (const bad of [{ se_groups: 0 }, { version: '30.2.1' }, { controller_nodes: 2 }, { colour: 1 }]) {
      assert.equal((await call(t, 'POST', '/api/simulator/fleet', bad)).status, 400, JSON.stringify(bad));
    }
  } finally {
    await t.close();
  }
});

test('fleets live in the request tenant; only a System-Admin may use the simulator', async () => {
  const t = await simulatorApp();
  try {
    await createTenant(t, 'lab');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/simulator/fleet',
      headers: { ...JSON_HEADERS, 'x-avi-tenant': 'lab' },
      payload: { seed: 'lab' },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal((await records(t)).length, 0, 'nothing in the admin tenant');
    const user = await createUser(t, 'operator', [{ role: 'Tenant-Admin', tenant: 'lab' }]);
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/upgrade',
      headers: { ...JSON_HEADERS, 'x-avi-tenant': 'lab', authorization: user.authorization },
      payload: { image_uuid: 'x' },
    });
    assert.equal(denied.statusCode, 403);
  } finally {
    await t.close();
  }
});

test('without SIMULATOR=on none of it exists', async () => {
  const t = await startTestApp();
  try {
    assert.equal((await call(t, 'POST', '/api/simulator/fleet', {})).status, 404);
    assert.equal((await call(t, 'POST', '/api/upgrade', {})).status, 404);
  } finally {
    await t.close();
  }
});

test('the OpenAPI document describes every simulator route', async () => {
  const t = await simulatorApp();
  try {
    const doc = await ok(t, 'GET', '/api/swagger.json');
    const paths = doc.paths as Record<string, Record<string, Doc>>;
    for (const path of [
      '/api/upgrade',
      '/api/rollback/preview',
      '/api/segroup/resume',
      '/api/simulator/fleet',
      '/api/simulator/clock',
    ]) {
      const post = paths[path]?.post;
      assert.ok(post, path);
      assert.equal(post['x-undocumented'], undefined, path);
    }
  } finally {
    await t.close();
  }
});
