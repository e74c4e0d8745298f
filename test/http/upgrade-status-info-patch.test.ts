import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, sampleRecord, JSON_HEADERS, VERSION_HEADERS, type TestApp } from '../helpers/app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

let n = 0;
async function fresh(overrides: Record<string, unknown> = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/upgradestatusinfo',
    headers: JSON_HEADERS,
    payload: sampleRecord({ name: `patch-${n++}`, ...overrides }),
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}
const patch = (uuid: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'PATCH',
    url: `/api/upgradestatusinfo/${uuid}`,
    headers: { ...JSON_HEADERS, ...headers },
    payload: payload as object,
  });
const read = async (uuid: string) =>
  (
    await t.app.inject({ method: 'GET', url: `/api/upgradestatusinfo/${uuid}`, headers: VERSION_HEADERS })
  ).json();

test('{} is an empty patch: 200 and exactly what a GET returns', async () => {
  const obj = await fresh();
  const res = await patch(obj.uuid, {});
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), await read(obj.uuid));
});

test('replace and add set a scalar; delete resets it to its default or removes it', async () => {
  const obj = await fresh();
  assert.equal((await patch(obj.uuid, { replace: { progress: 70 } })).json().progress, 70);
  assert.equal((await patch(obj.uuid, { add: { version: '31.1.1-1' } })).json().version, '31.1.1-1');
  const del = (await patch(obj.uuid, { delete: { progress: 5, version: 'ignored' } })).json();
  assert.equal(del.progress, 0);
  assert.equal(del.version, undefined);
  assert.equal(del.name, obj.name, 'other fields stay intact');
});

test('add/replace on a nested object replace it; remove is delete', async () => {
  const obj = await fresh();
  const res = (await patch(obj.uuid, { replace: { state: { state: 'UPGRADE_FSM_COMPLETED' } } })).json();
  assert.deepEqual(res.state, { state: 'UPGRADE_FSM_COMPLETED' });
  const removed = (await patch(obj.uuid, { remove: { state: {} } })).json();
  assert.equal(removed.state, undefined);
});

test('add to upgrade_events merges by task_name; replace swaps the list; delete removes matches', async () => {
  const obj = await fresh();
  const added = (
    await patch(obj.uuid, {
      add: {
        upgrade_events: [
          { task_name: 'PreUpgradeHooks', sub_events: [{ status: false, message: 'retry' }] },
          { task_name: 'MigrateConfig' },
        ],
      },
    })
  ).json();
  assert.deepEqual(
    added.upgrade_events.map((e: { task_name: string }) => e.task_name),
    ['PreUpgradeHooks', 'MigrateConfig'],
  );
  assert.equal(added.upgrade_events[0].sub_events[0].message, 'retry');
  const deleted = (
    await patch(obj.uuid, { delete: { upgrade_events: [{ task_name: 'PreUpgradeHooks' }] } })
  ).json();
  assert.deepEqual(
    deleted.upgrade_events.map((e: { task_name: string }) => e.task_name),
    ['MigrateConfig'],
  );
  const replaced = (await patch(obj.uuid, { replace: { upgrade_events: [] } })).json();
  assert.deepEqual(replaced.upgrade_events, []);
});

test('lists of references match by uuid whatever the form given', async () => {
  const obj = await fresh({ system_report_refs: ['/api/systemreport/sr-1'] });
  const added = (
    await patch(obj.uuid, {
      add: {
        system_report_refs: ['https://ctl.example/api/systemreport/sr-1#first', '/api/systemreport/sr-2'],
      },
    })
  ).json();
  assert.deepEqual(added.system_report_refs, [
    'http://localhost:80/api/systemreport/sr-1',
    'http://localhost:80/api/systemreport/sr-2',
  ]);
  const deleted = (
    await patch(obj.uuid, { delete: { system_report_refs: ['http://x/api/systemreport/sr-1'] } })
  ).json();
  assert.deepEqual(deleted.system_report_refs, ['http://localhost:80/api/systemreport/sr-2']);
});

