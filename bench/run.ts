// `npm run bench`: seeds a SQLite store, starts the real server (built JS, as `npm start` runs it)
// and a bare Fastify route with a body of the same size, loads both with the same autocannon
// settings on 127.0.0.1, and prints medians and ratios to the bare route.
// Options: --objects N (100000) --seconds S per round (5) --rounds R (3) --connections C (20).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execSync } from 'node:child_process';
import { openStorage } from '../src/server/open-storage.js';
import { loadConfig } from '../src/config/config.js';
import { UpgradeStatusService } from '../src/services/upgrade-status-service.js';
import { SYSTEM_PRINCIPAL } from '../src/domain/auth/principal.js';
import { startServer, measure, formatTable, login, type LoadCase } from './lib.js';
import { filteredListRows } from './filtered-list.js';
import { benchRecord } from './records.js';
import { jsonServerRows } from './json-server.js';
import { openTargets, type Target } from './targets.js';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    only: { type: 'string' },
    'filtered-objects': { type: 'string', default: '10000,1000000' },
    /** Where the cases run: sqlite, postgres, sqlite-2-workers (comma-separated). */
    targets: { type: 'string', default: 'sqlite,postgres,sqlite-2-workers' },
    /** Also write the table to this Markdown file (docs/benchmarks.md). */
    write: { type: 'string' },
  },
});
/** `--only get,patch`: run only the cases whose name contains one of these words. */
const ONLY = values.only?.split(',').map((w) => w.toLowerCase());
/** Store sizes for the filtered list case (each seeded in its own database). */
const FILTERED_SIZES = values['filtered-objects'].split(',').map(Number);
const OBJECTS = Number(values.objects);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const HOT = Math.min(10_000, OBJECTS);
/** Objects for the PATCH cases: 10,000 holding about 50 events each. */
const PATCHED = 10_000;
const PATCH_CONNECTIONS = 50;
/** The server's first admin, and the Basic credentials every request carries (cached by the server). */
const ADMIN_PASSWORD = 'bench-admin-password';
const AUTH = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` };

const SYSTEM = { principal: SYSTEM_PRINCIPAL, tenant: 'admin' };

/** Fills the database `databaseUrl` names through the service, as the API would. */
async function seed(databaseUrl: string): Promise<void> {
  const storage = await openStorage(loadConfig({ DATABASE_URL: databaseUrl }).database);
  const service = new UpgradeStatusService(storage.upgradeStatus, storage.tenants, 'ENTERPRISE');
  const started = Date.now();
  // Many at once: SQLite commits them in groups, PostgreSQL over its pool.
  const pending: Promise<unknown>[] = [];
  const create = (body: Record<string, unknown>, slug: string) => {
    pending.push(service.create(SYSTEM, body, { slug }));
    return pending.length >= 64 ? Promise.all(pending.splice(0)) : undefined;
  };
  for (let i = 0; i < OBJECTS; i++) await create(benchRecord(i), `bench-se-${i}`);
  for (let i = 0; i < PATCHED; i++) await create(benchRecord(OBJECTS + i, 50), `bench-patch-${i}`);
  await Promise.all(pending);
  await storage.close();
  console.log(`seeded ${OBJECTS + PATCHED} objects in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const rand = (n: number) => Math.floor(Math.random() * n);

/** Starts the built server (as `npm start` runs it) on `target`'s database. */
function startTarget(target: Target) {
  return startServer(
    ['dist/src/main.js'],
    {
      PORT: '18080',
      HOST: '127.0.0.1',
      DATABASE_URL: target.databaseUrl,
      WORKERS: String(target.workers),
      LOG_LEVEL: 'warn',
      ADMIN_PASSWORD,
    },
    18080,
    '/api/initial-data',
  );
}

