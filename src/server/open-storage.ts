// Opens the storage adapter the configuration names: the one place that knows every adapter.
// Each adapter is imported only when chosen, so a SQLite deployment never loads pg and a
// PostgreSQL one never loads the native SQLite module.
import type { DatabaseConfig } from '../config/config.js';
import type { Storage } from '../storage/types.js';

export async function openStorage(db: DatabaseConfig): Promise<Storage> {
  switch (db.kind) {
    case 'sqlite': {
      const { openSqliteStorage } = await import('../storage/sqlite/index.js');
      return openSqliteStorage({ file: db.file });
    }
    case 'postgres': {
      const { openPostgresStorage } = await import('../storage/postgres/index.js');
      return openPostgresStorage({ url: db.url });
    }
    default: {
      const never: never = db;
      throw new Error(`unknown database kind in ${JSON.stringify(never)}`);
    }
  }
}
