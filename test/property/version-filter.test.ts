// Property: a response at a random X-Avi-Version never shows a field newer than that version (by
// the model's "introduced in" releases and the documented rule), and shows every other stored
// field; a PUT at that version of what it read loses nothing the version cannot see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { runs, SERVER_SET, validObject } from '../helpers/arbitraries.js';
import {
  compare,
  existsIn,
  formatVersion,
  isObject,
  KEPT_AT_EVERY_VERSION,
  MODEL,
  modelReleases,
  NEWEST_RELEASE,
  parseRelease,
  propertiesOf,
  sameJson,
  sinceOf,
  viewAt,
  without,
  type Json,
  type JsonObject,
  type ModelNode,
  type Version,
} from '../helpers/model.js';

let t: TestApp;
const NEWEST = parseRelease(NEWEST_RELEASE);
const JSON_TYPE = { 'content-type': 'application/json' };
const objects = validObject({ version: NEWEST, skipRoot: [...SERVER_SET, 'name'], sparseness: 1 });

before(async () => {
  t = await startTestApp({ CONTROLLER_VERSION: NEWEST_RELEASE });
});
after(async () => {
  await t.close();
});

/** Versions around every release the model lists, and any other version up to the newest. */
const versions: fc.Arbitrary<{ header: string; version: Version }> = fc
  .oneof(
    fc
      .constantFrom(...modelReleases().map(parseRelease))
      .chain((r) =>
        fc.constantFrom<Version>(
          r,
          [r[0], r[1], r[2] + 1],
          [r[0], r[1], Math.max(0, r[2] - 1)],
          [r[0], r[1] + 1, 0],
        ),
      ),
    fc.tuple(fc.integer({ min: 16, max: NEWEST[0] }), fc.nat(9), fc.nat(12)),
  )
  .filter((v) => compare(v, NEWEST) <= 0)
  .chain((v) => {
    const full = { header: formatVersion(v), version: v };
    // `X.Y` is X.Y.0
    return v[2] === 0 ? fc.constantFrom(full, { header: `${v[0]}.${v[1]}`, version: v }) : fc.constant(full);
  });

/** Every member of `value` (at any depth) that version `v` does not have, by path. */
function tooNew(node: ModelNode, value: Json, v: Version, path: string, root: boolean): string[] {
  if (Array.isArray(value))
    return value.flatMap((x, i) => tooNew(node.items ?? {}, x, v, `${path}[${i}]`, false));
  if (!isObject(value)) return [];
  const out: string[] = [];
  const props = propertiesOf(node);
  for (const [key, member] of Object.entries(value)) {
    const child = props[key];
    if (!child || (root && KEPT_AT_EVERY_VERSION.includes(key))) continue;
    const at = path === '' ? key : `${path}.${key}`;
    if (!existsIn(sinceOf(child), v)) out.push(at);
    else out.push(...tooNew(child, member, v, at, false));
  }
  return out;
}

let n = 0;
const get = (url: string, header: string) =>
  t.app.inject({ method: 'GET', url, headers: { 'x-avi-version': header } });

test('a response at any version shows exactly the stored fields that version has', async () => {
  await fc.assert(
    fc.asyncProperty(objects, versions, async ({ body }, { header, version }) => {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/upgradestatusinfo',
        headers: { ...JSON_TYPE, 'x-avi-version': NEWEST_RELEASE },
        payload: { ...body, name: `v-${n++}` },
      });
      assert.equal(created.statusCode, 201, created.body);
      const url = `/api/upgradestatusinfo/${created.json().uuid}`;
      const full: JsonObject = (await get(url, NEWEST_RELEASE)).json();

      const res = await get(url, header);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers.avi_api_version, header);
      const shown: JsonObject = res.json();
      assert.deepEqual(tooNew(MODEL, shown, version, '', true), [], `fields newer than ${header}`);
      assert.ok(sameJson(shown, viewAt(MODEL, full, version)), `${header}: ${JSON.stringify(shown)}`);

      const listed = await get(
        `/api/upgradestatusinfo?uuid=${encodeURIComponent(String(full.uuid))}`,
        header,
      );
      assert.ok(sameJson(listed.json().results[0], shown), 'a list shows what a GET shows');
      const patched = await t.app.inject({
        method: 'PATCH',
        url,
        headers: { ...JSON_TYPE, 'x-avi-version': header },
        payload: {},
      });
      assert.ok(sameJson(patched.json(), shown), 'an empty PATCH answers what a GET does');

      // A PUT at this version of what it read (without the always-kept members it does not have).
      const props = propertiesOf(MODEL);
      const hidden = Object.keys(shown).filter((k) => props[k] && !existsIn(sinceOf(props[k]), version));
      const put = await t.app.inject({
        method: 'PUT',
        url,
        headers: { ...JSON_TYPE, 'x-avi-version': header },
        payload: without(shown, hidden),
      });
      assert.equal(put.statusCode, 200, put.body);
      const after: JsonObject = (await get(url, NEWEST_RELEASE)).json();
      assert.ok(
        sameJson(without(after, ['_last_modified']), without(full, ['_last_modified'])),
        `a PUT at ${header} lost data:\n${JSON.stringify(after)}\n${JSON.stringify(full)}`,
      );

      // A PATCH at this version replacing every member it shows with what it read, in either form.
      const members = without(shown, [...hidden, ...SERVER_SET, 'url', 'name', '_last_modified']);
      const json_patch = Object.entries(members).map(([k, value]) => ({
        op: 'replace',
        path: `/${k}`,
        value,
      }));
      for (const payload of [{ replace: members }, { json_patch }]) {
        const patched = await t.app.inject({
          method: 'PATCH',
          url,
          headers: { ...JSON_TYPE, 'x-avi-version': header },
          payload,
        });
        assert.equal(patched.statusCode, 200, patched.body);
        const again: JsonObject = (await get(url, NEWEST_RELEASE)).json();
        assert.ok(
          sameJson(without(again, ['_last_modified']), without(full, ['_last_modified'])),
          `a PATCH at ${header} lost data:\n${JSON.stringify(again)}\n${JSON.stringify(full)}`,
        );
      }
    }),
    runs(150),
  );
});
