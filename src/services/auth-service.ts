// Authentication: logins (password or user token) that open sessions, sessions checked and slid
// on every request, Basic credentials (cached briefly by a digest of the header), user tokens,
// and the throttle on failed logins. Knows nothing of HTTP: the auth plugin reads the headers
// and cookies and hands their values here.
import { errors } from '../errors/catalogue.js';
import { invalidField } from '../errors/catalogue.js';
import { describeValue } from '../domain/validation/describe.js';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword, type ScryptParams } from '../domain/auth/password.js';
import {
  digest,
  newCsrfToken,
  newPassword,
  newSessionId,
  newUserToken,
  sameSecret,
  SESSION_ID_PATTERN,
} from '../domain/auth/tokens.js';
import { parseAuthorization } from '../domain/auth/headers.js';
import { principalFromUser, type Principal } from '../domain/auth/principal.js';
import { afterFailure, blockedFor, FAILURE_WINDOW_MS, type ThrottlePolicy } from '../domain/auth/throttle.js';
import { isLive, newSessionTimes, slidIdleExpiry, type SessionPolicy } from '../domain/auth/session.js';
import type { Storage, StoredSession, StoredUser } from '../storage/types.js';

export interface AuthSettings {
  /** Whether `Authorization: Basic` is accepted. */
  basicAuth: boolean;
  session: SessionPolicy;
  /** Failed logins per username. */
  userThrottle: ThrottlePolicy;
  /** Failed logins per client address. */
  addressThrottle: ThrottlePolicy;
  /** Cost of new password hashes (tests use a cheaper one). */
  scrypt?: ScryptParams;
}

export type AuthStorage = Pick<Storage, 'users' | 'sessions' | 'loginThrottle' | 'userTokens'>;

/** What a login presents: a password, or a token from `POST /api/user-token`. */
export type LoginCredentials = { username: string; password: string } | { username: string; token: string };

/** A live session as a request carries it. */
export interface SessionAuth {
  /** The session id from the cookie (sent back in the sliding cookies). */
  id: string;
  session: StoredSession;
  principal: Principal;
  /** True when this request moved the stored idle expiry (the cookies are then sent again). */
  slid?: boolean;
}

export interface LoginResult extends SessionAuth {
  user: StoredUser;
}

/** How long verified Basic credentials are trusted without hashing the password again. */
const BASIC_CACHE_MS = 60_000;
/**
 * How long a user's stamp (last change, password version) is trusted without reading it again.
 * Changes made through this process apply at once (`forgetUser`); changes made by another
 * process sharing the store apply within this time. Each read costs about as much as reading
 * the object a GET asks for, so it is not repeated on every request.
 */
export const STAMP_RECHECK_MS = 1_000;
const BASIC_CACHE_ENTRIES = 10_000;
const PRINCIPAL_CACHE_ENTRIES = 10_000;
/** Longest and default lifetime of a user token. */
const MAX_TOKEN_HOURS = 24 * 365;
const DEFAULT_TOKEN_HOURS = 24;
/** How many session cookies of one request are tried (duplicates, stale ones). */
const MAX_SESSION_CANDIDATES = 4;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface CachedPrincipal {
  lastModified: string;
  passwordVersion: number;
  principal: Principal;
  /** When the store last confirmed this stamp (this.now()). */
  checkedAt: number;
}

export class AuthService {
  /** digest(Authorization header) → the user it proved, at which password version, until when. */
  private readonly basicCache = new Map<
    string,
    { userUuid: string; passwordVersion: number; until: number }
  >();
  /**
   * user uuid → its principal at a stamp (`lastModified`, password version), and when that
   * stamp was last confirmed by the store. Within STAMP_RECHECK_MS it is trusted without a read.
   */
  private readonly principals = new Map<string, CachedPrincipal>();
  /**
   * session id (from the cookie) → its stored session, and when the store last confirmed it.
   * Within STAMP_RECHECK_MS it is trusted without a read (and without hashing the id): a logout
   * through another process sharing the store takes effect here within that second, as a
   * password change does. Expiry is checked on every request all the same.
   */
  private readonly sessionCache = new Map<string, { session: StoredSession; checkedAt: number }>();
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly storage: AuthStorage,
    readonly settings: AuthSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Checks a login and opens a session. A wrong username, password or token is the same 401
   * (`Invalid credentials`) after the same work; a throttled username or address is 429.
   */
  async login(credentials: LoginCredentials, address: string): Promise<LoginResult> {
    const user = await this.checkCredentials(credentials, address);
    const now = this.now();
    const id = newSessionId();
    const session: StoredSession = {
      idDigest: digest(id),
      userUuid: user.uuid,
      csrfToken: newCsrfToken(),
      passwordVersion: user.passwordVersion,
      ...newSessionTimes(now, this.settings.session),
    };
    await this.storage.sessions.insert(session);
    await this.storage.sessions.purgeExpired(now);
    return { id, session, user, principal: this.principalOf(user) };
  }

