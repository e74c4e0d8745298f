// The crash test's writer: `connections` loops, each sending one write at a time as fast as the
// server answers: POST of a new object, PUT (full replace) or PATCH add of one event on an object
// no other loop is writing, recording every answer in the ledger. It runs until `stop()`, which
// the round calls just before it kills the server (the writes in flight then get no answer), or
// until it has sent `maxWrites`.
import type { KeepAliveClient } from '../helpers/keep-alive-client.js';
import { eventNames, isObject, record, Tracked, type JsonObject, type Method } from './ledger.js';

export interface LoadStats {
  /** Writes answered 2xx, per method. */
  acked: Record<Method, number>;
  /** Events acknowledged by PATCH add. */
  ackedEvents: number;
  /** Writes with no answer (the server died, or a timeout). */
  unanswered: number;
  /** Writes answered with another status, per status. */
  refused: Record<string, number>;
}

export const emptyStats = (): LoadStats => ({
  acked: { POST: 0, PUT: 0, PATCH: 0 },
  ackedEvents: 0,
  unanswered: 0,
  refused: {},
});

export function addStats(into: LoadStats, from: LoadStats): void {
  for (const m of ['POST', 'PUT', 'PATCH'] as const) into.acked[m] += from.acked[m];
  into.ackedEvents += from.ackedEvents;
  into.unanswered += from.unanswered;
  for (const [status, n] of Object.entries(from.refused))
    into.refused[status] = (into.refused[status] ?? 0) + n;
}

export const ackedTotal = (s: LoadStats): number => s.acked.POST + s.acked.PUT + s.acked.PATCH;

/** The objects written so far, and those no loop is writing now (with a known state). */
export class Pool {
  readonly objects = new Map<string, Tracked>();
  idle: Tracked[] = [];
  private n = 0;
  constructor(private readonly prefix: string) {}

  next(): number {
    return this.n++;
  }
  fresh(): Tracked {
    const uuid = `${this.prefix}-${this.next()}`;
    const t = new Tracked(uuid, uuid);
    t.named = true; // a POST answer presents names
    this.objects.set(uuid, t);
    return t;
  }
  /** A random idle object, taken out of the idle list (undefined: none). */
  take(): Tracked | undefined {
    if (this.idle.length === 0) return undefined;
    const i = Math.floor(Math.random() * this.idle.length);
    const t = this.idle[i]!;
    this.idle[i] = this.idle[this.idle.length - 1]!;
    this.idle.pop();
    return t;
  }
  /** After a verification: every object with a known state is writable again. */
  resetIdle(): void {
    this.idle = [...this.objects.values()].filter((t) => t.state !== undefined);
  }
}

function parseObject(text: string): JsonObject | undefined {
  try {
    const body: unknown = JSON.parse(text);
    return isObject(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

export class Load {
  readonly stats = emptyStats();
  private stopped = false;
  private onFirstAck: () => void = () => undefined;
  /** Settles at the first 2xx answer: the server is past its cold start. */
  readonly firstAck = new Promise<void>((resolve) => (this.onFirstAck = resolve));

  constructor(
    private readonly pool: Pool,
    private readonly client: KeepAliveClient,
    private readonly connections: number,
    /** Writes sent at most (the round's time bounds it too). */
    private readonly maxWrites = 200_000,
  ) {}

  async run(): Promise<void> {
    await Promise.all(Array.from({ length: this.connections }, () => this.loop()));
  }

  stop(): void {
    this.stopped = true;
  }

  private async loop(): Promise<void> {
    for (let sent = 0; !this.stopped && sent < this.maxWrites; sent += this.connections) {
      const r = Math.random();
      const t = r < 0.2 ? undefined : this.pool.take();
      if (t === undefined) await this.post();
      else if (r < 0.6) await this.patch(t);
      else await this.put(t);
    }
  }

  private post(): Promise<void> {
    const t = this.pool.fresh();
    return this.write(t, 'POST', '/api/upgradestatusinfo', record(t.uuid, t.name, this.pool.next()));
  }

  private put(t: Tracked): Promise<void> {
    return this.write(
      t,
      'PUT',
      `/api/upgradestatusinfo/${t.uuid}`,
      record(undefined, t.name, this.pool.next()),
    );
  }

  private patch(t: Tracked): Promise<void> {
    const event = `ev-${t.uuid}-${this.pool.next()}`;
    const body = { add: { upgrade_events: [{ task_name: event }] } };
    return this.write(t, 'PATCH', `/api/upgradestatusinfo/${t.uuid}`, body, event);
  }

  private async write(
    t: Tracked,
    method: Method,
    path: string,
    sent: JsonObject,
    event?: string,
  ): Promise<void> {
    t.dirty = true;
    let outcome: string;
    try {
      const answer = await this.client.request(method, path, sent);
      const body = answer.status >= 200 && answer.status < 300 ? parseObject(answer.text) : undefined;
      if (body !== undefined) {
        this.acknowledge(t, method, body, event);
        this.pool.idle.push(t);
        return;
      }
      outcome =
        answer.status >= 200 && answer.status < 300
          ? `${answer.status} (unreadable body)`
          : String(answer.status);
      this.stats.refused[outcome] = (this.stats.refused[outcome] ?? 0) + 1;
      // The server answered: it is alive, and the object may be written again.
      if (t.state !== undefined) this.pool.idle.push(t);
    } catch (err) {
      outcome = `no answer (${err instanceof Error ? err.message : String(err)})`;
      this.stats.unanswered++;
      // Left out of the idle list until the verification after the restart settles it.
      if (!this.stopped) await new Promise((r) => setTimeout(r, 10));
    }
    t.pending.push({ method, sent, outcome, ...(event === undefined ? {} : { event }) });
  }

  private acknowledge(t: Tracked, method: Method, body: JsonObject, event?: string): void {
    this.stats.acked[method]++;
    this.onFirstAck();
    t.state = body;
    t.pending = [];
    // POST and PUT answers present references with names, PATCH answers without.
    t.named = method !== 'PATCH';
    if (event === undefined) {
      t.ackedEvents = new Set(eventNames(body));
    } else {
      t.ackedEvents.add(event);
      this.stats.ackedEvents++;
    }
  }
}
