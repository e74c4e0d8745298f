// The crash test: a real server process on one database, written to at full speed by
// `connections` loops, killed with SIGKILL at a random moment of each round, restarted on the
// same store and port, and checked (verify.ts) before the next round writes again. Also checked
// after each restart: the server starts by itself and every session /login acknowledged survives.
import { randomBytes } from 'node:crypto';
import type { EmptyTestDatabase } from '../helpers/database.js';
import { basicAuthorization, KeepAliveClient } from '../helpers/keep-alive-client.js';
import { freePort, spawnServer, type ServerProcess } from '../server/server-process.js';
import type { Problem } from './ledger.js';
import { ackedTotal, addStats, emptyStats, Load, Pool, type LoadStats } from './load.js';
import { verify } from './verify.js';

const PASSWORD = 'crash-test-admin-password';
const READY_TIMEOUT_MS = 30_000;

export interface CrashOptions {
  db: EmptyTestDatabase;
  rounds: number;
  /**
   * Longest round: the kill comes at a random moment between 20% and 100% of it, counted from the
   * first acknowledged write of the round (the restarted server's cold start is not counted).
   */
  seconds: number;
  connections?: number;
  log?: (line: string) => void;
  /** Runs after each kill, before the restart (the self-test uses it to damage the store). */
  afterKill?: (round: number, pool: Pool) => Promise<void>;
}

export interface CrashSummary {
  database: string;
  rounds: number;
  seconds: number;
  connections: number;
  stats: LoadStats;
  /** Objects compared with the client's knowledge, summed over the checks. */
  objectsChecked: number;
  /** Objects in the store at the end. */
  objects: number;
  restartMs: number[];
  problems: Problem[];
}

/** Server processes not yet exited, for `killServers`. */
const live = new Set<ServerProcess>();

/** SIGKILLs every server process still running (for a runner interrupted by a signal). */
export function killServers(): void {
  for (const server of live) server.child.kill('SIGKILL');
}

/** Starts the server on `port` and waits until /api/cluster/status answers 200 (the store is up). */
async function start(env: Record<string, string>, port: number): Promise<ServerProcess> {
  const server = spawnServer(env, port);
  live.add(server);
  void server.exited.then(() => live.delete(server));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `the server exited (${server.child.exitCode ?? server.child.signalCode}):\n${server.output()}`,
      );
    }
    try {
      if ((await fetch(`${server.url}/api/cluster/status`)).status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  server.child.kill('SIGKILL');
  throw new Error(
    `the server did not answer /api/cluster/status within ${READY_TIMEOUT_MS} ms:\n${server.output()}`,
  );
}

async function kill(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

/** Logs in as the SDKs do: the session cookie header, or a message why not. */
async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `username=admin&password=${PASSWORD}`,
  });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
}

