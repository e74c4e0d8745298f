// Repeated failed logins are refused for a while (429), per username and per address, and the
// real user gets in again once the lockout is over.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, basicAuth, JSON_HEADERS, ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import { createUser } from '../helpers/auth.js';

let t: TestApp;
before(async () => {
  t = await startTestApp({
    LOGIN_MAX_FAILURES: '3',
    LOGIN_MAX_FAILURES_PER_ADDRESS: '6',
    LOGIN_LOCKOUT_SECONDS: '60',
  });
});
after(async () => {
  await t.close();
});

const attempt = (username: string, password: string, remoteAddress = '10.0.0.1') =>
  t.anonymous({
    method: 'POST',
    url: '/login',
    headers: JSON_HEADERS,
    payload: { username, password },
    remoteAddress,
  });

test('a username is locked out after repeated failures, then gets in again', async () => {
  const user = await createUser(t, 'victim', [{ role: 'Application-Operator', tenant: 'admin' }]);
  for (let i = 0; i < 3; i++)
    assert.equal((await attempt('victim', 'guess-' + i, `10.1.0.${i}`)).statusCode, 401);
  // Locked: even the right password, from another address, is refused without being checked.
  const locked = await attempt('victim', user.password, '10.1.0.99');
  assert.equal(locked.statusCode, 429);
  assert.match(String(locked.headers['content-type']), /application\/json/);
  assert.match(locked.json().error, /Too many failed logins/);
  assert.equal(locked.headers['retry-after'], '60');
  // Basic auth is throttled the same way.
  const basic = await t.anonymous({
    method: 'GET',
    url: '/api/upgradestatusinfo',
    headers: { authorization: user.authorization },
    remoteAddress: '10.1.0.98',
  });
  assert.equal(basic.statusCode, 429);
  // Other users are not affected.
  assert.equal((await attempt('admin', ADMIN_PASSWORD, '10.1.0.97')).statusCode, 200);

  t.clock.advance(61_000);
  assert.equal((await attempt('victim', user.password, '10.1.0.99')).statusCode, 200);
});

test('an unknown username is throttled exactly like a real one', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await attempt('ghost', 'guess', `10.2.0.${i}`)).statusCode, 401);
  const res = await attempt('ghost', 'guess', '10.2.0.50');
  assert.equal(res.statusCode, 429);
  t.clock.advance(61_000);
});

test('an address is locked out after repeated failures across usernames', async () => {
  const address = '10.3.0.1';
  for (let i = 0; i < 6; i++) assert.equal((await attempt(`someone-${i}`, 'guess', address)).statusCode, 401);
  assert.equal((await attempt('admin', ADMIN_PASSWORD, address)).statusCode, 429);
  assert.equal(
    (await attempt('admin', ADMIN_PASSWORD, '10.3.0.2')).statusCode,
    200,
    'other addresses may log in',
  );
  t.clock.advance(61_000);
  assert.equal((await attempt('admin', ADMIN_PASSWORD, address)).statusCode, 200);
});

test('wrong Basic credentials count as failed logins', async () => {
  const user = await createUser(t, 'basic-victim', [{ role: 'Application-Operator', tenant: 'admin' }]);
  const get = (authorization: string) =>
    t.anonymous({ method: 'GET', url: '/api/tenant', headers: { authorization }, remoteAddress: '10.4.0.1' });
  for (let i = 0; i < 3; i++) assert.equal((await get(basicAuth('basic-victim', 'nope'))).statusCode, 401);
  assert.equal((await get(user.authorization)).statusCode, 429);
  t.clock.advance(61_000);
  assert.equal((await get(user.authorization)).statusCode, 200);
});
