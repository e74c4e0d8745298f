import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import fc from 'fast-check';
import { ApiError } from '../../src/errors/catalogue.js';
import {
  applyPatch,
  addListEntries,
  deleteListEntries,
  hasListKey,
  LIST_KEYS,
  listMatchFor,
  parsePatchBody,
} from '../../src/domain/patch/index.js';
import { int32, object, ref, refList, str, strList } from '../../src/domain/schema/dsl.js';
import { UpgradeStatusInfo } from '../../src/domain/schema/index.js';
import * as model from '../../src/domain/schema/upgrade-status-info.js';

import { deepFreeze } from '../helpers/freeze.js';
import { throws400Mentioning } from '../helpers/api-error.js';

type Obj = Record<string, unknown>;

const SR = (id: string, name?: string) => `/api/systemreport/${id}${name ? `#${name}` : ''}`;
const SE = (id: string, name?: string) => `/api/serviceengine/${id}${name ? `#${name}` : ''}`;

function fixture(): Obj {
  return deepFreeze({
    uuid: 'cluster-0001',
    name: 'cluster-0001',
    _last_modified: '1595317888551753',
    progress: 40,
    version: '30.2.1',
    enable_rollback: true,
    state: { state: 'UPGRADE_FSM_IN_PROGRESS', reason: 'working' },
    params: { image_ref: '/api/image/image-1', se_group_options: { disruptive: true } },
    system_report_refs: [SR('systemreport-a', 'rep-a'), SR('systemreport-b')],
    upgrade_events: [
      { task_name: 'PreChecks', task: 'COPY_AND_VERIFY_IMAGE', nodes_events: [{ message: 'ok' }] },
      { task_name: 'Install', task: 'INSTALL_IMAGE' },
    ],
    history: [
      { ops: 'UPGRADE', start_time: 't1', version: 'v1' },
      { ops: 'UPGRADE', start_time: 't2', version: 'v2' },
    ],
    patch_list: [{ patch_version: '2p1', patch_image_path: '/a' }],
    previous_patch_list: [{ patch_version: '1p1', patch_image_path: '/old' }],
    se_upgrade_events: [
      { task: 'SE_UPGRADE_IN_PROGRESS', num_se: 1, se_ref: SE('se-1') },
      { task: 'SE_UPGRADE_COMPLETE', num_se: 2 },
    ],
  });
}

function patch(body: unknown, current: Obj = fixture()): Obj {
  return applyPatch(UpgradeStatusInfo, current, body);
}

describe('envelope: body shape', () => {
  it('refuses bodies that are not objects', () => {
    for (const body of [null, [], 'add', 42, true])
      throws400Mentioning(() => patch(body), 'Invalid PATCH body');
  });
  it('refuses unknown top-level members, naming them', () => {
    throws400Mentioning(() => patch({ update: { progress: 1 } }), "'update'");
    throws400Mentioning(() => patch({ add: { progress: 1 }, progress: 2 }), "'progress'");
  });
  it('refuses json_patch mixed with envelope keys, and a json_patch that is not an array', () => {
    throws400Mentioning(() => patch({ json_patch: [], add: { progress: 1 } }), 'json_patch');
    throws400Mentioning(() => patch({ json_patch: { op: 'add' } }), 'json_patch', 'an object');
  });
  it('refuses operation values that are not objects', () => {
    for (const value of [[], 'x', 3, null]) throws400Mentioning(() => patch({ replace: value }), "'replace'");
  });
  it('checks the whole shape before applying anything', () => {
    assert.equal(parsePatchBody({ add: {}, delete: {} }).form, 'envelope');
    assert.equal(parsePatchBody({ json_patch: [] }).form, 'json_patch');
    throws400Mentioning(() => patch({ add: { nope: 1 }, remove: 'x' }), "'remove' must be an object");
  });
  it('treats {} (and empty operations) as an empty patch returning an equal new object', () => {
    const current = fixture();
    for (const body of [{}, { add: {} }, { replace: {}, delete: {}, remove: {} }]) {
      const out = patch(body, current);
      assert.deepEqual(out, current);
      assert.notEqual(out, current);
    }
  });
});

