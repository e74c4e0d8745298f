// Endpoints clients call to find and wait for a controller: /api/initial-data and
// /api/cluster/status (both readable without credentials) and /api/cluster/version.
import type { FastifyInstance } from 'fastify';
import type { RouteTable } from '../plugins/errors.js';
import type { Config } from '../../config/config.js';

export interface ClusterDeps {
  config: Pick<Config, 'controllerVersion'>;
  routes: RouteTable;
  /** cluster-<uuid4> of this server's store. */
  clusterUuid: string;
  /** Whether the database answers. */
  ping: () => Promise<boolean>;
  startedAt: Date;
}

const BUILD = 9001;

/** A database that has not answered the readiness probe within this is reported down. */
export const PING_TIMEOUT_MS = 2000;

/** Whether `ping` answers true within PING_TIMEOUT_MS (a failure or a hang is "down"). */
async function databaseUp(ping: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([ping().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The controller's version block (`version` in initial-data and login), as clients read it. */
export function versionInfo(version: string, startedAt: Date) {
  const date = startedAt.toISOString().replace(/\.\d+Z$/, '+00:00');
  const stamp = date.slice(0, 19).replace(/[-:]/g, '').replace('T', '.');
  return {
    Product: 'controller',
    ProductName: 'Avi Cloud Controller',
    Version: version,
    build: BUILD,
    Tag: `${version}-${BUILD}-${stamp}`,
    Date: date,
    min_version: 15.2,
  };
}

export function clusterRoutes(app: FastifyInstance, deps: ClusterDeps): void {
  deps.routes.add('/api/initial-data', 'GET');
  deps.routes.add('/api/cluster/status', 'GET');
  deps.routes.add('/api/cluster/version', 'GET');
  const version = () => versionInfo(deps.config.controllerVersion, deps.startedAt);

  app.get('/api/initial-data', async () => ({
    current_time: new Date().toISOString(),
    setup_failed: false,
    email_configuration_is_set: false,
    error_message: '',
    user_initial_setup: false,
    sso: false,
    sso_logged_in: false,
    banner: '',
    version: version(),
  }));

  app.get('/api/cluster/status', async (_request, reply) => {
    // Readiness includes the database: while it is unreachable the status is 503 CLUSTER_STARTING,
    // which the Go SDK's CheckControllerStatus reads as "not up yet" and polls again
    // (docs/api-behaviour.md).
    const up = await databaseUp(deps.ping);
    const upSince = deps.startedAt.toISOString();
    return reply.code(up ? 200 : 503).send({
      cluster_state: {
        state: up ? 'CLUSTER_UP_NO_HA' : 'CLUSTER_STARTING',
        progress: up ? 100 : 0,
        up_since: upSince,
      },
      node_info: {
        cluster_uuid: deps.clusterUuid,
        name: 'avi-upgrade-status',
        role: 'CLUSTER_LEADER',
        state: up ? 'CLUSTER_ACTIVE' : 'CLUSTER_STARTING',
      },
      database: { up },
    });
  });

  app.get('/api/cluster/version', async () => version());
}
