// `show upgrade status` and `show upgrade status detail [include_history]` against the real
// server: the summary table and its JSON, the detailed view with and without history.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { sampleRecord, VERSION_HEADERS } from '../helpers/app.js';
import { lines, runCli, startCliServer, type CliServer } from './harness.js';

let s: CliServer;
let group: Record<string, unknown>;
before(async () => {
  s = await startCliServer();
  group = await s.create(
    sampleRecord({
      previous_version: '22.1.3-9001',
      patch_version: '2p1',
      seg_status: {
        state: 'SE_UPGRADE_IN_PROGRESS',
        progress: 50,
        num_se: 2,
        se_upgrade_completed: ['/api/serviceengine/se-1'],
      },
      history: [
        {
          ops: 'UPGRADE',
          version: '22.1.3-9001',
          state: { state: 'UPGRADE_FSM_COMPLETED' },
          start_time: '2023-01-01 00:00:00',
          end_time: '2023-01-01 00:10:00',
          duration: 600,
        },
      ],
    }),
  );
  await s.create({
    name: 'cluster-1',
    node_type: 'NODE_CONTROLLER_CLUSTER',
    version: '30.2.1-9046',
    progress: 100,
    state: { state: 'UPGRADE_FSM_COMPLETED' },
    start_time: '2024-03-01 00:00:00',
    end_time: '2024-03-01 00:30:00',
    duration: 1800,
  });
});
after(async () => {
  await s.close();
});

describe('show upgrade status', () => {
  test('prints the summary as a table, controller cluster first', async () => {
    const r = await runCli(['show', 'upgrade', 'status'], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const out = lines(r.stdout);
    assert.match(out[1]!, /^\| Name +\| Node type +\| State +\| Version +\| Tasks +\| Start +\| End +\|$/);
    const rows = out.filter((l) => /^\| (cluster-1|Default-Group) /.test(l));
    assert.equal(rows.length, 2);
    assert.match(
      rows[0]!,
      /^\| cluster-1 +\| NODE_CONTROLLER_CLUSTER \| UPGRADE_FSM_COMPLETED +\| 30\.2\.1-9046 .*\| 2024-03-01 00:30:00 \|$/,
    );
    assert.match(
      rows[1]!,
      /^\| Default-Group \| NODE_SE_GROUP +\| UPGRADE_FSM_IN_PROGRESS \| 30\.2\.1-9046-20240301\.010203 \| 4\/10 \(40%\) \|/,
    );
  });

  test('--json prints the summary objects of every page', async () => {
    const r = await runCli(['show', 'upgrade', 'status', '--json'], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      out.map((o) => o.name),
      ['cluster-1', 'Default-Group'],
    );
    const api = await s.t.app.inject({
      url: '/api/upgradestatussummary?include_name',
      headers: VERSION_HEADERS,
    });
    const byUuid = new Map((api.json().results as Record<string, unknown>[]).map((o) => [o.uuid, o]));
    for (const o of out) {
      const expected = { ...byUuid.get(o.uuid) } as Record<string, unknown>;
      // the CLI reached the server at 127.0.0.1:<port>, inject at localhost:80
      assert.deepEqual(JSON.parse(JSON.stringify(o).replaceAll(s.url, 'http://localhost:80')), expected);
    }
    assert.equal(out[1]!.progress, undefined, 'the summary has no progress');
  });

  test('--name filters', async () => {
    const r = await runCli(['show', 'upgrade', 'status', '--json', '--name', 'cluster-1'], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { name: string }[]).map((o) => o.name),
      ['cluster-1'],
    );
  });
});

describe('show upgrade status detail', () => {
  test('shows each record in full, without history', async () => {
    const r = await runCli(['show', 'upgrade', 'status', 'detail'], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /\| state +\| UPGRADE_FSM_IN_PROGRESS +\|/);
    assert.match(out, /\| version +\| 30\.2\.1-9046-20240301\.010203 \(previous 22\.1\.3-9001\) +\|/);
    assert.match(out, /\| patch_version +\| 2p1 +\|/);
    assert.match(out, /\| progress +\| \[########------------\] 40% +\|/);
    assert.match(out, /\| tasks +\| 4\/10 \(40%\) +\|/);
    assert.match(out, /\| upgrade_events\[1\] +\| PreUpgradeHooks {2}\(1\/1 ok\) +\|/);
    assert.match(out, /\| {3}sub_events\[1\] +\| ok {2}10\.0\.0\.1 {2}ok +\|/);
    assert.match(out, /\| seg_status +\|/);
    assert.match(out, /\| {3}service engines +\| 1 completed +\|/);
    assert.match(out, /\| duration +\| 30m 00s +\|/);
    assert.doesNotMatch(out, /history/);
  });

  test('include_history adds the history entries', async () => {
    const r = await runCli(['show', 'upgrade', 'status', 'detail', 'include_history'], { env: s.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| history\[1\] +\| UPGRADE {2}UPGRADE_FSM_COMPLETED +\|/);
    assert.match(r.stdout, /\| {3}duration +\| 10m 00s +\|/);
  });

  test('--json: the full objects, history only with include_history', async () => {
    const plain = await runCli(['show', 'upgrade', 'status', 'detail', '--json'], { env: s.env });
    assert.equal(plain.code, 0, plain.stderr);
    const records = JSON.parse(plain.stdout) as Record<string, unknown>[];
    const g = records.find((o) => o.uuid === group.uuid)!;
    assert.equal(g.progress, 40);
    assert.equal(g.history, undefined);
    assert.deepEqual(g.upgrade_events, group.upgrade_events);
    const full = await runCli(['show', 'upgrade', 'status', 'detail', 'include_history', '--json'], {
      env: s.env,
    });
    const h = (JSON.parse(full.stdout) as Record<string, unknown>[]).find((o) => o.uuid === group.uuid)!;
    assert.equal((h.history as unknown[]).length, 1);
  });

  test('a misspelt view is a usage error', async () => {
    const r = await runCli(['show', 'upgrade', 'status', 'details'], { env: s.env });
    assert.equal(r.code, 2);
    assert.equal(lines(r.stderr).length, 1);
    assert.match(r.stderr, /^avi-upgrade-status: unexpected 'details'/);
  });
});
