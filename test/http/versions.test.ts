// X-Avi-Version end to end: parsing and echo, the default version, the "introduced in" rule with
// back-ported fields, requests refused at any depth, responses filtered at any depth, and writes
// at an old version that never lose the fields that version cannot see.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, sampleRecord, type TestApp } from '../helpers/app.js';

type Doc = Record<string, unknown>;

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

/** A request at `version` (no X-Avi-Version header when undefined). */
function call(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  version: string | undefined,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (version !== undefined) headers['x-avi-version'] = version;
  return t.app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Doc }),
  });
}

const COLLECTION = '/api/upgradestatusinfo';
let counter = 0;

/** A record holding fields of many releases, at several depths, created at the newest version. */
function richRecord(): Doc {
  counter++;
  return sampleRecord({
    name: `rich-${counter}`,
    clean: true, // 18.2.10, 20.1.1
    reason: 'readiness checks failed', // 22.1.3
    progress: 40, // 18.2.8, 20.1.1
    state: {
      state: 'UPGRADE_FSM_IN_PROGRESS',
      rebooted: true, // 20.1.2
      last_changed_time: { secs: 1700000000, usecs: 12 },
    },
    upgrade_events: [
      {
        task: 'PRE_UPGRADE_HOOKS',
        task_name: 'PreUpgradeHooks', // 18.2.10, 20.1.1
        sub_events: [{ status: true, message: 'ok' }], // 18.2.10, 20.1.1
        nodes_events: [{ message: 'node', sub_tasks: ['a', 'b'] }], // sub_tasks: 18.2.8, 20.1.1
      },
    ],
    seg_status: {
      controller_version: '30.2.1',
      vs_errors: [{ vip_id: '1', se_ref: '/api/serviceengine/se-1' }], // se_ref: 18.2.10, 20.1.1
    },
    patch_list: [{ patch_version: '2p1' }], // 18.2.8, 20.1.1
  });
}

async function createRich(): Promise<Doc> {
  const res = await call('POST', COLLECTION, '31.1.1', richRecord());
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as Doc;
}

const urlOf = (obj: Doc) => `${COLLECTION}/${String(obj.uuid)}`;

function refusedAsTooNew(res: LightMyRequestResponse, version: string, field: string, later: string): void {
  assert.equal(res.statusCode, 400, res.body);
  assert.deepEqual(res.json(), {
    error: `Incoming request (v${version.replace(/\./g, '_')}) has field (${field}) introduced in later versions(v${later.replace(/\./g, '_')}).`,
  });
}

