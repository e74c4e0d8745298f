// Authentication of every request, before its body is read: `authentication(...)` builds the
// onRequest hook that puts the request's principal on `request.principal`.
//   - An `Authorization` header alone decides (Basic; cookies and CSRF are then ignored: the
//     Python SDK in Basic mode still sends `avi-sessionid=None`).
//   - Otherwise the session cookies (`avi-sessionid`, `sessionid`; duplicates tolerated) name a
//     live session; POST, PUT, PATCH and DELETE also need `X-CSRFToken`. The session cookies are
//     sent again whenever the session's idle expiry slides.
//   - Public routes (`/login`, `/logout`, `/api/initial-data`, `/api/cluster/status`) are left alone.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { errors } from '../../errors/catalogue.js';
import { cookieValues } from '../../domain/auth/headers.js';
import { cookieMaxAge, type SessionTimes } from '../../domain/auth/session.js';
import type { Principal } from '../../domain/auth/principal.js';
import type { AuthService } from '../../services/auth-service.js';
import type {} from '@fastify/cookie'; // reply.setCookie / clearCookie

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts for; null only on public routes. */
    principal: Principal | null;
  }
}

/** The session cookies, both carrying the session id (clients look for either). */
export const SESSION_COOKIES = ['avi-sessionid', 'sessionid'] as const;
export const CSRF_COOKIE = 'csrftoken';
/** The controller's csrftoken lifetime (a year less a week). */
const CSRF_MAX_AGE = 31_449_600;

export interface AuthenticationOptions {
  auth: AuthService;
  /** Route URLs (as registered) that need no credentials. */
  publicRoutes: ReadonlySet<string>;
  now: () => number;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Every session id the request's cookies carry, in order, without repeats. */
export function sessionIds(request: FastifyRequest): string[] {
  return cookieValues(header(request, 'cookie'), SESSION_COOKIES);
}

export function csrfHeader(request: FastifyRequest): string | undefined {
  return header(request, 'x-csrftoken');
}

/** The request's principal; on a public route there is none (401). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw errors.notAuthenticated();
  return request.principal;
}

/** `avi-sessionid` and `sessionid`: HttpOnly, Secure over TLS, until the session's absolute end. */
export function setSessionCookies(reply: FastifyReply, id: string, session: SessionTimes, now: number): void {
  const options = {
    path: '/',
    httpOnly: true,
    secure: 'auto' as const,
    sameSite: 'lax' as const,
    maxAge: cookieMaxAge(session, now),
  };
  for (const name of SESSION_COOKIES) reply.setCookie(name, id, options);
}

/** `csrftoken`: readable by scripts (they copy it into X-CSRFToken), Secure over TLS. */
export function setCsrfCookie(reply: FastifyReply, token: string): void {
  reply.setCookie(CSRF_COOKIE, token, { path: '/', secure: 'auto', sameSite: 'lax', maxAge: CSRF_MAX_AGE });
}

export function clearSessionCookies(reply: FastifyReply): void {
  for (const name of [...SESSION_COOKIES, CSRF_COOKIE]) reply.clearCookie(name, { path: '/' });
}

/**
 * Whether a 401 should carry the Basic challenge: not for scripts that handle it themselves
 * (`X-Requested-With: XMLHttpRequest`, an EventSource asking for `text/event-stream`), since a
 * browser answers a challenge with its own password prompt (the dashboard shows its login form).
 */
function wantsChallenge(request: FastifyRequest): boolean {
  if (header(request, 'x-requested-with')?.toLowerCase() === 'xmlhttprequest') return false;
  return !(header(request, 'accept') ?? '').includes('text/event-stream');
}

export function authentication(options: AuthenticationOptions): onRequestHookHandler {
  const { auth, publicRoutes, now } = options;
  const challenge: Record<string, string> = auth.settings.basicAuth
    ? { 'www-authenticate': 'Basic realm="api"' }
    : {};
  return async function authenticate(request, reply) {
    const route = request.routeOptions.url;
    if (route !== undefined && publicRoutes.has(route)) return;
    const authorization = header(request, 'authorization');
    if (authorization !== undefined) {
      request.principal = await auth.authenticateHeader(authorization, request.ip);
      return;
    }
    const ids = sessionIds(request);
    if (ids.length > 0) {
      const found = await auth.authenticateSession(ids, request.method, csrfHeader(request));
      if (found) {
        request.principal = found.principal;
        // The cookies' Max-Age runs to the session's absolute end, so sending them again only
        // matters when the session moved; that is when the stored idle expiry was slid (at most
        // about once a minute), not on every response: clients keep the cookies they have.
        if (found.slid) setSessionCookies(reply, found.id, found.session, now());
        return;
      }
    }
    throw errors.notAuthenticated(wantsChallenge(request) ? challenge : {});
  };
}
