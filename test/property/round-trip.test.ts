// Property: any valid object the model allows, posted, reads back unchanged, except for what the
// server sets (the model's read-only members, uuid, tenant_ref) and the defaults it fills in
// (read from the model). Reading it through a list and PUTting back what a GET returned change
// nothing either.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { READ_ONLY, runs, SERVER_SET, validObject } from '../helpers/arbitraries.js';
import {
  fillDefaults,
  MODEL,
  NEWEST_RELEASE,
  ORIGIN,
  parseRelease,
  sameJson,
  without,
  type JsonObject,
} from '../helpers/model.js';

let t: TestApp;
const HEADERS = { 'content-type': 'application/json', 'x-avi-version': NEWEST_RELEASE };
const IGNORED = [...READ_ONLY, ...SERVER_SET];

before(async () => {
  // The newest release of the model, so that every field can be sent and read.
  t = await startTestApp({ CONTROLLER_VERSION: NEWEST_RELEASE });
});
after(async () => {
  await t.close();
});

let n = 0;
const objects = validObject({ version: parseRelease(NEWEST_RELEASE), skipRoot: [...SERVER_SET, 'name'] });

async function read(url: string): Promise<JsonObject> {
  const res = await t.app.inject({ method: 'GET', url, headers: HEADERS });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

function assertSame(actual: JsonObject, expected: JsonObject, what: string): void {
  const a = without(actual, IGNORED);
  const e = without(expected, IGNORED);
  assert.ok(sameJson(a, e), `${what}\nactual:   ${JSON.stringify(a)}\nexpected: ${JSON.stringify(e)}`);
}

test('POST then GET returns the object as sent, plus server-set fields and model defaults', async () => {
  await fc.assert(
    fc.asyncProperty(objects, fc.boolean(), async ({ body, expect }, withUuid) => {
      const name = `rt-${n++}`;
      const uuid = withUuid ? `rt-uuid-${n}` : undefined;
      const sent = { ...body, name, ...(uuid ? { uuid } : {}) };
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/upgradestatusinfo',
        headers: HEADERS,
        payload: sent,
      });
      assert.equal(created.statusCode, 201, created.body);
      const got = await read(`/api/upgradestatusinfo/${created.json().uuid}`);
      assertSame(got, fillDefaults(MODEL, { ...expect, name }) as JsonObject, 'GET after POST');

      // The server-set members, as documented.
      if (uuid) assert.equal(got.uuid, uuid);
      else assert.match(String(got.uuid), /^upgradestatusinfo-[0-9a-f-]{36}$/);
      assert.equal(got.url, `${ORIGIN}/api/upgradestatusinfo/${got.uuid}`);
      assert.equal(got.tenant_ref, `${ORIGIN}/api/tenant/admin`);
      assert.match(String(got._last_modified), /^\d{16,}$/);

      // The same object through a list.
      const listed = await read(`/api/upgradestatusinfo?uuid=${encodeURIComponent(String(got.uuid))}`);
      assert.equal(listed.count, 1);
      assert.ok(sameJson((listed.results as JsonObject[])[0], got), 'list result equals GET');

      // Read-modify-write clients: a PUT of what GET returned changes nothing but _last_modified.
      const put = await t.app.inject({
        method: 'PUT',
        url: `/api/upgradestatusinfo/${got.uuid}`,
        headers: HEADERS,
        payload: got,
      });
      assert.equal(put.statusCode, 200, put.body);
      const again = await read(`/api/upgradestatusinfo/${got.uuid}`);
      assertSame(again, got, 'GET after a PUT of the GET');
      assert.ok(BigInt(String(again._last_modified)) > BigInt(String(got._last_modified)));
    }),
    runs(120),
  );
});