describe('envelope: scalar fields', () => {
  it('add and replace set the value', () => {
    assert.equal(patch({ add: { progress: 75 } }).progress, 75);
    assert.equal(patch({ replace: { progress: 80 } }).progress, 80);
    assert.equal(patch({ add: { version: '31.1.1' } }).version, '31.1.1');
    assert.equal(patch({ replace: { name: 'renamed' } }).name, 'renamed');
  });
  it('add sets a field that was absent', () => {
    assert.equal(patch({ add: { patch_version: '2p3' } }).patch_version, '2p3');
  });
  it('delete resets to the model default, ignoring the given value', () => {
    assert.equal(patch({ delete: { progress: 99 } }).progress, 0);
    assert.equal(patch({ delete: { enable_rollback: true } }).enable_rollback, false);
  });
  it('delete removes a field without a default', () => {
    const out = patch({ delete: { version: 'whatever' } });
    assert.equal(Object.hasOwn(out, 'version'), false);
    assert.equal(out.name, 'cluster-0001');
  });
  it('delete of an absent field without a default is not an error', () => {
    assert.equal(Object.hasOwn(patch({ delete: { end_time: 'x' } }), 'end_time'), false);
  });
});

describe('envelope: nested object fields', () => {
  it('add replaces the whole object (no deep merge)', () => {
    const out = patch({ add: { state: { state: 'UPGRADE_FSM_COMPLETED' } } });
    assert.deepEqual(out.state, { state: 'UPGRADE_FSM_COMPLETED' });
  });
  it('replace replaces the whole object', () => {
    const out = patch({ replace: { params: { patch_ref: '/api/image/image-9' } } });
    assert.deepEqual(out.params, { patch_ref: '/api/image/image-9' });
  });
  it('delete removes the object', () => {
    const out = patch({ delete: { state: {} } });
    assert.equal(Object.hasOwn(out, 'state'), false);
    assert.equal(Object.hasOwn(patch({ delete: { params: null } }), 'params'), false);
  });
  it('delete resets a nested object to its default when the model has one', () => {
    const schema = object('T', { opts: Type.Optional(Type.Object({ a: int32({}) }, { default: { a: 1 } })) });
    const out = applyPatch(schema, { opts: { a: 5 } }, { delete: { opts: {} } });
    assert.deepEqual(out.opts, { a: 1 });
  });
  it('does not alias the body: changing the body later does not change the result', () => {
    const body = { replace: { state: { state: 'UPGRADE_FSM_COMPLETED' } } };
    const out = patch(body);
    body.replace.state.state = 'changed';
    assert.deepEqual(out.state, { state: 'UPGRADE_FSM_COMPLETED' });
  });
});

describe('envelope: list of references (system_report_refs)', () => {
  it('add appends new references', () => {
    const out = patch({ add: { system_report_refs: [SR('systemreport-c')] } });
    assert.deepEqual(out.system_report_refs, [
      SR('systemreport-a', 'rep-a'),
      SR('systemreport-b'),
      SR('systemreport-c'),
    ]);
  });
  it('add of a reference already present (by uuid, whatever its #name) adds nothing', () => {
    const out = patch({ add: { system_report_refs: [SR('systemreport-a'), SR('systemreport-b', 'rep-b')] } });
    assert.deepEqual(out.system_report_refs, fixture().system_report_refs);
  });
  it('add of the same new reference twice adds it once', () => {
    const out = patch({ add: { system_report_refs: [SR('systemreport-c'), SR('systemreport-c', 'c')] } });
    assert.equal((out.system_report_refs as unknown[]).length, 3);
  });
  it('replace swaps the whole list', () => {
    const out = patch({ replace: { system_report_refs: [SR('systemreport-z')] } });
    assert.deepEqual(out.system_report_refs, [SR('systemreport-z')]);
  });
  it('delete removes by referenced uuid; unknown references are ignored', () => {
    const out = patch({
      delete: { system_report_refs: [SR('systemreport-a', 'other'), SR('systemreport-q')] },
    });
    assert.deepEqual(out.system_report_refs, [SR('systemreport-b')]);
  });
  it('a single non-array value is refused for add, replace and delete', () => {
    for (const op of ['add', 'replace', 'delete']) {
      throws400Mentioning(
        () => patch({ [op]: { system_report_refs: SR('systemreport-c') } }),
        `'${op}'`,
        'system_report_refs',
      );
    }
  });
  it('add creates the list when the object has none', () => {
    const { system_report_refs: _dropped, ...rest } = fixture();
    const out = patch({ add: { system_report_refs: [SR('systemreport-c')] } }, deepFreeze(rest));
    assert.deepEqual(out.system_report_refs, [SR('systemreport-c')]);
  });
});

