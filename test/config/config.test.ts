import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../src/config/config.js';

test('defaults', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.host, '127.0.0.1');
  assert.deepEqual(c.database, { kind: 'sqlite', file: './data/upgradestatus.db' });
  assert.equal(c.controllerVersion, '31.1.1');
  assert.equal(c.licenseTier, 'ENTERPRISE');
  assert.equal(c.adminPassword, undefined);
});

test('environment variables, and flags that win over them', () => {
  const c = loadConfig({ PORT: '9000', LICENSE_TIER: 'BASIC' }, ['--port', '9100', '--host=0.0.0.0']);
  assert.equal(c.port, 9100);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.licenseTier, 'BASIC');
  assert.deepEqual(loadConfig({}, ['--database-url', 'sqlite:/tmp/x.db']).database, {
    kind: 'sqlite',
    file: '/tmp/x.db',
  });
});

test('a bad value names the variable and the value', () => {
  const cases: [Record<string, string>, string[], RegExp][] = [
    [{ PORT: 'eighty' }, [], /PORT: 'eighty'/],
    [{ PORT: '70000' }, [], /PORT: '70000'/],
    [{}, ['--port=-1'], /PORT: '-1'/],
    [{ LICENSE_TIER: 'GOLD' }, [], /LICENSE_TIER: 'GOLD'/],
    [{ CONTROLLER_VERSION: 'latest' }, [], /CONTROLLER_VERSION: 'latest'/],
    [{ DATABASE_URL: 'mysql://x' }, [], /DATABASE_URL: 'mysql:\/\/x'/],
    [{ HOST: 'a b' }, [], /HOST: 'a b'/],
    [{ LOG_LEVEL: 'loud' }, [], /LOG_LEVEL: 'loud'/],
    [{}, ['--no-such-flag'], /command line/],
  ];
  for (const [env, argv, pattern] of cases) {
    assert.throws(
      () => loadConfig(env, argv),
      (e: Error) => e instanceof ConfigError && pattern.test(e.message),
    );
  }
});

test('DEFAULT_API_VERSION: 16.4.1 by default, X.Y.Z or X.Y, at most CONTROLLER_VERSION', () => {
  assert.equal(loadConfig({}).defaultApiVersion, '16.4.1');
  assert.equal(loadConfig({ DEFAULT_API_VERSION: '18.2.6' }).defaultApiVersion, '18.2.6');
  assert.equal(
    loadConfig({ DEFAULT_API_VERSION: '18.2.6' }, ['--default-api-version=22.1']).defaultApiVersion,
    '22.1',
  );
  assert.equal(
    loadConfig({ CONTROLLER_VERSION: '22.1.3', DEFAULT_API_VERSION: '22.1.3' }).defaultApiVersion,
    '22.1.3',
  );
  for (const [env, value] of [
    [{ DEFAULT_API_VERSION: 'latest' }, 'latest'],
    [{ DEFAULT_API_VERSION: '18.2.6.1' }, '18.2.6.1'],
    [{ DEFAULT_API_VERSION: '31.1.2' }, '31.1.2'],
    [{ CONTROLLER_VERSION: '22.1.3', DEFAULT_API_VERSION: '30.1.1' }, '30.1.1'],
  ] as const) {
    assert.throws(
      () => loadConfig(env),
      (e: Error) => e instanceof ConfigError && e.message.includes(`DEFAULT_API_VERSION: '${value}'`),
    );
  }
});

test('a postgres URL selects PostgreSQL, with the URL as given', () => {
  for (const url of [
    'postgres://u:secret@db:5432/x',
    'postgresql://u@db/x?sslmode=require',
    'postgres:///x', // the local socket, as libpq and pg allow
  ]) {
    assert.deepEqual(loadConfig({ DATABASE_URL: url }).database, { kind: 'postgres', url });
    assert.deepEqual(loadConfig({}, ['--database-url', url]).database, { kind: 'postgres', url });
  }
});

test('a refused database URL never echoes its password', () => {
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'mysql://u:secret@db/x' }),
    (e: Error) => /DATABASE_URL: 'mysql:\/\/\*\*\*@db\/x'/.test(e.message) && !/secret/.test(e.message),
  );
});
