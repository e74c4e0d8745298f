import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, sampleRecord, JSON_HEADERS, VERSION_HEADERS, type TestApp } from '../helpers/app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

async function create(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/upgradestatusinfo',
    headers: { ...JSON_HEADERS, ...headers },
    payload: body,
  });
}

test('POST creates: 201, Location, generated uuid, url, _last_modified, tenant_ref, defaults', async () => {
  const res = await create(sampleRecord({ name: 'seg-create' }));
  assert.equal(res.statusCode, 201);
  const body = res.json();
  assert.match(
    body.uuid,
    /^upgradestatusinfo-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  assert.equal(body.url, `http://localhost:80/api/upgradestatusinfo/${body.uuid}#seg-create`);
  assert.equal(res.headers.location, body.url);
  assert.match(body._last_modified, /^\d{16}$/);
  assert.equal(body.tenant_ref, 'http://localhost:80/api/tenant/admin#admin');
  assert.equal(body.enable_rollback, false);
  assert.equal(body.enable_patch_rollback, false);
  assert.equal(body.progress, 40);
  assert.equal(body.upgrade_events[0].sub_events[0].status, true);
  assert.equal(
    body.obj_cloud_ref,
    'http://localhost:80/api/cloud/cloud-11111111-2222-3333-4444-555555555555',
  );
});

test('POST fills defaults the controller fills in, also in nested objects', async () => {
  const res = await create({
    name: 'defaults',
    params: { se_group_options: {} },
    upgrade_events: [{ task_name: 'x', sub_events: [{ message: 'm' }] }],
  });
  assert.equal(res.statusCode, 201);
  const body = res.json();
  assert.equal(body.progress, 0);
  assert.equal(body.params.se_group_options.action_on_error, 'SUSPEND_UPGRADE_OPS_ON_ERROR');
  assert.equal(body.params.se_group_options.disruptive, false);
  assert.equal(body.upgrade_events[0].sub_events[0].status, false);
});

test('POST takes the uuid from the body or from the Slug header', async () => {
  const fromBody = await create({ name: 'by-body', uuid: 'cluster-0b6e1e53-7a4c-4b65-9f0e-3a3c3c2b1a10' });
  assert.equal(fromBody.statusCode, 201);
  assert.equal(fromBody.json().uuid, 'cluster-0b6e1e53-7a4c-4b65-9f0e-3a3c3c2b1a10');
  const fromSlug = await create({ name: 'by-slug' }, { slug: 'se-42' });
  assert.equal(fromSlug.json().uuid, 'se-42');
  const clash = await create({ name: 'clash', uuid: 'se-1' }, { slug: 'se-2' });
  assert.equal(clash.statusCode, 400);
  const again = await create({ name: 'other', uuid: 'se-42' });
  assert.equal(again.statusCode, 409);
  const bad = await create({ name: 'bad', uuid: '../etc/passwd' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error, /uuid/);
});

test('POST refuses a second object with the same name, node type and cloud (409), not across clouds', async () => {
  const first = await create(sampleRecord({ name: 'Default-Group' }));
  assert.equal(first.statusCode, 201);
  const dup = await create(sampleRecord({ name: 'Default-Group' }));
  assert.equal(dup.statusCode, 409);
  assert.match(dup.json().error, /Default-Group/);
  const otherCloud = await create(
    sampleRecord({ name: 'Default-Group', obj_cloud_ref: '/api/cloud/cloud-2' }),
  );
  assert.equal(otherCloud.statusCode, 201);
  const otherType = await create(sampleRecord({ name: 'Default-Group', node_type: 'NODE_SE_TYPE' }));
  assert.equal(otherType.statusCode, 201);
});

test('GET by uuid returns the object; a missing one is the controller 404', async () => {
  const created = (await create(sampleRecord({ name: 'get-me' }))).json();
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/upgradestatusinfo/${created.uuid}`,
    headers: VERSION_HEADERS,
  });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.name, 'get-me');
  assert.equal(body.url, `http://localhost:80/api/upgradestatusinfo/${created.uuid}`);
  assert.equal(body.tenant_ref, 'http://localhost:80/api/tenant/admin');
  const missing = await t.app.inject({ method: 'GET', url: '/api/upgradestatusinfo/nope' });
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { error: 'UpgradeStatusInfo object not found!' });
  assert.match(String(missing.headers['content-type']), /application\/json/);
});

test('GET with include_name (even empty) appends #name to url and references', async () => {
  const created = (
    await create(sampleRecord({ name: 'named', obj_cloud_ref: '/api/cloud/?name=Default-Cloud' }))
  ).json();
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/upgradestatusinfo/${created.uuid}?include_name=`,
    headers: VERSION_HEADERS,
  });
  const body = res.json();
  assert.equal(body.url.endsWith('#named'), true);
  assert.equal(body.tenant_ref.endsWith('/api/tenant/admin#admin'), true);
  assert.match(body.obj_cloud_ref, /\/api\/cloud\/cloud-[0-9a-f-]+#Default-Cloud$/);
});

test('PUT replaces the whole object: omitted fields go back to defaults, identity stays', async () => {
  const created = (
    await create(sampleRecord({ name: 'put-me', enable_rollback: true, version: '1' }))
  ).json();
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/upgradestatusinfo/${created.uuid}`,
    headers: JSON_HEADERS,
    payload: { name: 'put-me', node_type: 'NODE_SE_GROUP' },
  });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.uuid, created.uuid);
  assert.equal(body.url, created.url);
  assert.equal(body.tenant_ref, created.tenant_ref);
  assert.equal(body.enable_rollback, false);
  assert.equal(body.progress, 0);
  assert.equal(body.version, undefined);
  assert.equal(body.obj_cloud_ref, undefined);
  assert.ok(BigInt(body._last_modified) > BigInt(created._last_modified));
});

