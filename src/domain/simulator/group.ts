// One SE group's part of a run: enqueued, started, its SEs upgraded one at a time (or all at once
// when disruptive), each moving not started → in progress → completed in `seg_status`, and the
// `action_on_error` rule when one fails: suspend, continue, or roll the group back.
import type { ActionOnError, Fault, OperationSpec } from './operation.js';
import { matchFault, percent, setState, stepSeconds, type Doc, type GroupInfo, type SeInfo } from './plan.js';
import type { Prng } from './prng.js';
import { ref, simTime } from './times.js';
import { applyVersionChange, type VersionTarget } from './versions.js';

export interface RunContext {
  now: number;
  readonly spec: OperationSpec;
  readonly rng: Prng;
  readonly fired: Set<number>;
  readonly se: VersionTarget;
  readonly enterprise: boolean;
  readonly controllerVersion: string;
  touch(uuid: string): Doc | undefined;
  history(doc: Doc, extra: Doc): void;
}

type SeStatus = 'not_started' | 'in_progress' | 'completed' | 'failed' | 'suspended' | 'skip_suspended';
type Stage = 'queued' | 'started' | 'upgrading' | 'rolling_back' | 'suspended' | 'done';

const LISTS: Record<SeStatus, string> = {
  not_started: 'se_upgrade_not_started',
  in_progress: 'se_upgrade_in_progress',
  completed: 'se_upgrade_completed',
  failed: 'se_upgrade_failed',
  suspended: 'se_upgrade_suspended',
  skip_suspended: 'se_upgrade_skip_suspended',
};

export class GroupActor {
  stage: Stage = 'queued';
  at = Infinity;
  /** Finished with an error (for the cluster record's outcome). */
  failed = false;
  private readonly status = new Map<string, SeStatus>();
  private action: ActionOnError;
  private disruptive: boolean;

  constructor(
    readonly info: GroupInfo,
    private readonly ctx: RunContext,
    private readonly first: boolean,
  ) {
    this.action = ctx.spec.actionOnError;
    this.disruptive = ctx.spec.disruptive;
    for (const se of info.ses) this.status.set(se.uuid, 'not_started');
  }

  private get doc(): Doc {
    return this.ctx.touch(this.info.uuid) ?? {};
  }

  private get seg(): Doc {
    const doc = this.doc;
    doc.seg_status = { ...((doc.seg_status ?? {}) as Doc) };
    return doc.seg_status as Doc;
  }

  /** Waits for a slot: the record shows ENQUEUED with every SE not started. */
  enqueue(): void {
    const { ctx } = this;
    const doc = this.doc;
    setState(doc, 'UPGRADE_FSM_ENQUEUED', ctx.now);
    doc.upgrade_ops = ctx.spec.ops;
    doc.enqueue_time = simTime(ctx.now);
    doc.start_time = simTime(ctx.now);
    for (const k of ['end_time', 'duration', 'reason']) delete doc[k];
    doc.progress = 0;
    doc.tasks_completed = 0;
    doc.total_tasks = this.info.ses.length;
    doc.se_upgrade_events = [];
    doc.params = { se_group_options: { action_on_error: this.action, disruptive: this.disruptive } };
    const old = (doc.seg_status ?? {}) as Doc;
    doc.seg_status = {
      se_group_uuid: this.info.uuid,
      se_group_name: this.info.name,
      ...(old.ha_mode !== undefined ? { ha_mode: old.ha_mode } : {}),
      ...(old.num_vs !== undefined ? { num_vs: old.num_vs } : {}),
      num_se: this.info.ses.length,
      controller_version: ctx.controllerVersion,
      state: 'SEGROUP_UPGRADE_ENQUEUED',
      in_progress: false,
      progress: 0,
      num_vs_disrupted: 0,
      traffic_status: 'TRAFFIC_NOT_DISRUPTED',
      request_time: simTime(ctx.now),
      enqueue_time: simTime(ctx.now),
    };
    this.syncLists();
  }

  /** Takes a slot: the group's first step happens shortly. */
  admit(): void {
    this.stage = 'started';
    this.at = this.ctx.now + stepSeconds(this.ctx.rng, 'group');
  }

  /** One step of this group at `ctx.now`. */
  step(): void {
    const { ctx } = this;
    if (this.stage === 'started') return this.start();
    if (this.stage === 'rolling_back') return this.rollBackOne();
    const inProgress = this.ses('in_progress');
    const waiting = this.ses('not_started');
    if (inProgress.length === 0 && waiting.length > 0) {
      const next = this.disruptive ? waiting : waiting.slice(0, 1);
      for (const se of next) this.moveSe(se, 'in_progress', 'SE_UPGRADE_IN_PROGRESS');
      this.at = ctx.now + stepSeconds(ctx.rng, 'se', this.disruptive);
      return;
    }
    const se = inProgress[0];
    if (se) {
      this.finishSe(se);
      if (this.stage === 'upgrading') this.at = ctx.now + stepSeconds(ctx.rng, 'se-start');
      return;
    }
    this.finish();
  }

