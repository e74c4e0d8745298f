// The list query language end to end, over a small known data set: fields, skip_default,
// include_name, name and uuid filters, equality at any depth, search, reference filters, the
// cloud aliases, refers_to / referred_by, multi-key sort, exclude, combinations, unknown
// parameters, and hostile values (a 400 or an empty match, never a 5xx).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, JSON_HEADERS, VERSION_HEADERS, type TestApp } from '../helpers/app.js';

type Doc = Record<string, unknown>;
interface Page {
  count: number;
  results: Doc[];
  next?: string;
}

const COLLECTION = '/api/upgradestatusinfo';
const CLOUD_A = 'cloud-aaaaaaaa-0000-4000-8000-000000000001';

/** The data set, created in this order (so creation order is this order). */
const RECORDS: Doc[] = [
  {
    uuid: 'q-alpha',
    name: 'alpha-group',
    node_type: 'NODE_SE_GROUP',
    obj_cloud_ref: `https://controller.example/api/cloud/${CLOUD_A}#Cloud-A`,
    progress: 10,
    system: true,
    state: { state: 'UPGRADE_FSM_IN_PROGRESS' },
    image_ref: '/api/image/?name=img-31',
    upgrade_events: [{ task_name: 'PreUpgradeHooks', sub_events: [{ message: 'hooks ran', status: true }] }],
    seg_status: { notes: ['needs reboot'], se_upgrade_completed: ['/api/serviceengine/se-1'] },
  },
  {
    uuid: 'q-beta',
    name: 'Beta_group',
    node_type: 'NODE_SE_GROUP',
    obj_cloud_ref: '/api/cloud/?name=Cloud-B',
    progress: 50,
    enable_rollback: true,
    state: { state: 'UPGRADE_FSM_ERROR', reason: 'image missing' },
    upgrade_events: [{ task_name: 'MigrateConfig' }],
    version: '22.1.6',
  },
  {
    uuid: 'q-gamma',
    name: 'gamma-se',
    node_type: 'NODE_SE_TYPE',
    obj_cloud_ref: `/api/cloud/${CLOUD_A}`,
    progress: 100,
    system: false,
    state: { state: 'UPGRADE_FSM_COMPLETED' },
    image_ref: '/api/image/?name=img-31',
  },
  {
    uuid: 'q-delta',
    name: 'delta%cluster',
    node_type: 'NODE_CONTROLLER_CLUSTER',
    progress: 50,
    state: { state: 'UPGRADE_FSM_COMPLETED' },
  },
  {
    uuid: 'q-epsilon',
    name: 'epsilon',
    node_type: 'NODE_SE_GROUP',
    obj_cloud_ref: '/api/cloud/?name=Cloud-B',
    reason: 'checks failed',
  },
  {
    uuid: 'q-obrien',
    name: "O'Brien",
    node_type: 'NODE_SE_TYPE',
    progress: 75,
    statediff_ref: '/api/statediffoperation/sd-1',
  },
];
const ALL = RECORDS.length;

let t: TestApp;
before(async () => {
  t = await startTestApp();
  for (const record of RECORDS) {
    const res = await t.app.inject({
      method: 'POST',
      url: COLLECTION,
      headers: JSON_HEADERS,
      payload: record,
    });
    assert.equal(res.statusCode, 201, res.body);
  }
});
after(async () => {
  await t.close();
});

const get = (url: string): Promise<LightMyRequestResponse> =>
  t.app.inject({ method: 'GET', url, headers: VERSION_HEADERS });

/** The page a list query answers (asserting a 200). */
async function list(query: string): Promise<Page> {
  const res = await get(`${COLLECTION}?${query}`);
  assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
  return res.json() as Page;
}

/** The uuids a query matches, in answer order (one page of up to 1000). */
async function uuids(query: string): Promise<string[]> {
  const page = await list(`${query}&page_size=1000`);
  assert.equal(page.count, page.results.length, query);
  return page.results.map((r) => String(r.uuid));
}

/** Asserts the matches as a set (order ignored). */
async function matches(query: string, expected: string[], why = ''): Promise<void> {
  assert.deepEqual((await uuids(query)).sort(), [...expected].sort(), `${query} ${why}`);
}