describe('the X-Avi-Version header', () => {
  test('is echoed in AVI_API_VERSION as sent, on every method; X.Y is accepted', async () => {
    const obj = await createRich();
    for (const version of ['31.1.1', '20.1.1', '18.2.6', '22.1', '31.1']) {
      const res = await call('GET', urlOf(obj), version);
      assert.equal(res.statusCode, 200, version);
      assert.equal(res.headers.avi_api_version, version);
    }
    const list = await call('GET', `${COLLECTION}?name=${String(obj.name)}`, '20.1.1');
    assert.equal(list.headers.avi_api_version, '20.1.1');
    const patched = await call('PATCH', urlOf(obj), '18.2.8', { replace: { progress: 41 } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.headers.avi_api_version, '18.2.8');
    const put = await call('PUT', urlOf(obj), '22.1.3', { name: obj.name });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.headers.avi_api_version, '22.1.3');
    const deleted = await call('DELETE', urlOf(obj), '18.2.6');
    assert.equal(deleted.statusCode, 204);
    assert.equal(deleted.headers.avi_api_version, '18.2.6');
  });

  test('missing or blank: the default version 16.4.1, echoed; the object stays addressable', async () => {
    const obj = await createRich();
    for (const version of [undefined, '', '  ']) {
      const res = await call('GET', urlOf(obj), version);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers.avi_api_version, '16.4.1');
      // Nothing of UpgradeStatusInfo existed in 16.4.1: only what keeps the object addressable.
      assert.deepEqual(Object.keys(res.json() as Doc).sort(), ['_last_modified', 'name', 'url', 'uuid']);
      assert.equal((res.json() as Doc).uuid, obj.uuid);
      assert.equal((res.json() as Doc).name, obj.name);
    }
    const list = await call('GET', `${COLLECTION}?name=${String(obj.name)}&include_name`, undefined);
    assert.equal(list.headers.avi_api_version, '16.4.1');
    const [only] = (list.json() as { results: Doc[] }).results;
    assert.deepEqual(only, {
      url: `http://localhost:80${urlOf(obj)}#${String(obj.name)}`,
      uuid: obj.uuid,
      name: obj.name,
      _last_modified: obj._last_modified,
    });
  });

  test('a write without the header is refused as the controller refuses 16.4.1 writes', async () => {
    const res = await call('POST', COLLECTION, undefined, { name: 'no-header' });
    refusedAsTooNew(res, '16.4.1', 'name', '18.2.6');
    assert.equal(res.headers.avi_api_version, '16.4.1');
    // Nothing was created.
    const list = await call('GET', `${COLLECTION}?name=no-header`, '31.1.1');
    assert.equal((list.json() as { count: number }).count, 0);
  });

  test('malformed or newer than the controller: 400 containing "Invalid version", nothing read or written', async () => {
    const obj = await createRich();
    const bad = [
      'latest',
      '31',
      '31.1.1.1',
      '31.1.x',
      '3e1.1.1',
      '-1.1.1',
      '31.1.1; DROP TABLE objects',
      '99999.1.1',
      '31.1.1, 20.1.1',
      'x'.repeat(500),
      '31.1.2', // newer than CONTROLLER_VERSION 31.1.1
      '31.2',
      '32.1.1',
    ];
    for (const version of bad) {
      for (const [method, url, payload] of [
        ['GET', urlOf(obj), undefined],
        ['GET', COLLECTION, undefined],
        ['POST', COLLECTION, { name: `bad-version-${version.slice(0, 20)}` }],
        ['PUT', urlOf(obj), { name: 'renamed-by-bad-version' }],
        ['PATCH', urlOf(obj), { replace: { progress: 99 } }],
        ['DELETE', urlOf(obj), undefined],
      ] as const) {
        const res = await call(method, url, version, payload);
        assert.equal(res.statusCode, 400, `${method} ${version}`);
        assert.match((res.json() as { error: string }).error, /Invalid version/, `${method} ${version}`);
        assert.ok((res.json() as { error: string }).error.length < 300, 'a long header is not echoed whole');
      }
    }
    const now = (await call('GET', urlOf(obj), '31.1.1')).json() as Doc;
    assert.equal(now._last_modified, obj._last_modified);
    assert.equal(now.progress, 40);
  });

  test('CONTROLLER_VERSION bounds the accepted versions; DEFAULT_API_VERSION changes the default', async () => {
    const other = await startTestApp({ CONTROLLER_VERSION: '22.1.3', DEFAULT_API_VERSION: '20.1.1' });
    try {
      const created = await other.app.inject({
        method: 'POST',
        url: COLLECTION,
        headers: { 'content-type': 'application/json', 'x-avi-version': '22.1.3' },
        payload: { name: 'bounded', reason: 'r', state: { state: 'UPGRADE_FSM_INIT', rebooted: true } },
      });
      assert.equal(created.statusCode, 201, created.body);
      const newer = await other.app.inject({
        method: 'GET',
        url: COLLECTION,
        headers: { 'x-avi-version': '31.1.1' },
      });
      assert.equal(newer.statusCode, 400);
      assert.match((newer.json() as { error: string }).error, /Invalid version/);
      const byDefault = await other.app.inject({ method: 'GET', url: `${COLLECTION}?name=bounded` });
      assert.equal(byDefault.headers.avi_api_version, '20.1.1');
      const [obj] = (byDefault.json() as { results: Doc[] }).results;
      assert.equal(obj?.reason, undefined, 'reason is 22.1.3');
      assert.deepEqual(obj?.state, { state: 'UPGRADE_FSM_INIT' }, 'rebooted is 20.1.2');
      assert.equal(typeof obj?.tenant_ref, 'string');
    } finally {
      await other.close();
    }
  });
});

