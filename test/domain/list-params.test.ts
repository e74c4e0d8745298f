import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/errors/catalogue.js';
import { parseListParams, type QueryParams } from '../../src/domain/query/list-params.js';
import { MAX_LIST_VALUES, parseFilters } from '../../src/domain/query/filters.js';
import { ANY_ITEM, fieldCatalogue } from '../../src/domain/query/fields.js';
import type { Filter } from '../../src/storage/types.js';

const filters = (params: QueryParams): Filter[] => parseFilters(params);
const one = (params: QueryParams): Filter => {
  const fs = filters(params);
  assert.equal(fs.length, 1, JSON.stringify(fs));
  return fs[0] as Filter;
};

function invalid(params: QueryParams, param: string, expected?: RegExp): void {
  assert.throws(
    () => parseListParams(params),
    (err: unknown) => {
      assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
      assert.equal(err.status, 400);
      assert.ok(
        err.message.startsWith(`Invalid value for query parameter '${param}': expected `),
        err.message,
      );
      if (expected) assert.match(err.message, expected);
      return true;
    },
  );
}

const I = ANY_ITEM;

/** The members of an `or` filter. */
function members(f: Filter): readonly Filter[] {
  assert.equal(f.op, 'or', JSON.stringify(f));
  return f.op === 'or' ? f.filters : [];
}

/** The path of a filter on one field. */
function pathOf(f: Filter): string {
  assert.ok('path' in f, JSON.stringify(f));
  return 'path' in f ? f.path.join('.') : '';
}

describe('the field catalogue', () => {
  it('is walked from the model, through objects and lists', () => {
    const cat = fieldCatalogue();
    assert.equal(cat.typeName, 'UpgradeStatusInfo');
    assert.deepEqual(cat.byName.get('state.state')?.path, ['state', 'state']);
    assert.deepEqual(cat.byName.get('upgrade_events.sub_events.ip.addr')?.path, [
      'upgrade_events',
      I,
      'sub_events',
      I,
      'ip',
      'addr',
    ]);
    const notes = cat.byName.get('seg_status.notes');
    assert.deepEqual(notes?.valuePath, ['seg_status', 'notes', I]);
    assert.equal(notes?.list, true);
    assert.equal(cat.byName.get('obj_cloud_ref')?.refPath, 'cloud');
    assert.equal(cat.byName.get('seg_status.se_upgrade_completed')?.refType, 'ServiceEngine');
    assert.equal(cat.byName.has('url'), false); // never stored
    assert.ok(cat.byName.has('history.params.controller.task_base_timeout'));
    assert.ok(cat.references.every((r) => r.kind === 'ref'));
    assert.ok(cat.references.some((r) => r.name === 'history.seg_status.se_upgrade_errors.se_ref'));
  });
});

describe('list parameters: paging, sort and read options keep working', () => {
  it('parses page, page_size, sort and fields', () => {
    const p = parseListParams({ page: '2', page_size: '5000', sort: '-progress,name', fields: 'name' });
    assert.equal(p.page, 2);
    assert.equal(p.pageSize, 1000);
    assert.deepEqual(p.sort, [
      { path: ['progress'], descending: true },
      { path: ['name'], descending: false },
    ]);
    assert.deepEqual(p.filters, []);
    assert.deepEqual(p.fields, ['name']);
  });
});

describe('name and uuid', () => {
  it('name, name.contains, name.icontains, name.in', () => {
    assert.deepEqual(one({ name: 'Default-Group' }), { op: 'eq', path: ['name'], value: 'Default-Group' });
    assert.deepEqual(one({ 'name.contains': 'Def' }), {
      op: 'contains',
      path: ['name'],
      value: 'Def',
      caseInsensitive: false,
    });
    assert.deepEqual(one({ 'name.icontains': 'def' }), {
      op: 'contains',
      path: ['name'],
      value: 'def',
      caseInsensitive: true,
    });
    assert.deepEqual(one({ 'name.in': 'a,b,c d' }), { op: 'in', path: ['name'], values: ['a', 'b', 'c d'] });
    assert.deepEqual(one({ 'name.in': '' }), { op: 'in', path: ['name'], values: [] });
  });

  it('uuid and uuid.in', () => {
    assert.deepEqual(one({ uuid: 'u-1' }), { op: 'eq', path: ['uuid'], value: 'u-1' });
    assert.deepEqual(one({ 'uuid.in': 'u-1,u-2' }), { op: 'in', path: ['uuid'], values: ['u-1', 'u-2'] });
  });

  it('the last of a repeated parameter wins', () => {
    assert.deepEqual(one({ name: ['a', 'b'] }), { op: 'eq', path: ['name'], value: 'b' });
  });

  it('caps .in lists', () => {
    const many = Array.from({ length: MAX_LIST_VALUES + 1 }, (_, i) => `n${i}`).join(',');
    invalid({ 'name.in': many }, 'name.in', /at most 1000/);
    assert.equal(
      (one({ 'name.in': many.split(',').slice(1).join(',') }) as { values: readonly unknown[] }).values
        .length,
      1000,
    );
  });
});