  private start(): void {
    const { ctx } = this;
    const doc = this.doc;
    const fault = matchFault(ctx.spec.faults, ctx.fired, ['segroup'], this.info, this.first);
    if (fault) return this.end('UPGRADE_FSM_ERROR', 'SEGROUP_UPGRADE_ERROR', fault.error);
    setState(doc, 'UPGRADE_FSM_IN_PROGRESS', ctx.now);
    const seg = this.seg;
    seg.state = this.disruptive ? 'SEGROUP_PARALLEL_SE_UPGRADE' : 'SEGROUP_SERIAL_SE_UPGRADE';
    seg.in_progress = true;
    seg.start_time = simTime(ctx.now);
    const disconnected = ctx.spec.faults.filter(
      (f) =>
        f.type === 'se_disconnected' && this.info.ses.some((s) => s.uuid === f.target || s.name === f.target),
    );
    if (disconnected.length > 0) {
      seg.se_disconnected_at_start = this.info.ses
        .filter((s) => disconnected.some((f) => f.target === s.uuid || f.target === s.name))
        .map(seRef);
    }
    this.stage = 'upgrading';
    this.at = ctx.now + stepSeconds(ctx.rng, 'se-start');
  }

  private finishSe(se: SeInfo): void {
    const { ctx } = this;
    const first = this.first && se.uuid === this.info.ses[0]?.uuid;
    const fault = matchFault(ctx.spec.faults, ctx.fired, ['se', 'se_disconnected'], se, first);
    if (!fault) {
      this.moveSe(se, 'completed', 'SE_UPGRADE_COMPLETE');
      return;
    }
    this.seError(se, fault);
    if (this.action === 'SUSPEND_UPGRADE_OPS_ON_ERROR') {
      this.moveSe(se, 'suspended');
      setState(this.doc, 'UPGRADE_FSM_SUSPENDED', ctx.now, `SE ${se.name}: ${fault.error}`);
      this.seg.state = 'SEGROUP_UPGRADE_SUSPENDED';
      this.seg.in_progress = false;
      this.stage = 'suspended';
      this.at = Infinity;
    } else if (this.action === 'CONTINUE_UPGRADE_OPS_ON_ERROR') {
      this.moveSe(se, 'failed');
    } else {
      this.moveSe(se, 'failed');
      setState(this.doc, 'UPGRADE_FSM_ABORT_IN_PROGRESS', ctx.now, `SE ${se.name}: ${fault.error}`);
      this.seg.state = 'SEGROUP_V2_TO_V1_ROLLBACK';
      this.stage = 'rolling_back';
      this.at = ctx.now + stepSeconds(ctx.rng, 'se', true);
    }
  }

  private seError(se: SeInfo, fault: Fault): void {
    const event = {
      task: fault.type === 'se_disconnected' ? 'SE_UPGRADE_SEMGR_SE_UNREACHABLE' : 'SE_UPGRADE_ERROR',
      se_ref: seRef(se),
      se_group_ref: ref('serviceenginegroup', this.info.uuid, this.info.name),
      reason: [fault.error],
    };
    const seg = this.seg;
    seg.se_upgrade_errors = [...((seg.se_upgrade_errors ?? []) as unknown[]), event];
    seg.reason = [...((seg.reason ?? []) as unknown[]), `${se.name}: ${fault.error}`];
    this.pushEvent(event);
  }

  /** ROLLBACK_UPGRADE_OPS_ON_ERROR: one upgraded SE goes back per step, then the group is aborted. */
  private rollBackOne(): void {
    const se = this.ses('completed')[0];
    if (se) {
      this.moveSe(se, 'not_started', 'SEGROUP_V2_TO_V1_ROLLBACK');
      this.at = this.ctx.now + stepSeconds(this.ctx.rng, 'se', true);
      return;
    }
    this.end('UPGRADE_FSM_ABORTED', 'SEGROUP_UPGRADE_ERROR', (this.doc.state as Doc).reason as string);
  }

  private finish(): void {
    const failed = this.ses('failed');
    if (failed.length > 0) {
      this.end('UPGRADE_FSM_ERROR', 'SEGROUP_UPGRADE_ERROR', `${failed.length} SE(s) failed to upgrade.`);
      return;
    }
    applyVersionChange(
      this.doc,
      this.ctx.spec.ops === 'SEGROUP_RESUME' ? 'UPGRADE' : this.ctx.spec.ops,
      this.ctx.se,
    );
    this.end('UPGRADE_FSM_COMPLETED', 'SEGROUP_UPGRADE_COMPLETE');
  }

