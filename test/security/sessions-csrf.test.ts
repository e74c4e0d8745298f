// Sessions and CSRF under attack: forged session cookies, sessions that expired, ended or belong
// to someone else, mixed cookies of two users, every write route without the right X-CSRFToken,
// and garbage Authorization headers. Each request goes through the harness's checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JSON_HEADERS } from '../helpers/app.js';
import { createUser, login, type TestSession } from '../helpers/auth.js';
import { runs } from '../helpers/arbitraries.js';
import { buildWorld, Hostile, type World } from './harness.js';

let world: World;
let hostile: Hostile;
before(async () => {
  world = await buildWorld();
  hostile = new Hostile(world);
});
after(async () => {
  await world.t.close();
});

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: object;
}

/** Every route that needs credentials, with a body that would succeed for alpha's Tenant-Admin. */
function routes(): Route[] {
  const obj = world.alpha.objects[0]!;
  return [
    { method: 'GET', url: '/api/upgradestatusinfo' },
    { method: 'GET', url: obj.url },
    { method: 'POST', url: '/api/upgradestatusinfo', payload: { name: 'csrf-made' } },
    { method: 'PUT', url: obj.url, payload: { name: obj.name, progress: 99 } },
    { method: 'PATCH', url: obj.url, payload: { replace: { progress: 98 } } },
    { method: 'DELETE', url: obj.url },
    { method: 'GET', url: '/api/tenant' },
    { method: 'POST', url: '/api/tenant', payload: { name: 'csrf-tenant' } },
    { method: 'PUT', url: `/api/tenant/${world.alpha.uuid}`, payload: { name: world.alpha.name } },
    { method: 'DELETE', url: `/api/tenant/${world.beta.uuid}` },
    { method: 'GET', url: '/api/user' },
    { method: 'POST', url: '/api/user', payload: { username: 'csrf-user', password: 'csrf-user-password' } },
    {
      method: 'PUT',
      url: `/api/user/${world.users.alphaOp.uuid}`,
      payload: { username: world.users.alphaOp.username },
    },
    { method: 'DELETE', url: `/api/user/${world.users.betaAdmin.uuid}` },
    { method: 'GET', url: '/api/role' },
    { method: 'POST', url: '/api/user-token', payload: { hours: 1 } },
    { method: 'GET', url: '/api/cluster/version' },
  ];
}

const writes = () => routes().filter((r) => r.method !== 'GET');

function send(route: Route, headers: Record<string, string>, label: string, viewer?: 'alpha') {
  return hostile.send({
    label: `${route.method} ${route.url} ${label}`,
    method: route.method,
    url: route.url,
    anonymous: true,
    headers: { ...JSON_HEADERS, ...headers },
    ...(route.payload ? { payload: route.payload } : {}),
    ...(viewer ? { viewer } : {}),
  });
}

const sessionId = fc.oneof(
  fc.stringMatching(/^[a-z0-9]{32}$/),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('None', 'null', '', '"', '""', '0'.repeat(32), 'A'.repeat(32), `${'a'.repeat(31)};`),
);
const cookieSafe = (s: string) => s.replace(/[;\r\n]/g, '');

test('forged session cookies: 401 on every route', async () => {
  const all = routes();
  await fc.assert(
    fc.asyncProperty(sessionId, fc.string({ maxLength: 40 }), fc.nat(all.length - 1), async (id, csrf, i) => {
      const cookie = `avi-sessionid=${cookieSafe(id)}; sessionid=${cookieSafe(id)}; csrftoken=${cookieSafe(csrf)}`;
      const res = await send(
        all[i]!,
        { cookie, 'x-csrftoken': cookieSafe(csrf) },
        `forged ${JSON.stringify(id)}`,
      );
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.json().error, 'Authentication credentials were not provided.');
    }),
    runs(150),
  );
});

