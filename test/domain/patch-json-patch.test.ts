import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch, FORBIDDEN_SEGMENTS, parsePointer, schemaAt } from '../../src/domain/patch/index.js';
import { UpgradeStatusInfo } from '../../src/domain/schema/index.js';

import { deepFreeze } from '../helpers/freeze.js';
import { throws400Mentioning } from '../helpers/api-error.js';

type Obj = Record<string, unknown>;

const SR = (id: string, name?: string) => `/api/systemreport/${id}${name ? `#${name}` : ''}`;

function fixture(): Obj {
  return deepFreeze({
    uuid: 'cluster-0001',
    name: 'cluster-0001',
    _last_modified: '1595317888551753',
    progress: 40,
    version: '30.2.1',
    state: { state: 'UPGRADE_FSM_IN_PROGRESS', reason: 'working' },
    params: { image_ref: '/api/image/image-1#img', se_group_options: { disruptive: true } },
    system_report_refs: [SR('systemreport-a', 'rep-a'), SR('systemreport-b')],
    upgrade_events: [{ task_name: 'PreChecks', nodes_events: [{ message: 'ok' }] }, { task_name: 'Install' }],
    patch_list: [{ patch_version: '2p1' }, { patch_version: '2p2' }],
  });
}

function jp(ops: unknown[], current: Obj = fixture()): Obj {
  return applyPatch(UpgradeStatusInfo, current, { json_patch: ops });
}

describe('json_patch: add', () => {
  it('sets a new member and replaces an existing non-list member, at any depth', () => {
    const out = jp([
      { op: 'add', path: '/end_time', value: 'e' },
      { op: 'add', path: '/progress', value: 90 },
      { op: 'add', path: '/params/se_group_options/disruptive', value: false },
      { op: 'add', path: '/upgrade_events/0/nodes_events/0/status', value: true },
    ]);
    assert.equal(out.end_time, 'e');
    assert.equal(out.progress, 90);
    assert.deepEqual(out.params, {
      image_ref: '/api/image/image-1#img',
      se_group_options: { disruptive: false },
    });
    assert.deepEqual((out.upgrade_events as Obj[])[0], {
      task_name: 'PreChecks',
      nodes_events: [{ message: 'ok', status: true }],
    });
  });
  it('inserts into a list at an index, at the end index, and at -', () => {
    const out = jp([
      { op: 'add', path: '/patch_list/0', value: { patch_version: 'first' } },
      { op: 'add', path: '/patch_list/3', value: { patch_version: 'end' } },
      { op: 'add', path: '/patch_list/-', value: { patch_version: 'dash' } },
    ]);
    assert.deepEqual(
      (out.patch_list as Obj[]).map((p) => p.patch_version),
      ['first', '2p1', '2p2', 'end', 'dash'],
    );
  });
  it('refuses an index out of range and a malformed index', () => {
    throws400Mentioning(
      () => jp([{ op: 'add', path: '/patch_list/3', value: {} }]),
      'out of range',
      '/patch_list/3',
    );
    throws400Mentioning(() => jp([{ op: 'add', path: '/patch_list/01', value: {} }]), 'not a list index');
    throws400Mentioning(() => jp([{ op: 'add', path: '/patch_list/x', value: {} }]), 'not a list index');
  });
  it('refuses an add whose parent does not exist', () => {
    throws400Mentioning(
      () => jp([{ op: 'add', path: '/seg_status/notes', value: ['n'] }]),
      'parent',
      'does not exist',
    );
    throws400Mentioning(
      () => jp([{ op: 'add', path: '/patch_list/7/patch_version', value: 'v' }]),
      'does not exist',
    );
  });
  it('habit: an array added at an existing list appends its entries', () => {
    const out = jp([
      { op: 'add', path: '/system_report_refs', value: [SR('systemreport-c'), SR('systemreport-d')] },
    ]);
    assert.deepEqual(out.system_report_refs, [
      SR('systemreport-a', 'rep-a'),
      SR('systemreport-b'),
      SR('systemreport-c'),
      SR('systemreport-d'),
    ]);
    const nested = jp([{ op: 'add', path: '/upgrade_events/0/nodes_events', value: [{ message: 'two' }] }]);
    assert.deepEqual((nested.upgrade_events as Obj[])[0]?.nodes_events, [
      { message: 'ok' },
      { message: 'two' },
    ]);
  });
  it('habit: an array added where no list exists creates it', () => {
    assert.deepEqual(jp([{ op: 'add', path: '/history', value: [{ ops: 'UPGRADE' }] }]).history, [
      { ops: 'UPGRADE' },
    ]);
  });
  it('refuses a top-level field the model does not have', () => {
    throws400Mentioning(() => jp([{ op: 'add', path: '/bogus', value: 1 }]), 'unknown field', "'bogus'");
  });
});

