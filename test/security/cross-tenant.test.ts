// Cross-tenant access by every route: users of tenant alpha (Tenant-Admin over Basic and over a
// session, Application-Operator) reaching for tenant beta's objects, tenant and users by uuid, by
// name, through lists and filters, with every tenant header, and by PUT, PATCH, DELETE and POST
// bodies naming beta. Nothing of beta may come back, nothing of beta may change, and beta's
// objects must answer exactly like missing ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JSON_HEADERS } from '../helpers/app.js';
import { runs } from '../helpers/arbitraries.js';
import { basicAs, buildWorld, Hostile, type World } from './harness.js';

let world: World;
let hostile: Hostile;
before(async () => {
  world = await buildWorld();
  hostile = new Hostile(world);
});
after(async () => {
  await world.t.close();
});

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Actor = 'alphaAdmin' | 'alphaAdminSession' | 'alphaOp';

function actorHeaders(actor: Actor): Record<string, string> {
  if (actor === 'alphaAdminSession') return { ...JSON_HEADERS, ...world.sessions.alphaAdmin.write };
  return basicAs(world.users[actor]);
}

/** The tenant headers an alpha user might try. */
function tenantHeaders(): Record<string, string>[] {
  return [
    {},
    { 'x-avi-tenant': world.alpha.name },
    { 'x-avi-tenant': world.beta.name },
    { 'x-avi-tenant-uuid': world.beta.uuid },
    { 'x-avi-tenant': '*' },
    { 'x-avi-tenant': 'admin' },
    { 'x-avi-tenant': world.alpha.name, 'x-avi-tenant-uuid': world.beta.uuid },
  ];
}

/** Requests at beta's things, each with the bodies a write would carry. */
function attacks(): [Method, string, object | undefined][] {
  const out: [Method, string, object | undefined][] = [];
  const alphaObj = world.alpha.objects[0]!;
  for (const o of world.beta.objects) {
    out.push(['GET', o.url, undefined]);
    out.push(['GET', `${o.url}?include_name&fields=name,tenant_ref`, undefined]);
    out.push(['PUT', o.url, { name: o.name, progress: 1 }]);
    out.push(['PATCH', o.url, { replace: { progress: 2 } }]);
    out.push(['PATCH', o.url, { json_patch: [{ op: 'replace', path: '/progress', value: 3 }] }]);
    out.push(['DELETE', o.url, undefined]);
    for (const q of [
      `name=${o.name}`,
      `uuid=${o.uuid}`,
      `uuid.in=${o.uuid},${alphaObj.uuid}`,
      `search=${o.name}`,
      `isearch=(name,${o.name})`,
      `cloud=${o.name}-cloud`,
      `obj_cloud_ref.name=${o.name}-cloud`,
      `name.contains=zqbeta`,
      `refers_to=tenant:${world.beta.uuid}`,
      `tenant_ref=${world.beta.uuid}`,
      `tenant_ref.name=${world.beta.name}`,
      `exclude=uuid&uuid=${alphaObj.uuid}`,
    ]) {
      out.push(['GET', `/api/upgradestatusinfo?${q}`, undefined]);
    }
  }
  const betaRef = [
    `/api/tenant/${world.beta.uuid}`,
    `/api/tenant/?name=${world.beta.name}`,
    `http://x/api/tenant/${world.beta.uuid}#${world.beta.name}`,
  ];
  for (const ref of betaRef) {
    out.push(['POST', '/api/upgradestatusinfo', { name: 'smuggled', tenant_ref: ref }]);
    out.push(['PUT', alphaObj.url, { name: alphaObj.name, tenant_ref: ref }]);
    out.push(['PATCH', alphaObj.url, { replace: { tenant_ref: ref } }]);
    out.push(['PATCH', alphaObj.url, { json_patch: [{ op: 'replace', path: '/tenant_ref', value: ref }] }]);
    out.push(['POST', '/api/upgradestatusinfo', { name: 'nested-ref', seg_status: { tenant_ref: ref } }]);
    out.push(['PATCH', alphaObj.url, { add: { seg_status: { vs_errors: [{ tenant_ref: ref }] } } }]);
  }
  for (const uuid of world.beta.objects.map((o) => o.uuid)) {
    out.push(['POST', '/api/upgradestatusinfo', { name: 'same-uuid', uuid }]);
  }
  out.push(['GET', `/api/tenant/${world.beta.uuid}`, undefined]);
  out.push(['PUT', `/api/tenant/${world.beta.uuid}`, { name: world.beta.name, description: 'x' }]);
  out.push(['DELETE', `/api/tenant/${world.beta.uuid}`, undefined]);
  out.push(['GET', `/api/tenant?name=${world.beta.name}`, undefined]);
  out.push(['GET', `/api/user/${world.users.betaAdmin.uuid}`, undefined]);
  out.push([
    'PUT',
    `/api/user/${world.users.betaAdmin.uuid}`,
    { username: world.users.betaAdmin.username, password: 'taken-over-1' },
  ]);
  out.push(['DELETE', `/api/user/${world.users.betaAdmin.uuid}`, undefined]);
  out.push(['GET', `/api/user?name=${world.users.betaAdmin.username}`, undefined]);
  out.push(['GET', '/api/tenant', undefined]);
  out.push(['GET', '/api/user', undefined]);
  return out;
}

