// What only the SQLite adapter has: its file, pragmas and user_version, its query plans, and the
// SQL text its query compiler builds. Real database files in a temporary directory (no mocks).
// The behaviour every adapter shares is tested on both databases by the other storage tests.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { parseListParams } from '../../src/domain/query/list-params.js';
import { openSqliteStorage } from '../../src/storage/sqlite/index.js';
import { COUNTS_TABLE, MIGRATIONS, SCHEMA_VERSION, TABLE } from '../../src/storage/sqlite/migrations.js';
import { compileListQuery, InvalidFieldPathError, jsonPath } from '../../src/storage/sqlite/query.js';
import type { ListQuery, Storage } from '../../src/storage/types.js';
import { obj, q } from '../helpers/storage.js';

const DIR = mkdtempSync(join(tmpdir(), 'avi-sqlite-test-'));
const open: Storage[] = [];
let fileCounter = 0;

after(async () => {
  for (const s of open) await s.close();
  rmSync(DIR, { recursive: true, force: true });
});

function newFile(): string {
  return join(DIR, `db-${++fileCounter}`, 'store.db');
}

function fresh(): { storage: Storage; file: string } {
  const file = newFile();
  const storage = openSqliteStorage({ file });
  open.push(storage);
  return { storage, file };
}

describe('SQLite adapter: file and schema', () => {
  it('creates parent directories, migrates, uses WAL and answers ping', async () => {
    const { storage, file } = fresh();
    assert.ok(existsSync(file));
    assert.equal(storage.kind, 'sqlite');
    assert.equal(await storage.ping(), true);
    const raw = new Database(file, { readonly: true });
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    } finally {
      raw.close();
    }
  });

  it('refuses a database written by a newer schema version', async () => {
    const file = newFile();
    await openSqliteStorage({ file }).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    assert.throws(() => openSqliteStorage({ file }), /newer than this server/);
  });

  it('adds the auth tables as a new step after the first', () => {
    assert.equal(MIGRATIONS.length, SCHEMA_VERSION);
    assert.ok(SCHEMA_VERSION >= 2);
    const { file } = fresh();
    const raw = new Database(file, { readonly: true });
    try {
      const tables = raw
        .prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
        .pluck()
        .all();
      for (const t of ['tenant', 'auth_user', 'auth_session', 'login_throttle', 'user_token', TABLE]) {
        assert.ok(tables.includes(t), t);
      }
    } finally {
      raw.close();
    }
  });

  it('accepts only [A-Za-z0-9_] segments in the JSON paths it builds', () => {
    for (const path of [[], ['a.b'], ["name') OR 1=1 --"], ['a b'], ['$'], ['ops', 'sta"te'], ['']]) {
      assert.throws(() => jsonPath(path), InvalidFieldPathError);
    }
    assert.equal(jsonPath(['upgrade_readiness', 'state', 'state2']), '$.upgrade_readiness.state.state2');
  });
});

describe('SQLite adapter: query plans and SQL text', () => {
  it('answers the hot list queries from indexes (EXPLAIN QUERY PLAN)', async () => {
    const { storage, file } = fresh();
    for (let i = 0; i < 200; i++) {
      await storage.upgradeStatus.insert(
        obj(
          `u-${i}`,
          { name: `n-${i}`, state: { state: i % 2 ? 'RUNNING' : 'DONE' }, progress: i % 100 },
          `t-${i % 4}`,
        ),
      );
    }
    const raw = new Database(file, { readonly: true });
    const plan = (sql: string, params: unknown[]) =>
      (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    try {
      const cases: [Partial<ListQuery>, RegExp][] = [
        [{ offset: 50, limit: 25 }, /USING INDEX \w+_tenant_seq \(tenant=\?\)/],
        [
          { filters: [{ op: 'eq', path: ['name'], value: 'n-3' }] },
          /USING INDEX \w+_tenant_name \(tenant=\? AND name=\?\)/,
        ],
        [
          {
            filters: [{ op: 'eq', path: ['state', 'state'], value: 'RUNNING' }],
            sort: [{ path: ['progress'], descending: true }],
          },
          /USING INDEX \w+_tenant_state_progress \(tenant=\? AND state=\?\)/,
        ],
        [
          { sort: [{ path: ['progress'], descending: false }] },
          /USING INDEX \w+_tenant_progress \(tenant=\?\)/,
        ],
      ];
      for (const [over, expected] of cases) {
        const sql = compileListQuery(q({ tenant: 't-1', ...over }));
        const pagePlan = plan(sql.pageSql, sql.pageParams);
        assert.match(pagePlan, expected);
        assert.doesNotMatch(pagePlan, /SCAN upgrade_status_info\b/);
        assert.doesNotMatch(plan(sql.countSql, sql.countParams), /SCAN upgrade_status_info\b/);
      }
      const unfiltered = compileListQuery(q({ tenant: 't-1' }));
      assert.match(plan(unfiltered.countSql, unfiltered.countParams), new RegExp(`SEARCH ${COUNTS_TABLE}`));
      assert.match(plan(`SELECT body FROM ${TABLE} WHERE uuid = ?`, ['u-1']), /USING INDEX .*\(uuid=\?\)/);
    } finally {
      raw.close();
    }
  });

  it('builds SQL from the shape only: values are bound, so statements are reused', () => {
    const shape = (value: string) =>
      compileListQuery(
        q({
          filters: parseListParams({
            name: value,
            refers_to: `image:${value}`,
            search: `(task_name,${value})`,
          }).filters,
        }),
      );
    const a = shape('img-1');
    const b = shape('zzz');
    assert.equal(a.countSql, b.countSql);
    assert.equal(a.pageSql, b.pageSql);
    assert.notDeepEqual(a.pageParams, b.pageParams);
    assert.doesNotMatch(a.pageSql, /img-1/);
  });
});