describe('json_patch: remove and its alias delete', () => {
  it('removes members and list entries', () => {
    const out = jp([
      { op: 'remove', path: '/version' },
      { op: 'remove', path: '/patch_list/0' },
      { op: 'delete', path: '/state/reason' },
      { op: 'delete', path: '/system_report_refs/1' },
    ]);
    assert.equal(Object.hasOwn(out, 'version'), false);
    assert.deepEqual(out.patch_list, [{ patch_version: '2p2' }]);
    assert.deepEqual(out.state, { state: 'UPGRADE_FSM_IN_PROGRESS' });
    assert.deepEqual(out.system_report_refs, [SR('systemreport-a', 'rep-a')]);
  });
  it('refuses missing paths, indexes out of range and -', () => {
    throws400Mentioning(() => jp([{ op: 'remove', path: '/end_time' }]), "'/end_time' does not exist");
    throws400Mentioning(() => jp([{ op: 'delete', path: '/patch_list/2' }]), 'out of range', "'delete'");
    throws400Mentioning(() => jp([{ op: 'remove', path: '/patch_list/-' }]), 'not a list index');
    throws400Mentioning(() => jp([{ op: 'remove', path: '/seg_status/notes/0' }]), 'does not exist');
  });
});

describe('json_patch: replace', () => {
  it('replaces members and list entries', () => {
    const out = jp([
      { op: 'replace', path: '/state', value: { state: 'UPGRADE_FSM_COMPLETED' } },
      { op: 'replace', path: '/patch_list/1', value: { patch_version: 'x' } },
      { op: 'replace', path: '/system_report_refs', value: [] },
    ]);
    assert.deepEqual(out.state, { state: 'UPGRADE_FSM_COMPLETED' });
    assert.deepEqual(out.patch_list, [{ patch_version: '2p1' }, { patch_version: 'x' }]);
    assert.deepEqual(out.system_report_refs, []);
  });
  it('refuses a path that does not exist', () => {
    throws400Mentioning(() => jp([{ op: 'replace', path: '/end_time', value: 'x' }]), 'does not exist');
    throws400Mentioning(() => jp([{ op: 'replace', path: '/patch_list/2', value: {} }]), 'out of range');
    throws400Mentioning(() => jp([{ op: 'replace', path: '/patch_list/-', value: {} }]), 'not a list index');
  });
});

describe('json_patch: move and copy', () => {
  it('move relocates a value', () => {
    const out = jp([
      { op: 'move', from: '/version', path: '/previous_version' },
      { op: 'move', from: '/patch_list/0', path: '/patch_list/-' },
    ]);
    assert.equal(Object.hasOwn(out, 'version'), false);
    assert.equal(out.previous_version, '30.2.1');
    assert.deepEqual(out.patch_list, [{ patch_version: '2p2' }, { patch_version: '2p1' }]);
  });
  it('move onto itself changes nothing; move into its own child is refused', () => {
    assert.deepEqual(jp([{ op: 'move', from: '/state', path: '/state' }]), fixture());
    throws400Mentioning(() => jp([{ op: 'move', from: '/state', path: '/state/x' }]), 'own children');
  });
  it('move and copy refuse a from that does not exist', () => {
    throws400Mentioning(
      () => jp([{ op: 'move', from: '/end_time', path: '/start_time' }]),
      "'/end_time' does not exist",
    );
    throws400Mentioning(
      () => jp([{ op: 'copy', from: '/patch_list/5', path: '/previous_patch_list' }]),
      'does not exist',
    );
  });
  it('copy duplicates a deep copy (later changes do not alias)', () => {
    const out = jp([
      { op: 'copy', from: '/patch_list', path: '/previous_patch_list' },
      { op: 'replace', path: '/previous_patch_list/0/patch_version', value: 'changed' },
    ]);
    assert.deepEqual(out.patch_list, [{ patch_version: '2p1' }, { patch_version: '2p2' }]);
    assert.deepEqual(out.previous_patch_list, [{ patch_version: 'changed' }, { patch_version: '2p2' }]);
  });
  it('copy of an array onto an existing list replaces it (the append habit is add-only)', () => {
    const out = jp([{ op: 'copy', from: '/patch_list', path: '/patch_list/0' }]);
    assert.equal((out.patch_list as unknown[]).length, 3);
    const again = jp([
      { op: 'add', path: '/previous_patch_list', value: [{ patch_version: 'p' }] },
      { op: 'copy', from: '/patch_list', path: '/previous_patch_list' },
    ]);
    assert.deepEqual(again.previous_patch_list, again.patch_list);
  });
});

