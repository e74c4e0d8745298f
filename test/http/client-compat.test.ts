import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, JSON_HEADERS, ADMIN_PASSWORD, basicAuth, type TestApp } from '../helpers/app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp({ CONTROLLER_VERSION: '31.1.1' });
});
after(async () => {
  await t.close();
});

test('/api/initial-data answers without credentials with the version block clients read', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/initial-data' });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.version.Version, '31.1.1');
  assert.equal(typeof body.version.build, 'number');
  assert.match(body.version.Tag, /^31\.1\.1-\d+-\d{8}\.\d{6}$/);
  assert.equal(body.version.min_version, 15.2);
  for (const key of ['current_time', 'setup_failed', 'user_initial_setup', 'sso', 'banner']) {
    assert.ok(Object.hasOwn(body, key), key);
  }
});

test('the Go SDK doubled slash and a JSON content type with no body work', async () => {
  const res = await t.app.inject({
    method: 'GET',
    url: '//api/initial-data',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.statusCode, 200);
  const list = await t.app.inject({
    method: 'GET',
    url: '//api/upgradestatusinfo',
    headers: { 'content-type': 'application/json' },
    payload: '',
  });
  assert.equal(list.statusCode, 200);
});

test('/api/cluster/status reports the cluster and the database', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/cluster/status' });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.cluster_state.state, 'CLUSTER_UP_NO_HA');
  assert.match(body.node_info.cluster_uuid, /^cluster-[0-9a-f-]{36}$/);
  assert.equal(body.database.up, true);
});

test('/api/cluster/version gives the configured version', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/cluster/version' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().Version, '31.1.1');
});

test('a DELETE with Content-Type json and an empty body works', async () => {
  const created = (
    await t.app.inject({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: JSON_HEADERS,
      payload: { name: 'd' },
    })
  ).json();
  const res = await t.app.inject({
    method: 'DELETE',
    url: `/api/upgradestatusinfo/${created.uuid}`,
    headers: { 'content-type': 'application/json' },
    payload: '',
  });
  assert.equal(res.statusCode, 204);
});

test('objects survive closing and reopening the store', async () => {
  const { startTestApp: start } = await import('../helpers/app.js');
  const { buildApp } = await import('../../src/http/app.js');
  const first = await start();
  const created = (
    await first.app.inject({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: JSON_HEADERS,
      payload: { name: 'keep' },
    })
  ).json();
  await first.app.close();
  await first.storage.close();
  const storage = await first.database.open();
  const app = await buildApp({ config: first.config, storage });
  try {
    const res = await app.inject({
      method: 'GET',
      url: `/api/upgradestatusinfo/${created.uuid}`,
      headers: { authorization: basicAuth('admin', ADMIN_PASSWORD) },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().name, 'keep');
  } finally {
    await app.close();
    await first.database.close(); // closes `storage` too
    (await import('node:fs')).rmSync(first.dir, { recursive: true, force: true });
  }
});
