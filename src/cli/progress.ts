// Progress bars: the bar itself (watch lines, detail views), and a one-line counter redrawn on
// stderr while import and export run (only when stderr is a terminal).
import type { Writable } from 'node:stream';

/** `[########------------]` for `percent` (0-100) in `width` cells. */
export function bar(percent: number, width = 20, unicode = false): string {
  const p = Math.min(100, Math.max(0, Number.isFinite(percent) ? percent : 0));
  const full = Math.round((p / 100) * width);
  const [on, off] = unicode ? ['█', '░'] : ['#', '-'];
  return `[${on.repeat(full)}${off.repeat(width - full)}]`;
}

/** `percent` as a right-aligned `  7%`. */
export function percentText(percent: number): string {
  return `${Math.round(percent)}%`.padStart(4);
}

export type TtyStream = Writable & { isTTY?: boolean; columns?: number; rows?: number };

/** A counter redrawn in place on a terminal: `label [####----] 40/100`; silent elsewhere. */
export class ProgressLine {
  private last = 0;
  private shown = false;

  constructor(
    private readonly stream: TtyStream,
    private readonly label: string,
    private readonly everyMs = 80,
  ) {}

  get active(): boolean {
    return this.stream.isTTY === true;
  }

  update(done: number, total: number | undefined, force = false): void {
    if (!this.active) return;
    const now = Date.now();
    if (!force && now - this.last < this.everyMs) return;
    this.last = now;
    const known = total !== undefined && total > 0;
    const text = known
      ? `${this.label} ${bar((done / total) * 100, 30, true)} ${done}/${total}`
      : `${this.label} ${done}`;
    this.stream.write(`\r${text}\x1b[K`);
    this.shown = true;
  }

  /** Removes the line, leaving the cursor where it was. */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
