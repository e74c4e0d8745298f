// Wires the upgrade simulator into the app (SIMULATOR=on): its service, routes, the reboot
// window and shutdown.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.js';
import type { Storage } from '../../storage/types.js';
import { SimulatorService } from '../../services/simulator/simulator-service.js';
import { simulatorAdminRoutes } from './simulator.js';
import { simulatorOperationRoutes } from './simulator-operations.js';
import { installSessionReset, type RebootGate } from './simulator-gate.js';
import type { RouteDeps } from './upgrade-status-info.js';

export interface SimulatorWiring {
  /** The 503 gate, installed before authentication (installRebootGate). */
  gate: RebootGate;
  storage: Storage;
  /** The app's clock (ms). */
  now: () => number;
}

export function installSimulator(
  app: FastifyInstance,
  deps: RouteDeps,
  config: Config,
  wiring: SimulatorWiring,
): SimulatorService {
  const { gate, now } = wiring;
  const simulator = new SimulatorService(deps.service, {
    speed: config.simulatorSpeed,
    clock: config.simulatorClock,
    rebootSeconds: config.simulatorRebootSeconds,
    concurrency: 8,
    enterprise:
      config.licenseTier === 'ENTERPRISE' || config.licenseTier === 'ENTERPRISE_WITH_CLOUD_SERVICES',
    now,
    onApiState: (state) => gate.set(state, now()),
    onError: (err) => app.log.warn({ err }, 'simulator: writing a record failed'),
  });
  installSessionReset(app, gate, wiring.storage.sessions);
  simulatorAdminRoutes(app, { ...deps, simulator });
  simulatorOperationRoutes(app, { ...deps, simulator });
  app.addHook('onClose', () => simulator.close());
  return simulator;
}