async function main(): Promise<void> {
  // `--only ui`: the dashboard's delay from a PATCH's 200 to the page showing it (bench/ui-latency.ts).
  if (ONLY?.includes('ui')) {
    const { measureUiLatency, formatLatency } = await import('./ui-latency.js');
    console.log(formatLatency('PATCH 200 → dashboard shows it', await measureUiLatency({ patches: 50 })));
    if (ONLY.every((w) => w === 'ui')) return;
  }
  execSync('npm run build --silent', { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'aus-bench-'));
  const { targets, close: closeTargets } = await openTargets(values.targets.split(','), dir);
  const seeded = new Set<string>();
  for (const t of targets) {
    if (seeded.has(t.databaseUrl)) continue;
    seeded.add(t.databaseUrl);
    await seed(t.databaseUrl);
  }
  const first = targets[0];
  if (!first) throw new Error('no target to run (--targets)');
  let server = await startTarget(first);
  const sample = await (
    await fetch(`${server.url}/api/upgradestatusinfo/bench-se-0`, {
      headers: { ...AUTH, 'x-avi-version': '31.1.1' }, // the version the load requests send
    })
  ).text();
  await server.stop();
  const bodyFile = join(dir, 'body.json');
  writeFileSync(bodyFile, sample);
  const baseline = await startServer(
    ['--import', 'tsx', 'bench/baseline-server.ts'],
    { PORT: '18090', BODY_FILE: bodyFile },
    18090,
    '/',
  );
  let created = 0;
  let events = 0;
  const cases: LoadCase[] = (
    [
      {
        name: 'GET by uuid (random among 10,000)',
        method: 'GET',
        next: () => ({ path: `/api/upgradestatusinfo/bench-se-${rand(HOT)}` }),
      },
      {
        name: 'POST',
        method: 'POST',
        next: () => ({
          path: '/api/upgradestatusinfo',
          body: JSON.stringify({ ...benchRecord(created), name: `bench-post-${created++}` }),
        }),
      },
      {
        name: 'PUT (random among 10,000)',
        method: 'PUT',
        next: () => {
          const i = rand(HOT);
          return { path: `/api/upgradestatusinfo/bench-se-${i}`, body: JSON.stringify(benchRecord(i)) };
        },
      },
      {
        name: 'list page of 25 (random among the first 40)',
        method: 'GET',
        next: () => ({ path: `/api/upgradestatusinfo?page_size=25&page=${1 + rand(40)}` }),
      },
      {
        name: 'PATCH add one event (random among 10,000 with ~50 events)',
        method: 'PATCH',
        connections: PATCH_CONNECTIONS,
        next: () => ({
          path: `/api/upgradestatusinfo/bench-patch-${rand(PATCHED)}`,
          body: JSON.stringify({ add: { upgrade_events: [{ task_name: `bench-event-${events++}` }] } }),
        }),
      },
      {
        name: 'PATCH replace progress (random among 10,000 with ~50 events)',
        method: 'PATCH',
        connections: PATCH_CONNECTIONS,
        next: () => ({
          path: `/api/upgradestatusinfo/bench-patch-${rand(PATCHED)}`,
          body: JSON.stringify({ replace: { progress: rand(101) } }),
        }),
      },
      {
        name: 'PATCH replace progress, all 50 connections on one object',
        method: 'PATCH',
        connections: PATCH_CONNECTIONS,
        next: () => ({
          path: '/api/upgradestatusinfo/bench-patch-0',
          body: JSON.stringify({ replace: { progress: rand(101) } }),
        }),
      },
    ] as LoadCase[]
  ).filter((c) => !ONLY || ONLY.some((w) => c.name.toLowerCase().includes(w)));
  try {
    const bare = await measure(
      baseline.url,
      { name: 'bare', method: 'GET', next: () => ({ path: '/x' }), connections: CONNECTIONS },
      ROUNDS,
      SECONDS,
      undefined,
      baseline.child.pid,
    );
    const rows = [{ name: `bare Fastify route (${sample.length} B body)`, result: bare, baseline: bare.rps }];
    if (!ONLY || ONLY.some((w) => 'filtered list'.includes(w))) {
      for (const objects of FILTERED_SIZES) {
        rows.push(
          ...(await filteredListRows(
            dir,
            objects,
            ADMIN_PASSWORD,
            { rounds: ROUNDS, seconds: SECONDS },
            bare.rps,
          )),
        );
      }
    }
    for (const target of targets) {
      server = await startTarget(target);
      try {
        const session = await login(server.url, ADMIN_PASSWORD);
        for (const c of cases) {
          const connections = c.connections ?? CONNECTIONS;
          rows.push({
            name: `${c.name} [${target.label}, ${connections} conn]`,
            result: await measure(
              server.url,
              { ...c, connections, headers: { ...session, ...c.headers } },
              ROUNDS,
              SECONDS,
              undefined,
              server.child.pid,
            ),
            baseline: bare.rps,
          });
        }
      } finally {
        await server.stop();
      }
    }
    let comparison = '';
    if (!ONLY || ONLY.some((w) => 'json-server'.includes(w))) {
      const theirs = await jsonServerRows(dir, {
        documents: HOT,
        rounds: ROUNDS,
        seconds: SECONDS,
        connections: CONNECTIONS,
      });
      const lines = [
        '| case | this server requests/s | json-server requests/s | this server ÷ json-server |',
        '|---|---:|---:|---:|',
      ];
      for (const row of theirs) {
        rows.push({ name: row.name, result: row.result, baseline: bare.rps });
        const ours = rows.find((r) => r.name.startsWith(row.compareWith));
        if (!ours) continue;
        const ratio = ours.result.rps / Math.max(row.result.rps, 1e-9);
        lines.push(
          `| ${ours.name} | ${Math.round(ours.result.rps)} | ${Math.round(row.result.rps)} | ${ratio.toFixed(0)} |`,
        );
      }
      comparison = `\nAgainst json-server 0.17 (same load generator, same documents for GET and list; its PATCH merges one field into a 1.6 KB document, ours adds to or replaces in a document of ~50 events and commits it to SQLite):\n\n${lines.join('\n')}\n`;
    }
    const header =
      `${OBJECTS.toLocaleString('en')} + ${PATCHED.toLocaleString('en')} objects in each database (${targets.map((t) => t.label).join('; ')}); requests carry a session cookie and CSRF token from POST /login; ` +
      `median of ${ROUNDS} rounds of ${SECONDS} s; ` +
      `node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`;
    const table = formatTable(rows);
    console.log(`\n${header}\n\n${table}\n${comparison}`);
    if (values.write) {
      const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`;
      writeFileSync(
        values.write,
        `# Benchmarks\n\nMeasured ${new Date().toISOString().slice(0, 10)} with \`${command}\` ` +
          `(autocannon on the same machine, 127.0.0.1).\n\n${header}\n\n${table}\n${comparison}`,
      );
    }
  } finally {
    await baseline.stop();
    await closeTargets();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
