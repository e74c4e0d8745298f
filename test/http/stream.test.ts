// GET /api/upgradestatusinfo/stream on a real listening server (both databases): one event per
// create, update and delete, in order, each object as GET presents it to the caller (its API
// version); resumption with Last-Event-ID without a gap or a repeat; `reset` when the changes to
// resume from are no longer kept; credentials as on every read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSse } from '../helpers/sse.js';
import { login } from '../helpers/auth.js';
import { ADMIN, data, kinds, listeningApp, STREAM } from '../helpers/stream-app.js';

describe('change stream', () => {
  it('refuses a request without credentials (401), like every other read; HEAD has no stream', async (t) => {
    const app = await listeningApp(t);
    const s = await openSse(app.url + STREAM);
    assert.equal(s.status, 401);
    assert.match(s.text, /Authentication credentials were not provided/);
    const head = await fetch(app.url + STREAM, { method: 'HEAD', headers: { authorization: ADMIN } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const bad = await openSse(app.url + STREAM, { authorization: ADMIN, 'last-event-id': 'abc' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Last-Event-ID/);
  });

  it('sends create, update and delete in order, each object as GET presents it', async (t) => {
    const app = await listeningApp(t);
    const s = await app.stream();
    assert.equal(s.status, 200);
    assert.equal(s.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(s.headers['cache-control'], 'no-cache, no-transform');
    assert.equal(s.headers.avi_api_version, '31.1.1');
    const uuid = await app.create({ progress: 10 });
    const created = await s.next();
    assert.equal(created.event, 'create');
    assert.deepEqual(data(created), await app.get(uuid));
    await app.patch(uuid, { replace: { progress: 55 } });
    const updated = await s.next();
    assert.equal(updated.event, 'update');
    assert.equal(data(updated).progress, 55);
    assert.deepEqual(data(updated), await app.get(uuid));
    await app.remove(uuid);
    const deleted = await s.next();
    assert.equal(deleted.event, 'delete');
    assert.deepEqual(data(deleted), { uuid });
    const ids = [created, updated, deleted].map((e) => Number(e.id));
    assert.ok(ids[0]! < ids[1]! && ids[1]! < ids[2]!, `ids ${ids.join(',')} increase`);
    assert.match(s.raw(), /^retry: \d+\n/);
  });

  it('sends an update only while its object exists; the delete follows', async (t) => {
    const app = await listeningApp(t);
    const a = await app.create();
    const s = await app.stream();
    await app.patch(a, { replace: { progress: 1 } });
    await app.remove(a);
    const events = [await s.next()];
    while (events.at(-1)?.event !== 'delete') events.push(await s.next());
    assert.ok(events.length <= 2);
    // Read in one batch after the delete, the update is skipped; read before it, it shows the object.
    for (const e of events.slice(0, -1)) assert.deepEqual([e.event, data(e).progress], ['update', 1]);
    assert.deepEqual(data(events.at(-1)!), { uuid: a });
  });

  it('filters each object by the version asked (header, or ?version= for EventSource)', async (t) => {
    const app = await listeningApp(t);
    const old = await app.stream(`${STREAM}?version=18.2.6`, { authorization: ADMIN });
    const byHeader = await app.stream(STREAM, { authorization: ADMIN, 'x-avi-version': '18.2.6' });
    const uuid = await app.create({ reason: 'newer than 18.2.6', progress: 5 });
    const [viaQuery, viaHeader] = [await old.next(), await byHeader.next()];
    const expected = await app.get(uuid, { 'x-avi-version': '18.2.6' });
    assert.equal(expected.reason, undefined);
    assert.equal(expected.progress, undefined, 'progress came in 18.2.8');
    assert.deepEqual(data(viaQuery), expected);
    assert.deepEqual(data(viaHeader), expected);
    assert.equal(old.headers.avi_api_version, '18.2.6');
    const bad = await openSse(`${app.url}${STREAM}?version=99.1`, { authorization: ADMIN });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Invalid version/);
  });

  it('resumes after Last-Event-ID (header or query) with every missed change, none twice', async (t) => {
    const app = await listeningApp(t);
    const first = await app.stream();
    const a = await app.create();
    const b = await app.create();
    const seen = await first.take(2);
    first.close();
    // Missed while disconnected: an update, a create, a delete.
    await app.patch(a, { replace: { progress: 77 } });
    const c = await app.create();
    await app.remove(b);
    const resumeFrom = seen[1]!.id as string;
    const expected: [string, unknown][] = [
      ['update', a],
      ['create', c],
      ['delete', b],
    ];
    for (const how of ['header', 'query'] as const) {
      const again =
        how === 'header'
          ? await app.stream(STREAM, {
              authorization: ADMIN,
              'x-avi-version': '31.1.1',
              'last-event-id': resumeFrom,
            })
          : await app.stream(`${STREAM}?last_event_id=${resumeFrom}&version=31.1.1`, {
              authorization: ADMIN,
            });
      const missed = await again.take(expected.length);
      assert.deepEqual(kinds(missed), expected, how);
      assert.ok(missed.every((e) => Number(e.id) > Number(resumeFrom)));
      const ids = missed.map((e) => Number(e.id));
      assert.deepEqual(
        ids,
        [...new Set(ids)].sort((x, y) => x - y),
        'in order, none twice',
      );
      await again.quiet(200);
      // ... and goes on live.
      await app.patch(c, { replace: { progress: 3 } });
      const live = await again.next();
      assert.deepEqual(kinds([live]), [['update', c]]);
      assert.ok(Number(live.id) > ids.at(-1)!);
      expected.push(['update', c]); // the next resumption replays it too
      again.close();
    }
  });

  it('sends reset when the changes to resume from are no longer kept, or unknown', async (t) => {
    const app = await listeningApp(t);
    const s = await app.stream();
    for (let i = 0; i < 3; i++) await app.create();
    const events = await s.take(3);
    const newest = events[2]!.id as string;
    // The oldest two changes removed, as CHANGES_KEPT removes old ones.
    await app.database.exec(`DELETE FROM upgrade_status_changes WHERE seq <= ${Number(events[1]!.id)}`);
    for (const lastId of [events[0]!.id as string, '0', String(Number(newest) + 1000)]) {
      const r = await app.stream(STREAM, {
        authorization: ADMIN,
        'x-avi-version': '31.1.1',
        'last-event-id': lastId,
      });
      const reset = await r.next();
      assert.equal(reset.event, 'reset', `after ${lastId}`);
      assert.equal(reset.data, '{}');
      assert.equal(reset.id, newest, 'a reconnection resumes from the newest change');
      await r.quiet(150);
      r.close();
    }
    // Resuming from the newest kept one is fine: nothing to replay, no reset.
    const ok = await app.stream(STREAM, {
      authorization: ADMIN,
      'x-avi-version': '31.1.1',
      'last-event-id': events[1]!.id as string,
    });
    assert.deepEqual(kinds(await ok.take(1)), [['create', data(events[2]!).uuid]]);
  });

  it('authenticates an EventSource by its session cookies, and sends nothing else', async (t) => {
    const app = await listeningApp(t);
    const session = await login(app, 'admin', app.config.adminPassword ?? '');
    const s = await app.stream(`${STREAM}?version=31.1.1`, { cookie: session.cookie });
    assert.equal(s.status, 200);
    const uuid = await app.create();
    assert.deepEqual(kinds([await s.next()]), [['create', uuid]]);
    const url = data(s.events[0]!).url as string;
    assert.ok(url.startsWith(`${app.url}/api/upgradestatusinfo/`), url);
  });

  it('ends open streams when the server closes, without waiting for them', async (t) => {
    const app = await listeningApp(t);
    const s = await app.stream();
    const started = Date.now();
    await app.app.close();
    await s.ended;
    assert.ok(Date.now() - started < 3000, 'closing took under 3 s');
  });
});
