// The change feed against a real database (SQLite and PostgreSQL): one change per committed
// write, in commit order, resumable by seq, nothing for a write that failed, a move to another
// tenant as a delete and a create, and watchers told of writes by this process and by another
// process sharing the database.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change, ChangeFeed, Storage } from '../../src/storage/types.js';
import { fresh, obj, runWithStorage } from '../helpers/storage.js';

function feedOf(storage: Storage): ChangeFeed {
  return storage.changes;
}

/** Resolves when `feed` calls its watcher, rejects after `ms`. */
function nextNotice(feed: ChangeFeed, ms = 3000): Promise<void> {
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

describe('change feed', () => {
  it('records each committed write once, in order, with its kind, uuid and tenant', async (t) => {
    const { storage } = await fresh(t);
    const feed = feedOf(storage);
    assert.deepEqual(await feed.bounds(), { oldest: 0, newest: 0 });
    await storage.upgradeStatus.insert(obj('a'));
    await storage.upgradeStatus.insert(obj('b', {}, 'tenant-x'));
    await storage.upgradeStatus.update('a', null, (c) => ({ ...c, body: { ...c.body, progress: 5 } }));
    assert.equal(await storage.upgradeStatus.delete('b', null), true);
    const all = await feed.after(0, 100);
    assert.deepEqual(
      all.map((c) => [c.kind, c.uuid, c.tenant]),
      [
        ['create', 'a', 'admin'],
        ['create', 'b', 'tenant-x'],
        ['update', 'a', 'admin'],
        ['delete', 'b', 'tenant-x'],
      ],
    );
    const seqs = all.map((c) => c.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((x, y) => x - y),
    );
    assert.equal(new Set(seqs).size, 4);
    // Resuming after the second change gives the last two; a limit pages.
    assert.deepEqual(
      (await feed.after(seqs[1] as number, 100)).map((c) => c.seq),
      seqs.slice(2),
    );
    assert.deepEqual(
      (await feed.after(0, 1)).map((c) => c.seq),
      seqs.slice(0, 1),
    );
    assert.deepEqual(await feed.bounds(), { oldest: seqs[0], newest: seqs[3] });
  });

  it('records nothing for writes that failed or changed nothing', async (t) => {
    const { storage } = await fresh(t);
    const feed = feedOf(storage);
    await storage.upgradeStatus.insert(obj('a', { name: 'n' }));
    await assert.rejects(storage.upgradeStatus.insert(obj('a')));
    await assert.rejects(
      storage.upgradeStatus.update('a', null, () => {
        throw new Error('refused');
      }),
      /refused/,
    );
    assert.equal(await storage.upgradeStatus.update('missing', null, (c) => c), undefined);
    assert.equal(await storage.upgradeStatus.delete('missing', null), false);
    assert.deepEqual(
      (await feed.after(0, 100)).map((c) => c.kind),
      ['create'],
    );
  });

  it('records a move to another tenant as a delete in the old tenant and a create in the new', async (t) => {
    const { storage } = await fresh(t);
    const feed = feedOf(storage);
    await storage.upgradeStatus.insert(obj('a'));
    await storage.upgradeStatus.update('a', null, (c) => ({ ...c, tenant: 'tenant-y' }));
    assert.deepEqual(
      (await feed.after(0, 100)).map((c) => [c.kind, c.uuid, c.tenant]),
      [
        ['create', 'a', 'admin'],
        ['delete', 'a', 'admin'],
        ['create', 'a', 'tenant-y'],
      ],
    );
  });

  it('keeps seqs in commit order under concurrent writes to different objects', async (t) => {
    const { storage } = await fresh(t);
    const feed = feedOf(storage);
    const n = 40;
    await Promise.all(Array.from({ length: n }, (_, i) => storage.upgradeStatus.insert(obj(`c${i}`))));
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        storage.upgradeStatus.update(`c${i}`, null, (c) => ({ ...c, body: { ...c.body, progress: 1 } })),
      ),
    );
    const all = await feed.after(0, 1000);
    assert.equal(all.length, 2 * n);
    // Every prefix a reader could have seen is complete: no seq is skipped and filled in later.
    for (let i = 1; i < all.length; i++) assert.ok((all[i] as Change).seq > (all[i - 1] as Change).seq);
  });

  it('tells watchers of this process’s writes', async (t) => {
    const { storage } = await fresh(t);
    const feed = feedOf(storage);
    const notice = nextNotice(feed);
    await storage.upgradeStatus.insert(obj('a'));
    await notice;
    let calls = 0;
    const stop = feed.watch(() => calls++);
    stop();
    await storage.upgradeStatus.insert(obj('b'));
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(calls, 0, 'a stopped watcher is not called');
  });

  it('tells watchers of writes by another process sharing the database', async (t) => {
    const db = await fresh(t);
    const feed = feedOf(db.storage);
    const notice = nextNotice(feed, 10_000);
    const child = await runWithStorage(
      db.config,
      `await s.upgradeStatus.insert({ uuid: 'from-child', tenant: 'admin', lastModified: '1', body: { uuid: 'from-child' } });
       await s.close();`,
    );
    assert.equal(child.code, 0, child.stderr);
    await notice;
    const changes = await feed.after(0, 10);
    assert.deepEqual(
      changes.map((c) => [c.kind, c.uuid]),
      [['create', 'from-child']],
    );
  });
});
