// Maps PostgreSQL and driver failures onto the storage interface's errors: a unique violation
// becomes ConflictError (by the constraint's name), anything meaning "the database cannot serve us
// right now" becomes StoreUnavailableError (HTTP 503). Everything else passes through unchanged.
import pg from 'pg';
import { ConflictError, StoreUnavailableError } from '../types.js';

/** SQLSTATE classes meaning the server or the connection is unusable for now. */
const UNAVAILABLE_CLASSES = new Set([
  '08', // connection exception
  '53', // insufficient resources (disk full, out of memory, too many connections)
  '57', // operator intervention: admin / crash shutdown (57P01, 57P02), cannot connect now, query canceled
  '58', // system error (I/O)
]);

/** Single SQLSTATEs of other classes that are also "try again later". */
const UNAVAILABLE_CODES = new Set([
  '55P03', // lock_not_available (lock_timeout)
  '40001', // serialization_failure (after the transaction helper's retries)
  '40P01', // deadlock_detected (after the transaction helper's retries)
  '25006', // read_only_sql_transaction (a standby, or a primary being demoted)
  'XX001', // data_corrupted
  'XX002', // index_corrupted
]);

/** Node socket errors: the server is not reachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Messages of the errors pg and pg-pool raise themselves when a connection is lost or cannot be had. */
const DRIVER_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|not queryable|Cannot use a pool after calling end|Client was closed|Connection ended|ended unexpectedly/i;

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for an error that means the connection it happened on must not be reused. */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof pg.DatabaseError) {
    const code = err.code ?? '';
    return code.startsWith('08') || code.startsWith('57P');
  }
  if (!(err instanceof Error)) return false;
  const code = codeOf(err);
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  return DRIVER_MESSAGES.test(err.message);
}

/** True for an error that should be retried in a fresh transaction. */
export function isRetryable(err: unknown): boolean {
  return err instanceof pg.DatabaseError && (err.code === '40001' || err.code === '40P01');
}

/** The storage error for `err`. Idempotent: mapping a mapped error returns it unchanged. */
export function mapPgError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError || err instanceof ConflictError) return err;
  if (err instanceof pg.DatabaseError) {
    const code = err.code ?? '';
    if (code === '23505') {
      // Constraint names: <table>_uuid_key, <table>_name_key, auth_user_username_key,
      // upgrade_status_info_name_unique. Primary keys (sessions, tokens) are not conflicts.
      const constraint = err.constraint ?? '';
      if (constraint.endsWith('_uuid_key')) return new ConflictError('uuid');
      if (/_(user)?name_(key|unique)$/.test(constraint)) return new ConflictError('name');
      return err;
    }
    if (UNAVAILABLE_CLASSES.has(code.slice(0, 2)) || UNAVAILABLE_CODES.has(code)) {
      return new StoreUnavailableError(err);
    }
    return err;
  }
  if (isConnectionError(err)) return new StoreUnavailableError(err);
  return err;
}
