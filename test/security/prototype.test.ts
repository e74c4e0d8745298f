// Prototype pollution attempts: `__proto__`, `constructor` and `prototype` as keys at any depth of
// every body, as JSON Patch path segments, form fields, query parameters, header values, cookie
// names, and as the names of tenants and users. Nothing may end up on Object.prototype (the
// harness checks after every request).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JSON_HEADERS } from '../helpers/app.js';
import { runs } from '../helpers/arbitraries.js';
import { buildWorld, Hostile, type World } from './harness.js';
import { bodyRoutes, IGNORES_BODY, sendBody } from './body-routes.js';

let world: World;
let hostile: Hostile;
/** Requests each test makes, added up as they run; the last test compares with the harness's count. */
let planned = 0;
before(async () => {
  world = await buildWorld();
  hostile = new Hostile(world);
});
after(async () => {
  await world.t.close();
});

const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];

/** A JSON text with a forbidden key somewhere: at the top, inside a model field, inside a patch. */
const poisoned: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...FORBIDDEN),
    fc.constantFrom(
      (k: string, v: string) => `{"name":"p","${k}":${v}}`,
      (k: string, v: string) => `{"state":{"${k}":${v}}}`,
      (k: string, v: string) => `{"upgrade_events":[{"task_name":"t","${k}":${v}}]}`,
      (k: string, v: string) => `{"add":{"${k}":${v}}}`,
      (k: string, v: string) => `{"replace":{"state":{"${k}":${v}}}}`,
      (k: string, v: string) => `{"json_patch":[{"op":"add","path":"/state","value":{"${k}":${v}}}]}`,
      (k: string, v: string) => `{"username":"u","password":"p","${k}":${v}}`,
      (k: string, v: string) => `{"access":[{"${k}":${v}}]}`,
      (k: string, v: string) => `{"hours":1,"${k}":${v}}`,
      (k: string, v: string) => `{"config_settings":{"${k}":${v}}}`,
    ),
    fc.constantFrom(
      '{"polluted":1}',
      '{"prototype":{"polluted":1}}',
      '{"admin":true,"is_superuser":true}',
      '1',
    ),
  )
  .map(([key, wrap, value]) => wrap(key, value));

test('prototype keys at any depth of any body: refused, nothing polluted', async () => {
  const all = bodyRoutes(world, false);
  await fc.assert(
    fc.asyncProperty(poisoned, fc.nat(all.length - 1), async (payload, i) => {
      const target = all[i]!;
      const res = await sendBody(hostile, target, payload, 'application/json', `poisoned ${payload}`);
      // /logout and /api/user-token ignore what they do not read, unless the parser refuses it.
      if (IGNORES_BODY.has(target.url)) return;
      assert.ok(res.statusCode >= 400, `${payload}: ${res.statusCode} ${res.body}`);
    }),
    runs(120),
  );
  planned += 120;
});

