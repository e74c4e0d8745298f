// A simulated upgrade operation as a discrete-event state machine over the records it touches:
// pre-checks, then the controller tasks (one per step, with per-node sub-events), then the SE
// groups (as many at once as the concurrency allows, each its own actor). `step()` applies the
// next event at its simulated time and reports which records changed. No I/O: the service
// writes the changed records and decides when to step (a timer, or the step clock).
import { GroupActor, type RunContext } from './group.js';
import {
  controllerTasks,
  matchFault,
  percent,
  preChecks,
  setState,
  stepSeconds,
  type Doc,
  type RunInput,
} from './plan.js';
import type { ActionOnError, OperationSpec } from './operation.js';
import { Prng } from './prng.js';
import { GroupPool } from './pool.js';
import { appendHistory, beginRecords, endPrechecks, recordCheck, taskEvent } from './records.js';
import { simTime } from './times.js';
import { applyVersionChange } from './versions.js';

export type ApiState = 'up' | 'down' | 'starting';
export type RunStatus = 'running' | 'suspended' | 'completed' | 'failed';
type Phase = 'prechecks' | 'controller' | 'segroups' | 'finished';

export class Run {
  status: RunStatus = 'running';
  now: number;
  readonly spec: OperationSpec;
  private phase: Phase = 'prechecks';
  private at: number;
  private index = 0;
  private readonly changed = new Set<string>();
  private readonly rng: Prng;
  private readonly fired = new Set<number>();
  private readonly tasks: string[];
  private readonly checks;
  private readonly groups: GroupActor[];
  private readonly pool: GroupPool;
  private readonly ctx: RunContext;
  private warning = false;
  /** When the main actor's current step began (its previous event). */
  private since: number;
  private checkError?: string;

  constructor(private readonly input: RunInput) {
    this.spec = input.spec;
    this.now = input.startSecs;
    this.since = input.startSecs;
    this.rng = new Prng(`${input.seed}:run:${input.startSecs}:${input.spec.ops}`);
    this.tasks = controllerTasks(input.spec);
    this.checks = preChecks(input.spec);
    const cluster = input.docs.get(input.clusterUuid) ?? {};
    const run = this; // eslint-disable-line @typescript-eslint/no-this-alias
    this.ctx = {
      get now() {
        return run.now;
      },
      spec: input.spec,
      rng: this.rng,
      fired: this.fired,
      se: input.se,
      enterprise: input.enterprise,
      get controllerVersion() {
        return String((input.docs.get(input.clusterUuid) ?? cluster).version ?? '');
      },
      touch: (uuid) => this.touch(uuid),
      history: (doc, extra) => this.history(doc, extra),
    };
    this.groups = input.groups.map((g, i) => new GroupActor(g, this.ctx, i === 0));
    this.pool = new GroupPool(this.groups, input.concurrency);
    beginRecords(this.input, this.leads(), (uuid) => this.touch(uuid), this.tasks.length, this.checks.length);
    this.at = this.now + (this.spec.dryrun ? stepSeconds(this.rng, 'task') : stepSeconds(this.rng, 'check'));
    if (this.spec.dryrun) this.phase = 'controller';
  }

  /** The records that lead the operation: the cluster, or the SE groups of an SE-group operation. */
  private leads(): string[] {
    return this.spec.scope === 'segroups' ? this.input.groups.map((g) => g.uuid) : [this.input.clusterUuid];
  }