describe('envelope: list of scalars', () => {
  const schema = object('T', {
    uuid: str({}),
    tags: strList({}),
    counts: Type.Optional(Type.Array(int32({}))),
  });
  const current = deepFreeze({ uuid: 't-1', tags: ['a', 'b'], counts: [1, 2] });
  it('add appends new values and ignores values already present', () => {
    const out = applyPatch(schema, current, { add: { tags: ['b', 'c', 'c'], counts: [2, 3] } });
    assert.deepEqual(out.tags, ['a', 'b', 'c']);
    assert.deepEqual(out.counts, [1, 2, 3]);
  });
  it('matches by value and type ("1" is not 1)', () => {
    assert.deepEqual(applyPatch(schema, current, { add: { counts: ['1'] } }).counts, [1, 2, '1']);
  });
  it('replace swaps and delete removes by value', () => {
    assert.deepEqual(applyPatch(schema, current, { replace: { tags: ['z'] } }).tags, ['z']);
    assert.deepEqual(applyPatch(schema, current, { delete: { tags: ['a', 'nope'] } }).tags, ['b']);
  });
  it('the nested plain string list seg_status.notes uses the scalar rule', () => {
    const notes = model.SeGroupStatus.properties.notes.items;
    assert.deepEqual(listMatchFor(notes), { kind: 'scalar' });
    assert.deepEqual(addListEntries(notes, ['x'], ['x', 'y']), ['x', 'y']);
    assert.deepEqual(deleteListEntries(notes, ['x', 'y'], ['y']), ['x']);
  });
});

describe('envelope: upgrade_events (EventMap, keyed by task_name)', () => {
  it('add merges an entry with the same task_name in place, shallowly', () => {
    const out = patch({
      add: { upgrade_events: [{ task_name: 'PreChecks', nodes_events: [{ message: 'new' }] }] },
    });
    assert.deepEqual(out.upgrade_events, [
      { task_name: 'PreChecks', task: 'COPY_AND_VERIFY_IMAGE', nodes_events: [{ message: 'new' }] },
      { task_name: 'Install', task: 'INSTALL_IMAGE' },
    ]);
  });
  it('add appends an entry with a new task_name, and one lacking task_name', () => {
    const out = patch({ add: { upgrade_events: [{ task_name: 'Reboot' }, { task: 'INSTALL_IMAGE' }] } });
    const events = out.upgrade_events as Obj[];
    assert.equal(events.length, 4);
    assert.deepEqual(events.slice(2), [{ task_name: 'Reboot' }, { task: 'INSTALL_IMAGE' }]);
  });
  it('delete removes entries matching every named field of a partial entry', () => {
    assert.deepEqual(
      (patch({ delete: { upgrade_events: [{ task_name: 'Install' }] } }).upgrade_events as Obj[]).map(
        (e) => e.task_name,
      ),
      ['PreChecks'],
    );
    const both = patch({
      delete: { upgrade_events: [{ task_name: 'Install', task: 'COPY_AND_VERIFY_IMAGE' }] },
    });
    assert.equal((both.upgrade_events as Obj[]).length, 2, 'one named field differs, so nothing matches');
    const byTask = patch({ delete: { upgrade_events: [{ task: 'INSTALL_IMAGE' }] } });
    assert.deepEqual(
      (byTask.upgrade_events as Obj[]).map((e) => e.task_name),
      ['PreChecks'],
    );
  });
  it('delete compares nested members deeply', () => {
    const miss = patch({ delete: { upgrade_events: [{ nodes_events: [{ message: 'ok', status: true }] }] } });
    assert.equal((miss.upgrade_events as Obj[]).length, 2);
    const hit = patch({ delete: { upgrade_events: [{ nodes_events: [{ message: 'ok' }] }] } });
    assert.deepEqual(
      (hit.upgrade_events as Obj[]).map((e) => e.task_name),
      ['Install'],
    );
  });
  it('delete of an empty entry or of a missing entry removes nothing', () => {
    assert.deepEqual(
      patch({ delete: { upgrade_events: [{}, { task_name: 'Nope' }] } }).upgrade_events,
      fixture().upgrade_events,
    );
  });
  it('the EventMap key applies wherever the item type is EventMap', () => {
    const nested = model.OpsHistory.properties.upgrade_events.items;
    assert.deepEqual(listMatchFor(nested), { kind: 'keyed', type: 'EventMap', fields: ['task_name'] });
  });
});