test('PUT of what a GET returned works (url and _last_modified in the body are not stored)', async () => {
  const created = (await create(sampleRecord({ name: 'roundtrip' }))).json();
  const read = (
    await t.app.inject({ method: 'GET', url: `/api/upgradestatusinfo/${created.uuid}?include_name` })
  ).json();
  read.progress = 90;
  read.url = 'http://evil.example/whatever';
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/upgradestatusinfo/${created.uuid}`,
    headers: JSON_HEADERS,
    payload: read,
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().progress, 90);
  assert.equal(res.json().url, created.url);
  const missing = await t.app.inject({
    method: 'PUT',
    url: '/api/upgradestatusinfo/nope',
    headers: JSON_HEADERS,
    payload: { name: 'x' },
  });
  assert.equal(missing.statusCode, 404);
});

test('PUT with an older _last_modified or If-Match is refused with 412 and changes nothing', async () => {
  const created = (await create(sampleRecord({ name: 'stale' }))).json();
  const url = `/api/upgradestatusinfo/${created.uuid}`;
  const first = await t.app.inject({
    method: 'PUT',
    url,
    headers: JSON_HEADERS,
    payload: { ...created, progress: 1 },
  });
  assert.equal(first.statusCode, 200);
  const stale = await t.app.inject({
    method: 'PUT',
    url,
    headers: JSON_HEADERS,
    payload: { ...created, progress: 2 },
  });
  assert.equal(stale.statusCode, 412);
  assert.deepEqual(stale.json(), { error: 'Need to reload object data UpgradeStatusInfo' });
  const viaHeader = await t.app.inject({
    method: 'PUT',
    url,
    headers: { ...JSON_HEADERS, 'if-match': created._last_modified },
    payload: { name: 'stale', progress: 3 },
  });
  assert.equal(viaHeader.statusCode, 412);
  assert.equal((await t.app.inject({ method: 'GET', url, headers: VERSION_HEADERS })).json().progress, 1);
});

test('DELETE answers 204 with an empty body, then the object is gone', async () => {
  const created = (await create(sampleRecord({ name: 'delete-me' }))).json();
  const url = `/api/upgradestatusinfo/${created.uuid}`;
  const res = await t.app.inject({ method: 'DELETE', url, headers: { 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 204);
  assert.equal(res.body, '');
  assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'DELETE', url })).statusCode, 404);
  const reuse = await create(sampleRecord({ name: 'delete-me' }));
  assert.equal(reuse.statusCode, 201);
});