  /** The simulated time of the next event; undefined when nothing will happen without a resume. */
  nextAt(): number | undefined {
    if (this.status !== 'running') return undefined;
    const times = [this.at, ...this.groups.map((g) => g.at)].filter((t) => t !== Infinity);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  /** The records changed since the last call. */
  takeChanged(): Map<string, Doc> {
    const out = new Map<string, Doc>();
    for (const uuid of this.changed) {
      const doc = this.input.docs.get(uuid);
      if (doc) out.set(uuid, doc);
    }
    this.changed.clear();
    return out;
  }

  /** Applies the next event; false when there is none. */
  step(): boolean {
    const at = this.nextAt();
    if (at === undefined) return false;
    this.now = at;
    if (this.at === at) {
      this.at = Infinity;
      if (this.phase === 'prechecks') this.checkStep();
      else if (this.phase === 'controller') this.taskStep();
      this.since = this.now;
      return true;
    }
    const group = this.groups.find((g) => g.at === at) as GroupActor;
    group.step();
    if (group.stage === 'done' || group.stage === 'suspended') this.groupSettled();
    return true;
  }

  private checkStep(): void {
    const check = this.checks[this.index] as { code: string; description: string };
    const started = this.since;
    const fault = matchFault(
      this.spec.faults,
      this.fired,
      ['precheck'],
      { uuid: check.code, name: check.code },
      this.index === this.checks.length - 1,
    );
    const state = !fault
      ? 'UPGRADE_PRE_CHECK_SUCCESS'
      : fault.level === 'warning'
        ? 'UPGRADE_PRE_CHECK_WARNING'
        : 'UPGRADE_PRE_CHECK_ERROR';
    if (fault?.level === 'warning') this.warning = true;
    else if (fault) this.checkError = `${check.description} ${fault.error}`;
    this.index++;
    for (const uuid of this.leads()) {
      const doc = this.touch(uuid) as Doc;
      setState(doc, 'UPGRADE_PRE_CHECK_IN_PROGRESS', this.now);
      const readiness = doc.upgrade_readiness as Doc | undefined;
      if (readiness)
        recordCheck(readiness, check, state, started, this.now, fault, this.index, this.checks.length);
    }
    if (this.index < this.checks.length) {
      this.at = this.now + stepSeconds(this.rng, 'check');
      return;
    }
    const outcome = this.checkError
      ? 'UPGRADE_PRE_CHECK_ERROR'
      : this.warning && !this.spec.skipWarnings
        ? 'UPGRADE_PRE_CHECK_WARNING'
        : 'UPGRADE_PRE_CHECK_SUCCESS';
    const reason =
      this.checkError ??
      (outcome === 'UPGRADE_PRE_CHECK_WARNING'
        ? 'Pre-checks ended with warnings: send skip_warnings to go on.'
        : undefined);
    const setMain = outcome !== 'UPGRADE_PRE_CHECK_SUCCESS' || this.spec.prechecksOnly;
    for (const uuid of this.leads()) {
      endPrechecks(this.touch(uuid) as Doc, outcome, this.input.startSecs, this.now, setMain, reason);
    }
    if (outcome !== 'UPGRADE_PRE_CHECK_SUCCESS') return this.finishRun('failed', reason);
    if (this.spec.prechecksOnly) return this.finishRun('completed');
    this.index = 0;
    for (const uuid of this.leads()) setState(this.touch(uuid) as Doc, 'UPGRADE_FSM_IN_PROGRESS', this.now);
    if (this.tasks.length > 0) {
      this.phase = 'controller';
      this.at = this.now + this.taskSeconds(this.tasks[0] as string);
    } else this.startGroups();
  }

  private taskStep(): void {
    const task = this.tasks[this.index] as string;
    const started = this.since;
    const fault = matchFault(
      this.spec.faults,
      this.fired,
      ['controller_task'],
      { uuid: task, name: task },
      this.index === 0,
    );
    const doc = this.touch(this.input.clusterUuid) as Doc;
    const target = this.spec.dryrun ? ((doc.dryrun_info ?? {}) as Doc) : doc;
    const nodes = this.spec.dryrun
      ? this.input.nodes.slice(Math.min(1, this.input.nodes.length - 1)).slice(0, 1)
      : this.input.nodes;
    const event = taskEvent(task, nodes, started, this.now, fault?.error);
    target.upgrade_events = [...((target.upgrade_events ?? []) as unknown[]), event];
    this.index++;
    target.tasks_completed = this.index;
    target.progress = percent(this.index, (target.total_tasks as number | undefined) ?? this.tasks.length);
    if (task === 'REBOOT_CONTROLLER_NODES' && !this.spec.dryrun) {
      doc.state = { ...(doc.state as Doc), rebooted: true };
    }
    if (fault) {
      const reason = `Task ${task} failed: ${fault.error} The controllers were rolled back to ${String(doc.version)}.`;
      if (this.spec.dryrun)
        target.state = {
          state: 'UPGRADE_FSM_ERROR',
          last_changed_time: { secs: this.now, usecs: 0 },
          reason,
        };
      else setState(doc, 'UPGRADE_FSM_ERROR', this.now, reason);
      return this.finishRun('failed', reason);
    }
    if (this.index < this.tasks.length) {
      this.at = this.now + this.taskSeconds(this.tasks[this.index] as string);
      return;
    }
    if (this.spec.dryrun) {
      target.state = { state: 'UPGRADE_FSM_COMPLETED', last_changed_time: { secs: this.now, usecs: 0 } };
      return this.finishRun('completed');
    }
    applyVersionChange(doc, this.spec.ops, this.input.controller);
    if (this.spec.scope === 'system' && this.groups.length > 0) {
      setState(doc, 'UPGRADE_FSM_SE_UPGRADE_IN_PROGRESS', this.now);
      this.startGroups();
    } else this.finishRun('completed');
  }

  /** A task's simulated seconds; a reboot takes the configured time. */
  private taskSeconds(task: string): number {
    const drawn = stepSeconds(this.rng, task);
    const reboot = this.input.rebootSeconds;
    return task === 'REBOOT_CONTROLLER_NODES' && reboot > 0 ? reboot : drawn;
  }

  private startGroups(): void {
    this.phase = 'segroups';
    this.pool.start();
    if (this.groups.length === 0) this.finishRun('completed');
  }

  private groupSettled(): void {
    const cluster = this.spec.scope === 'system' ? this.touch(this.input.clusterUuid) : undefined;
    if (cluster) {
      cluster.tasks_completed = this.tasks.length + this.pool.done();
      cluster.progress = percent(cluster.tasks_completed as number, cluster.total_tasks as number);
    }
    const outcome = this.pool.settle();
    if (outcome === 'running') return;
    if (outcome === 'completed') return this.finishRun('completed');
    const names = (groups: GroupActor[]) => groups.map((g) => g.info.name).join(', ');
    if (outcome === 'suspended') {
      const reason = `SE group(s) suspended: ${names(this.pool.suspended())}. Resume them to go on.`;
      if (cluster) setState(cluster, 'UPGRADE_FSM_SUSPENDED', this.now, reason);
      this.status = 'suspended';
      return;
    }
    const reason = `SE group(s) failed: ${names(this.pool.failed())}.`;
    if (cluster) setState(cluster, 'UPGRADE_FSM_ERROR', this.now, reason);
    this.finishRun('failed', reason);
  }

  /**
   * Whether configuration writes are refused: from the start of an operation that changes the
   * controller until its controller phase ends (a patch: until it ends).
   */
  locksConfiguration(): boolean {
    const { spec } = this;
    if (spec.prechecksOnly || spec.dryrun || this.tasks.length === 0) return false;
    return this.phase === 'prechecks' || this.phase === 'controller' || spec.ops === 'PATCH';
  }

  /** Down while the controllers reboot, starting while they come back (then only initial-data answers). */
  apiState(): ApiState {
    if (this.status !== 'running' || this.phase !== 'controller' || this.spec.dryrun) return 'up';
    if (this.input.rebootSeconds === 0) return 'up';
    const next = this.tasks[this.index];
    if (next === 'REBOOT_CONTROLLER_NODES') return 'down';
    return next === 'WAIT_FOR_ALL_CONTROLLER_NODES_ONLINE' ? 'starting' : 'up';
  }

  /** The suspended SE groups (uuids). */
  suspendedGroups(): string[] {
    return this.pool.suspended().map((g) => g.info.uuid);
  }

  /** Resumes suspended SE groups (all of them when `uuids` is empty). */
  resume(uuids: readonly string[], action: ActionOnError, disruptive: boolean, skipSuspended: boolean): void {
    this.pool.resume(uuids, action, disruptive, skipSuspended);
    this.status = 'running';
    const cluster = this.spec.scope === 'system' ? this.touch(this.input.clusterUuid) : undefined;
    if (cluster) setState(cluster, 'UPGRADE_FSM_SE_UPGRADE_IN_PROGRESS', this.now);
  }

  private finishRun(status: 'completed' | 'failed', reason?: string): void {
    this.status = status;
    this.phase = 'finished';
    this.at = Infinity;
    if (this.spec.prechecksOnly) return;
    const uuids = this.spec.scope === 'segroups' ? [] : [this.input.clusterUuid];
    for (const uuid of uuids) {
      const doc = this.touch(uuid) as Doc;
      if (this.spec.dryrun) {
        const info = doc.dryrun_info as Doc | undefined;
        if (info) {
          info.end_time = simTime(this.now);
          info.duration = this.now - this.input.startSecs;
        }
        continue;
      }
      if (status === 'completed') {
        setState(doc, 'UPGRADE_FSM_COMPLETED', this.now);
        doc.progress = 100;
        delete doc.reason;
      } else if (reason !== undefined) doc.reason = reason;
      doc.end_time = simTime(this.now);
      doc.duration = this.now - this.input.startSecs;
      this.history(doc, { upgrade_events: doc.upgrade_events });
    }
  }

  private history(doc: Doc, extra: Doc): void {
    if (this.input.enterprise) appendHistory(doc, this.spec.ops, extra);
  }

  private touch(uuid: string): Doc | undefined {
    const doc = this.input.docs.get(uuid);
    if (doc) this.changed.add(uuid);
    return doc;
  }
}