test('add, replace and delete in one envelope apply in that order', async () => {
  const obj = await fresh();
  const res = (
    await patch(obj.uuid, {
      delete: { version: 'x' },
      replace: { version: 'replaced' },
      add: { version: 'added', progress: 9 },
    })
  ).json();
  assert.equal(res.version, undefined);
  assert.equal(res.progress, 9);
});

test('JSON Patch: add appends to an existing list, delete is remove, test guards', async () => {
  const obj = await fresh();
  const res = await patch(obj.uuid, {
    json_patch: [
      { op: 'test', path: '/progress', value: 40 },
      { op: 'add', path: '/upgrade_events', value: [{ task_name: 'A' }, { task_name: 'B' }] },
      { op: 'replace', path: '/state/state', value: 'UPGRADE_FSM_PAUSED', note: 'ignored member' },
      { op: 'delete', path: '/upgrade_events/0' },
      { op: 'copy', from: '/version', path: '/previous_version' },
      { op: 'move', from: '/total_tasks', path: '/tasks_completed' },
    ],
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(
    body.upgrade_events.map((e: { task_name: string }) => e.task_name),
    ['A', 'B'],
  );
  assert.equal(body.state.state, 'UPGRADE_FSM_PAUSED');
  assert.equal(body.previous_version, obj.version);
  assert.equal(body.tasks_completed, 10);
  assert.equal(body.total_tasks, undefined);
});

test('a failing patch is a 400 naming the operation and path, and changes nothing', async () => {
  const obj = await fresh();
  const before = await read(obj.uuid);
  const cases: [unknown, RegExp][] = [
    [
      {
        json_patch: [
          { op: 'replace', path: '/progress', value: 1 },
          { op: 'test', path: '/progress', value: 2 },
        ],
      },
      /test/,
    ],
    [{ json_patch: [{ op: 'remove', path: '/nope/deeper' }] }, /nope/],
    [{ replace: { progress: 101 } }, /replace.*progress/],
    [{ add: { state: { state: 'NOT_A_STATE' } } }, /add.*state\.state/],
    [{ replace: { colour: 'red' } }, /colour/],
    [{ add: {}, frobnicate: {} }, /frobnicate/],
    [{ json_patch: [], add: {} }, /json_patch/],
    [[1, 2], /object/],
    [{ replace: { uuid: 'someone-else' } }, /uuid/],
  ];
  for (const [body, pattern] of cases) {
    const res = await patch(obj.uuid, body);
    assert.equal(res.statusCode, 400, JSON.stringify(body));
    assert.match(res.json().error, pattern, JSON.stringify(body));
  }
  assert.deepEqual(await read(obj.uuid), before);
});

test('PATCH of a missing object is 404', async () => {
  assert.equal((await patch('nope', { replace: { progress: 1 } })).statusCode, 404);
});

test('a stale _last_modified or If-Match is refused with 412', async () => {
  const obj = await fresh();
  assert.equal((await patch(obj.uuid, { replace: { progress: 1 } })).statusCode, 200);
  const stale = await patch(obj.uuid, { replace: { progress: 2, _last_modified: obj._last_modified } });
  assert.equal(stale.statusCode, 412);
  assert.deepEqual(stale.json(), { error: 'Need to reload object data UpgradeStatusInfo' });
  const viaHeader = await patch(obj.uuid, { replace: { progress: 3 } }, { 'if-match': obj._last_modified });
  assert.equal(viaHeader.statusCode, 412);
  const current = await read(obj.uuid);
  assert.equal(current.progress, 1);
  const fine = await patch(obj.uuid, { replace: { progress: 4, _last_modified: current._last_modified } });
  assert.equal(fine.statusCode, 200);
});

test('100 concurrent adds of distinct events to one object leave exactly 100 entries', async () => {
  const obj = await fresh({ upgrade_events: [] });
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      patch(obj.uuid, { add: { upgrade_events: [{ task_name: `task-${i}` }] } }),
    ),
  );
  assert.ok(results.every((r) => r.statusCode === 200));
  const events = (await read(obj.uuid)).upgrade_events as { task_name: string }[];
  assert.equal(events.length, 100);
  assert.equal(new Set(events.map((e) => e.task_name)).size, 100);
});
