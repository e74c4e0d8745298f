// The hostile-input harness: a world of two tenants (alpha and beta) with their users, sessions
// and objects, and `send`, which makes one request and checks what must hold for every request
// whatever it carries: no 5xx (and no crash), every 4xx a JSON {"error": string}, nothing stored
// by a refused request, no prototype pollution, and nothing of tenant beta in any answer to a
// user of tenant alpha (unless the request itself carried it). It counts the requests it made.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { startTestApp, JSON_HEADERS, sampleRecord, type TestApp } from '../helpers/app.js';
import { createTenant, createUser, login, type TestSession, type TestUser } from '../helpers/auth.js';

export interface Seeded {
  uuid: string;
  name: string;
  url: string;
}

export interface World {
  t: TestApp;
  alpha: { uuid: string; name: string; objects: Seeded[] };
  beta: { uuid: string; name: string; objects: Seeded[] };
  /** Tenant-Admin of alpha, Application-Operator of alpha, Tenant-Admin of beta. */
  users: { alphaAdmin: TestUser; alphaOp: TestUser; betaAdmin: TestUser };
  sessions: { alphaAdmin: TestSession; alphaOp: TestSession; betaAdmin: TestSession };
  /** Text that only tenant beta's data holds: no answer to an alpha user may contain it. */
  betaSecrets: string[];
}

/** Who a request acts for, as far as the leak check is concerned. */
export type Viewer = 'alpha' | 'other';

export interface HostileRequest extends InjectOptions {
  /** A short description, for failure messages. */
  label: string;
  /** `alpha`: the answer must hold nothing of tenant beta. */
  viewer?: Viewer;
  /** Send exactly these headers (no admin Basic credentials added when none are given). */
  anonymous?: boolean;
}

const uniq = () => randomBytes(4).toString('hex');

/** Errors that escaped every handler while the harness ran: the server process would have died. */
const crashes: unknown[] = [];
let watching = false;
function watchForCrashes(): void {
  if (watching) return;
  watching = true;
  process.on('uncaughtException', (e) => crashes.push(e));
  process.on('unhandledRejection', (e) => crashes.push(e));
}

/** Failed logins are many here: no lockout gets in the way (the throttle has tests of its own). */
const NO_LOCKOUT = { LOGIN_MAX_FAILURES: '1000', LOGIN_MAX_FAILURES_PER_ADDRESS: '1000' };

export async function buildWorld(): Promise<World> {
  watchForCrashes();
  const t = await startTestApp(NO_LOCKOUT);
  const tag = uniq();
  const alphaName = `alpha-${tag}`;
  const betaName = `zqbeta-${tag}`;
  const alphaUuid = await createTenant(t, alphaName);
  const betaUuid = await createTenant(t, betaName);
  const users = {
    alphaAdmin: await createUser(t, `alpha-admin-${tag}`, [{ role: 'Tenant-Admin', tenant: alphaName }]),
    alphaOp: await createUser(t, `alpha-op-${tag}`, [{ role: 'Application-Operator', tenant: alphaName }]),
    betaAdmin: await createUser(t, `zqbeta-admin-${tag}`, [{ role: 'Tenant-Admin', tenant: betaName }]),
  };
  const seed = async (tenant: string, name: string, uuid: string): Promise<Seeded> => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: { ...JSON_HEADERS, 'x-avi-tenant': tenant },
      payload: sampleRecord({ name, uuid, obj_cloud_ref: `/api/cloud/?name=${name}-cloud` }),
    });
    assert.equal(res.statusCode, 201, res.body);
    return { uuid, name, url: `/api/upgradestatusinfo/${uuid}` };
  };
  const alphaObjects: Seeded[] = [];
  const betaObjects: Seeded[] = [];
  for (let i = 0; i < 3; i++) {
    alphaObjects.push(await seed(alphaName, `alpha-seg-${i}`, `alpha-obj-${tag}-${i}`));
    betaObjects.push(await seed(betaName, `zqbeta-secret-seg-${i}`, `zqbeta-obj-${tag}-${i}`));
  }
  // The same name in both tenants: a lookup by name must still find only the caller's own.
  alphaObjects.push(await seed(alphaName, 'shared-name', `alpha-obj-${tag}-shared`));
  betaObjects.push(await seed(betaName, 'shared-name', `zqbeta-obj-${tag}-shared`));
  const sessions = {
    alphaAdmin: await login(t, users.alphaAdmin.username, users.alphaAdmin.password),
    alphaOp: await login(t, users.alphaOp.username, users.alphaOp.password),
    betaAdmin: await login(t, users.betaAdmin.username, users.betaAdmin.password),
  };
  const betaSecrets = [
    betaUuid,
    betaName,
    users.betaAdmin.uuid,
    users.betaAdmin.username,
    ...betaObjects.map((o) => o.uuid),
    ...betaObjects.filter((o) => o.name !== 'shared-name').map((o) => o.name),
  ];
  return {
    t,
    alpha: { uuid: alphaUuid, name: alphaName, objects: alphaObjects },
    beta: { uuid: betaUuid, name: betaName, objects: betaObjects },
    users,
    sessions,
    betaSecrets,
  };
}

