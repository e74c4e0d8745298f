// Authorization: Basic, its cache, and its interplay with cookies and CSRF.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/http/app.js';
import { STAMP_RECHECK_MS } from '../../src/services/auth-service.js';
import {
  startTestApp,
  basicAuth,
  JSON_HEADERS,
  ADMIN_PASSWORD,
  TEST_SCRYPT,
  type TestApp,
} from '../helpers/app.js';
import { createTenant, createUser, login } from '../helpers/auth.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
  await createTenant(t, 'basic-t1');
});
after(async () => {
  await t.close();
});

const ADMIN = basicAuth('admin', ADMIN_PASSWORD);

describe('Basic auth', () => {
  test('is accepted on reads and writes, without any CSRF token (the seed curl example)', async () => {
    const post = await t.anonymous({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: { ...JSON_HEADERS, authorization: ADMIN },
      payload: { name: 'basic-created' },
    });
    assert.equal(post.statusCode, 201, post.body);
    const get = await t.anonymous({
      method: 'GET',
      url: `/api/upgradestatusinfo/${post.json().uuid}`,
      headers: { authorization: ADMIN },
    });
    assert.equal(get.statusCode, 200);
    assert.equal(get.headers['set-cookie'], undefined, 'Basic auth opens no session');
  });

  test('decides alone: cookies (even None or stale) and a missing CSRF token are ignored', async () => {
    const s = await login(t, 'admin', ADMIN_PASSWORD);
    for (const cookie of ['avi-sessionid=None; sessionid=None', s.cookie, 'avi-sessionid=garbage']) {
      const res = await t.anonymous({
        method: 'POST',
        url: '/api/upgradestatusinfo',
        headers: { ...JSON_HEADERS, authorization: ADMIN, cookie },
        payload: {},
      });
      assert.equal(res.statusCode, 201, `${cookie}: ${res.body}`);
    }
    // A wrong password is refused even when a valid session cookie comes with it.
    const wrong = await t.anonymous({
      method: 'GET',
      url: '/api/upgradestatusinfo',
      headers: { authorization: basicAuth('admin', 'wrong-password'), cookie: s.cookie },
    });
    assert.equal(wrong.statusCode, 401);
  });

  test('a wrong password, an unknown user or a malformed header is a JSON 401', async () => {
    const cases = [
      basicAuth('admin', 'wrong-password'),
      basicAuth('nobody', 'wrong-password'),
      'Basic !!!not-base64!!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
    ];
    for (const authorization of cases) {
      const res = await t.anonymous({
        method: 'GET',
        url: '/api/upgradestatusinfo',
        headers: { authorization },
      });
      assert.equal(res.statusCode, 401, authorization);
      assert.match(String(res.headers['content-type']), /application\/json/);
      assert.deepEqual(res.json(), { error: 'Invalid credentials' });
    }
    const bearer = await t.anonymous({
      method: 'GET',
      url: '/api/upgradestatusinfo',
      headers: { authorization: 'Bearer abc' },
    });
    assert.equal(bearer.statusCode, 401);
    assert.match(bearer.json().error, /Bearer/);
  });

  test('verified credentials are kept briefly: no password hash per request', async () => {
    const user = await createUser(t, 'cached', [{ role: 'Tenant-Admin', tenant: 'basic-t1' }]);
    const get = () =>
      t.anonymous({
        method: 'GET',
        url: '/api/upgradestatusinfo',
        headers: { authorization: user.authorization },
      });
    assert.equal((await get()).statusCode, 200);
    // Break the stored hash behind the server's back (the password version stays): requests
    // within the cache period never look at it, so they still pass...
    await t.database.exec(`UPDATE auth_user SET password_hash = 'scrypt$broken' WHERE username = 'cached'`);
    for (let i = 0; i < 3; i++) assert.equal((await get()).statusCode, 200);
    // ...and once the cached entry has aged out, the password is checked again.
    t.clock.advance(61_000);
    assert.equal((await get()).statusCode, 401);
  });

  test('a password change drops cached credentials: at once in its process, within a second in another', async () => {
    const user = await createUser(t, 'changer', [{ role: 'Tenant-Admin', tenant: 'basic-t1' }]);
    // A second app on its own connection to the same database stands in for a second process.
    const storage2 = await t.database.open();
    const app2 = await buildApp({ config: t.config, storage: storage2, scrypt: TEST_SCRYPT });
    try {
      const getOn = (app: typeof app2, authorization: string) =>
        app.inject({ method: 'GET', url: '/api/upgradestatusinfo', headers: { authorization } });
      assert.equal((await getOn(t.app, user.authorization)).statusCode, 200);
      assert.equal((await getOn(app2, user.authorization)).statusCode, 200);
      const s = await login(t, 'changer', user.password);

      const newPassword = 'changer-new-password';
      const put = await app2.inject({
        method: 'PUT',
        url: `/api/user/${user.uuid}`,
        headers: { ...JSON_HEADERS, authorization: ADMIN },
        payload: {
          username: 'changer',
          password: newPassword,
          access: [{ role_ref: '/api/role/?name=Tenant-Admin', tenant_ref: '/api/tenant/?name=basic-t1' }],
        },
      });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal(put.json().password, undefined, 'the password is never returned');

      // app2 made the change: its cache is dropped at once.
      assert.equal((await getOn(app2, user.authorization)).statusCode, 401);
      // t.app learns it from the user's stamp, which it re-reads at most once per STAMP_RECHECK_MS.
      t.clock.advance(STAMP_RECHECK_MS);
      assert.equal((await getOn(t.app, user.authorization)).statusCode, 401);
      assert.equal((await getOn(t.app, basicAuth('changer', newPassword))).statusCode, 200);
      const viaSession = await t.app.inject({
        method: 'GET',
        url: '/api/upgradestatusinfo',
        headers: s.read,
      });
      assert.equal(viaSession.statusCode, 401, 'sessions opened with the old password end too');
    } finally {
      await app2.close();
      await storage2.close();
    }
  });

  test('a deleted user is refused at once, by Basic auth and by session', async () => {
    const user = await createUser(t, 'leaver', [{ role: 'Tenant-Admin', tenant: 'basic-t1' }]);
    const s = await login(t, 'leaver', user.password);
    const get = (headers: Record<string, string>) =>
      t.anonymous({ method: 'GET', url: '/api/upgradestatusinfo', headers });
    assert.equal((await get({ authorization: user.authorization })).statusCode, 200);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/user/${user.uuid}` });
    assert.equal(del.statusCode, 204);
    assert.equal((await get({ authorization: user.authorization })).statusCode, 401);
    assert.equal((await get(s.read)).statusCode, 401);
  });

  test('BASIC_AUTH=off refuses Basic auth (401) while login keeps working', async () => {
    const off = await startTestApp({ BASIC_AUTH: 'off' });
    try {
      const res = await off.anonymous({
        method: 'GET',
        url: '/api/upgradestatusinfo',
        headers: { authorization: ADMIN },
      });
      assert.equal(res.statusCode, 401);
      assert.match(res.json().error, /Basic authentication is disabled/);
      const s = await login(off, 'admin', ADMIN_PASSWORD);
      const viaSession = await off.app.inject({
        method: 'GET',
        url: '/api/upgradestatusinfo',
        headers: s.read,
      });
      assert.equal(viaSession.statusCode, 200);
    } finally {
      await off.close();
    }
  });
});
