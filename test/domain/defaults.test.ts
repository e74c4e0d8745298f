import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UpgradeStatusInfo } from '../../src/domain/schema/index.js';
import { applyDefaults, withoutDefaults } from '../../src/domain/defaults.js';

const fill = (value: Record<string, unknown>) => applyDefaults(UpgradeStatusInfo, value);
const strip = (value: Record<string, unknown>) => withoutDefaults(UpgradeStatusInfo, value);

test('the top-level defaults are filled into an empty object', () => {
  assert.deepEqual(fill({}), { enable_rollback: false, enable_patch_rollback: false, progress: 0 });
});

test('present members are never overwritten', () => {
  assert.deepEqual(fill({ enable_rollback: true, enable_patch_rollback: true, progress: 50, name: 'n' }), {
    enable_rollback: true,
    enable_patch_rollback: true,
    progress: 50,
    name: 'n',
  });
});

test('a member set to null counts as absent', () => {
  assert.equal(fill({ progress: null }).progress, 0);
});

test('nested objects get their defaults only when they are present', () => {
  assert.deepEqual(fill({ params: { image_ref: '/api/image/i' } }).params, { image_ref: '/api/image/i' });
  assert.deepEqual(fill({ params: { se_group_options: {} } }).params, {
    se_group_options: { action_on_error: 'SUSPEND_UPGRADE_OPS_ON_ERROR', disruptive: false },
  });
  assert.deepEqual(fill({ seg_params: { se_group_resume_options: { disruptive: true } } }).seg_params, {
    se_group_resume_options: {
      disruptive: true,
      action_on_error: 'SUSPEND_UPGRADE_OPS_ON_ERROR',
      skip_suspended: false,
    },
  });
  assert.deepEqual(fill({ params: { service_engine: {}, controller: {} } }).params, {
    service_engine: {
      concurrent_segroup_upgrades: 8,
      image_data_transfer_size: 512,
      large_se_connect_timeout: 1200,
      se_connect_timeout: 600,
      simultaneous_image_downloads: 5,
      task_base_timeout: 300,
    },
    controller: { task_base_timeout: 300 },
  });
});

test('each object of a present list gets its defaults, at any depth', () => {
  const out = fill({
    upgrade_events: [
      { nodes_events: [{}, { status: true }], sub_events: [{ message: 'm' }] },
      { task_name: 't' },
    ],
    history: [
      { upgrade_events: [{ nodes_events: [{}] }], params: { se_group_options: { disruptive: true } } },
    ],
  });
  assert.deepEqual(out.upgrade_events, [
    { nodes_events: [{ status: false }, { status: true }], sub_events: [{ message: 'm', status: false }] },
    { task_name: 't' },
  ]);
  assert.deepEqual(out.history, [
    {
      upgrade_events: [{ nodes_events: [{ status: false }] }],
      params: { se_group_options: { disruptive: true, action_on_error: 'SUSPEND_UPGRADE_OPS_ON_ERROR' } },
    },
  ]);
});

test('applyDefaults leaves its input alone, copying what it fills and sharing the rest', () => {
  const value = { upgrade_events: [{ nodes_events: [{}] }], seg_status: { notes: ['a'] }, extra: [[1]] };
  const before = structuredClone(value);
  const out = fill(value);
  assert.deepEqual(value, before);
  assert.notEqual(out, value);
  // upgrade_events holds defaults (UpgradeEvent.status): rebuilt.
  assert.notEqual(out.upgrade_events, value.upgrade_events);
  // Subtrees without defaults are shared (documents are never changed in place).
  assert.equal(out.seg_status, value.seg_status);
  assert.equal(out.extra, value.extra);
});

test('withoutDefaults leaves out members equal to their default, at any depth', () => {
  const stored = {
    name: 'n',
    enable_rollback: false,
    enable_patch_rollback: true,
    progress: 0,
    params: { se_group_options: { action_on_error: 'SUSPEND_UPGRADE_OPS_ON_ERROR', disruptive: true } },
    upgrade_events: [{ nodes_events: [{ status: false, message: 'm' }, { status: true }] }],
    seg_status: { progress: 0 },
  };
  assert.deepEqual(strip(stored), {
    name: 'n',
    enable_patch_rollback: true,
    params: { se_group_options: { disruptive: true } },
    upgrade_events: [{ nodes_events: [{ message: 'm' }, { status: true }] }],
    // SeGroupStatus.progress has no default: kept.
    seg_status: { progress: 0 },
  });
});

test('withoutDefaults keeps objects that become empty', () => {
  assert.deepEqual(strip({ params: { se_group_options: { disruptive: false } } }), {
    params: { se_group_options: {} },
  });
});

test('withoutDefaults undoes applyDefaults', () => {
  const value = {
    name: 'n',
    params: { se_group_options: { disruptive: true } },
    upgrade_events: [{ nodes_events: [{ message: 'x' }] }],
  };
  assert.deepEqual(strip(fill(value)), value);
});

test('withoutDefaults returns a copy and leaves its input alone', () => {
  const value = { progress: 0, upgrade_events: [{ nodes_events: [{ status: false }] }] };
  const before = structuredClone(value);
  const out = strip(value);
  assert.deepEqual(value, before);
  assert.deepEqual(out, { upgrade_events: [{ nodes_events: [{}] }] });
  assert.notEqual(out.upgrade_events, value.upgrade_events);
});

test('a __proto__ member is copied as an own member and never changes a prototype', () => {
  const value = JSON.parse('{"__proto__": {"progress": 5}, "params": {"__proto__": {"polluted": 1}}}');
  for (const out of [fill(value), strip(value)]) {
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.ok(Object.hasOwn(out, '__proto__'));
    assert.equal(Object.getPrototypeOf(out.params), Object.prototype);
  }
  assert.equal(fill(value).progress, 0);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
