// The record changes that start an operation, record a pre-check and close it in history.
import type { Fault, OpKind } from './operation.js';
import { percent, setState, type CheckInfo, type Doc, type RunInput } from './plan.js';
import { ref, simTime } from './times.js';

/** The first state of the records an operation leads (or of `dryrun_info` for a dry run). */
export function beginRecords(
  input: RunInput,
  leads: readonly string[],
  touch: (uuid: string) => Doc | undefined,
  totalTasks: number,
  totalChecks: number,
): void {
  const { spec } = input;
  const now = input.startSecs;
  const params = operationParams(input);
  if (spec.dryrun) {
    const doc = touch(input.clusterUuid);
    if (doc && input.enterprise) {
      doc.dryrun_info = {
        operation: 'UPGRADE_DRYRUN',
        params: {
          ...(params.image_ref ? { image_ref: params.image_ref } : {}),
          dryrun: true,
          system: spec.scope === 'system',
        },
        state: { state: 'UPGRADE_FSM_IN_PROGRESS', last_changed_time: { secs: now, usecs: 0 } },
        start_time: simTime(now),
        progress: 0,
        tasks_completed: 0,
        total_tasks: totalTasks,
        upgrade_events: [],
        worker: `node${Math.min(2, input.nodes.length)}.controller.local`,
      };
    }
    return;
  }
  for (const uuid of leads) {
    const doc = touch(uuid);
    if (!doc) continue;
    setState(doc, 'UPGRADE_PRE_CHECK_STARTED', now);
    if (input.enterprise) {
      doc.upgrade_readiness = {
        upgrade_ops: spec.ops,
        ...(params.image_ref ? { image_ref: params.image_ref } : {}),
        ...(params.patch_ref ? { patch_image_ref: params.patch_ref } : {}),
        state: { state: 'UPGRADE_PRE_CHECK_STARTED', last_changed_time: { secs: now, usecs: 0 } },
        start_time: simTime(now),
        checks: [],
        checks_completed: 0,
        total_checks: totalChecks,
        progress: 0,
      };
    }
    if (spec.prechecksOnly) continue;
    doc.upgrade_ops = spec.ops;
    doc.start_time = simTime(now);
    doc.enqueue_time = simTime(now);
    for (const k of ['end_time', 'duration', 'reason']) delete doc[k];
    doc.progress = 0;
    doc.tasks_completed = 0;
    doc.upgrade_events = [];
    if (uuid === input.clusterUuid) {
      doc.total_tasks = totalTasks + (spec.scope === 'system' ? input.groups.length : 0);
      const old = (doc.params ?? {}) as Doc;
      const tunables = Object.fromEntries(
        ['controller', 'service_engine'].filter((k) => old[k] !== undefined).map((k) => [k, old[k]]),
      );
      doc.params = { ...params, ...tunables };
      if (spec.scope === 'system') {
        doc.system = true;
        doc.seg_params = { se_group_options: params.se_group_options };
      } else delete doc.system;
    }
  }
}

/** The `params` of an operation, as the lead records hold them. */
export function operationParams(input: RunInput): Doc {
  const { controller, se, spec } = input;
  const image = controller.image ?? se.image;
  const patch = controller.patch ?? se.patch;
  return {
    ...(image ? { image_ref: ref('image', image.uuid, image.name) } : {}),
    ...(patch ? { patch_ref: ref('image', patch.uuid, patch.name) } : {}),
    se_group_options: { action_on_error: spec.actionOnError, disruptive: spec.disruptive },
  };
}

/** Adds a finished pre-check to `upgrade_readiness`. */
export function recordCheck(
  readiness: Doc,
  check: CheckInfo,
  state: string,
  started: number,
  now: number,
  fault: Fault | undefined,
  done: number,
  total: number,
): void {
  readiness.checks = [
    ...(readiness.checks as unknown[]),
    {
      check_code: check.code,
      description: check.description,
      state,
      start_time: simTime(started),
      end_time: simTime(now),
      duration: now - started,
      ...(fault ? { error_details: [fault.error] } : {}),
    },
  ];
  readiness.checks_completed = done;
  readiness.progress = percent(done, total);
  readiness.state = { state: 'UPGRADE_PRE_CHECK_IN_PROGRESS', last_changed_time: { secs: now, usecs: 0 } };
}

/** Appends the finished operation to the record's `history` (oldest first). */
export function appendHistory(doc: Doc, ops: OpKind, extra: Doc): void {
  const entry: Doc = {
    ops,
    start_time: doc.start_time,
    end_time: doc.end_time,
    duration: doc.duration,
    version: doc.version,
    ...(doc.patch_version !== undefined ? { patch_version: doc.patch_version } : {}),
    state: doc.state,
    params: doc.params,
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) entry[k] = v;
  doc.history = [...((doc.history ?? []) as unknown[]), entry];
}

/** The end of the pre-checks on a lead record: `upgrade_readiness`, and its state if `setMain`. */
export function endPrechecks(
  doc: Doc,
  outcome: string,
  start: number,
  now: number,
  setMain: boolean,
  reason: string | undefined,
): void {
  const readiness = doc.upgrade_readiness as Doc | undefined;
  if (readiness) {
    readiness.state = { state: outcome, last_changed_time: { secs: now, usecs: 0 } };
    readiness.end_time = simTime(now);
    readiness.duration = now - start;
  }
  if (setMain) setState(doc, outcome, now, reason);
}

/** A controller task's `upgrade_events` entry: one sub-event per node (the first fails on `error`). */
export function taskEvent(
  task: string,
  nodes: readonly string[],
  started: number,
  now: number,
  error?: string,
): Doc {
  return {
    task,
    task_name: task,
    sub_events: nodes.map((ip, i) => ({
      ip: { addr: ip, type: 'V4' },
      start_time: simTime(started),
      end_time: simTime(now),
      duration: now - started,
      status: !(error !== undefined && i === 0),
      message: error !== undefined && i === 0 ? error : 'Task completed.',
    })),
  };
}
