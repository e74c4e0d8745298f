// Tenant scoping of UpgradeStatusInfo: each role reading and writing its own and another
// tenant's objects by uuid, by name, in lists and with `X-Avi-Tenant: *`, with nothing leaking.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, JSON_HEADERS, sampleRecord, type TestApp } from '../helpers/app.js';
import { createTenant, createUser, login, type TestUser } from '../helpers/auth.js';

let t: TestApp;
let t1: string;
let t2: string;
const users: Record<string, TestUser> = {};
const objects: Record<string, { uuid: string; url: string }> = {};

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function as(
  user: TestUser | 'admin',
  method: Method,
  url: string,
  payload?: object,
  headers: Record<string, string> = {},
) {
  const auth = user === 'admin' ? {} : { authorization: user.authorization };
  return t.app.inject({
    method,
    url,
    headers: { ...JSON_HEADERS, ...auth, ...headers },
    ...(payload !== undefined ? { payload } : {}),
  });
}

async function seed(tenant: string, name: string): Promise<{ uuid: string; url: string }> {
  const res = await as('admin', 'POST', '/api/upgradestatusinfo', sampleRecord({ name }), {
    'x-avi-tenant': tenant,
  });
  assert.equal(res.statusCode, 201, res.body);
  return { uuid: res.json().uuid, url: `/api/upgradestatusinfo/${res.json().uuid}` };
}

const names = (res: LightMyRequestResponse) =>
  (res.json().results as { name: string }[]).map((r) => r.name).sort();

/** A response to a request for an object that is not there, as a client sees it. */
function sameAsMissing(res: LightMyRequestResponse, missing: LightMyRequestResponse, label: string) {
  assert.equal(res.statusCode, 404, label);
  assert.equal(res.body, missing.body, label);
  assert.equal(res.headers['content-type'], missing.headers['content-type'], label);
}

before(async () => {
  t = await startTestApp();
  t1 = await createTenant(t, 't1');
  t2 = await createTenant(t, 't2');
  users.sys = await createUser(t, 'sys', [{ role: 'System-Admin', tenant: 'admin' }]);
  users.t1admin = await createUser(t, 't1admin', [{ role: 'Tenant-Admin', tenant: 't1' }]);
  users.t1op = await createUser(t, 't1op', [{ role: 'Application-Operator', tenant: 't1' }]);
  users.allop = await createUser(t, 'allop', [{ role: 'Application-Operator', all: true }]);
  users.alladmin = await createUser(t, 'alladmin', [{ role: 'Tenant-Admin', all: true }]);
  users.mixed = await createUser(t, 'mixed', [
    { role: 'Tenant-Admin', tenant: 't1' },
    { role: 'Application-Operator', tenant: 't2' },
  ]);
  objects.admin = await seed('admin', 'seg-admin');
  objects.a1 = await seed('t1', 'seg');
  objects.a2 = await seed('t2', 'seg'); // the same name in another tenant is fine
  objects.b2 = await seed('t2', 'seg-t2-only');
});
after(async () => {
  await t.close();
});

describe('the request tenant', () => {
  test('objects carry the tenant_ref of the tenant they live in', async () => {
    const res = await as('admin', 'GET', `${objects.a1!.url}?include_name`, undefined, {
      'x-avi-tenant': 't1',
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().tenant_ref, `http://localhost:80/api/tenant/${t1}#t1`);
  });

  test('comes from X-Avi-Tenant, X-Avi-Tenant-UUID, or the user default tenant', async () => {
    const byName = await as('admin', 'GET', '/api/upgradestatusinfo', undefined, { 'x-avi-tenant': 't2' });
    const byUuid = await as('admin', 'GET', '/api/upgradestatusinfo', undefined, { 'x-avi-tenant-uuid': t2 });
    assert.deepEqual(names(byName), ['seg', 'seg-t2-only']);
    assert.deepEqual(names(byUuid), ['seg', 'seg-t2-only']);
    const adminDefault = await as('admin', 'GET', '/api/upgradestatusinfo');
    assert.ok(names(adminDefault).includes('seg-admin'));
    assert.ok(!names(adminDefault).includes('seg-t2-only'));
    // A Tenant-Admin of t1 defaults to t1.
    const t1Default = await as(users.t1admin!, 'GET', '/api/upgradestatusinfo');
    assert.deepEqual(names(t1Default), ['seg']);
    assert.match(t1Default.json().results[0].tenant_ref, new RegExp(`/api/tenant/${t1}$`));
  });

  test("an unknown tenant is 403 Tenant '<name>' does not exist!; so is one the user has no role in", async () => {
    const unknown = await as('admin', 'GET', '/api/upgradestatusinfo', undefined, { 'x-avi-tenant': 'nope' });
    assert.equal(unknown.statusCode, 403);
    assert.deepEqual(unknown.json(), { error: "Tenant 'nope' does not exist!" });
    const unknownUuid = await as('admin', 'GET', '/api/upgradestatusinfo', undefined, {
      'x-avi-tenant-uuid': 'tenant-x',
    });
    assert.deepEqual(unknownUuid.json(), { error: "Tenant 'tenant-x' does not exist!" });
    for (const [user, header] of [
      [users.t1admin!, { 'x-avi-tenant': 't2' }],
      [users.t1op!, { 'x-avi-tenant-uuid': t2 }],
      [users.t1admin!, { 'x-avi-tenant': 'admin' }],
    ] as const) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await as(
          user,
          method,
          '/api/upgradestatusinfo',
          method === 'POST' ? { name: 'x' } : undefined,
          header,
        );
        assert.equal(res.statusCode, 403, `${user.username} ${method} ${JSON.stringify(header)}`);
        assert.match(res.json().error, /^Tenant '.+' does not exist!$/);
      }
    }
  });
});

