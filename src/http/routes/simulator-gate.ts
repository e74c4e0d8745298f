// The simulated reboot window (SIMULATOR=on). While an operation's REBOOT_CONTROLLER_NODES task
// runs the API is down: every request but the simulator's own answers 503. While the nodes come
// back (WAIT_FOR_ALL_CONTROLLER_NODES_ONLINE) only /api/initial-data and /api/cluster/status
// answer. Sessions opened before the reboot are over afterwards (401: log in again).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, errors } from '../../errors/catalogue.js';
import { digest } from '../../domain/auth/tokens.js';
import type { SessionStore } from '../../storage/types.js';
import { sessionIds } from '../plugins/auth.js';

export type ApiState = 'up' | 'down' | 'starting';

export class RebootGate {
  state: ApiState = 'up';
  /** When the last simulated reboot began (ms, the app's clock): older sessions are over. */
  rebootAtMs: number | undefined;
  /** Session ids seen since then that were opened after it. */
  readonly fresh = new Set<string>();
  /** Session ids ended by it (the auth service may still hold them in its cache for a while). */
  readonly ended = new Set<string>();

  /** Moves to `state`; entering `down` is a reboot. */
  set(state: ApiState, nowMs: number): void {
    if (state === 'down' && this.state !== 'down') {
      this.rebootAtMs = nowMs;
      this.fresh.clear();
    }
    this.state = state;
  }
}

const SIMULATOR_PATH = /^\/api\/simulator(\/|\?|$)/;
const FIRST_UP = /^\/api\/(initial-data|cluster\/status)(\/|\?|$)/;

const rebooting = () =>
  new ApiError(503, 'The controller is rebooting (upgrade in progress): try again shortly.', {
    'retry-after': '10',
  });

/** Installs the 503 gate: must come before the authentication hook, so that it answers first. */
export function installRebootGate(app: FastifyInstance): RebootGate {
  const gate = new RebootGate();
  app.addHook('onRequest', async (request) => {
    if (gate.state === 'up' || SIMULATOR_PATH.test(request.url)) return;
    if (gate.state === 'starting' && FIRST_UP.test(request.url)) return;
    throw rebooting();
  });
  return gate;
}

/** Ends sessions opened before the last reboot (after the authentication hook). */
export function installSessionReset(app: FastifyInstance, gate: RebootGate, sessions: SessionStore): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const since = gate.rebootAtMs;
    if (since === undefined || request.headers.authorization !== undefined || !request.principal) return;
    for (const id of sessionIds(request)) {
      if (gate.ended.has(id)) throw errors.notAuthenticated();
      if (gate.fresh.has(id)) continue;
      const session = await sessions.get(digest(id));
      if (!session) continue;
      if (session.createdAt >= since) {
        if (gate.fresh.size < 10_000) gate.fresh.add(id);
        continue;
      }
      await sessions.delete(session.idDigest);
      if (gate.ended.size < 10_000) gate.ended.add(id);
      throw errors.notAuthenticated();
    }
  });
}
