// The list query language end to end on a real database of the run's kind (SQLite or
// PostgreSQL): query parameters parsed by the domain into storage filters, executed by the
// adapter. Plus the storage-level filter semantics (list steps, or / not / exists, reference
// matching) and hostile input. Every adapter must answer all of it the same way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../src/errors/catalogue.js';
import { parseListParams, type QueryParams } from '../../src/domain/query/list-params.js';
import {
  ANY_ITEM,
  type Filter,
  type ListQuery,
  type Storage,
  type StoredObject,
} from '../../src/storage/types.js';
import { freshDatabase, type TestDatabase } from '../helpers/database.js';

const TENANT_REF = '/api/tenant/admin#admin';

function obj(uuid: string, body: Record<string, unknown>, tenant = 'admin'): StoredObject {
  return {
    uuid,
    tenant,
    lastModified: '1700000000000000',
    body: { uuid, tenant_ref: tenant === 'admin' ? TENANT_REF : `/api/tenant/${tenant}`, ...body },
  };
}

const DOCS: StoredObject[] = [
  obj('u-1', {
    name: 'Default-Group',
    node_type: 'NODE_SE_GROUP',
    obj_cloud_ref: '/api/cloud/cloud-1#Default-Cloud',
    state: { state: 'UPGRADE_FSM_ERROR', reason: 'Disk full' },
    progress: 100,
    system: true,
    version: '30.2.1',
    image_ref: '/api/image/img-1#ctl-30.2.1',
    upgrade_events: [
      {
        task_name: 'Prepare',
        sub_events: [{ message: 'copying image', ip: { addr: '10.0.0.1', type: 'V4' } }],
      },
    ],
    seg_status: {
      notes: ['first note'],
      se_upgrade_completed: ['/api/serviceengine/se-1#se-one', '/api/serviceengine/se-2'],
    },
  }),
  obj('u-2', {
    name: 'default-group',
    node_type: 'NODE_CONTROLLER_CLUSTER',
    obj_cloud_ref: '/api/cloud/cloud-2#Other-Cloud',
    state: { state: 'UPGRADE_FSM_COMPLETED' },
    progress: 50,
    system: false,
    version: '22.1.3',
    patch_list: [{ patch_version: '2p1' }, { patch_image_ref: '/api/image/img-1' }],
    history: [{ upgrade_events: [{ task_name: 'Prepare-old' }] }],
    se_upgrade_events: [{ se_ref: '/api/serviceengine/se-9#nine' }],
  }),
  obj('u-3', {
    name: 'Group "quoted" #1',
    node_type: 'NODE_SE_TYPE',
    obj_cloud_ref: '/api/cloud/cloud-1',
    progress: 0,
    statediff_ref: '/api/statediffoperation/sd-1#Größe "x"',
  }),
  obj('u-4', {
    name: 'bare',
    // Text that looks like references, in fields that are not references.
    image_path: '/api/cloud/cloud-1',
    version: '/api/image/img-1#ctl-30.2.1',
    seg_status: { notes: ['cloud-1', 'se-9'] },
  }),
  // Data of unexpected shapes (as an older writer might have left): never an SQL error.
  obj('u-5', {
    name: 'weird',
    upgrade_events: ['not-an-object', 5, true, null, [1, 2]],
    seg_status: { notes: 'not-a-list', se_upgrade_completed: [null, 7] },
    patch_list: { patch_image_ref: '/api/image/img-1' },
  }),
  obj(
    't-1',
    { name: 'Default-Group', obj_cloud_ref: '/api/cloud/cloud-1#Default-Cloud', progress: 100 },
    'tenant-2',
  ),
];

let db: TestDatabase;
let storage: Storage;

before(async () => {
  db = await freshDatabase();
  storage = db.storage;
  for (const d of DOCS) await storage.upgradeStatus.insert(d);
});

after(async () => {
  await db.close();
});

function query(filters: readonly Filter[], over: Partial<ListQuery> = {}): ListQuery {
  return { tenant: 'admin', filters, sort: [], offset: 0, limit: 1000, ...over };
}

async function byFilters(filters: readonly Filter[], over: Partial<ListQuery> = {}): Promise<string[]> {
  const result = await storage.upgradeStatus.list(query(filters, over));
  assert.ok(result.count >= result.items.length);
  return result.items.map((o) => o.uuid);
}