/** beta's objects, as stored: they must never change. */
async function betaState(): Promise<string> {
  const { items } = await world.t.storage.upgradeStatus.list({
    tenant: world.beta.uuid,
    filters: [],
    sort: [],
    offset: 0,
    limit: 1000,
  });
  return JSON.stringify(items.map((o) => [o.uuid, o.lastModified, o.tenant]));
}

test('every route, actor and tenant header against tenant beta: nothing of beta comes back or changes', async () => {
  const before = await betaState();
  const all = attacks();
  const headers = tenantHeaders();
  const actors: Actor[] = ['alphaAdmin', 'alphaAdminSession', 'alphaOp'];
  let n = 0;
  for (const [method, url, payload] of all) {
    for (const actor of actors) {
      for (const extra of headers) {
        const res = await hostile.send({
          label: `${actor} ${method} ${url} ${JSON.stringify(extra)} ${JSON.stringify(payload ?? '')}`,
          viewer: 'alpha',
          method,
          url,
          anonymous: true,
          headers: { ...actorHeaders(actor), ...extra },
          ...(payload ? { payload } : {}),
        });
        n++;
        // A beta object by uuid is exactly a missing one.
        if (/^\/api\/upgradestatusinfo\/zqbeta-obj-/.test(url) && Object.keys(extra).length === 0) {
          assert.equal(res.statusCode, actor === 'alphaOp' && method !== 'GET' ? 403 : 404, res.body);
        }
      }
    }
  }
  assert.equal(n, all.length * actors.length * headers.length);
  assert.equal(await betaState(), before, "tenant beta's objects changed");
  const stored = await world.t.storage.upgradeStatus.get(world.alpha.objects[0]!.uuid, null);
  assert.equal(stored?.tenant, world.alpha.uuid, 'a PATCH moved an object');
});

test('tenant beta, named anywhere by an alpha user, answers exactly like a tenant that does not exist', async () => {
  const obj = world.alpha.objects[1]!;
  let k = 0;
  const shapes: [Method, string, (ref: string) => object, Record<string, string>][] = [
    ['POST', '/api/upgradestatusinfo', (ref) => ({ name: `placed-${k++}`, tenant_ref: ref }), {}],
    ['PUT', obj.url, (ref) => ({ name: obj.name, tenant_ref: ref }), {}],
    [
      'POST',
      '/api/upgradestatusinfo',
      (ref) => ({ name: `nested-${k++}`, seg_status: { tenant_ref: ref } }),
      {},
    ],
    ['PUT', obj.url, (ref) => ({ name: obj.name, seg_status: { vs_errors: [{ tenant_ref: ref }] } }), {}],
    ['PATCH', obj.url, (ref) => ({ replace: { seg_status: { tenant_ref: ref } } }), {}],
    ['GET', '/api/upgradestatusinfo', () => ({}), {}],
  ];
  const forms = (name: string, uuid: string) => [
    `/api/tenant/?name=${name}`,
    `/api/tenant/${uuid}#${name}`,
    uuid,
  ];
  const beta = forms(world.beta.name, world.beta.uuid);
  const missing = forms('no-such-tenant-x', 'tenant-no-such-one');
  for (const actor of ['alphaAdmin', 'alphaOp'] as const) {
    for (const [method, url, body, extra] of shapes) {
      for (let i = 0; i < beta.length; i++) {
        const answer = async (ref: string, name: string) => {
          const isGet = method === 'GET';
          const headers = isGet
            ? { ...extra, [i === 2 ? 'x-avi-tenant-uuid' : 'x-avi-tenant']: i === 2 ? ref : name }
            : extra;
          const res = await hostile.send({
            label: `${actor} ${method} ${url} ${ref}`,
            viewer: 'alpha',
            method,
            url,
            anonymous: true,
            headers: { ...actorHeaders(actor), ...headers },
            ...(isGet ? {} : { payload: body(i === 2 ? `/api/tenant/${ref}` : ref) }),
          });
          // The status, and an error with the tenant as the request named it replaced by a placeholder.
          const error = res.statusCode >= 400 ? String(res.json().error) : '';
          return `${res.statusCode} ${error.split(name).join('<tenant>').split(ref).join('<tenant>')}`;
        };
        const names = [world.beta.name, 'no-such-tenant-x'];
        assert.equal(
          await answer(beta[i]!, names[0]!),
          await answer(missing[i]!, names[1]!),
          `${actor} ${method} ${url} form ${i}`,
        );
      }
    }
  }
});

