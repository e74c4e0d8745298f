// The change feed on PostgreSQL: rows the deferred trigger of migration 3 writes at the commit of
// every object write, in commit order (see migrations.ts). Watchers hear of commits by any process
// through LISTEN on a dedicated connection (the trigger calls pg_notify, which PostgreSQL delivers
// at commit). That connection is opened while someone watches, checked every 30 s, and opened
// again by itself after it broke (the database restarted, the backend was terminated), with
// a pause that doubles up to 5 s; each (re)connection tells the watchers once, since commits may
// have gone unheard meanwhile.
import pg from 'pg';
import type { Change, ChangeFeed } from '../types.js';
import { CHANGES_CHANNEL, CHANGES_TABLE } from './migrations.js';
import type { Db } from './statement-cache.js';

/** First pause before the LISTEN connection is opened again; doubles up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;
/** How often the LISTEN connection is asked whether it still answers. */
const HEALTH_CHECK_MS = 30_000;

interface Row {
  seq: number;
  kind: Change['kind'];
  uuid: string;
  tenant: string;
}

const AFTER = `SELECT seq, kind, uuid, tenant FROM ${CHANGES_TABLE} WHERE seq > $1 ORDER BY seq LIMIT $2`;
const BOUNDS = `SELECT min(seq) AS oldest, max(seq) AS newest FROM ${CHANGES_TABLE}`;

export interface ListenOptions {
  url: string;
  /** How long connecting, or a health check, may take (ms). */
  timeoutMs: number;
}

export class PgChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<() => void>();
  private client: pg.Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly listen: ListenOptions,
  ) {}

  async after(seq: number, limit: number): Promise<Change[]> {
    const { rows } = await this.db.idempotent<Row>(AFTER, [seq, limit]);
    return rows.map((r) => ({ seq: Number(r.seq), kind: r.kind, uuid: r.uuid, tenant: r.tenant }));
  }

  async bounds(): Promise<{ oldest: number; newest: number }> {
    const row = (await this.db.idempotent<{ oldest: number | null; newest: number | null }>(BOUNDS, []))
      .rows[0];
    return { oldest: Number(row?.oldest ?? 0), newest: Number(row?.newest ?? 0) };
  }

  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.disconnect();
    };
  }

  /** Stops listening for good (the storage is closing). */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.disconnect();
  }

  /** Opens the LISTEN connection, unless it is open, opening, or waiting to be opened again. */
  private connect(): void {
    if (this.closed || this.client || this.retryTimer || this.listeners.size === 0) return;
    const client = new pg.Client({
      connectionString: this.listen.url,
      connectionTimeoutMillis: this.listen.timeoutMs,
      query_timeout: this.listen.timeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: 'avi-upgrade-status-listen',
    });
    this.client = client;
    const lost = (): void => this.lost(client);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      if (n.channel === CHANGES_CHANNEL) this.notify();
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${CHANGES_CHANNEL}`))
      .then(() => {
        if (this.client !== client) return;
        this.retryMs = FIRST_RETRY_MS;
        this.healthTimer = setInterval(() => {
          client.query('SELECT 1').catch(lost);
        }, HEALTH_CHECK_MS);
        this.healthTimer.unref();
        this.notify(); // commits while nobody listened
      })
      .catch(lost);
  }

  /** The LISTEN connection broke or could not be opened: open another after a pause. */
  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.dropClient();
    if (this.closed || this.listeners.size === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private dropClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = undefined;
    return client ? client.end().catch(() => undefined) : Promise.resolve();
  }

  private async disconnect(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retryMs = FIRST_RETRY_MS;
    await this.dropClient();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // a failing watcher must not stop the others
      }
    }
  }
}
