// The simulator's admin API (System-Admin only; only with SIMULATOR=on):
//   POST /api/simulator/fleet    create a fleet of records in the request's tenant
//   GET  /api/simulator/fleet    the tenant's fleet (uuids, SEs, images)
//   POST /api/simulator/faults   faults for the next operation
//   GET  /api/simulator/status   the clock and the tenant's run
//   POST /api/simulator/clock    {"steps": n} (step clock) or {"mode": "step"|"realtime", "speed": n}
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, errors } from '../../errors/catalogue.js';
import { FLEET_DEFAULTS, type Fleet, type FleetOptions } from '../../domain/simulator/fleet.js';
import { parseFaults } from '../../domain/simulator/operation.js';
import { isSystemAdmin } from '../../domain/auth/roles.js';
import { randomBytes } from 'node:crypto';
import type { SimulatorService } from '../../services/simulator/simulator-service.js';
import type { RequestContext } from '../../services/upgrade-status-service.js';
import { contextOf, type RouteDeps } from './upgrade-status-info.js';

export interface SimulatorDeps extends RouteDeps {
  simulator: SimulatorService;
}

type Body = Record<string, unknown>;
const VERSION_RE = /^\d{1,3}\.\d{1,3}\.\d{1,3}-\d{1,6}-\d{8}\.\d{6}$/;

/** The request's context, once its principal is a System-Admin. */
export async function adminContext(
  request: FastifyRequest,
  reply: Parameters<typeof contextOf>[1],
  deps: RouteDeps,
): Promise<RequestContext> {
  const ctx = await contextOf(request, reply, deps);
  if (!isSystemAdmin(ctx.principal)) throw errors.systemAdminOnly('upgrade operations and the simulator');
  return ctx;
}

export function simulatorAdminRoutes(app: FastifyInstance, deps: SimulatorDeps): void {
  const { simulator } = deps;
  for (const [method, path] of [
    ['POST', '/api/simulator/fleet'],
    ['GET', '/api/simulator/fleet'],
    ['POST', '/api/simulator/faults'],
    ['GET', '/api/simulator/status'],
    ['POST', '/api/simulator/clock'],
  ] as const) {
    deps.routes.add(path, method);
  }

  app.post('/api/simulator/fleet', async (request, reply) => {
    const ctx = await adminContext(request, reply, deps);
    const body = objectBody(request.body ?? {});
    const options = fleetOptions(body);
    const replace = body.replace === true;
    const { fleet, records } = await simulator.createFleet(ctx, options, replace);
    return reply.code(201).send({ ...describeFleet(fleet), records: records.length });
  });

  app.get('/api/simulator/fleet', async (request, reply) => {
    const ctx = await adminContext(request, reply, deps);
    const fleet = simulator.fleet(ctx);
    if (!fleet) throw new ApiError(404, 'No fleet in this tenant: POST /api/simulator/fleet creates one.');
    return reply.send(describeFleet(fleet));
  });

  app.post('/api/simulator/faults', async (request, reply) => {
    const ctx = await adminContext(request, reply, deps);
    const body = objectBody(request.body ?? {});
    for (const k of Object.keys(body)) if (k !== 'faults') throw errors.unknownField(k);
    return reply.send({ pending_faults: simulator.armFaults(ctx, parseFaults(body.faults, 'faults')) });
  });

  app.get('/api/simulator/status', async (request, reply) => {
    const ctx = await adminContext(request, reply, deps);
    return reply.send(simulator.status(ctx));
  });

  app.post('/api/simulator/clock', async (request, reply) => {
    const ctx = await adminContext(request, reply, deps);
    const body = objectBody(request.body ?? {});
    for (const k of Object.keys(body))
      if (!['steps', 'mode', 'speed'].includes(k)) throw errors.unknownField(k);
    if (body.mode !== undefined) {
      if (body.mode !== 'step' && body.mode !== 'realtime')
        throw invalid('mode', 'step or realtime', body.mode);
      const speed = body.speed === undefined ? undefined : integer(body, 'speed', 1, 100000, 0);
      simulator.setClock(body.mode, speed);
    }
    const steps = body.steps === undefined ? 0 : integer(body, 'steps', 0, 1_000_000, 0);
    const done = steps > 0 ? await simulator.advance(steps) : 0;
    return reply.send({ steps: done, ...simulator.status(ctx) });
  });
}

function fleetOptions(body: Body): FleetOptions {
  const allowed = [
    'seed',
    'se_groups',
    'ses_per_group',
    'clouds',
    'controller_nodes',
    'se_records',
    'version',
    'target_version',
    'replace',
  ];
  for (const k of Object.keys(body)) if (!allowed.includes(k)) throw errors.unknownField(k);
  const seed = body.seed === undefined ? randomBytes(6).toString('hex') : body.seed;
  if ((typeof seed !== 'string' && typeof seed !== 'number') || String(seed).length > 128)
    throw invalid('seed', 'a text or a number', seed);
  const version = text(body, 'version', FLEET_DEFAULTS.version);
  const targetVersion = text(body, 'target_version', FLEET_DEFAULTS.targetVersion);
  const nodes = integer(body, 'controller_nodes', 1, 3, FLEET_DEFAULTS.controllerNodes);
  if (nodes === 2) throw invalid('controller_nodes', '1 or 3', nodes);
  for (const k of ['se_records', 'replace']) {
    if (body[k] !== undefined && typeof body[k] !== 'boolean') throw invalid(k, 'a boolean', body[k]);
  }
  return {
    seed: String(seed),
    seGroups: integer(body, 'se_groups', 1, 64, FLEET_DEFAULTS.seGroups),
    sesPerGroup: integer(body, 'ses_per_group', 1, 32, FLEET_DEFAULTS.sesPerGroup),
    clouds: integer(body, 'clouds', 1, 6, FLEET_DEFAULTS.clouds),
    controllerNodes: nodes,
    seRecords: body.se_records === true,
    version,
    targetVersion,
    epoch: FLEET_DEFAULTS.epoch,
  };
}

export function describeFleet(fleet: Fleet): Body {
  return {
    seed: fleet.seed,
    version: fleet.version,
    cluster: fleet.cluster,
    se_groups: fleet.groups.map((g) => ({
      uuid: g.uuid,
      name: g.name,
      cloud: { uuid: g.cloudUuid, name: g.cloudName },
      ha_mode: g.haMode,
      ses: g.ses,
    })),
    images: fleet.images.map((i) => ({
      uuid: i.uuid,
      name: i.name,
      type: i.type,
      ...(i.base ? { base: i.base } : {}),
    })),
  };
}

export function objectBody(input: unknown): Body {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw errors.bodyNotObject(Array.isArray(input) ? 'a list' : typeof input);
  }
  return input as Body;
}

function integer(body: Body, key: string, min: number, max: number, fallback: number): number {
  const v = body[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(key, `an integer from ${min} to ${max}`, v);
  }
  return v;
}

function text(body: Body, key: string, fallback: string): string {
  const v = body[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !VERSION_RE.test(v))
    throw invalid(key, 'an image name such as 30.2.1-9046-20240301.010203', v);
  return v;
}

function invalid(path: string, expected: string, got: unknown): ApiError {
  return new ApiError(
    400,
    `Invalid value for field '${path}': expected ${expected}, got ${String(JSON.stringify(got)).slice(0, 80)}.`,
  );
}
