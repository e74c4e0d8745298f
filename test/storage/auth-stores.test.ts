// The stores of tenants, users, sessions, failed logins and user tokens, on a real database of
// the run's kind (SQLite or PostgreSQL).
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  ConflictError,
  type Storage,
  type StoredSession,
  type StoredTenant,
  type StoredUser,
} from '../../src/storage/types.js';
import { fresh as freshDatabase } from '../helpers/storage.js';

async function fresh(t: TestContext): Promise<Storage> {
  return (await freshDatabase(t)).storage;
}

const tenant = (uuid: string, name: string): StoredTenant => ({
  uuid,
  name,
  lastModified: '1700000000000000',
  body: { uuid, name },
});

const user = (uuid: string, username: string, tenants: string[] = []): StoredUser => ({
  uuid,
  username,
  passwordHash: 'scrypt$hash',
  passwordVersion: 1,
  tenants,
  lastModified: '1700000000000000',
  body: { uuid, username },
});

const session = (id: string, userUuid: string, over: Partial<StoredSession> = {}): StoredSession => ({
  idDigest: id,
  userUuid,
  csrfToken: 'csrf',
  passwordVersion: 1,
  createdAt: 0,
  idleExpiresAt: 1000,
  expiresAt: 5000,
  ...over,
});

const isConflict = (kind: 'uuid' | 'name') => (e: unknown) => e instanceof ConflictError && e.kind === kind;

describe('tenants', () => {
  it('stores, finds by uuid and name, lists in creation order, refuses duplicates', async (t) => {
    const s = (await fresh(t)).tenants;
    await s.insert(tenant('admin', 'admin'));
    await s.insert(tenant('tenant-1', 't1'));
    assert.equal((await s.get('tenant-1'))?.name, 't1');
    assert.equal((await s.getByName('t1'))?.uuid, 'tenant-1');
    assert.equal(await s.getByName('nope'), undefined);
    assert.deepEqual(
      (await s.list()).map((t) => t.uuid),
      ['admin', 'tenant-1'],
    );
    await assert.rejects(s.insert(tenant('tenant-2', 't1')), isConflict('name'));
    await assert.rejects(s.insert(tenant('tenant-1', 't3')), isConflict('uuid'));
  });

  it('updates in place; an error in the change leaves it as it was', async (t) => {
    const s = (await fresh(t)).tenants;
    await s.insert(tenant('tenant-1', 't1'));
    const next = await s.update('tenant-1', (cur) => ({ ...cur, body: { ...cur.body, description: 'd' } }));
    assert.equal(next?.body.description, 'd');
    await assert.rejects(
      s.update('tenant-1', () => {
        throw new Error('no');
      }),
      /no/,
    );
    assert.equal((await s.get('tenant-1'))?.body.description, 'd');
    assert.equal(await s.update('missing', (c) => c), undefined);
  });

  it('refuses to delete a tenant holding objects or referred to by users', async (t) => {
    const storage = await fresh(t);
    await storage.tenants.insert(tenant('tenant-1', 't1'));
    await storage.upgradeStatus.insert({
      uuid: 'o-1',
      tenant: 'tenant-1',
      lastModified: '1700000000000000',
      body: { uuid: 'o-1', name: 'obj' },
    });
    assert.deepEqual(await storage.tenants.delete('tenant-1'), {
      deleted: false,
      referredBy: ['UpgradeStatusInfo obj'],
    });
    await storage.upgradeStatus.delete('o-1', 'tenant-1');
    await storage.users.insert(user('user-2', 'bob', ['tenant-1']));
    assert.deepEqual(await storage.tenants.delete('tenant-1'), { deleted: false, referredBy: ['User bob'] });
    await storage.users.delete('user-2');
    assert.deepEqual(await storage.tenants.delete('tenant-1'), { deleted: true, referredBy: [] });
    assert.deepEqual(await storage.tenants.delete('tenant-1'), { deleted: false, referredBy: [] });
  });
});

