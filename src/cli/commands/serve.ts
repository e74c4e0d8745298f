// `serve [server flags]`: runs the server exactly as `npm start` does (src/main.ts), with the
// same settings from flags and environment variables. With WORKERS > 1 the workers are forks of
// this CLI that come back through `serve` with the same flags.
import { SETTINGS } from '../../config/config.js';
import type { Io } from '../context.js';

export function serveHelp(): string {
  const rows = Object.values(SETTINGS).map((s) => {
    const fallback = 'default' in s && s.default !== undefined ? ` (default ${s.default})` : '';
    return `  --${s.flag} VALUE, ${s.env}${fallback}\n      ${s.help}`;
  });
  return `Usage: avi-upgrade-status serve [flags]

Starts the server, as npm start does. Every setting is a flag or an environment variable (the
flag wins):

${rows.join('\n')}
`;
}

export async function serve(args: string[], io: Io): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(serveHelp());
    return;
  }
  const { startServer } = await import('../../main.js');
  startServer(args);
}
