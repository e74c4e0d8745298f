#!/usr/bin/env node
// avi-upgrade-status: the command line. `serve` runs the server; the other commands talk to a
// running controller (this server or a real one) over its REST API. Every failure is one line on
// stderr, `avi-upgrade-status: <what went wrong>`, with exit code 1 (API, network, input) or 2
// (usage); `--help` works on every command.
import { CONNECTION_HELP, splitLeadingOptions } from './args.js';
import type { Command, Io } from './context.js';
import { describeError, exitCodeOf, UsageError } from './errors.js';
import { serve } from './commands/serve.js';
import { show } from './commands/show.js';
import { tenant } from './commands/tenant.js';
import { exportCommand, importCommand } from './commands/transfer.js';
import { fleet } from './commands/fleet.js';
import { user } from './commands/user.js';
import { watch } from './commands/watch.js';

const PROGRAM = 'avi-upgrade-status';

export const HELP = `Usage: ${PROGRAM} <command> [options]

Commands:
  serve [flags]                               start the server (as npm start; serve --help)
  show upgrade status                         the upgrade status of every record, as a table
  show upgrade status detail [include_history]
                                              every record in full (with its history)
  watch                                       follow live changes (progress bars on a terminal)
  export [file|-]                             every object as JSON lines
  import <file|->                             create or replace objects from JSON lines
  user list|create|delete|passwd              manage users
  tenant list|create|delete                   manage tenants
  fleet create|show                           a simulated fleet to rehearse upgrades (SIMULATOR=on)

Every command takes --help, and --json where it prints data.

${CONNECTION_HELP}

Exit codes: 0 done, 1 the API or the network failed (one line on stderr), 2 usage error.`;

const COMMANDS: Record<string, Command> = {
  show,
  watch,
  export: exportCommand,
  import: importCommand,
  user,
  tenant,
  fleet,
};

/** Runs one command line; resolves the exit code (serve keeps running and resolves 0). */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    const { leading, rest } = splitLeadingOptions(argv);
    const [name, ...args] = rest;
    if (name === undefined) throw new UsageError(`a command is needed; see ${PROGRAM} --help`);
    if (name === 'help' || name === '--help' || name === '-h') {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (name === 'serve') {
      if (leading.length > 0) throw new UsageError('serve takes the server flags only (see serve --help)');
      await serve(args, io);
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command '${name}'; see ${PROGRAM} --help`);
    await command([...leading, ...args], io);
    return 0;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') return 0; // the reader went away (`| head`): nothing more to say
    io.stderr.write(`${PROGRAM}: ${describeError(e).split('\n')[0]}\n`);
    return exitCodeOf(e);
  }
}

const io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});
process.exitCode = await run(process.argv.slice(2), io);