  /**
   * The live session among the ids a request's cookies carry. For a method that changes
   * something, `csrfToken` (the X-CSRFToken header) must equal the session's token (401
   * otherwise). Slides the idle expiry, writing it only when it moved enough. Undefined when no
   * id names a live session of an active user.
   */
  async authenticateSession(
    ids: readonly string[],
    method: string,
    csrfToken: string | undefined,
  ): Promise<SessionAuth | undefined> {
    const found = await this.liveSession(ids);
    if (!found) return undefined;
    if (!SAFE_METHODS.has(method) && !sameSecret(found.session.csrfToken, csrfToken)) {
      throw errors.csrfFailed();
    }
    const next = slidIdleExpiry(found.session, this.now(), this.settings.session);
    if (next !== undefined) {
      await this.storage.sessions.touch(found.session.idDigest, next);
      found.session = { ...found.session, idleExpiresAt: next };
      this.sessionCache.set(found.id, { session: found.session, checkedAt: this.now() });
      found.slid = true;
    }
    return found;
  }

  /** Ends the session the cookies name, if any (its CSRF token must match); idempotent. */
  async logout(ids: readonly string[], csrfToken: string | undefined): Promise<void> {
    const found = await this.liveSession(ids);
    if (!found) return;
    if (!sameSecret(found.session.csrfToken, csrfToken)) throw errors.csrfFailed();
    await this.storage.sessions.delete(found.session.idDigest);
    this.sessionCache.delete(found.id);
  }

  /** The stored session a cookie's id names: from the cache while recently confirmed. */
  private async sessionById(id: string, now: number): Promise<StoredSession | undefined> {
    const cached = this.sessionCache.get(id);
    if (cached && now - cached.checkedAt < STAMP_RECHECK_MS && now >= cached.checkedAt) return cached.session;
    const session = await this.storage.sessions.get(digest(id));
    if (!session) {
      this.sessionCache.delete(id);
      return undefined;
    }
    if (this.sessionCache.size >= PRINCIPAL_CACHE_ENTRIES) this.sessionCache.clear();
    this.sessionCache.set(id, { session, checkedAt: now });
    return session;
  }

  /**
   * The principal an `Authorization` header proves. Verified Basic credentials are kept for a
   * minute under a digest of the header and dropped when the user's password version changes
   * (also by another process), so the hot path costs one primary-key read, not a hash.
   */
  async authenticateHeader(header: string, address: string): Promise<Principal> {
    const key = digest(header);
    const now = this.now();
    const hit = this.basicCache.get(key);
    if (hit && hit.until > now) {
      const principal = await this.currentPrincipal(hit.userUuid, hit.passwordVersion);
      if (principal) return principal;
    }
    if (hit) this.basicCache.delete(key);
    const parsed = parseAuthorization(header);
    if (parsed.scheme === 'other') throw errors.unsupportedAuthScheme(parsed.name);
    if (!this.settings.basicAuth) throw errors.basicAuthDisabled();
    if (parsed.scheme === 'malformed') throw errors.invalidCredentials();
    const user = await this.checkCredentials(parsed, address);
    if (this.basicCache.size >= BASIC_CACHE_ENTRIES) {
      const oldest = this.basicCache.keys().next();
      if (!oldest.done) this.basicCache.delete(oldest.value);
    }
    this.basicCache.set(key, {
      userUuid: user.uuid,
      passwordVersion: user.passwordVersion,
      until: now + BASIC_CACHE_MS,
    });
    return this.principalOf(user);
  }

  /** Issues a user token (`POST /api/user-token`) for `hours` (a number or a digit string). */
  async issueToken(principal: Principal, hours: unknown): Promise<{ token: string; expiresAt: number }> {
    const h = parseHours(hours);
    const user = await this.storage.users.get(principal.userUuid);
    if (!user) throw errors.notAuthenticated();
    const now = this.now();
    const token = newUserToken();
    const expiresAt = now + Math.round(h * 3_600_000);
    await this.storage.userTokens.insert({
      tokenDigest: digest(token),
      userUuid: user.uuid,
      passwordVersion: user.passwordVersion,
      createdAt: now,
      expiresAt,
    });
    await this.storage.userTokens.purgeExpired(now);
    return { token, expiresAt };
  }

  // -------------------------------------------------------------------------------------------