describe('the "introduced in" rule, with back-ported fields', () => {
  // clean: introduced in 18.2.10 (18.2 maintenance train) and 20.1.1 (mainline).
  const cases: [string, boolean, string?][] = [
    ['18.2.6', false, '18.2.10'],
    ['18.2.9', false, '18.2.10'],
    ['18.2.10', true],
    ['18.2.12', true],
    ['18.3', false, '20.1.1'],
    ['19.1.1', false, '20.1.1'],
    ['20.1.0', false, '20.1.1'],
    ['20.1', false, '20.1.1'],
    ['20.1.1', true],
    ['21.1.1', true],
    ['31.1.1', true],
  ];

  for (const [version, allowed, later] of cases) {
    test(`clean (18.2.10, 20.1.1) at ${version}: ${allowed ? 'accepted and shown' : 'refused and hidden'}`, async () => {
      const res = await call('POST', COLLECTION, version, { name: `clean-at-${version}`, clean: true });
      if (allowed) {
        assert.equal(res.statusCode, 201, res.body);
        assert.equal((res.json() as Doc).clean, true);
      } else {
        refusedAsTooNew(
          res,
          version.split('.').length === 2 ? `${version}.0` : version,
          'clean',
          later ?? '',
        );
        const obj = await createRich();
        const read = (await call('GET', urlOf(obj), version)).json() as Doc;
        assert.equal(Object.hasOwn(read, 'clean'), false);
      }
    });
  }

  test('the exact controller wording: reason at 18.2.8', async () => {
    const res = await call('POST', COLLECTION, '18.2.8', { name: 'exact', reason: 'x' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), {
      error: 'Incoming request (v18_2_8) has field (reason) introduced in later versions(v22_1_3).',
    });
  });

  test('a field is refused when merely present, even at its default; null counts as absent', async () => {
    // progress: 18.2.8, 20.1.1, default 0.
    refusedAsTooNew(
      await call('POST', COLLECTION, '18.2.6', { name: 'p0', progress: 0 }),
      '18.2.6',
      'progress',
      '18.2.8',
    );
    const withNull = await call('POST', COLLECTION, '18.2.6', { name: 'p-null', progress: null });
    assert.equal(withNull.statusCode, 201, withNull.body);
  });
});

describe('malformed bodies at an old version', () => {
  test('are the usual 400s, never a 5xx', async () => {
    const obj = await createRich();
    for (const payload of [
      [],
      'text',
      5,
      { state: 5 },
      { state: [] },
      { upgrade_events: 'x' },
      { upgrade_events: [null] },
      { upgrade_events: [['nested']] },
      { nosuchfield: { reason: 'x' } },
      { seg_status: { vs_errors: [{ se_ref: 7 }] } },
    ]) {
      for (const [method, url] of [
        ['POST', COLLECTION],
        ['PUT', urlOf(obj)],
      ] as const) {
        const res = await call(method, url, '18.2.6', payload);
        assert.equal(res.statusCode, 400, `${method} ${JSON.stringify(payload)}: ${res.body}`);
      }
    }
  });
});

