// Faults on demand and action_on_error: suspend (then resume, retrying or skipping the suspended
// SE), continue, roll back; a failing controller task; a disconnected SE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleRecord } from '../helpers/app.js';
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
  type Doc,
  type FleetInfo,
} from './harness.js';
import type { TestApp } from '../helpers/app.js';

const TARGET = '31.1.1-9122-20240815.041503';
const BASE = '30.2.1-9046-20240301.010203';

async function upgradeWith(t: TestApp, fleet: FleetInfo, extra: Doc): Promise<Doc> {
  await ok(t, 'POST', '/api/upgrade', {
    image_uuid: imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET),
    system: true,
    ...extra,
  });
  return runToEnd(t);
}

const listOf = (g: Doc, key: string): string[] =>
  ((segOf(g)[key] ?? []) as string[]).map((r) => r.split('/').pop() as string);

test('SUSPEND (the default): the group stops at the failed SE; a resume retries it and the upgrade completes', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    const group = fleet.se_groups[0]!;
    const [se1, se2] = group.ses;
    const end = await upgradeWith(t, fleet, {
      simulator_faults: [{ type: 'se', target: se1!.name, error: 'Image install failed on the SE.' }],
    });
    assert.equal((end.run as Doc).status, 'suspended');
    assert.deepEqual((end.run as Doc).suspended_se_groups, [group.uuid]);
    const g = await record(t, group.uuid);
    assert.equal(stateOf(g), 'UPGRADE_FSM_SUSPENDED');
    assert.equal(segOf(g).state, 'SEGROUP_UPGRADE_SUSPENDED');
    assert.deepEqual(listOf(g, 'se_upgrade_suspended'), [se1!.uuid]);
    assert.deepEqual(listOf(g, 'se_upgrade_not_started'), [se2!.uuid]);
    assert.equal(
      ((segOf(g).se_upgrade_errors as Doc[])[0]?.reason as string[])[0],
      'Image install failed on the SE.',
    );
    assert.equal(g.version, BASE);
    assert.equal(stateOf(await record(t, fleet.cluster.uuid)), 'UPGRADE_FSM_SUSPENDED');
    for (const other of fleet.se_groups.slice(1))
      assert.equal(stateOf(await record(t, other.uuid)), 'UPGRADE_FSM_COMPLETED');
    // The controller phase is over: configuration may change again.
    assert.equal((await call(t, 'POST', '/api/upgradestatusinfo', sampleRecord({ name: 'x' }))).status, 201);
    // Another operation waits for the suspended one.
    assert.equal((await call(t, 'POST', '/api/rollback', { system: true })).status, 409);

    const resumed = await ok(t, 'POST', '/api/segroup/resume', { se_group_uuids: [group.uuid] });
    assert.equal(resumed.status_code, 'SYSERR_RESUME_SEGROUP_STARTED');
    const during = await record(t, group.uuid);
    assert.equal(stateOf(during), 'UPGRADE_FSM_IN_PROGRESS');
    assert.equal(during.upgrade_ops, 'SEGROUP_RESUME');
    assert.equal(((during.params as Doc).se_group_resume_options as Doc).skip_suspended, false);
    const done = await runToEnd(t);
    assert.equal((done.run as Doc).status, 'completed');
    const after = await record(t, group.uuid);
    assert.equal(stateOf(after), 'UPGRADE_FSM_COMPLETED');
    assert.deepEqual(listOf(after, 'se_upgrade_completed').sort(), [se1!.uuid, se2!.uuid].sort());
    assert.equal(after.version, TARGET);
    assert.equal(stateOf(await record(t, fleet.cluster.uuid)), 'UPGRADE_FSM_COMPLETED');
  } finally {
    await t.close();
  }
});

test('resume with skip_suspended (typed style) leaves the suspended SE out', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    const group = fleet.se_groups[1]!;
    const [se1, se2] = group.ses;
    await upgradeWith(t, fleet, { simulator_faults: [{ type: 'se', target: se1!.uuid, persistent: true }] });
    await ok(t, 'POST', '/api/upgrade/segroup/resume', {
      se_group_refs: [`/api/serviceenginegroup/${group.uuid}`],
      se_group_resume_options: { skip_suspended: true },
    });
    await runToEnd(t);
    const g = await record(t, group.uuid);
    assert.equal(stateOf(g), 'UPGRADE_FSM_COMPLETED');
    assert.deepEqual(listOf(g, 'se_upgrade_skip_suspended'), [se1!.uuid]);
    assert.deepEqual(listOf(g, 'se_upgrade_completed'), [se2!.uuid]);
    assert.equal(listOf(g, 'se_upgrade_suspended').length, 0);
    await records(t); // every record still validates
  } finally {
    await t.close();
  }
});