/** The uuids a list request with these query parameters returns (admin tenant, creation order). */
async function list(params: QueryParams): Promise<string[]> {
  const p = parseListParams(params);
  const result = await storage.upgradeStatus.list(
    query(p.filters, { sort: p.sort, offset: (p.page - 1) * p.pageSize, limit: p.pageSize }),
  );
  return result.items.map((o) => o.uuid);
}

async function count(params: QueryParams): Promise<number> {
  const p = parseListParams(params);
  return (await storage.upgradeStatus.list(query(p.filters, { limit: 1 }))).count;
}

const ALL = ['u-1', 'u-2', 'u-3', 'u-4', 'u-5'];

/** Every text, number and boolean (as text) in a JSON value. */
function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(texts);
  return value === null || value === undefined ? [] : [String(value)];
}

describe('name and uuid filters', () => {
  it('name, name.contains, name.icontains, name.in', async () => {
    assert.deepEqual(await list({ name: 'Default-Group' }), ['u-1']);
    assert.deepEqual(await list({ name: 'default-group' }), ['u-2']);
    assert.deepEqual(await list({ 'name.contains': 'Group' }), ['u-1', 'u-3']);
    assert.deepEqual(await list({ 'name.contains': '"quoted"' }), ['u-3']);
    assert.deepEqual(await list({ 'name.icontains': 'GROUP' }), ['u-1', 'u-2', 'u-3']);
    assert.deepEqual(await list({ 'name.in': 'bare,weird,nope' }), ['u-4', 'u-5']);
    assert.deepEqual(await list({ 'name.in': '' }), []);
  });

  it('uuid and uuid.in', async () => {
    assert.deepEqual(await list({ uuid: 'u-2' }), ['u-2']);
    assert.deepEqual(await list({ uuid: 't-1' }), [], 'other tenants stay invisible');
    assert.deepEqual(await list({ 'uuid.in': 'u-3,u-1,t-1' }), ['u-1', 'u-3']);
  });
});

describe('equality on scalar fields', () => {
  it('enum, nested, integer and boolean fields', async () => {
    assert.deepEqual(await list({ node_type: 'NODE_SE_GROUP' }), ['u-1']);
    assert.deepEqual(await list({ 'state.state': 'UPGRADE_FSM_ERROR' }), ['u-1']);
    assert.deepEqual(await list({ 'state.state.in': 'UPGRADE_FSM_ERROR,UPGRADE_FSM_COMPLETED' }), [
      'u-1',
      'u-2',
    ]);
    assert.deepEqual(await list({ progress: '100' }), ['u-1']);
    assert.deepEqual(await list({ progress: '0' }), ['u-3']);
    assert.deepEqual(await list({ 'progress.in': '0,50' }), ['u-2', 'u-3']);
    assert.deepEqual(await list({ system: 'true' }), ['u-1']);
    assert.deepEqual(await list({ system: 'FALSE' }), ['u-2']);
    assert.deepEqual(await list({ 'state.reason': 'Disk full' }), ['u-1']);
  });

  it('fields inside lists match when any item does', async () => {
    assert.deepEqual(await list({ 'upgrade_events.task_name': 'Prepare' }), ['u-1']);
    assert.deepEqual(await list({ 'history.upgrade_events.task_name': 'Prepare-old' }), ['u-2']);
    assert.deepEqual(await list({ 'upgrade_events.sub_events.ip.addr': '10.0.0.1' }), ['u-1']);
    assert.deepEqual(await list({ 'upgrade_events.sub_events.ip.type': 'V4' }), ['u-1']);
    assert.deepEqual(await list({ 'seg_status.notes': 'first note' }), ['u-1']);
    assert.deepEqual(await list({ 'seg_status.notes.contains': 'note' }), ['u-1']);
    assert.deepEqual(await list({ 'patch_list.patch_version.in': '2p1,3p1' }), ['u-2']);
  });
});

