// The change stream's scope (both databases): a user hears only the tenants it may read (a move
// out of its tenant is a delete to it; another tenant's objects never show), `*` only for access
// to every tenant, `?tenant=` for EventSource (a header wins); and writes by another process
// sharing the database (a second server, a bare Storage) reach a stream held by this one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basicAuth, JSON_HEADERS } from '../helpers/app.js';
import { createTenant, createUser } from '../helpers/auth.js';
import { openSse } from '../helpers/sse.js';
import { runWithStorage } from '../helpers/storage.js';
import { ADMIN, data, kinds, listeningApp, STREAM } from '../helpers/stream-app.js';
import { startServer, stopServer } from '../server/server-process.js';

describe('change stream scope', () => {
  it('a tenant’s user hears its tenant only; `*` spans every tenant', async (t) => {
    const app = await listeningApp(t);
    const tenantA = await createTenant(app, 'tenant-a');
    await createTenant(app, 'tenant-b');
    const alice = await createUser(app, 'alice', [{ role: 'Tenant-Admin', tenant: 'tenant-a' }]);
    const inA = { 'x-avi-tenant': 'tenant-a' };
    const inB = { 'x-avi-tenant': 'tenant-b' };
    const a = await app.stream(`${STREAM}?tenant=tenant-a&version=31.1.1`, {
      authorization: alice.authorization,
    });
    // The header wins over the query: still tenant-a.
    const byHeader = await app.stream(`${STREAM}?tenant=tenant-b&version=31.1.1`, {
      authorization: alice.authorization,
      'x-avi-tenant': 'tenant-a',
    });
    const all = await app.stream(`${STREAM}?tenant=*&version=31.1.1`, { authorization: ADMIN });
    assert.deepEqual([a.status, byHeader.status, all.status], [200, 200, 200]);

    const secretB = await app.create({ name: 'secret-b' }, inB);
    const visibleA = await app.create({ name: 'visible-a' }, inA);
    await app.patch(secretB, { replace: { progress: 99 } }, inB);
    // Moved from tenant-a to tenant-b: gone, as far as tenant-a can tell.
    const moving = await app.create({ name: 'moving' }, inA);
    // Its create is heard before it moves: an object that has left the stream's tenant by the
    // time its create is read is not sent at all (its delete follows), which is also correct.
    const heardBeforeMove = await Promise.all([a.take(2), byHeader.take(2)]);
    const put = await app.app.inject({
      method: 'PUT',
      url: `/api/upgradestatusinfo/${moving}`,
      headers: { ...JSON_HEADERS, ...inA },
      payload: { name: 'moving', tenant_ref: '/api/tenant/?name=tenant-b' },
    });
    assert.equal(put.statusCode, 200, put.body);
    await app.remove(secretB, inB);

    const expectedA: [string, unknown][] = [
      ['create', visibleA],
      ['create', moving],
      ['delete', moving],
    ];
    for (const [i, s] of [a, byHeader].entries()) {
      assert.deepEqual(kinds([...(heardBeforeMove[i] ?? []), ...(await s.take(1))]), expectedA);
      await s.quiet(300);
      assert.ok(!s.raw().includes(secretB) && !s.raw().includes('secret-b'), 'nothing of tenant-b');
    }
    assert.equal((data(a.events[0]!).tenant_ref as string).endsWith(`/api/tenant/${tenantA}`), true);
    assert.deepEqual(kinds(await all.take(7)), [
      ['create', secretB],
      ['create', visibleA],
      ['update', secretB],
      ['create', moving],
      ['delete', moving],
      ['create', moving],
      ['delete', secretB],
    ]);
  });

  it('refuses tenants the user may not read, and `*` without access to every tenant (403)', async (t) => {
    const app = await listeningApp(t);
    await createTenant(app, 'tenant-a');
    await createTenant(app, 'tenant-b');
    const alice = await createUser(app, 'alice', [{ role: 'Tenant-Admin', tenant: 'tenant-a' }]);
    for (const tenant of ['tenant-b', '*', 'no-such-tenant']) {
      const s = await openSse(`${app.url}${STREAM}?tenant=${encodeURIComponent(tenant)}&version=31.1.1`, {
        authorization: alice.authorization,
      });
      assert.equal(s.status, 403, `${tenant}: ${s.text}`);
    }
    const wrong = await openSse(`${app.url}${STREAM}`, {
      authorization: basicAuth('alice', 'wrong-password'),
    });
    assert.equal(wrong.status, 401);
  });

  it('hears writes by a bare Storage in another process on the same database', async (t) => {
    const app = await listeningApp(t);
    const s = await app.stream();
    const child = await runWithStorage(
      app.database.config,
      `await s.upgradeStatus.insert({ uuid: 'from-child', tenant: 'admin', lastModified: '1',
         body: { uuid: 'from-child', name: 'from-child', progress: 12 } });
       await s.upgradeStatus.update('from-child', null, (c) => ({ ...c, body: { ...c.body, progress: 13 } }));
       await s.close();`,
    );
    assert.equal(child.code, 0, child.stderr);
    const [created, updated] = await s.take(2, 10_000);
    assert.deepEqual(kinds([created!, updated!]), [
      ['create', 'from-child'],
      ['update', 'from-child'],
    ]);
    assert.equal(data(updated!).progress, 13);
  });

  it('hears a PATCH made through a second server process on the same database', async (t) => {
    const app = await listeningApp(t);
    const uuid = await app.create({ progress: 1 });
    const s = await app.stream();
    const second = await startServer({ DATABASE_URL: app.database.url, LOG_LEVEL: 'warn' });
    t.after(() => stopServer(second));
    const res = await fetch(`${second.url}/api/upgradestatusinfo/${uuid}`, {
      method: 'PATCH',
      headers: { authorization: ADMIN, 'content-type': 'application/json', 'x-avi-version': '31.1.1' },
      body: JSON.stringify({ replace: { progress: 64 } }),
    });
    assert.equal(res.status, 200, await res.text());
    const ev = await s.next(10_000);
    assert.deepEqual(kinds([ev]), [['update', uuid]]);
    assert.equal(data(ev).progress, 64);
  });
});