async function sessionsAlive(url: string, sessions: string[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const [i, cookie] of sessions.entries()) {
    const res = await fetch(`${url}/api/upgradestatusinfo?page_size=1`, { headers: { cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) {
      problems.push({
        uuid: `session ${i + 1}`,
        kind: 'lost',
        message: `acknowledged login session answers ${res.status}`,
      });
    }
  }
  return problems;
}

/** `keepAlive` false: the timer alone does not keep the process alive. */
const sleep = (ms: number, keepAlive = true) =>
  new Promise((r) => {
    const timer = setTimeout(r, ms);
    if (!keepAlive) timer.unref();
  });

export async function runCrashRounds(opts: CrashOptions): Promise<CrashSummary> {
  const connections = opts.connections ?? 20;
  const log = opts.log ?? (() => undefined);
  const port = await freePort();
  const env = { DATABASE_URL: opts.db.url, ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' };
  const headers = { authorization: basicAuthorization('admin', PASSWORD), 'x-avi-version': '31.1.1' };
  const pool = new Pool(`crash-${randomBytes(3).toString('hex')}`);
  const summary: CrashSummary = {
    database: opts.db.kind,
    rounds: 0,
    seconds: opts.seconds,
    connections,
    stats: emptyStats(),
    objectsChecked: 0,
    objects: 0,
    restartMs: [],
    problems: [],
  };
  const running = { server: await start(env, port) };
  try {
    const sessions = [await login(running.server.url)];
    for (let round = 1; round <= opts.rounds; round++) {
      const client = new KeepAliveClient(running.server.url, headers, connections);
      const load = new Load(pool, client, connections);
      const writing = load.run();
      await Promise.race([load.firstAck, sleep(READY_TIMEOUT_MS, false)]);
      const killAfter = Math.max(100, Math.round(opts.seconds * 1000 * (0.2 + 0.8 * Math.random())));
      await sleep(killAfter);
      load.stop(); // in the same turn as the kill: no write starts after it
      running.server.child.kill('SIGKILL');
      await kill(running.server);
      await writing;
      client.close();
      await opts.afterKill?.(round, pool);

      const restarted = Date.now();
      running.server = await start(env, port).catch((err: unknown) => {
        throw new Error(`round ${round}: the server did not start again without repair: ${String(err)}`);
      });
      summary.restartMs.push(Date.now() - restarted);
      const checker = new KeepAliveClient(running.server.url, headers, 16);
      try {
        const result = await verify(checker, opts.db, pool);
        const problems = [...result.problems, ...(await sessionsAlive(running.server.url, sessions))];
        summary.problems.push(...problems);
        summary.objectsChecked += result.objects;
        summary.objects = result.rows;
      } finally {
        checker.close();
      }
      addStats(summary.stats, load.stats);
      summary.rounds = round;
      const s = load.stats;
      log(
        `round ${round}/${opts.rounds}: killed after ${(killAfter / 1000).toFixed(2)} s; ` +
          `${ackedTotal(s)} acknowledged (POST ${s.acked.POST}, PUT ${s.acked.PUT}, PATCH ${s.acked.PATCH}), ` +
          `${s.unanswered} unanswered${refusedText(s)}; restarted in ${summary.restartMs.at(-1)} ms; ` +
          `${summary.objects} objects checked; ${summary.problems.length} problems so far`,
      );
    }
  } finally {
    await kill(running.server);
  }
  return summary;
}

function refusedText(s: LoadStats): string {
  const entries = Object.entries(s.refused);
  return entries.length === 0 ? '' : `, refused ${entries.map(([k, n]) => `${k}: ${n}`).join(', ')}`;
}

export function formatSummary(s: CrashSummary): string {
  const lost = s.problems.filter((p) => p.kind === 'lost');
  const invalid = s.problems.filter((p) => p.kind === 'invalid');
  const restart = [...s.restartMs].sort((a, b) => a - b);
  const lines = [
    `crash test on ${s.database}: ${s.rounds} rounds of at most ${s.seconds} s, ${s.connections} connections, SIGKILL each round`,
    `  acknowledged writes checked: ${ackedTotal(s.stats)} (POST ${s.stats.acked.POST}, PUT ${s.stats.acked.PUT}, ` +
      `PATCH ${s.stats.acked.PATCH} adding ${s.stats.ackedEvents} events)`,
    `  unanswered writes (may or may not be present): ${s.stats.unanswered}${refusedText(s.stats)}`,
    `  objects at the end: ${s.objects}; object checks: ${s.objectsChecked}`,
    `  restart to /api/cluster/status 200: median ${restart[Math.floor(restart.length / 2)] ?? 0} ms, max ${restart.at(-1) ?? 0} ms`,
    `  lost: ${lost.length}; inconsistent: ${invalid.length}`,
    ...s.problems.slice(0, 20).map((p) => `    ${p.kind} ${p.uuid}: ${p.message}`),
  ];
  if (s.problems.length > 20) lines.push(`    ... and ${s.problems.length - 20} more`);
  return lines.join('\n');
}
