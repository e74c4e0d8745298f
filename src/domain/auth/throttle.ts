// Slowing down password guessing: failures are counted per key (a username, an address) over a
// window; reaching the limit blocks the key for a while, then it gets a fresh allowance. A real
// user is therefore refused only for the lockout period, never for good.

export interface ThrottlePolicy {
  /** Failures within the window that trigger a lockout. */
  maxFailures: number;
  /** How long a lockout lasts. */
  lockoutMs: number;
}

export interface ThrottleState {
  failures: number;
  /** When the current counting window began (ms since the epoch). */
  windowStart: number;
  /** Refused until then (ms since the epoch); 0 when not blocked. */
  blockedUntil: number;
}

/** Failures older than this are forgotten. */
export const FAILURE_WINDOW_MS = 15 * 60_000;

/** Milliseconds the key stays blocked from `now`; 0 when it may try. */
export function blockedFor(state: ThrottleState | undefined, now: number): number {
  return state && state.blockedUntil > now ? state.blockedUntil - now : 0;
}

/** The state after one more failure at `now`. */
export function afterFailure(
  state: ThrottleState | undefined,
  now: number,
  policy: ThrottlePolicy,
): ThrottleState {
  const fresh = !state || now - state.windowStart > FAILURE_WINDOW_MS;
  const failures = (fresh ? 0 : state.failures) + 1;
  const windowStart = fresh ? now : state.windowStart;
  if (failures >= policy.maxFailures) {
    // Blocked; once the lockout ends the key starts over with a full allowance.
    return { failures: 0, windowStart: now + policy.lockoutMs, blockedUntil: now + policy.lockoutMs };
  }
  return { failures, windowStart, blockedUntil: state?.blockedUntil ?? 0 };
}

/** Whether a state no longer matters at `now` (may be purged). */
export function isStale(state: ThrottleState, now: number): boolean {
  return state.blockedUntil <= now && now - state.windowStart > FAILURE_WINDOW_MS;
}