test('CONTINUE: the failed SE is recorded, the others go on, the group ends in error', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t, { ses_per_group: 3 });
    const group = fleet.se_groups[0]!;
    const end = await upgradeWith(t, fleet, {
      se_group_options: { action_on_error: 'CONTINUE_UPGRADE_OPS_ON_ERROR' },
      simulator_faults: [{ type: 'se', target: group.ses[1]!.name }],
    });
    assert.equal((end.run as Doc).status, 'failed');
    const g = await record(t, group.uuid);
    assert.equal(stateOf(g), 'UPGRADE_FSM_ERROR');
    assert.deepEqual(listOf(g, 'se_upgrade_failed'), [group.ses[1]!.uuid]);
    assert.equal(listOf(g, 'se_upgrade_completed').length, 2);
    const cluster = await record(t, fleet.cluster.uuid);
    assert.equal(stateOf(cluster), 'UPGRADE_FSM_ERROR');
    assert.equal(cluster.version, TARGET, 'the controller phase had finished');
    assert.match(String(cluster.reason), new RegExp(group.name));
  } finally {
    await t.close();
  }
});

test('ROLLBACK: the upgraded SEs go back and the group is aborted at its old version', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t, { ses_per_group: 3, se_records: true });
    const group = fleet.se_groups[0]!;
    const seen: string[] = [];
    await ok(t, 'POST', '/api/upgrade', {
      image_uuid: imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET),
      system: true,
      se_group_options: { action_on_error: 'ROLLBACK_UPGRADE_OPS_ON_ERROR' },
      simulator_faults: [{ type: 'se', target: group.ses[2]!.name }],
    });
    for (let i = 0; i < 300; i++) {
      const s = stateOf(await record(t, group.uuid));
      if (seen.at(-1) !== s) seen.push(s);
      const res = await ok(t, 'POST', '/api/simulator/clock', { steps: 1 });
      if (res.steps === 0) break;
    }
    assert.ok(seen.includes('UPGRADE_FSM_ABORT_IN_PROGRESS'), seen.join());
    const g = await record(t, group.uuid);
    assert.equal(stateOf(g), 'UPGRADE_FSM_ABORTED');
    assert.equal(g.version, BASE);
    assert.equal(listOf(g, 'se_upgrade_completed').length, 0);
    assert.deepEqual(listOf(g, 'se_upgrade_failed'), [group.ses[2]!.uuid]);
    assert.equal(((g.history as Doc[]).at(-1)?.state as Doc).state, 'UPGRADE_FSM_ABORTED');
    for (const se of group.ses)
      assert.equal((await record(t, se.uuid)).version, BASE, 'SE records go back too');
  } finally {
    await t.close();
  }
});

test('a failing controller task ends the operation in error, versions unchanged, SE groups untouched', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    await ok(t, 'POST', '/api/simulator/faults', {
      faults: [{ type: 'controller_task', target: 'MIGRATE_CONFIG', error: 'Config migration failed.' }],
    });
    const end = await upgradeWith(t, fleet, {});
    assert.equal((end.run as Doc).status, 'failed');
    const cluster = await record(t, fleet.cluster.uuid);
    assert.equal(stateOf(cluster), 'UPGRADE_FSM_ERROR');
    assert.equal(cluster.version, BASE);
    const last = (cluster.upgrade_events as Doc[]).at(-1) as Doc;
    assert.equal(last.task, 'MIGRATE_CONFIG');
    assert.equal((last.sub_events as Doc[])[0]?.status, false);
    for (const g of fleet.se_groups) {
      const doc = await record(t, g.uuid);
      assert.equal(stateOf(doc), 'UPGRADE_FSM_COMPLETED');
      assert.equal(doc.version, BASE);
    }
  } finally {
    await t.close();
  }
});

test('a disconnected SE is listed at start and suspends its group', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    const group = fleet.se_groups[2]!;
    await upgradeWith(t, fleet, {
      simulator_faults: [{ type: 'se_disconnected', target: group.ses[0]!.name }],
    });
    const g = await record(t, group.uuid);
    assert.equal(stateOf(g), 'UPGRADE_FSM_SUSPENDED');
    assert.deepEqual(listOf(g, 'se_disconnected_at_start'), [group.ses[0]!.uuid]);
    assert.equal(((segOf(g).se_upgrade_errors as Doc[])[0] as Doc).task, 'SE_UPGRADE_SEMGR_SE_UNREACHABLE');
  } finally {
    await t.close();
  }
});
