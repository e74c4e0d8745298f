// Several Storages, and several processes, on one database of the run's kind: each sees the
// others' writes, concurrent updates of one object lose nothing, migrations run once, and an
// acknowledged write survives the process being killed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredObject } from '../../src/storage/types.js';
import { TEST_DB } from '../helpers/database.js';
import { empty, isConflict, obj, q, runWithStorage, uuids } from '../helpers/storage.js';

const appendEntry = (entry: string) => (cur: StoredObject) => ({
  ...cur,
  body: { ...cur.body, entries: [...(cur.body.entries as string[]), entry] },
});

describe(`${TEST_DB} storage: concurrency and durability`, () => {
  it('shows each instance the writes of another on the same database', async (t) => {
    const db = await empty(t);
    const a = await db.open();
    const b = await db.open();
    await a.upgradeStatus.insert(obj('u-1', { name: 'from-a' }));
    assert.equal((await b.upgradeStatus.get('u-1', 'admin'))?.body.name, 'from-a');
    await b.upgradeStatus.update('u-1', null, (cur) => ({ ...cur, body: { ...cur.body, name: 'from-b' } }));
    assert.equal((await a.upgradeStatus.get('u-1', 'admin'))?.body.name, 'from-b');
    await assert.rejects(b.upgradeStatus.insert(obj('u-2', { name: 'from-b' })), isConflict('name'));
    await b.upgradeStatus.insert(obj('u-2', { name: 'second' }));
    assert.equal((await a.upgradeStatus.list(q())).count, 2);
    assert.equal(await a.upgradeStatus.delete('u-2', 'admin'), true);
    assert.equal((await b.upgradeStatus.list(q())).count, 1);
  });

  it('loses no concurrent update (100 at once, through two instances)', async (t) => {
    const db = await empty(t);
    const a = await db.open();
    const b = await db.open();
    await a.upgradeStatus.insert(obj('shared', { entries: [] }));
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? a : b).upgradeStatus.update('shared', 'admin', appendEntry(`e-${i}`)),
      ),
    );
    assert.ok(results.every((r) => r !== undefined));
    const entries = (await a.upgradeStatus.get('shared', null))?.body.entries as string[];
    assert.equal(entries.length, 100);
    assert.deepEqual([...entries].sort(), Array.from({ length: 100 }, (_, i) => `e-${i}`).sort());
  });

  it('loses no update when several processes update one object at once', async (t) => {
    const db = await empty(t);
    const s = await db.open();
    await s.upgradeStatus.insert(obj('shared', { entries: [] }));
    const workers = 4;
    const perWorker = 25;
    const child = (id: number) => `
      for (let i = 0; i < ${perWorker}; i++) {
        await s.upgradeStatus.update('shared', 'admin', (cur) => ({
          ...cur,
          body: { ...cur.body, entries: [...cur.body.entries, 'w${id}-' + i] },
        }));
      }
      await s.close();
    `;
    const results = await Promise.all(
      Array.from({ length: workers }, (_, id) => runWithStorage(db.config, child(id))),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const entries = (await s.upgradeStatus.get('shared', 'admin'))?.body.entries as string[];
    assert.equal(entries.length, workers * perWorker);
    assert.equal(new Set(entries).size, workers * perWorker);
  });

  it('migrates once when several processes open a new database at the same time', async (t) => {
    const db = await empty(t);
    const child = (id: number) => `
      await s.upgradeStatus.insert({ uuid: 'p-${id}', tenant: 'admin', lastModified: '1', body: { name: 'p-${id}' } });
      await s.close();
    `;
    const results = await Promise.all([0, 1, 2, 3].map((id) => runWithStorage(db.config, child(id))));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const s = await db.open();
    assert.deepEqual((await uuids(s)).sort(), ['p-0', 'p-1', 'p-2', 'p-3']);
    assert.equal((await s.upgradeStatus.list(q())).count, 4);
  });

  it('keeps an acknowledged write when the process is killed with SIGKILL', async (t) => {
    const db = await empty(t);
    const code = `
      await s.upgradeStatus.insert({ uuid: 'k-1', tenant: 'admin', lastModified: '1', body: { name: 'kept' } });
      await s.upgradeStatus.update('k-1', 'admin', (cur) => ({ ...cur, body: { ...cur.body, progress: 99 } }));
      process.kill(process.pid, 'SIGKILL');
    `;
    const result = await runWithStorage(db.config, code);
    assert.equal(result.signal, 'SIGKILL', result.stderr);
    const s = await db.open();
    const got = await s.upgradeStatus.get('k-1', 'admin');
    assert.deepEqual(got?.body, { name: 'kept', progress: 99 });
    assert.equal((await s.upgradeStatus.list(q())).count, 1);
  });
});
