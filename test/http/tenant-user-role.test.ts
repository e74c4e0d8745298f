// /api/tenant, /api/user and /api/role in the controller's shapes.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, JSON_HEADERS, basicAuth, type TestApp } from '../helpers/app.js';
import { createTenant, createUser } from '../helpers/auth.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (method: Method, url: string, payload?: object) =>
  t.app.inject({ method, url, headers: JSON_HEADERS, ...(payload !== undefined ? { payload } : {}) });

describe('/api/tenant', () => {
  test('the admin tenant has the uuid admin', async () => {
    const res = await call('GET', '/api/tenant/admin');
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.uuid, 'admin');
    assert.equal(body.name, 'admin');
    assert.equal(body.url, 'http://localhost:80/api/tenant/admin');
    assert.equal(body.local, true);
    const byName = await call('GET', '/api/tenant?name=admin');
    assert.equal(byName.json().count, 1);
    assert.equal(byName.json().results[0].uuid, 'admin');
  });

  test('POST creates a tenant in the controller shape; GET, PUT, DELETE', async () => {
    const res = await call('POST', '/api/tenant', { name: 'shop', description: 'the shop' });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.match(body.uuid, /^tenant-[0-9a-f-]{36}$/);
    assert.equal(body.url, `http://localhost:80/api/tenant/${body.uuid}#shop`);
    assert.equal(res.headers.location, body.url);
    assert.deepEqual(body.config_settings, {
      se_in_provider_context: true,
      tenant_access_to_provider_se: true,
      tenant_vrf: false,
    });
    assert.equal(body.local, true);
    assert.equal(body.created_by, 'admin');
    assert.match(body._last_modified, /^\d{16}$/);

    const put = await call('PUT', `/api/tenant/${body.uuid}`, { name: 'shop', description: 'new text' });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().description, 'new text');
    assert.ok(BigInt(put.json()._last_modified) > BigInt(body._last_modified));
    const got = await call('GET', `/api/tenant/${body.uuid}`);
    assert.equal(got.json().description, 'new text');

    assert.equal((await call('DELETE', `/api/tenant/${body.uuid}`)).statusCode, 204);
    assert.equal((await call('GET', `/api/tenant/${body.uuid}`)).statusCode, 404);
    assert.deepEqual((await call('DELETE', `/api/tenant/${body.uuid}`)).json(), {
      error: 'Tenant object not found!',
    });
  });

  test('names are unique, not renamed, not `*`; unknown fields are refused', async () => {
    await createTenant(t, 'unique');
    const dup = await call('POST', '/api/tenant', { name: 'unique' });
    assert.equal(dup.statusCode, 409);
    assert.match(dup.json().error, /unique/);
    const uuid = (await call('GET', '/api/tenant?name=unique')).json().results[0].uuid;
    const rename = await call('PUT', `/api/tenant/${uuid}`, { name: 'renamed' });
    assert.equal(rename.statusCode, 400);
    assert.match(rename.json().error, /renamed/);
    assert.equal((await call('POST', '/api/tenant', { name: '*' })).statusCode, 400);
    assert.equal((await call('POST', '/api/tenant', {})).statusCode, 400);
    const unknown = await call('POST', '/api/tenant', { name: 'x', colour: 'red' });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.json().error, /colour/);
  });

  test('a tenant that still holds objects or users cannot be deleted; admin never', async () => {
    const uuid = await createTenant(t, 'busy');
    const obj = await t.app.inject({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: { ...JSON_HEADERS, 'x-avi-tenant': 'busy' },
      payload: { name: 'resident' },
    });
    assert.equal(obj.statusCode, 201);
    const refused = await call('DELETE', `/api/tenant/${uuid}`);
    assert.equal(refused.statusCode, 409);
    assert.equal(
      refused.json().error,
      "Cannot delete, object is referred by: ['UpgradeStatusInfo resident']",
    );
    await t.app.inject({
      method: 'DELETE',
      url: `/api/upgradestatusinfo/${obj.json().uuid}`,
      headers: { 'x-avi-tenant': 'busy' },
    });
    const user = await createUser(t, 'busy-user', [{ role: 'Tenant-Admin', tenant: 'busy' }]);
    const byUser = await call('DELETE', `/api/tenant/${uuid}`);
    assert.equal(byUser.statusCode, 409);
    assert.match(byUser.json().error, /User busy-user/);
    await call('DELETE', `/api/user/${user.uuid}`);
    assert.equal((await call('DELETE', `/api/tenant/${uuid}`)).statusCode, 204);

    const admin = await call('DELETE', '/api/tenant/admin');
    assert.equal(admin.statusCode, 403);
    assert.deepEqual(admin.json(), { error: 'Cannot delete system default object' });
  });
});