describe('envelope: history (OpsHistory, keyed by ops and start_time)', () => {
  it('add merges on (ops, start_time) and appends otherwise', () => {
    const out = patch({
      add: {
        history: [
          { ops: 'UPGRADE', start_time: 't2', end_time: 't3' },
          { ops: 'ROLLBACK', start_time: 't2' },
          { ops: 'UPGRADE' },
        ],
      },
    });
    assert.deepEqual(out.history, [
      { ops: 'UPGRADE', start_time: 't1', version: 'v1' },
      { ops: 'UPGRADE', start_time: 't2', version: 'v2', end_time: 't3' },
      { ops: 'ROLLBACK', start_time: 't2' },
      { ops: 'UPGRADE' },
    ]);
  });
  it('delete with a partial entry removes every entry it matches', () => {
    assert.deepEqual(patch({ delete: { history: [{ ops: 'UPGRADE' }] } }).history, []);
    assert.deepEqual(patch({ delete: { history: [{ version: 'v1' }] } }).history, [
      { ops: 'UPGRADE', start_time: 't2', version: 'v2' },
    ]);
  });
});

describe('envelope: patch_list and previous_patch_list (PatchData, keyed by patch_version)', () => {
  it('add merges on patch_version and appends new versions', () => {
    const out = patch({
      add: {
        patch_list: [{ patch_version: '2p1', patch_image_path: '/b' }, { patch_version: '2p2' }],
        previous_patch_list: [{ patch_version: '1p1', patch_image_ref: '/api/image/image-7' }],
      },
    });
    assert.deepEqual(out.patch_list, [
      { patch_version: '2p1', patch_image_path: '/b' },
      { patch_version: '2p2' },
    ]);
    assert.deepEqual(out.previous_patch_list, [
      { patch_version: '1p1', patch_image_path: '/old', patch_image_ref: '/api/image/image-7' },
    ]);
  });
  it('replace and delete', () => {
    assert.deepEqual(patch({ replace: { patch_list: [] } }).patch_list, []);
    assert.deepEqual(patch({ delete: { patch_list: [{ patch_version: '2p1' }] } }).patch_list, []);
    assert.deepEqual(
      patch({ delete: { patch_list: [{ patch_version: '9p9' }] } }).patch_list,
      fixture().patch_list,
    );
  });
});

describe('envelope: se_upgrade_events (no key: whole entry)', () => {
  it('add of an identical entry adds nothing; references compare by uuid', () => {
    const out = patch({
      add: {
        se_upgrade_events: [{ num_se: 1, task: 'SE_UPGRADE_IN_PROGRESS', se_ref: SE('se-1', 'se-one') }],
      },
    });
    assert.equal((out.se_upgrade_events as Obj[]).length, 2);
  });
  it('add of an entry that differs in any member appends it', () => {
    const out = patch({
      add: { se_upgrade_events: [{ task: 'SE_UPGRADE_IN_PROGRESS', num_se: 5, se_ref: SE('se-1') }] },
    });
    assert.equal((out.se_upgrade_events as Obj[]).length, 3);
  });
  it('delete matches partial entries, references by uuid', () => {
    const out = patch({ delete: { se_upgrade_events: [{ se_ref: SE('se-1', 'x') }] } });
    assert.deepEqual(out.se_upgrade_events, [{ task: 'SE_UPGRADE_COMPLETE', num_se: 2 }]);
  });
});

describe('envelope: list keys', () => {
  it('LIST_KEYS is the table of keyed item types', () => {
    assert.deepEqual(LIST_KEYS, {
      EventMap: ['task_name'],
      OpsHistory: ['ops', 'start_time'],
      PatchData: ['patch_version'],
    });
  });
  it('each top-level list gets its rule', () => {
    const p = UpgradeStatusInfo.properties;
    assert.deepEqual(listMatchFor(p.upgrade_events.items).kind, 'keyed');
    assert.deepEqual(listMatchFor(p.history.items), {
      kind: 'keyed',
      type: 'OpsHistory',
      fields: ['ops', 'start_time'],
    });
    assert.deepEqual(listMatchFor(p.patch_list.items), {
      kind: 'keyed',
      type: 'PatchData',
      fields: ['patch_version'],
    });
    assert.deepEqual(listMatchFor(p.previous_patch_list.items).kind, 'keyed');
    assert.deepEqual(listMatchFor(p.se_upgrade_events.items), { kind: 'whole' });
    assert.deepEqual(listMatchFor(p.system_report_refs.items), { kind: 'reference' });
  });
  it('hasListKey: entries lacking their key fields have none', () => {
    const history = UpgradeStatusInfo.properties.history.items;
    assert.equal(hasListKey(history, { ops: 'UPGRADE', start_time: 't' }), true);
    assert.equal(hasListKey(history, { ops: 'UPGRADE' }), false);
    assert.equal(hasListKey(history, 'not an object'), false);
    const refs = object('R', { r: refList('Tenant', {}), one: ref('Tenant', {}) }).properties.r.items;
    assert.equal(hasListKey(refs, '/api/tenant/admin'), true);
    assert.equal(hasListKey(refs, 7), false);
  });
});

