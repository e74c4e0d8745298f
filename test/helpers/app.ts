// Builds the real app on a real SQLite file in a fresh temporary folder, for in-process tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { openSqliteStorage } from '../../src/storage/sqlite/index.js';
import type { Storage } from '../../src/storage/types.js';

export interface TestApp {
  app: FastifyInstance;
  storage: Storage;
  config: Config;
  dir: string;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'aus-test-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'test.db')}`, ...env });
  const storage = openSqliteStorage({ file: config.database.file });
  const app = await buildApp({ config, storage });
  return {
    app,
    storage,
    config,
    dir,
    async close() {
      await app.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const JSON_HEADERS = { 'content-type': 'application/json', 'x-avi-version': '31.1.1' };

/** A realistic SE group record, as a controller would write it. */
export function sampleRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Default-Group',
    node_type: 'NODE_SE_GROUP',
    obj_cloud_ref: '/api/cloud/cloud-11111111-2222-3333-4444-555555555555',
    version: '30.2.1-9046-20240301.010203',
    state: { state: 'UPGRADE_FSM_IN_PROGRESS', last_changed_time: { secs: 1700000000, usecs: 12 } },
    progress: 40,
    tasks_completed: 4,
    total_tasks: 10,
    upgrade_events: [
      {
        task_name: 'PreUpgradeHooks',
        sub_events: [{ status: true, message: 'ok', ip: { addr: '10.0.0.1', type: 'V4' } }],
      },
    ],
    ...overrides,
  };
}
