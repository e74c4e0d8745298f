// Plain-text tables in the controller CLI's style (`+---+` rules, `|` columns), and the helpers
// that turn API values into cells: reference names, times, percentages.

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** Display width of a cell (one column per code point; no East-Asian widths). */
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, w: number, align: Column['align']): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** A table of `rows` under `columns`; cells with newlines span several lines. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const split = rows.map((r) => columns.map((_, i) => (r[i] ?? '').split('\n')));
  const widths = columns.map((c, i) =>
    Math.max(width(c.header), ...split.map((r) => Math.max(...r[i]!.map(width)))),
  );
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => pad(c, widths[i]!, columns[i]!.align)).join(' | ')} |`;
  const out = [rule, line(columns.map((c) => c.header)), rule];
  for (const r of split) {
    const height = Math.max(1, ...r.map((c) => c.length));
    for (let k = 0; k < height; k++) out.push(line(r.map((c) => c[k] ?? '')));
  }
  if (rows.length > 0) out.push(rule);
  return `${out.join('\n')}\n`;
}

/** `decodeURIComponent`, leaving text that is not valid percent-encoding as it is. */
export function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The name of a reference URL (`.../api/tenant/<uuid>#name`), else its uuid, else ''. */
export function refName(ref: unknown): string {
  if (typeof ref !== 'string' || ref === '') return '';
  const hash = ref.indexOf('#');
  if (hash >= 0) return decoded(ref.slice(hash + 1));
  const name = /[?&]name=([^&]*)/.exec(ref);
  if (name) return decoded(name[1]!);
  return ref.replace(/\/+$/, '').split('/').pop() ?? ref;
}

/** A text value as a cell; missing values are '-'. */
export function cell(v: unknown): string {
  if (v === undefined || v === null || v === '') return '-';
  if (Array.isArray(v)) return v.length === 0 ? '-' : v.map(cell).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** `done/total` with the share done, e.g. `4/10 (40%)`, or '-' when unknown. */
export function tasks(done: unknown, total: unknown): string {
  if (typeof total !== 'number' || total <= 0) return typeof done === 'number' ? String(done) : '-';
  const d = typeof done === 'number' ? done : 0;
  return `${d}/${total} (${Math.round((d / total) * 100)}%)`;
}

/** Seconds as `1h 02m 03s` / `2m 05s` / `7s`. */
export function duration(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '-';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${two(m)}m ${two(rest)}s`;
  if (m > 0) return `${m}m ${two(rest)}s`;
  return `${rest}s`;
}

/** Pretty JSON for `--json` output. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
