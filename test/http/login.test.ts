// Login, sessions, CSRF, logout, session expiry, user tokens and the first admin.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startTestApp, JSON_HEADERS, ADMIN_PASSWORD, sampleRecord, type TestApp } from '../helpers/app.js';
import { login, responseCookies, sessionOf } from '../helpers/auth.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('POST /login', () => {
  test('a form body (Python SDK) logs in: 200, the controller body, three cookies', async () => {
    const res = await t.anonymous({
      method: 'POST',
      url: '/login',
      headers: FORM,
      payload: `username=admin&password=${ADMIN_PASSWORD}`,
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.session_cookie_name, 'avi-sessionid');
    assert.deepEqual(body.controller, { api_idle_timeout: 15 });
    assert.equal(body.version.Version, '31.1.1');
    assert.equal(typeof body.version.min_version, 'number');
    assert.equal(body.user.username, 'admin');
    assert.equal(body.user.uuid, 'user-1');
    assert.equal(body.user.is_superuser, true);
    assert.equal(body.user.default_tenant_ref, 'http://localhost:80/api/tenant/admin');
    assert.deepEqual(
      body.tenants.map((x: { uuid: string; name: string; url: string; local: boolean }) => [
        x.uuid,
        x.name,
        x.url,
        x.local,
      ]),
      [['admin', 'admin', 'http://localhost:80/api/tenant/admin', true]],
    );
    assert.equal(JSON.stringify(body).includes(ADMIN_PASSWORD), false);

    const cookies = responseCookies(res);
    const sid = cookies.get('avi-sessionid');
    const legacy = cookies.get('sessionid');
    const csrf = cookies.get('csrftoken');
    assert.ok(sid && legacy && csrf);
    assert.match(sid.value, /^[a-z0-9]{32}$/);
    assert.equal(legacy.value, sid.value);
    assert.match(csrf.value, /^[A-Za-z0-9]{32}$/);
    for (const c of [sid, legacy]) {
      assert.equal(c.attributes.has('httponly'), true);
      assert.equal(c.attributes.get('path'), '/');
      assert.equal(c.attributes.get('max-age'), '86400');
      assert.equal(c.attributes.has('secure'), false, 'plain HTTP: not Secure');
    }
    assert.equal(csrf.attributes.has('httponly'), false, 'scripts read the CSRF token');
    assert.equal(csrf.attributes.get('path'), '/');
  });

  test('a JSON body (Go SDK) logs in, with the headers the Go SDK sends', async () => {
    const res = await t.anonymous({
      method: 'POST',
      url: '/login',
      headers: { ...JSON_HEADERS, 'x-avi-tenant': 'admin', referer: 'https://localhost/' },
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    assert.equal(res.statusCode, 200, res.body);
    const cookies = responseCookies(res);
    assert.ok(cookies.has('csrftoken') && cookies.has('avi-sessionid') && cookies.has('sessionid'));
  });

  test('a wrong password and an unknown user get the same 401 Invalid credentials', async () => {
    const wrong = await t.anonymous({
      method: 'POST',
      url: '/login',
      headers: FORM,
      payload: 'username=admin&password=not-the-password',
    });
    const unknown = await t.anonymous({
      method: 'POST',
      url: '/login',
      headers: FORM,
      payload: 'username=nobody-here&password=not-the-password',
    });
    for (const res of [wrong, unknown]) {
      assert.equal(res.statusCode, 401);
      assert.match(String(res.headers['content-type']), /application\/json/);
      assert.match(res.json().error, /Invalid credentials/);
      assert.equal(res.headers['set-cookie'], undefined);
    }
    assert.equal(wrong.body, unknown.body);
  });

  test('a body without username or password is a JSON 400', async () => {
    for (const payload of [{ password: 'x' }, { username: 'admin' }, { username: 'admin', password: 7 }]) {
      const res = await t.anonymous({ method: 'POST', url: '/login', headers: JSON_HEADERS, payload });
      assert.equal(res.statusCode, 400);
      assert.match(res.json().error, /username|password/);
    }
  });

  test('a session works for GET without a CSRF token; the session cookies come back when it slides', async () => {
    const s = await login(t, 'admin', ADMIN_PASSWORD);
    const res = await t.app.inject({ method: 'GET', url: '/api/upgradestatusinfo', headers: s.read });
    assert.equal(res.statusCode, 200, res.body);
    // Right after login nothing moved: the client keeps the cookies it has.
    assert.equal(res.headers['set-cookie'], undefined);
    // Minutes later the idle expiry slides, and the session cookies are sent again.
    t.clock.advance(5 * 60_000);
    const later = await t.app.inject({ method: 'GET', url: '/api/upgradestatusinfo', headers: s.read });
    assert.equal(later.statusCode, 200, later.body);
    const again = responseCookies(later);
    assert.equal(again.get('avi-sessionid')?.value, s.id);
    assert.equal(again.get('sessionid')?.value, s.id);
    assert.equal(again.get('avi-sessionid')?.attributes.has('httponly'), true);
  });

  test('without credentials the API is a JSON 401; initial-data and cluster/status stay open', async () => {
    for (const url of [
      '/api/upgradestatusinfo',
      '/api/tenant',
      '/api/user',
      '/api/role',
      '/api/cluster/version',
    ]) {
      const res = await t.anonymous({ method: 'GET', url });
      assert.equal(res.statusCode, 401, url);
      assert.deepEqual(res.json(), { error: 'Authentication credentials were not provided.' });
    }
    const post = await t.anonymous({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: JSON_HEADERS,
      payload: { name: 'no-auth' },
    });
    assert.equal(post.statusCode, 401);
    for (const url of ['/api/initial-data', '/api/cluster/status']) {
      assert.equal((await t.anonymous({ method: 'GET', url })).statusCode, 200, url);
    }
  });

  test('an unknown session cookie is a 401, as the controller answers a stale one', async () => {
    const res = await t.anonymous({
      method: 'GET',
      url: '/api/upgradestatusinfo',
      headers: { cookie: 'avi-sessionid=abcdefghijklmnopqrstuvwxyz012345; sessionid=None' },
    });
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), { error: 'Authentication credentials were not provided.' });
  });
});

