// Property: a body with exactly one field made wrong, and any garbage body, gets a 400 whose JSON
// `error` names the problem, and stores nothing (for POST and for PUT of an existing object).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { runs, SERVER_SET, validObject } from '../helpers/arbitraries.js';
import { namedField, newerFieldAdded, oneFieldWrong, type Mutation } from '../helpers/mutations.js';
import {
  formatVersion,
  isObject,
  MODEL,
  modelReleases,
  NEWEST_RELEASE,
  parseRelease,
  propertiesOf,
} from '../helpers/model.js';

let t: TestApp;
let existing: { uuid: string };
const HEADERS = { 'content-type': 'application/json', 'x-avi-version': NEWEST_RELEASE };
const valid = validObject({ version: parseRelease(NEWEST_RELEASE), skipRoot: [...SERVER_SET, 'name'] });

before(async () => {
  t = await startTestApp({ CONTROLLER_VERSION: NEWEST_RELEASE });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/upgradestatusinfo',
    headers: HEADERS,
    payload: { name: 'the-existing-one', progress: 5 },
  });
  assert.equal(res.statusCode, 201, res.body);
  existing = { uuid: res.json().uuid };
});
after(async () => {
  await t.close();
});

/** What is stored: the count of every tenant's objects and the existing object's stamp. */
async function snapshot(): Promise<string> {
  const list = await t.app.inject({
    method: 'GET',
    url: '/api/upgradestatusinfo?fields=_last_modified&page_size=1000',
    headers: { ...HEADERS, 'x-avi-tenant': '*' },
  });
  return list.body;
}

function assertRefused(res: LightMyRequestResponse, mentions: string | RegExp, what: string): void {
  assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body: unknown = res.json();
  assert.ok(isObject(body) && typeof body.error === 'string', `${what}: ${res.body}`);
  if (typeof mentions === 'string')
    assert.ok(
      body.error.toLowerCase().includes(mentions.toLowerCase()),
      `'${body.error}' should mention ${mentions}`,
    );
  else assert.match(body.error, mentions);
}

let n = 0;
const send = (method: 'POST' | 'PUT', payload: string, version = NEWEST_RELEASE) =>
  t.app.inject({
    method,
    url: method === 'POST' ? '/api/upgradestatusinfo' : `/api/upgradestatusinfo/${existing.uuid}`,
    headers: { ...HEADERS, 'x-avi-version': version },
    payload,
  });

/** A wrong body sent whole (POST, PUT), or its wrong top-level member patched in (both forms). */
type Form = 'POST' | 'PUT' | 'PATCH' | 'JSON_PATCH';
const forms = fc.constantFrom<Form>('POST', 'PUT', 'PATCH', 'JSON_PATCH');

function sendMutation(form: Form, m: Mutation, version = NEWEST_RELEASE) {
  if (form === 'POST' || form === 'PUT') return send(form, JSON.stringify(m.body), version);
  const value = m.body[m.member];
  const payload =
    form === 'PATCH'
      ? { replace: { [m.member]: value } }
      : { json_patch: [{ op: 'add', path: `/${m.member}`, value }] };
  return t.app.inject({
    method: 'PATCH',
    url: `/api/upgradestatusinfo/${existing.uuid}`,
    headers: { ...HEADERS, 'x-avi-version': version },
    payload: JSON.stringify(payload),
  });
}

test('one field made wrong: 400 naming the field and the problem, nothing stored', async () => {
  const cases = valid.chain(({ body }) => oneFieldWrong({ ...body, name: `bad-${n++}` }));
  await fc.assert(
    fc.asyncProperty(cases, forms, async (mutation, form) => {
      // A PATCH ignores `_last_modified` that is not a timestamp (it only guards against stale writes).
      if (form !== 'POST' && form !== 'PUT' && mutation.member === '_last_modified') return;
      const before = await snapshot();
      const res = await sendMutation(form, mutation);
      // A PATCH words some problems its own way, but it names the field all the same.
      const mentions = form === 'POST' || form === 'PUT' ? mutation.mentions : namedField(mutation);
      assertRefused(res, mentions, `${form} ${mutation.kind}`);
      assert.equal(await snapshot(), before, 'nothing stored');
    }),
    runs(200),
  );
});

