// Real server processes for the start-up tests: `node --import tsx src/main.ts` with the given
// settings, on a free port of 127.0.0.1, waited for until it answers; its output is collected
// and each log line can be parsed.
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** `http://127.0.0.1:<port>` or `https://...`. */
  url: string;
  output(): string;
  /** The JSON log lines printed so far. */
  logs(): Record<string, unknown>[];
  /** Resolves the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the server without waiting for it. */
export function spawnServer(env: Record<string, string>, port: number, args: string[] = []): ServerProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const tls = env.TLS !== undefined || env.TLS_CERT !== undefined;
  return {
    child,
    port,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    output: () => output,
    logs: () =>
      output.split('\n').flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    exited,
  };
}

/** GET over HTTP or HTTPS (any certificate), resolving the status; rejects on connection errors. */
function probe(url: string): Promise<number> {
  if (!url.startsWith('https:')) return fetch(url).then((r) => r.status);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts the server and waits until `/api/initial-data` answers 200 (at most 30 s). */
export async function startServer(env: Record<string, string>, args: string[] = []): Promise<ServerProcess> {
  const server = spawnServer(env, await freePort(), args);
  for (let attempt = 0; attempt < 300; attempt++) {
    if (server.child.exitCode !== null) {
      throw new Error(`server exited (${server.child.exitCode}): ${server.output()}`);
    }
    try {
      if ((await probe(`${server.url}/api/initial-data`)) === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.child.kill('SIGKILL');
  throw new Error(`server did not start: ${server.output()}`);
}

/** Sends `signal` (unless it has exited) and resolves the exit code. */
export async function stopServer(
  server: ServerProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | string> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  return server.exited;
}

/** Waits until `check` holds (polled every 50 ms, at most `ms`). */
export async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
