// The detailed view of one UpgradeStatusInfo record (`show upgrade status detail`): rows of
// field and value, as the controller CLI prints them, nested entries indented under their list
// member (`upgrade_events[1]`, then its sub-events). Members that are not set are left out.
import { isObject, type Json, type JsonObject } from './client.js';
import { bar, percentText } from './progress.js';
import { cell, duration, refName, tasks } from './tables.js';

export type Row = [field: string, value: string];

const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
const obj = (v: Json | undefined): JsonObject => (isObject(v) ? v : {});
const num = (v: Json | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const count = (v: Json | undefined): number => (Array.isArray(v) ? v.length : 0);

function push(rows: Row[], field: string, value: unknown): void {
  const text = cell(value);
  if (text !== '-') rows.push([field, text]);
}

/** `state.state (reason)`. */
export function stateText(state: Json | undefined): string {
  const s = obj(state);
  const name = typeof s.state === 'string' ? s.state : '-';
  return typeof s.reason === 'string' && s.reason !== '' ? `${name} (${s.reason})` : name;
}

export function progressText(progress: Json | undefined): string {
  const p = num(progress);
  return p === undefined ? '-' : `${bar(p)} ${percentText(p).trim()}`;
}

/** `current (previous X)` of a version pair. */
function versionPair(current: Json | undefined, previous: Json | undefined): string {
  const c = cell(current);
  const p = cell(previous);
  return p === '-' ? c : `${c} (previous ${p})`;
}

/** One UpgradeEvent: `ok 10.0.0.1 message (start → end, 12s)`. */
export function eventText(e: JsonObject): string {
  const status = e.status === true ? 'ok' : typeof e.end_time === 'string' ? 'FAILED' : 'running';
  const parts = [status];
  const ip = obj(e.ip);
  if (typeof ip.addr === 'string') parts.push(ip.addr);
  if (typeof e.message === 'string' && e.message !== '') parts.push(e.message);
  const times = [e.start_time, e.end_time].filter((t) => typeof t === 'string').join(' → ');
  const span = [times, num(e.duration) !== undefined ? duration(e.duration) : ''].filter((t) => t !== '');
  if (span.length > 0) parts.push(`(${span.join(', ')})`);
  if (Array.isArray(e.sub_tasks) && e.sub_tasks.length > 0) parts.push(`[${cell(e.sub_tasks)}]`);
  return parts.join('  ');
}

/** The rows of `upgrade_events` (EventMap entries, with their sub-events and node events). */
export function eventRows(events: Json | undefined, indent = ''): Row[] {
  const rows: Row[] = [];
  list(events).forEach((ev, i) => {
    const subs = list(ev.sub_events);
    const nodes = list(ev.nodes_events);
    const all = [...subs, ...nodes];
    const failed = all.filter((e) => e.status !== true && typeof e.end_time === 'string').length;
    const summary = all.length === 0 ? '' : `  (${all.length - failed}/${all.length} ok)`;
    rows.push([`${indent}upgrade_events[${i + 1}]`, `${cell(ev.task_name ?? ev.task)}${summary}`]);
    subs.forEach((e, j) => rows.push([`${indent}  sub_events[${j + 1}]`, eventText(e)]));
    nodes.forEach((e, j) => rows.push([`${indent}  nodes_events[${j + 1}]`, eventText(e)]));
  });
  return rows;
}

/** The rows of an SE group's `seg_status`. */
export function segStatusRows(seg: Json | undefined): Row[] {
  const s = obj(seg);
  if (Object.keys(s).length === 0) return [];
  const rows: Row[] = [['seg_status', '']];
  const p = '  ';
  push(rows, `${p}state`, s.state);
  if (num(s.progress) !== undefined) rows.push([`${p}progress`, progressText(s.progress)]);
  push(rows, `${p}ha_mode`, s.ha_mode);
  push(rows, `${p}traffic_status`, s.traffic_status);
  push(rows, `${p}num_se`, s.num_se);
  push(rows, `${p}num_vs`, s.num_vs);
  push(rows, `${p}num_vs_disrupted`, s.num_vs_disrupted);
  const ses = [
    ['completed', s.se_upgrade_completed],
    ['in progress', s.se_upgrade_in_progress],
    ['not started', s.se_upgrade_not_started],
    ['failed', s.se_upgrade_failed],
    ['suspended', s.se_upgrade_suspended],
  ] as const;
  const seCounts = ses.filter(([, v]) => count(v) > 0).map(([label, v]) => `${count(v)} ${label}`);
  if (seCounts.length > 0) rows.push([`${p}service engines`, seCounts.join(', ')]);
  push(rows, `${p}start_time`, s.start_time);
  push(rows, `${p}end_time`, s.end_time);
  push(rows, `${p}duration`, s.duration);
  push(rows, `${p}reason`, s.reason);
  push(rows, `${p}notes`, s.notes);
  list(s.se_upgrade_errors).forEach((e, i) => {
    const what = [e.task, refName(e.se_ref), cell(e.reason)].filter((t) => t !== '' && t !== '-');
    rows.push([`${p}se_upgrade_errors[${i + 1}]`, what.map(String).join('  ')]);
  });
  return rows;
}

/** The rows of `history` (OpsHistory entries). */
export function historyRows(history: Json | undefined): Row[] {
  const rows: Row[] = [];
  list(history).forEach((h, i) => {
    rows.push([`history[${i + 1}]`, `${cell(h.ops)}  ${stateText(h.state)}`]);
    const p = '  ';
    push(rows, `${p}version`, h.version);
    push(rows, `${p}patch_version`, h.patch_version);
    push(rows, `${p}start_time`, h.start_time);
    push(rows, `${p}end_time`, h.end_time);
    if (num(h.duration) !== undefined) rows.push([`${p}duration`, duration(h.duration)]);
    rows.push(...eventRows(h.upgrade_events, p));
    rows.push(...segStatusRows(h.seg_status).map(([f, v]): Row => [`${p}${f}`, v]));
  });
  return rows;
}

/** Every row of one record. */
export function detailRows(r: JsonObject, includeHistory: boolean): Row[] {
  const rows: Row[] = [];
  push(rows, 'name', r.name);
  push(rows, 'uuid', r.uuid);
  push(rows, 'node_type', r.node_type);
  push(rows, 'tenant', refName(r.tenant_ref));
  push(rows, 'cloud', refName(r.obj_cloud_ref));
  push(rows, 'upgrade_ops', r.upgrade_ops);
  rows.push(['state', stateText(r.state)]);
  push(rows, 'reason', r.reason);
  rows.push(['version', versionPair(r.version, r.previous_version)]);
  if (r.patch_version !== undefined || r.previous_patch_version !== undefined) {
    rows.push(['patch_version', versionPair(r.patch_version, r.previous_patch_version)]);
  }
  push(rows, 'image', refName(r.image_ref));
  push(rows, 'patch_image', refName(r.patch_image_ref));
  rows.push(['progress', progressText(r.progress)]);
  rows.push(['tasks', tasks(r.tasks_completed, r.total_tasks)]);
  push(rows, 'enqueue_time', r.enqueue_time);
  push(rows, 'start_time', r.start_time);
  push(rows, 'end_time', r.end_time);
  if (num(r.duration) !== undefined) rows.push(['duration', duration(r.duration)]);
  rows.push(...eventRows(r.upgrade_events));
  if (r.node_type === 'NODE_SE_GROUP' || r.seg_status !== undefined)
    rows.push(...segStatusRows(r.seg_status));
  if (includeHistory) rows.push(...historyRows(r.history));
  return rows;
}
