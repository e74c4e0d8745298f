// How the dashboard words what it shows: states, versions, times and durations.

const STATE_PREFIXES = ['UPGRADE_FSM_', 'UPGRADE_', 'SE_UPGRADE_', 'SE_'];

/** `UPGRADE_FSM_IN_PROGRESS` → `In progress`. */
export function stateText(state) {
  if (!state) return 'Unknown';
  let s = state;
  for (const p of STATE_PREFIXES) {
    if (s.startsWith(p)) {
      s = s.slice(p.length);
      break;
    }
  }
  s = s.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A class for the state's colour (its text says the same). */
export function stateClass(state) {
  if (!state) return '';
  if (/ERROR|FAIL|ABORT/.test(state)) return 'bad';
  if (/SUSPENDED|PAUSED|WARNING|ENQUEUE_FAILED/.test(state)) return 'warn';
  if (/COMPLETED|COMPLETE$|SUCCESS|ALREADY_UPGRADED/.test(state)) return 'ok';
  if (/PROGRESS|STARTED|WAITING|ENQUEUED|START$/.test(state)) return 'run';
  return '';
}

export function stateOf(rec) {
  return rec.state && typeof rec.state === 'object' ? rec.state.state : undefined;
}

/** `30.2.1-9046-20240301.010203` → `30.2.1 (9046)`. */
export function versionText(v) {
  if (!v) return '—';
  const m = /^(\d+(?:\.\d+)+)-(\d+)/.exec(v);
  return m ? `${m[1]} (${m[2]})` : v;
}

/** Seconds as `1h 02m 03s`. */
export function durationText(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${String(r).padStart(2, '0')}s`;
  if (m > 0) return `${m}m ${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

/** The controller's time strings (`2024-03-01 01:02:03`, ISO) as ms, or NaN. */
export function parseTime(text) {
  if (typeof text !== 'string' || text === '') return NaN;
  const iso = /^\d{4}-\d\d-\d\d \d/.test(text)
    ? `${text.replace(' ', 'T')}${/Z|[+-]\d\d:?\d\d$/.test(text) ? '' : 'Z'}`
    : text;
  return Date.parse(iso);
}

export function timeText(text) {
  if (!text) return '—';
  const ms = parseTime(text);
  if (Number.isNaN(ms)) return text;
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** The record's duration: its own, else from start to end (or to now while running). */
export function durationOf(rec, now = Date.now()) {
  if (typeof rec.duration === 'number') return rec.duration;
  const start = parseTime(rec.start_time);
  if (Number.isNaN(start)) return undefined;
  const end = parseTime(rec.end_time);
  return ((Number.isNaN(end) ? now : end) - start) / 1000;
}

export function progressOf(rec) {
  const p = Number(rec.progress);
  return Number.isFinite(p) ? Math.max(0, Math.min(100, p)) : 0;
}

/** The last part of a reference URL (`.../api/tenant/admin#admin` → `admin`). */
export function refName(ref) {
  if (typeof ref !== 'string') return '';
  const hash = ref.indexOf('#');
  if (hash >= 0) return ref.slice(hash + 1);
  return ref.slice(ref.lastIndexOf('/') + 1);
}
