// GET /api/upgradestatussummary[/uuid]: the summary projection of UpgradeStatusInfo, with the same
// authentication, tenant rules, API versions and query language; every other method is a 405.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, JSON_HEADERS, sampleRecord, type TestApp } from '../helpers/app.js';
import { createTenant, createUser, login, type TestUser } from '../helpers/auth.js';

const SUMMARY = '/api/upgradestatussummary';
const INFO = '/api/upgradestatusinfo';
const MEMBERS = [
  '_last_modified',
  'enable_patch_rollback',
  'enable_rollback',
  'end_time',
  'image_ref',
  'name',
  'node_type',
  'obj_cloud_ref',
  'patch_image_ref',
  'start_time',
  'state',
  'tasks_completed',
  'tenant_ref',
  'total_tasks',
  'upgrade_ops',
  'url',
  'uuid',
  'version',
];

let t: TestApp;
let operator: TestUser;
let outsider: TestUser;
const uuids: Record<string, string> = {};

function get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'GET', url, headers: { ...JSON_HEADERS, ...headers } });
}

async function seed(name: string, overrides: Record<string, unknown>, tenant = 'admin'): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: INFO,
    headers: { ...JSON_HEADERS, 'x-avi-tenant': tenant },
    payload: sampleRecord({ name, ...overrides }),
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().uuid as string;
}

const names = (res: LightMyRequestResponse): string[] =>
  (res.json().results as { name: string }[]).map((r) => r.name);

before(async () => {
  t = await startTestApp();
  await createTenant(t, 'sum-t1');
  operator = await createUser(t, 'sum-op', [{ role: 'Application-Operator', tenant: 'sum-t1' }]);
  outsider = await createUser(t, 'sum-out', [{ role: 'Tenant-Admin', tenant: 'admin' }]);
  uuids.full = await seed('seg-a', {
    upgrade_ops: 'UPGRADE',
    image_ref: '/api/image/image-1',
    patch_image_ref: '/api/image/image-2',
    start_time: '2024-03-01 01:02:03',
    end_time: '2024-03-01 02:03:04',
    enable_rollback: true,
    reason: 'enterprise-only text', // not in the summary
    upgrade_readiness: { checks_completed: 3 }, // not in the summary
    state: { state: 'UPGRADE_FSM_IN_PROGRESS', rebooted: true, last_changed_time: { secs: 1, usecs: 2 } },
  });
  uuids.b = await seed('seg-b', { node_type: 'NODE_CONTROLLER_CLUSTER', tasks_completed: 9 });
  uuids.c = await seed('seg-c', { tasks_completed: 1 });
  uuids.t1 = await seed('seg-t1', {}, 'sum-t1');
});
after(async () => {
  await t.close();
});

describe('the summary of one record', () => {
  test('holds exactly the summary members, with its own url', async () => {
    const res = await get(`${SUMMARY}/${uuids.full}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(res.headers.avi_api_version, '31.1.1');
    const body = res.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), MEMBERS);
    assert.equal(body.url, `http://localhost:80${SUMMARY}/${uuids.full}`);
    const info = (await get(`${INFO}/${uuids.full}`)).json() as Record<string, unknown>;
    for (const key of MEMBERS) if (key !== 'url') assert.deepEqual(body[key], info[key], key);
    assert.equal(body.image_ref, 'http://localhost:80/api/image/image-1');
  });

  test('an unknown uuid, and a record of a tenant the request is not in, are 404', async () => {
    const missing = await get(`${SUMMARY}/upgradestatusinfo-nope`);
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { error: 'UpgradeStatusSummary object not found!' });
    const elsewhere = await get(`${SUMMARY}/${uuids.t1}`);
    assert.equal(elsewhere.statusCode, 404);
    assert.equal(elsewhere.body, missing.body);
    const there = await get(`${SUMMARY}/${uuids.t1}`, { 'x-avi-tenant': 'sum-t1' });
    assert.equal(there.statusCode, 200);
  });

  test('fields, include_name and skip_default shape it as on upgradestatusinfo', async () => {
    const some = await get(`${SUMMARY}/${uuids.full}?fields=state,total_tasks&include_name`);
    assert.equal(some.statusCode, 200, some.body);
    const body = some.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['name', 'state', 'total_tasks', 'url', 'uuid']);
    assert.equal(body.url, `http://localhost:80${SUMMARY}/${uuids.full}#seg-a`);
    const lean = (await get(`${SUMMARY}/${uuids.c}?skip_default=true`)).json() as Record<string, unknown>;
    assert.equal(lean.enable_rollback, undefined);
    const notSummary = await get(`${SUMMARY}/${uuids.full}?fields=progress`);
    assert.equal(notSummary.statusCode, 400);
    assert.match(notSummary.json().error, /fields.*UpgradeStatusSummary.*progress/);
  });
});