describe('Tenant-Admin of t1', () => {
  test('reads, lists and finds by name only the objects of t1', async () => {
    const u = users.t1admin!;
    assert.equal((await as(u, 'GET', objects.a1!.url)).statusCode, 200);
    const list = await as(u, 'GET', '/api/upgradestatusinfo');
    assert.equal(list.json().count, 1);
    assert.deepEqual(names(list), ['seg']);
    const byName = await as(u, 'GET', '/api/upgradestatusinfo?name=seg');
    assert.equal(byName.json().count, 1);
    assert.equal(byName.json().results[0].uuid, objects.a1!.uuid);
    const otherName = await as(u, 'GET', '/api/upgradestatusinfo?name=seg-t2-only');
    assert.deepEqual(otherName.json(), { count: 0, results: [] });
  });

  test("gets another tenant's object exactly like a missing one, for every method", async () => {
    const u = users.t1admin!;
    const missingUrl = '/api/upgradestatusinfo/upgradestatusinfo-no-such-object';
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
      const payload =
        method === 'PUT' ? { name: 'hijack' } : method === 'PATCH' ? { replace: { progress: 1 } } : undefined;
      const missing = await as(u, method, missingUrl, payload);
      sameAsMissing(await as(u, method, objects.b2!.url, payload), missing, `${method} t2 object`);
      sameAsMissing(await as(u, method, objects.admin!.url, payload), missing, `${method} admin object`);
    }
    const untouched = await as('admin', 'GET', objects.b2!.url, undefined, { 'x-avi-tenant': 't2' });
    assert.equal(untouched.json().name, 'seg-t2-only');
    assert.equal(untouched.json().progress, 40);
  });

  test('writes in t1: create, replace, patch, delete', async () => {
    const u = users.t1admin!;
    const created = await as(u, 'POST', '/api/upgradestatusinfo', sampleRecord({ name: 't1admin-made' }));
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().tenant_ref, `http://localhost:80/api/tenant/${t1}#t1`);
    const url = `/api/upgradestatusinfo/${created.json().uuid}`;
    assert.equal((await as(u, 'PUT', url, { name: 't1admin-made', progress: 9 })).statusCode, 200);
    assert.equal((await as(u, 'PATCH', url, { replace: { progress: 10 } })).json().progress, 10);
    assert.equal((await as(u, 'DELETE', url)).statusCode, 204);
  });

  test('may not use the all-tenants view, nor place objects in another tenant', async () => {
    const u = users.t1admin!;
    const star = await as(u, 'GET', '/api/upgradestatusinfo', undefined, { 'x-avi-tenant': '*' });
    assert.equal(star.statusCode, 403);
    const elsewhere = await as(u, 'POST', '/api/upgradestatusinfo', {
      name: 'smuggled',
      tenant_ref: '/api/tenant/?name=t2',
    });
    assert.equal(elsewhere.statusCode, 403);
    assert.deepEqual(elsewhere.json(), { error: "Tenant 't2' does not exist!" }, 'no hint that t2 exists');
    const move = await as(u, 'PUT', objects.a1!.url, { name: 'seg', tenant_ref: `/api/tenant/${t2}` });
    assert.equal(move.statusCode, 403);
    const count = await as('admin', 'GET', '/api/upgradestatusinfo?name=smuggled', undefined, {
      'x-avi-tenant': '*',
    });
    assert.equal(count.json().count, 0);
    const stays = await as(u, 'GET', objects.a1!.url);
    assert.equal(stays.statusCode, 200);
  });

  test('sees only its tenant, itself and the roles; changes no tenant or user', async () => {
    const u = users.t1admin!;
    const tenants = await as(u, 'GET', '/api/tenant');
    assert.deepEqual(
      tenants.json().results.map((x: { name: string }) => x.name),
      ['t1'],
    );
    assert.equal((await as(u, 'GET', `/api/tenant/${t2}`)).statusCode, 404);
    const me = await as(u, 'GET', '/api/user');
    assert.deepEqual(
      me.json().results.map((x: { username: string }) => x.username),
      ['t1admin'],
    );
    assert.equal((await as(u, 'GET', `/api/user/${users.sys!.uuid}`)).statusCode, 404);
    assert.equal((await as(u, 'GET', '/api/role')).json().count, 3);
    assert.equal((await as(u, 'POST', '/api/tenant', { name: 'mine' })).statusCode, 403);
    assert.equal((await as(u, 'DELETE', `/api/tenant/${t1}`)).statusCode, 403);
    assert.equal(
      (await as(u, 'POST', '/api/user', { username: 'x', password: 'long-enough-1' })).statusCode,
      403,
    );
  });

  test('the same rules hold with a login session', async () => {
    const s = await login(t, 't1admin', users.t1admin!.password);
    assert.deepEqual(
      names(await t.app.inject({ method: 'GET', url: '/api/upgradestatusinfo', headers: s.read })),
      ['seg'],
    );
    const other = await t.app.inject({ method: 'GET', url: objects.b2!.url, headers: s.read });
    assert.equal(other.statusCode, 404);
    const post = await t.app.inject({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: { ...s.write, 'x-avi-tenant': 't2' },
      payload: { name: 'via-session' },
    });
    assert.equal(post.statusCode, 403);
    assert.deepEqual(
      s.login.json().tenants.map((x: { name: string }) => x.name),
      ['t1'],
    );
  });
});

