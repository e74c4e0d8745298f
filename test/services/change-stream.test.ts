// The change stream's engine against an in-memory feed and store: one watcher for any number of
// clients, each changed object read once per batch, keep-alives, clients dropped when they fall
// behind or may no longer read, recovery after the feed failed, and close.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChangeStream, needsReset, type StreamClient } from '../../src/services/change-stream.js';
import type { Change, ChangeFeed, StoredObject } from '../../src/storage/types.js';

class MemoryFeed implements ChangeFeed {
  changes: Change[] = [];
  listeners = new Set<() => void>();
  failing = false;
  afterCalls = 0;
  async after(seq: number, limit: number): Promise<Change[]> {
    this.afterCalls++;
    if (this.failing) throw new Error('database down');
    return this.changes.filter((c) => c.seq > seq).slice(0, limit);
  }
  async bounds() {
    return { oldest: this.changes[0]?.seq ?? 0, newest: this.changes.at(-1)?.seq ?? 0 };
  }
  watch(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  push(kind: Change['kind'], uuid: string, tenant = 'admin'): void {
    this.changes.push({ seq: (this.changes.at(-1)?.seq ?? 0) + 1, kind, uuid, tenant });
    for (const l of this.listeners) l();
  }
}

class MemoryStore {
  objects = new Map<string, StoredObject>();
  gets = 0;
  async get(uuid: string, tenant: string | null) {
    this.gets++;
    const o = this.objects.get(uuid);
    return o && (tenant === null || o.tenant === tenant) ? o : undefined;
  }
  put(uuid: string, tenant = 'admin', progress = 0): void {
    this.objects.set(uuid, { uuid, tenant, lastModified: '1', body: { uuid, progress } });
  }
}

class TestClient implements StreamClient {
  text = '';
  ended = false;
  full = false;
  allowed = true;
  constructor(readonly tenant: string | null = 'admin') {}
  present(obj: StoredObject): string {
    return JSON.stringify(obj.body);
  }
  write(text: string): boolean {
    this.text += text;
    return !this.full;
  }
  end(): void {
    this.ended = true;
  }
  async stillAllowed(): Promise<boolean> {
    return this.allowed;
  }
  events(): string[] {
    return [...this.text.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
  }
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

function setup(opts: ConstructorParameters<typeof ChangeStream>[2] = {}) {
  const feed = new MemoryFeed();
  const store = new MemoryStore();
  const stream = new ChangeStream(feed, store, opts);
  return { feed, store, stream };
}

describe('ChangeStream', () => {
  it('watches once for every client, and reads each changed object once per batch', async () => {
    const { feed, store, stream } = setup();
    const clients = Array.from({ length: 50 }, () => new TestClient());
    for (const c of clients) await stream.subscribe(c);
    assert.equal(feed.listeners.size, 1);
    store.put('a', 'admin', 5);
    feed.push('create', 'a');
    feed.push('update', 'a');
    await tick();
    assert.equal(store.gets, 1, 'one read of `a` for 50 clients and two changes');
    for (const c of clients)
      assert.deepEqual(c.events(), ['create {"uuid":"a","progress":5}', 'update {"uuid":"a","progress":5}']);
    assert.match(clients[0]!.text, /^id: 0\n\nid: 1\nevent: create/);
  });

  it('skips changes of other tenants, and a create or update whose object is gone', async () => {
    const { feed, store, stream } = setup();
    const admin = new TestClient('admin');
    const all = new TestClient(null);
    await stream.subscribe(admin);
    await stream.subscribe(all);
    store.put('b', 'tenant-b');
    feed.push('create', 'b', 'tenant-b');
    feed.push('update', 'gone');
    feed.push('delete', 'gone');
    await tick();
    assert.deepEqual(admin.events(), ['delete {"uuid":"gone"}']);
    assert.deepEqual(all.events(), ['create {"uuid":"b","progress":0}', 'delete {"uuid":"gone"}']);
  });

  it('replays after Last-Event-ID, or sends reset when those changes are not kept', async () => {
    const { feed, store, stream } = setup();
    store.put('a');
    for (let i = 0; i < 5; i++) feed.push('update', 'a');
    const resumed = new TestClient();
    const sub = await stream.subscribe(resumed, 3);
    assert.equal(sub.start, 5);
    assert.deepEqual(resumed.text.match(/^id: \d+$/gm), ['id: 4', 'id: 5', 'id: 5']);
    feed.changes.splice(0, 2); // 1 and 2 no longer kept
    const late = new TestClient();
    await stream.subscribe(late, 1);
    assert.equal(late.text, 'id: 5\nevent: reset\ndata: {}\n\n');
    assert.equal(needsReset(2, { oldest: 3, newest: 5 }), false);
    assert.equal(needsReset(1, { oldest: 3, newest: 5 }), true);
    assert.equal(needsReset(6, { oldest: 3, newest: 5 }), true);
    assert.equal(needsReset(0, { oldest: 0, newest: 0 }), false);
  });

  it('sends keep-alives, and drops clients that may no longer read or do not keep up', async () => {
    const { feed, store, stream } = setup({ heartbeatMs: 20 });
    const fine = new TestClient();
    const revoked = new TestClient();
    const slow = new TestClient();
    for (const c of [fine, revoked, slow]) await stream.subscribe(c);
    await tick(50);
    assert.match(fine.text, /: keep-alive\n\n/);
    revoked.allowed = false;
    slow.full = true;
    store.put('a');
    feed.push('create', 'a');
    await tick(60);
    assert.deepEqual([fine.ended, revoked.ended, slow.ended], [false, true, true]);
    assert.equal(stream.size, 1);
  });

  it('goes on after the feed failed, from where it was', async () => {
    const errors: unknown[] = [];
    const { feed, store, stream } = setup({ retryMs: 20, onError: (e) => errors.push(e) });
    const c = new TestClient();
    await stream.subscribe(c);
    store.put('a');
    feed.failing = true;
    feed.push('create', 'a');
    await tick(30);
    assert.ok(errors.length >= 1);
    feed.failing = false;
    await tick(60);
    assert.deepEqual(c.events(), ['create {"uuid":"a","progress":0}']);
  });

  it('stops watching when the last client leaves; close ends every stream', async () => {
    const { feed, stream } = setup();
    const a = new TestClient();
    const sub = await stream.subscribe(a);
    sub.close();
    assert.equal(feed.listeners.size, 0);
    const b = new TestClient();
    await stream.subscribe(b);
    stream.close();
    assert.equal(b.ended, true);
    assert.equal(feed.listeners.size, 0);
    await assert.rejects(stream.subscribe(new TestClient()), /closed/);
  });
});
