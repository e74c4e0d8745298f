// The real-time clock: simulated time = real time × SIMULATOR_SPEED; the clock can be switched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFleet, imageByName, ok, record, simulatorApp, stateOf, type Doc } from './harness.js';

test('in real time a system upgrade runs by itself, sped up', async () => {
  const t = await simulatorApp({ SIMULATOR_CLOCK: 'realtime', SIMULATOR_SPEED: '5000' });
  try {
    const fleet = await createFleet(t);
    const began = Date.now();
    await ok(t, 'POST', '/api/upgrade', {
      image_uuid: imageByName(fleet, 'IMAGE_TYPE_SYSTEM', '31.1.1-9122-20240815.041503'),
      system: true,
    });
    let run: Doc | null = null;
    while (Date.now() - began < 20_000) {
      run = (await ok(t, 'GET', '/api/simulator/status')).run as Doc;
      if (run.status !== 'running') break;
      await sleep(50);
    }
    assert.equal(run?.status, 'completed');
    const cluster = await record(t, fleet.cluster.uuid);
    assert.equal(stateOf(cluster), 'UPGRADE_FSM_COMPLETED');
    const simulated = cluster.duration as number;
    const real = (Date.now() - began) / 1000;
    assert.ok(simulated / 5000 <= real + 0.5, `simulated ${simulated}s in ${real}s of real time`);
    const clock = await ok(t, 'POST', '/api/simulator/clock', { steps: 1 }).catch((e: unknown) => e);
    assert.ok(clock instanceof Error, 'steps need the step clock');
    const switched = await ok(t, 'POST', '/api/simulator/clock', { mode: 'step' });
    assert.equal(switched.clock, 'step');
  } finally {
    await t.close();
  }
});
