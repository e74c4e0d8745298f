// Another process holding SQLite's write lock must not stop this one: writes wait for the lock
// from a timer, not inside SQLite's busy handler (which would block the event loop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStorage } from '../../src/storage/sqlite/index.js';
import { StoreUnavailableError, type StoredObject } from '../../src/storage/types.js';

function object(uuid: string): StoredObject {
  return {
    uuid,
    tenant: 'admin',
    lastModified: '1700000000000000',
    body: { uuid, name: uuid, _last_modified: '1700000000000000' },
  };
}

function withFile(run: (file: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aus-lock-'));
    try {
      await run(join(dir, 'store.db'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'a write waits for another connection’s lock without blocking the event loop',
  withFile(async (file) => {
    const storage = openSqliteStorage({ file });
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE'); // another writer holds the lock
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      let settled = false;
      const write = storage.upgradeStatus.insert(object('a')).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(settled, false, 'the write must wait for the lock');
      // A blocked event loop would have run no timer at all while the lock was held.
      assert.ok(ticks >= 20, `timers ran ${ticks} times while the write waited`);
      // Reads go on meanwhile.
      assert.equal(await storage.upgradeStatus.get('a', null), undefined);
      other.exec('COMMIT');
      await write;
      clearInterval(ticker);
      assert.equal((await storage.upgradeStatus.get('a', null))?.uuid, 'a');
    } finally {
      other.close();
      await storage.close();
    }
  }),
);

test(
  'a lock held past the wait limit fails the writes as unavailable and stores nothing',
  withFile(async (file) => {
    const storage = openSqliteStorage({ file, busyTimeoutMs: 200 });
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      await assert.rejects(storage.upgradeStatus.insert(object('b')), StoreUnavailableError);
      assert.ok(Date.now() - started >= 200, 'the write waited for the lock first');
      other.exec('ROLLBACK');
      assert.equal(await storage.upgradeStatus.get('b', null), undefined);
      // And the next write, with the lock free again, goes through.
      await storage.upgradeStatus.insert(object('c'));
      assert.equal((await storage.upgradeStatus.get('c', null))?.uuid, 'c');
    } finally {
      other.close();
      await storage.close();
    }
  }),
);
