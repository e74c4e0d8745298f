// The short crash test inside `npm test`, on the run's database (test/helpers/database.ts): three
// rounds of about a second of writes ended by SIGKILL, each followed by a restart and the full
// check. `npm run test:crash` runs 20 longer rounds on both databases. So that a check that
// passes everything cannot pass here, the last round also damages the store between kill and
// restart, and exactly that damage must be reported.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../helpers/database.js';
import { formatSummary, killServers, runCrashRounds } from './crash.js';
import type { Tracked } from './ledger.js';
import { ackedTotal } from './load.js';

after(killServers);

test(
  'SIGKILL under full write load loses no acknowledged write (3 rounds)',
  { timeout: 120_000 },
  async (t) => {
    const db = await createTestDatabase();
    t.after(() => db.close());
    let gone: Tracked | undefined;
    let torn: Tracked | undefined;
    const summary = await runCrashRounds({
      db,
      rounds: 3,
      seconds: 1,
      afterKill: async (round, pool) => {
        if (round < 3) return;
        const settled = [...pool.objects.values()].filter(
          (o) => o.state !== undefined && o.pending.length === 0,
        );
        [gone, torn] = settled;
        assert.ok(gone && torn, 'at least two acknowledged objects');
        await db.exec(`DELETE FROM upgrade_status_info WHERE uuid = '${gone.uuid}'`);
        await db.exec(`UPDATE upgrade_status_info SET progress = -1 WHERE uuid = '${torn.uuid}'`);
      },
    });
    const report = formatSummary(summary);
    assert.equal(summary.rounds, 3, report);
    assert.ok(ackedTotal(summary.stats) > 0, report);
    // Nothing but the damage done: an acknowledged object gone, a row whose columns disagree.
    const found = summary.problems.map((p) => `${p.kind} ${p.uuid}`).sort();
    assert.deepEqual(found, [`invalid ${torn?.uuid}`, `lost ${gone?.uuid}`], report);
  },
);
