// References end to end: every accepted input form, the stored form, output as URLs of the
// request's scheme and host, #name with include_name and in POST/PUT responses, tenant names
// resolved against the real tenants, and stable uuids for names of types this server does not hold.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startTestApp, JSON_HEADERS, ADMIN_PASSWORD, basicAuth, type TestApp } from '../helpers/app.js';
import { listenTls, TLS_CA } from '../helpers/tls.js';

type Doc = Record<string, unknown>;
const COLLECTION = '/api/upgradestatusinfo';
const IMAGE = 'image-1b4e28ba-2fa1-11d2-883f-0016d3cca427';

let t: TestApp;
let tenantUuid: string;
before(async () => {
  t = await startTestApp();
  const tenant = await t.app.inject({
    method: 'POST',
    url: '/api/tenant',
    headers: JSON_HEADERS,
    payload: { name: 't-ref' },
  });
  assert.equal(tenant.statusCode, 201, tenant.body);
  tenantUuid = String((tenant.json() as Doc).uuid);
});
after(async () => {
  await t.close();
});

const HOST = 'controller.example:8443';

function call(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: Doc,
  headers: Record<string, string> = {},
) {
  return t.app.inject({
    method,
    url,
    headers: { ...JSON_HEADERS, host: HOST, ...headers },
    ...(payload ? { payload } : {}),
  });
}

