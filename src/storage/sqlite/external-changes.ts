// Whether another connection (another process sharing the file) has committed since a given
// moment: SQLite's `PRAGMA data_version` changes exactly then, and never for this connection's
// own commits. Caches stamp what they confirmed with it; while it stays the same, nothing else
// can have changed what they hold, and they may answer without asking the database again.
import type Database from 'better-sqlite3';

export class ExternalChanges {
  private readonly stmt: Database.Statement<[], number>;

  constructor(db: Database.Database) {
    this.stmt = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /** The current stamp: equal stamps mean no other connection committed in between. */
  version(): number {
    return this.stmt.get() as number;
  }
}
