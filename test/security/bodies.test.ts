// Hostile bodies on every route that reads one: malformed JSON, wrong content types, huge and
// deeply nested bodies, control characters and invalid UTF-8. Each request goes through the
// harness's checks (prototype keys have a file of their own).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runs } from '../helpers/arbitraries.js';
import { buildWorld, Hostile, type World } from './harness.js';
import { bodyRoutes, IGNORES_BODY, sendBody } from './body-routes.js';

let world: World;
let hostile: Hostile;
/** Requests each test makes, added up as they run; the last test compares with the harness's count. */
let planned = 0;
before(async () => {
  world = await buildWorld();
  hostile = new Hostile(world);
});
after(async () => {
  await world.t.close();
});

function parses(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

const malformed: fc.Arbitrary<string> = fc
  .oneof(
    fc.jsonValue({ maxDepth: 3 }).chain((v) => {
      const s = JSON.stringify({ name: 'x', v });
      return fc.integer({ min: 1, max: s.length - 1 }).map((cut) => s.slice(0, cut));
    }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
    fc.constantFrom(
      "{'name': 'x'}",
      '{"name": NaN}',
      '{"progress": Infinity}',
      '{"name": "x",}',
      '{"name": "x"} trailing',
      '{"name": "x" /* comment */}',
      '{"name": "\\x41"}',
      '{"name": "\\u12"}',
      '{"a":1}{"b":2}',
      '[',
      '{"name": undefined}',
      '{"progress": 0x10}',
      '{"progress": 01}',
      '{"progress": 1e999999}',
    ),
  )
  .filter((s) => s.trim() !== '' && !parses(s));

test('malformed JSON on every route: 400 saying so', async () => {
  const all = bodyRoutes(world, true);
  await fc.assert(
    fc.asyncProperty(malformed, fc.nat(all.length - 1), async (payload, i) => {
      const res = await sendBody(
        hostile,
        all[i]!,
        payload,
        'application/json',
        `malformed ${JSON.stringify(payload)}`,
      );
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json().error, /JSON/);
    }),
    runs(200),
  );
  planned += 200;
});

const NOT_JSON = [
  'text/plain',
  'application/xml',
  'text/html; charset=utf-8',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/json-patch+json',
  'application/jsonx',
  'image/png',
  'json',
  ';;;',
  'application/x-www-form-urlencoded\r\nX-Injected: 1',
];

test('a body that is not JSON is a JSON 415 (forms only on /login)', async () => {
  for (const target of bodyRoutes(world, true)) {
    for (const type of [...NOT_JSON, 'application/x-www-form-urlencoded']) {
      const form = type === 'application/x-www-form-urlencoded';
      const res = await sendBody(
        hostile,
        target,
        form ? 'username=a&password=b' : '{"name":"x"}',
        type,
        `as ${type}`,
      );
      if (form && (target.url === '/login' || target.url === '/logout')) {
        assert.ok([200, 401, 429].includes(res.statusCode), res.body);
      } else assert.equal(res.statusCode, 415, `${target.method} ${target.url} ${type}: ${res.body}`);
      planned++;
    }
  }
});

test('huge and deeply nested bodies are refused without a 5xx', async () => {
  const huge = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024 + 10) });
  const cases: [string, string][] = [
    ['a body over the limit', huge],
    ['a million-item list', `{"upgrade_events": [${'{},'.repeat(700_000)}{}]}`],
    ['nested objects', '{"state":'.repeat(20_000) + '1' + '}'.repeat(20_000)],
    ['nested arrays', '['.repeat(300_000) + ']'.repeat(300_000)],
    ['nested lists in a known field', `{"upgrade_events":${'['.repeat(50_000)}${']'.repeat(50_000)}}`],
    ['nested values in a patch', `{"replace":{"state":${'{"a":'.repeat(30_000)}1${'}'.repeat(30_000)}}}`],
    ['a deep JSON Pointer', `{"json_patch":[{"op":"add","path":"${'/state'.repeat(100_000)}","value":1}]}`],
    [
      'many patch operations',
      `{"json_patch":[${'{"op":"test","path":"/name","value":"no"},'.repeat(40_000)}{}]}`,
    ],
    ['a long unknown member name', `{"${'k'.repeat(1_500_000)}": 1}`],
    ['many members', `{${Array.from({ length: 60_000 }, (_, i) => `"m${i}":1`).join(',')}}`],
  ];
  for (const target of bodyRoutes(world, false)) {
    for (const [label, payload] of cases) {
      const res = await sendBody(hostile, target, payload, 'application/json', label);
      planned++;
      // /logout and /api/user-token may ignore a body that parses; the others must refuse it.
      if (IGNORES_BODY.has(target.url)) continue;
      assert.ok(res.statusCode >= 400, `${target.method} ${target.url} ${label}: ${res.statusCode}`);
    }
  }
});

/** Text with control characters, format characters and lone surrogates. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom(
      '\u0000',
      '\u0007',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u2028',
      '\u2029',
      '\u202e',
      '\ufeff',
      '\ud800',
      '\udfff',
      'é',
      'x',
    ),
    minLength: 1,
    maxLength: 8,
  }),
);

test('control characters, lone surrogates and invalid UTF-8 in strings, names and references', async () => {
  const shapes = [
    (s: string) => ({ name: `cc-${s}` }),
    (s: string) => ({ name: 'cc', state: { reason: s } }),
    (s: string) => ({ name: 'cc', obj_cloud_ref: `/api/cloud/?name=${s}` }),
    (s: string) => ({ name: 'cc', image_ref: `/api/image/${s}` }),
    (s: string) => ({ name: 'cc', [s]: 1 }),
    (s: string) => ({ replace: { version: s } }),
    (s: string) => ({ username: s, password: `${s}-password` }),
  ];
  const all = bodyRoutes(world, false);
  await fc.assert(
    fc.asyncProperty(
      nasty,
      fc.nat(shapes.length - 1),
      fc.nat(all.length - 1),
      fc.boolean(),
      async (s, shape, i, raw) => {
        const text = JSON.stringify(shapes[shape]!(s));
        // Raw: the string's UTF-16 escapes replaced by bytes that are not UTF-8 (0xff, a cut sequence).
        const payload = raw
          ? Buffer.concat([
              Buffer.from(text.slice(0, -2)),
              Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]),
              Buffer.from(text.slice(-2)),
            ])
          : text;
        await sendBody(
          hostile,
          all[i]!,
          payload,
          'application/json',
          `control ${JSON.stringify(text)} raw=${raw}`,
        );
      },
    ),
    runs(150),
  );
  planned += 150;
});

test('the requests above were all made and checked', async (ctx) => {
  ctx.diagnostic(`${hostile.count} generated requests checked`);
  await hostile.assertAlive();
  assert.equal(hostile.count, planned);
  assert.ok(planned >= 580, `only ${planned} requests`);
});
