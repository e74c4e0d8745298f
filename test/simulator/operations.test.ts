// The other operations: rollback, patch and rollback of the patch, controller-only then
// SE-group upgrades, dry run, pre-checks only, previews, and the SE-group concurrency limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  call,
  createFleet,
  imageByName,
  ok,
  record,
  records,
  runToEnd,
  segOf,
  simulatorApp,
  stateOf,
  steps,
  type Doc,
} from './harness.js';

const TARGET = '31.1.1-9122-20240815.041503';
const BASE = '30.2.1-9046-20240301.010203';

test('rollback after an upgrade swaps the versions back and adds a history entry', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    await ok(t, 'POST', '/api/upgrade', {
      image_uuid: imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET),
      system: true,
    });
    await runToEnd(t);
    const started = await ok(t, 'POST', '/api/rollback', { system: true, rollback_type: 1 });
    assert.equal(started.status_code, 'SYSERR_ROLLBACK_SYSTEM_STARTED');
    const end = await runToEnd(t);
    assert.equal((end.run as Doc).status, 'completed');
    for (const doc of await records(t)) {
      assert.equal(doc.version, BASE, String(doc.name));
      assert.equal(doc.previous_version, TARGET);
      assert.equal(doc.enable_rollback, false);
      assert.equal(doc.upgrade_ops, 'ROLLBACK');
      assert.equal(stateOf(doc), 'UPGRADE_FSM_COMPLETED');
      assert.deepEqual(
        (doc.history as Doc[]).map((h) => h.ops),
        ['UPGRADE', 'ROLLBACK'],
      );
    }
  } finally {
    await t.close();
  }
});

test('a patch sets patch_version and enable_patch_rollback; rollback_type 2 takes it away', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    const patch = imageByName(fleet, 'IMAGE_TYPE_PATCH', BASE);
    const started = await ok(t, 'POST', '/api/upgrade', {
      controller_patch_uuid: patch,
      se_patch_uuid: patch,
      system: true,
      image_uuid: '',
    });
    assert.equal(started.status_code, 'SYSERR_PATCH_SYSTEM_STARTED');
    await steps(t, 3);
    assert.equal((await call(t, 'POST', '/api/tenant', { name: 'x' })).status, 403);
    await runToEnd(t);
    for (const doc of await records(t)) {
      assert.equal(doc.version, BASE);
      assert.equal(doc.patch_version, '2p1');
      assert.equal(doc.enable_patch_rollback, true);
      assert.equal((doc.patch_list as Doc[]).length, 1);
    }
    const cluster = await record(t, fleet.cluster.uuid);
    assert.deepEqual((cluster.upgrade_events as Doc[]).map((e) => e.task).slice(0, 3), [
      'EXTRACT_PATCH_IMAGE',
      'EXECUTE_PRE_INSTALL_COMMANDS',
      'INSTALL_PATCH_IMAGE',
    ]);
    await ok(t, 'POST', '/api/rollback', { system: true, rollback_type: 2 });
    await runToEnd(t);
    for (const doc of await records(t)) {
      assert.equal(doc.patch_version, undefined);
      assert.equal(doc.enable_patch_rollback, false);
      assert.equal(doc.upgrade_ops, 'ROLLBACKPATCH');
    }
  } finally {
    await t.close();
  }
});

test('controller only, then chosen SE groups; SE groups may not pass the controller', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    const image = imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET);
    const [g1, g2, g3] = fleet.se_groups;
    const early = await call(t, 'POST', '/api/upgrade', { image_uuid: image, se_group_uuids: [g1!.uuid] });
    assert.equal(early.status, 400);
    assert.match(String(early.json.error), /SYSERR_UPGRADE_OPS_CHECK_VERSION_COMPATIBILITY/);
    assert.equal(
      (await ok(t, 'POST', '/api/upgrade', { image_uuid: image })).status_code,
      'SYSERR_UPGRADE_CONTROLLER_STARTED',
    );
    await runToEnd(t);
    assert.equal((await record(t, fleet.cluster.uuid)).version, TARGET);
    for (const g of fleet.se_groups) assert.equal((await record(t, g.uuid)).version, BASE);
    const started = await ok(t, 'POST', '/api/upgrade', {
      image_ref: image,
      se_group_refs: [`/api/serviceenginegroup/${g1!.uuid}`, g3!.name],
    });
    assert.equal(started.status_code, 'SYSERR_UPGRADE_SEGROUP_STARTED');
    assert.equal(
      (await call(t, 'POST', '/api/tenant', { name: 'allowed' })).status,
      201,
      'SE group operations do not lock configuration',
    );
    await runToEnd(t);
    assert.equal((await record(t, g1!.uuid)).version, TARGET);
    assert.equal((await record(t, g2!.uuid)).version, BASE);
    assert.equal((await record(t, g3!.uuid)).version, TARGET);
    assert.equal((await record(t, fleet.cluster.uuid)).upgrade_ops, 'UPGRADE');
  } finally {
    await t.close();
  }
});