/** What is stored: every object, tenant and user with its version (refused requests keep it). */
export async function storeFingerprint(t: TestApp): Promise<string> {
  const { items } = await t.storage.upgradeStatus.list({
    tenant: null,
    filters: [],
    sort: [],
    offset: 0,
    limit: 100_000,
  });
  const tenants = await t.storage.tenants.list();
  const users = await t.storage.users.list();
  return JSON.stringify([
    items.map((o) => [o.uuid, o.tenant, o.lastModified]),
    tenants.map((x) => [x.uuid, x.name, x.lastModified]),
    users.map((u) => [u.uuid, u.username, u.lastModified, u.passwordVersion]),
  ]);
}

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

/** Nothing was added to the prototypes every object shares. */
export function assertNoPollution(label: string): void {
  const probe: Record<string, unknown> = {};
  for (const key of ['polluted', 'admin', 'isAdmin', 'is_superuser', 'x', 'value']) {
    assert.equal(probe[key], undefined, `${label}: Object.prototype.${key} was set`);
  }
  assert.equal(Object.getOwnPropertyNames(Object.prototype).sort().join(','), PROTOTYPE_NAMES, label);
  assert.equal(Object.getOwnPropertyNames(Array.prototype).includes('polluted'), false, label);
}

/** A 4xx answer must be JSON `{"error": "..."}`. */
export function assertJsonError(status: number, contentType: unknown, body: string, label: string): void {
  assert.match(
    String(contentType),
    /^application\/json/,
    `${label}: ${status} is not JSON: ${body.slice(0, 200)}`,
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    assert.fail(`${label}: ${status} body is not JSON: ${body.slice(0, 200)}`);
  }
  assert.ok(
    typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { error?: unknown }).error === 'string',
    `${label}: ${status} without an error text: ${body.slice(0, 200)}`,
  );
}

function requestText(req: HostileRequest): string {
  const payload = req.payload;
  const body =
    payload === undefined
      ? ''
      : typeof payload === 'string' || Buffer.isBuffer(payload)
        ? String(payload)
        : JSON.stringify(payload);
  return `${String(req.url)} ${JSON.stringify(req.headers ?? {})} ${JSON.stringify(req.query ?? {})} ${body}`;
}

export class Hostile {
  /** Requests made so far (each checked). */
  count = 0;
  /** Text of beta that an accepted alpha request carried (and so may come back later). */
  private readonly plantedByAlpha = new Set<string>();
  constructor(readonly world: World) {}

  /** Checks the invariants on an answer to a request; `before` is the fingerprint taken before it. */
  async check(
    req: Pick<HostileRequest, 'label' | 'viewer'>,
    sent: string,
    res: { status: number; contentType: unknown; body: string; headers: string },
    before: string,
  ): Promise<void> {
    const { label } = req;
    this.count++;
    assert.deepEqual(crashes, [], `${label}: an error escaped every handler`);
    assert.ok(res.status < 500, `${label}: ${res.status} ${res.body.slice(0, 300)}`);
    if (res.status >= 400) {
      assertJsonError(res.status, res.contentType, res.body, label);
      assert.equal(
        await storeFingerprint(this.world.t),
        before,
        `${label}: a refused request changed the store`,
      );
    }
    assertNoPollution(label);
    if (req.viewer === 'alpha') {
      const answer = `${res.headers}\n${res.body}`;
      for (const secret of this.world.betaSecrets) {
        // An echo of the request is no leak, nor is what alpha itself stored earlier.
        if (sent.includes(secret)) {
          if (res.status < 400) this.plantedByAlpha.add(secret);
          continue;
        }
        if (this.plantedByAlpha.has(secret)) continue;
        const at = answer.indexOf(secret);
        const context = answer.slice(Math.max(0, at - 200), at + secret.length + 100);
        assert.ok(at < 0, `${label}: the answer holds tenant beta's '${secret}': …${context}…`);
      }
    }
  }

  /** The server still answers an ordinary request (after everything this harness sent). */
  async assertAlive(): Promise<void> {
    const res = await this.world.t.app.inject({
      method: 'GET',
      url: '/api/upgradestatusinfo?page_size=1',
      headers: JSON_HEADERS,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(crashes, []);
  }

  /** Sends one request through `inject` and checks it. */
  async send(req: HostileRequest): Promise<LightMyRequestResponse> {
    const { label, viewer, anonymous, ...opts } = req;
    const before = await storeFingerprint(this.world.t);
    const inject = anonymous ? this.world.t.anonymous : this.world.t.app.inject.bind(this.world.t.app);
    let res: LightMyRequestResponse;
    try {
      res = await inject(opts);
    } catch (e) {
      assert.fail(`${label}: the request threw ${String(e)}`);
    }
    const check = { label, ...(viewer ? { viewer } : {}) };
    await this.check(
      check,
      requestText(req),
      {
        status: res.statusCode,
        contentType: res.headers['content-type'],
        body: res.body,
        headers: JSON.stringify(res.headers),
      },
      before,
    );
    return res;
  }
}

/** Headers that act as a user over Basic auth, with JSON and the test API version. */
export const basicAs = (user: TestUser, extra: Record<string, string> = {}): Record<string, string> => ({
  ...JSON_HEADERS,
  authorization: user.authorization,
  ...extra,
});
