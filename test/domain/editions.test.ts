import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/errors/catalogue.js';
import { UpgradeStatusInfo } from '../../src/domain/schema/index.js';
import { applyDefaults } from '../../src/domain/defaults.js';
import {
  RESTRICTED_TIERS,
  rejectTierViolations,
  tierAllowsEnterpriseFields,
  type LicenseTier,
} from '../../src/domain/editions/index.js';

type Doc = Record<string, unknown>;

const TIERS: LicenseTier[] = ['ENTERPRISE', 'ENTERPRISE_WITH_CLOUD_SERVICES', 'ESSENTIALS', 'BASIC'];
const RESTRICTED: LicenseTier[] = ['ESSENTIALS', 'BASIC'];

const check = (stored: Doc | undefined, next: Doc, tier: LicenseTier) =>
  rejectTierViolations(UpgradeStatusInfo, stored, next, tier);

function refused(stored: Doc | undefined, next: Doc, tier: LicenseTier, field: string): void {
  assert.throws(
    () => check(stored, next, tier),
    (err: unknown) => {
      assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
      assert.equal(err.status, 400);
      assert.equal(err.message, `Field UpgradeStatusInfo.${field} cannot be set in ${tier} license tier.`);
      return true;
    },
  );
}

/** A stored document as an ENTERPRISE controller could hold it. */
const stored: Doc = applyDefaults(UpgradeStatusInfo, {
  uuid: 'u-1',
  name: 'Default-Group',
  tenant_ref: '/api/tenant/admin#admin',
  reason: 'checks failed',
  fips_mode: false,
  statediff_ref: '/api/statediffoperation/sd-1#diff',
  system_report_refs: ['/api/systemreport/r-1#report'],
  history: [{ ops: 'UPGRADE', version: '30.2.1' }],
  params: { image_ref: '/api/image/i-1', controller: { task_base_timeout: 900 } },
  se_upgrade_events: [{ task: 'SE_UPGRADE_START', sub_tasks: ['a'] }, { task: 'SE_UPGRADE_DONE' }],
  upgrade_readiness: { checks_completed: 3, checks: [{ description: 'disk' }] },
});

const clone = (d: Doc): Doc => JSON.parse(JSON.stringify(d)) as Doc;

