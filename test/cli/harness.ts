// CLI tests: the CLI runs as a real child process (`node --import tsx src/cli/main.ts ...`)
// against the real app listening on a random port of 127.0.0.1 in this process (a fresh store of
// the run's database, test/helpers/app.ts), or against a stub server of the test's own.
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ADMIN_PASSWORD, JSON_HEADERS, startTestApp, type TestApp } from '../helpers/app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliServer {
  t: TestApp;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The environment that points the CLI at this server as admin. */
  env: Record<string, string>;
  /** Creates an UpgradeStatusInfo object as admin; resolves the stored object. */
  create(body: Record<string, unknown>, tenant?: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startCliServer(env: Record<string, string> = {}): Promise<CliServer> {
  const t = await startTestApp({ LOG_LEVEL: 'silent', ...env });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  return {
    t,
    url,
    env: { AVI_CONTROLLER: url, AVI_USERNAME: 'admin', AVI_PASSWORD: ADMIN_PASSWORD },
    async create(body, tenant) {
      const headers = tenant === undefined ? JSON_HEADERS : { ...JSON_HEADERS, 'x-avi-tenant': tenant };
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/upgradestatusinfo',
        headers,
        payload: body,
      });
      if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
      return res.json();
    },
    close: () => t.close(),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Written to the CLI's stdin (which is then closed). */
  input?: string;
  /** Kill the process after this long (a test failing must not hang). */
  killAfterMs?: number;
}

/** Runs the CLI with `args`; none of the caller's AVI_* variables leak in. */
export function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AVI_') && k !== 'NODE_TEST_CONTEXT') env[k] = v;
  }
  Object.assign(env, opts.env ?? {});
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(opts.input ?? '');
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The lines of a text, without the empty last one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
}