test('a dry run fills dryrun_info and changes no version', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    const before = await record(t, fleet.cluster.uuid);
    await ok(t, 'POST', '/api/upgrade', {
      image_uuid: imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET),
      system: true,
      dryrun: true,
    });
    assert.equal(
      (await call(t, 'POST', '/api/tenant', { name: 'free' })).status,
      201,
      'a dry run locks nothing',
    );
    await runToEnd(t);
    const after = await record(t, fleet.cluster.uuid);
    const info = after.dryrun_info as Doc;
    assert.equal(info.operation, 'UPGRADE_DRYRUN');
    assert.equal((info.state as Doc).state, 'UPGRADE_FSM_COMPLETED');
    assert.equal(info.tasks_completed, info.total_tasks);
    assert.equal(info.progress, 100);
    assert.equal(
      ((info.upgrade_events as Doc[])[0]?.sub_events as unknown[]).length,
      1,
      'on the worker node only',
    );
    assert.equal(after.version, before.version);
    assert.deepEqual(after.state, before.state);
    for (const g of fleet.se_groups) assert.equal(stateOf(await record(t, g.uuid)), 'UPGRADE_FSM_COMPLETED');
  } finally {
    await t.close();
  }
});

test('prechecks_only runs the checks alone; /preview lists them and starts nothing', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    const image = imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET);
    const preview = await ok(t, 'POST', '/api/upgrade/preview', { image_uuid: image, system: true });
    assert.equal(preview.status_code, 'SYSERR_UPGRADE_OPS_PREVIEW_RESPONSE');
    assert.ok((preview.checks as unknown[]).length >= 5);
    assert.equal((await ok(t, 'GET', '/api/simulator/status')).run, null);
    const resumePreview = await ok(t, 'POST', '/api/segroup/resume/preview', {});
    assert.equal((resumePreview.checks as unknown[]).length, 2);

    await ok(t, 'POST', '/api/upgrade', { image_uuid: image, system: true, prechecks_only: true });
    await runToEnd(t);
    const cluster = await record(t, fleet.cluster.uuid);
    assert.equal(stateOf(cluster), 'UPGRADE_PRE_CHECK_SUCCESS');
    assert.equal(cluster.version, BASE);
    assert.equal((cluster.upgrade_readiness as Doc).checks_completed, (preview.checks as unknown[]).length);
  } finally {
    await t.close();
  }
});

test('no more SE groups upgrade at once than concurrent_segroup_upgrades', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t, { se_groups: 4, ses_per_group: 1 });
    const patched = await call(t, 'PATCH', `/api/upgradestatusinfo/${fleet.cluster.uuid}`, {
      replace: { params: { service_engine: { concurrent_segroup_upgrades: 2 } } },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.json));
    await ok(t, 'POST', '/api/upgrade', {
      image_uuid: imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET),
      system: true,
    });
    let most = 0;
    let enqueued = 0;
    for (let i = 0; i < 300; i++) {
      const groups = (await records(t)).filter((r) => r.node_type === 'NODE_SE_GROUP');
      most = Math.max(most, groups.filter((g) => segOf(g).in_progress === true).length);
      enqueued = Math.max(enqueued, groups.filter((g) => stateOf(g) === 'UPGRADE_FSM_ENQUEUED').length);
      if ((await steps(t, 1)) === 0) break;
    }
    assert.equal(most, 2);
    assert.equal(enqueued, 4);
  } finally {
    await t.close();
  }
});

test('disruptive upgrades the SEs of a group in parallel; SE records follow their SEs', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t, { se_groups: 1, ses_per_group: 3, se_records: true });
    const group = fleet.se_groups[0]!;
    await ok(t, 'POST', '/api/upgrade', {
      image_uuid: imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET),
      system: true,
      se_group_options: { disruptive: true },
    });
    let most = 0;
    for (let i = 0; i < 300; i++) {
      const g = await record(t, group.uuid);
      most = Math.max(most, ((segOf(g).se_upgrade_in_progress ?? []) as unknown[]).length);
      if (segOf(g).in_progress === true) assert.equal(segOf(g).state, 'SEGROUP_PARALLEL_SE_UPGRADE');
      if ((await steps(t, 1)) === 0) break;
    }
    assert.equal(most, 3);
    const g = await record(t, group.uuid);
    assert.equal(((g.se_upgrade_events as Doc[])[0] as Doc).traffic_status, 'TRAFFIC_DISRUPTED');
    for (const se of group.ses) {
      const doc = await record(t, se.uuid);
      assert.equal(doc.node_type, 'NODE_SE_TYPE');
      assert.equal(stateOf(doc), 'UPGRADE_FSM_COMPLETED');
      assert.equal(doc.version, TARGET);
    }
    await records(t); // all valid
  } finally {
    await t.close();
  }
});