describe('reference filters', () => {
  it('<ref>.uuid and <ref>.name on top-level references (indexed cloud column and JSON)', async () => {
    assert.deepEqual(await list({ 'obj_cloud_ref.uuid': 'cloud-1' }), ['u-1', 'u-3']);
    assert.deepEqual(await list({ 'obj_cloud_ref.uuid.in': 'cloud-2,cloud-1' }), ['u-1', 'u-2', 'u-3']);
    assert.deepEqual(await list({ 'obj_cloud_ref.name': 'Default-Cloud' }), ['u-1']);
    assert.deepEqual(await list({ 'obj_cloud_ref.name.in': 'Other-Cloud,Default-Cloud' }), ['u-1', 'u-2']);
    assert.deepEqual(await list({ 'image_ref.uuid': 'img-1' }), ['u-1']);
    assert.deepEqual(await list({ 'image_ref.name': 'ctl-30.2.1' }), ['u-1']);
    assert.deepEqual(await list({ 'image_ref.name': 'ctl' }), [], 'names compare whole');
    assert.deepEqual(await list({ 'tenant_ref.uuid': 'admin' }), ALL);
    assert.deepEqual(await list({ 'tenant_ref.name': 'admin' }), ALL);
    assert.deepEqual(
      await list({ 'statediff_ref.name': 'Größe "x"' }),
      ['u-3'],
      'names needing JSON escapes',
    );
    assert.deepEqual(await list({ obj_cloud_ref: '/api/cloud/cloud-2#whatever' }), ['u-2']);
    assert.deepEqual(await list({ obj_cloud_ref: '/api/cloud/?name=Other-Cloud' }), ['u-2']);
  });

  it('references inside lists and nested objects', async () => {
    assert.deepEqual(await list({ 'seg_status.se_upgrade_completed.uuid': 'se-2' }), ['u-1']);
    assert.deepEqual(await list({ 'seg_status.se_upgrade_completed.name': 'se-one' }), ['u-1']);
    assert.deepEqual(await list({ 'seg_status.se_upgrade_completed.name': 'se-two' }), []);
    assert.deepEqual(await list({ 'se_upgrade_events.se_ref.name': 'nine' }), ['u-2']);
    assert.deepEqual(await list({ 'patch_list.patch_image_ref.uuid': 'img-1' }), ['u-2']);
  });

  it("the Go SDK's cloud_ref.uuid, cloud_ref.name and cloud (uuid or name)", async () => {
    assert.deepEqual(await list({ 'cloud_ref.uuid': 'cloud-1' }), ['u-1', 'u-3']);
    assert.deepEqual(await list({ 'cloud_ref.name': 'Default-Cloud' }), ['u-1']);
    assert.deepEqual(await list({ cloud: 'Default-Cloud' }), ['u-1']);
    assert.deepEqual(await list({ cloud: 'cloud-2' }), ['u-2']);
    assert.deepEqual(await list({ cloud: 'Other-Cloud', name: 'default-group' }), ['u-2']);
    assert.deepEqual(await list({ cloud: 'No Such Cloud' }), []);
  });

  it('refers_to: any reference field at any depth, never text that only looks like a reference', async () => {
    assert.deepEqual(await list({ refers_to: 'image:img-1' }), ['u-1', 'u-2']);
    assert.deepEqual(await list({ refers_to: 'Image:img-1' }), ['u-1', 'u-2']);
    assert.deepEqual(await list({ refers_to: 'cloud:cloud-1' }), ['u-1', 'u-3']);
    assert.deepEqual(await list({ refers_to: 'serviceengine:se-9' }), ['u-2']);
    assert.deepEqual(await list({ refers_to: 'serviceengine:se-1' }), ['u-1']);
    assert.deepEqual(await list({ refers_to: 'serviceengine:se' }), [], 'uuids compare whole');
    assert.deepEqual(await list({ refers_to: 'image:img-1,serviceengine:se-9' }), ['u-1', 'u-2']);
    assert.deepEqual(await list({ refers_to: 'any:se-2' }), ['u-1']);
    assert.deepEqual(await list({ refers_to: 'cloud:img-1' }), [], 'the type must match');
    assert.deepEqual(await list({ refers_to: 'pool:p-1' }), []);
  });

  it('refers_to with any / none', async () => {
    assert.deepEqual(await list({ refers_to: 'cloud:any' }), ['u-1', 'u-2', 'u-3']);
    assert.deepEqual(await list({ refers_to: 'cloud:none' }), ['u-4', 'u-5']);
    assert.deepEqual(await list({ refers_to: 'serviceengine:any' }), ['u-1', 'u-2', 'u-5']);
    assert.deepEqual(await list({ refers_to: 'any:any' }), ALL);
    assert.deepEqual(await list({ refers_to: 'any:none' }), [], 'every object refers to its tenant');
    assert.deepEqual(await list({ refers_to: 'pool:none' }), ALL);
  });

  it('referred_by: nothing, except referred by none', async () => {
    assert.deepEqual(await list({ referred_by: 'virtualservice:vs-1' }), []);
    assert.deepEqual(await list({ referred_by: 'any:any' }), []);
    assert.deepEqual(await list({ referred_by: 'any:none' }), ALL);
    assert.equal(await count({ referred_by: 'virtualservice:vs-1,any:none' }), 5);
  });
});

