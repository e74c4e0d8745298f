// Logging in as other users in API tests: tenants, users with roles, sessions, Set-Cookie parsing.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { basicAuth, JSON_HEADERS, type TestApp } from './app.js';

export type RoleName = 'System-Admin' | 'Tenant-Admin' | 'Application-Operator';

export interface Grant {
  role: RoleName;
  /** Tenant name; omitted with `all`. */
  tenant?: string;
  all?: boolean;
}

export interface TestUser {
  uuid: string;
  username: string;
  password: string;
  /** `Authorization: Basic ...` for this user. */
  authorization: string;
}

export async function createTenant(t: TestApp, name: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/tenant',
    headers: JSON_HEADERS,
    payload: { name },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().uuid as string;
}

export async function createUser(
  t: TestApp,
  username: string,
  grants: Grant[],
  extra: Record<string, unknown> = {},
): Promise<TestUser> {
  const password = `${username}-secret-pw`;
  const access = grants.map((g) => ({
    role_ref: `/api/role/?name=${g.role}`,
    ...(g.tenant !== undefined ? { tenant_ref: `/api/tenant/?name=${g.tenant}` } : {}),
    all_tenants: g.all === true,
  }));
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/user',
    headers: JSON_HEADERS,
    payload: { username, password, access, ...extra },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { uuid: res.json().uuid, username, password, authorization: basicAuth(username, password) };
}

export interface ResponseCookie {
  value: string;
  /** Attribute names in lower case (`httponly`, `secure`, `path` …) with their values. */
  attributes: Map<string, string>;
}

/** The cookies a response sets, by name. */
export function responseCookies(res: {
  headers: LightMyRequestResponse['headers'];
}): Map<string, ResponseCookie> {
  const raw = res.headers['set-cookie'];
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  const out = new Map<string, ResponseCookie>();
  for (const line of lines) {
    const [pair = '', ...attrs] = line.split(';').map((p) => p.trim());
    const eq = pair.indexOf('=');
    const attributes = new Map<string, string>();
    for (const a of attrs) {
      const i = a.indexOf('=');
      attributes.set((i < 0 ? a : a.slice(0, i)).toLowerCase(), i < 0 ? '' : a.slice(i + 1));
    }
    out.set(pair.slice(0, eq), { value: pair.slice(eq + 1), attributes });
  }
  return out;
}

export interface TestSession {
  id: string;
  csrf: string;
  /** The Cookie header a client sends back (all three cookies). */
  cookie: string;
  /** Headers for a read. */
  read: Record<string, string>;
  /** Headers for a write: the cookies, the CSRF token and a JSON content type. */
  write: Record<string, string>;
  login: LightMyRequestResponse;
}

/** Logs in with a JSON body (or a form body, as the Python SDK does). */
export async function login(
  t: TestApp,
  username: string,
  password: string,
  form = false,
): Promise<TestSession> {
  const res = await t.anonymous({
    method: 'POST',
    url: '/login',
    ...(form
      ? {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ username, password }).toString(),
        }
      : { headers: JSON_HEADERS, payload: { username, password } }),
  });
  assert.equal(res.statusCode, 200, res.body);
  return sessionOf(res);
}

export function sessionOf(res: LightMyRequestResponse): TestSession {
  const cookies = responseCookies(res);
  const id = cookies.get('avi-sessionid')?.value ?? '';
  const csrf = cookies.get('csrftoken')?.value ?? '';
  const cookie = `avi-sessionid=${id}; csrftoken=${csrf}; sessionid=${id}`;
  return {
    id,
    csrf,
    cookie,
    read: { cookie },
    write: { cookie, 'x-csrftoken': csrf, ...JSON_HEADERS },
    login: res,
  };
}
