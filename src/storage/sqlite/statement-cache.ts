// Prepared statements keyed by their SQL text, prepared once and reused. List queries have a
// small number of shapes (the SQL text never contains user values), so a bounded cache holds
// all of them; the least recently used shape is dropped when it fills up.
import type Database from 'better-sqlite3';

export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly capacity = 256,
  ) {}

  get(sql: string): Database.Statement {
    const hit = this.statements.get(sql);
    if (hit) {
      // Refresh its position (Map keeps insertion order: first = least recently used).
      this.statements.delete(sql);
      this.statements.set(sql, hit);
      return hit;
    }
    const stmt = this.db.prepare(sql);
    if (this.statements.size >= this.capacity) {
      const oldest = this.statements.keys().next();
      if (!oldest.done) this.statements.delete(oldest.value);
    }
    this.statements.set(sql, stmt);
    return stmt;
  }

  get size(): number {
    return this.statements.size;
  }
}
