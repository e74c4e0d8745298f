// When the database goes away under a running app (here: its real Storage is closed, so every
// query fails for real; the same for either database of the run), every request that needs it
// is answered at once with 503 and the JSON error body, never a 500, a hang or a crash, and
// /api/cluster/status reports the database down with 503 (not ready), keeping its shape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import {
  ADMIN_PASSWORD,
  JSON_HEADERS,
  VERSION_HEADERS,
  sampleRecord,
  startTestApp,
  type TestApp,
} from '../helpers/app.js';
import { login, type TestSession } from '../helpers/auth.js';

let t: TestApp;
let session: TestSession;
let uuid: string;
before(async () => {
  t = await startTestApp();
  session = await login(t, 'admin', ADMIN_PASSWORD);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/upgradestatusinfo',
    headers: JSON_HEADERS,
    payload: sampleRecord(),
  });
  assert.equal(created.statusCode, 201);
  uuid = created.json().uuid;
  const status = await t.anonymous({ method: 'GET', url: '/api/cluster/status' });
  assert.equal(status.statusCode, 200);
  assert.equal(status.json().database.up, true);
  await t.storage.close(); // the database is gone from here on
});
after(() => t.close());

/** Injects with a bound: a hang fails the test instead of stalling it. */
async function within(ms: number, opts: InjectOptions, anonymous = false) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${opts.method} ${opts.url} hung`)), ms);
  });
  try {
    return await Promise.race([anonymous ? t.anonymous(opts) : t.app.inject(opts), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function assert503(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  what: string,
) {
  assert.equal(res.statusCode, 503, `${what}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.deepEqual(JSON.parse(res.body), { error: 'Database unavailable, try again shortly.' }, what);
  assert.equal(res.headers['retry-after'], '5', what);
}

test('every API call that needs the database answers 503 with the JSON error', async () => {
  const path = `/api/upgradestatusinfo/${uuid}`;
  const calls: InjectOptions[] = [
    { method: 'GET', url: '/api/upgradestatusinfo', headers: VERSION_HEADERS },
    { method: 'GET', url: path, headers: VERSION_HEADERS },
    {
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: JSON_HEADERS,
      payload: sampleRecord({ name: 'n' }),
    },
    { method: 'PUT', url: path, headers: JSON_HEADERS, payload: sampleRecord() },
    { method: 'PATCH', url: path, headers: JSON_HEADERS, payload: { replace: { progress: 50 } } },
    { method: 'DELETE', url: path, headers: VERSION_HEADERS },
    { method: 'GET', url: '/api/tenant', headers: VERSION_HEADERS },
    { method: 'POST', url: '/api/tenant', headers: JSON_HEADERS, payload: { name: 't-loss' } },
    { method: 'GET', url: '/api/user', headers: VERSION_HEADERS },
  ];
  for (const call of calls) assert503(await within(3000, call), `${call.method} ${call.url}`);
});

test('logging in, a session cookie and logging out answer 503 too', async () => {
  const loginRes = await within(
    3000,
    {
      method: 'POST',
      url: '/login',
      headers: JSON_HEADERS,
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    },
    true,
  );
  assert503(loginRes, 'login');
  assert503(
    await within(
      3000,
      { method: 'GET', url: '/api/upgradestatusinfo', headers: { ...VERSION_HEADERS, ...session.read } },
      true,
    ),
    'session read',
  );
  assert503(await within(3000, { method: 'POST', url: '/logout', headers: session.write }, true), 'logout');
});

test('/api/cluster/status: 503, not ready, with the database reported down', async () => {
  const res = await within(3000, { method: 'GET', url: '/api/cluster/status' }, true);
  assert.equal(res.statusCode, 503);
  const body = res.json();
  assert.equal(body.database.up, false);
  assert.equal(body.cluster_state.state, 'CLUSTER_STARTING');
  assert.equal(body.node_info.state, 'CLUSTER_STARTING');
  assert.match(body.node_info.cluster_uuid, /^cluster-/);
});

test('calls that need no database still answer', async () => {
  const res = await within(3000, { method: 'GET', url: '/api/initial-data', headers: VERSION_HEADERS }, true);
  assert.equal(res.statusCode, 200);
  assert.equal((await within(3000, { method: 'GET', url: '/api/nope' })).statusCode, 404);
});
