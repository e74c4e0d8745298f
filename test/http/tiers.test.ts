// License tiers end to end: in ESSENTIALS and BASIC a write may not change an enterprise-only
// field (at any depth), but may send back unchanged what a GET returned; ENTERPRISE and
// ENTERPRISE_WITH_CLOUD_SERVICES may set everything. Objects holding enterprise values are made
// by an ENTERPRISE app sharing the restricted app's store.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import {
  ADMIN_PASSWORD,
  JSON_HEADERS,
  TEST_SCRYPT,
  authenticateByDefault,
  basicAuth,
  sampleRecord,
  startTestApp,
  type TestApp,
} from '../helpers/app.js';

type Doc = Record<string, unknown>;
const COLLECTION = '/api/upgradestatusinfo';

/** Every enterprise-only field, as a body fragment, and how the tier error names it. */
const ENTERPRISE_FIELDS: [Doc, string][] = [
  [{ reason: 'readiness checks failed' }, 'reason'],
  [{ fips_mode: false }, 'fips_mode'],
  [{ history: [{ ops: 'UPGRADE', version: '30.2.1' }] }, 'history'],
  [{ prev_remote_image_ref: 'https://images/prev' }, 'prev_remote_image_ref'],
  [{ remote_image_ref: 'https://images/next' }, 'remote_image_ref'],
  [{ statediff_ref: '/api/statediffoperation/sd-1' }, 'statediff_ref'],
  [{ system_report_refs: ['/api/systemreport/?name=report-1'] }, 'system_report_refs'],
  [{ upgrade_readiness: { checks_completed: 1, checks: [{ description: 'disk' }] } }, 'upgrade_readiness'],
  [{ se_upgrade_events: [{ task: 'SE_UPGRADE_START', sub_tasks: ['a'] }] }, 'se_upgrade_events.sub_tasks'],
  [{ params: { image_ref: '/api/image/i-1', controller: { task_base_timeout: 600 } } }, 'params.controller'],
  [{ seg_params: { service_engine: { se_connect_timeout: 900 } } }, 'seg_params.service_engine'],
  [{ dryrun_info: { worker: 'w-1' } }, 'dryrun_info'],
];

/** A record holding every enterprise-only field. */
function enterpriseRecord(name: string): Doc {
  return sampleRecord(Object.assign({ name }, ...ENTERPRISE_FIELDS.map(([fragment]) => fragment)) as Doc);
}

