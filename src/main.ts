// Start-up: the only place that picks concrete adapters. Reads the configuration, opens the
// store, builds the app, listens, and shuts down cleanly on SIGTERM/SIGINT.
import { loadConfig, ConfigError } from './config/config.js';
import { openSqliteStorage } from './storage/sqlite/index.js';
import { buildApp } from './http/app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`avi-upgrade-status: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const storage = openSqliteStorage({ file: config.database.file });
  const app = await buildApp({ config, storage, logger: { level: config.logLevel } });
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await storage.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
}

main().catch((e: unknown) => {
  console.error('avi-upgrade-status: failed to start:', e);
  process.exit(1);
});
