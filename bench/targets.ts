// Where the benchmark's cases run: the server on SQLite (one process), on PostgreSQL, and on
// SQLite with two worker processes. Each target gets a database of its own, seeded the same way.
// PostgreSQL is BENCH_POSTGRES_URL's server (a role that may create databases) or a throwaway
// one started here with PostgreSQL's durable defaults (fsync and synchronous commit on).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../test/helpers/throwaway-postgres.js';

export interface Target {
  /** Short label for the table (`SQLite`, `PostgreSQL`, `SQLite, 2 workers`). */
  label: string;
  databaseUrl: string;
  workers: number;
}

export const TARGET_NAMES = ['sqlite', 'postgres', 'sqlite-2-workers'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface OpenTargets {
  targets: Target[];
  /** Drops the PostgreSQL database and stops a throwaway server. */
  close(): Promise<void>;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function openTargets(names: readonly string[], dir: string): Promise<OpenTargets> {
  for (const n of names) {
    if (!(TARGET_NAMES as readonly string[]).includes(n)) {
      throw new Error(`unknown target ${n} (known: ${TARGET_NAMES.join(', ')})`);
    }
  }
  const targets: Target[] = [];
  const closers: (() => Promise<void>)[] = [];
  // The 2-worker target shares the single-process target's file only if both run: it is seeded
  // once, and the workers then see the writes of the runs before them, as a long-lived server would.
  const sqliteUrl = `sqlite:${join(dir, 'bench.db')}`;
  if (names.includes('sqlite')) targets.push({ label: 'SQLite', databaseUrl: sqliteUrl, workers: 1 });
  if (names.includes('postgres')) {
    let server: ThrowawayPostgres | undefined;
    const serverUrl =
      process.env.BENCH_POSTGRES_URL || (server = await startThrowawayPostgres({ durable: true })).url;
    const database = `aus_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    targets.push({ label: 'PostgreSQL', databaseUrl: withDatabase(serverUrl, database), workers: 1 });
    closers.push(async () => {
      const again = new pg.Client({ connectionString: serverUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await again.end();
      await server?.stop();
    });
  }
  if (names.includes('sqlite-2-workers')) {
    targets.push({ label: 'SQLite, 2 workers', databaseUrl: sqliteUrl, workers: 2 });
  }
  return {
    targets,
    async close() {
      for (const close of closers) await close().catch((e: unknown) => console.warn(String(e)));
    },
  };
}
