// The app factory: builds the Fastify app around the services it is given. It never listens,
// so tests call it in-process with `inject`; src/main.ts wires the real adapters and listens.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config/config.js';
import type { Storage } from '../storage/types.js';
import { UpgradeStatusService } from '../services/upgrade-status-service.js';
import { installErrorHandling, RouteTable } from './plugins/errors.js';
import { installJsonBody } from './plugins/json-body.js';
import { upgradeStatusInfoRoutes } from './routes/upgrade-status-info.js';
import { ApiVersions } from './api-version.js';
import { clusterRoutes } from './routes/cluster.js';
import { nameBasedUuid } from '../domain/references.js';
import fastifyCookie from '@fastify/cookie';
import type { ScryptParams } from '../domain/auth/password.js';
import { AuthService, type AuthSettings } from '../services/auth-service.js';
import { TenantService } from '../services/tenant-service.js';
import { UserService } from '../services/user-service.js';
import { RoleService } from '../services/role-service.js';
import { authentication } from './plugins/auth.js';
import { loginRoutes } from './routes/login.js';
import { tenantRoutes } from './routes/tenant.js';
import { userRoutes } from './routes/user.js';
import { roleRoutes } from './routes/role.js';
import { upgradeStatusSummaryRoutes } from './routes/upgrade-status-summary.js';
import { openApiRoutes, VIEWER_PATH } from './routes/openapi.js';
import { recordRoutes } from './openapi/route-registry.js';
import { buildOpenApiDocument } from './openapi/document.js';
import { ChangeStream } from '../services/change-stream.js';
import { changeStreamRoutes } from './routes/change-stream.js';
import { uiRoutes, UI_ROUTES } from './routes/ui.js';
import { installSimulator } from './routes/simulator-install.js';
import { installRebootGate } from './routes/simulator-gate.js';

/** Bodies over this get 413 (documented in the README). */
export const BODY_LIMIT = 2 * 1024 * 1024;

export interface AppDeps {
  config: Config;
  storage: Storage;
  logger?: FastifyServerOptions['logger'];
  /** The clock of sessions, tokens and the login throttle (ms since the epoch); tests move it. */
  now?: () => number;
  /** Cost of new password hashes; tests use a cheap one. */
  scrypt?: ScryptParams;
  /** PEM certificate and key: the server speaks HTTPS (request.protocol is then `https`). */
  https?: { cert: string; key: string };
}

/** Routes readable without credentials (the controller's own unauthenticated endpoints). */
const PUBLIC_ROUTES = new Set([
  '/login',
  '/logout',
  '/api/initial-data',
  '/api/cluster/status',
  VIEWER_PATH,
  ...UI_ROUTES,
]);

/** The authentication settings of a configuration. */
export function authSettings(config: Config, scrypt?: ScryptParams): AuthSettings {
  const lockoutMs = config.loginLockoutSeconds * 1000;
  return {
    basicAuth: config.basicAuth,
    session: { idleMs: config.sessionIdleMinutes * 60_000, maxMs: config.sessionMaxHours * 3_600_000 },
    userThrottle: { maxFailures: config.loginMaxFailures, lockoutMs },
    addressThrottle: { maxFailures: config.loginMaxFailuresPerAddress, lockoutMs },
    ...(scrypt ? { scrypt } : {}),
  };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // Per-request log lines cost throughput; they come back with LOG_LEVEL=debug.
    logController: new LogController({
      disableRequestLogging: !['debug', 'trace'].includes(deps.config.logLevel),
    }),
    bodyLimit: BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 256 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    // The server is then an https.Server, a subclass of the http.Server the app is typed with.
    ...(deps.https ? { https: deps.https } : {}),
  });
  // Every route registered from here on, for the OpenAPI document.
  const registered = recordRoutes(app);
  const routes = new RouteTable();
  installErrorHandling(app, routes, BODY_LIMIT);
  installJsonBody(app);

  // First start on an empty store: the admin tenant and the admin user.
  const now = deps.now ?? Date.now;
  const auth = new AuthService(deps.storage, authSettings(deps.config, deps.scrypt), now);
  const tenants = new TenantService(deps.storage.tenants);
  const users = new UserService(deps.storage.users, deps.storage.tenants, deps.scrypt, (uuid) =>
    auth.forgetUser(uuid),
  );
  await tenants.ensureAdminTenant();
  const firstAdmin = await users.ensureFirstAdmin(deps.config.adminPassword);
  if (firstAdmin.generatedPassword !== undefined) announcePassword(app, firstAdmin.generatedPassword);

  await app.register(fastifyCookie, { hook: false });
  app.decorateRequest('principal', null);
  const rebootGate = deps.config.simulator ? installRebootGate(app) : undefined;
  app.addHook('onRequest', authentication({ auth, publicRoutes: PUBLIC_ROUTES, now }));

  const fallbackHost = `${deps.config.host}:${deps.config.port}`;
  const startedAt = new Date();
  await loginRoutes(app, { auth, tenants, config: deps.config, routes, fallbackHost, startedAt, now });
  tenantRoutes(app, { tenants, routes, fallbackHost });
  userRoutes(app, { users, routes, fallbackHost });
  roleRoutes(app, { roles: new RoleService(), routes, fallbackHost });
  const upgradeStatus = {
    service: new UpgradeStatusService(
      deps.storage.upgradeStatus,
      deps.storage.tenants,
      deps.config.licenseTier,
    ),
    versions: new ApiVersions(deps.config.controllerVersion, deps.config.defaultApiVersion),
    tenants,
    routes,
    fallbackHost,
  };
  upgradeStatusInfoRoutes(app, upgradeStatus);
  const stream = new ChangeStream(deps.storage.changes, deps.storage.upgradeStatus, {
    onError: (err) => app.log.warn({ err }, 'change stream: reading the change feed failed; trying again'),
  });
  changeStreamRoutes(app, { ...upgradeStatus, stream, auth });
  uiRoutes(app, { routes });
  upgradeStatusSummaryRoutes(app, upgradeStatus);
  if (rebootGate)
    installSimulator(app, upgradeStatus, deps.config, { gate: rebootGate, storage: deps.storage, now });
  clusterRoutes(app, {
    config: deps.config,
    routes,
    clusterUuid: nameBasedUuid('cluster', 'admin', deps.config.databaseUrl),
    ping: () => deps.storage.ping(),
    startedAt,
  });
  openApiRoutes(app, {
    routes,
    document: () =>
      buildOpenApiDocument({
        routes: registered,
        publicRoutes: PUBLIC_ROUTES,
        basicAuth: deps.config.basicAuth,
        controllerVersion: deps.config.controllerVersion,
      }),
  });
  await app.ready();
  return app;
}

/** Shows a generated admin password once, in the log (or on stderr when the log level hides it). */
function announcePassword(app: FastifyInstance, password: string): void {
  const message =
    `Created the user 'admin' with the generated password ${password} ` +
    '(shown only this once; set ADMIN_PASSWORD to choose it on an empty store).';
  const log = app.log as FastifyInstance['log'] & { isLevelEnabled?: (level: string) => boolean };
  if (log.isLevelEnabled?.('warn')) log.warn({ username: 'admin' }, message);
  else process.stderr.write(`avi-upgrade-status: ${message}\n`);
}
