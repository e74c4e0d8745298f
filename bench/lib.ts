// Benchmark plumbing: start servers as child processes on 127.0.0.1, load them with autocannon
// (bounded in time), and report medians of repeated rounds as ratios to a baseline measured in
// the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import autocannon from 'autocannon';

/** Linux clock ticks per second, the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS = 100;

/** Pids of `pid` and all its descendants (Linux /proc), so worker processes count too. */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const children = readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim();
        if (children !== '') out.push(...children.split(' ').map(Number));
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/**
 * CPU seconds (user + system) used so far by `pid` and its descendants: a figure that, unlike
 * requests/s, hardly moves when something else on the machine takes a core.
 */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      // Fields after the command name (which may hold spaces): utime is the 14th, stime the 15th.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // no /proc (not Linux) or the process ended
    }
  }
  return ticks / CLOCK_TICKS;
}

export interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `node <args>` with `env`, and waits until `readyPath` answers 200 (at most 30 s). */
export async function startServer(
  args: string[],
  env: Record<string, string>,
  port: number,
  readyPath: string,
): Promise<Server> {
  // BENCH_NODE_ARGS (e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof') is passed to the servers' node.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server ${args.join(' ')} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url + readyPath);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server ${args.join(' ')} did not become ready`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** The unmeasured warm-up before each case (seconds); BENCH_WARMUP overrides it. */
export const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 3);

export interface LoadCase {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Called for every request: the path (and body) to send. */
  next: () => { path: string; body?: string };
  headers?: Record<string, string>;
  connections?: number;
}

export interface LoadResult {
  rps: number;
  /**
   * Mean latency in ms by Little's law (connections ÷ completed requests per second): exact for
   * this closed-loop load, where autocannon's own percentiles are whole milliseconds.
   */
  mean: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  statusCodes?: Record<string, { count: number }>;
  /** Server CPU time per answered request, in µs (NaN when the server's pid is unknown). */
  cpuMicros: number;
}

export async function load(
  baseUrl: string,
  c: LoadCase,
  seconds: number,
  serverPid?: number,
): Promise<LoadResult> {
  const cpuBefore = cpuSeconds(serverPid);
  const result = await autocannon({
    url: baseUrl,
    connections: c.connections ?? 20,
    duration: seconds,
    requests: [
      {
        method: c.method,
        setupRequest: (req) => {
          const n = c.next();
          return {
            ...req,
            path: n.path,
            body: n.body,
            headers: { 'content-type': 'application/json', 'x-avi-version': '31.1.1', ...c.headers },
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    mean: ((c.connections ?? 20) / Math.max(result.requests.average, 1e-9)) * 1000,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes: result.statusCodeStats as unknown as Record<string, { count: number }>,
    cpuMicros: ((cpuSeconds(serverPid) - cpuBefore) * 1e6) / Math.max(result.requests.total, 1),
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Runs a case `rounds` times and keeps the median of each figure, after one unmeasured warm-up
 * round of `warmup` seconds (caches filled, code optimised: the steady state is what is measured).
 */
export async function measure(
  baseUrl: string,
  c: LoadCase,
  rounds: number,
  seconds: number,
  warmup = WARMUP_SECONDS,
  serverPid?: number,
): Promise<LoadResult> {
  if (warmup > 0) await load(baseUrl, c, warmup);
  const runs: LoadResult[] = [];
  for (let i = 0; i < rounds; i++) {
    const run = await load(baseUrl, c, seconds, serverPid);
    if (run.non2xx > 0) console.warn(`${c.name}: non-2xx answers`, JSON.stringify(run.statusCodes));
    runs.push(run);
  }
  return {
    rps: median(runs.map((r) => r.rps)),
    mean: median(runs.map((r) => r.mean)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    cpuMicros: median(runs.map((r) => r.cpuMicros)),
  };
}

export function formatTable(rows: { name: string; result: LoadResult; baseline?: number }[]): string {
  const lines = [
    '| case | requests/s (median) | mean ms | p50 ms | p99 ms | vs bare route | server CPU µs/request | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { name, result, baseline } of rows) {
    const ratio = baseline ? (result.rps / baseline).toFixed(2) : '–';
    lines.push(
      `| ${name} | ${Math.round(result.rps)} | ${result.mean.toFixed(2)} | ${result.p50} | ${result.p99} | ${ratio} | ${Number.isNaN(result.cpuMicros) ? '–' : Math.round(result.cpuMicros)} | ${result.non2xx} | ${result.errors} |`,
    );
  }
  return lines.join('\n');
}

/** Logs in as the Python SDK does and returns the headers its later requests carry. */
export async function login(url: string, password: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `username=admin&password=${encodeURIComponent(password)}`,
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = cookies.find((c) => c.startsWith('csrftoken='))?.slice('csrftoken='.length) ?? '';
  return { cookie: cookies.join('; '), 'x-csrftoken': csrf, referer: url };
}
