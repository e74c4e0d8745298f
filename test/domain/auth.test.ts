// Pure authentication rules: passwords, secrets, header parsing, roles, throttle and sessions.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/domain/auth/password.js';
import {
  digest,
  newCsrfToken,
  newSessionId,
  newUserToken,
  randomString,
  sameSecret,
  SESSION_ID_PATTERN,
} from '../../src/domain/auth/tokens.js';
import { cookieValues, parseAuthorization } from '../../src/domain/auth/headers.js';
import {
  APPLICATION_OPERATOR,
  BUILT_IN_ROLES,
  coversAllTenants,
  isSystemAdmin,
  rightIn,
  roleByName,
  SYSTEM_ADMIN,
  TENANT_ADMIN,
  visibleTenants,
} from '../../src/domain/auth/roles.js';
import { principalFromUser, type Principal } from '../../src/domain/auth/principal.js';
import { afterFailure, blockedFor, FAILURE_WINDOW_MS, isStale } from '../../src/domain/auth/throttle.js';
import { cookieMaxAge, isLive, newSessionTimes, slidIdleExpiry } from '../../src/domain/auth/session.js';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe('passwords', () => {
  test('the policy names what is wrong', () => {
    assert.match(passwordProblem('short') ?? '', /at least 8/);
    assert.match(passwordProblem('x'.repeat(257)) ?? '', /at most 256/);
    assert.match(passwordProblem('Operator', 'operator') ?? '', /username/);
    assert.equal(passwordProblem('a good password', 'operator'), undefined);
  });

  test('hashes are salted scrypt hashes carrying their parameters, and verify', async () => {
    const a = await hashPassword('correct horse', CHEAP);
    const b = await hashPassword('correct horse', CHEAP);
    assert.match(a, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.notEqual(a, b, 'a fresh salt every time');
    assert.equal(await verifyPassword('correct horse', a), true);
    assert.equal(await verifyPassword('correct horse', b), true);
    assert.equal(await verifyPassword('Correct horse', a), false);
    assert.equal(await verifyPassword('', a), false);
  });

  test('a malformed or absurd stored hash never matches', async () => {
    for (const stored of [
      '',
      'plain',
      'scrypt$1024$8$1$$',
      'scrypt$1000$8$1$c2FsdA==$aGFzaA==',
      `scrypt$${2 ** 24}$8$1$c2FsdA==$${'A'.repeat(44)}`,
    ]) {
      assert.equal(await verifyPassword('x', stored), false, stored);
    }
  });
});

describe('secrets', () => {
  test('have the controller formats and do not repeat', () => {
    assert.match(newSessionId(), SESSION_ID_PATTERN);
    assert.match(newCsrfToken(), /^[A-Za-z0-9]{32}$/);
    assert.match(newUserToken(), /^[0-9a-f]{40}$/);
    assert.notEqual(newSessionId(), newSessionId());
    assert.equal(randomString(50, 'ab').replace(/[ab]/g, ''), '');
  });

  test('are stored by digest and compared in constant time', () => {
    assert.match(digest('abc'), /^[0-9a-f]{64}$/);
    assert.notEqual(digest('abc'), digest('abd'));
    assert.equal(sameSecret('token', 'token'), true);
    assert.equal(sameSecret('token', 'tokem'), false);
    assert.equal(sameSecret('token', 'token-longer'), false);
    assert.equal(sameSecret('token', undefined), false);
  });
});

describe('headers', () => {
  test('cookieValues tolerates duplicates, spaces, quotes and other cookies', () => {
    const header = 'avi-sessionid=A; csrftoken=X; sessionid=A; avi-sessionid=A; csrftoken=X; sessionid=A';
    assert.deepEqual(cookieValues(header, ['avi-sessionid', 'sessionid']), ['A']);
    assert.deepEqual(cookieValues('sessionid=B;avi-sessionid="C" ; x=y', ['avi-sessionid', 'sessionid']), [
      'B',
      'C',
    ]);
    assert.deepEqual(cookieValues('avi-sessionid=None; sessionid=None', ['sessionid']), ['None']);
    assert.deepEqual(cookieValues(undefined, ['sessionid']), []);
    assert.deepEqual(cookieValues('garbage; =; sessionid=', ['sessionid']), []);
    const many = Array.from({ length: 20 }, (_, i) => `sessionid=v${i}`).join('; ');
    assert.equal(cookieValues(many, ['sessionid'], 4).length, 4);
  });

  test('parseAuthorization reads Basic user:password (the password may hold colons)', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    assert.deepEqual(parseAuthorization(`Basic ${b64('admin:pa:ss')}`), {
      scheme: 'basic',
      username: 'admin',
      password: 'pa:ss',
    });
    assert.deepEqual(parseAuthorization(`basic   ${b64('ü:é')}`), {
      scheme: 'basic',
      username: 'ü',
      password: 'é',
    });
    assert.deepEqual(parseAuthorization(`Basic ${b64('nocolon')}`), { scheme: 'malformed' });
    assert.deepEqual(parseAuthorization(`Basic ${b64(':pw')}`), { scheme: 'malformed' });
    assert.deepEqual(parseAuthorization('Basic'), { scheme: 'malformed' });
    assert.deepEqual(parseAuthorization('Basic ***'), { scheme: 'malformed' });
    assert.deepEqual(parseAuthorization('Bearer abc'), { scheme: 'other', name: 'Bearer' });
  });
});