describe('requests are refused at any depth', () => {
  const deep: [string, string, Doc, string, string][] = [
    [
      'an object member',
      '20.1.1',
      { state: { state: 'UPGRADE_FSM_INIT', rebooted: false } },
      'rebooted',
      '20.1.2',
    ],
    ['a member of a list item', '18.2.8', { upgrade_events: [{ task_name: 'x' }] }, 'task_name', '18.2.10'],
    [
      'a list inside a list item',
      '18.2.6',
      { upgrade_events: [{ nodes_events: [{ message: 'm', sub_tasks: ['a'] }] }] },
      'sub_tasks',
      '18.2.8',
    ],
    [
      'a reference in a list item of a nested object',
      '19.1.1',
      { seg_status: { vs_errors: [{ vip_id: '1', se_ref: '/api/serviceengine/se-1' }] } },
      'se_ref',
      '20.1.1',
    ],
    [
      'a reference in a list item',
      '20.1.4',
      { history: [{ ops: 'UPGRADE', statediff_ref: '/api/statediffoperation/sd-1' }] },
      'statediff_ref',
      '21.1.3',
    ],
    [
      'the newest field of the model',
      '31.1.1',
      { history: [{ ops: 'UPGRADE', params: {} }] },
      'params',
      '31.2.1',
    ],
  ];

  for (const [what, version, fields, field, later] of deep) {
    test(`${what}: POST, PUT and PATCH at ${version} are refused naming ${field}`, async () => {
      refusedAsTooNew(
        await call('POST', COLLECTION, version, { name: 'deep', ...fields }),
        version,
        field,
        later,
      );
      const obj = await createRich();
      refusedAsTooNew(
        await call('PUT', urlOf(obj), version, { name: obj.name, ...fields }),
        version,
        field,
        later,
      );
      for (const op of ['add', 'replace'] as const) {
        refusedAsTooNew(await call('PATCH', urlOf(obj), version, { [op]: fields }), version, field, later);
      }
      const [key, value] = Object.entries(fields)[0] as [string, unknown];
      refusedAsTooNew(
        await call('PATCH', urlOf(obj), version, { json_patch: [{ op: 'replace', path: `/${key}`, value }] }),
        version,
        field,
        later,
      );
      // Nothing changed.
      const now = (await call('GET', urlOf(obj), '31.1.1')).json() as Doc;
      assert.equal(now._last_modified, obj._last_modified);
    });
  }

  test('JSON Patch: a path through a field the version lacks, at any depth, and values added at depth', async () => {
    const obj = await createRich();
    const url = urlOf(obj);
    const jp = (...ops: Doc[]) => ({ json_patch: ops });
    refusedAsTooNew(
      await call('PATCH', url, '18.2.8', jp({ op: 'replace', path: '/reason', value: 'x' })),
      '18.2.8',
      'reason',
      '22.1.3',
    );
    refusedAsTooNew(
      await call('PATCH', url, '18.2.8', jp({ op: 'remove', path: '/reason' })),
      '18.2.8',
      'reason',
      '22.1.3',
    );
    refusedAsTooNew(
      await call('PATCH', url, '20.1.1', jp({ op: 'replace', path: '/state/rebooted', value: false })),
      '20.1.1',
      'rebooted',
      '20.1.2',
    );
    refusedAsTooNew(
      await call(
        'PATCH',
        url,
        '18.2.8',
        jp({ op: 'replace', path: '/upgrade_events/0/task_name', value: 'y' }),
      ),
      '18.2.8',
      'task_name',
      '18.2.10',
    );
    refusedAsTooNew(
      await call(
        'PATCH',
        url,
        '18.2.8',
        jp({ op: 'add', path: '/upgrade_events/-', value: { task_name: 'new' } }),
      ),
      '18.2.8',
      'task_name',
      '18.2.10',
    );
    refusedAsTooNew(
      await call(
        'PATCH',
        url,
        '18.2.6',
        jp({ op: 'add', path: '/upgrade_events/0/nodes_events/-', value: { sub_tasks: ['s'] } }),
      ),
      '18.2.6',
      'sub_tasks',
      '18.2.8',
    );
    refusedAsTooNew(
      await call('PATCH', url, '18.2.8', jp({ op: 'copy', from: '/reason', path: '/version' })),
      '18.2.8',
      'reason',
      '22.1.3',
    );
    // Malformed patches at an old version are the patch engine's usual 400s, never a 5xx.
    for (const payload of [
      { json_patch: [null] },
      { json_patch: ['x', 1] },
      { json_patch: [{ op: 'add', path: 'reason', value: 'x' }] },
      { json_patch: [{ op: 'add', path: 7, value: 'x' }] },
      { json_patch: [{ op: 'add', path: '/nosuch/deeper', value: { reason: 'x' } }] },
      { json_patch: 'not a list' },
      { add: null },
      { add: ['reason'] },
      { replace: { state: 'not an object' } },
    ]) {
      const res = await call('PATCH', url, '18.2.8', payload);
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
    }
    // What the version has is patched as usual.
    const ok = await call(
      'PATCH',
      url,
      '18.2.8',
      jp({ op: 'replace', path: '/upgrade_events/0/task', value: 'MIGRATE_CONFIG' }),
    );
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(((ok.json() as Doc).upgrade_events as Doc[])[0]?.task, 'MIGRATE_CONFIG');
  });
});

