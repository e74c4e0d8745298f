// Session lifetimes: an idle timeout that every authenticated request slides, and an absolute
// lifetime that nothing extends. The idle expiry is written back only when it has moved enough,
// so a busy session does not cost a database write per request.

export interface SessionPolicy {
  /** Idle timeout; 0 means none (only the absolute lifetime applies). */
  idleMs: number;
  /** Absolute lifetime from login. */
  maxMs: number;
}

export interface SessionTimes {
  createdAt: number;
  /** End of the idle period as last written. */
  idleExpiresAt: number;
  /** Absolute end. */
  expiresAt: number;
}

/** Longest the stored idle expiry may lag behind the real one. */
const MAX_SLIDE_LAG_MS = 60_000;

export function newSessionTimes(now: number, policy: SessionPolicy): SessionTimes {
  const expiresAt = now + policy.maxMs;
  return {
    createdAt: now,
    idleExpiresAt: policy.idleMs > 0 ? Math.min(now + policy.idleMs, expiresAt) : expiresAt,
    expiresAt,
  };
}

export function isLive(s: SessionTimes, now: number): boolean {
  return now < s.idleExpiresAt && now < s.expiresAt;
}

/**
 * The idle expiry to store after a request at `now`, or undefined when the stored one is close
 * enough (it moved by less than a minute, or a quarter of the idle timeout if that is shorter).
 */
export function slidIdleExpiry(s: SessionTimes, now: number, policy: SessionPolicy): number | undefined {
  if (policy.idleMs <= 0) return undefined;
  const next = Math.min(now + policy.idleMs, s.expiresAt);
  const lag = Math.min(MAX_SLIDE_LAG_MS, policy.idleMs / 4);
  return next - s.idleExpiresAt >= lag ? next : undefined;
}

/** Max-Age (seconds) of the session cookies: what is left of the absolute lifetime. */
export function cookieMaxAge(s: SessionTimes, now: number): number {
  return Math.max(0, Math.floor((s.expiresAt - now) / 1000));
}
