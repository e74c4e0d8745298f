import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../../src/errors/catalogue.js';
import { UpgradeStatusInfo } from '../../src/domain/schema/index.js';
import { obj, object, str } from '../../src/domain/schema/dsl.js';
import {
  DEFAULT_API_VERSION,
  admittingRelease,
  compareVersions,
  fieldExistsIn,
  filterForVersion,
  formatVersion,
  formatVersionTag,
  mergeHiddenFields,
  parseApiVersion,
  parseVersion,
  rejectNewerFields,
  seesAllFields,
  type ApiVersion,
} from '../../src/domain/versioning/index.js';
import { throws400 } from '../helpers/api-error.js';

const v = (text: string): ApiVersion => {
  const parsed = parseVersion(text);
  assert.ok(parsed, `test version ${text}`);
  return parsed;
};

const tooNew = (version: string, field: string, later: string) =>
  `Incoming request (${version}) has field (${field}) introduced in later versions(${later}).`;

describe('versions', () => {
  it('parses, compares and formats both ways', () => {
    assert.deepEqual(parseVersion('18.2.8'), { major: 18, minor: 2, patch: 8 });
    assert.deepEqual(parseVersion(' 31.1.1 '), { major: 31, minor: 1, patch: 1 });
    assert.deepEqual(parseVersion('20.1'), { major: 20, minor: 1, patch: 0 });
    for (const bad of [
      '',
      '18',
      '18.2.8.1',
      'v18_2_8',
      '18.x.1',
      '1e3.1.1',
      '18.2.8-9071',
      '00000001.1.1',
      '-1.2.3',
    ]) {
      assert.equal(parseVersion(bad), undefined, bad);
    }
    assert.equal(formatVersion(v('18.2.8')), '18.2.8');
    assert.equal(formatVersionTag(v('18.2.8')), 'v18_2_8');
    assert.equal(formatVersionTag(v('22.1')), 'v22_1_0');
    assert.ok(compareVersions(v('18.2.10'), v('18.2.9')) > 0, 'numeric, not textual');
    assert.ok(compareVersions(v('20.1.1'), v('18.2.10')) > 0);
    assert.equal(compareVersions(v('20.1'), v('20.1.0')), 0);
    assert.equal(DEFAULT_API_VERSION, '16.4.1');
  });

  it('takes the header, the default when it is absent or blank, and refuses bad or newer versions', () => {
    assert.deepEqual(parseApiVersion('18.2.6', '31.1.1', DEFAULT_API_VERSION), v('18.2.6'));
    assert.deepEqual(parseApiVersion('31.1.1', '31.1.1', DEFAULT_API_VERSION), v('31.1.1'));
    assert.deepEqual(parseApiVersion(undefined, '31.1.1', DEFAULT_API_VERSION), v('16.4.1'));
    assert.deepEqual(parseApiVersion('  ', '31.1.1', '18.2.6'), v('18.2.6'));
    assert.deepEqual(parseApiVersion(undefined, '31.1.1'), v(DEFAULT_API_VERSION));
    for (const bad of ['abc', '18.2.x', "18.2.8' OR 1=1", '18.2.8.1', 'x'.repeat(500)]) {
      throws400(() => parseApiVersion(bad, '31.1.1', DEFAULT_API_VERSION), /Invalid version/);
    }
    throws400(() => parseApiVersion('31.1.2', '31.1.1', DEFAULT_API_VERSION), /Invalid version '31\.1\.2'/);
    throws400(() => parseApiVersion('32.1', '31.1.1', DEFAULT_API_VERSION), /Invalid version/);
    // A long value is quoted shortened.
    assert.throws(
      () => parseApiVersion('9'.repeat(300), '31.1.1', DEFAULT_API_VERSION),
      (err: Error) => err.message.length < 200,
    );
    // A bad configuration is a programming error, not a 400.
    assert.throws(
      () => parseApiVersion('18.2.6', 'latest', DEFAULT_API_VERSION),
      (err) => !(err instanceof ApiError),
    );
  });
});

