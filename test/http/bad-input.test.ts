import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, JSON_HEADERS, sampleRecord, type TestApp } from '../helpers/app.js';
import { BODY_LIMIT } from '../../src/http/app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const post = (payload: string | object, headers: Record<string, string> = JSON_HEADERS) =>
  t.app.inject({ method: 'POST', url: '/api/upgradestatusinfo', headers, payload: payload as string });

async function count(): Promise<number> {
  return (await t.app.inject({ method: 'GET', url: '/api/upgradestatusinfo' })).json().count;
}

/** Each case: a body, and a pattern the error text must match (naming the field and the problem). */
const CASES: [string, string | object, RegExp][] = [
  ['malformed JSON', '{"name": ', /JSON/i],
  ['an array body', '[1,2]', /object/],
  ['a string body', '"x"', /object/],
  ['null body', 'null', /object/],
  ['unknown top-level field', { name: 'x', colour: 'red' }, /colour/],
  ['unknown nested field', { state: { state: 'UPGRADE_FSM_INIT', mood: 1 } }, /state\.mood/],
  ['wrong type', { name: 42 }, /name/],
  ['bad enum', { node_type: 'NODE_TOASTER' }, /node_type/],
  ['nested bad enum', { state: { state: 'NOPE' } }, /state\.state/],
  ['progress over 100', { progress: 101 }, /progress.*0 .*100/],
  ['progress negative', { progress: -1 }, /progress/],
  ['int32 overflow', { duration: 2147483648 }, /duration/],
  ['fraction for an integer', { tasks_completed: 1.5 }, /tasks_completed/],
  ['int64 beyond 2^53', '{"state": {"last_changed_time": {"secs": 9007199254740993, "usecs": 1}}}', /secs/],
  [
    'missing required member',
    { upgrade_events: [{ sub_events: [{ ip: { addr: '1.1.1.1' } }] }] },
    /upgrade_events\[0\]\.sub_events\[0\]\.ip\.type/,
  ],
  ['__proto__ key', '{"name":"x","__proto__":{"admin":true}}', /./],
  ['constructor key', '{"name":"x","constructor":{"prototype":{"admin":true}}}', /./],
  ['string where a list belongs', { upgrade_events: 'nope' }, /upgrade_events/],
  ['malformed reference', { obj_cloud_ref: 'http://x/api/cloud/a b' }, /obj_cloud_ref/],
  ['reference of the wrong type', { image_ref: '/api/cloud/cloud-1' }, /image_ref/],
];

for (const [label, payload, pattern] of CASES) {
  test(`400 for ${label}, JSON error naming it, nothing stored`, async () => {
    const before = await count();
    const res = await post(payload);
    assert.equal(res.statusCode, 400, res.body);
    assert.match(String(res.headers['content-type']), /application\/json/);
    const body = res.json();
    assert.equal(typeof body.error, 'string');
    assert.match(body.error, pattern);
    assert.equal(await count(), before);
  });
}

test('a deeply nested body is refused without a 5xx', async () => {
  const deep = '{"state":'.repeat(5000) + '1' + '}'.repeat(5000);
  const res = await post(deep);
  assert.equal(res.statusCode, 400);
  const deeper = '['.repeat(200000) + ']'.repeat(200000);
  const res2 = await post(deeper);
  assert.ok([400, 413].includes(res2.statusCode), res2.body);
});

test('a body over the documented limit is 413', async () => {
  const res = await post({ name: 'x'.repeat(BODY_LIMIT + 10) });
  assert.equal(res.statusCode, 413);
  assert.match(res.json().error, /limit/);
});

test('a wrong content type is a JSON 415', async () => {
  const res = await post('name=x', { 'content-type': 'text/plain' });
  assert.equal(res.statusCode, 415);
  assert.equal(typeof res.json().error, 'string');
});

test('odd unicode and control characters in strings are stored as given', async () => {
  const name = 'se-\u0000\u202e\ud83d\ude00-\u00e9 \r\nX-Injected: 1';
  const res = await post({ name });
  assert.equal(res.statusCode, 201);
  assert.equal(res.json().name, name);
  assert.equal(res.headers['x-injected'], undefined);
  assert.match(String(res.headers.location), /#se-%00%E2%80%AE%F0%9F%98%80-%C3%A9%20%0D%0AX-Injected:%201$/);
  const lone = await post('{"name": "lone-\\ud800-surrogate"}');
  assert.equal(lone.statusCode, 201);
});

test('booleans and integers given as strings are converted', async () => {
  const res = await post(
    sampleRecord({ name: 'strings', enable_rollback: 'true', clean: 'False', progress: '55' }),
  );
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  assert.equal(body.enable_rollback, true);
  assert.equal(body.clean, false);
  assert.equal(body.progress, 55);
});

test('an unknown path is 404 and a wrong method is 405 with Allow, both JSON', async () => {
  const unknown = await t.app.inject({ method: 'GET', url: '/api/abcd' });
  assert.equal(unknown.statusCode, 404);
  assert.equal(typeof unknown.json().error, 'string');
  const wrong = await t.app.inject({ method: 'DELETE', url: '/api/upgradestatusinfo' });
  assert.equal(wrong.statusCode, 405);
  assert.match(String(wrong.headers.allow), /GET/);
  assert.match(String(wrong.headers.allow), /POST/);
  assert.equal(typeof wrong.json().error, 'string');
  const wrongItem = await t.app.inject({ method: 'POST', url: '/api/upgradestatusinfo/abc/' });
  assert.equal(wrongItem.statusCode, 405);
});

test('odd characters and traversal in a uuid are a plain 404', async () => {
  for (const uuid of ['..%2F..%2Fetc%2Fpasswd', '%00', "x'%20OR%201=1", '%F0%9F%98%80']) {
    const res = await t.app.inject({ method: 'GET', url: `/api/upgradestatusinfo/${uuid}` });
    assert.equal(res.statusCode, 404, uuid);
    assert.equal(typeof res.json().error, 'string');
  }
});

test('a hostile Host header does not end up in headers or break the response', async () => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/upgradestatusinfo',
    headers: { ...JSON_HEADERS, host: 'evil.example/<script>' },
    payload: { name: 'host-check' },
  });
  assert.equal(res.statusCode, 201);
  assert.doesNotMatch(String(res.headers.location), /script/);
});