/** The CSRF header values that must not pass for `s`. */
function wrongTokens(s: TestSession, other: TestSession): [string, Record<string, string>][] {
  return [
    ['no token', {}],
    ['an empty token', { 'x-csrftoken': '' }],
    ['a wrong token', { 'x-csrftoken': 'x'.repeat(32) }],
    ["another user's token", { 'x-csrftoken': other.csrf }],
    ['the token with a blank', { 'x-csrftoken': `${s.csrf} ` }],
    [
      'the token in other case',
      { 'x-csrftoken': s.csrf.toLowerCase() === s.csrf ? s.csrf.toUpperCase() : s.csrf.toLowerCase() },
    ],
    ['a prefix of the token', { 'x-csrftoken': s.csrf.slice(0, -1) }],
    ['the session id as token', { 'x-csrftoken': s.id }],
    ['a 1 MB token', { 'x-csrftoken': 'a'.repeat(1024 * 1024) }],
    ['the token in another header', { 'x-csrf-token': s.csrf, csrftoken: s.csrf }],
  ];
}

test('every write route without the right X-CSRFToken: 401, nothing changed', async () => {
  const s = world.sessions.alphaAdmin;
  const start = hostile.count;
  const cases = wrongTokens(s, world.sessions.betaAdmin);
  for (const route of [...writes(), { method: 'POST' as const, url: '/logout' }]) {
    for (const [label, headers] of cases) {
      const res = await send(route, { cookie: s.cookie, ...headers }, label, 'alpha');
      assert.equal(res.statusCode, 401, `${route.method} ${route.url} ${label}: ${res.body}`);
      assert.equal(res.json().error, 'CSRF token missing or incorrect.');
    }
  }
  assert.equal(hostile.count - start, (writes().length + 1) * cases.length);
  // The session is alive after all that (a refused logout ended nothing).
  const alive = await send(routes()[0]!, { cookie: s.cookie }, 'still alive', 'alpha');
  assert.equal(alive.statusCode, 200);
});

test('mixed cookies of two users never act for more than one of them', async () => {
  const a = world.sessions.alphaAdmin;
  const b = world.sessions.betaAdmin;
  const mixes: [string, string, string][] = [
    ['beta session, alpha token', `avi-sessionid=${b.id}; sessionid=${b.id}; csrftoken=${a.csrf}`, a.csrf],
    [
      'alpha then beta session, beta token',
      `avi-sessionid=${a.id}; sessionid=${b.id}; csrftoken=${b.csrf}`,
      b.csrf,
    ],
    ['forged then alpha, beta token', `avi-sessionid=${'f'.repeat(32)}; sessionid=${a.id}`, b.csrf],
    [
      'alpha twice, beta token in the cookie',
      `avi-sessionid=${a.id}; avi-sessionid=${a.id}; csrftoken=${b.csrf}`,
      b.csrf,
    ],
  ];
  for (const route of routes()) {
    for (const [label, cookie, csrf] of mixes) {
      const res = await send(
        route,
        { cookie, 'x-csrftoken': csrf },
        label,
        label.startsWith('beta') ? undefined : 'alpha',
      );
      if (route.method !== 'GET')
        assert.equal(res.statusCode, 401, `${route.method} ${route.url} ${label}: ${res.body}`);
    }
    // Alpha's session with beta's tenant: the tenant is alpha's to choose, and beta is not one of them.
    const res = await send(
      route,
      { cookie: a.cookie, 'x-csrftoken': a.csrf, 'x-avi-tenant': world.beta.name },
      'beta tenant',
      'alpha',
    );
    if (route.url.startsWith('/api/upgradestatusinfo')) assert.equal(res.statusCode, 403, res.body);
  }
});

