// Hostile paths and headers: traversal and odd characters in the uuid of every item route, CR/LF
// in header values (through inject, and raw on a socket where Node's parser judges them),
// oversized headers and cookies, and request framings used for smuggling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { JSON_HEADERS, sampleRecord } from '../helpers/app.js';
import { runs } from '../helpers/arbitraries.js';
import { buildWorld, Hostile, storeFingerprint, type World } from './harness.js';
import { rawRequest } from './raw-http.js';

let world: World;
let hostile: Hostile;
let port: number;
before(async () => {
  world = await buildWorld();
  hostile = new Hostile(world);
  await world.t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (world.t.app.server.address() as AddressInfo).port;
});
after(async () => {
  await world.t.close();
});

const ITEM_ROUTES: [string, string[]][] = [
  ['/api/upgradestatusinfo/', ['GET', 'PUT', 'PATCH', 'DELETE']],
  ['/api/tenant/', ['GET', 'PUT', 'DELETE']],
  ['/api/user/', ['GET', 'PUT', 'DELETE']],
  ['/api/role/', ['GET']],
];

const ODD = [
  '..',
  '..%2F..%2Fetc%2Fpasswd',
  '../../../../etc/passwd',
  '%2e%2e%2f%2e%2e',
  '..%5c..%5cwindows',
  '%00',
  '%ff',
  '%E0%A4%A',
  '%',
  "x'%20OR%201=1",
  '*',
  '%2A',
  '.',
  'admin%00',
  'admin%20',
  '%20admin',
  'user-1%2F..',
  ';',
  'a;b=c',
  '%0d%0aX-Injected:%201',
  '%F0%9F%98%80',
  'x'.repeat(300),
  '$.uuid',
  '__proto__',
  'constructor',
];

function bodyFor(route: string): object {
  if (route.includes('upgradestatusinfo')) return { replace: { progress: 1 }, name: 'x' };
  if (route.includes('tenant')) return { name: 'renamed' };
  return { username: 'renamed', password: 'renamed-password' };
}

test('odd uuids on every item route and method: a JSON 4xx, nothing changed', async () => {
  const segment = fc.oneof(
    fc.constantFrom(...ODD),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encodeURIComponent),
    fc
      .constantFrom(...world.beta.objects.map((o) => o.uuid))
      .map((u) => `${u}%2F..%2F${world.alpha.objects[0]!.uuid}`),
  );
  const routes = ITEM_ROUTES.flatMap(([route, methods]) => methods.map((m) => [route, m] as const));
  await fc.assert(
    fc.asyncProperty(
      segment,
      fc.constantFrom(...routes),
      fc.constantFrom('', '/', '?include_name', '/..'),
      async (seg, [route, method], tail) => {
        const url = `${route}${seg}${tail}`;
        const payload = method === 'PUT' || method === 'PATCH' ? bodyFor(route) : undefined;
        const res = await hostile.send({
          label: `${method} ${url}`,
          method: method as 'GET',
          url,
          headers: { ...JSON_HEADERS, 'x-avi-tenant': '*' },
          ...(payload ? { payload } : {}),
        });
        // Dot segments (`.`, `..`, `%2e`) resolve to another path: the collection or the API root.
        const resolved = new URL(url, 'http://x').pathname.replace(/\/$/, '');
        if (resolved === route.replace(/\/$/, '')) return;
        assert.ok(res.statusCode >= 400, `${method} ${url}: ${res.statusCode} ${res.body}`);
      },
    ),
    runs(250),
  );
});

const CRLF = [
  'ok\r\nX-Injected: 1',
  'ok\r\n\r\n<html>',
  'ok\nX-Injected: 1',
  'ok\rX-Injected: 1',
  '\r\nSet-Cookie: avi-sessionid=x',
];
const HEADERS = [
  'x-avi-tenant',
  'x-avi-tenant-uuid',
  'x-avi-version',
  'slug',
  'if-match',
  'x-csrftoken',
  'host',
  'accept',
  'user-agent',
  'x-forwarded-for',
  'content-type',
];