describe('roles', () => {
  const user = (access: unknown[], extra: Record<string, unknown> = {}): Principal =>
    principalFromUser('user-x', { username: 'x', access, ...extra });
  const ref = (role: { uuid: string }) => `/api/role/${role.uuid}`;

  test('the three built-in roles have stable uuids', () => {
    assert.deepEqual(
      BUILT_IN_ROLES.map((r) => r.name),
      ['System-Admin', 'Tenant-Admin', 'Application-Operator'],
    );
    assert.equal(roleByName('Tenant-Admin'), TENANT_ADMIN);
    assert.match(TENANT_ADMIN.uuid, /^role-[0-9a-f-]{36}$/);
  });

  test('rights per tenant follow the access entries', () => {
    const admin = user([{ tenant_ref: '/api/tenant/t1#t1', role_ref: ref(TENANT_ADMIN) }]);
    assert.equal(rightIn(admin, 't1'), 'write');
    assert.equal(rightIn(admin, 't2'), 'none');
    assert.equal(isSystemAdmin(admin), false);
    assert.equal(coversAllTenants(admin), false);
    assert.deepEqual([...(visibleTenants(admin) ?? [])], ['t1']);

    const op = user([
      { tenant_ref: '/api/tenant/t1', role_ref: ref(APPLICATION_OPERATOR) },
      { tenant_ref: '/api/tenant/t2', role_ref: ref(TENANT_ADMIN) },
    ]);
    assert.equal(rightIn(op, 't1'), 'read');
    assert.equal(rightIn(op, 't2'), 'write');

    const everywhere = user([{ role_ref: ref(APPLICATION_OPERATOR), all_tenants: true }]);
    assert.equal(rightIn(everywhere, 'any'), 'read');
    assert.equal(coversAllTenants(everywhere), true);
    assert.equal(isSystemAdmin(everywhere), false);

    const sys = user([{ tenant_ref: '/api/tenant/admin', role_ref: ref(SYSTEM_ADMIN) }]);
    assert.equal(rightIn(sys, 'any'), 'write');
    assert.equal(isSystemAdmin(sys), true);
    assert.equal(visibleTenants(sys), null);

    const superuser = user([], { is_superuser: true });
    assert.equal(rightIn(superuser, 'any'), 'write');
    assert.equal(isSystemAdmin(superuser), true);
  });

  test('an inactive user, an unknown role or no access gives nothing', () => {
    const inactive = user([{ role_ref: ref(SYSTEM_ADMIN), all_tenants: true }], { is_active: false });
    assert.equal(rightIn(inactive, 'admin'), 'none');
    assert.equal(coversAllTenants(inactive), false);
    assert.equal(
      rightIn(user([{ tenant_ref: '/api/tenant/t1', role_ref: '/api/role/role-x' }]), 't1'),
      'none',
    );
    assert.equal(rightIn(user([]), 'admin'), 'none');
  });

  test('the default tenant comes from default_tenant_ref, else admin', () => {
    assert.equal(user([], { default_tenant_ref: '/api/tenant/t9#t9' }).defaultTenant, 't9');
    assert.equal(user([]).defaultTenant, 'admin');
  });
});

describe('login throttle', () => {
  const policy = { maxFailures: 3, lockoutMs: 60_000 };

  test('blocks after max failures for the lockout, then starts over', () => {
    let s = afterFailure(undefined, 1000, policy);
    s = afterFailure(s, 2000, policy);
    assert.equal(blockedFor(s, 2000), 0);
    s = afterFailure(s, 3000, policy);
    assert.equal(blockedFor(s, 3000), 60_000);
    assert.equal(blockedFor(s, 62_999), 1);
    assert.equal(blockedFor(s, 63_000), 0);
    const next = afterFailure(s, 63_000, policy);
    assert.equal(next.failures, 1, 'a full allowance after the lockout');
  });

  test('old failures are forgotten; stale states may be purged', () => {
    const s = afterFailure(afterFailure(undefined, 0, policy), 1, policy);
    const later = afterFailure(s, FAILURE_WINDOW_MS + 10, policy);
    assert.equal(later.failures, 1);
    assert.equal(isStale(later, FAILURE_WINDOW_MS + 20), false);
    assert.equal(isStale(later, 2 * FAILURE_WINDOW_MS + 20), true);
  });
});

describe('session lifetimes', () => {
  const policy = { idleMs: 15 * 60_000, maxMs: 24 * 3_600_000 };

  test('idle and absolute expiry', () => {
    const s = newSessionTimes(0, policy);
    assert.equal(s.idleExpiresAt, 15 * 60_000);
    assert.equal(s.expiresAt, 24 * 3_600_000);
    assert.equal(isLive(s, 15 * 60_000 - 1), true);
    assert.equal(isLive(s, 15 * 60_000), false);
    assert.equal(cookieMaxAge(s, 0), 86_400);
    const noIdle = newSessionTimes(0, { idleMs: 0, maxMs: 3_600_000 });
    assert.equal(noIdle.idleExpiresAt, 3_600_000);
  });

  test('the idle expiry is written back only when it moved by a minute or more', () => {
    const s = newSessionTimes(0, policy);
    assert.equal(slidIdleExpiry(s, 30_000, policy), undefined);
    assert.equal(slidIdleExpiry(s, 60_000, policy), 16 * 60_000);
    const late = { ...s, idleExpiresAt: policy.maxMs - 1000 };
    assert.equal(
      slidIdleExpiry(late, policy.maxMs - 60_000, policy),
      undefined,
      'never past the absolute end',
    );
    const short = { idleMs: 60_000, maxMs: 3_600_000 };
    assert.equal(
      slidIdleExpiry(newSessionTimes(0, short), 15_000, short),
      75_000,
      'a quarter of a short timeout',
    );
    assert.equal(slidIdleExpiry(s, 60_000, { idleMs: 0, maxMs: policy.maxMs }), undefined);
  });
});