describe('fieldExistsIn', () => {
  it('follows back-ports: the same major.minor train, or at or past the highest release', () => {
    const since = ['18.2.10', '20.1.1'];
    for (const yes of ['18.2.10', '18.2.11', '18.2.99', '20.1.1', '20.1.2', '20.2.0', '21.1.1', '31.1.1']) {
      assert.equal(fieldExistsIn(since, v(yes)), true, yes);
    }
    for (const no of ['16.4.1', '18.1.99', '18.2.9', '18.2.8', '19.1.1', '19.2.5', '20.1.0']) {
      assert.equal(fieldExistsIn(since, v(no)), false, no);
    }
  });

  it('handles one release, unordered lists and an empty list', () => {
    assert.equal(fieldExistsIn(['22.1.3'], v('22.1.3')), true);
    assert.equal(fieldExistsIn(['22.1.3'], v('22.1.2')), false);
    assert.equal(fieldExistsIn(['22.1.3'], v('21.1.9')), false);
    assert.equal(fieldExistsIn(['30.2.1', '22.1.6'], v('22.1.7')), true);
    assert.equal(fieldExistsIn(['30.2.1', '22.1.6'], v('30.1.1')), false);
    assert.equal(fieldExistsIn(['30.2.1', '22.1.6'], v('30.2.1')), true);
    assert.equal(fieldExistsIn([], v('1.0.0')), true);
  });

  it('quotes the lowest listed release after the version, else the first', () => {
    assert.deepEqual(admittingRelease(['18.2.10', '20.1.1'], v('18.2.8')), v('18.2.10'));
    assert.deepEqual(admittingRelease(['18.2.10', '20.1.1'], v('19.1.1')), v('20.1.1'));
    assert.deepEqual(admittingRelease(['18.2.10', '20.1.1'], v('20.1.0')), v('20.1.1'));
    assert.deepEqual(admittingRelease(['20.1.1', '18.2.10'], v('16.4.1')), v('18.2.10'));
    assert.deepEqual(admittingRelease(['22.1.3'], v('31.1.1')), v('22.1.3'));
    assert.equal(admittingRelease([], v('18.2.8')), undefined);
  });
});

describe('rejectNewerFields', () => {
  const check = (body: unknown, version: string) => rejectNewerFields(UpgradeStatusInfo, body, v(version));

  it("refuses a top-level field with the controller's exact wording", () => {
    throws400(() => check({ name: 'x', reason: 'r' }, '18.2.8'), tooNew('v18_2_8', 'reason', 'v22_1_3'));
    // Present with its default value still counts.
    throws400(() => check({ progress: 0 }, '18.2.6'), tooNew('v18_2_6', 'progress', 'v18_2_8'));
    throws400(() => check({ progress: 0 }, '19.1.1'), tooNew('v19_1_1', 'progress', 'v20_1_1'));
    throws400(() => check({ progress: 0 }, '20.1.0'), tooNew('v20_1_0', 'progress', 'v20_1_1'));
    // No header: 16.4.1 predates the whole model.
    throws400(() => check({ name: 'x' }, DEFAULT_API_VERSION), tooNew('v16_4_1', 'name', 'v18_2_6'));
  });

  it('accepts fields the version has, back-ports included', () => {
    check({ name: 'x', progress: 5, node_type: 'NODE_SE_GROUP' }, '18.2.8');
    check({ progress: 5, clean: true }, '18.2.10');
    check({ progress: 5, clean: true }, '20.1.1');
    check({ reason: 'r', upgrade_readiness: { checks: [{ error_details: ['e'] }] } }, '31.1.1');
    check({}, DEFAULT_API_VERSION);
    check({ _last_modified: '1', url: 'u' }, DEFAULT_API_VERSION); // fields without a release
  });

  it('finds fields at any depth and in list items, naming them by their own name', () => {
    throws400(
      () => check({ state: { state: 'UPGRADE_FSM_INIT', rebooted: true } }, '20.1.1'),
      tooNew('v20_1_1', 'rebooted', 'v20_1_2'),
    );
    throws400(
      () => check({ upgrade_events: [{ task: 'ENABLE_MAINTENANCE_MODE' }, { task_name: 't' }] }, '18.2.8'),
      tooNew('v18_2_8', 'task_name', 'v18_2_10'),
    );
    throws400(
      () => check({ upgrade_events: [{ nodes_events: [{ message: 'm', sub_tasks: ['a'] }] }] }, '18.2.7'),
      tooNew('v18_2_7', 'sub_tasks', 'v18_2_8'),
    );
    throws400(
      () => check({ seg_status: { vs_errors: [{ se_ref: '/api/serviceengine/se-1' }] } }, '19.1.1'),
      tooNew('v19_1_1', 'se_ref', 'v20_1_1'),
    );
    throws400(
      () => check({ params: { controller: { task_base_timeout: 300 } } }, '30.2.1'),
      tooNew('v30_2_1', 'controller', 'v31_1_1'),
    );
    throws400(
      () => check({ seg_status: { se_upgrade_errors: [{ sub_tasks: ['x'] }] } }, '20.1.3'),
      tooNew('v20_1_3', 'sub_tasks', 'v20_1_4'),
    );
    // The same nested bodies pass at a version that has those fields.
    check({ state: { state: 'UPGRADE_FSM_INIT', rebooted: true } }, '20.1.2');
    check({ upgrade_events: [{ nodes_events: [{ sub_tasks: ['a'] }] }] }, '18.2.8');
  });

  it('reports a parent before its members, and ignores null members and unknown fields', () => {
    throws400(() => check({ history: [{ params: { controller: {} } }] }, '18.2.8'), /field \(history\)/);
    check({ reason: null, state: { rebooted: null } }, '18.2.8');
    check({ no_such_field: 1, state: { nope: 2 } }, '18.2.8');
    check('not an object', '18.2.8');
    check(null, '18.2.8');
  });
});