function assertCleanHeaders(headers: Record<string, unknown>, label: string): void {
  assert.equal(headers['x-injected'], undefined, label);
  for (const [k, v] of Object.entries(headers)) {
    const values = Array.isArray(v) ? v : [v];
    for (const value of values) assert.doesNotMatch(String(value), /[\r\n]/, `${label}: header ${k}`);
    if (k === 'set-cookie')
      for (const value of values) assert.doesNotMatch(String(value), /^avi-sessionid=x;/, label);
  }
}

test('CR/LF in header values (inject): no header injected, a JSON 4xx or a clean answer', async () => {
  let n = 0;
  for (const header of HEADERS) {
    for (const value of CRLF) {
      for (const method of ['GET', 'POST'] as const) {
        const url = method === 'GET' ? '/api/upgradestatusinfo' : '/api/upgradestatusinfo';
        const res = await hostile.send({
          label: `${method} ${header}: ${JSON.stringify(value)}`,
          method,
          url,
          headers: { ...JSON_HEADERS, [header]: value },
          ...(method === 'POST' ? { payload: sampleRecord({ name: `crlf-${n++}\r\nX-Injected: 1` }) } : {}),
        });
        assertCleanHeaders(res.headers, `${header}: ${JSON.stringify(value)}`);
      }
    }
  }
  // A name with CR/LF reaches the Location header only percent-encoded.
  const res = await hostile.send({
    label: 'slug',
    method: 'POST',
    url: '/api/upgradestatusinfo',
    headers: { ...JSON_HEADERS, slug: 'slug-ok-1' },
    payload: sampleRecord({ name: 'n\r\nX-Injected: 1' }),
  });
  assert.equal(res.statusCode, 201, res.body);
  assertCleanHeaders(res.headers, 'location');
});

/** Raw requests Node's parser or the app must answer with a JSON 4xx (or a clean answer). */
function rawCases(): [string, string | Buffer][] {
  const auth = `Authorization: ${world.users.alphaAdmin.authorization}`;
  const get = (headers: string) =>
    `GET /api/upgradestatusinfo HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n${headers}\r\n`;
  const post = (headers: string, body: string) =>
    `POST /api/upgradestatusinfo HTTP/1.1\r\nHost: localhost\r\n${auth}\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;
  return [
    ['bare CR in a value', get('X-Avi-Tenant: a\rX-Injected: 1\r\n')],
    ['bare LF line ending', get('X-Avi-Tenant: a\nX-Injected: 1\r\n')],
    ['NUL in a value', get('X-Avi-Tenant: a\u0000b\r\n')],
    ['obsolete folding', get('X-Avi-Tenant: a\r\n  X-Injected: 1\r\n')],
    ['space before the colon', get('X-Avi-Tenant : a\r\n')],
    ['an invalid header name', get('X(Avi): a\r\n')],
    ['a header of 20 KB', get(`X-Big: ${'a'.repeat(20_000)}\r\n`)],
    ['a cookie of 20 KB', get(`Cookie: ${'avi-sessionid=x; '.repeat(1200)}\r\n`)],
    ['3,000 headers', get(Array.from({ length: 3000 }, (_, i) => `X-H${i}: ${i}\r\n`).join(''))],
    [
      'a request line of 20 KB',
      `GET /api/upgradestatusinfo?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n${auth}\r\n\r\n`,
    ],
    ['two Content-Lengths', post('Content-Length: 2\r\nContent-Length: 20\r\n', '{}')],
    [
      'Transfer-Encoding and Content-Length',
      post('Content-Length: 4\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\nGET /x HTTP/1.1\r\n\r\n'),
    ],
    ['a bad chunk size', post('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n')],
    ['a negative Content-Length', post('Content-Length: -1\r\n', '{}')],
    [
      'invalid UTF-8 in a header',
      Buffer.concat([
        Buffer.from(get('').slice(0, -2)),
        Buffer.from('X-Avi-Tenant: '),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('\r\n\r\n'),
      ]),
    ],
    ['HTTP/0.9', 'GET /api/upgradestatusinfo\r\n\r\n'],
    [
      'an absolute URL with a user',
      `GET http://evil@localhost/api/upgradestatusinfo HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n\r\n`,
    ],
    ['an unknown method', `BREW /api/upgradestatusinfo HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n\r\n`],
  ];
}

