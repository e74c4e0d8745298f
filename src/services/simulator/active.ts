// A run of the simulator service and how its answers describe it.
import { errors } from '../../errors/catalogue.js';
import type { OperationSpec } from '../../domain/simulator/operation.js';
import type { Doc } from '../../domain/simulator/plan.js';
import type { Run } from '../../domain/simulator/run.js';
import { simTime } from '../../domain/simulator/times.js';
import type { RequestContext } from '../upgrade-status-service.js';

/** The tenant's running (or suspended, or last) operation. */
export interface Active {
  id: number;
  tenant: string;
  ctx: RequestContext;
  run: Run;
  timer?: NodeJS.Timeout;
  writes: Promise<void>;
  startedAt: string;
  /** Real time (ms) at the start, to map real time onto simulated time. */
  realStartMs: number;
  startSecs: number;
}

/** The run as the simulator's answers show it. */
export function describeRun(a: Active): Doc {
  const { spec } = a.run;
  return {
    id: a.id,
    ops: spec.ops,
    scope: spec.scope,
    status: a.run.status,
    prechecks_only: spec.prechecksOnly,
    dryrun: spec.dryrun,
    started: a.startedAt,
    sim_time: simTime(a.run.now),
    suspended_se_groups: a.run.suspendedGroups(),
  };
}

export function tenantOf(ctx: RequestContext): string {
  if (ctx.tenant === null) throw errors.allTenantsCreate();
  return ctx.tenant;
}

export function startedStatus(spec: OperationSpec): Doc {
  const scope = spec.scope === 'segroups' ? 'SEGROUP' : spec.scope.toUpperCase();
  const ops = spec.ops === 'SEGROUP_RESUME' ? 'RESUME' : spec.ops;
  const what = spec.prechecksOnly
    ? 'Pre-checks'
    : spec.dryrun
      ? 'Dry run'
      : `${ops.toLowerCase()} of the ${spec.scope === 'segroups' ? 'SE group(s)' : spec.scope}`;
  return {
    status_code:
      spec.prechecksOnly || spec.dryrun
        ? `SYSERR_EVAL_${ops}_${scope}_STARTED`
        : `SYSERR_${ops}_${scope}_STARTED`,
    status: `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} started.`,
  };
}