describe('equality on any scalar field', () => {
  it('types values by the model: enums, integers in range, booleans', () => {
    assert.deepEqual(one({ node_type: 'NODE_SE_GROUP' }), {
      op: 'eq',
      path: ['node_type'],
      value: 'NODE_SE_GROUP',
    });
    assert.deepEqual(one({ 'state.state': 'UPGRADE_FSM_ERROR' }), {
      op: 'eq',
      path: ['state', 'state'],
      value: 'UPGRADE_FSM_ERROR',
    });
    assert.deepEqual(one({ progress: '100' }), { op: 'eq', path: ['progress'], value: 100 });
    assert.deepEqual(one({ duration: '-5' }), { op: 'eq', path: ['duration'], value: -5 });
    assert.deepEqual(one({ system: 'true' }), { op: 'eq', path: ['system'], value: true });
    assert.deepEqual(one({ enable_rollback: 'False' }), {
      op: 'eq',
      path: ['enable_rollback'],
      value: false,
    });
    assert.deepEqual(one({ 'progress.in': '0,50,100' }), {
      op: 'in',
      path: ['progress'],
      values: [0, 50, 100],
    });
    assert.deepEqual(one({ 'seg_params.se_group_options.disruptive': 'true' }), {
      op: 'eq',
      path: ['seg_params', 'se_group_options', 'disruptive'],
      value: true,
    });
  });

  it('reaches into lists: any item', () => {
    assert.deepEqual(one({ 'upgrade_events.task_name': 't' }), {
      op: 'eq',
      path: ['upgrade_events', I, 'task_name'],
      value: 't',
    });
    assert.deepEqual(one({ 'seg_status.notes': 'n' }), {
      op: 'eq',
      path: ['seg_status', 'notes', I],
      value: 'n',
    });
    assert.deepEqual(one({ 'upgrade_events.sub_events.ip.type': 'V4' }), {
      op: 'eq',
      path: ['upgrade_events', I, 'sub_events', I, 'ip', 'type'],
      value: 'V4',
    });
  });

  it('refuses values that do not fit, naming the parameter', () => {
    invalid({ node_type: 'NODE_NOPE' }, 'node_type', /one of NODE_/);
    invalid({ 'state.state': 'x' }, 'state.state', /a valid value of state\.state/);
    invalid({ progress: '101' }, 'progress', /an integer from 0 to 100/);
    invalid({ progress: '-1' }, 'progress');
    invalid({ progress: 'ten' }, 'progress');
    invalid({ progress: '' }, 'progress');
    invalid({ progress: '1e2' }, 'progress');
    invalid({ progress: '99999999999999999999' }, 'progress');
    invalid({ 'progress.in': '1,x' }, 'progress.in');
    invalid({ system: 'yes' }, 'system', /true or false/);
    invalid({ 'node_type.in': 'NODE_SE_GROUP,bad' }, 'node_type.in');
  });

  it('refuses operators that do not apply to the field', () => {
    invalid({ state: 'x' }, 'state', /holds an object/);
    invalid({ upgrade_events: 'x' }, 'upgrade_events', /list of objects/);
    invalid({ 'progress.contains': '1' }, 'progress.contains', /text/);
    invalid({ 'name.uuid': 'x' }, 'name.uuid', /reference/);
    invalid({ 'state.in': 'x' }, 'state.in');
    invalid({ 'progress.uuid.in': 'x' }, 'progress.uuid.in', /reference/);
  });
});

