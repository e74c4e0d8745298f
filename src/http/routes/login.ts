// POST /login and POST /logout at the site root, and POST /api/user-token. /login takes the
// Python SDK's form body (`username=..&password=..`) as well as the Go SDK's JSON, with
// `password` or `token`.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors/catalogue.js';
import type { Config } from '../../config/config.js';
import type { AuthService, LoginCredentials } from '../../services/auth-service.js';
import type { TenantService } from '../../services/tenant-service.js';
import type { RouteTable } from '../plugins/errors.js';
import { installFormBody } from '../plugins/json-body.js';
import {
  clearSessionCookies,
  csrfHeader,
  principalOf,
  sessionIds,
  setCsrfCookie,
  setSessionCookies,
} from '../plugins/auth.js';
import { requestOrigin } from '../origin.js';
import { presentLogin } from '../presenters/login.js';
import { versionInfo } from './cluster.js';

export interface LoginRouteDeps {
  auth: AuthService;
  tenants: TenantService;
  config: Pick<Config, 'controllerVersion' | 'sessionIdleMinutes' | 'licenseTier'>;
  routes: RouteTable;
  fallbackHost: string;
  startedAt: Date;
  now: () => number;
}

/** Login bodies are small: this is plenty. */
const LOGIN_BODY_LIMIT = 64 * 1024;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{username, password}` or `{username, token}`, from a form or JSON body. */
export function parseCredentials(body: unknown): LoginCredentials {
  const fields = isRecord(body) ? body : {};
  const text = (key: string) =>
    typeof fields[key] === 'string' && fields[key] !== '' ? (fields[key] as string) : undefined;
  const username = text('username');
  if (username === undefined) throw errors.missingRequired('username');
  const password = text('password');
  if (password !== undefined) return { username, password };
  const token = text('token');
  if (token !== undefined) return { username, token };
  throw errors.missingRequired('password');
}

export async function loginRoutes(app: FastifyInstance, deps: LoginRouteDeps): Promise<void> {
  deps.routes.add('/login', 'POST');
  deps.routes.add('/logout', 'POST');
  deps.routes.add('/api/user-token', 'POST');

  await app.register(async function loginScope(scope) {
    installFormBody(scope);

    scope.post('/login', { bodyLimit: LOGIN_BODY_LIMIT }, async (request, reply) => {
      const result = await deps.auth.login(parseCredentials(request.body), request.ip);
      setSessionCookies(reply, result.id, result.session, deps.now());
      setCsrfCookie(reply, result.session.csrfToken);
      const tenants = await deps.tenants.visible(result.principal);
      return presentLogin({
        user: result.user,
        tenants,
        origin: requestOrigin(request, deps.fallbackHost),
        version: versionInfo(deps.config.controllerVersion, deps.startedAt),
        idleMinutes: deps.config.sessionIdleMinutes,
        licenseTier: deps.config.licenseTier,
      });
    });

    // Ends the session the cookies name (with its CSRF token); with Basic auth there is none.
    // Idempotent: an unknown or expired session only gets its cookies cleared.
    scope.post('/logout', { bodyLimit: LOGIN_BODY_LIMIT }, async (request, reply) => {
      if (request.headers.authorization === undefined) {
        await deps.auth.logout(sessionIds(request), csrfHeader(request));
      }
      clearSessionCookies(reply);
      return {};
    });
  });

  app.post('/api/user-token', async (request) => {
    const hours = isRecord(request.body) ? request.body.hours : undefined;
    const { token, expiresAt } = await deps.auth.issueToken(principalOf(request), hours);
    return { token, expires_at: new Date(expiresAt).toISOString() };
  });
}
