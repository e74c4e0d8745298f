// The PostgreSQL storage adapter (pg): a connection pool with timeouts on every wait, the schema
// migrated at start-up, and the stores. Every failure to reach or use the database comes out as
// StoreUnavailableError (HTTP 503) within the timeouts below, never as a hang; a broken connection
// is dropped from the pool, so the pool recovers by itself once the database is back.
import pg from 'pg';
import type { Storage } from '../types.js';
import { mapPgError } from './errors.js';
import { migrate } from './migrations.js';
import { Db, typeParsers } from './statement-cache.js';
import { PgUpgradeStatusStore } from './upgrade-status-store.js';
import { PgTenantStore } from './tenant-store.js';
import { PgUserStore } from './user-store.js';
import { PgSessionStore } from './session-store.js';
import { PgLoginThrottleStore } from './login-throttle-store.js';
import { PgUserTokenStore } from './user-token-store.js';
import { PgChangeFeed } from './change-feed.js';

export interface PostgresOptions {
  /** `postgres://user:password@host:port/database?...` (libpq-style parameters accepted). */
  url: string;
  /** Connections kept at most (default 10). */
  poolSize?: number;
  /** How long to wait for a connection, new or pooled, before giving up (ms, default 5000). */
  connectTimeoutMs?: number;
  /** How long one statement may run before the server cancels it (ms, default 30000). */
  statementTimeoutMs?: number;
}

function positive(n: number | undefined, fallback: number): number {
  return n !== undefined && Number.isFinite(n) && n > 0 ? Math.trunc(n) : fallback;
}

export async function openPostgresStorage(opts: PostgresOptions): Promise<Storage> {
  const connectTimeout = positive(opts.connectTimeoutMs, 5000);
  const statementTimeout = positive(opts.statementTimeoutMs, 30_000);
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: positive(opts.poolSize, 10),
    connectionTimeoutMillis: connectTimeout,
    idleTimeoutMillis: 30_000,
    // Idle connections alone do not keep the process alive (scripts, tests; a server listens anyway).
    allowExitOnIdle: true,
    // Server side: a statement, a lock wait, or an abandoned transaction ends with an error.
    statement_timeout: statementTimeout,
    lock_timeout: Math.min(10_000, statementTimeout),
    idle_in_transaction_session_timeout: 60_000,
    // Client side: an answer that never comes (a dead host, a silent network) ends too.
    query_timeout: statementTimeout + connectTimeout,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: 'avi-upgrade-status',
    types: typeParsers(),
  });
  // An idle connection that breaks (server restart, pg_terminate_backend) is reported here and
  // dropped by the pool; without a listener it would crash the process.
  pool.on('error', () => undefined);

  const db = new Db(pool);
  try {
    await db.withClient((client) => migrate(client));
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw mapPgError(err);
  }

  const changes = new PgChangeFeed(db, { url: opts.url, timeoutMs: connectTimeout });
  let closed = false;
  return {
    kind: 'postgres',
    upgradeStatus: new PgUpgradeStatusStore(db),
    tenants: new PgTenantStore(db),
    users: new PgUserStore(db),
    sessions: new PgSessionStore(db),
    loginThrottle: new PgLoginThrottleStore(db),
    userTokens: new PgUserTokenStore(db),
    changes,
    async ping(): Promise<boolean> {
      if (closed) return false;
      try {
        const { rows } = await db.idempotent<{ one: number }>('SELECT 1 AS one');
        return rows[0]?.one === 1;
      } catch {
        return false;
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await changes.close();
      await pool.end();
    },
  };
}
