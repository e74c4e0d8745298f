// `avi-upgrade-status fleet create|show` against the real app (SIMULATOR=on).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, startCliServer } from '../cli/harness.js';

test('fleet create makes the fleet the seed describes; fleet show prints it', async () => {
  const server = await startCliServer({ SIMULATOR: 'on', SIMULATOR_CLOCK: 'step' });
  try {
    const created = await runCli(
      ['fleet', 'create', '--seed', 'cli-seed', '--se-groups', '2', '--ses-per-group', '3'],
      { env: server.env },
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(
      created.stdout,
      /^created a fleet of 3 records\nseed cli-seed, version 30\.2\.1-9046-20240301\.010203\ncluster cluster-0-1 cluster-/,
    );
    assert.match(created.stdout, /\| 31\.1\.1-9122-20240815\.041503 +\| IMAGE_TYPE_SYSTEM +\| image-/);
    const shown = await runCli(['fleet', 'show', '--json'], { env: server.env });
    assert.equal(shown.code, 0, shown.stderr);
    const fleet = JSON.parse(shown.stdout) as { seed: string; se_groups: { ses: unknown[] }[] };
    assert.equal(fleet.seed, 'cli-seed');
    assert.deepEqual(
      fleet.se_groups.map((g) => g.ses.length),
      [3, 3],
    );
    const again = await runCli(
      [
        'fleet',
        'create',
        '--seed',
        'cli-seed',
        '--se-groups',
        '2',
        '--ses-per-group',
        '3',
        '--replace',
        '--json',
      ],
      { env: server.env },
    );
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout).se_groups, fleet.se_groups, 'the same seed, the same fleet');
    const bad = await runCli(['fleet', 'create', '--se-groups', 'many'], { env: server.env });
    assert.equal(bad.code, 2);
  } finally {
    await server.close();
  }
});