describe('filterForVersion', () => {
  const stored = {
    uuid: 'u-1',
    name: 'n',
    _last_modified: '1700000000000000',
    progress: 40,
    clean: true,
    reason: 'why',
    state: { state: 'UPGRADE_FSM_INIT', rebooted: true, last_changed_time: { secs: 1, usecs: 2 } },
    upgrade_events: [
      { task: 'ENABLE_MAINTENANCE_MODE', task_name: 't', nodes_events: [{ message: 'm', sub_tasks: ['a'] }] },
    ],
    params: { image_ref: '/api/image/i-1', controller: { task_base_timeout: 300 } },
    unknown_member: { kept: true },
  };

  it('leaves out fields the version lacks, at any depth and in list items', () => {
    assert.deepEqual(filterForVersion(UpgradeStatusInfo, stored, v('18.2.8')), {
      uuid: 'u-1',
      name: 'n',
      _last_modified: '1700000000000000',
      progress: 40,
      state: { state: 'UPGRADE_FSM_INIT', last_changed_time: { secs: 1, usecs: 2 } },
      upgrade_events: [
        { task: 'ENABLE_MAINTENANCE_MODE', nodes_events: [{ message: 'm', sub_tasks: ['a'] }] },
      ],
      params: { image_ref: '/api/image/i-1' },
      unknown_member: { kept: true },
    });
    const at20 = filterForVersion(UpgradeStatusInfo, stored, v('20.1.1'));
    assert.equal(at20.clean, true);
    assert.deepEqual(at20.state, { state: 'UPGRADE_FSM_INIT', last_changed_time: { secs: 1, usecs: 2 } });
    assert.equal(at20.reason, undefined);
    assert.equal((at20.upgrade_events as { task_name?: string }[])[0]?.task_name, 't');
    assert.deepEqual(filterForVersion(UpgradeStatusInfo, stored, v('19.1.1')).progress, undefined);
    assert.deepEqual(filterForVersion(UpgradeStatusInfo, stored, v(DEFAULT_API_VERSION)), {
      _last_modified: '1700000000000000',
      unknown_member: { kept: true },
    });
  });

  it('keeps everything at the newest version and returns a copy', () => {
    const out = filterForVersion(UpgradeStatusInfo, stored, v('31.1.1'));
    assert.deepEqual(out, stored);
    assert.notEqual(out, stored);
    assert.notEqual(out.state, stored.state);
    assert.equal(seesAllFields(UpgradeStatusInfo, v('31.2.1')), true); // OpsHistory.params is 31.2.1
    assert.equal(seesAllFields(UpgradeStatusInfo, v('31.1.1')), false);
    assert.equal(seesAllFields(UpgradeStatusInfo, v('18.2.8')), false);
  });
});

