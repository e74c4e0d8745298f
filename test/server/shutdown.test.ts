// Graceful shutdown of a real server process: SIGTERM stops new connections, lets requests
// already in flight finish (2xx, `Connection: close`), does not wait for idle keep-alive
// connections, closes the store and exits 0; a request that never finishes is cut off after
// SHUTDOWN_TIMEOUT_SECONDS and the process still exits 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { createTestDatabase, type EmptyTestDatabase } from '../helpers/database.js';
import { startServer, stopServer, type ServerProcess } from './server-process.js';

const PASSWORD = 'shutdown-test-password';
const AUTH = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
const databases: EmptyTestDatabase[] = [];
const servers: ServerProcess[] = [];
after(async () => {
  await Promise.all(servers.map((s) => stopServer(s, 'SIGKILL')));
  for (const db of databases) await db.close();
});

async function start(
  env: Record<string, string> = {},
): Promise<{ server: ServerProcess; db: EmptyTestDatabase }> {
  const db = await createTestDatabase();
  databases.push(db);
  const server = await startServer({
    DATABASE_URL: db.url,
    ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: 'info',
    ...env,
  });
  servers.push(server);
  return { server, db };
}

interface Pending {
  req: ClientRequest;
  /** The response, or the connection error. */
  done: Promise<{ status: number; connection: string | undefined; body: string } | Error>;
}

/**
 * A POST whose headers have reached the server (it answered `100 Continue`) but whose body has
 * not been sent: a request certainly in flight. `req.end(body)` finishes it.
 */
async function inFlightPost(server: ServerProcess, path: string, agent?: Agent): Promise<Pending> {
  const req = request({
    host: '127.0.0.1',
    port: server.port,
    path,
    method: 'POST',
    agent: agent ?? false,
    headers: {
      authorization: AUTH,
      'content-type': 'application/json',
      'x-avi-version': '31.1.1',
      expect: '100-continue',
    },
  });
  const done = new Promise<{ status: number; connection: string | undefined; body: string } | Error>(
    (resolve) => {
      req.on('response', (res: IncomingMessage) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }),
        );
      });
      req.on('error', resolve);
    },
  );
  await new Promise<void>((resolve, reject) => {
    req.once('continue', () => resolve());
    req.once('error', reject);
    req.flushHeaders();
  });
  return { req, done };
}

function record(name: string): string {
  return JSON.stringify({ name, node_type: 'NODE_SE_GROUP', progress: 10 });
}

test('SIGTERM: in-flight requests complete with 2xx, then the process exits 0', async () => {
  const { server, db } = await start();
  // An idle keep-alive connection must not hold the shutdown up.
  const keepAlive = new Agent({ keepAlive: true });
  const warm = await fetchJson(server, keepAlive);
  assert.equal(warm, 200);

  const pending = await Promise.all(
    ['a', 'b', 'c'].map((n) =>
      inFlightPost(server, '/api/upgradestatusinfo', n === 'c' ? keepAlive : undefined),
    ),
  );
  const sentAt = Date.now();
  server.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500)); // the server is draining now

  // No new connections are accepted.
  await assert.rejects(fetch(`${server.url}/api/initial-data`));

  pending.forEach((p, i) => p.req.end(record(`in-flight-${i}`)));
  const answers = await Promise.all(pending.map((p) => p.done));
  for (const answer of answers) {
    assert.ok(!(answer instanceof Error), String(answer));
    assert.equal(answer.status, 201, answer.body);
    assert.equal(answer.connection, 'close');
  }
  assert.equal(await server.exited, 0, server.output());
  assert.ok(Date.now() - sentAt < 5000, 'the shutdown did not wait for the idle keep-alive connection');
  assert.match(server.output(), /shutting down/);
  assert.match(server.output(), /shut down"/);
  keepAlive.destroy();

  // Every answered write is stored (the store was closed only after the requests finished).
  const storage = await db.open();
  const list = await storage.upgradeStatus.list({
    tenant: null,
    filters: [],
    sort: [],
    offset: 0,
    limit: 10,
  });
  assert.deepEqual(list.items.map((o) => o.body.name).sort(), ['in-flight-0', 'in-flight-1', 'in-flight-2']);
});

test('SIGINT shuts down the same way', async () => {
  const { server } = await start();
  const pending = await inFlightPost(server, '/api/upgradestatusinfo');
  server.child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 300));
  pending.req.end(record('on-sigint'));
  const answer = await pending.done;
  assert.ok(!(answer instanceof Error) && answer.status === 201, String(JSON.stringify(answer)));
  assert.equal(await server.exited, 0, server.output());
});

test('a request that never finishes is cut off after SHUTDOWN_TIMEOUT_SECONDS; exit 0', async () => {
  const { server } = await start({ SHUTDOWN_TIMEOUT_SECONDS: '1' });
  const stuck = await inFlightPost(server, '/api/upgradestatusinfo');
  const signalledAt = Date.now();
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0, server.output());
  const took = Date.now() - signalledAt;
  assert.ok(took >= 900 && took < 5000, `exited after ${took} ms`);
  assert.ok((await stuck.done) instanceof Error, 'the stuck request was cut off');
  assert.match(server.output(), /shutdown timeout/);
});

function fetchJson(server: ServerProcess, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: '/api/initial-data', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