test('a field newer than the request version: 400 in the controller wording, nothing stored', async () => {
  const versions = modelReleases()
    .map(parseRelease)
    .filter((v) => formatVersion(v) !== NEWEST_RELEASE);
  const cases = fc.constantFrom(...versions).chain((version) =>
    validObject({ version, skipRoot: [...SERVER_SET, 'name'] }).chain(({ body }) => {
      const doc = { ...body, name: `old-${n++}` };
      const added = newerFieldAdded(doc, version);
      return added ? added.map((m) => ({ m, version })) : fc.constant(undefined);
    }),
  );
  await fc.assert(
    fc.asyncProperty(
      cases.filter((c) => c !== undefined),
      forms,
      async (c, form) => {
        const before = await snapshot();
        const res = await sendMutation(form, c!.m, formatVersion(c!.version));
        // The version error is the same for every form.
        assertRefused(res, c!.m.mentions, `${form} ${c!.m.kind}`);
        assert.match(res.json().error, /^Incoming request \(v\d+_\d+_\d+\) has field/);
        assert.equal(await snapshot(), before, 'nothing stored');
      },
    ),
    runs(100),
  );
});

const modelKeys = new Set(Object.keys(propertiesOf(MODEL)));

/** Bodies that are not an UpgradeStatusInfo at all, with what the error must say. */
const garbage: fc.Arbitrary<{ payload: string; mentions: RegExp }> = fc.oneof(
  // JSON, but not an object
  fc
    .jsonValue({ maxDepth: 3 })
    .filter((v) => !isObject(v) && v !== null)
    .map((v) => ({ payload: JSON.stringify(v), mentions: /must be a JSON object/ })),
  // not JSON
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 40 })
    .filter((s) => s.trim() !== '' && !parses(s))
    .map((s) => ({ payload: s, mentions: /Malformed JSON/ })),
  // a truncated JSON object
  fc
    .jsonValue({ maxDepth: 3 })
    .map((v) => JSON.stringify({ name: 'x', v }))
    .chain((s) => fc.integer({ min: 1, max: s.length - 1 }).map((cut) => s.slice(0, cut)))
    .filter((s) => !parses(s))
    .map((s) => ({ payload: s, mentions: /Malformed JSON/ })),
  // an object whose members the model does not know
  fc
    .dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,12}$/), fc.jsonValue({ maxDepth: 2 }), {
      minKeys: 1,
      maxKeys: 4,
    })
    .filter((d) => Object.keys(d).every((k) => !modelKeys.has(k)))
    .map((d) => ({
      payload: JSON.stringify(d),
      // A PATCH calls them members of its envelope.
      mentions: new RegExp(`unknown (field|member) '(${Object.keys(d).join('|')})'`, 'i'),
    })),
);

function parses(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

test('garbage bodies: 400 with a JSON error saying what is wrong, nothing stored', async () => {
  await fc.assert(
    fc.asyncProperty(
      garbage,
      fc.constantFrom<'POST' | 'PUT' | 'PATCH'>('POST', 'PUT', 'PATCH'),
      async ({ payload, mentions }, method) => {
        const before = await snapshot();
        const res =
          method === 'PATCH'
            ? await t.app.inject({
                method,
                url: `/api/upgradestatusinfo/${existing.uuid}`,
                headers: HEADERS,
                payload,
              })
            : await send(method, payload);
        assertRefused(res, mentions, `${method} ${JSON.stringify(payload)}`);
        assert.equal(await snapshot(), before, 'nothing stored');
      },
    ),
    runs(200),
  );
});

test('read-only members are never stored from a body (the documented exception to "unknown")', async () => {
  const readOnly = fc.record({
    // Without prototype keys: a body holding `__proto__` or `constructor` is refused outright
    // (test/security/prototype.test.ts), whatever member it is in.
    url: fc
      .jsonValue({ maxDepth: 1 })
      .filter((v) => !/"(__proto__|constructor|prototype)"/.test(JSON.stringify(v) ?? '')),
    _last_modified: fc.bigInt({ min: 0n, max: 10n ** 17n }),
  });
  await fc.assert(
    fc.asyncProperty(readOnly, async ({ url, _last_modified }) => {
      const payload: Record<string, unknown> = {
        name: `ro-${n++}`,
        url,
        _last_modified: String(_last_modified),
      };
      const res = await send('POST', JSON.stringify(payload));
      assert.equal(res.statusCode, 201, res.body);
      const got = res.json();
      assert.equal(got.url, `http://localhost:80/api/upgradestatusinfo/${got.uuid}#${payload.name}`);
      assert.notEqual(got._last_modified, payload._last_modified);
    }),
    runs(50),
  );
});
