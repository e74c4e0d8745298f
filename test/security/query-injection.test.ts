// SQL and JSON-path injection in every list query parameter the server knows (the parameter names
// come from src/domain/query: the reserved ones and every field of the model's catalogue with each
// operator), in parameter names, and in the small collections' parameters, sent by a user of
// tenant alpha: a value is refused (400) or matched literally (so hostile text matches nothing),
// and no answer ever holds anything of tenant beta.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runs } from '../helpers/arbitraries.js';
import { fieldCatalogue } from '../../src/domain/query/fields.js';
import { RESERVED_PARAMS } from '../../src/domain/query/filters.js';
import { basicAs, buildWorld, Hostile, type World } from './harness.js';

let world: World;
let hostile: Hostile;
before(async () => {
  world = await buildWorld();
  hostile = new Hostile(world);
});
after(async () => {
  await world.t.close();
});

/** Every parameter a list of UpgradeStatusInfo reads. */
function knownParams(): string[] {
  const out = new Set<string>(RESERVED_PARAMS);
  for (const [name, field] of fieldCatalogue().byName) {
    for (const suffix of ['', '.in', '.contains', '.icontains']) out.add(`${name}${suffix}`);
    if (field.kind === 'ref')
      for (const s of ['.uuid', '.name', '.uuid.in', '.name.in']) out.add(`${name}${s}`);
  }
  return [...out];
}

/** Parameters whose answer may hold objects whatever the value (they shape, page or negate). */
const NOT_FILTERS = new Set([
  'exclude',
  'page',
  'page_size',
  'sort',
  'fields',
  'include_name',
  'skip_default',
]);

const INJECTIONS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  '1; DROP TABLE upgrade_status_info; --',
  "') OR ('x'='x",
  "%' OR '%'='",
  "1' UNION SELECT body FROM upgrade_status_info --",
  "'; SELECT pg_sleep(5); --",
  "1' AND sqlite_version() --",
  "x' || (SELECT name FROM tenants) || '",
  '$.name',
  '$..*',
  '$[*]',
  '$.tenant_ref ? (@ like_regex ".*")',
  "name') || json_extract(body, '$') || ('",
  '{"$gt": ""}',
  '\\',
  '\\%',
  '%',
  '%%',
  "x\u0000' OR 1=1",
  '\u0000',
  "'",
  '`',
  ';',
  '(name,x\')|(uuid,y")',
  "(name,')",
  '((name,x))',
  "a,b' OR 1=1--,c",
  "/api/tenant/admin' OR '1'='1",
  "http://x/api/cloud/x' OR 1=1--",
  "tenant:x' OR 1=1",
  "any:any' --",
  'cloud:$.uuid',
  '%27%20OR%201%3D1',
  "é' OR 1=1 ‮",
  "'".repeat(2000),
];

/** Text no stored object holds: a filter on it must match nothing. */
const HOSTILE_TEXT = /['"`;$\\%]/;
const isHostile = (s: string): boolean => HOSTILE_TEXT.test(s) || s.includes('\u0000');

const text = (payload: string) => (isHostile(payload) ? payload : `${payload}'`);

const injection: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc
    .tuple(
      fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
      fc.constantFrom("'", '"', ';', '$', '\\', '%', '`', '\u0000'),
    )
    .map(([s, meta]) => text(`${s}${meta}${s}`)),
);

const alphaUuids = () => new Set(world.alpha.objects.map((o) => o.uuid));

/** Lists as alpha's Tenant-Admin; checks the answer holds only alpha's objects. */
async function listAsAlpha(key: string, value: string, label: string) {
  const url = `/api/upgradestatusinfo?${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
  const res = await hostile.send({
    label: `${label} ${url}`,
    viewer: 'alpha',
    method: 'GET',
    url,
    headers: basicAs(world.users.alphaAdmin),
  });
  assert.ok([200, 400].includes(res.statusCode), `${url}: ${res.statusCode} ${res.body}`);
  if (res.statusCode === 200) {
    const body = res.json() as { count: number; results: { uuid: string; tenant_ref?: string }[] };
    assert.ok(body.count <= world.alpha.objects.length, `${url}: count ${body.count}`);
    for (const r of body.results) assert.ok(alphaUuids().has(r.uuid), `${url}: ${r.uuid} is not alpha's`);
  }
  return res;
}

