// Shared by the storage tests: object and query builders, a fresh database per test (closed when
// the test ends), and child Node processes that open the same database as a second server would.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TestContext } from 'node:test';
import type { DatabaseConfig } from '../../src/config/config.js';
import { ConflictError, type ListQuery, type Storage, type StoredObject } from '../../src/storage/types.js';
import { createTestDatabase, freshDatabase, type EmptyTestDatabase, type TestDatabase } from './database.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OPEN_STORAGE_URL = pathToFileURL(join(ROOT, 'src/server/open-storage.ts')).href;

/** A fresh database with a Storage open on it, deleted when test `t` ends. */
export async function fresh(t: TestContext): Promise<TestDatabase> {
  const db = await freshDatabase();
  t.after(() => db.close());
  return db;
}

/** A fresh database with nothing opened on it yet, deleted when test `t` ends. */
export async function empty(t: TestContext): Promise<EmptyTestDatabase> {
  const db = await createTestDatabase();
  t.after(() => db.close());
  return db;
}

export function obj(uuid: string, body: Record<string, unknown> = {}, tenant = 'admin'): StoredObject {
  return { uuid, tenant, lastModified: '1700000000000000', body: { uuid, ...body } };
}

export function q(over: Partial<ListQuery> = {}): ListQuery {
  return { tenant: 'admin', filters: [], sort: [], offset: 0, limit: 1000, ...over };
}

export async function uuids(storage: Storage, over: Partial<ListQuery> = {}): Promise<string[]> {
  return (await storage.upgradeStatus.list(q(over))).items.map((o) => o.uuid);
}

export const isConflict = (kind: 'uuid' | 'name') => (err: unknown) =>
  err instanceof ConflictError && err.kind === kind;

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs ESM code in a separate Node process, after `const s = await openStorage(<config>)` (the
 * start-up's own adapter choice) has opened the database `config` names.
 */
export function runWithStorage(config: DatabaseConfig, code: string): Promise<ChildResult> {
  const script =
    `import { openStorage } from ${JSON.stringify(OPEN_STORAGE_URL)};\n` +
    `const s = await openStorage(${JSON.stringify(config)});\n${code}`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (c, signal) => resolvePromise({ code: c, signal, stderr }));
  });
}
