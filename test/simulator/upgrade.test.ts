// A system upgrade end to end on the step clock: the states in order, SEs moving through the
// seg_status lists, counters and times consistent, versions swapped and history appended at the
// end; determinism; the 403 on other writes; a second operation refused; parameters checked.
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
  steps,
  type Doc,
} from './harness.js';

const TARGET = '31.1.1-9122-20240815.041503';

test('a system upgrade walks every record through the flow and swaps the versions', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t, { se_groups: 3, ses_per_group: 2 });
    const image = imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET);
    const started = await ok(t, 'POST', '/api/upgrade', { image_uuid: image, system: true });
    assert.equal(started.status_code, 'SYSERR_UPGRADE_SYSTEM_STARTED');
    const clusterStates: string[] = [];
    const completedCounts = new Map<string, number[]>();
    let previousTasks = 0;
    for (let i = 0; i < 500; i++) {
      const recs = await records(t);
      const cluster = recs[0] as Doc;
      assert.equal(cluster.node_type, 'NODE_CONTROLLER_CLUSTER');
      const s = stateOf(cluster);
      if (clusterStates.at(-1) !== s) clusterStates.push(s);
      assert.ok((cluster.tasks_completed as number) >= previousTasks, 'tasks_completed never goes back');
      previousTasks = cluster.tasks_completed as number;
      assert.ok((cluster.tasks_completed as number) <= (cluster.total_tasks as number));
      for (const g of recs.filter((r) => r.node_type === 'NODE_SE_GROUP')) {
        const seg = segOf(g);
        const lists = ['se_upgrade_not_started', 'se_upgrade_in_progress', 'se_upgrade_completed'];
        const total = lists.reduce((n, k) => n + ((seg[k] as unknown[] | undefined)?.length ?? 0), 0);
        assert.equal(total, 2, 'every SE is in exactly one list');
        const seen = completedCounts.get(String(g.uuid)) ?? [];
        seen.push((seg.se_upgrade_completed as unknown[] | undefined)?.length ?? 0);
        completedCounts.set(String(g.uuid), seen);
      }
      if ((await steps(t, 1)) === 0) break;
    }
    assert.deepEqual(clusterStates, [
      'UPGRADE_PRE_CHECK_STARTED',
      'UPGRADE_PRE_CHECK_IN_PROGRESS',
      'UPGRADE_FSM_IN_PROGRESS',
      'UPGRADE_FSM_SE_UPGRADE_IN_PROGRESS',
      'UPGRADE_FSM_COMPLETED',
    ]);
    for (const all of completedCounts.values()) {
      const counts = all.slice(all.indexOf(0)); // from the group's enqueue on
      assert.deepEqual(
        [...counts].sort((a, b) => a - b),
        counts,
        'SEs only ever move on to completed',
      );
      assert.ok(counts.includes(1), 'SEs are upgraded one at a time');
    }
    const recs = await records(t);
    const cluster = recs[0] as Doc;
    assert.equal(cluster.version, TARGET);
    assert.equal(cluster.previous_version, '30.2.1-9046-20240301.010203');
    assert.equal(cluster.progress, 100);
    assert.equal(cluster.tasks_completed, cluster.total_tasks);
    assert.equal(cluster.enable_rollback, true);
    assert.equal((cluster.state as Doc).rebooted, true);
    const events = cluster.upgrade_events as Doc[];
    assert.equal(events[0]?.task, 'PREPARE_FOR_SHUTDOWN');
    assert.equal(events.at(-1)?.task, 'COMMIT_UPGRADE');
    assert.equal((events[0]?.sub_events as unknown[]).length, 3, 'one sub-event per controller node');
    const readiness = cluster.upgrade_readiness as Doc;
    assert.equal(readiness.checks_completed, readiness.total_checks);
    assert.equal((readiness.state as Doc).state, 'UPGRADE_PRE_CHECK_SUCCESS');
    const start = Date.parse(`${String(cluster.start_time)}Z`);
    const end = Date.parse(`${String(cluster.end_time)}Z`);
    assert.equal((end - start) / 1000, cluster.duration);
    assert.equal((cluster.history as Doc[]).length, 1);
    for (const g of recs.filter((r) => r.node_type === 'NODE_SE_GROUP')) {
      assert.equal(stateOf(g), 'UPGRADE_FSM_COMPLETED');
      assert.equal(g.version, TARGET);
      assert.equal(segOf(g).state, 'SEGROUP_UPGRADE_COMPLETE');
      assert.equal((g.se_upgrade_events as unknown[]).length, 4);
      assert.ok(String(g.end_time) <= String(cluster.end_time));
    }
    const status = await ok(t, 'GET', '/api/simulator/status');
    assert.equal((status.run as Doc).status, 'completed');
  } finally {
    await t.close();
  }
});

test('the same seed and steps give the same records', async () => {
  const snapshot = async (): Promise<unknown[]> => {
    const t = await simulatorApp();
    try {
      const fleet = await createFleet(t, { seed: 42 });
      await ok(t, 'POST', '/api/upgrade', {
        image_ref: `/api/image/${imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET)}`,
        system: true,
      });
      await steps(t, 17);
      return (await records(t)).map((r) => ({ ...r, _last_modified: undefined }));
    } finally {
      await t.close();
    }
  };
  assert.deepEqual(await snapshot(), await snapshot());
});