  private async liveSession(ids: readonly string[]): Promise<SessionAuth | undefined> {
    const now = this.now();
    for (const id of ids.slice(0, MAX_SESSION_CANDIDATES)) {
      if (!SESSION_ID_PATTERN.test(id)) continue; // e.g. `None` from the Python SDK
      const session = await this.sessionById(id, now);
      if (!session) continue;
      if (!isLive(session, now)) {
        await this.storage.sessions.delete(session.idDigest);
        this.sessionCache.delete(id);
        continue;
      }
      const principal = await this.currentPrincipal(session.userUuid, session.passwordVersion);
      if (principal) return { id, session, principal };
    }
    return undefined;
  }

  /**
   * The user's principal if it still exists, is active and has this password version: from the
   * cache while its stamp was confirmed less than STAMP_RECHECK_MS ago, else after one
   * primary-key read of the stamp (and of the user when it changed).
   */
  private async currentPrincipal(userUuid: string, passwordVersion: number): Promise<Principal | undefined> {
    const now = this.now();
    let cached = this.principals.get(userUuid);
    if (!cached || now - cached.checkedAt >= STAMP_RECHECK_MS) {
      const stamp = await this.storage.users.stamp(userUuid);
      if (!stamp) return undefined;
      if (cached && cached.lastModified === stamp.lastModified) {
        cached.checkedAt = now;
      } else {
        const user = await this.storage.users.get(userUuid);
        if (!user) return undefined;
        this.principalOf(user);
        cached = this.principals.get(userUuid);
        if (!cached) return undefined;
      }
    }
    if (cached.passwordVersion !== passwordVersion) return undefined;
    return cached.principal.active ? cached.principal : undefined;
  }

  /** The principal of a user just read from the store (cached with its stamp). */
  private principalOf(user: StoredUser): Principal {
    const cached = this.principals.get(user.uuid);
    if (
      cached &&
      cached.lastModified === user.lastModified &&
      cached.passwordVersion === user.passwordVersion
    ) {
      cached.checkedAt = this.now();
      return cached.principal;
    }
    const principal = principalFromUser(user.uuid, user.body);
    if (this.principals.size >= PRINCIPAL_CACHE_ENTRIES) this.principals.clear();
    this.principals.set(user.uuid, {
      lastModified: user.lastModified,
      passwordVersion: user.passwordVersion,
      principal,
      checkedAt: this.now(),
    });
    return principal;
  }

  /** Drops what is cached about a user this process just changed or deleted. */
  forgetUser(userUuid: string): void {
    this.principals.delete(userUuid);
    for (const [key, entry] of this.basicCache) if (entry.userUuid === userUuid) this.basicCache.delete(key);
    for (const [id, entry] of this.sessionCache)
      if (entry.session.userUuid === userUuid) this.sessionCache.delete(id);
  }

  /**
   * The user the credentials prove, after the throttle allows the username and the address.
   * A missing user costs the same hash as a wrong password, and every failure counts for both.
   */
  private async checkCredentials(credentials: LoginCredentials, address: string): Promise<StoredUser> {
    const userKey = `user:${credentials.username.toLowerCase()}`;
    const keys: [string, ThrottlePolicy][] = [
      [userKey, this.settings.userThrottle],
      [`addr:${address}`, this.settings.addressThrottle],
    ];
    const now = this.now();
    const states = await Promise.all(keys.map(([k]) => this.storage.loginThrottle.get(k)));
    const wait = Math.max(...states.map((s) => blockedFor(s, now)));
    if (wait > 0) throw errors.tooManyLoginFailures(Math.ceil(wait / 1000));

    const user = await this.storage.users.getByUsername(credentials.username);
    let ok: boolean;
    if ('password' in credentials) {
      const matches = await verifyPassword(credentials.password, user?.passwordHash ?? (await this.dummy()));
      ok = matches && user !== undefined;
    } else {
      const token = await this.storage.userTokens.get(digest(credentials.token));
      ok =
        user !== undefined &&
        token !== undefined &&
        token.userUuid === user.uuid &&
        token.passwordVersion === user.passwordVersion &&
        token.expiresAt > now;
    }
    if (ok && user && this.principalOf(user).active) {
      await this.storage.loginThrottle.clear(userKey);
      return user;
    }
    for (const [key, policy] of keys) {
      await this.storage.loginThrottle.update(key, (current) => afterFailure(current, now, policy));
    }
    await this.storage.loginThrottle.purge(now, FAILURE_WINDOW_MS);
    throw errors.invalidCredentials();
  }

  /** A hash of a random password, compared against when the username does not exist. */
  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(newPassword(), this.settings.scrypt ?? DEFAULT_SCRYPT);
    return this.dummyHash;
  }
}

function parseHours(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_TOKEN_HOURS;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : NaN;
  if (!(n > 0 && n <= MAX_TOKEN_HOURS)) {
    throw invalidField(
      'hours',
      `a number of hours above 0 and at most ${MAX_TOKEN_HOURS}`,
      describeValue(value),
    );
  }
  return n;
}
