// The fixed parts of a run: which controller tasks an operation has, which pre-checks it runs,
// how long each step takes (seeded), and the record helpers every phase shares.
import type { Fault, OperationSpec } from './operation.js';
import type { Prng } from './prng.js';
import type { VersionTarget } from './versions.js';
import type { CONTROLLER_TASKS } from '../schema/enums.js';

/** A controller task as the model names it: the orders below cannot name one it lacks. */
type ControllerTask = (typeof CONTROLLER_TASKS)[number];

export type Doc = Record<string, unknown>;

export interface SeInfo {
  uuid: string;
  name: string;
}

export interface GroupInfo {
  uuid: string;
  name: string;
  ses: SeInfo[];
}

/** Everything a run needs, prepared (and checked) by the service from the stored records. */
export interface RunInput {
  spec: OperationSpec;
  /** The current bodies of every record the run may touch, by uuid (copies: the run changes them). */
  docs: Map<string, Doc>;
  clusterUuid: string;
  /** Controller node addresses. */
  nodes: string[];
  /** SE groups the run upgrades (empty for a controller-only run). */
  groups: GroupInfo[];
  controller: VersionTarget;
  se: VersionTarget;
  concurrency: number;
  startSecs: number;
  seed: string;
  /** Enterprise-only fields (history, upgrade_readiness, dryrun_info) may be written. */
  enterprise: boolean;
  /** Simulated seconds of REBOOT_CONTROLLER_NODES (0: no reboot window). */
  rebootSeconds: number;
}

const UPGRADE_TASKS = [
  'PREPARE_FOR_SHUTDOWN',
  'COPY_AND_VERIFY_IMAGE',
  'INSTALL_IMAGE',
  'POST_INSTALL_HOOKS',
  'PREPARE_CONTROLLER_FOR_SHUTDOWN',
  'STOP_CONTROLLER',
  'PREPARE_FOR_REBOOT_CONTROLLER_NODES',
  'REBOOT_CONTROLLER_NODES',
  'WAIT_FOR_ALL_CONTROLLER_NODES_ONLINE',
  'PRE_UPGRADE_HOOKS',
  'MIGRATE_CONFIG',
  'START_PRIMARY_CONTROLLER',
  'START_ALL_CONTROLLERS',
  'POST_UPGRADE_HOOKS',
  'SET_CONTROLLER_UPGRADE_COMPLETED',
  'COMMIT_UPGRADE',
] satisfies readonly ControllerTask[];
const PATCH_TASKS = [
  'EXTRACT_PATCH_IMAGE',
  'EXECUTE_PRE_INSTALL_COMMANDS',
  'INSTALL_PATCH_IMAGE',
  'EXECUTE_POST_INSTALL_COMMANDS',
  'PATCH_CONTROLLER_HEALTH_CHECK',
  'SET_CONTROLLER_UPGRADE_COMPLETED',
  'COMMIT_UPGRADE',
] satisfies readonly ControllerTask[];
const ROLLBACK_TASKS = [
  'PREPARE_FOR_SHUTDOWN',
  'PREPARE_CONTROLLER_FOR_SHUTDOWN',
  'STOP_CONTROLLER',
  'PREPARE_FOR_REBOOT_CONTROLLER_NODES',
  'REBOOT_CONTROLLER_NODES',
  'WAIT_FOR_ALL_CONTROLLER_NODES_ONLINE',
  'START_PRIMARY_CONTROLLER',
  'START_ALL_CONTROLLERS',
  'SET_CONTROLLER_UPGRADE_COMPLETED',
  'COMMIT_UPGRADE',
] satisfies readonly ControllerTask[];
const ROLLBACK_PATCH_TASKS = [
  'EXECUTE_PRE_INSTALL_COMMANDS',
  'INSTALL_PATCH_IMAGE',
  'EXECUTE_POST_INSTALL_COMMANDS',
  'SET_CONTROLLER_UPGRADE_COMPLETED',
  'COMMIT_UPGRADE',
] satisfies readonly ControllerTask[];

/** The controller tasks of an operation, in order (none when the controller takes no part). */
export function controllerTasks(spec: OperationSpec): string[] {
  if (spec.scope === 'segroups') return [];
  switch (spec.ops) {
    case 'UPGRADE':
      return UPGRADE_TASKS;
    case 'PATCH':
      return spec.controllerPatch !== undefined ? PATCH_TASKS : [];
    case 'ROLLBACK':
      return ROLLBACK_TASKS;
    case 'ROLLBACKPATCH':
      return ROLLBACK_PATCH_TASKS;
    case 'SEGROUP_RESUME':
      return [];
  }
}