describe('mergeHiddenFields', () => {
  const stored = {
    name: 'n',
    progress: 40,
    reason: 'newer data',
    fips_mode: true,
    state: { state: 'UPGRADE_FSM_INIT', rebooted: true },
    params: { image_ref: '/api/image/i-1', controller: { task_base_timeout: 900 } },
    upgrade_events: [{ task: 'ENABLE_MAINTENANCE_MODE', task_name: 'hidden at 18.2.6' }],
    seg_status: { vs_errors: [{ se_ref: '/api/serviceengine/se-1' }] },
  };

  it('keeps newer stored fields a PUT at an old version could not see, at any depth', () => {
    const incoming = {
      name: 'n2',
      state: { state: 'UPGRADE_FSM_COMPLETED' },
      params: { patch_ref: '/api/image/p-1' },
      upgrade_events: [{ task: 'ENABLE_MAINTENANCE_MODE' }],
    };
    assert.deepEqual(mergeHiddenFields(UpgradeStatusInfo, stored, incoming, v('18.2.6')), {
      name: 'n2',
      state: { state: 'UPGRADE_FSM_COMPLETED', rebooted: true },
      params: { patch_ref: '/api/image/p-1', controller: { task_base_timeout: 900 } },
      // the item came back as 18.2.6 sees it: the stored item, hidden task_name included
      upgrade_events: [{ task: 'ENABLE_MAINTENANCE_MODE', task_name: 'hidden at 18.2.6' }],
      progress: 40, // 18.2.6 cannot see progress (18.2.8)
      reason: 'newer data',
      fips_mode: true,
    });
  });

  it('lets visible fields go (full replacement) and keeps hidden ones whatever the request says', () => {
    const merged = mergeHiddenFields(UpgradeStatusInfo, stored, { reason: null, name: 'n' }, v('20.1.1'));
    assert.deepEqual(merged, { name: 'n', reason: 'newer data', fips_mode: true });
    // Every field visible: the request as it is.
    const incoming = { name: 'n' };
    const all = mergeHiddenFields(UpgradeStatusInfo, stored, incoming, v('31.2.1'));
    assert.deepEqual(all, incoming);
    assert.notEqual(all, incoming);
  });

  it('does not modify its inputs', () => {
    const incoming = { state: { state: 'UPGRADE_FSM_COMPLETED' } };
    const snapshot = JSON.stringify([stored, incoming]);
    mergeHiddenFields(UpgradeStatusInfo, stored, incoming, v('18.2.8'));
    assert.equal(JSON.stringify([stored, incoming]), snapshot);
  });

  it('round-trips: what a GET at an old version shows, PUT back, gives the stored document', () => {
    for (const version of ['16.4.1', '18.2.6', '18.2.8', '19.1.1', '20.1.1', '22.1.3', '31.1.1']) {
      const seen = filterForVersion(UpgradeStatusInfo, stored, v(version));
      const merged = mergeHiddenFields(UpgradeStatusInfo, stored, seen, v(version));
      assert.deepEqual(sortKeys(merged), sortKeys(stored), version);
    }
  });

  it('restores hidden fields into list items sent back unchanged, wherever they moved', () => {
    const doc = {
      upgrade_events: [
        { task: 'ENABLE_MAINTENANCE_MODE', task_name: 'one' },
        { task: 'DISABLE_MAINTENANCE_MODE', task_name: 'two', sub_events: [{ message: 'x' }] },
        { task: 'ENABLE_MAINTENANCE_MODE', task_name: 'three' },
      ],
    };
    const incoming = {
      upgrade_events: [
        { task: 'DISABLE_MAINTENANCE_MODE' }, // unchanged, moved first
        { task: 'ENABLE_MAINTENANCE_MODE' }, // unchanged (twice in the stored list: first unused one)
        { task: 'ENABLE_MAINTENANCE_MODE' },
        { task: 'ENABLE_MAINTENANCE_MODE' }, // no stored item left: as sent
        { task: 'REBOOT_CONTROLLER_NODE', ip: null }, // new: as sent
      ],
    };
    assert.deepEqual(mergeHiddenFields(UpgradeStatusInfo, doc, incoming, v('18.2.8')).upgrade_events, [
      { task: 'DISABLE_MAINTENANCE_MODE', task_name: 'two', sub_events: [{ message: 'x' }] },
      { task: 'ENABLE_MAINTENANCE_MODE', task_name: 'one' },
      { task: 'ENABLE_MAINTENANCE_MODE', task_name: 'three' },
      { task: 'ENABLE_MAINTENANCE_MODE' },
      { task: 'REBOOT_CONTROLLER_NODE', ip: null },
    ]);
    // A changed item keeps only what the request says; an absent list stays absent.
    const changed = { upgrade_events: [{ task: 'DISABLE_MAINTENANCE_MODE', end_time: 'now' }] };
    assert.deepEqual(mergeHiddenFields(UpgradeStatusInfo, doc, changed, v('18.2.8')), changed);
    assert.deepEqual(mergeHiddenFields(UpgradeStatusInfo, doc, {}, v('18.2.8')), {});
  });

  it('works for any schema written with the DSL', () => {
    const Inner = object('Inner', { a: str({}), b: str({ since: ['30.1.1'] }) });
    const Root = object('Root', { inner: obj(Inner, {}), plain: Type.Optional(Type.String()) });
    assert.deepEqual(
      mergeHiddenFields(Root, { inner: { a: '1', b: '2' }, plain: 'p' }, { inner: { a: '3' } }, v('20.1.1')),
      { inner: { a: '3', b: '2' } },
    );
    throws400(
      () => rejectNewerFields(Root, { inner: { b: 'x' } }, v('20.1.1')),
      tooNew('v20_1_1', 'b', 'v30_1_1'),
    );
  });
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