describe('json_patch: test', () => {
  it('passes on equal values (member order irrelevant, references by uuid)', () => {
    const out = jp([
      { op: 'test', path: '/progress', value: 40 },
      { op: 'test', path: '/state', value: { reason: 'working', state: 'UPGRADE_FSM_IN_PROGRESS' } },
      { op: 'test', path: '/params/image_ref', value: '/api/image/image-1' },
      { op: 'test', path: '/system_report_refs', value: [SR('systemreport-a'), SR('systemreport-b', 'b')] },
      { op: 'replace', path: '/progress', value: 41 },
    ]);
    assert.equal(out.progress, 41);
  });
  it('a failed test fails the whole patch, earlier operations included', () => {
    const current = fixture();
    throws400Mentioning(
      () =>
        jp(
          [
            { op: 'replace', path: '/progress', value: 99 },
            { op: 'test', path: '/version', value: '31.1.1' },
          ],
          current,
        ),
      'operation 1',
      "'test'",
      "'/version'",
      'test failed',
    );
    assert.equal(current.progress, 40);
  });
  it('a test of a missing path or a different type fails', () => {
    throws400Mentioning(() => jp([{ op: 'test', path: '/end_time', value: 'x' }]), 'does not exist');
    throws400Mentioning(() => jp([{ op: 'test', path: '/progress', value: '40' }]), 'test failed');
    throws400Mentioning(
      () => jp([{ op: 'test', path: '/patch_list', value: [{ patch_version: '2p1' }] }]),
      'test failed',
    );
  });
});

describe('json_patch: pointers', () => {
  it('unescapes ~1 and ~0', () => {
    const fail = (d: string): never => assert.fail(d);
    assert.deepEqual(parsePointer('/a~1b/c~0d/~01/', fail), ['a/b', 'c~d', '~1', '']);
    const out = jp([{ op: 'add', path: '/state/x~1y~0z', value: 1 }]);
    assert.equal((out.state as Obj)['x/y~z'], 1);
    assert.deepEqual(jp([{ op: 'remove', path: '/state/x~1y~0z' }], out).state, fixture().state);
  });
  it('refuses bad escapes, relative pointers and the whole document', () => {
    throws400Mentioning(() => jp([{ op: 'add', path: '/state/a~2', value: 1 }]), 'invalid escape');
    throws400Mentioning(() => jp([{ op: 'add', path: 'progress', value: 1 }]), 'not a JSON Pointer');
    throws400Mentioning(() => jp([{ op: 'replace', path: '', value: {} }]), 'whole object');
  });
  it('refuses __proto__, constructor and prototype anywhere, in path and from', () => {
    assert.deepEqual(FORBIDDEN_SEGMENTS, ['__proto__', 'constructor', 'prototype']);
    const bad = [
      { op: 'add', path: '/__proto__/polluted', value: 1 },
      { op: 'add', path: '/state/__proto__', value: { polluted: 1 } },
      { op: 'replace', path: '/state/constructor', value: 1 },
      { op: 'add', path: '/upgrade_events/0/prototype', value: 1 },
      { op: 'test', path: '/state/constructor/name', value: 'Object' },
      { op: 'copy', from: '/state/constructor', path: '/end_time' },
      { op: 'move', from: '/__proto__', path: '/end_time' },
      { op: 'add', path: '/state/~1~0__proto__/x', value: 1 },
    ];
    for (const op of bad.slice(0, 7)) throws400Mentioning(() => jp([op]), 'is not allowed');
    throws400Mentioning(() => jp([bad[7]]), 'does not exist');
    assert.equal(({} as Obj).polluted, undefined);
  });
  it('schemaAt follows objects and list items', () => {
    assert.equal(schemaAt(UpgradeStatusInfo, ['upgrade_events', '0', 'task_name'])?.type, 'string');
    assert.equal(schemaAt(UpgradeStatusInfo, ['nope']), undefined);
  });
});

