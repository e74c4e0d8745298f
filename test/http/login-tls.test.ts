// Over TLS every cookie the login sets is Secure, as the controller's are.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startTestApp, ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import { responseCookies } from '../helpers/auth.js';
import { listenTls, TLS_CA } from '../helpers/tls.js';

let t: TestApp;
let tls: Awaited<ReturnType<typeof listenTls>>;
before(async () => {
  t = await startTestApp();
  tls = await listenTls(t);
});
after(async () => {
  await tls.close();
  await t.close();
});

function post(
  path: string,
  body: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const { port } = tls;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        ca: TLS_CA,
        servername: 'localhost',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('login over TLS sets csrftoken, avi-sessionid and sessionid as Secure', async () => {
  const res = await post('/login', `username=admin&password=${ADMIN_PASSWORD}`);
  assert.equal(res.status, 200);
  const cookies = responseCookies(res);
  for (const name of ['csrftoken', 'avi-sessionid', 'sessionid']) {
    assert.equal(cookies.get(name)?.attributes.has('secure'), true, name);
  }
  assert.equal(cookies.get('csrftoken')?.attributes.has('httponly'), false);
  assert.equal(cookies.get('sessionid')?.attributes.has('httponly'), true);
});