describe('users', () => {
  it('stores, finds by username, stamps, counts and refuses duplicate usernames', async (t) => {
    const s = (await fresh(t)).users;
    assert.equal(await s.count(), 0);
    await s.insert(user('user-1', 'admin', ['admin']));
    assert.equal(await s.count(), 1);
    assert.deepEqual((await s.getByUsername('admin'))?.tenants, ['admin']);
    assert.deepEqual(await s.stamp('user-1'), { lastModified: '1700000000000000', passwordVersion: 1 });
    assert.equal(await s.stamp('user-x'), undefined);
    await assert.rejects(s.insert(user('user-2', 'admin')), isConflict('name'));
    const changed = await s.update('user-1', (cur) => ({
      ...cur,
      passwordVersion: 2,
      lastModified: '1700000000000001',
    }));
    assert.equal(changed?.passwordVersion, 2);
    assert.deepEqual(await s.stamp('user-1'), { lastModified: '1700000000000001', passwordVersion: 2 });
  });

  it('deleting a user deletes its sessions and tokens', async (t) => {
    const storage = await fresh(t);
    await storage.users.insert(user('user-2', 'bob'));
    await storage.sessions.insert(session('s-1', 'user-2'));
    await storage.userTokens.insert({
      tokenDigest: 'tok',
      userUuid: 'user-2',
      passwordVersion: 1,
      createdAt: 0,
      expiresAt: 10,
    });
    assert.equal(await storage.users.delete('user-2'), true);
    assert.equal(await storage.sessions.get('s-1'), undefined);
    assert.equal(await storage.userTokens.get('tok'), undefined);
    assert.equal(await storage.users.delete('user-2'), false);
  });
});

describe('sessions', () => {
  it('are read by digest, touched (never past the absolute end), deleted and purged', async (t) => {
    const storage = await fresh(t);
    await storage.users.insert(user('user-1', 'admin'));
    const s = storage.sessions;
    await s.insert(session('live', 'user-1'));
    await s.insert(session('idle', 'user-1', { idleExpiresAt: 100 }));
    await s.insert(session('old', 'user-1', { idleExpiresAt: 900, expiresAt: 200 }));
    assert.deepEqual(await s.get('live'), session('live', 'user-1'));
    await s.touch('live', 3000);
    assert.equal((await s.get('live'))?.idleExpiresAt, 3000);
    await s.touch('live', 9000);
    assert.equal((await s.get('live'))?.idleExpiresAt, 5000);
    assert.equal(await s.purgeExpired(500), 2);
    assert.equal(await s.get('idle'), undefined);
    assert.ok(await s.get('live'));
    await s.delete('live');
    assert.equal(await s.get('live'), undefined);
  });
});

describe('login throttle', () => {
  it('updates atomically per key, clears and purges', async (t) => {
    const s = (await fresh(t)).loginThrottle;
    assert.equal(await s.get('user:a'), undefined);
    const first = await s.update('user:a', (cur) => {
      assert.equal(cur, undefined);
      return { failures: 1, windowStart: 10, blockedUntil: 0 };
    });
    assert.deepEqual(first, { failures: 1, windowStart: 10, blockedUntil: 0 });
    await s.update('user:a', (cur) => ({ ...cur!, failures: cur!.failures + 1 }));
    assert.equal((await s.get('user:a'))?.failures, 2);
    await s.update('addr:x', () => ({ failures: 0, windowStart: 10, blockedUntil: 5000 }));
    await s.purge(1000, 500);
    assert.equal(await s.get('user:a'), undefined, 'window long over, not blocked');
    assert.ok(await s.get('addr:x'), 'still blocked');
    await s.clear('addr:x');
    assert.equal(await s.get('addr:x'), undefined);
  });
});

describe('user tokens', () => {
  it('are read by digest and purged when expired', async (ctx) => {
    const storage = await fresh(ctx);
    await storage.users.insert(user('user-1', 'admin'));
    const t = { tokenDigest: 'd1', userUuid: 'user-1', passwordVersion: 1, createdAt: 0, expiresAt: 100 };
    await storage.userTokens.insert(t);
    assert.deepEqual(await storage.userTokens.get('d1'), t);
    assert.equal(await storage.userTokens.purgeExpired(50), 0);
    assert.equal(await storage.userTokens.purgeExpired(100), 1);
    assert.equal(await storage.userTokens.get('d1'), undefined);
  });
});