  private end(state: string, segState: string, reason?: string): void {
    const { ctx } = this;
    const doc = this.doc;
    this.failed = state !== 'UPGRADE_FSM_COMPLETED';
    setState(doc, state, ctx.now, reason);
    if (reason !== undefined) doc.reason = reason;
    const seg = this.seg;
    seg.state = segState;
    seg.in_progress = false;
    seg.end_time = simTime(ctx.now);
    const started = Date.parse(`${String(doc.start_time)}Z`) / 1000;
    doc.end_time = simTime(ctx.now);
    doc.duration = Number.isFinite(started) ? ctx.now - started : 0;
    seg.duration = String(doc.duration);
    if (!this.failed) doc.progress = 100;
    ctx.history(doc, { se_upgrade_events: doc.se_upgrade_events, seg_status: doc.seg_status });
    this.stage = 'done';
    this.at = Infinity;
  }

  /** A resume: suspended SEs are retried, or skipped with `skip_suspended`. */
  resume(action: ActionOnError, disruptive: boolean, skipSuspended: boolean): void {
    const { ctx } = this;
    this.action = action;
    this.disruptive = disruptive;
    for (const se of this.ses('suspended')) this.moveSe(se, skipSuspended ? 'skip_suspended' : 'not_started');
    const doc = this.doc;
    doc.upgrade_ops = 'SEGROUP_RESUME';
    doc.params = {
      se_group_resume_options: { action_on_error: action, disruptive, skip_suspended: skipSuspended },
    };
    setState(doc, 'UPGRADE_FSM_IN_PROGRESS', ctx.now);
    delete doc.reason;
    this.seg.state = disruptive ? 'SEGROUP_PARALLEL_SE_UPGRADE' : 'SEGROUP_SERIAL_SE_UPGRADE';
    this.seg.in_progress = true;
    this.stage = 'upgrading';
    this.at = ctx.now + stepSeconds(ctx.rng, 'se-start');
  }

  private ses(status: SeStatus): SeInfo[] {
    return this.info.ses.filter((s) => this.status.get(s.uuid) === status);
  }

  private moveSe(se: SeInfo, status: SeStatus, task?: string): void {
    const was = this.status.get(se.uuid);
    this.status.set(se.uuid, status);
    this.syncLists();
    if (task) {
      this.pushEvent({
        task,
        se_ref: seRef(se),
        se_group_ref: ref('serviceenginegroup', this.info.uuid, this.info.name),
        traffic_status: this.disruptive ? 'TRAFFIC_DISRUPTED' : 'TRAFFIC_NOT_DISRUPTED',
      });
    }
    const seDoc = this.ctx.touch(se.uuid);
    if (seDoc) this.updateSeRecord(seDoc, status, was === 'completed');
  }

  /** An SE's own record (NODE_SE_TYPE) follows it; one rolled back gets its old version back. */
  private updateSeRecord(seDoc: Doc, status: SeStatus, wasUpgraded: boolean): void {
    const { ctx } = this;
    const states: Record<SeStatus, string> = {
      not_started: 'UPGRADE_FSM_ENQUEUED',
      in_progress: 'UPGRADE_FSM_IN_PROGRESS',
      completed: 'UPGRADE_FSM_COMPLETED',
      failed: 'UPGRADE_FSM_ERROR',
      suspended: 'UPGRADE_FSM_SUSPENDED',
      skip_suspended: 'UPGRADE_FSM_SUSPENDED',
    };
    setState(seDoc, states[status], ctx.now);
    seDoc.upgrade_ops = ctx.spec.ops;
    seDoc.progress = status === 'completed' ? 100 : 0;
    if (status === 'completed')
      applyVersionChange(seDoc, ctx.spec.ops === 'SEGROUP_RESUME' ? 'UPGRADE' : ctx.spec.ops, ctx.se);
    else if (wasUpgraded)
      applyVersionChange(seDoc, ctx.spec.ops === 'PATCH' ? 'ROLLBACKPATCH' : 'ROLLBACK', {});
  }

  private syncLists(): void {
    const seg = this.seg;
    for (const [status, key] of Object.entries(LISTS) as [SeStatus, string][]) {
      const list = this.ses(status).map(seRef);
      if (list.length > 0) seg[key] = list;
      else delete seg[key];
    }
    const done = this.ses('completed').length;
    seg.progress = percent(done, this.info.ses.length);
    const doc = this.doc;
    doc.tasks_completed = done + this.ses('failed').length + this.ses('skip_suspended').length;
    doc.progress = percent(doc.tasks_completed as number, this.info.ses.length);
    const inProgress = this.ses('in_progress')[0];
    if (inProgress) seg.se_reboot_in_progress_ref = seRef(inProgress);
    else delete seg.se_reboot_in_progress_ref;
  }

  private pushEvent(event: Doc): void {
    const doc = this.doc;
    doc.se_upgrade_events = [...((doc.se_upgrade_events ?? []) as unknown[]), event];
  }
}

function seRef(se: SeInfo): string {
  return ref('serviceengine', se.uuid, se.name);
}
