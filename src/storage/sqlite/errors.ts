// Maps SQLite failures onto the storage interface's errors.
import Database from 'better-sqlite3';
import { ConflictError, StoreUnavailableError } from '../types.js';
import { TABLE } from './migrations.js';

/** Primary result codes meaning "the database cannot serve us right now" (HTTP 503). */
const UNAVAILABLE = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_PROTOCOL',
]);

function primaryCode(code: string): string {
  const i = code.indexOf('_', 'SQLITE_'.length);
  return i === -1 ? code : code.slice(0, i);
}

/**
 * The storage error for a failure of `db`: ConflictError for a unique constraint,
 * StoreUnavailableError when the database cannot be used, anything else unchanged.
 */
export function mapSqliteError(err: unknown, db: Database.Database): unknown {
  if (err instanceof Database.SqliteError) {
    if (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      // "UNIQUE constraint failed: upgrade_status_info.uuid" or "...tenant, ....name, ..."
      if (err.message.includes(`${TABLE}.name`)) return new ConflictError('name');
      if (err.message.includes(`${TABLE}.uuid`)) return new ConflictError('uuid');
      return err;
    }
    if (UNAVAILABLE.has(primaryCode(err.code))) return new StoreUnavailableError(err);
    return err;
  }
  // better-sqlite3 throws a TypeError once the connection is closed.
  if (!db.open) return new StoreUnavailableError(err);
  return err;
}

/**
 * mapSqliteError for the stores of another `table`: a unique failure on its `uuid` column is a
 * uuid conflict, on its `name` or `username` column a name conflict.
 */
export function mapTableError(err: unknown, db: Database.Database, table: string): unknown {
  if (
    err instanceof Database.SqliteError &&
    (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  ) {
    if (err.message.includes(`${table}.uuid`)) return new ConflictError('uuid');
    if (err.message.includes(`${table}.name`) || err.message.includes(`${table}.username`)) {
      return new ConflictError('name');
    }
  }
  return mapSqliteError(err, db);
}
