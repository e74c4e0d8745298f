// The PostgreSQL adapter when the database cannot serve it: every failure is a
// StoreUnavailableError (the API's 503) within its timeouts, never a hang, and the pool recovers by
// itself when the database is back. A TCP proxy between the adapter and the real server plays the
// network: it can refuse, cut every connection, or accept and then never answer.
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { openPostgresStorage, type PostgresOptions } from '../../src/storage/postgres/index.js';
import { StoreUnavailableError, type Storage } from '../../src/storage/types.js';
import { createTestDatabase } from '../helpers/database.js';
import { empty, fresh, obj, q } from '../helpers/storage.js';

/** A TCP proxy to the database server of `url`; `url` on it is the same database through the proxy. */
class Proxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** When true, connections are accepted and then left unanswered. */
  stalled = false;
  port = 0;

  constructor(private readonly target: URL) {}

  async start(): Promise<void> {
    const server = createServer((inbound) => {
      this.sockets.add(inbound);
      inbound.on('close', () => this.sockets.delete(inbound));
      inbound.on('error', () => undefined);
      if (this.stalled) return;
      const outbound = connect(Number(this.target.port || 5432), this.target.hostname);
      this.sockets.add(outbound);
      outbound.on('close', () => this.sockets.delete(outbound));
      outbound.on('error', () => inbound.destroy());
      inbound.on('error', () => outbound.destroy());
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
  }

  /** Stops listening and cuts every open connection (the server went away). */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  url(): string {
    const url = new URL(this.target);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }
}

async function proxied(t: TestContext, opts: Partial<PostgresOptions> = {}) {
  const db = await createTestDatabase();
  const proxy = new Proxy(new URL(db.url));
  await proxy.start();
  const storage = await openPostgresStorage({ url: proxy.url(), connectTimeoutMs: 1000, ...opts });
  t.after(async () => {
    await storage.close();
    await proxy.stop();
    await db.close();
  });
  return { db, proxy, storage };
}

/** Awaits `promise`, failing if it takes longer than `ms`. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const unavailable = (err: unknown) => err instanceof StoreUnavailableError;

/** Every kind of call the API makes of a store. */
function everyKindOfCall(s: Storage): (() => Promise<unknown>)[] {
  return [
    () => s.upgradeStatus.get('u-1', null),
    () => s.upgradeStatus.insert(obj('u-new')),
    () => s.upgradeStatus.update('u-1', null, (c) => c),
    () => s.upgradeStatus.delete('u-1', null),
    () => s.upgradeStatus.list(q()),
    () => s.tenants.list(),
    () => s.users.count(),
    () => s.sessions.get('x'),
    () => s.loginThrottle.update('k', () => ({ failures: 1, windowStart: 0, blockedUntil: 0 })),
    () => s.userTokens.get('x'),
  ];
}

describe('PostgreSQL adapter: database unavailable', () => {
  it('refuses to open when nothing listens, at once, with StoreUnavailableError', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    const port = typeof address === 'object' && address ? address.port : 1;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await within(
      3000,
      assert.rejects(openPostgresStorage({ url: `postgres://u:p@127.0.0.1:${port}/db` }), unavailable),
    );
  });

  it('answers StoreUnavailableError while the server is gone, and recovers when it is back', async (t) => {
    const { proxy, storage } = await proxied(t);
    await storage.upgradeStatus.insert(obj('u-1', { name: 'before' }));
    assert.equal(await storage.ping(), true);

    await proxy.stop(); // every pooled connection is cut; new ones are refused
    for (const call of everyKindOfCall(storage)) await within(3000, assert.rejects(call(), unavailable));
    assert.equal(await within(3000, storage.ping()), false);

    await proxy.start(); // same port: the database is back
    assert.equal(await storage.ping(), true);
    assert.equal((await storage.upgradeStatus.get('u-1', 'admin'))?.body.name, 'before');
    await storage.upgradeStatus.update('u-1', null, (c) => ({ ...c, body: { ...c.body, name: 'after' } }));
    assert.equal((await storage.upgradeStatus.list(q())).items[0]?.body.name, 'after');
  });

  it('gives up on a server that accepts but never answers, after the connect timeout', async (t) => {
    const { proxy, storage } = await proxied(t, { connectTimeoutMs: 300 });
    await proxy.stop();
    proxy.stalled = true;
    await proxy.start();
    const started = Date.now();
    await within(3000, assert.rejects(storage.upgradeStatus.get('u-1', null), unavailable));
    assert.ok(Date.now() - started < 2000);
    proxy.stalled = false;
    await proxy.stop();
    await proxy.start();
    assert.equal(await storage.upgradeStatus.get('u-1', null), undefined);
  });

  it('survives its connections being terminated by the server (57P01)', async (t) => {
    const db = await fresh(t);
    const s = db.storage;
    await s.upgradeStatus.insert(obj('u-1', { name: 'kept' }));
    await Promise.all([s.upgradeStatus.get('u-1', null), s.upgradeStatus.list(q()), s.tenants.list()]);
    const admin = new pg.Client({ connectionString: db.url });
    admin.on('error', () => undefined); // terminated in turn when the test drops the database
    await admin.connect();
    t.after(() => admin.end());
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    assert.ok((killed.rowCount ?? 0) > 0);
    // Reads run again on another connection; the pool replaces the terminated ones by itself.
    for (let i = 0; i < 5; i++) {
      assert.equal((await within(3000, s.upgradeStatus.get('u-1', null)))?.body.name, 'kept');
    }
    await s.upgradeStatus.update('u-1', null, (c) => ({ ...c, body: { ...c.body, name: 'changed' } }));
    assert.equal((await s.upgradeStatus.list(q())).items[0]?.body.name, 'changed');
  });

  it('ends a wait on a lock held elsewhere with StoreUnavailableError', async (t) => {
    const db = await empty(t);
    const storage = await openPostgresStorage({ url: db.url, statementTimeoutMs: 300 });
    t.after(() => storage.close());
    await storage.upgradeStatus.insert(obj('u-1'));
    const holder = new pg.Client({ connectionString: db.url });
    holder.on('error', () => undefined);
    await holder.connect();
    t.after(() => holder.end());
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE upgrade_status_info IN ACCESS EXCLUSIVE MODE');
    await within(3000, assert.rejects(storage.upgradeStatus.get('u-1', null), unavailable));
    await within(
      3000,
      assert.rejects(
        storage.upgradeStatus.update('u-1', null, (c) => c),
        unavailable,
      ),
    );
    await holder.query('ROLLBACK');
    assert.ok(await storage.upgradeStatus.get('u-1', null));
  });
});
