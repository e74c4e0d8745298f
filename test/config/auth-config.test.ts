import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../src/config/config.js';

test('authentication defaults: Basic on, 15 minutes idle, 24 hours, 5/20 failures, 60 s lockout', () => {
  const c = loadConfig({});
  assert.equal(c.basicAuth, true);
  assert.equal(c.sessionIdleMinutes, 15);
  assert.equal(c.sessionMaxHours, 24);
  assert.equal(c.loginMaxFailures, 5);
  assert.equal(c.loginMaxFailuresPerAddress, 20);
  assert.equal(c.loginLockoutSeconds, 60);
});

test('authentication settings from the environment and flags', () => {
  const c = loadConfig({ BASIC_AUTH: 'off', SESSION_IDLE_MINUTES: '0' }, [
    '--session-max-hours',
    '2',
    '--login-lockout-seconds=5',
  ]);
  assert.equal(c.basicAuth, false);
  assert.equal(c.sessionIdleMinutes, 0);
  assert.equal(c.sessionMaxHours, 2);
  assert.equal(c.loginLockoutSeconds, 5);
  assert.equal(loadConfig({ BASIC_AUTH: 'TRUE' }).basicAuth, true);
});

test('a bad authentication setting names the variable and the value', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ BASIC_AUTH: 'maybe' }, /BASIC_AUTH: 'maybe'/],
    [{ BASIC_AUTH: 'constructor' }, /BASIC_AUTH/],
    [{ SESSION_IDLE_MINUTES: '1441' }, /SESSION_IDLE_MINUTES: '1441'/],
    [{ SESSION_MAX_HOURS: '0' }, /SESSION_MAX_HOURS: '0'/],
    [{ LOGIN_MAX_FAILURES: 'many' }, /LOGIN_MAX_FAILURES: 'many'/],
    [{ LOGIN_MAX_FAILURES_PER_ADDRESS: '-1' }, /LOGIN_MAX_FAILURES_PER_ADDRESS/],
    [{ LOGIN_LOCKOUT_SECONDS: '1.5' }, /LOGIN_LOCKOUT_SECONDS/],
  ];
  for (const [env, pattern] of cases) {
    assert.throws(
      () => loadConfig(env),
      (e: Error) => e instanceof ConfigError && pattern.test(e.message),
    );
  }
});
