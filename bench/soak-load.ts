// The soak's load and its measurements: `connections` loops, each one request at a time
// (70% GET by uuid, 20% PATCH, 5% list page, 5% POST + DELETE pairs), counted per interval; and
// the server's resident memory (VmRSS from /proc), sampled every second.
import { readFileSync } from 'node:fs';
import { benchRecord } from './records.js';
import type { KeepAliveClient } from '../test/helpers/keep-alive-client.js';

const rand = (n: number) => Math.floor(Math.random() * n);

/** Resident memory of `pid` in MB (VmRSS), NaN when unreadable. */
export function rssMb(pid: number | undefined): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** VmRSS of one process every `everyMs`, with the time of each sample (performance.now()). */
export class RssSampler {
  private readonly samples: { at: number; mb: number }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number | undefined,
    everyMs = 1000,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): number {
    const mb = rssMb(this.pid);
    if (Number.isFinite(mb)) this.samples.push({ at: performance.now(), mb });
    return mb;
  }

  /** The samples taken in [from, to). */
  window(from: number, to: number): number[] {
    return this.samples.filter((s) => s.at >= from && s.at < to).map((s) => s.mb);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export type Op = 'GET' | 'PATCH' | 'list' | 'POST+DELETE';
export const OPS: readonly Op[] = ['GET', 'PATCH', 'list', 'POST+DELETE'];

export class Interval {
  readonly ops: Record<Op, number> = { GET: 0, PATCH: 0, list: 0, 'POST+DELETE': 0 };
  requests = 0;
  non2xx = 0;
  errors = 0;
  latencies: number[] = [];
  constructor(readonly started = performance.now()) {}
}

/** The load, counting into `current` (swap it for a new Interval to start the next one). */
export class SoakLoad {
  current = new Interval();
  private stopped = false;
  private tmp = 0;

  constructor(
    private readonly client: KeepAliveClient,
    /** Seeded objects `soak-0` ... `soak-<objects - 1>`. */
    private readonly objects: number,
    private readonly connections: number,
  ) {}

  private async send(method: string, path: string, body?: unknown): Promise<void> {
    const t0 = performance.now();
    const stats = this.current;
    try {
      const answer = await this.client.request(method, path, body);
      if (answer.status < 200 || answer.status >= 300) stats.non2xx++;
    } catch {
      stats.errors++;
    }
    stats.requests++;
    stats.latencies.push(performance.now() - t0);
  }

  private async one(): Promise<void> {
    const r = Math.random();
    const op: Op = r < 0.7 ? 'GET' : r < 0.9 ? 'PATCH' : r < 0.95 ? 'list' : 'POST+DELETE';
    this.current.ops[op]++;
    const uuid = `soak-${rand(this.objects)}`;
    if (op === 'GET') return this.send('GET', `/api/upgradestatusinfo/${uuid}`);
    if (op === 'list') return this.send('GET', `/api/upgradestatusinfo?page_size=25&page=${1 + rand(40)}`);
    if (op === 'PATCH') {
      // Half replace a scalar, half add an event whose task_name repeats (merged, so bounded).
      const event = { task_name: `soak-event-${rand(20)}`, sub_events: [{ status: true }] };
      const body =
        Math.random() < 0.5 ? { replace: { progress: rand(101) } } : { add: { upgrade_events: [event] } };
      return this.send('PATCH', `/api/upgradestatusinfo/${uuid}`, body);
    }
    const tmp = `soak-tmp-${this.tmp++}`;
    await this.send('POST', '/api/upgradestatusinfo', { ...benchRecord(this.tmp), uuid: tmp, name: tmp });
    await this.send('DELETE', `/api/upgradestatusinfo/${tmp}`);
  }

  async run(): Promise<void> {
    await Promise.all(
      Array.from({ length: this.connections }, async () => {
        while (!this.stopped) await this.one();
      }),
    );
  }

  stop(): void {
    this.stopped = true;
  }
}

/** POSTs `soak-0` ... `soak-<objects - 1>`, about 10 events each. */
export async function seed(client: KeepAliveClient, objects: number, connections: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let i = next++; i < objects; i = next++) {
        const answer = await client.request('POST', '/api/upgradestatusinfo', {
          ...benchRecord(i, 10),
          uuid: `soak-${i}`,
        });
        if (answer.status !== 201) throw new Error(`seeding soak-${i}: ${answer.status} ${answer.text}`);
      }
    }),
  );
}
