// What the crash test's client knows about every object it wrote: the body of the last 2xx
// answer (the state the server acknowledged), the writes sent since then that got no 2xx answer
// (each may or may not have happened), and the events PATCH `add` acknowledged. At most one write
// per object is in flight at a time, so the last 2xx answer is the object's committed state until
// the next write. `check` compares what the server holds after a restart with that knowledge.
import { isDeepStrictEqual } from 'node:util';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Method = 'POST' | 'PUT' | 'PATCH';

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A write that got no 2xx answer: `outcome` is its status, or why no answer came. */
export interface Attempt {
  method: Method;
  sent: JsonObject;
  /** The task_name a PATCH add sent. */
  event?: string;
  outcome: string;
}

export class Tracked {
  /** The last acknowledged (or verified) object; undefined while its POST has no 2xx answer. */
  state?: JsonObject;
  /** Whether `state` was presented with names (`?include_name`: POST and PUT answers are). */
  named = false;
  /** Task names of events acknowledged since the last acknowledged full write (POST/PUT). */
  ackedEvents = new Set<string>();
  pending: Attempt[] = [];
  /** Written (or attempted) since the last verification. */
  dirty = true;
  constructor(
    readonly uuid: string,
    readonly name: string,
  ) {}
}

export const eventNames = (body: JsonObject | undefined): string[] => {
  const events = body?.upgrade_events;
  return Array.isArray(events) ? events.map((e) => (isObject(e) ? String(e.task_name) : '?')) : [];
};

/** The body of a full write (POST or PUT). */
export function record(uuid: string | undefined, name: string, n: number): JsonObject {
  return {
    ...(uuid === undefined ? {} : { uuid }),
    name,
    node_type: 'NODE_SE_GROUP',
    obj_cloud_ref: '/api/cloud/cloud-7d3c0a52-51f4-4f5e-9a1b-2c8e4e0b9d11',
    version: '30.2.1-9046-20240301.010203',
    state: { state: n % 7 === 0 ? 'UPGRADE_FSM_ERROR' : 'UPGRADE_FSM_IN_PROGRESS' },
    progress: n % 101,
    tasks_completed: n % 10,
    total_tasks: 10,
    upgrade_events: Array.from({ length: 1 + (n % 3) }, (_, k) => ({
      task_name: `full-${n}-${k}`,
      sub_events: [{ status: true, message: `step ${k} of write ${n}` }],
    })),
  };
}

export interface Problem {
  uuid: string;
  /** `lost`: an acknowledged write is missing; `invalid`: state no write can explain. */
  kind: 'lost' | 'invalid';
  message: string;
}

const IGNORED = new Set(['_last_modified', 'upgrade_events']);
const rest = (o: JsonObject): JsonObject =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !IGNORED.has(k)));

function diff(got: JsonObject, want: JsonObject): string {
  const keys = new Set([...Object.keys(got), ...Object.keys(want)]);
  const parts: string[] = [];
  for (const k of keys) {
    if (!isDeepStrictEqual(got[k], want[k])) {
      parts.push(
        `${k}: stored ${JSON.stringify(got[k])?.slice(0, 200)}, acknowledged ${JSON.stringify(want[k])?.slice(0, 200)}`,
      );
    }
  }
  return parts.join('; ');
}

/**
 * Why `got` cannot be the acknowledged state with some of the unanswered writes applied (undefined:
 * it can): unchanged outside the events unless a POST or PUT was pending (then as that write
 * sent), and every event one that was acknowledged or sent.
 */
function explained(t: Tracked, got: JsonObject): string | undefined {
  const fullWrites = t.pending.filter((p) => p.method === 'PUT' || p.method === 'POST');
  const allowed = new Set([
    ...eventNames(t.state),
    ...t.pending.flatMap((p) => (p.event === undefined ? eventNames(p.sent) : [p.event])),
  ]);
  const stray = eventNames(got).filter((e) => !allowed.has(e));
  if (stray.length > 0) return `events no write sent: ${stray.join(', ')}`;
  const matchesPut = fullWrites.some((p) => p.sent.progress === got.progress && p.sent.name === got.name);
  if (t.state !== undefined && !isDeepStrictEqual(rest(got), rest(t.state)) && !matchesPut) {
    return `changed beyond any unanswered write: ${diff(rest(got), rest(t.state))}`;
  }
  if (t.state === undefined && !matchesPut) return 'differs from the unanswered POST';
  return undefined;
}

/**
 * Checks what the server holds for `t` (`got`: the object, or undefined for a 404) against what
 * the client knows. Returns the problems found (none: all is well); `adopt` then makes `got` the
 * known state.
 */
export function check(t: Tracked, got: JsonObject | undefined): Problem[] {
  const problems: Problem[] = [];
  const lost = (message: string) => problems.push({ uuid: t.uuid, kind: 'lost', message });
  if (got === undefined) {
    if (t.state !== undefined) lost('acknowledged object is gone (404)');
    return problems;
  }
  const pendingPut = t.pending.some((p) => p.method === 'PUT');
  if (!pendingPut) {
    const present = new Set(eventNames(got));
    const missing = [...t.ackedEvents].filter((e) => !present.has(e));
    if (missing.length > 0) lost(`acknowledged events missing: ${missing.join(', ')}`);
  }
  const dup = eventNames(got).filter((e, i, all) => all.indexOf(e) !== i);
  if (dup.length > 0)
    problems.push({ uuid: t.uuid, kind: 'invalid', message: `duplicate events ${dup.join(', ')}` });
  if (t.pending.length === 0) {
    if (t.state !== undefined && !isDeepStrictEqual(got, t.state)) {
      lost(`stored object differs from the last 2xx answer: ${diff(got, t.state)}`);
    }
  } else if (t.state === undefined || !isDeepStrictEqual(got, t.state)) {
    const why = explained(t, got);
    if (why !== undefined) problems.push({ uuid: t.uuid, kind: 'invalid', message: why });
  }
  return problems;
}

/** After a check: what the server holds is now the known state. */
export function adopt(t: Tracked, got: JsonObject, named: boolean): void {
  t.state = got;
  t.named = named;
  t.ackedEvents = new Set(eventNames(got));
  t.pending = [];
  t.dirty = false;
}