for (const tier of ['ESSENTIALS', 'BASIC'] as const) {
  describe(`LICENSE_TIER=${tier}`, () => {
    let t: TestApp;
    /** An ENTERPRISE app over the same store: it writes the values the restricted tier must keep. */
    let enterprise: FastifyInstance;
    let n = 0;

    before(async () => {
      t = await startTestApp({ LICENSE_TIER: tier });
      enterprise = await buildApp({
        config: { ...t.config, licenseTier: 'ENTERPRISE' },
        storage: t.storage,
        scrypt: TEST_SCRYPT,
      });
      authenticateByDefault(enterprise, basicAuth('admin', ADMIN_PASSWORD));
    });
    after(async () => {
      await enterprise.close();
      await t.close();
    });

    const call = (
      method: 'GET' | 'POST' | 'PUT' | 'PATCH',
      url: string,
      payload?: unknown,
      version = '31.1.1',
    ) =>
      t.app.inject({
        method,
        url,
        headers: { ...JSON_HEADERS, 'x-avi-version': version },
        ...(payload === undefined ? {} : { payload: payload as Doc }),
      });
    const refused = (res: LightMyRequestResponse, field: string) => {
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(res.json(), {
        error: `Field UpgradeStatusInfo.${field} cannot be set in ${tier} license tier.`,
      });
    };
    /** An object holding every enterprise-only field, made by the ENTERPRISE app. */
    const enterpriseObject = async (): Promise<Doc> => {
      const res = await enterprise.inject({
        method: 'POST',
        url: COLLECTION,
        headers: JSON_HEADERS,
        payload: enterpriseRecord(`enterprise-${tier}-${n++}`),
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as Doc;
    };
    const plainObject = async (): Promise<Doc> => {
      const res = await call('POST', COLLECTION, sampleRecord({ name: `plain-${tier}-${n++}` }));
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as Doc;
    };
    const urlOf = (obj: Doc) => `${COLLECTION}/${String(obj.uuid)}`;
    const stored = async (obj: Doc) => (await call('GET', urlOf(obj))).json() as Doc;

    test('objects without enterprise-only fields are written as usual', async () => {
      const obj = await plainObject();
      const put = await call('PUT', urlOf(obj), sampleRecord({ name: obj.name, progress: 90 }));
      assert.equal(put.statusCode, 200, put.body);
      const patch = await call('PATCH', urlOf(obj), { replace: { progress: 95 } });
      assert.equal(patch.statusCode, 200, patch.body);
      assert.equal((patch.json() as Doc).progress, 95);
    });

    test('POST: every enterprise-only field is refused, at any depth, and nothing is created', async () => {
      for (const [fragment, field] of ENTERPRISE_FIELDS) {
        const name = `refused-${field}`;
        refused(await call('POST', COLLECTION, sampleRecord({ name, ...fragment })), field);
        assert.equal((await call('GET', `${COLLECTION}?name=${name}`)).json().count, 0);
      }
    });

    test('PUT, PATCH (envelope and JSON Patch) cannot add an enterprise-only value', async () => {
      const obj = await plainObject();
      for (const [fragment, field] of ENTERPRISE_FIELDS) {
        refused(await call('PUT', urlOf(obj), sampleRecord({ name: obj.name, ...fragment })), field);
        refused(await call('PATCH', urlOf(obj), { add: fragment }), field);
        refused(await call('PATCH', urlOf(obj), { replace: fragment }), field);
        const [key, value] = Object.entries(fragment)[0] as [string, unknown];
        refused(
          await call('PATCH', urlOf(obj), { json_patch: [{ op: 'add', path: `/${key}`, value }] }),
          field,
        );
      }
      assert.equal((await stored(obj))._last_modified, obj._last_modified, 'nothing changed');
    });

    test('what a GET returned can be sent back unchanged, in every reference form', async () => {
      const obj = await enterpriseObject();
      for (const query of ['', '?include_name', '?skip_default=true']) {
        const seen = (await call('GET', `${urlOf(obj)}${query}`)).json() as Doc;
        const put = await call('PUT', urlOf(obj), seen);
        assert.equal(put.statusCode, 200, `${query}: ${put.body}`);
      }
      // The POST response (references with #name), and stored forms (/api/<type>/<uuid>).
      const fromPost = { ...obj };
      delete fromPost._last_modified;
      assert.equal((await call('PUT', urlOf(obj), fromPost)).statusCode, 200);
      const now = await stored(obj);
      const put = await call('PUT', urlOf(obj), {
        ...now,
        statediff_ref: '/api/statediffoperation/sd-1',
        progress: 77,
      });
      assert.equal(put.statusCode, 200, put.body);
      const after = await stored(obj);
      assert.equal(after.progress, 77);
      assert.equal(after.reason, 'readiness checks failed');
      assert.deepEqual(after.history, now.history);
    });

    test('PUT that changes, clears or drops an enterprise-only value is refused; nothing changes', async () => {
      const obj = await enterpriseObject();
      const seen = await stored(obj);
      refused(await call('PUT', urlOf(obj), { ...seen, reason: 'another reason' }), 'reason');
      refused(await call('PUT', urlOf(obj), { ...seen, reason: null }), 'reason');
      const withoutReason = { ...seen };
      delete withoutReason.reason;
      refused(await call('PUT', urlOf(obj), withoutReason), 'reason');
      refused(await call('PUT', urlOf(obj), { ...seen, fips_mode: true }), 'fips_mode');
      refused(
        await call('PUT', urlOf(obj), { ...seen, params: { image_ref: '/api/image/i-1' } }),
        'params.controller',
      );
      refused(
        await call('PUT', urlOf(obj), {
          ...seen,
          se_upgrade_events: [{ task: 'SE_UPGRADE_START', sub_tasks: ['a', 'b'] }],
        }),
        'se_upgrade_events.sub_tasks',
      );
      refused(
        await call('PUT', urlOf(obj), { ...seen, statediff_ref: '/api/statediffoperation/sd-2' }),
        'statediff_ref',
      );
      assert.deepEqual(await stored(obj), seen);
    });

    test('PATCH may change ordinary fields of an object holding enterprise values, not those values', async () => {
      const obj = await enterpriseObject();
      const ok = await call('PATCH', urlOf(obj), { replace: { progress: 55 } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((ok.json() as Doc).reason, 'readiness checks failed');
      const same = await call('PATCH', urlOf(obj), { replace: { reason: 'readiness checks failed' } });
      assert.equal(same.statusCode, 200, 'the same value is not a change');
      const seen = await stored(obj);
      refused(await call('PATCH', urlOf(obj), { replace: { reason: 'x' } }), 'reason');
      refused(await call('PATCH', urlOf(obj), { delete: { reason: 'readiness checks failed' } }), 'reason');
      refused(
        await call('PATCH', urlOf(obj), { add: { history: [{ ops: 'ROLLBACK', version: '22.1.6' }] } }),
        'history',
      );
      refused(
        await call('PATCH', urlOf(obj), {
          json_patch: [{ op: 'replace', path: '/history/0/version', value: '31.1.1' }],
        }),
        'history',
      );
      refused(
        await call('PATCH', urlOf(obj), {
          json_patch: [{ op: 'replace', path: '/params/controller/task_base_timeout', value: 1200 }],
        }),
        'params.controller',
      );
      refused(
        await call('PATCH', urlOf(obj), {
          json_patch: [{ op: 'remove', path: '/upgrade_readiness' }],
        }),
        'upgrade_readiness',
      );
      assert.deepEqual(await stored(obj), seen);
    });

    test('a write at an old version keeps the enterprise values it cannot see: no change, no refusal', async () => {
      const obj = await enterpriseObject();
      const seen = (await call('GET', urlOf(obj), undefined, '18.2.8')).json() as Doc;
      assert.equal(seen.reason, undefined);
      assert.equal(seen.history, undefined);
      const put = await call('PUT', urlOf(obj), { ...seen, progress: 12 }, '18.2.8');
      assert.equal(put.statusCode, 200, put.body);
      const after = await stored(obj);
      assert.equal(after.progress, 12);
      assert.equal(after.reason, 'readiness checks failed');
      assert.deepEqual(after.history, [{ ops: 'UPGRADE', version: '30.2.1' }]);
    });
  });
}

for (const tier of ['ENTERPRISE', 'ENTERPRISE_WITH_CLOUD_SERVICES'] as const) {
  describe(`LICENSE_TIER=${tier}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp({ LICENSE_TIER: tier });
    });
    after(async () => {
      await t.close();
    });

    test('every enterprise-only field can be set, changed and cleared', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: COLLECTION,
        headers: JSON_HEADERS,
        payload: enterpriseRecord('all-fields'),
      });
      assert.equal(res.statusCode, 201, res.body);
      const url = `${COLLECTION}/${String((res.json() as Doc).uuid)}`;
      for (const payload of [
        { replace: { reason: 'changed', fips_mode: true } },
        { add: { history: [{ ops: 'ROLLBACK', version: '22.1.6' }] } },
        { delete: { upgrade_readiness: {} } },
        { json_patch: [{ op: 'replace', path: '/params/controller/task_base_timeout', value: 1200 }] },
      ]) {
        const patched = await t.app.inject({ method: 'PATCH', url, headers: JSON_HEADERS, payload });
        assert.equal(patched.statusCode, 200, `${JSON.stringify(payload)}: ${patched.body}`);
      }
      const put = await t.app.inject({
        method: 'PUT',
        url,
        headers: JSON_HEADERS,
        payload: { name: 'all-fields' },
      });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal((put.json() as Doc).reason, undefined);
    });

    test('the tier is reported at login as default_license_tier', async () => {
      const res = await t.anonymous({
        method: 'POST',
        url: '/login',
        headers: { 'content-type': 'application/json' },
        payload: { username: 'admin', password: ADMIN_PASSWORD },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(JSON.stringify(res.json()).includes(`"default_license_tier":"${tier}"`), true);
    });
  });
}
