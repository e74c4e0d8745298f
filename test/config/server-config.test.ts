// The start-up settings: HTTPS (TLS_CERT + TLS_KEY, or TLS=self-signed), WORKERS and
// SHUTDOWN_TIMEOUT_SECONDS, from the environment or the same flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError, SETTINGS } from '../../src/config/config.js';

function refused(env: Record<string, string>, argv: string[], pattern: RegExp): void {
  assert.throws(
    () => loadConfig(env, argv),
    (e: Error) => e instanceof ConfigError && pattern.test(e.message),
    `${JSON.stringify(env)} ${argv.join(' ')} should be refused with ${pattern}`,
  );
}

test('defaults: plain HTTP, one process, 10 s to drain on shutdown', () => {
  const c = loadConfig({});
  assert.deepEqual(c.tls, { kind: 'off' });
  assert.equal(c.workers, 1);
  assert.equal(c.shutdownTimeoutSeconds, 10);
});

test('TLS_CERT and TLS_KEY together serve HTTPS from those files; flags win', () => {
  assert.deepEqual(loadConfig({ TLS_CERT: 'c.pem', TLS_KEY: 'k.pem' }).tls, {
    kind: 'files',
    certFile: 'c.pem',
    keyFile: 'k.pem',
  });
  assert.deepEqual(
    loadConfig({ TLS_CERT: 'c.pem', TLS_KEY: 'k.pem' }, ['--tls-cert', 'x.pem', '--tls-key=y.pem']).tls,
    { kind: 'files', certFile: 'x.pem', keyFile: 'y.pem' },
  );
});

test('TLS=self-signed (or --tls self-signed) generates a certificate', () => {
  assert.deepEqual(loadConfig({ TLS: 'self-signed' }).tls, { kind: 'self-signed' });
  assert.deepEqual(loadConfig({}, ['--tls', 'self-signed']).tls, { kind: 'self-signed' });
});

test('bad HTTPS combinations name the variable', () => {
  refused({ TLS_CERT: 'c.pem' }, [], /TLS_KEY/);
  refused({ TLS_KEY: 'k.pem' }, [], /TLS_CERT/);
  refused({}, ['--tls-cert', 'c.pem'], /TLS_KEY/);
  refused({ TLS: 'on' }, [], /TLS: 'on' \(expected self-signed/);
  refused({ TLS: 'self-signed', TLS_CERT: 'c.pem', TLS_KEY: 'k.pem' }, [], /TLS: 'self-signed'.*TLS_CERT/);
  refused({ TLS: 'self-signed', TLS_KEY: 'k.pem' }, [], /TLS: 'self-signed'.*TLS_KEY/);
});

test('WORKERS / --workers: 1 to 256, and never with a private in-memory database', () => {
  assert.equal(loadConfig({ WORKERS: '4' }).workers, 4);
  assert.equal(loadConfig({ WORKERS: '4' }, ['--workers', '2']).workers, 2);
  refused({ WORKERS: '0' }, [], /WORKERS: '0'/);
  refused({ WORKERS: 'many' }, [], /WORKERS: 'many'/);
  refused({ WORKERS: '257' }, [], /WORKERS: '257'/);
  refused({ WORKERS: '2', DATABASE_URL: 'sqlite::memory:' }, [], /WORKERS: '2'.*in-memory/);
  assert.equal(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).workers, 1);
});

test('SHUTDOWN_TIMEOUT_SECONDS / --shutdown-timeout-seconds: 1 to 3600', () => {
  assert.equal(loadConfig({ SHUTDOWN_TIMEOUT_SECONDS: '30' }).shutdownTimeoutSeconds, 30);
  assert.equal(loadConfig({}, ['--shutdown-timeout-seconds=2']).shutdownTimeoutSeconds, 2);
  refused({ SHUTDOWN_TIMEOUT_SECONDS: '0' }, [], /SHUTDOWN_TIMEOUT_SECONDS: '0'/);
});

test('the new settings are in SETTINGS (the README table) with their flags', () => {
  const byEnv = new Map(Object.values(SETTINGS).map((s) => [s.env, s.flag]));
  assert.equal(byEnv.get('TLS_CERT'), 'tls-cert');
  assert.equal(byEnv.get('TLS_KEY'), 'tls-key');
  assert.equal(byEnv.get('TLS'), 'tls');
  assert.equal(byEnv.get('WORKERS'), 'workers');
  assert.equal(byEnv.get('SHUTDOWN_TIMEOUT_SECONDS'), 'shutdown-timeout-seconds');
});