describe('CSRF', () => {
  test('POST, PUT, PATCH and DELETE with the session token are accepted', async () => {
    const s = await login(t, 'admin', ADMIN_PASSWORD);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: s.write,
      payload: sampleRecord({ name: 'csrf-ok' }),
    });
    assert.equal(created.statusCode, 201, created.body);
    const url = `/api/upgradestatusinfo/${created.json().uuid}`;
    const put = await t.app.inject({ method: 'PUT', url, headers: s.write, payload: { name: 'csrf-ok' } });
    assert.equal(put.statusCode, 200, put.body);
    const patch = await t.app.inject({
      method: 'PATCH',
      url,
      headers: s.write,
      payload: { replace: { progress: 5 } },
    });
    assert.equal(patch.statusCode, 200, patch.body);
    const del = await t.app.inject({ method: 'DELETE', url, headers: s.write });
    assert.equal(del.statusCode, 204);
  });

  test('a missing or wrong token is 401 CSRF token missing or incorrect., and nothing changes', async () => {
    const s = await login(t, 'admin', ADMIN_PASSWORD);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: s.write,
      payload: { name: 'csrf-target' },
    });
    const url = `/api/upgradestatusinfo/${created.json().uuid}`;
    const other = await login(t, 'admin', ADMIN_PASSWORD);
    const attempts: [string, string, object | undefined][] = [
      ['POST', '/api/upgradestatusinfo', { name: 'csrf-refused' }],
      ['PUT', url, { name: 'csrf-changed' }],
      ['PATCH', url, { replace: { name: 'csrf-changed' } }],
      ['DELETE', url, undefined],
    ];
    for (const token of [undefined, 'wrong', other.csrf]) {
      for (const [method, path, payload] of attempts) {
        const headers: Record<string, string> = { ...JSON_HEADERS, cookie: s.cookie };
        if (token !== undefined) headers['x-csrftoken'] = token;
        const res = await t.app.inject({
          method: method as 'POST',
          url: path,
          headers,
          payload: payload as object,
        });
        assert.equal(res.statusCode, 401, `${method} with ${token}`);
        assert.deepEqual(res.json(), { error: 'CSRF token missing or incorrect.' });
      }
    }
    const after = await t.app.inject({ method: 'GET', url, headers: s.read });
    assert.equal(after.json().name, 'csrf-target');
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/upgradestatusinfo?name=csrf-refused',
      headers: s.read,
    });
    assert.equal(list.json().count, 0);
  });

  test('cookies duplicated in one Cookie header (Python SDK) work, also with a stale one first', async () => {
    const s = await login(t, 'admin', ADMIN_PASSWORD);
    const dup = `avi-sessionid=${s.id}; csrftoken=${s.csrf}; sessionid=${s.id}; avi-sessionid=${s.id}; csrftoken=${s.csrf}; sessionid=${s.id}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: { ...JSON_HEADERS, cookie: dup, 'x-csrftoken': s.csrf, referer: 'https://localhost' },
      payload: { name: 'dup-cookies' },
    });
    assert.equal(res.statusCode, 201, res.body);
    const stale = `avi-sessionid=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz; csrftoken=old; sessionid=${s.id}; csrftoken=${s.csrf}`;
    const get = await t.app.inject({
      method: 'GET',
      url: '/api/upgradestatusinfo',
      headers: { cookie: stale },
    });
    assert.equal(get.statusCode, 200);
  });
});

describe('logout', () => {
  test('POST /logout ends the session and clears the cookies; it is idempotent', async () => {
    const s = await login(t, 'admin', ADMIN_PASSWORD);
    const refused = await t.app.inject({ method: 'POST', url: '/logout', headers: { cookie: s.cookie } });
    assert.equal(refused.statusCode, 401, 'logout needs the CSRF token too');
    const out = await t.app.inject({ method: 'POST', url: '/logout', headers: s.write, payload: '' });
    assert.equal(out.statusCode, 200);
    const cleared = responseCookies(out);
    for (const name of ['avi-sessionid', 'sessionid', 'csrftoken']) {
      assert.equal(cleared.get(name)?.attributes.get('max-age'), '0', name);
    }
    const res = await t.app.inject({ method: 'GET', url: '/api/upgradestatusinfo', headers: s.read });
    assert.equal(res.statusCode, 401);
    const again = await t.app.inject({ method: 'POST', url: '/logout', headers: s.write });
    assert.equal(again.statusCode, 200);
  });
});

describe('session expiry', () => {
  test('an idle session expires after the idle timeout; activity slides it', async () => {
    const s = await login(t, 'admin', ADMIN_PASSWORD);
    const get = () => t.app.inject({ method: 'GET', url: '/api/upgradestatusinfo', headers: s.read });
    // Active every 10 minutes for an hour: never idle for 15.
    for (let i = 0; i < 6; i++) {
      t.clock.advance(10 * 60_000);
      assert.equal((await get()).statusCode, 200, `after ${(i + 1) * 10} minutes`);
    }
    t.clock.advance(15 * 60_000 + 1000);
    const expired = await get();
    assert.equal(expired.statusCode, 401);
    t.clock.advance(-(15 * 60_000 + 1000));
    assert.equal((await get()).statusCode, 401, 'an expired session is gone for good');
  });

  test('a session ends after its absolute lifetime, however active', async () => {
    const s = await login(t, 'admin', ADMIN_PASSWORD);
    const get = () => t.app.inject({ method: 'GET', url: '/api/upgradestatusinfo', headers: s.read });
    // Active every 10 minutes until 23 h 50 min after login...
    for (let step = 0; step < 143; step++) {
      t.clock.advance(10 * 60_000);
      assert.equal((await get()).statusCode, 200);
    }
    // ...then 11 minutes later (well within the idle timeout) the 24 hours are over.
    t.clock.advance(11 * 60_000);
    assert.equal((await get()).statusCode, 401);
  });

  test('both timeouts follow the configuration', async () => {
    const short = await startTestApp({ SESSION_IDLE_MINUTES: '1', SESSION_MAX_HOURS: '1' });
    try {
      const s = await login(short, 'admin', ADMIN_PASSWORD);
      assert.equal(s.login.json().controller.api_idle_timeout, 1);
      assert.equal(responseCookies(s.login).get('avi-sessionid')?.attributes.get('max-age'), '3600');
      short.clock.advance(59_000);
      const ok = await short.app.inject({ method: 'GET', url: '/api/tenant', headers: s.read });
      assert.equal(ok.statusCode, 200);
      short.clock.advance(61_000);
      const gone = await short.app.inject({ method: 'GET', url: '/api/tenant', headers: s.read });
      assert.equal(gone.statusCode, 401);
    } finally {
      await short.close();
    }
  });
});

describe('user tokens', () => {
  test('POST /api/user-token issues a token usable as `token` at login until it expires', async () => {
    for (const hours of ['2', 2]) {
      const issued = await t.app.inject({
        method: 'POST',
        url: '/api/user-token',
        headers: JSON_HEADERS,
        payload: { hours },
      });
      assert.equal(issued.statusCode, 200, issued.body);
      const { token } = issued.json();
      assert.match(token, /^[0-9a-f]{40}$/);
      const form = await t.anonymous({
        method: 'POST',
        url: '/login',
        headers: FORM,
        payload: `username=admin&token=${token}`,
      });
      assert.equal(form.statusCode, 200, form.body);
      const s = sessionOf(form);
      const get = await t.app.inject({ method: 'GET', url: '/api/upgradestatusinfo', headers: s.read });
      assert.equal(get.statusCode, 200);
      t.clock.advance(2 * 3_600_000 + 1000);
      const late = await t.anonymous({
        method: 'POST',
        url: '/login',
        headers: JSON_HEADERS,
        payload: { username: 'admin', token },
      });
      assert.equal(late.statusCode, 401);
      assert.match(late.json().error, /Invalid credentials/);
    }
  });

  test('a token is not a password, and bad hours are a 400 naming the field', async () => {
    const wrong = await t.anonymous({
      method: 'POST',
      url: '/login',
      headers: JSON_HEADERS,
      payload: { username: 'admin', token: 'f'.repeat(40) },
    });
    assert.equal(wrong.statusCode, 401);
    for (const hours of ['two', -1, 0, '1e9']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/user-token',
        headers: JSON_HEADERS,
        payload: { hours },
      });
      assert.equal(res.statusCode, 400, String(hours));
      assert.match(res.json().error, /hours/);
    }
  });
});

describe('the first admin', () => {
  test('ADMIN_PASSWORD sets the password of the admin created on an empty store', async () => {
    const res = await t.anonymous({
      method: 'POST',
      url: '/login',
      headers: JSON_HEADERS,
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    assert.equal(res.statusCode, 200);
    const users = await t.storage.users.list();
    assert.deepEqual(
      users.map((u) => u.username),
      ['admin'],
    );
    assert.match(users[0]?.passwordHash ?? '', /^scrypt\$\d+\$\d+\$\d+\$[^$]+\$[^$]+$/);
    assert.equal(users[0]?.passwordHash.includes(ADMIN_PASSWORD), false);
  });

  test('without ADMIN_PASSWORD a random password is logged once, and works', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const fresh = await startTestApp({ ADMIN_PASSWORD: '' }, { logger: { level: 'info', stream } });
    try {
      const announced = lines.filter((l) => l.includes('generated password'));
      assert.equal(announced.length, 1);
      const password = /generated password (\S+)/.exec(JSON.parse(announced[0] as string).msg)?.[1] ?? '';
      assert.match(password, /^[A-Za-z0-9]{24}$/);
      const s = await login(fresh, 'admin', password);
      assert.equal(s.login.json().user.username, 'admin');
      // A second start on the same store creates nothing and shows nothing.
      const { buildApp } = await import('../../src/http/app.js');
      const again = await buildApp({
        config: fresh.config,
        storage: fresh.storage,
        logger: { level: 'info', stream },
      });
      await again.close();
      assert.equal(lines.filter((l) => l.includes('generated password')).length, 1);
      assert.equal(await fresh.storage.users.count(), 1);
    } finally {
      await fresh.close();
    }
  });
});