async function badRequest(query: string, param: string): Promise<void> {
  const res = await get(`${COLLECTION}?${query}`);
  assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
  assert.ok((res.json() as { error: string }).error.includes(param), `${query}: ${res.body}`);
}

const q = encodeURIComponent;

describe('presentation parameters', () => {
  test('fields=a,b keeps only those, plus url, uuid and name, in lists and single reads', async () => {
    const page = await list('fields=progress,node_type&uuid=q-beta');
    assert.deepEqual(Object.keys(page.results[0] as Doc).sort(), [
      'name',
      'node_type',
      'progress',
      'url',
      'uuid',
    ]);
    const one = (await get(`${COLLECTION}/q-beta?fields=state`)).json() as Doc;
    assert.deepEqual(Object.keys(one).sort(), ['name', 'state', 'url', 'uuid']);
    assert.deepEqual(one.state, { state: 'UPGRADE_FSM_ERROR', reason: 'image missing' });
    const onlyAlways = (await get(`${COLLECTION}/q-beta?fields=name,uuid`)).json() as Doc;
    assert.deepEqual(Object.keys(onlyAlways).sort(), ['name', 'url', 'uuid']);
    await badRequest('fields=progress,nosuchfield', 'fields');
    const single = await get(`${COLLECTION}/q-beta?fields=state.state`);
    assert.equal(single.statusCode, 400);
  });

  test('skip_default=true leaves out values equal to their default', async () => {
    const plain = (await get(`${COLLECTION}/q-epsilon`)).json() as Doc;
    assert.equal(plain.enable_rollback, false);
    assert.equal(plain.progress, 0);
    const skipped = (await get(`${COLLECTION}/q-epsilon?skip_default=true`)).json() as Doc;
    assert.equal(Object.hasOwn(skipped, 'enable_rollback'), false);
    assert.equal(Object.hasOwn(skipped, 'progress'), false);
    assert.equal(skipped.reason, 'checks failed');
    const beta = (await list('uuid=q-beta&skip_default=true')).results[0] as Doc;
    assert.equal(beta.enable_rollback, true, 'a non-default value stays');
    assert.equal(Object.hasOwn(beta, 'enable_patch_rollback'), false);
    const off = (await get(`${COLLECTION}/q-epsilon?skip_default=false`)).json() as Doc;
    assert.equal(off.progress, 0);
  });

  test('include_name adds #name to url and every named reference, in lists and single reads', async () => {
    const [alpha] = (await list('uuid=q-alpha&include_name')).results as Doc[];
    assert.equal(alpha?.url, 'http://localhost:80/api/upgradestatusinfo/q-alpha#alpha-group');
    assert.equal(alpha?.obj_cloud_ref, `http://localhost:80/api/cloud/${CLOUD_A}#Cloud-A`);
    assert.match(String(alpha?.image_ref), /^http:\/\/localhost:80\/api\/image\/image-[0-9a-f-]+#img-31$/);
    assert.equal(alpha?.tenant_ref, 'http://localhost:80/api/tenant/admin#admin');
    const one = (await get(`${COLLECTION}/q-beta?include_name=true`)).json() as Doc;
    assert.match(String(one.obj_cloud_ref), /\/api\/cloud\/cloud-[0-9a-f-]+#Cloud-B$/);
    const without = (await get(`${COLLECTION}/q-beta`)).json() as Doc;
    assert.match(String(without.obj_cloud_ref), /\/api\/cloud\/cloud-[0-9a-f-]+$/);
    assert.equal(without.url, 'http://localhost:80/api/upgradestatusinfo/q-beta');
  });
});

describe('filters', () => {
  test('name, name.contains, name.icontains, name.in', async () => {
    await matches('name=alpha-group', ['q-alpha']);
    await matches('name=Alpha-Group', []);
    await matches(`name=${q("O'Brien")}`, ['q-obrien']);
    await matches('name.contains=group', ['q-alpha', 'q-beta']);
    await matches('name.contains=GROUP', []);
    await matches('name.icontains=GROUP', ['q-alpha', 'q-beta']);
    await matches('name.in=alpha-group,epsilon,nosuch', ['q-alpha', 'q-epsilon']);
    await matches('name.in=', []);
  });

  test('wildcards of SQL LIKE are plain characters', async () => {
    await matches(`name.contains=${q('%')}`, ['q-delta']);
    await matches('name.contains=_', ['q-beta']);
    await matches(`name.icontains=${q('A%C')}`, ['q-delta']);
    await matches(`search=${q('(name,%)')}`, ['q-delta']);
    await matches(`name=${q('delta%')}`, []);
  });

  test('uuid and uuid.in', async () => {
    await matches('uuid=q-gamma', ['q-gamma']);
    await matches('uuid.in=q-gamma,q-obrien,q-none', ['q-gamma', 'q-obrien']);
  });

  test('equality on scalar fields, nested by dotted path and through lists, typed by the model', async () => {
    await matches('node_type=NODE_SE_GROUP', ['q-alpha', 'q-beta', 'q-epsilon']);
    await matches('progress=50', ['q-beta', 'q-delta']);
    await matches('progress=0', ['q-epsilon']);
    await matches('progress.in=0,100', ['q-epsilon', 'q-gamma']);
    await matches('system=true', ['q-alpha']);
    await matches('system=FALSE', ['q-gamma']);
    await matches('enable_rollback=true', ['q-beta']);
    await matches('version=22.1.6', ['q-beta']);
    await matches('state.state=UPGRADE_FSM_COMPLETED', ['q-gamma', 'q-delta']);
    await matches(`state.reason=${q('image missing')}`, ['q-beta']);
    await matches('upgrade_events.task_name=MigrateConfig', ['q-beta']);
    await matches(`upgrade_events.sub_events.message=${q('hooks ran')}`, ['q-alpha']);
    await matches(`seg_status.notes=${q('needs reboot')}`, ['q-alpha']);
    await matches('reason.contains=checks', ['q-epsilon']);
  });

  test('a known filter with a malformed value is a 400 naming it', async () => {
    for (const [query, param] of [
      ['progress=abc', 'progress'],
      ['progress=101', 'progress'],
      ['progress=-1', 'progress'],
      ['progress=1.5', 'progress'],
      ['progress=1e2', 'progress'],
      ['progress.in=1,x', 'progress.in'],
      ['system=maybe', 'system'],
      ['node_type=NODE_BOGUS', 'node_type'],
      ['state.state=BOGUS', 'state.state'],
      ['state=x', 'state'],
      ['upgrade_events=x', 'upgrade_events'],
      ['progress.contains=1', 'progress.contains'],
      ['name.uuid=x', 'name.uuid'],
      ['page=0', 'page'],
      ['page_size=x', 'page_size'],
    ]) {
      await badRequest(query as string, param as string);
    }
  });

  test('search=(field,value): dotted paths, bare member names at any depth, presence, any-of, isearch', async () => {
    await matches(`search=${q('(name,alpha)')}`, ['q-alpha']);
    await matches(`search=${q('(state.state,ERROR)')}`, ['q-beta']);
    await matches(`search=${q('(task_name,Migrate)')}`, ['q-beta']);
    await matches(`search=${q('(state.reason,image)')}`, ['q-beta']);
    await matches(`search=${q('(reason,)')}`, ['q-epsilon'], 'a top-level name means that field only');
    await matches(`search=${q('(message,hooks)')}`, ['q-alpha'], 'a member name found only at depth');
    await matches(`search=${q('(name,alpha)|(name,gamma)')}`, ['q-alpha', 'q-gamma']);
    await matches(`search=${q('(name,ALPHA)')}`, []);
    await matches(`isearch=${q('(name,ALPHA)')}`, ['q-alpha']);
    await matches(`search=${q('needs reboot')}`, ['q-alpha']);
    await matches(
      'search=',
      RECORDS.map((r) => String(r.uuid)),
    );
    for (const bad of ['(name,alpha', '(nosuchfield,x)', '(name;drop,x)', '(name,a)|x', '(name)']) {
      await badRequest(`search=${q(bad)}`, 'search');
    }
  });

  test('<ref>.uuid=, <ref>.name=, <ref>=<reference>, and their .in forms', async () => {
    await matches(`obj_cloud_ref.uuid=${CLOUD_A}`, ['q-alpha', 'q-gamma']);
    await matches('obj_cloud_ref.name=Cloud-B', ['q-beta', 'q-epsilon']);
    await matches('obj_cloud_ref.name=Cloud-A', ['q-alpha']);
    await matches(`obj_cloud_ref=${q(`/api/cloud/${CLOUD_A}`)}`, ['q-alpha', 'q-gamma']);
    await matches(`obj_cloud_ref=${q(`https://elsewhere/api/cloud/${CLOUD_A}#x`)}`, ['q-alpha', 'q-gamma']);
    await matches(`obj_cloud_ref=${q('/api/cloud/?name=Cloud-B')}`, ['q-beta', 'q-epsilon']);
    await matches(`obj_cloud_ref.uuid.in=${CLOUD_A},cloud-none`, ['q-alpha', 'q-gamma']);
    await matches('obj_cloud_ref.name.in=Cloud-B,Cloud-A', ['q-alpha', 'q-beta', 'q-epsilon']);
    await matches('image_ref.name=img-31', ['q-alpha', 'q-gamma']);
    await matches('seg_status.se_upgrade_completed.uuid=se-1', ['q-alpha']);
    await matches(
      'tenant_ref.name=admin',
      RECORDS.map((r) => String(r.uuid)),
    );
    await matches(
      'tenant_ref.uuid=admin',
      RECORDS.map((r) => String(r.uuid)),
    );
    await badRequest(`obj_cloud_ref=${q('/api/image/i-1')}`, 'obj_cloud_ref');
    await badRequest(`obj_cloud_ref.uuid=${q('../etc')}`, 'obj_cloud_ref.uuid');
  });

  test("the Go SDK's cloud filters: cloud_ref.uuid=, cloud_ref.name=, cloud= (on obj_cloud_ref)", async () => {
    await matches(`cloud_ref.uuid=${CLOUD_A}`, ['q-alpha', 'q-gamma']);
    await matches('cloud_ref.name=Cloud-B', ['q-beta', 'q-epsilon']);
    await matches(`cloud=${CLOUD_A}`, ['q-alpha', 'q-gamma']);
    await matches('cloud=Cloud-B', ['q-beta', 'q-epsilon']);
    await matches('cloud=Default-Cloud', []);
    await badRequest(`cloud_ref.uuid=${q('a b')}`, 'cloud_ref.uuid');
  });

  test('refers_to and referred_by', async () => {
    await matches(`refers_to=cloud:${CLOUD_A}`, ['q-alpha', 'q-gamma']);
    await matches(`refers_to=any:${CLOUD_A}`, ['q-alpha', 'q-gamma']);
    await matches('refers_to=image:any', ['q-alpha', 'q-gamma']);
    await matches('refers_to=image:none', ['q-beta', 'q-delta', 'q-epsilon', 'q-obrien']);
    await matches('refers_to=serviceengine:se-1', ['q-alpha']);
    await matches('refers_to=statediffoperation:sd-1,serviceengine:se-1', ['q-alpha', 'q-obrien']);
    await matches('refers_to=virtualservice:any', []);
    await matches('referred_by=virtualservice:vs-1', []);
    await matches(
      'referred_by=virtualservice:none',
      RECORDS.map((r) => String(r.uuid)),
    );
    for (const bad of ['cloud', 'cloud:', ':x', '', 'cloud:a b']) {
      await badRequest(`refers_to=${q(bad)}`, 'refers_to');
      await badRequest(`referred_by=${q(bad)}`, 'referred_by');
    }
  });

  test('exclude= negates the named filters', async () => {
    await matches('name.in=alpha-group,epsilon&exclude=name.in', [
      'q-beta',
      'q-gamma',
      'q-delta',
      'q-obrien',
    ]);
    await matches('node_type=NODE_SE_GROUP&progress=50&exclude=progress', ['q-alpha', 'q-epsilon']);
    await matches(
      'exclude=nosuch',
      RECORDS.map((r) => String(r.uuid)),
    );
  });
});

describe('sort', () => {
  test('multi-key sort, nested keys, creation order breaking ties', async () => {
    assert.deepEqual(await uuids('sort=node_type,-progress'), [
      'q-delta', // NODE_CONTROLLER_CLUSTER
      'q-beta', // NODE_SE_GROUP 50
      'q-alpha', // NODE_SE_GROUP 10
      'q-epsilon', // NODE_SE_GROUP 0
      'q-gamma', // NODE_SE_TYPE 100
      'q-obrien', // NODE_SE_TYPE 75
    ]);
    assert.deepEqual(await uuids('sort=-progress,name'), [
      'q-gamma',
      'q-obrien',
      'q-beta',
      'q-delta',
      'q-alpha',
      'q-epsilon',
    ]);
    const byState = await uuids('node_type=NODE_SE_GROUP&sort=state.state');
    assert.deepEqual(
      byState,
      ['q-epsilon', 'q-beta', 'q-alpha'],
      'absent sorts first, then ERROR < IN_PROGRESS',
    );
    assert.deepEqual(await uuids('sort=progress'), [
      'q-epsilon',
      'q-alpha',
      'q-beta',
      'q-delta',
      'q-obrien',
      'q-gamma',
    ]);
    for (const bad of ['nosuch', '-nosuch', 'name;drop', 'state', 'upgrade_events.task_name']) {
      await badRequest(`sort=${q(bad)}`, 'sort');
    }
  });
});

describe('combinations', () => {
  test('filters, sort, paging, fields and include_name together; next keeps every parameter', async () => {
    const query = `node_type.in=NODE_SE_GROUP,NODE_SE_TYPE&name.contains=a&sort=-progress&fields=progress&include_name&page_size=2`;
    const first = await list(query);
    assert.equal(first.count, 3); // gamma-se, Beta_group, alpha-group (epsilon and O'Brien have no "a")
    assert.deepEqual(
      first.results.map((r) => r.uuid),
      ['q-gamma', 'q-beta'],
    );
    assert.deepEqual(Object.keys(first.results[0] as Doc).sort(), ['name', 'progress', 'url', 'uuid']);
    assert.equal(first.results[0]?.url, 'http://localhost:80/api/upgradestatusinfo/q-gamma#gamma-se');
    assert.equal(first.next, `http://localhost:80${COLLECTION}?${query}&page=2`);
    const second = await list(`${query}&page=2`);
    assert.deepEqual(
      second.results.map((r) => r.uuid),
      ['q-alpha'],
    );
    assert.equal(second.next, undefined);
  });

  test('several filters must all hold; a repeated parameter: the last one wins', async () => {
    await matches(`cloud=Cloud-B&reason.contains=checks&node_type=NODE_SE_GROUP`, ['q-epsilon']);
    await matches(`refers_to=cloud:any&progress.in=10,50&search=${q('(name,group)')}`, ['q-alpha', 'q-beta']);
    await matches('name=alpha-group&name=gamma-se', ['q-gamma']);
  });

  test('single reads take the read parameters and ignore list filters', async () => {
    const one = await get(`${COLLECTION}/q-alpha?fields=progress&include_name&name=other&page=abc`);
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(one.json(), {
      url: 'http://localhost:80/api/upgradestatusinfo/q-alpha#alpha-group',
      uuid: 'q-alpha',
      name: 'alpha-group',
      progress: 10,
    });
  });
});

describe('unknown parameters and hostile values', () => {
  test('parameters that name no field or filter are ignored, whatever their value', async () => {
    for (const query of [
      'foo=bar',
      'nosuchfield=1',
      `nosuch=${q("' OR 1=1 --")}`,
      'name.regex=.*',
      'progress.gt=5',
      'nosuch.in=1,2',
      'nosuch.uuid=x',
      'join_subresources=runtime',
      'include_refs=',
      'tenant=admin',
      `${q("name' OR '1'='1")}=x`,
      `${q('__proto__')}=1`,
      `${q('constructor.prototype')}=1`,
    ]) {
      const page = await list(query);
      assert.equal(page.count, ALL, query);
    }
  });

  const HOSTILE = [
    "' OR '1'='1",
    "1' OR 1=1 --",
    '1; DROP TABLE upgrade_status_info; --',
    '") OR 1=1 --',
    "json_extract(body, '$')",
    '\\',
    '\u0000',
    "\u0000' OR 1=1",
    '💥',
    '$(rm -rf /)',
    '<script>alert(1)</script>',
    '{"$ne": null}',
    '*',
    '..',
    '(',
    ')',
    ',,,',
    '|',
    'a'.repeat(6000),
  ];
  // Parameters that filter: a hostile value is a 400 or matches nothing.
  const FILTERS = [
    'name',
    'name.contains',
    'name.icontains',
    'name.in',
    'uuid',
    'uuid.in',
    'node_type',
    'node_type.in',
    'progress',
    'progress.in',
    'system',
    'state.state',
    'state.reason.icontains',
    'upgrade_events.task_name',
    'seg_status.notes',
    'obj_cloud_ref',
    'obj_cloud_ref.uuid',
    'obj_cloud_ref.name',
    'obj_cloud_ref.uuid.in',
    'obj_cloud_ref.name.in',
    'image_ref.name',
    'tenant_ref.uuid',
    'cloud',
    'cloud_ref.uuid',
    'cloud_ref.name',
    'search',
    'isearch',
    'refers_to',
    'referred_by',
  ];
  // Parameters that shape the answer: a hostile value is a 400 or changes nothing.
  const OTHERS = ['page', 'page_size', 'sort', 'fields', 'include_name', 'skip_default', 'exclude'];

  test('a hostile value in any known parameter is a 400 or an empty match, never a 5xx', async () => {
    for (const value of HOSTILE) {
      for (const param of FILTERS) {
        const res = await get(`${COLLECTION}?${param}=${q(value)}`);
        const label = `${param}=${JSON.stringify(value.slice(0, 30))}`;
        assert.ok(
          res.statusCode === 400 || res.statusCode === 200,
          `${label}: ${res.statusCode} ${res.body}`,
        );
        if (res.statusCode === 200) assert.equal((res.json() as Page).count, 0, label);
        else assert.match((res.json() as { error: string }).error, /query parameter/, label);
      }
      for (const param of OTHERS) {
        const res = await get(`${COLLECTION}?${param}=${q(value)}`);
        const label = `${param}=${JSON.stringify(value.slice(0, 30))}`;
        assert.ok(
          res.statusCode === 400 || res.statusCode === 200,
          `${label}: ${res.statusCode} ${res.body}`,
        );
        if (res.statusCode === 200) assert.equal((res.json() as Page).count, ALL, label);
      }
      for (const param of ['fields', 'include_name', 'skip_default']) {
        const res = await get(`${COLLECTION}/q-alpha?${param}=${q(value)}`);
        assert.ok(
          res.statusCode === 400 || res.statusCode === 200,
          `single read ${param}: ${res.statusCode}`,
        );
      }
    }
  });

  test('injection attempts in typed parameters are refused with 400', async () => {
    for (const [param, value] of [
      ['progress', '1 OR 1=1'],
      ['progress.in', '1) OR (1=1'],
      ['system', "true' OR '1'='1"],
      ['node_type', "NODE_SE_GROUP' OR '1'='1"],
      ['state.state', 'UPGRADE_FSM_ERROR; DROP TABLE x'],
      ['obj_cloud_ref.uuid', "x' OR '1'='1"],
      ['cloud_ref.uuid', "x' OR '1'='1"],
      ['refers_to', "cloud:x' OR '1'='1"],
      ['referred_by', "virtualservice:x' OR '1'='1"],
      ['sort', 'name; DROP TABLE x'],
      ['sort', 'name ASC, (SELECT 1)'],
      ['fields', 'name FROM x --'],
      ['page', '1 OR 1=1'],
      ['page_size', '25; DROP TABLE x'],
      ['search', "(name' OR '1'='1,x)"],
    ]) {
      await badRequest(`${param}=${q(value as string)}`, param as string);
    }
  });

  test('hostile uuids in the path are a 404; the store is intact afterwards', async () => {
    for (const uuid of ["' OR '1'='1", '%', '*', '..%2F..%2Fetc', 'a'.repeat(200)]) {
      const res = await get(`${COLLECTION}/${q(uuid)}`);
      assert.equal(res.statusCode, 404, `${uuid}: ${res.body}`);
    }
    assert.equal((await list('')).count, ALL);
    assert.equal((await list('name=alpha-group')).count, 1);
  });
});
