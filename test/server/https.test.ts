// HTTPS end to end, in real server processes: the certificate of TLS_CERT/TLS_KEY or one
// generated with TLS=self-signed is served, its SHA-256 fingerprint is in the start-up log,
// login cookies are Secure and URLs in bodies are https; bad settings stop start-up (exit 2)
// naming the variable.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, type RequestOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createTestDatabase, type EmptyTestDatabase } from '../helpers/database.js';
import { responseCookies } from '../helpers/auth.js';
import { freePort, spawnServer, startServer, stopServer, type ServerProcess } from './server-process.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
const CERT = fixture('localhost-cert.pem');
const KEY = fixture('localhost-key.pem');
const PASSWORD = 'https-test-password';

const databases: EmptyTestDatabase[] = [];
const servers: ServerProcess[] = [];
after(async () => {
  await Promise.all(servers.map((s) => stopServer(s)));
  for (const db of databases) await db.close();
});

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const db = await createTestDatabase();
  databases.push(db);
  const server = await startServer({
    DATABASE_URL: db.url,
    ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: 'info',
    ...env,
  });
  servers.push(server);
  return server;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  fingerprint256: string;
}

function call(server: ServerProcess, path: string, options: RequestOptions, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, agent: false, ...options }, (res) => {
      const peer = (res.socket as TLSSocket).getPeerCertificate();
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text,
          fingerprint256: peer.fingerprint256,
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

function loggedFingerprint(server: ServerProcess): string | undefined {
  const line = server.logs().find((l) => typeof l.fingerprint256 === 'string');
  return line?.fingerprint256 as string | undefined;
}

test('TLS_CERT and TLS_KEY: HTTPS with that certificate, Secure cookies, https URLs', async () => {
  const server = await start({ TLS_CERT: CERT, TLS_KEY: KEY });
  const expected = new X509Certificate(readFileSync(CERT)).fingerprint256;
  assert.equal(loggedFingerprint(server), expected);
  assert.match(server.output(), new RegExp(`SHA-256 fingerprint ${expected}`));

  const trusted = { ca: readFileSync(CERT), servername: 'localhost' };
  const login = await call(
    server,
    '/login',
    { ...trusted, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    `username=admin&password=${PASSWORD}`,
  );
  assert.equal(login.status, 200, login.body);
  assert.equal(login.fingerprint256, expected);
  const cookies = responseCookies(login);
  for (const name of ['csrftoken', 'avi-sessionid', 'sessionid']) {
    assert.equal(cookies.get(name)?.attributes.has('secure'), true, name);
  }

  const authorization = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
  const created = await call(
    server,
    '/api/upgradestatusinfo',
    {
      ...trusted,
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', 'x-avi-version': '31.1.1' },
    },
    JSON.stringify({ name: 'over-tls', obj_cloud_ref: '/api/cloud/?name=Default-Cloud' }),
  );
  assert.equal(created.status, 201, created.body);
  const body = JSON.parse(created.body) as { url: string; obj_cloud_ref: string };
  assert.match(body.url, new RegExp(`^https://127\\.0\\.0\\.1:${server.port}/api/upgradestatusinfo/`));
  assert.match(body.obj_cloud_ref, /^https:\/\//);
  assert.match(String(created.headers.location), /^https:\/\//);
  assert.equal(await stopServer(server), 0);
});

test('plain HTTP is not answered on the HTTPS port', async () => {
  const server = await start({ TLS_CERT: CERT, TLS_KEY: KEY });
  const outcome = await fetch(`http://127.0.0.1:${server.port}/api/initial-data`).then(
    (r) => r.status,
    () => 'refused',
  );
  assert.notEqual(outcome, 200);
});

test('TLS=self-signed: the served certificate is the one whose fingerprint is logged', async () => {
  const server = await start({ TLS: 'self-signed' });
  const logged = loggedFingerprint(server);
  assert.match(logged ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  const res = await call(server, '/api/cluster/status', { rejectUnauthorized: false });
  assert.equal(res.status, 200);
  assert.equal(res.fingerprint256, logged);
  // Unverified clients are refused, as they should be with a self-signed certificate.
  await assert.rejects(call(server, '/api/initial-data', {}), /self[- ]signed|unable to verify/i);
  assert.equal(await stopServer(server), 0);
});

test('bad HTTPS settings stop start-up with exit code 2, naming the variable', async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ TLS_CERT: CERT }, /Invalid value for TLS_KEY/],
    [{ TLS_KEY: KEY }, /Invalid value for TLS_CERT/],
    [{ TLS: 'yes' }, /Invalid value for TLS: 'yes'/],
    [
      { TLS_CERT: '/nonexistent/cert.pem', TLS_KEY: KEY },
      /Invalid value for TLS_CERT: '\/nonexistent\/cert\.pem'/,
    ],
    [{ TLS_CERT: CERT, TLS_KEY: CERT }, /Invalid value for TLS_KEY/],
  ];
  await Promise.all(
    cases.map(async ([env, pattern]) => {
      const server = spawnServer({ DATABASE_URL: 'sqlite::memory:', ...env }, await freePort());
      assert.equal(await server.exited, 2, server.output());
      assert.match(server.output(), pattern);
    }),
  );
});
