// What `watch` shows. The records as the change stream left them (created, updated, deleted,
// reloaded on `reset`), one line per event when stdout is not a terminal, and on a terminal a
// screen of one line per record (progress bar, percentage, state, name) redrawn in place.
import { isObject, type JsonObject } from './client.js';
import { bar, percentText, type TtyStream } from './progress.js';

export type ChangeKind = 'create' | 'update' | 'delete' | 'reset';
export const CHANGE_KINDS: ReadonlySet<string> = new Set<ChangeKind>(['create', 'update', 'delete', 'reset']);

export interface Change {
  id: string | undefined;
  kind: ChangeKind;
  /** The object (create, update) or `{uuid}` (delete); `{}` for reset. */
  data: JsonObject;
}

/** The progress of a record: `progress`, else the share of tasks done. */
export function progressOf(r: JsonObject): number {
  if (typeof r.progress === 'number') return r.progress;
  const done = typeof r.tasks_completed === 'number' ? r.tasks_completed : 0;
  return typeof r.total_tasks === 'number' && r.total_tasks > 0 ? (done / r.total_tasks) * 100 : 0;
}

export function stateOf(r: JsonObject): string {
  return isObject(r.state) && typeof r.state.state === 'string' ? r.state.state : '-';
}

const nameOf = (r: JsonObject | undefined): string => (r && typeof r.name === 'string' ? r.name : '-');

export class WatchState {
  readonly records = new Map<string, JsonObject>();

  /** Replaces every record (the initial list, or after `reset`). */
  load(list: readonly JsonObject[]): void {
    this.records.clear();
    for (const r of list) if (typeof r.uuid === 'string') this.records.set(r.uuid, r);
  }

  /** Applies a create, update or delete; returns the record it concerns (a deleted one as it was). */
  apply(change: Change): JsonObject | undefined {
    const uuid = typeof change.data.uuid === 'string' ? change.data.uuid : undefined;
    if (uuid === undefined) return undefined;
    if (change.kind === 'delete') {
      const was = this.records.get(uuid);
      this.records.delete(uuid);
      return was ?? change.data;
    }
    this.records.set(uuid, change.data);
    return change.data;
  }

  /** The records by name (then uuid). */
  sorted(): JsonObject[] {
    return [...this.records.values()].sort(
      (a, b) => nameOf(a).localeCompare(nameOf(b)) || String(a.uuid).localeCompare(String(b.uuid)),
    );
  }
}

/** One line for a change (stdout not a terminal): `[12] update 40% UPGRADE_FSM_IN_PROGRESS name uuid`. */
export function changeLine(change: Change, record: JsonObject | undefined, state: WatchState): string {
  const id = `[${change.id ?? '-'}]`;
  if (change.kind === 'reset') return `${id} reset ${state.records.size} records`;
  const uuid = typeof change.data.uuid === 'string' ? change.data.uuid : '-';
  if (change.kind === 'delete') return `${id} delete ${nameOf(record)} ${uuid}`;
  const r = record ?? change.data;
  return `${id} ${change.kind} ${percentText(progressOf(r)).trim()} ${stateOf(r)} ${nameOf(r)} ${uuid}`;
}

/** The line of one record on the screen. */
export function recordLine(r: JsonObject): string {
  const p = progressOf(r);
  const state = stateOf(r).replace(/^UPGRADE_FSM_/, '');
  return `${bar(p, 20, true)} ${percentText(p)} ${state.padEnd(16)} ${nameOf(r)}`;
}

function truncate(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Redraws a block of lines in place on a terminal (cursor up, rewrite, clear the rest). */
export class Screen {
  private drawn = 0;

  constructor(private readonly out: TtyStream) {}

  draw(header: string, state: WatchState): void {
    const width = Math.max(20, (this.out.columns || 80) - 1);
    const room = Math.max(2, (this.out.rows || 24) - 2);
    const records = state.sorted();
    const lines = [header, ...records.slice(0, room).map(recordLine)];
    if (records.length > room) lines[lines.length - 1] = `… and ${records.length - room + 1} more`;
    let text = this.drawn > 0 ? `\x1b[${this.drawn}A\r` : '';
    for (const line of lines) text += `${truncate(line, width)}\x1b[K\n`;
    this.out.write(`${text}\x1b[J`);
    this.drawn = lines.length;
  }
}