test('every known list parameter, with injection values: refused or matched literally', async () => {
  const params = knownParams();
  const start = hostile.count;
  for (const [i, key] of params.entries()) {
    for (const payload of [
      INJECTIONS[i % INJECTIONS.length]!,
      INJECTIONS[(i * 7 + 3) % INJECTIONS.length]!,
    ]) {
      const res = await listAsAlpha(key, payload, 'param');
      if (
        res.statusCode === 200 &&
        !NOT_FILTERS.has(key) &&
        !(key === 'referred_by' && payload.endsWith(':none'))
      ) {
        assert.equal(res.json().count, 0, `${key}=${payload} matched objects: ${res.body.slice(0, 300)}`);
      }
    }
  }
  assert.equal(hostile.count - start, params.length * 2);
  assert.ok(params.length > 1000, `${params.length} parameters`);
});

test('random injections in random known parameters (fast-check)', async () => {
  const params = knownParams();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...params), injection, async (key, payload) => {
      const res = await listAsAlpha(key, payload, 'random');
      if (res.statusCode === 200 && !NOT_FILTERS.has(key))
        assert.equal(res.json().count, 0, `${key}=${payload}`);
    }),
    runs(300),
  );
});

test('injection in parameter names is ignored or refused, never more than the tenant', async () => {
  const names = [
    "name' OR 1=1--",
    'name;DROP TABLE x',
    'state.state$',
    '$.name',
    'upgrade_events[0].task_name',
    'name..in',
    '.in',
    'uuid.uuid',
    'name.contains.in',
    'obj_cloud_ref.uuid.in.in',
    "tenant_ref.name') OR ('1'='1",
    '%00',
    'search\u0000',
    'tenant_ref',
    'tenant_ref.uuid',
    'tenant_ref.name',
  ];
  for (const key of names)
    for (const payload of ['x', "' OR 1=1 --", world.beta.uuid]) await listAsAlpha(key, payload, 'key');
  // Filters on the tenant reference never reach beyond the caller's tenant.
  for (const key of ['tenant_ref', 'tenant_ref.uuid', 'refers_to', 'tenant_ref.name', 'search', 'isearch']) {
    const value =
      key === 'refers_to'
        ? `tenant:${world.beta.uuid}`
        : key.startsWith('search') || key === 'isearch'
          ? `(tenant_ref,${world.beta.uuid})`
          : key.endsWith('.name')
            ? world.beta.name
            : world.beta.uuid;
    const res = await listAsAlpha(key, value, 'beta');
    if (res.statusCode === 200) assert.equal(res.json().count, 0, `${key}=${value}`);
  }
});

test('the small collections and single reads take injection values without leaking', async () => {
  const collections = ['/api/tenant', '/api/user', '/api/role'];
  const single = [world.alpha.objects[0]!.url, world.beta.objects[0]!.url, `/api/tenant/${world.alpha.uuid}`];
  for (const payload of INJECTIONS) {
    for (const url of collections) {
      for (const key of ['name', 'page', 'page_size', 'include_name', 'username', 'uuid']) {
        const res = await hostile.send({
          label: `${url} ${key}`,
          viewer: 'alpha',
          method: 'GET',
          url: `${url}?${key}=${encodeURIComponent(payload)}`,
          headers: basicAs(world.users.alphaAdmin),
        });
        assert.ok([200, 400].includes(res.statusCode), res.body);
      }
    }
    for (const url of single) {
      for (const key of ['fields', 'include_name', 'skip_default']) {
        await hostile.send({
          label: `${url} ${key}`,
          viewer: 'alpha',
          method: 'GET',
          url: `${url}?${key}=${encodeURIComponent(payload)}`,
          headers: basicAs(world.users.alphaAdmin),
        });
      }
    }
  }
});

test('request count', async (ctx) => {
  ctx.diagnostic(`${hostile.count} generated requests checked`);
  await hostile.assertAlive();
  // 2 per known parameter (over 1,000 of them), 300 random, 54 names, and 37 * (18 + 9) reads.
  assert.ok(hostile.count >= 2000 + 300 + 54 + 37 * 27, `only ${hostile.count} requests`);
});
