// The reboot window: while the controllers reboot every API call answers 503 (the simulator's own
// API excepted); /api/initial-data answers first; sessions opened before the reboot are over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, VERSION_HEADERS, type TestApp } from '../helpers/app.js';
import { login } from '../helpers/auth.js';
import { createFleet, imageByName, ok, runToEnd, simulatorApp, steps } from './harness.js';

const TARGET = '31.1.1-9122-20240815.041503';

const status = async (t: TestApp, url: string, headers: Record<string, string> = {}): Promise<number> =>
  (await t.app.inject({ method: 'GET', url, headers: { ...VERSION_HEADERS, ...headers } })).statusCode;

test('503 while the controllers reboot, initial-data first, then old sessions get 401', async () => {
  const t = await simulatorApp({ SIMULATOR_REBOOT_SECONDS: '240' });
  try {
    const fleet = await createFleet(t);
    const session = await login(t, 'admin', ADMIN_PASSWORD);
    t.clock.advance(1000);
    await ok(t, 'POST', '/api/upgrade', {
      image_uuid: imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET),
      system: true,
    });
    let n = 0;
    while ((await status(t, '/api/initial-data')) === 200) {
      assert.equal(await steps(t, 1), 1, 'the reboot comes');
      n++;
      assert.ok(n < 100);
    }
    const down = await t.app.inject({
      method: 'GET',
      url: '/api/upgradestatusinfo',
      headers: VERSION_HEADERS,
    });
    assert.equal(down.statusCode, 503);
    assert.match(down.json().error as string, /rebooting/);
    assert.equal(down.headers['retry-after'], '10');
    assert.equal(await status(t, '/api/cluster/status'), 503);
    assert.equal(
      (
        await t.anonymous({
          method: 'POST',
          url: '/login',
          payload: { username: 'admin', password: ADMIN_PASSWORD },
        })
      ).statusCode,
      503,
    );
    assert.equal(await status(t, '/api/simulator/status'), 200, 'the simulator itself stays reachable');

    await steps(t, 1); // the reboot is over; the nodes come back
    assert.equal(await status(t, '/api/initial-data'), 200);
    assert.equal(await status(t, '/api/cluster/status'), 200);
    assert.equal(await status(t, '/api/upgradestatusinfo'), 503);

    await steps(t, 1);
    assert.equal(await status(t, '/api/upgradestatusinfo'), 200);
    assert.equal(await status(t, '/api/upgradestatusinfo', session.read), 401, 'the old session is over');
    assert.equal(await status(t, '/api/upgradestatusinfo', session.read), 401);
    const fresh = await login(t, 'admin', ADMIN_PASSWORD);
    assert.equal(await status(t, '/api/upgradestatusinfo', fresh.read), 200);
    await runToEnd(t);
    assert.equal(await status(t, '/api/upgradestatusinfo', fresh.read), 200);
  } finally {
    await t.close();
  }
});

test('SIMULATOR_REBOOT_SECONDS=0: no reboot window', async () => {
  const t = await simulatorApp({ SIMULATOR_REBOOT_SECONDS: '0' });
  try {
    const fleet = await createFleet(t);
    await ok(t, 'POST', '/api/upgrade', { image_uuid: imageByName(fleet, 'IMAGE_TYPE_SYSTEM', TARGET) });
    for (let i = 0; i < 40; i++) {
      assert.equal(await status(t, '/api/initial-data'), 200);
      if ((await steps(t, 1)) === 0) break;
    }
  } finally {
    await t.close();
  }
});