describe('envelope: order, alias, identity', () => {
  it('applies add, then replace, then delete whatever the body order', () => {
    const out = patch({ delete: { version: 'x' }, replace: { version: 'b' }, add: { version: 'a' } });
    assert.equal(Object.hasOwn(out, 'version'), false);
    const list = patch({
      replace: { patch_list: [{ patch_version: 'B' }] },
      add: { patch_list: [{ patch_version: 'A' }] },
    });
    assert.deepEqual(list.patch_list, [{ patch_version: 'B' }]);
    const addThenDelete = patch({
      delete: { patch_list: [{ patch_version: 'N' }] },
      add: { patch_list: [{ patch_version: 'N' }] },
    });
    assert.deepEqual(addThenDelete.patch_list, fixture().patch_list);
  });
  it('remove is another name for delete, and both may appear', () => {
    assert.equal(patch({ remove: { progress: 3 } }).progress, 0);
    const out = patch({ delete: { version: 'x' }, remove: { history: [{ start_time: 't1' }] } });
    assert.equal(Object.hasOwn(out, 'version'), false);
    assert.equal((out.history as Obj[]).length, 1);
  });
  it('ignores a uuid equal to the object uuid, in every operation', () => {
    for (const op of ['add', 'replace', 'delete', 'remove']) {
      const out = patch({ [op]: { uuid: 'cluster-0001', name: 'n' } });
      assert.equal(out.uuid, 'cluster-0001');
    }
  });
  it('refuses a different uuid, naming the operation and field', () => {
    throws400Mentioning(
      () => patch({ replace: { uuid: 'cluster-0002' } }),
      "'replace'",
      "'uuid'",
      'cluster-0001',
    );
    throws400Mentioning(() => patch({ delete: { uuid: 'other' } }), "'delete'", "'uuid'");
  });
  it('ignores _last_modified and url', () => {
    const out = patch({
      replace: { _last_modified: '1', url: 'https://x/api/upgradestatusinfo/y', progress: 2 },
    });
    assert.equal(out._last_modified, '1595317888551753');
    assert.equal(Object.hasOwn(out, 'url'), false);
    assert.equal(patch({ delete: { _last_modified: '' } })._last_modified, '1595317888551753');
  });
  it('refuses fields not in the model, naming the operation and field', () => {
    throws400Mentioning(() => patch({ add: { bogus: 1 } }), "'add'", "'bogus'", 'unknown field');
    throws400Mentioning(() => patch({ delete: { constructor: 1 } }), "'delete'", "'constructor'");
    throws400Mentioning(
      () => patch(JSON.parse('{"replace": {"__proto__": {"polluted": 1}}}')),
      "'__proto__'",
    );
    assert.equal(({} as Obj).polluted, undefined);
  });
});

describe('envelope: never mutates current', () => {
  it('a failing patch throws and leaves the input as it was', () => {
    const current = fixture();
    const before = structuredClone(current);
    throws400Mentioning(() =>
      patch({ add: { progress: 1, upgrade_events: [{ task_name: 'X' }] }, delete: { bogus: 1 } }, current),
    );
    assert.deepEqual(current, before);
  });
  it('no operation on a deep-frozen object throws a TypeError or changes it (property)', () => {
    const current = fixture();
    const before = structuredClone(current);
    const fields = [
      'progress',
      'version',
      'state',
      'params',
      'system_report_refs',
      'upgrade_events',
      'history',
      'patch_list',
      'se_upgrade_events',
    ];
    const values = fc.oneof(
      fc.integer({ min: 0, max: 100 }),
      fc.string(),
      fc.constant([{ task_name: 'PreChecks', task: 'INSTALL_IMAGE' }]),
      fc.constant([{ ops: 'UPGRADE', start_time: 't1', end_time: 'e' }]),
      fc.constant([{ patch_version: '2p1', patch_image_path: '/c' }]),
      fc.constant([SR('systemreport-a'), SR('systemreport-n')]),
      fc.constant([{ num_se: 2 }]),
      fc.constant({ state: 'UPGRADE_FSM_ERROR' }),
    );
    const ops = fc.dictionary(fc.constantFrom(...fields), values, { maxKeys: 4 });
    const body = fc.record({ add: ops, replace: ops, delete: ops, remove: ops }, { requiredKeys: [] });
    fc.assert(
      fc.property(body, (b) => {
        try {
          patch(b, current);
        } catch (err) {
          assert.ok(err instanceof ApiError && err.status === 400, String(err));
        }
        assert.deepEqual(current, before);
      }),
      { numRuns: 300 },
    );
  });
});
