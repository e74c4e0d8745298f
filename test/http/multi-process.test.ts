// Two real server processes on one database (the run's SQLite file or PostgreSQL database): a
// session opened through one is honoured by the other (sessions live in the store, not in
// memory), and logging out through either ends it.
// A third process on an empty store shows its generated admin password once, in the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type EmptyTestDatabase } from '../helpers/database.js';
import { freePort } from '../server/server-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PASSWORD = 'multi-process-password';
const databases: EmptyTestDatabase[] = [];

async function newDatabaseUrl(): Promise<string> {
  const db = await createTestDatabase();
  databases.push(db);
  return db.url;
}

interface Server {
  url: string;
  child: ChildProcess;
  output: () => string;
}

const servers: Server[] = [];

/** Starts `node --import tsx src/main.ts` and waits until /api/initial-data answers. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...env,
  };
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const server = { url: `http://127.0.0.1:${port}`, child, output: () => output };
  servers.push(server);
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${output}`);
    try {
      if ((await fetch(`${server.url}/api/initial-data`)).status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start: ${output}`);
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

let a: Server;
let b: Server;
before(async () => {
  const env = { DATABASE_URL: await newDatabaseUrl(), ADMIN_PASSWORD: PASSWORD };
  a = await startServer(env);
  b = await startServer(env);
});
after(async () => {
  await Promise.all(servers.map(stop));
  for (const db of databases) await db.close();
});

test('a session opened on one process is honoured by another; logout ends it on both', async () => {
  const login = await fetch(`${a.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `username=admin&password=${PASSWORD}`,
  });
  assert.equal(login.status, 200);
  const cookies = new Map(
    login.headers.getSetCookie().map((c) => {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), pair.slice(eq + 1)] as const;
    }),
  );
  const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrf = cookies.get('csrftoken') ?? '';

  const read = await fetch(`${b.url}/api/upgradestatusinfo`, { headers: { cookie } });
  assert.equal(read.status, 200);
  const created = await fetch(`${b.url}/api/upgradestatusinfo`, {
    method: 'POST',
    headers: {
      cookie,
      'x-csrftoken': csrf,
      'content-type': 'application/json',
      'x-avi-version': '31.1.1',
      referer: b.url,
    },
    body: JSON.stringify({ name: 'made-on-b' }),
  });
  assert.equal(created.status, 201);
  const uuid = ((await created.json()) as { uuid: string }).uuid;
  const seenOnA = await fetch(`${a.url}/api/upgradestatusinfo/${uuid}`, { headers: { cookie } });
  assert.equal(seenOnA.status, 200);

  const out = await fetch(`${b.url}/logout`, { method: 'POST', headers: { cookie, 'x-csrftoken': csrf } });
  assert.equal(out.status, 200);
  // At once on the process that logged out; on the other once its session cache rechecks the
  // store (at most a second later: STAMP_RECHECK_MS). Polled, bounded to 5 s.
  assert.equal((await fetch(`${b.url}/api/upgradestatusinfo`, { headers: { cookie } })).status, 401);
  let onA = 0;
  for (let i = 0; i < 50 && onA !== 401; i++) {
    onA = (await fetch(`${a.url}/api/upgradestatusinfo`, { headers: { cookie } })).status;
    if (onA !== 401) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(onA, 401);
});

test('the first start on an empty store logs a generated admin password once', async () => {
  const env = { DATABASE_URL: await newDatabaseUrl(), ADMIN_PASSWORD: '' };
  const first = await startServer(env);
  const match = /generated password (\S+)/.exec(first.output());
  assert.ok(match, first.output());
  const password = match[1] as string;
  const ok = await fetch(`${first.url}/api/tenant`, {
    headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` },
  });
  assert.equal(ok.status, 200);
  await stop(first);
  const second = await startServer(env);
  assert.doesNotMatch(second.output(), /generated password/);
});
