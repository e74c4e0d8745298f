// What only the PostgreSQL change feed has: seqs drawn at commit (so a transaction that commits
// late never gets a seq below one a reader has already passed), pruning at every 1000th seq, and
// a LISTEN connection that comes back by itself after the server dropped it.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { CHANGES_KEPT, type ChangeFeed } from '../../src/storage/types.js';
import { fresh, obj } from '../helpers/storage.js';

async function client(t: TestContext, url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  t.after(() => c.end());
  return c;
}

/** Resolves when `feed` calls its watcher, rejects after `ms`. */
function nextNotice(feed: ChangeFeed, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no change notice within ${ms} ms`));
    }, ms);
    const stop = feed.watch(() => {
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

// In a tenant of its own: the per-tenant count row it locks does not hold up the other write.
const INSERT = `INSERT INTO upgrade_status_info (uuid, tenant, node_type, cloud, last_modified, body)
  VALUES ('slow', 'tenant-slow', '', '', '1', '{"uuid": "slow"}'::jsonb)`;

describe('PostgreSQL change feed', () => {
  it('draws a seq at commit: a write that commits late comes after every seq already read', async (t) => {
    const db = await fresh(t);
    const feed = db.storage.changes;
    const slow = await client(t, db.url);
    await slow.query('BEGIN');
    await slow.query(INSERT); // written first, committed last
    await db.storage.upgradeStatus.insert(obj('fast'));
    const seen = await feed.after(0, 10);
    assert.deepEqual(
      seen.map((c) => c.uuid),
      ['fast'],
    );
    await slow.query('COMMIT');
    const later = await feed.after((seen[0] as { seq: number }).seq, 10);
    assert.deepEqual(
      later.map((c) => [c.kind, c.uuid]),
      [['create', 'slow']],
    );
  });

  it('records nothing for a transaction rolled back', async (t) => {
    const db = await fresh(t);
    const raw = await client(t, db.url);
    await raw.query('BEGIN');
    await raw.query(INSERT);
    await raw.query('ROLLBACK');
    assert.deepEqual(await db.storage.changes.after(0, 10), []);
    assert.deepEqual(await db.storage.changes.bounds(), { oldest: 0, newest: 0 });
  });

  it('keeps the newest CHANGES_KEPT changes, removing older ones at every 1000th seq', async (t) => {
    const db = await fresh(t);
    await db.storage.upgradeStatus.insert(obj('old-1'));
    await db.storage.upgradeStatus.insert(obj('old-2'));
    // As if CHANGES_KEPT + 998 more changes had come since.
    await db.exec(`SELECT setval('upgrade_status_changes_seq', ${CHANGES_KEPT + 998})`);
    await db.storage.upgradeStatus.insert(obj('new-1'));
    assert.equal((await db.storage.changes.bounds()).oldest, 1, 'nothing removed between boundaries');
    await db.storage.upgradeStatus.insert(obj('new-2')); // seq CHANGES_KEPT + 1000
    assert.deepEqual(await db.storage.changes.bounds(), {
      oldest: CHANGES_KEPT + 999,
      newest: CHANGES_KEPT + 1000,
    });
  });

  it('listens again by itself after its connection was terminated', async (t) => {
    const db = await fresh(t);
    const feed = db.storage.changes;
    let calls = 0;
    const stop = feed.watch(() => calls++);
    t.after(stop);
    const admin = await client(t, db.url);
    const listening = `SELECT pid FROM pg_stat_activity WHERE application_name = 'avi-upgrade-status-listen'
      AND datname = current_database()`;
    for (let i = 0; i < 100 && (await admin.query(listening)).rowCount === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await admin.query(listening)).rowCount, 1, 'one LISTEN connection');
    await admin.query(`SELECT pg_terminate_backend(pid) FROM (${listening}) l`);
    await new Promise((r) => setTimeout(r, 100));
    // A write by another Storage (as another process would write) is heard once it is back.
    const other = await db.open();
    const notice = nextNotice(feed, 10_000);
    for (let i = 0; i < 100 && (await admin.query(listening)).rowCount === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await other.upgradeStatus.insert(obj('after-restart'));
    await notice;
    assert.ok(calls >= 1);
    assert.deepEqual(
      (await feed.after(0, 10)).map((c) => c.uuid),
      ['after-restart'],
    );
  });

  it('opens no LISTEN connection while nobody watches, and closes it when the last stops', async (t) => {
    const db = await fresh(t);
    const admin = await client(t, db.url);
    const count = async () =>
      (
        await admin.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE application_name = 'avi-upgrade-status-listen' AND datname = current_database()`,
        )
      ).rows[0].n as number;
    assert.equal(await count(), 0);
    const stop = db.storage.changes.watch(() => undefined);
    for (let i = 0; i < 100 && (await count()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await count(), 1);
    stop();
    for (let i = 0; i < 100 && (await count()) === 1; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await count(), 0);
  });
});