describe('X-Avi-Version', () => {
  test('leaves out the members the version does not have', async () => {
    const at20 = (await get(`${SUMMARY}/${uuids.full}`, { 'x-avi-version': '20.1.1' })).json();
    assert.equal(at20.state.state, 'UPGRADE_FSM_IN_PROGRESS');
    assert.equal(at20.state.rebooted, undefined, 'state.rebooted is 20.1.2');
    const old = await get(`${SUMMARY}/${uuids.full}`, { 'x-avi-version': '18.2.5' });
    assert.equal(old.headers.avi_api_version, '18.2.5');
    assert.deepEqual(Object.keys(old.json()).sort(), ['_last_modified', 'name', 'url', 'uuid']);
    const list = await get(SUMMARY, { 'x-avi-version': '16.4.1' });
    for (const r of list.json().results) {
      assert.deepEqual(Object.keys(r).sort(), ['_last_modified', 'name', 'url', 'uuid']);
    }
  });

  test('a bad version is a 400 Invalid version', async () => {
    const res = await get(SUMMARY, { 'x-avi-version': 'nope' });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error, /Invalid version/);
  });
});

describe('lists', () => {
  test('answer {count, results, next} of summaries, paged with a next link to the summary', async () => {
    const page1 = await get(`${SUMMARY}?page_size=2&sort=name`);
    assert.equal(page1.statusCode, 200, page1.body);
    assert.equal(page1.json().count, 3);
    assert.deepEqual(names(page1), ['seg-a', 'seg-b']);
    assert.equal(page1.json().next, `http://localhost:80${SUMMARY}?page_size=2&sort=name&page=2`);
    for (const r of page1.json().results) {
      assert.ok(
        Object.keys(r).every((k) => MEMBERS.includes(k)),
        Object.keys(r).join(),
      );
      assert.match(r.url, new RegExp(`${SUMMARY}/upgradestatusinfo-`));
    }
    const page2 = await get(page1.json().next.replace('http://localhost:80', ''));
    assert.deepEqual(names(page2), ['seg-c']);
    assert.equal(page2.json().next, undefined);
  });

  test('filter and sort on summary members, in the same language', async () => {
    assert.deepEqual(names(await get(`${SUMMARY}?node_type=NODE_CONTROLLER_CLUSTER`)), ['seg-b']);
    assert.deepEqual(names(await get(`${SUMMARY}?sort=-tasks_completed`)), ['seg-b', 'seg-a', 'seg-c']);
    assert.deepEqual(names(await get(`${SUMMARY}?name.in=seg-a,seg-c&sort=-name`)), ['seg-c', 'seg-a']);
    assert.deepEqual(names(await get(`${SUMMARY}?image_ref.uuid=image-1`)), ['seg-a']);
    assert.deepEqual(names(await get(`${SUMMARY}?state.state=UPGRADE_FSM_IN_PROGRESS&name=seg-a`)), [
      'seg-a',
    ]);
    assert.deepEqual(names(await get(`${SUMMARY}?search=(upgrade_ops,UPGRADE)`)), ['seg-a']);
    const bad = await get(`${SUMMARY}?tasks_completed=many`);
    assert.equal(bad.statusCode, 400);
  });

  test('members outside the summary are unknown parameters: filters ignored, sorts refused', async () => {
    assert.equal((await get(`${SUMMARY}?progress=99`)).json().count, 3);
    assert.equal((await get(`${SUMMARY}?search=enterprise-only`)).json().count, 0);
    assert.equal((await get(`${INFO}?search=enterprise-only`)).json().count, 1);
    const sort = await get(`${SUMMARY}?sort=progress`);
    assert.equal(sort.statusCode, 400);
    assert.match(sort.json().error, /sort.*UpgradeStatusSummary/);
  });
});

describe('access', () => {
  test('needs credentials: none is 401; a session cookie works', async () => {
    const anonymous = await t.anonymous({ method: 'GET', url: SUMMARY, headers: JSON_HEADERS });
    assert.equal(anonymous.statusCode, 401);
    assert.deepEqual(anonymous.json(), { error: 'Authentication credentials were not provided.' });
    const s = await login(t, operator.username, operator.password);
    const res = await t.anonymous({
      method: 'GET',
      url: SUMMARY,
      headers: { ...JSON_HEADERS, cookie: s.cookie },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(names(res), ['seg-t1']);
  });

  test('follows the tenant rules: a read-only role reads its tenant; others get 403; * sees all', async () => {
    const mine = await get(`${SUMMARY}/${uuids.t1}`, { authorization: operator.authorization });
    assert.equal(mine.statusCode, 200, mine.body);
    const denied = await get(SUMMARY, { authorization: outsider.authorization, 'x-avi-tenant': 'sum-t1' });
    assert.equal(denied.statusCode, 403);
    assert.deepEqual(denied.json(), { error: "Tenant 'sum-t1' does not exist!" });
    const all = await get(`${SUMMARY}?sort=name`, { 'x-avi-tenant': '*' });
    assert.deepEqual(names(all), ['seg-a', 'seg-b', 'seg-c', 'seg-t1']);
  });

  test('is read-only: every other method is a 405 with Allow: GET, HEAD', async () => {
    for (const [method, url] of [
      ['POST', SUMMARY],
      ['PUT', `${SUMMARY}/${uuids.b}`],
      ['PATCH', `${SUMMARY}/${uuids.b}`],
      ['DELETE', `${SUMMARY}/${uuids.b}`],
      ['DELETE', SUMMARY],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: JSON_HEADERS, payload: {} });
      assert.equal(res.statusCode, 405, `${method} ${url}`);
      assert.equal(String(res.headers.allow), 'GET, HEAD');
      assert.deepEqual(res.json(), { error: `Method '${method}' not allowed.` });
    }
    assert.equal((await get(`${INFO}/${uuids.b}`)).statusCode, 200, 'nothing was deleted');
  });
});
