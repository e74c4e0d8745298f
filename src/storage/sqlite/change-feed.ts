// The change feed on SQLite: rows the triggers of migration 3 write with every object write.
// Watchers hear of this process's writes right after their commit (`committed`, called by the
// object store) and of other processes' writes by `PRAGMA data_version`, which changes when
// another connection commits; it is polled only while someone watches.
import type Database from 'better-sqlite3';
import type { Change, ChangeFeed } from '../types.js';
import { CHANGES_TABLE } from './migrations.js';
import { mapSqliteError } from './errors.js';

/** How often other processes' commits are looked for while someone watches (ms). */
const POLL_MS = 100;

type Row = [seq: number, kind: Change['kind'], uuid: string, tenant: string];

export class SqliteChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<() => void>();
  private readonly afterStmt: Database.Statement<[number, number], Row>;
  private readonly boundsStmt: Database.Statement<[], [number | null, number | null]>;
  private readonly dataVersion: Database.Statement<[], number>;
  private timer: NodeJS.Timeout | undefined;
  private lastVersion = -1;
  private scheduled = false;

  constructor(private readonly db: Database.Database) {
    this.afterStmt = db
      .prepare<[number, number], Row>(
        `SELECT seq, kind, uuid, tenant FROM ${CHANGES_TABLE} WHERE seq > ? ORDER BY seq LIMIT ?`,
      )
      .raw();
    this.boundsStmt = db
      .prepare<[], [number | null, number | null]>(`SELECT min(seq), max(seq) FROM ${CHANGES_TABLE}`)
      .raw();
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  async after(seq: number, limit: number): Promise<Change[]> {
    try {
      return this.afterStmt
        .all(seq, limit)
        .map(([s, kind, uuid, tenant]) => ({ seq: s, kind, uuid, tenant }));
    } catch (err) {
      throw mapSqliteError(err, this.db);
    }
  }

  async bounds(): Promise<{ oldest: number; newest: number }> {
    try {
      const [oldest, newest] = this.boundsStmt.get() ?? [null, null];
      return { oldest: oldest ?? 0, newest: newest ?? 0 };
    } catch (err) {
      throw mapSqliteError(err, this.db);
    }
  }

  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.lastVersion = this.readDataVersion();
      this.timer = setInterval(() => this.poll(), POLL_MS);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** This process committed object writes: tell the watchers once, after the current turn. */
  committed(): void {
    if (this.listeners.size === 0 || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.notify();
    });
  }

  private poll(): void {
    const version = this.readDataVersion();
    if (version === this.lastVersion) return;
    this.lastVersion = version;
    this.notify();
  }

  private readDataVersion(): number {
    try {
      return this.db.open ? (this.dataVersion.get() ?? -1) : -1;
    } catch {
      return -1; // unreadable now (closed, or the disk went away): the next poll tries again
    }
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // a failing watcher must not stop the others
      }
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }
}
