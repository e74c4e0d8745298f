// `watch` as a child process against an SSE stub (drops, Last-Event-ID, reset, 401, 404,
// --json, --once, --timeout), and against the real server's change stream.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ADMIN_PASSWORD, basicAuth, JSON_HEADERS, sampleRecord } from '../helpers/app.js';
import { lines, runCli, startCliServer, type CliServer } from './harness.js';
import { openStream, sse, startSseStub } from './sse-stub.js';

const g1 = { uuid: 'u1', name: 'g1', progress: 10, state: { state: 'UPGRADE_FSM_IN_PROGRESS' } };

describe('watch against an SSE stub', () => {
  test('one line per event; a dropped stream resumes with Last-Event-ID; reset reloads the list', async () => {
    const stub = await startSseStub(
      (n, _req, res) => {
        openStream(res);
        if (n === 1) {
          res.write(': keep-alive\n\nretry: 50\n\n');
          res.write(sse(1, 'create', g1));
          res.write(sse(2, 'update', { ...g1, progress: 50 }).slice(0, 20)); // split mid-event
          res.write(sse(2, 'update', { ...g1, progress: 50 }).slice(20));
          res.end(); // dropped
        } else {
          res.write(sse(3, 'delete', { uuid: 'u1' }));
          res.write('id: 4\nevent: reset\n\n');
        }
      },
      [{ uuid: 'u2', name: 'g2', progress: 0 }],
    );
    try {
      const r = await runCli(['watch', '--count', '4'], { env: stub.env });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(lines(r.stdout), [
        '[1] create 10% UPGRADE_FSM_IN_PROGRESS g1 u1',
        '[2] update 50% UPGRADE_FSM_IN_PROGRESS g1 u1',
        '[3] delete g1 u1',
        '[4] reset 1 records',
      ]);
      assert.equal(
        r.stderr,
        'avi-upgrade-status: stream interrupted (stream ended); reconnecting in 50 ms\n',
      );
      assert.equal(stub.streams.length, 2);
      assert.equal(stub.streams[0]!['last-event-id'], undefined);
      assert.equal(stub.streams[1]!['last-event-id'], '2');
      for (const h of stub.streams) {
        assert.equal(h.accept, 'text/event-stream');
        assert.equal(h['x-avi-version'], '31.1.1');
        assert.match(String(h.cookie), /sessionid=s1/);
      }
      assert.equal(stub.logouts, 1);
    } finally {
      await stub.close();
    }
  });

  test('--json --once: the first change as a JSON line, then exit', async () => {
    const stub = await startSseStub((_n, _req, res) => {
      openStream(res);
      res.write(sse(7, 'update', g1));
      res.write(sse(8, 'update', g1));
    });
    try {
      const r = await runCli(['watch', '--json', '--once'], { env: stub.env });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        lines(r.stdout).map((l) => JSON.parse(l)),
        [{ id: '7', event: 'update', data: g1 }],
      );
    } finally {
      await stub.close();
    }
  });

  test('--timeout stops a quiet stream with exit 0', async () => {
    const stub = await startSseStub((_n, _req, res) => {
      openStream(res);
      res.write(': nothing yet\n\n');
    });
    try {
      const started = Date.now();
      const r = await runCli(['watch', '--timeout', '0.5'], { env: stub.env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.ok(Date.now() - started < 10_000);
    } finally {
      await stub.close();
    }
  });

  test('a stream refused with 401 logs in again; a malformed event is skipped', async () => {
    const stub = await startSseStub((n, _req, res) => {
      if (n === 1) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error": "expired"}');
        return;
      }
      openStream(res);
      res.write('id: 1\nevent: create\ndata: {not json\n\n');
      res.write(sse(2, 'create', g1));
    });
    try {
      const r = await runCli(['watch', '--once'], { env: stub.env });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(lines(r.stdout), ['[2] create 10% UPGRADE_FSM_IN_PROGRESS g1 u1']);
      assert.equal(r.stderr, 'avi-upgrade-status: skipped event 1 (create): data is not JSON\n');
      assert.equal(stub.logins, 2);
      assert.match(String(stub.streams[1]!.cookie), /sessionid=s2/);
    } finally {
      await stub.close();
    }
  });

  test('no stream (404): one line, exit 1', async () => {
    const stub = await startSseStub((_n, _req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error": "Not found"}');
    });
    try {
      const r = await runCli(['watch'], { env: stub.env });
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        'avi-upgrade-status: 404 Not found (no change stream at /api/upgradestatusinfo/stream)\n',
      );
    } finally {
      await stub.close();
    }
  });
});

describe('watch against the real server', () => {
  let s: CliServer;
  before(async () => {
    s = await startCliServer();
  });
  after(async () => {
    await s.close();
  });

  /** The status and content type of the server's stream route (read without waiting for a body). */
  function probeStream(): Promise<{ status: number; type: string }> {
    return new Promise((resolve, reject) => {
      const req = request(`${s.url}/api/upgradestatusinfo/stream`, {
        headers: { authorization: basicAuth('admin', ADMIN_PASSWORD), 'x-avi-version': '31.1.1' },
      });
      req.once('response', (res) => {
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? '') });
        req.destroy();
      });
      req.once('error', reject);
      req.end();
    });
  }

  test('follows the change stream: the first change after it connects', async () => {
    const probe = await probeStream();
    assert.equal(probe.status, 200);
    assert.match(probe.type, /^text\/event-stream/);
    const running = runCli(['watch', '--once', '--json'], { env: s.env });
    let exited = false;
    void running.then(() => (exited = true));
    for (let i = 0; !exited && i < 100; i++) {
      await s.create(sampleRecord({ name: `live-${i}` }));
      await new Promise((r) => setTimeout(r, 200));
    }
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    const [event] = lines(r.stdout).map((l) => JSON.parse(l) as { event: string; data: { name: string } });
    assert.equal(event!.event, 'create');
    assert.match(event!.data.name, /^live-\d+$/);
  });

  test('updates of the real stream, one line each', async () => {
    const target = await s.create(sampleRecord({ name: 'moving', progress: 0 }));
    const item = `/api/upgradestatusinfo/${String(target.uuid)}`;
    const running = runCli(['watch', '--count', '2'], { env: s.env });
    let exited = false;
    void running.then(() => (exited = true));
    // The watcher connects at some point: keep moving the object until it has seen two changes.
    for (let p = 1; !exited && p <= 20; p++) {
      await s.t.app.inject({
        method: 'PATCH',
        url: item,
        headers: JSON_HEADERS,
        payload: { replace: { progress: p } },
      });
      await new Promise((r) => setTimeout(r, 200));
    }
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.equal(out.length, 2);
    for (const line of out) {
      assert.match(
        line,
        new RegExp(`^\\[\\d+\\] update \\d+% UPGRADE_FSM_IN_PROGRESS moving ${String(target.uuid)}$`),
      );
    }
  });
});
