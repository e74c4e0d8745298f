// The controller's operation endpoints, served by the simulator (only with SIMULATOR=on):
//   POST /api/upgrade               upgrade (image_uuid), or patch (patch uuids without an image)
//   POST /api/rollback              rollback_type 1 (default) or 2 (patch)
//   POST /api/segroup/resume        resume suspended SE groups (also /api/upgrade/segroup/resume)
//   POST <each of these>/preview    the checks it would run, nothing started
// Each answers at once; the run goes on in the background. While an operation's controller phase
// runs, every other write answers 403 `Configuration is disallowed during upgrade`.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/catalogue.js';
import {
  parseResume,
  parseRollback,
  parseUpgrade,
  type OperationSpec,
} from '../../domain/simulator/operation.js';
import { adminContext, type SimulatorDeps } from './simulator.js';

const OPERATIONS: ReadonlyArray<[string, (body: unknown) => OperationSpec]> = [
  ['/api/upgrade', parseUpgrade],
  ['/api/rollback', parseRollback],
  ['/api/segroup/resume', parseResume],
  ['/api/upgrade/segroup/resume', parseResume],
];

/** Writes that stay allowed while the configuration is locked. */
const ALWAYS_ALLOWED = /^\/(login|logout|api\/(simulator|upgrade|rollback|segroup)(\/|$|\?))/;

export function simulatorOperationRoutes(app: FastifyInstance, deps: SimulatorDeps): void {
  const { simulator } = deps;
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    if (ALWAYS_ALLOWED.test(request.url) || !simulator.blocksWrites()) return;
    throw new ApiError(403, 'Configuration is disallowed during upgrade');
  });
  for (const [path, parse] of OPERATIONS) {
    deps.routes.add(path, 'POST');
    deps.routes.add(`${path}/preview`, 'POST');
    app.post(path, async (request, reply) => {
      const ctx = await adminContext(request, reply, deps);
      const spec = parse(request.body ?? {});
      const result =
        spec.ops === 'SEGROUP_RESUME' ? await simulator.resume(ctx, spec) : await simulator.start(ctx, spec);
      return reply.send(result);
    });
    app.post(`${path}/preview`, async (request, reply) => {
      const ctx = await adminContext(request, reply, deps);
      return reply.send(await simulator.preview(ctx, parse(request.body ?? {})));
    });
  }
}