describe('Application-Operator', () => {
  test('of t1 reads t1 and changes nothing', async () => {
    const u = users.t1op!;
    assert.equal((await as(u, 'GET', objects.a1!.url)).statusCode, 200);
    assert.deepEqual(names(await as(u, 'GET', '/api/upgradestatusinfo')), ['seg']);
    assert.equal((await as(u, 'GET', objects.a2!.url)).statusCode, 404);
    for (const [method, url, payload] of [
      ['POST', '/api/upgradestatusinfo', { name: 'op-made' }],
      ['PUT', objects.a1!.url, { name: 'seg', progress: 1 }],
      ['PATCH', objects.a1!.url, { replace: { progress: 1 } }],
      ['DELETE', objects.a1!.url, undefined],
    ] as const) {
      const res = await as(u, method, url, payload);
      assert.equal(res.statusCode, 403, method);
      assert.match(res.json().error, /Permission denied/);
    }
    assert.equal((await as(u, 'GET', objects.a1!.url)).json().progress, 40);
  });

  test('of every tenant reads all with *, and still changes nothing', async () => {
    const u = users.allop!;
    const all = await as(u, 'GET', '/api/upgradestatusinfo', undefined, { 'x-avi-tenant': '*' });
    assert.equal(all.statusCode, 200);
    assert.deepEqual(names(all), ['seg', 'seg', 'seg-admin', 'seg-t2-only']);
    const one = await as(u, 'GET', objects.b2!.url, undefined, { 'x-avi-tenant': '*' });
    assert.equal(one.statusCode, 200);
    assert.equal(
      (await as(u, 'GET', '/api/upgradestatusinfo', undefined, { 'x-avi-tenant': 't2' })).json().count,
      2,
    );
    for (const [method, payload] of [
      ['PUT', { name: 'seg-t2-only' }],
      ['PATCH', { replace: { progress: 2 } }],
      ['DELETE', undefined],
    ] as const) {
      const res = await as(u, method, objects.b2!.url, payload, { 'x-avi-tenant': '*' });
      assert.equal(res.statusCode, 403, method);
    }
    const post = await as(u, 'POST', '/api/upgradestatusinfo', { name: 'x' }, { 'x-avi-tenant': '*' });
    assert.equal(post.statusCode, 403);
  });
});

