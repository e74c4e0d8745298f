// `--workers 2`: two server processes share the port and the run's database (on SQLite, one
// file that both lock). Requests are spread over both; concurrent writes to one object through
// both lose nothing; a session works whichever worker answers; a worker that dies is restarted;
// SIGTERM to the primary drains both workers and exits 0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createTestDatabase, type EmptyTestDatabase } from '../helpers/database.js';
import { eventually, startServer, stopServer, type ServerProcess } from './server-process.js';

const PASSWORD = 'workers-test-password';
const AUTH = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
const JSON_HEADERS = { authorization: AUTH, 'content-type': 'application/json', 'x-avi-version': '31.1.1' };

let db: EmptyTestDatabase;
let server: ServerProcess;
before(async () => {
  db = await createTestDatabase();
  // debug: every request is logged with the pid of the worker that served it.
  server = await startServer({ DATABASE_URL: db.url, ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'debug' }, [
    '--workers',
    '2',
  ]);
  assert.ok(await eventually(() => listening().length === 2), server.output());
});
after(async () => {
  await stopServer(server, 'SIGKILL');
  await db.close();
});

const listening = () => server.logs().filter((l) => /^Server listening/.test(String(l.msg)));
const workerPids = (): number[] =>
  server
    .logs()
    .filter((l) => /^started worker/.test(String(l.msg)))
    .map((l) => Number(l.workerPid));
function servedBy(): Set<number> {
  return new Set(
    server
      .logs()
      .filter((l) => l.msg === 'incoming request')
      .map((l) => Number(l.pid)),
  );
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: JSON_HEADERS,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

test('concurrent writes through both workers lose nothing', async () => {
  const created = await api('POST', '/api/upgradestatusinfo', { name: 'shared', node_type: 'NODE_SE_GROUP' });
  assert.equal(created.status, 201);
  const uuid = (created.json as { uuid: string }).uuid;

  const patches = await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      api('PATCH', `/api/upgradestatusinfo/${uuid}`, {
        add: { upgrade_events: [{ task_name: `task-${i}` }] },
      }),
    ),
  );
  assert.deepEqual(
    patches.map((p) => p.status),
    patches.map(() => 200),
  );
  const posts = await Promise.all(
    Array.from({ length: 40 }, (_, i) => api('POST', '/api/upgradestatusinfo', { name: `obj-${i}` })),
  );
  assert.deepEqual(
    posts.map((p) => p.status),
    posts.map(() => 201),
  );

  const read = await api('GET', `/api/upgradestatusinfo/${uuid}`);
  const events = (read.json as { upgrade_events: { task_name: string }[] }).upgrade_events;
  assert.equal(events.length, 60);
  assert.equal(new Set(events.map((e) => e.task_name)).size, 60);
  const list = await api('GET', '/api/upgradestatusinfo?page_size=1');
  assert.equal((list.json as { count: number }).count, 41);
  assert.ok(await eventually(() => servedBy().size === 2), `served by ${[...servedBy()].join(', ')}`);
});

test('a session opened through one worker is honoured by both', async () => {
  const login = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `username=admin&password=${PASSWORD}`,
  });
  assert.equal(login.status, 200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const before = server.logs().length;
  const statuses = await Promise.all(
    Array.from({ length: 30 }, () =>
      fetch(`${server.url}/api/upgradestatusinfo?page_size=1`, { headers: { cookie } }).then((r) => r.status),
    ),
  );
  assert.deepEqual(
    statuses,
    statuses.map(() => 200),
  );
  const pids = new Set(
    server
      .logs()
      .slice(before)
      .filter((l) => l.msg === 'incoming request')
      .map((l) => Number(l.pid)),
  );
  assert.equal(pids.size, 2, 'both workers answered with the one session');
});

test('a worker that dies is restarted; the port keeps answering meanwhile', async () => {
  const [first] = workerPids();
  assert.ok(first);
  process.kill(first, 'SIGKILL');
  assert.ok(await eventually(() => /died unexpectedly; restarting/.test(server.output())), server.output());
  assert.equal((await api('GET', '/api/initial-data')).status, 200); // the other worker answers
  assert.ok(await eventually(() => workerPids().length === 3 && listening().length === 3), server.output());
  const replacement = workerPids()[2]!;
  assert.notEqual(replacement, first);
  assert.equal((await api('GET', '/api/upgradestatusinfo?page_size=1')).status, 200);
});

test('SIGTERM to the primary: in-flight requests finish, workers stop, exit 0', async () => {
  const req = request({
    host: '127.0.0.1',
    port: server.port,
    path: '/api/upgradestatusinfo',
    method: 'POST',
    agent: false,
    headers: { ...JSON_HEADERS, expect: '100-continue' },
  });
  const answered = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  await new Promise<void>((resolve) => {
    req.once('continue', () => resolve());
    req.flushHeaders();
  });
  server.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  req.end(JSON.stringify({ name: 'during-shutdown' }));
  assert.equal(await answered, 201);
  assert.equal(await server.exited, 0, server.output());
  for (const pid of workerPids()) {
    assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} is gone`);
  }
  const storage = await db.open();
  const stored = await storage.upgradeStatus.list({
    tenant: null,
    filters: [{ op: 'eq', path: ['name'], value: 'during-shutdown' }],
    sort: [],
    offset: 0,
    limit: 1,
  });
  assert.equal(stored.count, 1);
});
