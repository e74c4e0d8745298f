// The entry point, and the one place that wires concrete adapters (through
// server/open-storage.ts). Reads the configuration, prepares HTTPS, then either serves in this
// process or (WORKERS > 1) runs the primary of a cluster whose workers each come back here and
// serve. Serving opens the store, builds the app and listens; SIGTERM/SIGINT shut down
// gracefully (src/server/).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig, ConfigError, type Config } from './config/config.js';
import { openStorage } from './server/open-storage.js';
import { buildApp } from './http/app.js';
import { loadTls } from './server/tls.js';
import { announceCertificate, listen, startupLogger } from './server/listen.js';
import { isWorker, runPrimary, tlsFromPrimary } from './server/workers.js';

/** Opens the store, builds the app and listens (in this process or in one worker). */
async function serve(config: Config, https: { cert: string; key: string } | undefined): Promise<void> {
  const storage = await openStorage(config.database);
  const app = await buildApp({
    config,
    storage,
    logger: { level: config.logLevel },
    ...(https ? { https: { cert: https.cert, key: https.key } } : {}),
  });
  await listen(app, storage, config);
}

/** Runs the server with `argv` as its command-line flags (`npm start`, `avi-upgrade-status serve`). */
export async function runServer(argv: readonly string[]): Promise<void> {
  const config = loadConfig(process.env, argv);
  if (isWorker()) return serve(config, tlsFromPrimary());
  const log = startupLogger(config);
  const tls = await loadTls(config.tls, config.host);
  if (tls) announceCertificate(log, tls);
  if (config.workers === 1) return serve(config, tls);
  const shutdownTimeoutMs = config.shutdownTimeoutSeconds * 1000;
  process.exit(await runPrimary({ workers: config.workers, tls, log, shutdownTimeoutMs }));
}

/** `runServer`, with a failure to start printed and turned into the exit code (2: bad settings). */
export function startServer(argv: readonly string[]): void {
  runServer(argv).catch((e: unknown) => {
    if (e instanceof ConfigError) {
      console.error(`avi-upgrade-status: ${e.message}`);
      process.exit(2);
    }
    console.error('avi-upgrade-status: failed to start:', e);
    process.exit(1);
  });
}

/** Whether this module is the program node was started with (not imported by the CLI). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) startServer(process.argv.slice(2));