describe('references', () => {
  it('<ref>.uuid, <ref>.name and their .in forms, at any depth and in lists', () => {
    assert.deepEqual(one({ 'obj_cloud_ref.uuid': 'cloud-1' }), {
      op: 'refUuid',
      path: ['obj_cloud_ref'],
      refType: 'cloud',
      values: ['cloud-1'],
    });
    assert.deepEqual(one({ 'image_ref.name': 'img' }), {
      op: 'refName',
      path: ['image_ref'],
      refType: 'image',
      values: ['img'],
    });
    assert.deepEqual(one({ 'params.image_ref.uuid.in': 'i-1,i-2' }), {
      op: 'refUuid',
      path: ['params', 'image_ref'],
      refType: 'image',
      values: ['i-1', 'i-2'],
    });
    assert.deepEqual(one({ 'tenant_ref.name.in': 'admin,t2' }), {
      op: 'refName',
      path: ['tenant_ref'],
      refType: 'tenant',
      values: ['admin', 't2'],
    });
    assert.deepEqual(one({ 'seg_status.se_upgrade_completed.uuid': 'se-1' }), {
      op: 'refUuid',
      path: ['seg_status', 'se_upgrade_completed', I],
      refType: 'serviceengine',
      values: ['se-1'],
    });
    assert.deepEqual(one({ 'se_upgrade_events.se_ref.name': 'se' }), {
      op: 'refName',
      path: ['se_upgrade_events', I, 'se_ref'],
      refType: 'serviceengine',
      values: ['se'],
    });
  });

  it('<ref>=<uuid or reference> and <ref>.in', () => {
    const byUuid = { op: 'refUuid', path: ['obj_cloud_ref'], refType: 'cloud', values: ['cloud-1'] };
    assert.deepEqual(one({ obj_cloud_ref: 'cloud-1' }), byUuid);
    assert.deepEqual(one({ obj_cloud_ref: '/api/cloud/cloud-1' }), byUuid);
    assert.deepEqual(one({ obj_cloud_ref: 'https://ctl/api/cloud/cloud-1#Default-Cloud' }), byUuid);
    assert.deepEqual(one({ obj_cloud_ref: '/api/cloud/?name=Default-Cloud' }), {
      op: 'refName',
      path: ['obj_cloud_ref'],
      refType: 'cloud',
      values: ['Default-Cloud'],
    });
    assert.deepEqual(one({ 'obj_cloud_ref.in': 'c-1,/api/cloud/c-2' }), {
      op: 'refUuid',
      path: ['obj_cloud_ref'],
      refType: 'cloud',
      values: ['c-1', 'c-2'],
    });
    invalid({ obj_cloud_ref: '/api/image/i-1' }, 'obj_cloud_ref', /reference to Cloud/);
    invalid({ 'obj_cloud_ref.uuid': "x' OR '1'='1" }, 'obj_cloud_ref.uuid', /a uuid/);
    invalid({ 'obj_cloud_ref.uuid': '' }, 'obj_cloud_ref.uuid');
  });

  it("the Go SDK's cloud filters apply to obj_cloud_ref", () => {
    assert.deepEqual(one({ 'cloud_ref.uuid': 'cloud-1' }), {
      op: 'refUuid',
      path: ['obj_cloud_ref'],
      refType: 'cloud',
      values: ['cloud-1'],
    });
    assert.deepEqual(one({ 'cloud_ref.name': 'Default-Cloud' }), {
      op: 'refName',
      path: ['obj_cloud_ref'],
      refType: 'cloud',
      values: ['Default-Cloud'],
    });
    assert.deepEqual(one({ cloud: 'Default-Cloud' }), {
      op: 'or',
      filters: [
        { op: 'refUuid', path: ['obj_cloud_ref'], refType: 'cloud', values: ['Default-Cloud'] },
        { op: 'refName', path: ['obj_cloud_ref'], refType: 'cloud', values: ['Default-Cloud'] },
      ],
    });
    // A name that cannot be a uuid is only matched as a name.
    assert.deepEqual(one({ cloud: 'My Cloud' }), {
      op: 'refName',
      path: ['obj_cloud_ref'],
      refType: 'cloud',
      values: ['My Cloud'],
    });
    invalid({ 'cloud_ref.uuid': 'a b' }, 'cloud_ref.uuid');
  });
});