describe('reference forms in and out', () => {
  test('every accepted input form is stored canonically and returned as a URL of the request', async () => {
    const created = await call('POST', COLLECTION, {
      name: 'forms',
      image_ref: `https://other-host:9443/api/image/${IMAGE}#img-31`,
      patch_image_ref: `/api/image/${IMAGE}`,
      previous_image_ref: `api/image/${IMAGE}`,
      se_patch_image_ref: '/api/image/?name=se%20patch',
      previous_patch_image_ref: '/api/image?name=prev-patch',
      obj_cloud_ref: `http://10.0.0.1/api/cloud/cloud-1`,
      seg_status: {
        se_upgrade_completed: ['/api/serviceengine/se-1#se one', '/api/serviceengine/?name=se-2'],
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const body = created.json() as Doc;
    const base = `http://${HOST}`;
    // POST responses carry #name wherever a name is known, and in url.
    assert.equal(body.url, `${base}${COLLECTION}/${String(body.uuid)}#forms`);
    assert.equal(created.headers.location, `${base}${COLLECTION}/${String(body.uuid)}#forms`);
    assert.equal(body.image_ref, `${base}/api/image/${IMAGE}#img-31`);
    assert.equal(body.patch_image_ref, `${base}/api/image/${IMAGE}`);
    assert.equal(body.previous_image_ref, `${base}/api/image/${IMAGE}`);
    assert.match(
      String(body.se_patch_image_ref),
      new RegExp(`^${base}/api/image/image-[0-9a-f-]{36}#se patch$`),
    );
    assert.match(String(body.previous_patch_image_ref), /\/api\/image\/image-[0-9a-f-]{36}#prev-patch$/);
    assert.equal(body.obj_cloud_ref, `${base}/api/cloud/cloud-1`);
    assert.equal(body.tenant_ref, `${base}/api/tenant/admin#admin`);
    const seg = body.seg_status as { se_upgrade_completed: string[] };
    assert.equal(seg.se_upgrade_completed[0], `${base}/api/serviceengine/se-1#se one`);
    assert.match(
      String(seg.se_upgrade_completed[1]),
      /\/api\/serviceengine\/serviceengine-[0-9a-f-]{36}#se-2$/,
    );

    // GET: no #name unless include_name (even empty) asks for it.
    const plain = (await call('GET', `${COLLECTION}/${String(body.uuid)}`)).json() as Doc;
    assert.equal(plain.url, `${base}${COLLECTION}/${String(body.uuid)}`);
    assert.equal(plain.image_ref, `${base}/api/image/${IMAGE}`);
    assert.equal(plain.tenant_ref, `${base}/api/tenant/admin`);
    assert.equal(
      (plain.seg_status as { se_upgrade_completed: string[] }).se_upgrade_completed[0],
      `${base}/api/serviceengine/se-1`,
    );
    const named = (await call('GET', `${COLLECTION}/${String(body.uuid)}?include_name=`)).json() as Doc;
    assert.equal(named.image_ref, body.image_ref);
    assert.equal(named.se_patch_image_ref, body.se_patch_image_ref);
    assert.equal(named.url, body.url);

    // PUT responses carry #name too; what a GET returned goes back unchanged.
    const put = await call('PUT', `${COLLECTION}/${String(body.uuid)}`, { ...plain, progress: 5 });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal((put.json() as Doc).url, body.url);
    assert.equal((put.json() as Doc).tenant_ref, `${base}/api/tenant/admin#admin`);
  });

  test('a name reference to a type this server does not hold gets a stable uuid per tenant', async () => {
    const one = (
      await call('POST', COLLECTION, { name: 'stable-1', obj_cloud_ref: '/api/cloud/?name=Default-Cloud' })
    ).json() as Doc;
    const two = (
      await call('POST', COLLECTION, { name: 'stable-2', obj_cloud_ref: '/api/cloud?name=Default-Cloud' })
    ).json() as Doc;
    assert.equal(one.obj_cloud_ref, two.obj_cloud_ref);
    assert.match(
      String(one.obj_cloud_ref),
      /\/api\/cloud\/cloud-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}#Default-Cloud$/,
    );
    const inOther = (
      await call(
        'POST',
        COLLECTION,
        { name: 'stable-3', obj_cloud_ref: '/api/cloud/?name=Default-Cloud' },
        { 'x-avi-tenant': 't-ref' },
      )
    ).json() as Doc;
    assert.notEqual(inOther.obj_cloud_ref, one.obj_cloud_ref, 'another tenant, another object');
    // The uuid it got finds it in a filter, as does the name.
    const uuid = /\/api\/cloud\/([^#]+)#/.exec(String(one.obj_cloud_ref))?.[1];
    const byUuid = (await call('GET', `${COLLECTION}?obj_cloud_ref.uuid=${uuid}`)).json() as {
      count: number;
    };
    assert.equal(byUuid.count, 2);
  });

  test('tenant references resolve against the real tenants, at any depth', async () => {
    const res = await call('POST', COLLECTION, {
      name: 'tenant-refs',
      tenant_ref: '/api/tenant/?name=t-ref',
      seg_status: { vs_errors: [{ vip_id: '1', tenant_ref: '/api/tenant/?name=t-ref' }] },
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json() as Doc;
    assert.equal(body.tenant_ref, `http://${HOST}/api/tenant/${tenantUuid}#t-ref`);
    assert.deepEqual(
      (body.seg_status as { vs_errors: Doc[] }).vs_errors[0]?.tenant_ref,
      `http://${HOST}/api/tenant/${tenantUuid}#t-ref`,
    );
    const nested = await call('POST', COLLECTION, {
      name: 'tenant-refs-2',
      seg_status: { vs_errors: [{ vip_id: '1', tenant_ref: '/api/tenant/?name=nope' }] },
    });
    assert.equal(nested.statusCode, 400);
    assert.deepEqual(nested.json(), {
      error: "Invalid reference in field 'seg_status.vs_errors[0].tenant_ref': tenant 'nope' does not exist.",
    });
    const placed = await call('POST', COLLECTION, {
      name: 'tenant-refs-3',
      tenant_ref: '/api/tenant/?name=nope',
    });
    assert.equal(placed.statusCode, 403);
    assert.deepEqual(placed.json(), { error: "Tenant 'nope' does not exist!" });
  });

  test('a reference of the wrong type or form is a 400 naming the field path', async () => {
    for (const [payload, path] of [
      [{ obj_cloud_ref: '/api/image/i-1' }, 'obj_cloud_ref'],
      [{ obj_cloud_ref: 'cloud-1' }, 'obj_cloud_ref'],
      [{ obj_cloud_ref: '/api/cloud/../x' }, 'obj_cloud_ref'],
      [{ obj_cloud_ref: '/api/cloud/?name=' }, 'obj_cloud_ref'],
      [
        { seg_status: { se_upgrade_completed: ['/api/serviceengine/se-1', 'javascript:alert(1)'] } },
        'seg_status.se_upgrade_completed[1]',
      ],
    ] as const) {
      const res = await call('POST', COLLECTION, { name: 'bad-ref', ...payload });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(
        (res.json() as { error: string }).error,
        new RegExp(`^Invalid reference in field '${path.replace(/[[\]]/g, '\\$&')}'`),
      );
    }
  });
});

describe('the request scheme', () => {
  let tls: Awaited<ReturnType<typeof listenTls>>;
  before(async () => {
    tls = await listenTls(t);
  });
  after(async () => {
    await tls.close();
  });

  function over(
    method: string,
    path: string,
    body?: Doc,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: Doc }> {
    const { port } = tls;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method,
          ca: TLS_CA,
          servername: 'localhost',
          headers: {
            ...JSON_HEADERS, // with X-Avi-Version
            host: `localhost:${port}`,
            authorization: basicAuth('admin', ADMIN_PASSWORD),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Doc }),
          );
        },
      );
      req.on('error', reject);
      req.end(body ? JSON.stringify(body) : undefined);
    });
  }

  test('over TLS, url, Location, references and next are https URLs of the host used', async () => {
    const { port } = tls;
    const origin = `https://localhost:${port}`;
    const created = await over('POST', COLLECTION, {
      name: 'over-tls',
      image_ref: `http://plain/api/image/${IMAGE}`,
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.url, `${origin}${COLLECTION}/${String(created.body.uuid)}#over-tls`);
    assert.equal(created.headers.location, created.body.url);
    assert.equal(created.body.image_ref, `${origin}/api/image/${IMAGE}`);
    assert.equal(created.headers.avi_api_version, '31.1.1');
    const page = await over('GET', `${COLLECTION}?page_size=1&include_name`);
    assert.equal(page.status, 200);
    assert.match(
      String(page.body.next),
      new RegExp(`^${origin}${COLLECTION}\\?page_size=1&include_name&page=2$`),
    );
    assert.match(
      String((page.body.results as Doc[])[0]?.tenant_ref),
      new RegExp(`^${origin}/api/tenant/admin#admin$`),
    );
  });
});