describe('search and isearch', () => {
  it('(field,value): substring, case-sensitive for search and not for isearch', async () => {
    assert.deepEqual(await list({ search: '(name,group)' }), ['u-2']);
    assert.deepEqual(await list({ isearch: '(name,GROUP)' }), ['u-1', 'u-2', 'u-3']);
    assert.deepEqual(await list({ search: '(version,30.2)' }), ['u-1', 'u-4']);
    assert.deepEqual(await list({ search: '(progress,10)' }), ['u-1'], 'numbers as text');
    assert.deepEqual(await list({ search: '(system,true)' }), ['u-1'], 'booleans as text');
    assert.deepEqual(await list({ search: '(obj_cloud_ref,Default)' }), ['u-1'], 'references in stored form');
  });

  it('nested fields, whole subtrees, bare member names and presence', async () => {
    assert.deepEqual(await list({ search: '(state.reason,Disk)' }), ['u-1']);
    assert.deepEqual(await list({ search: '(state,Disk)' }), ['u-1']);
    assert.deepEqual(await list({ search: '(upgrade_events.sub_events.message,copying)' }), ['u-1']);
    assert.deepEqual(await list({ search: '(task_name,Prepare)' }), ['u-1', 'u-2']);
    assert.deepEqual(await list({ search: '(message,copy)' }), ['u-1']);
    assert.deepEqual(await list({ search: '(seg_status.notes,first)' }), ['u-1']);
    assert.deepEqual(await list({ search: '(state.reason,)' }), ['u-1']);
    assert.deepEqual(await list({ search: '(history,)' }), ['u-2']);
    assert.deepEqual(await list({ search: '(task_name,)' }), ['u-1', 'u-2']);
    assert.deepEqual(await list({ search: '(name,bare)|(name,weird)' }), ['u-4', 'u-5']);
  });

  it('free text anywhere in the object', async () => {
    assert.deepEqual(await list({ search: 'Disk full' }), ['u-1']);
    assert.deepEqual(await list({ isearch: 'disk FULL' }), ['u-1']);
    assert.deepEqual(await list({ search: 'not-an-object' }), ['u-5']);
    assert.deepEqual(await list({ search: '' }), ALL);
  });
});

describe('combinations, exclude, sort and paging', () => {
  it('all parameters must hold', async () => {
    assert.deepEqual(
      await list({ 'obj_cloud_ref.uuid': 'cloud-1', progress: '100', node_type: 'NODE_SE_GROUP' }),
      ['u-1'],
    );
    assert.deepEqual(await list({ 'obj_cloud_ref.uuid': 'cloud-1', progress: '0' }), ['u-3']);
    assert.deepEqual(await list({ refers_to: 'image:img-1', 'name.icontains': 'DEFAULT', system: 'false' }), [
      'u-2',
    ]);
    assert.deepEqual(await list({ cloud: 'Default-Cloud', search: '(name,nope)' }), []);
  });

  it('exclude negates a parameter; objects without the field count as not matching it', async () => {
    assert.deepEqual(await list({ 'uuid.in': 'u-1,u-2', exclude: 'uuid.in' }), ['u-3', 'u-4', 'u-5']);
    assert.deepEqual(await list({ node_type: 'NODE_SE_GROUP', exclude: 'node_type' }), [
      'u-2',
      'u-3',
      'u-4',
      'u-5',
    ]);
    assert.deepEqual(await list({ 'cloud_ref.name': 'Default-Cloud', exclude: 'cloud_ref.name' }), [
      'u-2',
      'u-3',
      'u-4',
      'u-5',
    ]);
    assert.deepEqual(await list({ search: '(history,)', exclude: 'search' }), ['u-1', 'u-3', 'u-4', 'u-5']);
  });

  it('sorts and pages filtered results with an exact count', async () => {
    assert.deepEqual(await list({ 'name.icontains': 'group', sort: '-progress' }), ['u-1', 'u-2', 'u-3']);
    assert.deepEqual(await list({ 'name.icontains': 'group', sort: 'progress', page_size: '2', page: '2' }), [
      'u-1',
    ]);
    assert.equal(await count({ 'name.icontains': 'group' }), 3);
    assert.equal(await count({ refers_to: 'cloud:none' }), 2);
  });

  it('ignores unknown parameters', async () => {
    assert.deepEqual(
      await list({ foo: 'bar', tenant: 'x', 'name.startswith': 'zzz', label_key: 'app' }),
      ALL,
    );
  });
});