describe('search and isearch', () => {
  it('(field,value) on a dotted path, case-sensitive or not', () => {
    assert.deepEqual(one({ search: '(name,Default)' }), {
      op: 'containsText',
      path: ['name'],
      value: 'Default',
      caseInsensitive: false,
    });
    assert.deepEqual(one({ isearch: '(state.reason, Disk full)' }), {
      op: 'containsText',
      path: ['state', 'reason'],
      value: ' Disk full',
      caseInsensitive: true,
    });
    assert.deepEqual(one({ search: '(upgrade_events.sub_events.message,a,b)' }), {
      op: 'containsText',
      path: ['upgrade_events', I, 'sub_events', I, 'message'],
      value: 'a,b',
      caseInsensitive: false,
    });
    // An object or list field: any text below it.
    assert.deepEqual(one({ search: '(seg_status,grp)' }), {
      op: 'containsText',
      path: ['seg_status'],
      value: 'grp',
      caseInsensitive: false,
    });
  });

  it('a bare member name means every field so named; (field,) means present; | means any', () => {
    const byMember = one({ search: '(task_name,x)' });
    assert.equal(byMember.op, 'or');
    assert.deepEqual(members(byMember).map(pathOf), [
      'history.[].upgrade_events.[].task_name',
      'upgrade_events.[].task_name',
      'dryrun_info.upgrade_events.[].task_name',
    ]);
    const present = members(one({ search: '(rebooted,)' }));
    assert.ok(present.every((g) => g.op === 'exists' && g.path.at(-1) === 'rebooted'));
    assert.ok(present.length >= 4);
    assert.deepEqual(one({ search: '(name,)' }), { op: 'exists', path: ['name'] });
    assert.deepEqual(one({ search: '(name,a)|(version,)' }), {
      op: 'or',
      filters: [
        { op: 'containsText', path: ['name'], value: 'a', caseInsensitive: false },
        { op: 'exists', path: ['version'] },
      ],
    });
  });

  it('text without parentheses searches the whole object; empty does nothing', () => {
    assert.deepEqual(one({ search: 'LEAST' }), {
      op: 'containsText',
      path: [],
      value: 'LEAST',
      caseInsensitive: false,
    });
    assert.deepEqual(filters({ search: '' }), []);
  });

  it('refuses malformed searches', () => {
    for (const bad of [
      '(name',
      '(name)',
      '(,x)',
      '(nosuchfield,x)',
      '(name,x)junk',
      '(name,x)|',
      '(name,x)|name',
      '(na me,x)',
      "(name') OR 1=1 --,x)",
      '(state.nope,x)',
    ]) {
      invalid({ search: bad }, 'search');
    }
    invalid({ isearch: '(x' }, 'isearch');
    invalid({ search: Array.from({ length: 21 }, () => '(name,a)').join('|') }, 'search', /at most 20/);
  });
});

describe('refers_to and referred_by', () => {
  it('refers_to: every reference field of that type, at any depth', () => {
    const f = one({ refers_to: 'cloud:cloud-1' });
    assert.deepEqual(f, { op: 'refUuid', path: ['obj_cloud_ref'], refType: 'cloud', values: ['cloud-1'] });
    const image = members(one({ refers_to: 'Image:img-1' }));
    assert.ok(image.length > 10);
    assert.ok(image.every((g) => g.op === 'refUuid' && g.refType === 'image' && g.values[0] === 'img-1'));
    assert.ok(image.map(pathOf).includes('patch_list.[].patch_image_ref'), 'inside lists too');
  });

  it('refers_to: a comma list means any; any / none; unknown types match nothing', () => {
    const f = one({ refers_to: 'cloud:c-1,statediffoperation:sd-1' });
    assert.deepEqual(f, {
      op: 'or',
      filters: [
        { op: 'refUuid', path: ['obj_cloud_ref'], refType: 'cloud', values: ['c-1'] },
        {
          op: 'or',
          filters: [
            {
              op: 'refUuid',
              path: ['history', I, 'statediff_ref'],
              refType: 'statediffoperation',
              values: ['sd-1'],
            },
            { op: 'refUuid', path: ['statediff_ref'], refType: 'statediffoperation', values: ['sd-1'] },
          ],
        },
      ],
    });
    assert.deepEqual(one({ refers_to: 'cloud:any' }), { op: 'exists', path: ['obj_cloud_ref'] });
    assert.deepEqual(one({ refers_to: 'cloud:none' }), {
      op: 'not',
      filter: { op: 'exists', path: ['obj_cloud_ref'] },
    });
    assert.deepEqual(one({ refers_to: 'pool:p-1' }), { op: 'or', filters: [] });
    assert.deepEqual(one({ refers_to: 'pool:none' }), { op: 'not', filter: { op: 'or', filters: [] } });
    assert.equal(members(one({ refers_to: 'any:x-1' })).length, fieldCatalogue().references.length);
  });

  it('referred_by matches nothing, except "referred by none", which matches everything', () => {
    const nothing = { op: 'or', filters: [] };
    assert.deepEqual(one({ referred_by: 'virtualservice:vs-1' }), nothing);
    assert.deepEqual(one({ referred_by: 'upgradestatusinfo:any' }), nothing);
    assert.deepEqual(one({ referred_by: 'any:any,pool:p-1' }), nothing);
    assert.deepEqual(one({ referred_by: 'any:none' }), { op: 'not', filter: nothing });
  });

  it('refuses malformed targets', () => {
    for (const param of ['refers_to', 'referred_by']) {
      for (const bad of [
        '',
        'cloud',
        'cloud:',
        ':u-1',
        'cl oud:u-1',
        "cloud:u-1' OR 1=1",
        'cloud:../x',
        'cloud:u-1,',
      ]) {
        invalid({ [param]: bad }, param);
      }
      invalid(
        { [param]: Array.from({ length: 21 }, (_, i) => `cloud:c-${i}`).join(',') },
        param,
        /at most 20/,
      );
    }
  });
});