describe('json_patch: malformed operations', () => {
  const cases: [unknown, string][] = [
    ['add', 'must be an object'],
    [{ path: '/progress', value: 1 }, "has no 'op'"],
    [{ op: 'merge', path: '/progress', value: 1 }, 'unknown op'],
    [{ op: 'add', value: 1 }, "has no 'path'"],
    [{ op: 'add', path: 5, value: 1 }, "'path' must be a string"],
    [{ op: 'add', path: '/progress' }, "needs a 'value'"],
    [{ op: 'replace', path: '/progress' }, "needs a 'value'"],
    [{ op: 'test', path: '/progress' }, "needs a 'value'"],
    [{ op: 'move', path: '/progress' }, "needs a 'from'"],
    [{ op: 'copy', path: '/progress', from: 3 }, "'from' must be a string"],
  ];
  for (const [op, fragment] of cases) {
    it(`refuses ${JSON.stringify(op)}`, () => {
      throws400Mentioning(
        () => jp([{ op: 'test', path: '/progress', value: 40 }, op]),
        'operation 1',
        fragment,
      );
    });
  }
  it('ignores members an operation does not define', () => {
    const out = jp([{ op: 'remove', path: '/version', value: 'ignored', from: '/nope', extra: true }]);
    assert.equal(Object.hasOwn(out, 'version'), false);
  });
});

describe('json_patch: identity and immutability', () => {
  it('an empty json_patch returns an equal new object', () => {
    const current = fixture();
    const out = jp([], current);
    assert.deepEqual(out, current);
    assert.notEqual(out, current);
  });
  it('refuses a change of uuid, allows rewriting the same uuid', () => {
    throws400Mentioning(
      () => jp([{ op: 'replace', path: '/uuid', value: 'cluster-0002' }]),
      'uuid',
      "'/uuid'",
    );
    throws400Mentioning(() => jp([{ op: 'remove', path: '/uuid' }]), 'uuid');
    throws400Mentioning(() => jp([{ op: 'move', from: '/uuid', path: '/name' }]), 'uuid');
    assert.equal(jp([{ op: 'replace', path: '/uuid', value: 'cluster-0001' }]).uuid, 'cluster-0001');
  });
  it('ignores changes to _last_modified and url', () => {
    const out = jp([
      { op: 'replace', path: '/_last_modified', value: '1' },
      { op: 'add', path: '/url', value: 'https://x' },
    ]);
    assert.equal(out._last_modified, '1595317888551753');
    assert.equal(Object.hasOwn(out, 'url'), false);
  });
  it('never mutates a deep-frozen current, whether the patch succeeds or fails', () => {
    const current = fixture();
    const before = structuredClone(current);
    const ops = [
      { op: 'add', path: '/system_report_refs', value: [SR('systemreport-c')] },
      { op: 'add', path: '/upgrade_events/0/nodes_events/-', value: { message: 'm' } },
      { op: 'remove', path: '/patch_list/0' },
      { op: 'replace', path: '/state/state', value: 'UPGRADE_FSM_ERROR' },
      { op: 'move', from: '/params/se_group_options', path: '/seg_params' },
      { op: 'copy', from: '/upgrade_events', path: '/history' },
    ];
    const out = jp(ops, current);
    assert.deepEqual(current, before);
    assert.equal((out.system_report_refs as unknown[]).length, 3);
    throws400Mentioning(
      () => jp([...ops, { op: 'remove', path: '/nothing' }], current),
      'operation 6',
      "'remove'",
      "'/nothing'",
    );
    assert.deepEqual(current, before);
  });
});
