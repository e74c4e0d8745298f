// Property: random sequences of PATCH operations (the Avi envelope on scalars, nested objects,
// keyed lists, lists of scalars and references; and JSON Patch at any depth) give exactly what the
// reference implementation of the documented rules gives; a patch the rules refuse is a 400 with
// a JSON error that changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { runs, SERVER_SET, validObject } from '../helpers/arbitraries.js';
import { NEWEST_RELEASE, parseRelease, sameJson, without, type JsonObject } from '../helpers/model.js';
import { envelopeFor, jsonPatchOp } from './patch-ops.js';
import {
  coverage,
  referenceEnvelope,
  referenceJsonPatch,
  Refused,
  type JsonPatchOp,
} from './patch-reference.js';

let t: TestApp;
const HEADERS = { 'content-type': 'application/json', 'x-avi-version': NEWEST_RELEASE };
const initial = validObject({
  version: parseRelease(NEWEST_RELEASE),
  coerce: false,
  maxItems: 3,
  sparseness: 1,
  skipRoot: [...SERVER_SET, 'name'],
});

before(async () => {
  t = await startTestApp({ CONTROLLER_VERSION: NEWEST_RELEASE });
});
after(async () => {
  await t.close();
});

let n = 0;

async function read(uuid: string): Promise<JsonObject> {
  const res = await t.app.inject({ method: 'GET', url: `/api/upgradestatusinfo/${uuid}`, headers: HEADERS });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** The reference's result, or undefined when the rules refuse the patch. */
function expected(apply: () => JsonObject): JsonObject | undefined {
  try {
    return apply();
  } catch (e) {
    if (e instanceof Refused) return undefined;
    throw e;
  }
}

test('PATCH sequences match the reference implementation of the documented rules', async (ctx) => {
  const stats: Record<string, number> = {
    envelope: 0,
    envelopeRefused: 0,
    jsonPatch: 0,
    jsonPatchRefused: 0,
  };
  await fc.assert(
    fc.asyncProperty(initial, fc.gen(), async ({ body }, g) => {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/upgradestatusinfo',
        headers: HEADERS,
        payload: { ...body, name: `patch-${n++}` },
      });
      assert.equal(created.statusCode, 201, created.body);
      const uuid = created.json().uuid as string;
      let doc = await read(uuid);
      const steps = g(() => fc.integer({ min: 1, max: 5 }));
      for (let step = 0; step < steps; step++) {
        let payload: unknown;
        let want: JsonObject | undefined;
        const form = g(() => fc.constantFrom('envelope', 'jsonPatch'));
        if (form === 'envelope') {
          const envelope = envelopeFor(g, doc);
          payload = envelope.sent;
          const current = doc;
          want = expected(() => referenceEnvelope(current, envelope.expect));
        } else {
          const sent: JsonPatchOp[] = [];
          const applied: JsonPatchOp[] = [];
          let simulated = doc;
          const count = g(() => fc.integer({ min: 1, max: 4 }));
          for (let i = 0; i < count; i++) {
            const op = jsonPatchOp(g, simulated);
            sent.push(op.sent);
            applied.push(op.expect);
            simulated = expected(() => referenceJsonPatch(simulated, [op.expect])) ?? simulated;
          }
          payload = { json_patch: sent };
          const current = doc;
          want = expected(() => referenceJsonPatch(current, applied));
        }
        const res = await t.app.inject({
          method: 'PATCH',
          url: `/api/upgradestatusinfo/${uuid}`,
          headers: HEADERS,
          payload: payload as object,
        });
        const after = await read(uuid);
        const what = `step ${step}: ${JSON.stringify(payload)}\n-> ${res.statusCode} ${res.body.slice(0, 2000)}`;
        const outcome = want === undefined ? `${form}Refused` : form;
        stats[outcome] = (stats[outcome] ?? 0) + 1;
        if (want === undefined) {
          assert.equal(res.statusCode, 400, what);
          assert.equal(typeof res.json().error, 'string', what);
          assert.ok(sameJson(after, doc), `a refused PATCH changed the object: ${what}`);
          continue;
        }
        assert.equal(res.statusCode, 200, what);
        assert.ok(sameJson(res.json(), after), `the PATCH response is what a GET returns: ${what}`);
        const a = without(after, ['_last_modified']);
        const w = without(want, ['_last_modified']);
        assert.ok(sameJson(a, w), `${what}\nactual:   ${JSON.stringify(a)}\nexpected: ${JSON.stringify(w)}`);
        doc = after;
      }
    }),
    runs(100),
  );
  ctx.diagnostic(JSON.stringify(stats));
  ctx.diagnostic(
    `merged: ${[...coverage.merged].join(', ')}; deleted from: ${[...coverage.deletedFrom].join(', ')}`,
  );
  // Both forms were exercised, with patches both applied and refused.
  for (const [k, count] of Object.entries(stats)) assert.ok(count > 0, `no ${k} case was generated`);
});
