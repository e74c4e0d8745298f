// Object identity: generated uuids and the `_last_modified` clock.
import { randomUUID } from 'node:crypto';

/** `upgradestatusinfo-<uuid4>`, the controller's form for a generated uuid. */
export function newObjectUuid(): string {
  return `upgradestatusinfo-${randomUUID()}`;
}

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