test('raw requests with CR/LF, NUL, folding, oversized headers and smuggling framings', async () => {
  for (const [label, request] of rawCases()) {
    const before = await storeFingerprint(world.t);
    const res = await rawRequest(port, request);
    assert.ok(res, `${label}: the connection closed without an answer`);
    assert.equal(res.headers['x-injected'], undefined, label);
    await hostile.check(
      { label, viewer: 'alpha' },
      String(request),
      { status: res.status, contentType: res.headers['content-type'], body: res.body, headers: res.head },
      before,
    );
  }
});

test('oversized headers and cookies (inject): no 5xx, short JSON errors', async () => {
  const mb = 'a'.repeat(1024 * 1024);
  const basic = `Basic ${Buffer.from(`admin:${mb}`).toString('base64')}`;
  const cases: [string, Record<string, string>][] = [
    ['a 1 MB Authorization', { authorization: `Basic ${mb}` }],
    ['a 1 MB Basic password', { authorization: basic }],
    ['a 1 MB Bearer token', { authorization: `Bearer ${mb}` }],
    ['a 1 MB cookie', { cookie: `avi-sessionid=${mb}; csrftoken=${mb}` }],
    [
      '10,000 session cookies',
      {
        cookie: Array.from({ length: 10_000 }, (_, i) => `avi-sessionid=${String(i).padStart(32, '0')}`).join(
          '; ',
        ),
      },
    ],
    ['a 1 MB X-Avi-Tenant', { 'x-avi-tenant': mb }],
    ['a 1 MB X-Avi-Tenant-UUID', { 'x-avi-tenant-uuid': mb }],
    ['a 1 MB X-Avi-Version', { 'x-avi-version': mb }],
    ['a 1 MB Slug', { slug: mb }],
    ['a 1 MB If-Match', { 'if-match': '1'.repeat(1024 * 1024) }],
    ['a 1 MB X-CSRFToken', { 'x-csrftoken': mb }],
    ['a 1 MB Host', { host: mb }],
    ['a 1 MB Content-Type', { 'content-type': `application/json; ${mb}` }],
    ['a 1 MB Accept', { accept: mb }],
  ];
  const obj = world.alpha.objects[2]!.url;
  for (const [label, headers] of cases) {
    for (const [method, url, payload] of [
      ['GET', '/api/upgradestatusinfo', undefined],
      ['POST', '/api/upgradestatusinfo', { name: 'big-header' }],
      ['PATCH', obj, { replace: { progress: 3 } }],
      ['POST', '/login', { username: 'admin', password: 'x' }],
    ] as const) {
      const anonymous = 'authorization' in headers || 'cookie' in headers || url === '/login';
      const res = await hostile.send({
        label: `${method} ${url} ${label}`,
        method,
        url,
        headers: { ...JSON_HEADERS, 'x-avi-tenant': '*', ...headers },
        ...(payload ? { payload } : {}),
        ...(anonymous ? { anonymous: true } : {}),
      });
      if (res.statusCode >= 400)
        assert.ok(res.body.length < 4096, `${label}: an error of ${res.body.length} bytes`);
    }
  }
});

test('request count', async (ctx) => {
  ctx.diagnostic(`${hostile.count} generated requests checked`);
  await hostile.assertAlive();
  assert.ok(
    hostile.count >= 250 + HEADERS.length * CRLF.length * 2 + 1 + 18 + 14 * 4,
    `only ${hostile.count}`,
  );
});