test('during the controller phase other writes get 403; a second operation gets 409', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    const image = imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET);
    await ok(t, 'POST', '/api/upgrade', { image_uuid: image, system: true });
    await steps(t, 8);
    const write = await call(t, 'POST', '/api/upgradestatusinfo', sampleRecord({ name: 'during' }));
    assert.equal(write.status, 403);
    assert.deepEqual(write.json, { error: 'Configuration is disallowed during upgrade' });
    const tenant = await call(t, 'POST', '/api/tenant', { name: 'blocked' });
    assert.equal(tenant.status, 403);
    assert.equal((await call(t, 'GET', '/api/upgradestatusinfo')).status, 200, 'reads go on');
    const second = await call(t, 'POST', '/api/rollback', { system: true });
    assert.equal(second.status, 409);
    assert.match(String(second.json.error), /already in progress/);
    await runToEnd(t);
    assert.equal(
      (await call(t, 'POST', '/api/upgradestatusinfo', sampleRecord({ name: 'after' }))).status,
      201,
    );
  } finally {
    await t.close();
  }
});

test('bad parameters and failed pre-checks are clear 400s; nothing starts', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    const base = imageByName(fleet, 'IMAGE_TYPE_SYSTEM', '30.2.1-9046-20240301.010203');
    const cases: [string, Doc, RegExp][] = [
      ['/api/upgrade', {}, /'image_uuid'.*is required/],
      ['/api/upgrade', { image_uuid: 'image-nope' }, /image 'image-nope' does not exist/],
      ['/api/upgrade', { image_uuid: base, system: true }, /SYSERR_UPGRADE_OPS_CHECK_IMAGE_VERSION failed/],
      ['/api/upgrade', { image_uuid: base, colour: 'red' }, /Unknown field 'colour'/],
      [
        '/api/upgrade',
        { image_uuid: base, se_group_options: { action_on_error: 'PANIC' } },
        /action_on_error/,
      ],
      [
        '/api/upgrade',
        { image_uuid: base, se_group_uuids: ['serviceenginegroup-x'] },
        /SE group 'serviceenginegroup-x' does not exist/,
      ],
      ['/api/rollback', { system: true }, /SYSERR_UPGRADE_OPS_CHECK_ROLLBACK_BASICS failed/],
      ['/api/rollback', { rollback_type: 3 }, /rollback_type/],
      ['/api/segroup/resume', {}, /no SE group is suspended/],
    ];
    for (const [url, body, message] of cases) {
      const res = await call(t, 'POST', url, body);
      assert.equal(res.status, 400, `${url} ${JSON.stringify(body)}`);
      assert.match(String(res.json.error), message);
    }
    const status = await ok(t, 'GET', '/api/simulator/status');
    assert.equal(status.run, null);
  } finally {
    await t.close();
  }
});

test('a failing pre-check stops the operation at UPGRADE_PRE_CHECK_ERROR; a warning needs skip_warnings', async () => {
  const t = await simulatorApp();
  try {
    const fleet = await createFleet(t);
    const image = imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET);
    await ok(t, 'POST', '/api/upgrade', {
      image_uuid: image,
      system: true,
      simulator_faults: [
        { type: 'precheck', target: 'SYSERR_UPGRADE_OPS_CHECK_CLUSTER_DISK_SPACE', error: 'Only 2 GB free.' },
      ],
    });
    const end = await runToEnd(t);
    assert.equal((end.run as Doc).status, 'failed');
    const cluster = await record(t, fleet.cluster.uuid);
    assert.equal(stateOf(cluster), 'UPGRADE_PRE_CHECK_ERROR');
    const checks = (cluster.upgrade_readiness as Doc).checks as Doc[];
    const failed = checks.find((c) => c.state === 'UPGRADE_PRE_CHECK_ERROR') as Doc;
    assert.equal(failed.check_code, 'SYSERR_UPGRADE_OPS_CHECK_CLUSTER_DISK_SPACE');
    assert.deepEqual(failed.error_details, ['Only 2 GB free.']);
    assert.equal(cluster.version, '30.2.1-9046-20240301.010203');

    await ok(t, 'POST', '/api/simulator/faults', { faults: [{ type: 'precheck', level: 'warning' }] });
    await ok(t, 'POST', '/api/upgrade', { image_uuid: image });
    await runToEnd(t);
    assert.equal(stateOf(await record(t, fleet.cluster.uuid)), 'UPGRADE_PRE_CHECK_WARNING');

    await ok(t, 'POST', '/api/simulator/faults', { faults: [{ type: 'precheck', level: 'warning' }] });
    await ok(t, 'POST', '/api/upgrade', { image_uuid: image, skip_warnings: true });
    await runToEnd(t);
    const done = await record(t, fleet.cluster.uuid);
    assert.equal(stateOf(done), 'UPGRADE_FSM_COMPLETED');
    assert.equal(done.version, TARGET);
  } finally {
    await t.close();
  }
});