test('a beta object answers exactly like a missing one, whatever the method', async () => {
  const missing = '/api/upgradestatusinfo/zqbeta-obj-no-such-object';
  for (const actor of ['alphaAdmin', 'alphaAdminSession'] as const) {
    for (const [method, payload] of [
      ['GET', undefined],
      ['PUT', { name: 'x' }],
      ['PATCH', { replace: { progress: 1 } }],
      ['DELETE', undefined],
    ] as const) {
      for (const o of world.beta.objects) {
        const send = (url: string) =>
          hostile.send({
            label: `${actor} ${method} ${url}`,
            viewer: 'alpha',
            method,
            url,
            anonymous: true,
            headers: actorHeaders(actor),
            ...(payload ? { payload } : {}),
          });
        const a = await send(o.url);
        const b = await send(missing);
        assert.equal(a.statusCode, b.statusCode);
        assert.equal(a.body, b.body);
      }
    }
  }
});

test('random beta names and uuids in random places of alpha requests (fast-check)', async () => {
  const secrets = () => [...world.betaSecrets];
  const where = fc.constantFrom(
    (s: string) => ({ method: 'GET' as const, url: `/api/upgradestatusinfo/${encodeURIComponent(s)}` }),
    (s: string) => ({ method: 'GET' as const, url: `/api/upgradestatusinfo?name=${encodeURIComponent(s)}` }),
    (s: string) => ({
      method: 'GET' as const,
      url: `/api/upgradestatusinfo?search=${encodeURIComponent(s)}`,
    }),
    (s: string) => ({ method: 'GET' as const, url: `/api/tenant/${encodeURIComponent(s)}` }),
    (s: string) => ({ method: 'GET' as const, url: `/api/user/${encodeURIComponent(s)}` }),
    (s: string) => ({
      method: 'GET' as const,
      url: '/api/upgradestatusinfo',
      headers: { 'x-avi-tenant': s },
    }),
    (s: string) => ({
      method: 'GET' as const,
      url: '/api/upgradestatusinfo',
      headers: { 'x-avi-tenant-uuid': s },
    }),
    (s: string) => ({
      method: 'POST' as const,
      url: '/api/upgradestatusinfo',
      payload: { name: 'r', tenant_ref: `/api/tenant/${s}` },
    }),
    (s: string) => ({
      method: 'POST' as const,
      url: '/api/upgradestatusinfo',
      payload: { name: 'r', seg_status: { tenant_ref: `/api/tenant/?name=${s}` } },
    }),
    (s: string) => ({
      method: 'POST' as const,
      url: '/api/upgradestatusinfo',
      headers: { slug: s },
      payload: { name: 'slugged' },
    }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...secrets()),
      where,
      fc.constantFrom<Actor>('alphaAdmin', 'alphaOp'),
      async (secret, place, actor) => {
        const { headers, ...rest } = { headers: {}, ...place(secret) };
        const res = await hostile.send({
          label: `${actor} ${JSON.stringify(place(secret))}`,
          viewer: 'alpha',
          anonymous: true,
          ...rest,
          headers: { ...actorHeaders(actor), ...headers },
        });
        if (res.statusCode < 300 && rest.method === 'POST') {
          // Created in alpha: delete it again so the next runs start alike.
          const del = await world.t.app.inject({
            method: 'DELETE',
            url: `/api/upgradestatusinfo/${res.json().uuid}`,
            headers: { 'x-avi-tenant': '*' },
          });
          assert.equal(del.statusCode, 204);
        }
      },
    ),
    runs(200),
  );
});

test('request count', async (ctx) => {
  ctx.diagnostic(`${hostile.count} generated requests checked`);
  await hostile.assertAlive();
  const perAttack = 3 * tenantHeaders().length;
  assert.ok(hostile.count >= attacks().length * perAttack + 2 * 4 * 4 * 2 + 200, `only ${hostile.count}`);
});
