// `npm run soak -- --minutes 10`: the built server (`node dist/src/main.js`, as `npm start` runs
// it) under a steady mixed load for a long time: 70% GET by uuid, 20% PATCH, 5% list page, 5%
// POST + DELETE pairs. Prints throughput and latency per interval and the server's resident
// memory (VmRSS, sampled every second); exits 1 when memory grew more than --max-growth percent
// after the warm-up: the median of the samples over the last minute of the warm-up (at most its
// second half) against the median over the last minute of the run (a single sample would mostly
// measure where the garbage collector happened to be).
// Options: --minutes M (10) --database sqlite|postgres (sqlite; PostgreSQL: TEST_DATABASE_URL or
// a throwaway server) --interval S (30) --warmup S (120) --connections C (20) --objects N (1000)
// --max-growth P (10) --write FILE (also write the figures there, e.g. docs/soak.md)
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startServer, median, type Server } from './lib.js';
import { Interval, OPS, percentile, RssSampler, seed, SoakLoad } from './soak-load.js';
import { basicAuthorization, KeepAliveClient } from '../test/helpers/keep-alive-client.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../test/helpers/throwaway-postgres.js';
import { freePort } from '../test/server/server-process.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    database: { type: 'string', default: 'sqlite' },
    interval: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '120' },
    connections: { type: 'string', default: '20' },
    objects: { type: 'string', default: '1000' },
    'max-growth': { type: 'string', default: '10' },
    write: { type: 'string' },
  },
});
const MINUTES = Number(values.minutes);
const INTERVAL = Number(values.interval);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const OBJECTS = Number(values.objects);
const MAX_GROWTH = Number(values['max-growth']);
const DATABASE = values.database;
if (DATABASE !== 'sqlite' && DATABASE !== 'postgres')
  throw new Error('--database must be sqlite or postgres');
if (!(MINUTES > 0 && INTERVAL > 0 && WARMUP >= 0 && CONNECTIONS > 0 && OBJECTS > 0))
  throw new Error('bad option');