describe('mixed roles', () => {
  test('Tenant-Admin in t1 and Application-Operator in t2: writes t1, reads t2', async () => {
    const u = users.mixed!;
    const t2List = await as(u, 'GET', '/api/upgradestatusinfo', undefined, { 'x-avi-tenant': 't2' });
    assert.deepEqual(names(t2List), ['seg', 'seg-t2-only']);
    const write = await as(
      u,
      'PATCH',
      objects.b2!.url,
      { replace: { progress: 3 } },
      { 'x-avi-tenant': 't2' },
    );
    assert.equal(write.statusCode, 403);
    const placed = await as(u, 'POST', '/api/upgradestatusinfo', {
      name: 'mixed-t1',
      tenant_ref: '/api/tenant/?name=t2',
    });
    assert.equal(placed.statusCode, 403);
    assert.match(placed.json().error, /Permission denied/);
    const own = await as(u, 'PATCH', objects.a1!.url, { replace: { progress: 41 } });
    assert.equal(own.statusCode, 200);
  });
});

describe('System-Admin and the all-tenants view', () => {
  test('reads everything with *, acts on objects wherever they live, never creates there', async () => {
    const u = users.sys!;
    const star = { 'x-avi-tenant': '*' };
    const all = await as(u, 'GET', '/api/upgradestatusinfo?name=seg', undefined, star);
    assert.equal(all.json().count, 2);
    const put = await as(
      u,
      'PUT',
      objects.b2!.url,
      sampleRecord({ name: 'seg-t2-only', progress: 77 }),
      star,
    );
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().tenant_ref, `http://localhost:80/api/tenant/${t2}#t2`, 'it stays in t2');
    const patch = await as(u, 'PATCH', objects.b2!.url, { replace: { progress: 78 } }, star);
    assert.equal(patch.json().progress, 78);
    const post = await as(u, 'POST', '/api/upgradestatusinfo', { name: 'nowhere' }, star);
    assert.equal(post.statusCode, 403);
    assert.match(post.json().error, /all-tenants view/);
    const doomed = await seed('t2', 'doomed');
    assert.equal((await as(u, 'DELETE', doomed.url, undefined, star)).statusCode, 204);
    assert.equal((await as(u, 'GET', doomed.url, undefined, star)).statusCode, 404);
    assert.equal((await as(u, 'DELETE', doomed.url, undefined, star)).statusCode, 404);
  });

  test('a Tenant-Admin of every tenant writes anywhere with *', async () => {
    const u = users.alladmin!;
    const res = await as(u, 'PATCH', objects.a2!.url, { replace: { progress: 12 } }, { 'x-avi-tenant': '*' });
    assert.equal(res.statusCode, 200);
  });

  test('tenant_ref in the body places the object whatever the header says (Ansible)', async () => {
    const u = users.sys!;
    const res = await as(
      u,
      'POST',
      '/api/upgradestatusinfo',
      sampleRecord({ name: 'ansible', tenant_ref: '/api/tenant/?name=t1' }),
      {
        'x-avi-tenant': 'admin',
      },
    );
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().tenant_ref, `http://localhost:80/api/tenant/${t1}#t1`);
    const inT1 = await as(u, 'GET', '/api/upgradestatusinfo?name=ansible', undefined, {
      'x-avi-tenant': 't1',
    });
    assert.equal(inT1.json().count, 1);
    const inAdmin = await as(u, 'GET', '/api/upgradestatusinfo?name=ansible', undefined, {
      'x-avi-tenant': 'admin',
    });
    assert.equal(inAdmin.json().count, 0);
    // A PUT with another tenant_ref moves the object there.
    const moved = await as(
      u,
      'PUT',
      `/api/upgradestatusinfo/${res.json().uuid}`,
      { name: 'ansible', tenant_ref: `/api/tenant/${t2}` },
      {
        'x-avi-tenant': 't1',
      },
    );
    assert.equal(moved.statusCode, 200, moved.body);
    assert.equal(moved.json().tenant_ref, `http://localhost:80/api/tenant/${t2}#t2`);
    const inT2 = await as(u, 'GET', '/api/upgradestatusinfo?name=ansible', undefined, {
      'x-avi-tenant': 't2',
    });
    assert.equal(inT2.json().count, 1);
    const unknown = await as(u, 'POST', '/api/upgradestatusinfo', {
      name: 'lost',
      tenant_ref: '/api/tenant/?name=nope',
    });
    assert.equal(unknown.statusCode, 403);
    assert.deepEqual(unknown.json(), { error: "Tenant 'nope' does not exist!" });
  });

  test('names are unique per tenant (with node type and cloud)', async () => {
    const dup = await as('admin', 'POST', '/api/upgradestatusinfo', sampleRecord({ name: 'seg' }), {
      'x-avi-tenant': 't1',
    });
    assert.equal(dup.statusCode, 409);
    const otherTenant = await as('admin', 'POST', '/api/upgradestatusinfo', sampleRecord({ name: 'seg' }), {
      'x-avi-tenant': 'admin',
    });
    assert.equal(otherTenant.statusCode, 201);
  });
});
