// Builds the real app on a fresh, empty database of the run's kind (test/helpers/database.ts:
// a SQLite file in a fresh temporary folder, or a new PostgreSQL database), for in-process tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../src/http/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { Storage } from '../../src/storage/types.js';
import type { ScryptParams } from '../../src/domain/auth/password.js';
import { freshDatabase, type TestDatabase } from './database.js';

/** The password of the first admin of every test app (unless the test sets ADMIN_PASSWORD). */
export const ADMIN_PASSWORD = 'test-admin-password';

/** Cheap password hashes: tests create many users (the stored hash carries its parameters). */
export const TEST_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

/** `Authorization: Basic ...` for a username and password. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** A clock the test moves by hand (sessions, tokens, the login throttle and the Basic cache). */
export class TestClock {
  constructor(public ms = Date.now()) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export type Inject = (opts: InjectOptions) => Promise<LightMyRequestResponse>;

export interface TestApp {
  /** The app; its `inject` acts as the admin (Basic auth) unless the request carries its own credentials. */
  app: FastifyInstance;
  /** `inject` without credentials added. */
  anonymous: Inject;
  storage: Storage;
  /** The database under `storage`: its URL, more Storages on it, raw SQL. */
  database: TestDatabase;
  config: Config;
  clock: TestClock;
  dir: string;
  close(): Promise<void>;
}

function hasHeader(headers: InjectOptions['headers'], name: string): boolean {
  return Object.keys(headers ?? {}).some((k) => k.toLowerCase() === name);
}

/**
 * Makes `app.inject(options)` send the admin's Basic credentials unless the request has an
 * Authorization or a Cookie header of its own, so tests of other behaviour stay unchanged.
 */
export function authenticateByDefault(app: FastifyInstance, authorization: string): Inject {
  const raw: Inject = app.inject.bind(app) as Inject;
  const inject: Inject = (opts) => {
    if (hasHeader(opts.headers, 'authorization') || hasHeader(opts.headers, 'cookie')) return raw(opts);
    return raw({ ...opts, headers: { ...(opts.headers ?? {}), authorization } });
  };
  (app as unknown as { inject: Inject }).inject = inject;
  return raw;
}

export async function startTestApp(
  env: Record<string, string> = {},
  deps: Partial<Pick<AppDeps, 'logger' | 'scrypt'>> = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'aus-test-'));
  const database = await freshDatabase({ dir });
  const config = loadConfig({ DATABASE_URL: database.url, ADMIN_PASSWORD, ...env });
  const storage = database.storage;
  const clock = new TestClock();
  const app = await buildApp({ config, storage, now: clock.now, scrypt: TEST_SCRYPT, ...deps });
  const anonymous = authenticateByDefault(app, basicAuth('admin', config.adminPassword ?? ADMIN_PASSWORD));
  return {
    app,
    anonymous,
    storage,
    database,
    config,
    clock,
    dir,
    async close() {
      await app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The API version tests send (the default CONTROLLER_VERSION): every field of the model but the newest. */
export const VERSION_HEADERS = { 'x-avi-version': '31.1.1' };
export const JSON_HEADERS = { 'content-type': 'application/json', ...VERSION_HEADERS };

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
