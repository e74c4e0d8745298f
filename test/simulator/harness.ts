// Shared steps of the simulator tests: an app with the simulator on the step clock, a fleet,
// JSON calls, and reading the records back.
import assert from 'node:assert/strict';
import { startTestApp, JSON_HEADERS, type TestApp } from '../helpers/app.js';
import { UpgradeStatusInfo } from '../../src/domain/schema/index.js';
import { validateBody } from '../../src/domain/validation/validate.js';

export type Doc = Record<string, unknown>;

export async function simulatorApp(env: Record<string, string> = {}): Promise<TestApp> {
  // No reboot window unless a test asks for one: reading records at every step must not meet a 503.
  return startTestApp({ SIMULATOR: 'on', SIMULATOR_CLOCK: 'step', SIMULATOR_REBOOT_SECONDS: '0', ...env });
}

export async function call(
  t: TestApp,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<{ status: number; json: Doc }> {
  const res = await t.app.inject({
    method,
    url,
    headers: JSON_HEADERS,
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, json: res.body === '' ? {} : (JSON.parse(res.body) as Doc) };
}

export async function ok(
  t: TestApp,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  status = 200,
): Promise<Doc> {
  const res = await call(t, method, url, body);
  assert.equal(res.status, status, JSON.stringify(res.json));
  return res.json;
}

export interface FleetInfo {
  cluster: { uuid: string; name: string; nodes: string[] };
  se_groups: { uuid: string; name: string; ses: { uuid: string; name: string }[] }[];
  images: { uuid: string; name: string; type: string; base?: string }[];
}

export async function createFleet(t: TestApp, body: Doc = {}): Promise<FleetInfo> {
  return (await ok(
    t,
    'POST',
    '/api/simulator/fleet',
    { seed: 'test-seed', ...body },
    201,
  )) as unknown as FleetInfo;
}

/** Every record, in list order, as stored (no URLs), each checked against the model. */
export async function records(t: TestApp): Promise<Doc[]> {
  const list = await ok(t, 'GET', '/api/upgradestatusinfo?page_size=1000');
  const items = list.results as Doc[];
  for (const item of items) {
    const copy = { ...item };
    delete copy.url;
    delete copy._last_modified;
    validateBody(UpgradeStatusInfo, copy);
  }
  return items;
}

export async function record(t: TestApp, uuid: string): Promise<Doc> {
  return ok(t, 'GET', `/api/upgradestatusinfo/${uuid}`);
}

export async function steps(t: TestApp, n: number): Promise<number> {
  const res = await ok(t, 'POST', '/api/simulator/clock', { steps: n });
  return res.steps as number;
}

/** Steps until the run is no longer running (or `max` steps). */
export async function runToEnd(t: TestApp, max = 2000): Promise<Doc> {
  for (let i = 0; i < max; i += 50) {
    const res = await ok(t, 'POST', '/api/simulator/clock', { steps: 50 });
    const run = res.run as Doc | null;
    if (!run || run.status !== 'running') return res;
  }
  throw new Error('the run did not end');
}

export const stateOf = (doc: Doc): string => String((doc.state as Doc | undefined)?.state);
export const segOf = (doc: Doc): Doc => (doc.seg_status ?? {}) as Doc;
export const imageByName = (fleet: FleetInfo, type: string, base?: string): string =>
  (
    fleet.images.find((i) => i.type === type && (base === undefined || (i.base ?? i.name) === base)) as {
      uuid: string;
    }
  ).uuid;