describe('combinations, exclude and unknown parameters', () => {
  it('combines every filtering parameter (all must hold), in parameter order', () => {
    const p = parseListParams({
      name: 'n',
      'state.state': 'UPGRADE_FSM_ERROR',
      'cloud_ref.name': 'Default-Cloud',
      search: '(version,30)',
      page_size: '10',
      sort: 'name',
      include_name: '',
    });
    assert.deepEqual(
      p.filters.map((f) => f.op),
      ['eq', 'eq', 'refName', 'containsText'],
    );
    assert.equal(p.includeName, true);
  });

  it('exclude negates the named parameters', () => {
    assert.deepEqual(filters({ 'uuid.in': 'u-1,u-2', exclude: 'uuid.in' }), [
      { op: 'not', filter: { op: 'in', path: ['uuid'], values: ['u-1', 'u-2'] } },
    ]);
    assert.deepEqual(filters({ name: 'a', node_type: 'NODE_SE_GROUP', exclude: 'node_type, nope' }), [
      { op: 'eq', path: ['name'], value: 'a' },
      { op: 'not', filter: { op: 'eq', path: ['node_type'], value: 'NODE_SE_GROUP' } },
    ]);
    assert.deepEqual(filters({ exclude: 'name' }), []);
  });

  it('ignores parameters it does not know, whatever their value', () => {
    assert.deepEqual(
      filters({
        foo: 'bar',
        tenant: 'admin',
        join_subresources: 'runtime',
        include_refs: '',
        'name.startswith': 'x',
        'state.nope': 'x',
        'nosuch.in': 'x',
        'a.b.c.d': "' OR 1=1 --",
        label_key: 'app',
        depth: '1',
        limit_by: '3',
        __proto__: 'x',
        constructor: 'x',
        url: 'x',
      }),
      [],
    );
  });

  it('hostile values in known parameters give a 400 or a plain value, never anything else', () => {
    const hostile = [
      "' OR 1=1 --",
      '"); DROP TABLE upgrade_status_info; --',
      '%',
      '_',
      '\\',
      '\u0000',
      'a'.repeat(10000),
    ];
    for (const value of hostile) {
      for (const key of [
        'name',
        'name.contains',
        'name.icontains',
        'name.in',
        'uuid',
        'search',
        'isearch',
        'cloud',
        'cloud_ref.name',
        'image_ref.name',
        'upgrade_events.task_name',
      ]) {
        const fs = filters({ [key]: value });
        assert.equal(fs.length <= 1, true);
      }
      for (const key of [
        'progress',
        'node_type',
        'system',
        'refers_to',
        'referred_by',
        'cloud_ref.uuid',
        'obj_cloud_ref',
        'image_ref.uuid',
      ]) {
        assert.throws(() => filters({ [key]: value }), ApiError, `${key}=${value.slice(0, 20)}`);
      }
    }
  });
});
