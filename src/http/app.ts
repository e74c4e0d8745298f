// The app factory: builds the Fastify app around the services it is given. It never listens,
// so tests call it in-process with `inject`; src/main.ts wires the real adapters and listens.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config/config.js';
import type { Storage } from '../storage/types.js';
import { UpgradeStatusService } from '../services/upgrade-status-service.js';
import { installErrorHandling, RouteTable } from './plugins/errors.js';
import { installJsonBody } from './plugins/json-body.js';
import { upgradeStatusInfoRoutes } from './routes/upgrade-status-info.js';
import { clusterRoutes } from './routes/cluster.js';
import { nameBasedUuid } from '../domain/references.js';

/** Bodies over this get 413 (documented in the README). */
export const BODY_LIMIT = 2 * 1024 * 1024;

export interface AppDeps {
  config: Config;
  storage: Storage;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // Per-request log lines cost throughput; they come back with LOG_LEVEL=debug.
    disableRequestLogging: !['debug', 'trace'].includes(deps.config.logLevel),
    bodyLimit: BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 256 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
  });
  const routes = new RouteTable();
  installErrorHandling(app, routes, BODY_LIMIT);
  installJsonBody(app);

  const fallbackHost = `${deps.config.host}:${deps.config.port}`;
  upgradeStatusInfoRoutes(app, {
    service: new UpgradeStatusService(deps.storage.upgradeStatus),
    routes,
    fallbackHost,
  });
  clusterRoutes(app, {
    config: deps.config,
    routes,
    clusterUuid: nameBasedUuid('cluster', 'admin', deps.config.databaseUrl),
    ping: () => deps.storage.ping(),
    startedAt: new Date(),
  });
  await app.ready();
  return app;
}
