// The database a test runs on, chosen for the whole run by AVI_TEST_DB (test/run.ts runs every
// test file once per database): `sqlite` (the default) is a file in a fresh temporary folder;
// `postgres` is a fresh database, with a random name, on the server TEST_DATABASE_URL names,
// dropped at close. Either way each call gives an empty store of its own, and its DATABASE_URL for
// anything that opens it separately (a second app, a child process).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config/config.js';
import { openStorage } from '../../src/server/open-storage.js';
import type { Storage } from '../../src/storage/types.js';

export type TestDbKind = 'sqlite' | 'postgres';

function testDbKind(value: string | undefined): TestDbKind {
  if (value === undefined || value === '' || value === 'sqlite') return 'sqlite';
  if (value === 'postgres') return 'postgres';
  throw new Error(`AVI_TEST_DB must be sqlite or postgres, not ${JSON.stringify(value)}`);
}

/** The database every test of this run uses. */
export const TEST_DB: TestDbKind = testDbKind(process.env.AVI_TEST_DB);

/** A fresh, empty database of its own. */
export interface EmptyTestDatabase {
  readonly kind: TestDbKind;
  /** Its DATABASE_URL (`sqlite:<file>` or `postgres://...`). */
  readonly url: string;
  /** What loadConfig makes of `url`. */
  readonly config: DatabaseConfig;
  /** Opens another Storage on it (as another process would); closed by `close`. */
  open(): Promise<Storage>;
  /** Runs SQL directly on the database, beside the storage layer. */
  exec(sql: string): Promise<void>;
  /** The rows of one SELECT run directly on the database (write it in SQL both databases speak). */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** Closes every Storage `open` gave, then deletes the database. Idempotent. */
  close(): Promise<void>;
}

/** A fresh database with a Storage already open on it. */
export interface TestDatabase extends EmptyTestDatabase {
  readonly storage: Storage;
}

let counter = 0;
let admin: pg.Pool | undefined;
let serverVersion: number | undefined;

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (url === undefined || url === '') {
    throw new Error(
      'AVI_TEST_DB=postgres needs TEST_DATABASE_URL (postgres://user:password@host:port/database of a ' +
        'role that may create databases); `npm test` starts a throwaway server when it is unset',
    );
  }
  return url;
}

/** One small pool per test process for CREATE / DROP DATABASE; it never keeps the process alive. */
function adminPool(): pg.Pool {
  if (!admin) {
    admin = new pg.Pool({ connectionString: serverUrl(), max: 2, allowExitOnIdle: true });
    // An idle connection the server ends (it stopped) must not crash the test process.
    admin.on('error', () => undefined);
    admin.on('error', () => undefined); // an idle connection lost: the pool opens another
  }
  return admin;
}

async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `aus_test_${process.pid}_${++counter}_${randomBytes(4).toString('hex')}`;
  const pool = adminPool();
  serverVersion ??= Number(
    (await pool.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]?.v ?? 0,
  );
  const version = serverVersion;
  // FILE_COPY (PostgreSQL 15+) copies the small template in a few ms, without WAL-logging it.
  const strategy = version >= 150000 ? ' STRATEGY FILE_COPY' : '';
  await pool.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'${strategy}`);
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await pool.query(`DROP DATABASE IF EXISTS ${name}${version >= 130000 ? ' WITH (FORCE)' : ''}`);
    },
  };
}

type Run = (sql: string) => Promise<Record<string, unknown>[]>;

/** Runs `work` on a connection of its own to the database, beside any Storage. */
async function direct<T>(config: DatabaseConfig, work: (run: Run) => Promise<T>): Promise<T> {
  if (config.kind === 'sqlite') {
    const raw = new Database(config.file);
    try {
      return await work(async (sql) => {
        if (/^\s*(SELECT|WITH|PRAGMA)\b/i.test(sql))
          return raw.prepare(sql).all() as Record<string, unknown>[];
        raw.exec(sql); // may hold several statements
        return [];
      });
    } finally {
      raw.close();
    }
  }
  const client = new pg.Client({ connectionString: config.url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(async (sql) => (await client.query<Record<string, unknown>>(sql)).rows);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database (nothing opened on it yet). `dir`: where a SQLite file goes. */
export async function createTestDatabase(opts: { dir?: string } = {}): Promise<EmptyTestDatabase> {
  let url: string;
  let config: DatabaseConfig;
  let remove: () => Promise<void>;
  if (TEST_DB === 'postgres') {
    const created = await createPostgresDatabase();
    url = created.url;
    config = { kind: 'postgres', url };
    remove = created.drop;
  } else {
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'aus-db-'));
    const file = join(dir, 'test.db');
    url = `sqlite:${file}`;
    config = { kind: 'sqlite', file };
    remove = async () => {
      if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
    };
  }
  const opened: Storage[] = [];
  let closed = false;
  return {
    kind: TEST_DB,
    url,
    config,
    async open() {
      const storage = await openStorage(config);
      opened.push(storage);
      return storage;
    },
    async exec(sql: string) {
      await direct(config, (run) => run(sql));
    },
    async rows(sql: string) {
      return direct(config, (run) => run(sql));
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const s of opened) await s.close();
      await remove();
    },
  };
}

/** A fresh, empty database with a Storage open on it. */
export async function freshDatabase(opts: { dir?: string } = {}): Promise<TestDatabase> {
  const db = await createTestDatabase(opts);
  try {
    return { ...db, storage: await db.open() };
  } catch (err) {
    await db.close();
    throw err;
  }
}