if (WARMUP >= MINUTES * 60) throw new Error('--warmup must be shorter than the run');
const PASSWORD = 'soak-admin-password';
const HEADERS = { authorization: basicAuthorization('admin', PASSWORD), 'x-avi-version': '31.1.1' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (n: number) => n.toFixed(1);

interface Row {
  end: number;
  seconds: number;
  stats: Interval;
  /** VmRSS samples of the interval (MB). */
  rss: number[];
}

const TABLE_HEAD = [
  '| at | requests/s | GET/s | PATCH/s | list/s | POST+DELETE pairs/s | p50 ms | p99 ms | non-2xx | errors | server RSS MB: median (min–max) |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];

function formatRow(r: Row): string {
  const s = r.stats;
  const per = (n: number) => Math.round(n / r.seconds);
  const rss = `${mb(median(r.rss))} (${mb(Math.min(...r.rss))}–${mb(Math.max(...r.rss))})`;
  return (
    `| ${Math.round(r.end)} s | ${per(s.requests)} | ${OPS.map((o) => per(s.ops[o])).join(' | ')} | ` +
    `${percentile(s.latencies, 0.5).toFixed(1)} | ${percentile(s.latencies, 0.99).toFixed(1)} | ` +
    `${s.non2xx} | ${s.errors} | ${rss} |`
  );
}

/** The database to soak on, and how to get rid of it. */
async function database(dir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (DATABASE === 'sqlite') return { url: `sqlite:${join(dir, 'soak.db')}`, drop: async () => undefined };
  let throwaway: ThrowawayPostgres | undefined;
  if (!process.env.TEST_DATABASE_URL) throwaway = await startThrowawayPostgres();
  const admin = throwaway?.url ?? process.env.TEST_DATABASE_URL ?? '';
  const name = `aus_soak_${randomBytes(4).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await run(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await run(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
      await throwaway?.stop();
    },
  };
}

async function main(): Promise<number> {
  execSync('npm run build --silent', { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'aus-soak-'));
  const db = await database(dir);
  const port = await freePort();
  let server: Server | undefined;
  let sampler: RssSampler | undefined;
  try {
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      ADMIN_PASSWORD: PASSWORD,
    };
    server = await startServer(['dist/src/main.js'], env, port, '/api/cluster/status');
    sampler = new RssSampler(server.child.pid);
    const client = new KeepAliveClient(server.url, HEADERS, CONNECTIONS);
    const points = { start: sampler.sample(), seeded: 0, warm: 0, end: 0 };
    await seed(client, OBJECTS, CONNECTIONS);
    points.seeded = sampler.sample();
    console.log(
      `seeded ${OBJECTS} objects; server RSS ${mb(points.start)} MB at start, ${mb(points.seeded)} MB seeded`,
    );
    console.log(TABLE_HEAD.join('\n'));
    const load = new SoakLoad(client, OBJECTS, CONNECTIONS);
    const started = performance.now();
    const running = load.run();
    const rows: Row[] = [];
    const total = MINUTES * 60_000;
    const intervals = Array.from({ length: Math.ceil(total / (INTERVAL * 1000)) }, (_, i) =>
      Math.min(total, (i + 1) * INTERVAL * 1000),
    );
    const marks = [...new Set([WARMUP * 1000, ...intervals])].sort((a, b) => a - b);
    for (const mark of marks) {
      await sleep(Math.max(0, started + mark - performance.now()));
      const now = performance.now();
      const rss = sampler.sample();
      if (mark === WARMUP * 1000) points.warm = rss;
      const stats = load.current;
      load.current = new Interval(now);
      const row = {
        end: (now - started) / 1000,
        seconds: (now - stats.started) / 1000,
        stats,
        rss: sampler.window(stats.started, now + 1),
      };
      if (row.seconds < 0.5) continue; // the warm-up mark fell on an interval boundary
      rows.push(row);
      console.log(`${formatRow(row)}${mark === WARMUP * 1000 ? ' (end of warm-up)' : ''}`);
    }
    load.stop();
    await running;
    const ended = performance.now();
    points.end = sampler.sample();
    client.close();
    // The last minute of the warm-up (at most its second half) against the last minute of the run.
    const span = Math.min(60, WARMUP / 2, MINUTES * 60 - WARMUP) * 1000;
    const warmEnd = started + WARMUP * 1000;
    const warm = sampler.window(warmEnd - span, warmEnd + 1);
    const last = sampler.window(ended - span, ended + 1);
    const growth = ((median(last) - median(warm)) / median(warm)) * 100;
    const pass = Number.isFinite(growth) && growth <= MAX_GROWTH;
    const steady = rows.filter((r) => r.end > WARMUP).map((r) => r.stats.requests / r.seconds);
    const header =
      `${DATABASE === 'sqlite' ? 'SQLite' : 'PostgreSQL'}; ${OBJECTS} objects seeded (about 10 events each); ` +
      `${CONNECTIONS} connections, one request at a time each: 70% GET by uuid, 20% PATCH (half replace ` +
      `progress, half add one of 20 events), 5% list page of 25, 5% POST + DELETE pairs; Basic auth; ` +
      `${MINUTES} min, warm-up ${WARMUP} s; node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`;
    const table = [...TABLE_HEAD, ...rows.map(formatRow)].join('\n');
    const window = (xs: number[]) =>
      `median ${mb(median(xs))} MB (${mb(Math.min(...xs))}–${mb(Math.max(...xs))}, ${xs.length} samples)`;
    const memory =
      `Server resident memory (VmRSS): ${mb(points.start)} MB at start, ${mb(points.seeded)} MB after seeding, ` +
      `${mb(points.warm)} MB at the end of the warm-up, ${mb(points.end)} MB at the end. ` +
      `Sampled every second: last ${span / 1000} s of the warm-up ${window(warm)}, last ${span / 1000} s of the run ` +
      `${window(last)}: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)}% after the warm-up (limit ${MAX_GROWTH}%): ` +
      `${pass ? 'PASS' : 'FAIL'}. Median throughput after the warm-up: ${Math.round(median(steady))} requests/s.`;
    console.log(`\n${header}\n\n${memory}\n`);
    if (values.write) {
      const command = `npm run soak -- ${process.argv.slice(2).join(' ')}`;
      writeFileSync(
        values.write,
        `# Soak\n\nMeasured ${new Date().toISOString().slice(0, 10)} with \`${command}\` (the built server, ` +
          `\`node dist/src/main.js\`; the load generator on the same machine, 127.0.0.1; other work on the ` +
          `machine may lower throughput).\n\n${header}\n\n${table}\n\n${memory}\n`,
      );
    }
    return pass ? 0 : 1;
  } finally {
    sampler?.stop();
    await server?.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(await main());