describe('responses leave out what the version does not have, at any depth', () => {
  test('GET, list, POST, PUT and PATCH responses at 18.2.8, 20.1.1 and 31.1.1', async () => {
    const obj = await createRich();
    const at = async (version: string) => (await call('GET', urlOf(obj), version)).json() as Doc;

    const v1828 = await at('18.2.8');
    assert.equal(v1828.clean, undefined);
    assert.equal(v1828.reason, undefined);
    assert.equal(v1828.progress, 40);
    assert.deepEqual(v1828.state, {
      state: 'UPGRADE_FSM_IN_PROGRESS',
      last_changed_time: { secs: 1700000000, usecs: 12 },
    });
    assert.deepEqual(v1828.upgrade_events, [
      {
        task: 'PRE_UPGRADE_HOOKS',
        nodes_events: [{ message: 'node', sub_tasks: ['a', 'b'], status: false }],
      },
    ]);
    assert.deepEqual(v1828.seg_status, { controller_version: '30.2.1', vs_errors: [{ vip_id: '1' }] });
    assert.deepEqual(v1828.patch_list, [{ patch_version: '2p1' }]);

    const v1826 = await at('18.2.6');
    assert.equal(v1826.progress, undefined);
    assert.equal(v1826.patch_list, undefined);
    assert.deepEqual((v1826.upgrade_events as Doc[])[0], {
      task: 'PRE_UPGRADE_HOOKS',
      nodes_events: [{ message: 'node', status: false }],
    });

    const v2011 = await at('20.1.1');
    assert.equal(v2011.clean, true);
    assert.equal(v2011.reason, undefined);
    assert.equal((v2011.state as Doc).rebooted, undefined);
    assert.equal((v2011.upgrade_events as Doc[])[0]?.task_name, 'PreUpgradeHooks');
    assert.deepEqual((v2011.seg_status as Doc).vs_errors, [
      { vip_id: '1', se_ref: 'http://localhost:80/api/serviceengine/se-1' },
    ]);

    const newest = await at('31.1.1');
    assert.equal(newest.reason, 'readiness checks failed');
    assert.equal((newest.state as Doc).rebooted, true);

    // The same object read again at each version: the rendered-text cache keeps versions apart.
    assert.deepEqual(await at('18.2.8'), v1828);
    assert.deepEqual(await at('31.1.1'), newest);

    // Lists, with fields= and include_name.
    const list = (
      await call('GET', `${COLLECTION}?name=${String(obj.name)}&fields=state,reason,clean`, '20.1.1')
    ).json() as {
      results: Doc[];
    };
    assert.deepEqual(Object.keys(list.results[0] as Doc).sort(), ['clean', 'name', 'state', 'url', 'uuid']);
    // Write responses.
    const patched = (await call('PATCH', urlOf(obj), '18.2.8', { replace: { progress: 41 } })).json() as Doc;
    assert.equal(patched.reason, undefined);
    assert.equal((patched.state as Doc).rebooted, undefined);
    const posted = (
      await call('POST', COLLECTION, '18.2.6', { name: 'posted-old', progress: null })
    ).json() as Doc;
    assert.equal(posted.progress, undefined, 'the default progress is filled but 18.2.6 does not have it');
    assert.match(String(posted.url), /#posted-old$/);
  });
});

describe('stored data survives reads and writes at older versions', () => {
  test('a PUT at 18.2.8 of what a GET at 18.2.8 returned keeps every newer field, at any depth', async () => {
    const obj = await createRich();
    const seen = (await call('GET', urlOf(obj), '18.2.8')).json() as Doc;
    const put = await call('PUT', urlOf(obj), '18.2.8', { ...seen, progress: 90 });
    assert.equal(put.statusCode, 200, put.body);
    const now = (await call('GET', urlOf(obj), '31.1.1')).json() as Doc;
    assert.equal(now.progress, 90);
    assert.equal(now.reason, 'readiness checks failed');
    assert.equal(now.clean, true);
    assert.equal((now.state as Doc).rebooted, true);
    const [event] = now.upgrade_events as Doc[];
    assert.equal(
      event?.task_name,
      'PreUpgradeHooks',
      'a list item sent back unchanged keeps its hidden members',
    );
    assert.deepEqual(event?.sub_events, [{ status: true, message: 'ok' }]);
    assert.deepEqual((now.seg_status as Doc).vs_errors, [
      { vip_id: '1', se_ref: 'http://localhost:80/api/serviceengine/se-1' },
    ]);
  });

  test('a PUT at 18.2.8 leaving out visible fields resets them, but never touches hidden ones', async () => {
    const obj = await createRich();
    const put = await call('PUT', urlOf(obj), '18.2.8', { name: obj.name });
    assert.equal(put.statusCode, 200, put.body);
    const now = (await call('GET', urlOf(obj), '31.1.1')).json() as Doc;
    assert.equal(now.progress, 0, 'visible at 18.2.8: back to its default');
    assert.equal(now.upgrade_events, undefined, 'visible at 18.2.8: removed');
    assert.equal(now.reason, 'readiness checks failed', 'hidden at 18.2.8: kept');
    assert.equal(now.clean, true, 'hidden at 18.2.8: kept');
  });

  test('a PUT at 16.4.1 (no header) with an empty body keeps the whole object', async () => {
    const obj = await createRich();
    const { _last_modified: b, ...before } = (await call('GET', urlOf(obj), '31.1.1')).json() as Doc;
    const put = await call('PUT', urlOf(obj), undefined, {});
    assert.equal(put.statusCode, 200, put.body);
    const { _last_modified: a, ...now } = (await call('GET', urlOf(obj), '31.1.1')).json() as Doc;
    assert.notEqual(a, b, 'it was written');
    assert.deepEqual(now, before);
  });

  test('a PATCH at 20.1.1 replacing a nested object keeps the members 20.1.1 cannot see', async () => {
    const obj = await createRich();
    const res = await call('PATCH', urlOf(obj), '20.1.1', {
      replace: { state: { state: 'UPGRADE_FSM_COMPLETED' } },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().state, { state: 'UPGRADE_FSM_COMPLETED' });
    const now = (await call('GET', urlOf(obj), '31.1.1')).json() as Doc;
    assert.deepEqual(now.state, { state: 'UPGRADE_FSM_COMPLETED', rebooted: true });
    const jp = await call('PATCH', urlOf(obj), '20.1.1', {
      json_patch: [{ op: 'replace', path: '/state', value: { state: 'UPGRADE_FSM_ERROR' } }],
    });
    assert.equal(jp.statusCode, 200, jp.body);
    const again = (await call('GET', urlOf(obj), '31.1.1')).json() as Doc;
    assert.deepEqual(again.state, { state: 'UPGRADE_FSM_ERROR', rebooted: true });
    assert.equal(again.reason, 'readiness checks failed');
  });
});
