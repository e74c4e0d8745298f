// Two independent server processes on one database (as behind a load balancer): a client logs in
// through the first and goes on through the second with the same cookies, and 100 concurrent
// `add`s to one object, spread over both processes, leave exactly 100 entries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type EmptyTestDatabase } from '../helpers/database.js';
import { startServer, stopServer, type ServerProcess } from './server-process.js';

const PASSWORD = 'two-servers-password';

let db: EmptyTestDatabase;
let first: ServerProcess;
let second: ServerProcess;
before(async () => {
  db = await createTestDatabase();
  const env = { DATABASE_URL: db.url, ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' };
  first = await startServer(env); // migrates and creates the first admin
  second = await startServer(env);
});
after(async () => {
  await Promise.all([stopServer(first, 'SIGKILL'), stopServer(second, 'SIGKILL')]);
  await db.close();
});

/** Logs in like the Python SDK and returns the headers its later requests carry. */
async function login(server: ServerProcess): Promise<Record<string, string>> {
  const res = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0] as string);
  const csrf = cookies.find((c) => c.startsWith('csrftoken='))?.slice('csrftoken='.length) ?? '';
  assert.notEqual(csrf, '');
  return {
    cookie: cookies.join('; '),
    'x-csrftoken': csrf,
    'content-type': 'application/json',
    'x-avi-version': '31.1.1',
  };
}

test('logged in through the first process, a client writes through the second', async () => {
  const session = await login(first);
  const created = await fetch(`${second.url}/api/upgradestatusinfo`, {
    method: 'POST',
    headers: { ...session, referer: second.url },
    body: JSON.stringify({ name: 'across', node_type: 'NODE_SE_GROUP' }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { uuid } = (await created.json()) as { uuid: string };
  const read = await fetch(`${first.url}/api/upgradestatusinfo/${uuid}`, { headers: session });
  assert.equal(read.status, 200);
  assert.equal(((await read.json()) as { name: string }).name, 'across');
  // Logging out through the second ends the session on the first too, once the first's
  // one-second cache of checked sessions has lapsed (README: sessions).
  const out = await fetch(`${second.url}/logout`, {
    method: 'POST',
    headers: { ...session, referer: second.url },
  });
  assert.ok(out.status < 300, `logout answered ${out.status}`);
  await new Promise((r) => setTimeout(r, 1100));
  const after = await fetch(`${first.url}/api/upgradestatusinfo/${uuid}`, { headers: session });
  assert.equal(after.status, 401);
});

test('100 concurrent adds to one object through both processes leave exactly 100 entries', async () => {
  const session = await login(first);
  const created = await fetch(`${first.url}/api/upgradestatusinfo`, {
    method: 'POST',
    headers: { ...session, referer: first.url },
    body: JSON.stringify({ name: 'contended', node_type: 'NODE_SE_GROUP' }),
  });
  assert.equal(created.status, 201);
  const { uuid } = (await created.json()) as { uuid: string };
  const statuses = await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      const server = i % 2 === 0 ? first : second;
      const res = await fetch(`${server.url}/api/upgradestatusinfo/${uuid}`, {
        method: 'PATCH',
        headers: { ...session, referer: server.url },
        body: JSON.stringify({ add: { upgrade_events: [{ task_name: `task-${i}` }] } }),
      });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  assert.deepEqual(
    statuses.filter((s) => s !== 200),
    [],
  );
  const read = await fetch(`${second.url}/api/upgradestatusinfo/${uuid}`, { headers: session });
  const events = ((await read.json()) as { upgrade_events?: { task_name: string }[] }).upgrade_events ?? [];
  assert.equal(events.length, 100);
  assert.deepEqual(
    events.map((e) => e.task_name).sort(),
    Array.from({ length: 100 }, (_, i) => `task-${i}`).sort(),
  );
});