describe('hostile input', () => {
  const HOSTILE = [
    "' OR 1=1 --",
    "'); DROP TABLE upgrade_status_info; --",
    '" OR ""="',
    "') OR json_extract(body, '$.name') IS NOT NULL --",
    '%',
    '_',
    '\\',
    '*',
    '[]',
    '$.name',
    '\u0000',
    '#',
    '/api/cloud/',
    'x'.repeat(5000),
  ];
  const TEXT_PARAMS = [
    'name',
    'name.contains',
    'name.icontains',
    'name.in',
    'uuid',
    'uuid.in',
    'version',
    'upgrade_events.task_name',
    'seg_status.notes',
    'cloud',
    'cloud_ref.name',
    'image_ref.name',
    'seg_status.se_upgrade_completed.name',
    'search',
    'isearch',
  ];
  const TYPED_PARAMS = [
    'progress',
    'node_type',
    'state.state',
    'system',
    'obj_cloud_ref.uuid',
    'cloud_ref.uuid',
    'refers_to',
    'referred_by',
  ];

  it('a hostile value in a text parameter matches as plain text, never as SQL', async () => {
    const SUBSTRING = new Set(['name.contains', 'name.icontains', 'search', 'isearch']);
    for (const value of HOSTILE) {
      for (const key of TEXT_PARAMS) {
        let uuids: string[];
        try {
          uuids = await list({ [key]: value });
        } catch (err) {
          // Only a 400 (a malformed search) is acceptable.
          assert.ok(
            err instanceof ApiError && err.status === 400,
            `${key}=${value.slice(0, 30)}: ${String(err)}`,
          );
          continue;
        }
        const label = `${key}=${value.slice(0, 30)} → ${uuids.join(',')}`;
        if (!SUBSTRING.has(key)) {
          assert.deepEqual(uuids, [], label);
          continue;
        }
        // Exactly the objects holding the text somewhere (in the name, for name.*).
        const ci = key.includes('icontains') || key === 'isearch';
        const expected = DOCS.filter(
          (d) =>
            d.tenant === 'admin' &&
            texts(key.startsWith('name') ? d.body.name : d.body).some((t) =>
              ci ? t.toLowerCase().includes(value.toLowerCase()) : t.includes(value),
            ),
        ).map((d) => d.uuid);
        assert.deepEqual(uuids, expected, label);
      }
    }
    // The table is intact.
    assert.equal(await count({}), 5);
  });

  it('a hostile value in a typed parameter is a 400', async () => {
    for (const value of HOSTILE) {
      for (const key of TYPED_PARAMS) {
        await assert.rejects(
          async () => list({ [key]: value }),
          (err: unknown) => err instanceof ApiError && err.status === 400,
          `${key}=${value.slice(0, 30)}`,
        );
      }
    }
  });

  it('hostile parameter names are ignored', async () => {
    for (const key of HOSTILE) assert.deepEqual(await list({ [key]: 'x' }), ALL, key.slice(0, 30));
    assert.deepEqual(
      await list({ "name') OR 1=1 --": 'x', 'name.in.in': 'x', '.name': 'x', 'name.': 'x' }),
      ALL,
    );
  });
});