test('prototype segments in JSON Patch paths, forms, queries, headers and cookies', async () => {
  const start = hostile.count;
  const obj = world.alpha.objects[1]!.url;
  const star = { ...JSON_HEADERS, 'x-avi-tenant': '*' };
  for (const seg of FORBIDDEN) {
    for (const path of [
      `/${seg}/polluted`,
      `/state/${seg}/polluted`,
      `/upgrade_events/0/${seg}`,
      `/${seg}`,
    ]) {
      for (const op of [
        { op: 'add', path, value: 1 },
        { op: 'replace', path, value: { polluted: 1 } },
        { op: 'copy', from: path, path: '/state' },
        { op: 'move', from: '/state', path },
        { op: 'remove', path },
        { op: 'test', path, value: 1 },
      ]) {
        const res = await hostile.send({
          label: `json_patch ${JSON.stringify(op)}`,
          method: 'PATCH',
          url: obj,
          headers: star,
          payload: { json_patch: [op] },
        });
        assert.equal(res.statusCode, 400, res.body);
      }
    }
    const form = `username=${seg}&password=x&${seg}[polluted]=1&${seg}.polluted=1`;
    await hostile.send({
      label: `login form ${form}`,
      method: 'POST',
      url: '/login',
      anonymous: true,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form,
    });
    for (const query of [
      `${seg}[polluted]=1`,
      `${seg}.polluted=1`,
      `${seg}=1`,
      `a[${seg}][polluted]=1`,
      `search=(${seg},x)`,
      `sort=${seg}`,
      `fields=${seg}`,
      `${seg}.in=a,b`,
    ]) {
      for (const url of ['/api/upgradestatusinfo', '/api/tenant', '/api/user', '/api/role', `${obj}`]) {
        await hostile.send({
          label: `query ${url}?${query}`,
          method: 'GET',
          url: `${url}?${query}`,
          headers: star,
        });
      }
    }
    for (const header of [
      'x-avi-tenant',
      'x-avi-tenant-uuid',
      'x-avi-version',
      'slug',
      'x-csrftoken',
      'if-match',
    ]) {
      await hostile.send({
        label: `header ${header}: ${seg}`,
        method: 'GET',
        url: '/api/upgradestatusinfo',
        headers: { ...JSON_HEADERS, [header]: seg },
      });
    }
    await hostile.send({
      label: `cookie ${seg}`,
      method: 'GET',
      url: '/api/upgradestatusinfo',
      anonymous: true,
      headers: { cookie: `${seg}=1; avi-sessionid=${seg}; sessionid=${seg}; csrftoken=${seg}` },
    });
  }
  planned += hostile.count - start;
  assert.equal(hostile.count - start, FORBIDDEN.length * (4 * 6 + 1 + 8 * 5 + 6 + 1));
});

test('tenants and users named like Object.prototype members are plain data', async () => {
  const start = hostile.count;
  const names = [...FORBIDDEN, 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
  for (const name of names) {
    await hostile.send({
      label: `tenant ${name}`,
      method: 'POST',
      url: '/api/tenant',
      headers: JSON_HEADERS,
      payload: { name },
    });
    const user = await hostile.send({
      label: `user ${name}`,
      method: 'POST',
      url: '/api/user',
      headers: JSON_HEADERS,
      payload: {
        username: name,
        password: `${name}-long-password`,
        access: [{ role_ref: '/api/role/?name=Tenant-Admin', tenant_ref: `/api/tenant/?name=${name}` }],
        default_tenant_ref: `/api/tenant/?name=${name}`,
      },
    });
    assert.ok([201, 400].includes(user.statusCode), user.body);
    const basic = `Basic ${Buffer.from(`${name}:${name}-long-password`).toString('base64')}`;
    for (const tenant of [name, '*', 'admin']) {
      await hostile.send({
        label: `as ${name} in ${tenant}`,
        method: 'GET',
        url: '/api/upgradestatusinfo',
        headers: { ...JSON_HEADERS, authorization: basic, 'x-avi-tenant': tenant },
      });
      await hostile.send({
        label: `create as ${name} in ${tenant}`,
        method: 'POST',
        url: '/api/upgradestatusinfo',
        headers: { ...JSON_HEADERS, authorization: basic, 'x-avi-tenant': tenant },
        payload: { name: `by-${name}` },
      });
    }
    await hostile.send({
      label: `login ${name}`,
      method: 'POST',
      url: '/login',
      anonymous: true,
      headers: JSON_HEADERS,
      payload: { username: name, password: `${name}-long-password` },
    });
  }
  planned += hostile.count - start;
  assert.equal(hostile.count - start, names.length * 9);
});

test('the requests above were all made and checked', async (ctx) => {
  ctx.diagnostic(`${hostile.count} generated requests checked`);
  await hostile.assertAlive();
  assert.equal(hostile.count, planned);
  assert.ok(planned >= 390, `only ${planned} requests`);
});