describe('license tiers', () => {
  it('knows which tiers are restricted', () => {
    assert.deepEqual(RESTRICTED_TIERS, ['ESSENTIALS', 'BASIC']);
    assert.equal(tierAllowsEnterpriseFields('ENTERPRISE'), true);
    assert.equal(tierAllowsEnterpriseFields('ENTERPRISE_WITH_CLOUD_SERVICES'), true);
    assert.equal(tierAllowsEnterpriseFields('ESSENTIALS'), false);
    assert.equal(tierAllowsEnterpriseFields('BASIC'), false);
  });

  it('ENTERPRISE and ENTERPRISE_WITH_CLOUD_SERVICES may set and change anything', () => {
    for (const tier of ['ENTERPRISE', 'ENTERPRISE_WITH_CLOUD_SERVICES'] as const) {
      check(undefined, clone(stored), tier);
      check(stored, { name: 'x', reason: 'other', history: [] }, tier);
      check(stored, {}, tier);
    }
  });

  it('ESSENTIALS and BASIC may not set an enterprise-only field on create', () => {
    for (const tier of RESTRICTED) {
      refused(undefined, { name: 'n', reason: 'r' }, tier, 'reason');
      refused(undefined, { fips_mode: false }, tier, 'fips_mode'); // no default: any value is a setting
      refused(undefined, { history: [] }, tier, 'history');
      refused(undefined, { statediff_ref: '/api/statediffoperation/x' }, tier, 'statediff_ref');
      refused(undefined, { system_report_refs: [] }, tier, 'system_report_refs');
      refused(undefined, { upgrade_readiness: {} }, tier, 'upgrade_readiness');
      refused(undefined, { dryrun_info: { progress: 1 } }, tier, 'dryrun_info');
      // Ordinary fields are fine, and absent or null enterprise fields are no setting.
      check(undefined, applyDefaults(UpgradeStatusInfo, { name: 'n', progress: 5, reason: null }), tier);
      check(undefined, {}, tier);
    }
  });

  it('names the outermost enterprise-only field by its dotted path, also inside ordinary fields and lists', () => {
    for (const tier of RESTRICTED) {
      refused(undefined, { params: { controller: { task_base_timeout: 900 } } }, tier, 'params.controller');
      refused(undefined, { seg_params: { service_engine: {} } }, tier, 'seg_params.service_engine');
      refused(
        undefined,
        { se_upgrade_events: [{ task: 'SE_UPGRADE_START' }, { sub_tasks: ['x'] }] },
        tier,
        'se_upgrade_events.sub_tasks',
      );
      refused(
        undefined,
        { seg_status: { se_upgrade_errors: [{ sub_tasks: [] }] } },
        tier,
        'seg_status.se_upgrade_errors.sub_tasks',
      );
      // history holds enterprise-only members too: the outermost one is reported.
      refused(undefined, { history: [{ params: { controller: {} } }] }, tier, 'history');
    }
  });

  it('lets a restricted tier send back unchanged what a GET returned', () => {
    for (const tier of RESTRICTED) {
      check(stored, clone(stored), tier);
      // Members at their defaults may be left out (skip_default) or sent; references compare by uuid.
      const sent = clone(stored);
      sent.statediff_ref = '/api/statediffoperation/sd-1';
      sent.system_report_refs = ['/api/systemreport/r-1'];
      (sent.params as Doc).controller = { task_base_timeout: 900 };
      check(stored, sent, tier);
      const withDefaults = clone(stored);
      (withDefaults.params as Doc).service_engine = undefined;
      check(stored, withDefaults, tier);
      // Ordinary fields may change freely.
      check(stored, { ...clone(stored), name: 'renamed', progress: 90, image_ref: '/api/image/i-2' }, tier);
    }
  });

  it('refuses a restricted tier changing, adding or clearing an enterprise-only value', () => {
    for (const tier of RESTRICTED) {
      refused(stored, { ...clone(stored), reason: 'changed' }, tier, 'reason');
      refused(stored, { ...clone(stored), fips_mode: true }, tier, 'fips_mode');
      const { reason: _reason, ...withoutReason } = clone(stored);
      refused(stored, withoutReason, tier, 'reason'); // clearing is a change
      refused(stored, { ...clone(stored), history: [] }, tier, 'history');
      refused(
        stored,
        { ...clone(stored), statediff_ref: '/api/statediffoperation/sd-2#diff' },
        tier,
        'statediff_ref',
      );
      const deeper = clone(stored);
      ((deeper.upgrade_readiness as Doc).checks as Doc[])[0] = { description: 'memory' };
      refused(stored, deeper, tier, 'upgrade_readiness');
      const nested = clone(stored);
      (nested.params as Doc).controller = { task_base_timeout: 300 };
      refused(stored, nested, tier, 'params.controller');
      const item = clone(stored);
      (item.se_upgrade_events as Doc[])[1] = { task: 'SE_UPGRADE_DONE', sub_tasks: ['b'] };
      refused(stored, item, tier, 'se_upgrade_events.sub_tasks');
      const removed = clone(stored);
      removed.se_upgrade_events = [{ task: 'SE_UPGRADE_DONE' }]; // the item holding sub_tasks is gone
      refused(stored, removed, tier, 'se_upgrade_events.sub_tasks');
    }
  });

  it('treats a default value and its absence alike', () => {
    const doc = { params: { controller: {} } };
    for (const tier of RESTRICTED) {
      // ControllerParams.task_base_timeout defaults to 300: {} and {task_base_timeout: 300} are the same.
      check(doc, { params: { controller: { task_base_timeout: 300 } } }, tier);
      check({ params: { controller: { task_base_timeout: 300 } } }, doc, tier);
      refused(doc, { params: { controller: { task_base_timeout: 301 } } }, tier, 'params.controller');
    }
  });

  it('allows everything for every tier when nothing enterprise-only is involved', () => {
    for (const tier of TIERS) check({ name: 'a' }, { name: 'b', state: { state: 'UPGRADE_FSM_INIT' } }, tier);
  });
});