export interface CheckInfo {
  code: string;
  description: string;
}

/** The pre-checks of an operation (descriptions in this server's words). */
export function preChecks(spec: OperationSpec): CheckInfo[] {
  if (spec.ops === 'SEGROUP_RESUME') {
    return [
      {
        code: 'SYSERR_UPGRADE_OPS_CHECK_SE_GROUP_SUSPENDED',
        description: 'The SE groups to resume are suspended.',
      },
      {
        code: 'SYSERR_UPGRADE_OPS_CHECK_UPGRADE_STATE_FOR_RESUME_OPS',
        description: 'The upgrade state allows a resume.',
      },
    ];
  }
  const checks: CheckInfo[] = [
    {
      code: 'SYSERR_UPGRADE_OPS_CHECK_CLUSTER_STATE',
      description: 'Every controller node is up and in the cluster.',
    },
    { code: 'SYSERR_UPGRADE_OPS_IN_PROGRESS', description: 'No other upgrade operation is running.' },
    {
      code: 'SYSERR_UPGRADE_OPS_CHECK_CLUSTER_DISK_SPACE',
      description: 'The controller nodes have enough free disk.',
    },
    {
      code: 'SYSERR_UPGRADE_OPS_CHECK_ACTIVE_VERSIONS',
      description: 'At most two versions stay active afterwards.',
    },
  ];
  if (spec.ops === 'ROLLBACK' || spec.ops === 'ROLLBACKPATCH') {
    checks.push({
      code: 'SYSERR_UPGRADE_OPS_CHECK_ROLLBACK_BASICS',
      description: 'A previous image is there to go back to.',
    });
  } else {
    checks.push({
      code: 'SYSERR_UPGRADE_OPS_CHECK_IMAGE_COMPATIBILITY',
      description: 'The image can upgrade this version.',
    });
  }
  if (spec.scope !== 'controller') {
    checks.push({
      code: 'SYSERR_UPGRADE_OPS_CHECK_SE_REACHABILITY',
      description: 'The controller reaches every SE.',
    });
  }
  return checks;
}

/** Simulated seconds each kind of step takes (from the run's seeded generator). */
export function stepSeconds(rng: Prng, kind: string, disruptive = false): number {
  switch (kind) {
    case 'check':
      return rng.int(5, 20);
    case 'REBOOT_CONTROLLER_NODES':
      return rng.int(180, 300);
    case 'WAIT_FOR_ALL_CONTROLLER_NODES_ONLINE':
    case 'MIGRATE_CONFIG':
      return rng.int(60, 180);
    case 'se-start':
      return rng.int(3, 8);
    case 'se':
      return disruptive ? rng.int(60, 120) : rng.int(150, 300);
    case 'group':
      return rng.int(15, 40);
    default:
      return rng.int(30, 90);
  }
}

/** Sets `state` (with the time it changed, and a reason or none) keeping `rebooted`. */
export function setState(doc: Doc, state: string, secs: number, reason?: string): void {
  const old = (doc.state ?? {}) as Doc;
  doc.state = {
    state,
    last_changed_time: { secs, usecs: 0 },
    ...(reason !== undefined ? { reason } : {}),
    ...(old.rebooted !== undefined ? { rebooted: old.rebooted } : {}),
  };
}

/** The fault of `type` aimed at this target (by uuid or name; a fault without target hits `first`). */
export function matchFault(
  faults: readonly Fault[],
  fired: Set<number>,
  types: readonly string[],
  target: { uuid: string; name: string },
  first: boolean,
): Fault | undefined {
  for (let i = 0; i < faults.length; i++) {
    const f = faults[i] as Fault;
    if (!types.includes(f.type)) continue;
    const hit = f.target === undefined ? first : f.target === target.uuid || f.target === target.name;
    if (!hit || (fired.has(i) && !f.persistent)) continue;
    fired.add(i);
    return f;
  }
  return undefined;
}

export function percent(done: number, total: number): number {
  return total <= 0 ? 100 : Math.min(100, Math.round((100 * done) / total));
}