describe('/api/user', () => {
  test('POST creates a user; the password is write-only and stored only as a hash', async () => {
    await createTenant(t, 'ops');
    const res = await call('POST', '/api/user', {
      username: 'alice',
      name: 'Alice',
      email: 'alice@example.com',
      password: 'alice-password-1',
      access: [{ tenant_ref: '/api/tenant?name=ops', role_ref: '/api/role/?name=Tenant-Admin' }],
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.match(body.uuid, /^user-[0-9a-f-]{36}$/);
    assert.equal(body.password, undefined);
    assert.equal(body.username, 'alice');
    assert.equal(body.name, 'Alice');
    assert.equal(body.is_superuser, false);
    assert.equal(body.is_active, true);
    const ops = (await call('GET', '/api/tenant?name=ops')).json().results[0].uuid;
    assert.equal(
      body.default_tenant_ref,
      `http://localhost:80/api/tenant/${ops}#ops`,
      'defaults to its tenant',
    );
    assert.equal(body.access.length, 1);
    assert.equal(body.access[0].tenant_ref, `http://localhost:80/api/tenant/${ops}#ops`);
    assert.match(body.access[0].role_ref, /^http:\/\/localhost:80\/api\/role\/role-[0-9a-f-]+#Tenant-Admin$/);
    assert.equal(body.access[0].all_tenants, false);

    for (const res2 of [
      await call('GET', `/api/user/${body.uuid}`),
      await call('GET', '/api/user?name=alice'),
    ]) {
      assert.equal(res2.statusCode, 200);
      assert.equal(res2.body.includes('alice-password-1'), false);
      assert.equal(res2.body.includes('password'), false);
    }
    const stored = await t.storage.users.getByUsername('alice');
    assert.ok(stored?.passwordHash.startsWith('scrypt$'));
    assert.equal(JSON.stringify(stored).includes('alice-password-1'), false);
    const me = await t.anonymous({
      method: 'GET',
      url: '/api/tenant',
      headers: { authorization: basicAuth('alice', 'alice-password-1') },
    });
    assert.equal(me.statusCode, 200);
  });

  test('roles are read-only: writes get 405 with Allow, reads work by uuid', async () => {
    const roles = (await call('GET', '/api/role')).json().results as { uuid: string; name: string }[];
    assert.deepEqual(roles.map((r) => r.name).sort(), [
      'Application-Operator',
      'System-Admin',
      'Tenant-Admin',
    ]);
    const one = await call('GET', `/api/role/${roles[0]!.uuid}`);
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().name, roles[0]!.name);
    const post = await call('POST', '/api/role', { name: 'Root' });
    assert.equal(post.statusCode, 405);
    assert.equal(String(post.headers.allow), 'GET, HEAD');
    assert.equal((await call('DELETE', `/api/role/${roles[0]!.uuid}`)).statusCode, 405);
  });

  test('references take every Avi form; unknown roles and tenants are a 400 naming the field', async () => {
    const ops = await createTenant(t, 'forms');
    const roles = (await call('GET', '/api/role')).json().results as { uuid: string; name: string }[];
    const operator = roles.find((r) => r.name === 'Application-Operator')!;
    const forms = [
      { tenant_ref: `http://localhost/api/tenant/${ops}`, role_ref: `/api/role/${operator.uuid}` },
      { tenant_ref: `/api/tenant/${ops}#forms`, role_ref: `https://h/api/role/${operator.uuid}#x` },
      { tenant_ref: '/api/tenant/?name=forms', role_ref: '/api/role?name=Application-Operator' },
    ];
    for (const [i, entry] of forms.entries()) {
      const res = await call('POST', '/api/user', {
        username: `forms-${i}`,
        password: 'forms-password',
        access: [entry],
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().access[0].tenant_ref, `http://localhost:80/api/tenant/${ops}#forms`);
    }
    const cases: [object, RegExp][] = [
      [
        { access: [{ tenant_ref: '/api/tenant/?name=forms', role_ref: '/api/role/?name=Root' }] },
        /access\[0\]\.role_ref.*Root/,
      ],
      [
        { access: [{ tenant_ref: '/api/tenant/?name=nope', role_ref: '/api/role/?name=Tenant-Admin' }] },
        /access\[0\]\.tenant_ref.*nope/,
      ],
      [{ access: [{ role_ref: '/api/role/?name=Tenant-Admin' }] }, /access\[0\]\.tenant_ref/],
      [{ default_tenant_ref: '/api/tenant/?name=nope' }, /default_tenant_ref/],
      [{ access: [{ tenant_ref: '/api/cloud/x', role_ref: '/api/role/?name=Tenant-Admin' }] }, /tenant_ref/],
    ];
    for (const [extra, pattern] of cases) {
      const res = await call('POST', '/api/user', {
        username: 'bad-refs',
        password: 'bad-refs-password',
        ...extra,
      });
      assert.equal(res.statusCode, 400, JSON.stringify(extra));
      assert.match(res.json().error, pattern);
    }
  });

  test('password rules, required fields and unique usernames', async () => {
    const weak = await call('POST', '/api/user', { username: 'weak', password: 'short' });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.json().error, /password/);
    const same = await call('POST', '/api/user', { username: 'samesame', password: 'samesame' });
    assert.equal(same.statusCode, 400);
    const none = await call('POST', '/api/user', { username: 'nopass' });
    assert.equal(none.statusCode, 400);
    assert.match(none.json().error, /password/);
    assert.equal((await call('POST', '/api/user', { password: 'no-username-1' })).statusCode, 400);
    await createUser(t, 'twin', []);
    const dup = await call('POST', '/api/user', { username: 'twin', password: 'twin-password-2' });
    assert.equal(dup.statusCode, 409);
  });

  test('a PUT without a password keeps it; an inactive user cannot log in', async () => {
    const u = await createUser(t, 'keeper', [{ role: 'Application-Operator', tenant: 'admin' }]);
    const put = await call('PUT', `/api/user/${u.uuid}`, {
      username: 'keeper',
      full_name: 'Keeper',
      access: [{ tenant_ref: '/api/tenant/admin', role_ref: '/api/role/?name=Application-Operator' }],
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().full_name, 'Keeper');
    const get = (authorization: string) =>
      t.anonymous({ method: 'GET', url: '/api/tenant', headers: { authorization } });
    assert.equal((await get(u.authorization)).statusCode, 200);
    const off = await call('PUT', `/api/user/${u.uuid}`, { username: 'keeper', is_active: false });
    assert.equal(off.statusCode, 200);
    assert.equal((await get(u.authorization)).statusCode, 401);
    const login = await t.anonymous({
      method: 'POST',
      url: '/login',
      headers: JSON_HEADERS,
      payload: { username: 'keeper', password: u.password },
    });
    assert.equal(login.statusCode, 401);
  });

  test('the admin user stays: not deleted, not demoted', async () => {
    const del = await call('DELETE', '/api/user/user-1');
    assert.equal(del.statusCode, 403);
    const demote = await call('PUT', '/api/user/user-1', { username: 'admin', is_superuser: false });
    assert.equal(demote.statusCode, 400);
    assert.equal((await call('GET', '/api/user/user-1')).json().is_superuser, true);
  });
});

describe('/api/role', () => {
  test('lists the built-in roles in the Role shape; by name and by uuid; read-only', async () => {
    const res = await call('GET', '/api/role');
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.count, 3);
    assert.deepEqual(
      body.results.map((r: { name: string }) => r.name),
      ['System-Admin', 'Tenant-Admin', 'Application-Operator'],
    );
    for (const r of body.results) {
      assert.match(r.uuid, /^role-[0-9a-f-]{36}$/);
      assert.equal(r.url, `http://localhost:80/api/role/${r.uuid}`);
      assert.equal(r.tenant_ref, 'http://localhost:80/api/tenant/admin');
      assert.ok(Array.isArray(r.privileges) && r.privileges.length > 0);
      for (const p of r.privileges) assert.match(p.type, /^(READ|WRITE)_ACCESS$/);
    }
    const byName = await call('GET', '/api/role/?name=Tenant-Admin');
    assert.equal(byName.json().count, 1);
    const uuid = byName.json().results[0].uuid;
    const one = await call('GET', `/api/role/${uuid}?include_name`);
    assert.equal(one.json().url, `http://localhost:80/api/role/${uuid}#Tenant-Admin`);
    assert.equal((await call('GET', '/api/role/role-nope')).statusCode, 404);
    assert.equal((await call('POST', '/api/role', { name: 'mine' })).statusCode, 405);
  });
});