describe('storage filters', () => {
  const I = ANY_ITEM;

  it('eq, in, contains and exists through list steps, tolerating unexpected shapes', async () => {
    assert.deepEqual(
      await byFilters([{ op: 'eq', path: ['upgrade_events', I, 'task_name'], value: 'Prepare' }]),
      ['u-1'],
    );
    assert.deepEqual(
      await byFilters([{ op: 'in', path: ['seg_status', 'notes', I], values: ['se-9', 'x'] }]),
      ['u-4'],
    );
    assert.deepEqual(await byFilters([{ op: 'eq', path: ['seg_status', 'notes', I], value: 'not-a-list' }]), [
      'u-5',
    ]);
    assert.deepEqual(await byFilters([{ op: 'eq', path: ['upgrade_events', I], value: 5 }]), ['u-5']);
    assert.deepEqual(await byFilters([{ op: 'eq', path: ['upgrade_events', I], value: true }]), ['u-5']);
    assert.deepEqual(await byFilters([{ op: 'exists', path: ['upgrade_events', I, 'task_name'] }]), ['u-1']);
    assert.deepEqual(await byFilters([{ op: 'exists', path: ['seg_status', 'se_upgrade_completed', I] }]), [
      'u-1',
      'u-5',
    ]);
    assert.deepEqual(
      await byFilters([
        {
          op: 'contains',
          path: ['upgrade_events', I, 'sub_events', I, 'message'],
          value: 'COPY',
          caseInsensitive: true,
        },
      ]),
      ['u-1'],
    );
    assert.deepEqual(
      await byFilters([
        { op: 'containsText', path: ['upgrade_events', I], value: 'object', caseInsensitive: false },
      ]),
      ['u-5'],
    );
    assert.deepEqual(
      await byFilters([
        { op: 'containsText', path: ['upgrade_events', I], value: 'true', caseInsensitive: false },
      ]),
      ['u-5'],
    );
    assert.deepEqual(
      await byFilters([
        { op: 'refUuid', path: ['patch_list', I, 'patch_image_ref'], refType: 'image', values: ['img-1'] },
      ]),
      ['u-2'],
      'an object where a list belongs is not a list of that object',
    );
    assert.deepEqual(await byFilters([{ op: 'exists', path: [] }]), ALL);
  });

  it('or, not, and the empty cases', async () => {
    const isBare: Filter = { op: 'eq', path: ['name'], value: 'bare' };
    const hasCloud: Filter = { op: 'exists', path: ['obj_cloud_ref'] };
    assert.deepEqual(await byFilters([{ op: 'or', filters: [] }]), []);
    assert.deepEqual(await byFilters([{ op: 'not', filter: { op: 'or', filters: [] } }]), ALL);
    assert.deepEqual(await byFilters([{ op: 'or', filters: [isBare, hasCloud] }]), [
      'u-1',
      'u-2',
      'u-3',
      'u-4',
    ]);
    assert.deepEqual(await byFilters([{ op: 'not', filter: hasCloud }]), ['u-4', 'u-5']);
    // NOT of a comparison with a missing field (NULL in SQL) still matches the object.
    assert.deepEqual(await byFilters([{ op: 'not', filter: { op: 'eq', path: ['progress'], value: 100 } }]), [
      'u-2',
      'u-3',
      'u-4',
      'u-5',
    ]);
    assert.deepEqual(
      await byFilters([{ op: 'refUuid', path: ['obj_cloud_ref'], refType: 'cloud', values: [''] }]),
      [],
    );
    assert.deepEqual(
      await byFilters([{ op: 'refName', path: ['obj_cloud_ref'], refType: 'cloud', values: [] }]),
      [],
    );
  });

  it('references compare by type, whole uuid and whole name', async () => {
    const ref = (values: string[], refType = 'cloud'): Filter => ({
      op: 'refUuid',
      path: ['image_path'],
      refType,
      values,
    });
    // image_path holds the text '/api/cloud/cloud-1' in u-4: the filter reads whatever path it is given.
    assert.deepEqual(await byFilters([ref(['cloud-1'])]), ['u-4']);
    assert.deepEqual(await byFilters([ref(['cloud'])]), []);
    assert.deepEqual(await byFilters([ref(['cloud-1'], 'image')]), []);
    const name = (values: string[]): Filter => ({
      op: 'refName',
      path: ['version'],
      refType: 'image',
      values,
    });
    assert.deepEqual(await byFilters([name(['ctl-30.2.1'])]), ['u-4']);
    assert.deepEqual(await byFilters([name(['ctl-30.2'])]), []);
  });

  it('keeps long or-lists within the expression depth limit', async () => {
    const many: Filter = {
      op: 'or',
      filters: Array.from({ length: 3000 }, (_, i): Filter => ({
        op: 'eq',
        path: ['name'],
        value: `n-${i}`,
      })),
    };
    assert.deepEqual(await byFilters([many]), []);
    const manyIn: Filter = {
      op: 'in',
      path: ['name'],
      values: Array.from({ length: 1000 }, (_, i) => `n-${i}`).concat('bare'),
    };
    assert.deepEqual(await byFilters([manyIn]), ['u-4']);
    // The largest refers_to the parser accepts.
    const p = parseListParams({ refers_to: Array.from({ length: 20 }, (_, i) => `any:x-${i}`).join(',') });
    assert.deepEqual(await byFilters(p.filters), []);
  });
});
