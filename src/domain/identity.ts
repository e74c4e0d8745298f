// Object identity: generated uuids and the `_last_modified` clock.
import { randomUUID } from 'node:crypto';
import { errors } from '../errors/catalogue.js';

/** What a uuid from a body or a Slug header may look like: it also ends up in URLs. */
export const UUID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

let lastStamp = 0n;

/**
 * Microseconds since the epoch as a decimal string, strictly increasing within this process and
 * strictly greater than `previous` (the object's stored value), so every write changes it even
 * when two writes land in the same microsecond or clocks of two processes differ slightly.
 */
export function nextLastModified(previous?: string): string {
  let stamp = BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000));
  if (stamp <= lastStamp) stamp = lastStamp + 1n;
  if (previous !== undefined && /^\d+$/.test(previous)) {
    const prev = BigInt(previous);
    if (stamp <= prev) stamp = prev + 1n;
  }
  lastStamp = stamp;
  return stamp.toString();
}

/**
 * The uuid of a new object: the one the body carries, checked, or `<prefix>-<uuid4>`.
 * Throws a 400 for a uuid that could not safely stand in a URL.
 */
export function chosenUuid(prefix: string, fromBody: unknown): string {
  if (fromBody === undefined) return `${prefix}-${randomUUID()}`;
  const uuid = String(fromBody);
  if (!UUID_PATTERN.test(uuid) || uuid.includes('..')) throw errors.invalidUuid(uuid.slice(0, 64));
  return uuid;
}