test('a session after logout, password change, deletion or expiry: 401', async () => {
  const attempt = async (s: TestSession, label: string) => {
    for (const route of routes()) {
      const res = await send(route, { cookie: s.cookie, 'x-csrftoken': s.csrf }, label);
      assert.equal(res.statusCode, 401, `${route.method} ${route.url} ${label}: ${res.body}`);
    }
  };
  const { t, users } = world;
  const ended = await login(t, users.alphaOp.username, users.alphaOp.password);
  const out = await send(
    { method: 'POST', url: '/logout' },
    { cookie: ended.cookie, 'x-csrftoken': ended.csrf },
    'logout',
  );
  assert.equal(out.statusCode, 200);
  await attempt(ended, 'after logout');

  const changed = await login(t, users.alphaOp.username, users.alphaOp.password);
  const put = await hostile.send({
    label: 'password change',
    method: 'PUT',
    url: `/api/user/${users.alphaOp.uuid}`,
    headers: JSON_HEADERS,
    payload: {
      username: users.alphaOp.username,
      password: 'a-new-password-1',
      access: [
        {
          role_ref: '/api/role/?name=Application-Operator',
          tenant_ref: `/api/tenant/?name=${world.alpha.name}`,
        },
      ],
    },
  });
  assert.equal(put.statusCode, 200, put.body);
  t.clock.advance(2_000); // past the second other processes may trust a cached session
  await attempt(changed, 'after a password change');

  const doomed = await createUser(t, 'doomed-user', [{ role: 'Tenant-Admin', tenant: world.alpha.name }]);
  const orphan = await login(t, doomed.username, doomed.password);
  const del = await hostile.send({ label: 'delete user', method: 'DELETE', url: `/api/user/${doomed.uuid}` });
  assert.equal(del.statusCode, 204, del.body);
  await attempt(orphan, 'after the user was deleted');

  const expired = await login(t, users.alphaAdmin.username, users.alphaAdmin.password);
  t.clock.advance(16 * 60_000);
  await attempt(expired, 'after the idle timeout');
  await attempt(world.sessions.betaAdmin, 'an idle session of beta');
});

test('garbage Authorization headers: 401 (or the right user), never another', async () => {
  const auth = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }).map(cookieSafe),
    fc.string({ maxLength: 40 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
    fc.string({ maxLength: 40 }).map((s) => `Basic ${s}`),
    fc.constantFrom(
      'Basic',
      'Basic ',
      'Basic ====',
      'Bearer x',
      'Digest username="admin"',
      'Negotiate',
      `Basic ${Buffer.from('admin:').toString('base64')}`,
      `Basic ${Buffer.from(':x').toString('base64')}`,
      `Basic ${Buffer.from(`${world.users.betaAdmin.username}:wrong`).toString('base64')}`,
    ),
  );
  const all = routes();
  await fc.assert(
    fc.asyncProperty(auth, fc.nat(all.length - 1), async (authorization, i) => {
      const res = await send(
        all[i]!,
        { authorization, cookie: world.sessions.alphaAdmin.cookie },
        `authorization ${JSON.stringify(authorization)}`,
      );
      assert.equal(res.statusCode, 401, res.body);
    }),
    runs(150),
  );
});

test('logins with forged tokens and odd usernames: 401, no session', async () => {
  const creds = fc.record({
    username: fc.oneof(
      fc.constantFrom('admin', world.users.alphaAdmin.username, ''),
      fc.string({ maxLength: 20 }),
    ),
    token: fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), fc.string({ maxLength: 40 })),
  });
  await fc.assert(
    fc.asyncProperty(creds, async (body) => {
      const res = await send(
        { method: 'POST', url: '/login', payload: body },
        {},
        `login ${JSON.stringify(body)}`,
      );
      assert.ok([400, 401].includes(res.statusCode), res.body);
      assert.equal(res.headers['set-cookie'], undefined);
    }),
    runs(100),
  );
});

test('request count', async (ctx) => {
  ctx.diagnostic(`${hostile.count} generated requests checked`);
  await hostile.assertAlive();
  const r = routes().length;
  const w = writes().length + 1;
  // forged, CSRF (and the live check), mixed cookies, dead sessions, Authorization, logins
  assert.equal(hostile.count, 150 + (w * 10 + 1) + r * 5 + (r * 5 + 3) + 150 + 100);
});
