// Graceful shutdown of a real server process with event streams open: the streams neither count
// as work in flight nor hold the shutdown up (SHUTDOWN_TIMEOUT_SECONDS is far longer here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestDatabase } from '../helpers/database.js';
import { openSse } from '../helpers/sse.js';
import { startServer, stopServer } from './server-process.js';

const PASSWORD = 'stream-shutdown-password';

test('SIGTERM ends open streams and exits at once', async (t) => {
  const db = await createTestDatabase();
  t.after(() => db.close());
  const server = await startServer({
    DATABASE_URL: db.url,
    ADMIN_PASSWORD: PASSWORD,
    SHUTDOWN_TIMEOUT_SECONDS: '60',
    LOG_LEVEL: 'info',
  });
  t.after(() => stopServer(server, 'SIGKILL'));
  const auth = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
  const streams = await Promise.all(
    [1, 2, 3].map(() =>
      openSse(`${server.url}/api/upgradestatusinfo/stream?version=31.1.1`, { authorization: auth }),
    ),
  );
  for (const s of streams) assert.equal(s.status, 200);
  const started = Date.now();
  const code = await stopServer(server, 'SIGTERM');
  const took = Date.now() - started;
  assert.equal(code, 0, server.output());
  assert.ok(took < 5000, `stopped in ${took} ms`);
  await Promise.all(streams.map((s) => s.ended));
  const shutting = server.logs().find((l) => l.msg === 'shutting down');
  assert.equal(shutting?.inFlight, 0, 'streams are not work in flight');
});
