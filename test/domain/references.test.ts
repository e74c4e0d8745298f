import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UpgradeStatusInfo } from '../../src/domain/schema/index.js';
import {
  nameBasedUuid,
  normalizeReferences,
  parseReference,
  presentReference,
  presentReferences,
  referenceUuid,
  UUID_PATTERN,
  type ReferenceContext,
} from '../../src/domain/references.js';
import { throws400 } from '../helpers/api-error.js';

const ctx: ReferenceContext = { tenant: 'admin' };
const normalize = (value: Record<string, unknown>, c: ReferenceContext = ctx) =>
  normalizeReferences(UpgradeStatusInfo, value, c);

const invalidRef = (path: string, refType: string) =>
  `Invalid reference in field '${path}': expected a reference to ${refType} ` +
  `(a URL, /api/${refType.toLowerCase()}/<uuid> or /api/${refType.toLowerCase()}/?name=<name>).`;

// ------------------------------------------------------------------------------------------------
// parseReference

test('parseReference: full URLs, with and without #name', () => {
  assert.deepEqual(parseReference('https://10.10.1.1/api/image/image-1234', 'Image'), {
    type: 'image',
    uuid: 'image-1234',
  });
  assert.deepEqual(parseReference('http://ctrl.example.com:8080/api/image/image-1234#my image', 'Image'), {
    type: 'image',
    uuid: 'image-1234',
    name: 'my image',
  });
  assert.deepEqual(parseReference('HTTPS://[fd00::1]:443/api/tenant/admin#admin', 'Tenant'), {
    type: 'tenant',
    uuid: 'admin',
    name: 'admin',
  });
});

test('parseReference: /api/<type>/<uuid> with and without the leading slash and #name', () => {
  assert.deepEqual(parseReference('/api/image/image-1', 'Image'), { type: 'image', uuid: 'image-1' });
  assert.deepEqual(parseReference('api/image/image-1', 'Image'), { type: 'image', uuid: 'image-1' });
  assert.deepEqual(parseReference('/api/image/image-1#img', 'Image'), {
    type: 'image',
    uuid: 'image-1',
    name: 'img',
  });
  assert.deepEqual(parseReference('api/image/image-1#img#2', 'Image'), {
    type: 'image',
    uuid: 'image-1',
    name: 'img#2',
  });
  assert.deepEqual(parseReference('/api/image/image-1#', 'Image'), { type: 'image', uuid: 'image-1' });
});

test('parseReference: ?name= forms, URL-decoded', () => {
  assert.deepEqual(parseReference('/api/image/?name=my-image', 'Image'), { type: 'image', name: 'my-image' });
  assert.deepEqual(parseReference('/api/image?name=my-image', 'Image'), { type: 'image', name: 'my-image' });
  assert.deepEqual(parseReference('/api/image?name=my%20image%2Fv2%26x', 'Image'), {
    type: 'image',
    name: 'my image/v2&x',
  });
  assert.deepEqual(parseReference('https://10.0.0.1/api/tenant/?name=t1', 'Tenant'), {
    type: 'tenant',
    name: 't1',
  });
  assert.deepEqual(parseReference('api/cloud?name=Default-Cloud', 'Cloud'), {
    type: 'cloud',
    name: 'Default-Cloud',
  });
});

test('parseReference: the type is compared case-insensitively and returned lowercase', () => {
  assert.deepEqual(parseReference('/api/serviceenginegroup/seg-1', 'ServiceEngineGroup'), {
    type: 'serviceenginegroup',
    uuid: 'seg-1',
  });
  assert.deepEqual(parseReference('/api/ServiceEngineGroup/seg-1', 'ServiceEngineGroup'), {
    type: 'serviceenginegroup',
    uuid: 'seg-1',
  });
  assert.deepEqual(parseReference('/api/IMAGE?name=x', 'Image'), { type: 'image', name: 'x' });
});

test('parseReference: a reference to another type is refused (undefined)', () => {
  assert.equal(parseReference('/api/cloud/cloud-1', 'Image'), undefined);
  assert.equal(parseReference('https://h/api/tenant/admin', 'Image'), undefined);
  assert.equal(parseReference('/api/imagex/image-1', 'Image'), undefined);
  assert.equal(parseReference('/api/imag/image-1', 'Image'), undefined);
  assert.equal(parseReference('/api/serviceengine/se-1', 'ServiceEngineGroup'), undefined);
  assert.equal(parseReference('/api/cloud?name=x', 'Image'), undefined);
});

test('parseReference: malformed references are refused (undefined)', () => {
  const malformed = [
    '',
    'image-1',
    '/image/image-1',
    '/api/image',
    '/api/image/',
    '/api/image/ image-1',
    '/api/image/image 1',
    '/api/image/a/b',
    '/api/image/image-1/',
    '/api/image/..',
    '/api/image/a..b',
    '/api/image/-leading-dash',
    '/api/image/.hidden',
    '/api/image/image-1\u0000',
    '/api/image/image-1#name\nwith newline',
    '/api/image/ima\tge',
    `/api/image/${'a'.repeat(129)}`,
    `/api/image/image-1#${'n'.repeat(2100)}`,
    '/api/image/?name=',
    '/api/image/?nam=x',
    '/api/image/?uuid=x',
    '/api/image?name=%E0%A4%A',
    '/api/image?name=%00',
    '//api/image/image-1',
    'ftp://host/api/image/image-1',
    'http://host',
    'http://bad host/api/image/image-1',
    'http://user@host/api/image/image-1',
    'https://h:99999999/api/image/image-1',
    ' /api/image/image-1',
    '/API/image/image-1',
  ];
  for (const input of malformed)
    assert.equal(parseReference(input, 'Image'), undefined, JSON.stringify(input));
  assert.equal(parseReference(42 as unknown as string, 'Image'), undefined);
});

test('parseReference: uuids of up to 128 characters with _ . : - are accepted', () => {
  const long = `a${'b'.repeat(127)}`;
  assert.deepEqual(parseReference(`/api/image/${long}`, 'Image'), { type: 'image', uuid: long });
  assert.deepEqual(parseReference('/api/image/Image_1.2:3-4', 'Image'), {
    type: 'image',
    uuid: 'Image_1.2:3-4',
  });
});

// ------------------------------------------------------------------------------------------------
// nameBasedUuid

test('nameBasedUuid is stable and shaped like <type>-<version-5 uuid>', () => {
  const a = nameBasedUuid('image', 'admin', 'my-image');
  assert.equal(a, nameBasedUuid('image', 'admin', 'my-image'));
  // Pinned: stored documents keep these uuids across releases.
  assert.equal(a, 'image-849e2714-90e8-5c5c-8499-6646845eaf6e');
  assert.equal(nameBasedUuid('Image', 'admin', 'my-image'), a, 'the type is case-insensitive');
  assert.match(a, /^image-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(a, UUID_PATTERN);
});

test('nameBasedUuid differs by type, tenant and name', () => {
  const base = nameBasedUuid('image', 'admin', 'x');
  const others = [
    nameBasedUuid('cloud', 'admin', 'x'),
    nameBasedUuid('image', 'tenant-2', 'x'),
    nameBasedUuid('image', 'admin', 'y'),
    nameBasedUuid('image', 'adminx', ''),
    nameBasedUuid('image', 'admin', 'X'),
  ];
  assert.equal(new Set([base, ...others]).size, others.length + 1);
  assert.notEqual(
    nameBasedUuid('image', 'ab', 'c'),
    nameBasedUuid('image', 'a', 'bc'),
    'fields are separated',
  );
});

// ------------------------------------------------------------------------------------------------
// normalizeReferences

test('every accepted form is normalised to /api/<type>/<uuid>[#name]', () => {
  const out = normalize({
    image_ref: 'https://10.0.0.1/api/image/image-1',
    patch_image_ref: 'http://10.0.0.1:8080/api/image/image-2#patch-2',
    previous_image_ref: '/api/image/image-3',
    previous_patch_image_ref: '/api/image/image-4#p4',
    se_patch_image_ref: 'api/image/image-5',
    obj_cloud_ref: '/api/Cloud/cloud-1',
  });
  assert.deepEqual(out, {
    image_ref: '/api/image/image-1',
    patch_image_ref: '/api/image/image-2#patch-2',
    previous_image_ref: '/api/image/image-3',
    previous_patch_image_ref: '/api/image/image-4#p4',
    se_patch_image_ref: '/api/image/image-5',
    obj_cloud_ref: '/api/cloud/cloud-1',
  });
});

test('?name= references without a resolver get a name-based uuid and keep the name', () => {
  const out = normalize({
    image_ref: '/api/image/?name=my-image',
    obj_cloud_ref: '/api/cloud?name=Default%20Cloud',
  });
  assert.deepEqual(out, {
    image_ref: `/api/image/${nameBasedUuid('image', 'admin', 'my-image')}#my-image`,
    obj_cloud_ref: `/api/cloud/${nameBasedUuid('cloud', 'admin', 'Default Cloud')}#Default Cloud`,
  });
  const other = normalize({ image_ref: '/api/image/?name=my-image' }, { tenant: 'tenant-2' });
  assert.notEqual(other.image_ref, out.image_ref, 'the tenant scopes name-based uuids');
});

test('?name= references are resolved through ctx.resolveName when it knows the name', () => {
  const calls: [string, string][] = [];
  const resolveName = (type: string, name: string) => {
    calls.push([type, name]);
    if (type === 'tenant' && name === 'admin') return 'admin';
    if (type === 'tenant' && name === 'Tenant 2') return 'tenant-2-uuid';
    return undefined;
  };
  const out = normalize(
    {
      tenant_ref: '/api/tenant/?name=admin',
      seg_status: { tenant_ref: '/api/tenant?name=Tenant%202' },
      image_ref: '/api/image?name=img',
    },
    { tenant: 'admin', resolveName },
  );
  assert.deepEqual(out, {
    tenant_ref: '/api/tenant/admin#admin',
    seg_status: { tenant_ref: '/api/tenant/tenant-2-uuid#Tenant 2' },
    image_ref: `/api/image/${nameBasedUuid('image', 'admin', 'img')}#img`,
  });
  assert.deepEqual(calls, [
    ['tenant', 'admin'],
    ['tenant', 'Tenant 2'],
    ['image', 'img'],
  ]);
});

test('an unknown tenant name is a 400 naming the field', () => {
  const c: ReferenceContext = { tenant: 'admin', resolveName: () => undefined };
  throws400(
    () => normalize({ history: [{ seg_status: { tenant_ref: '/api/tenant/?name=nope' } }] }, c),
    "Invalid reference in field 'history[0].seg_status.tenant_ref': tenant 'nope' does not exist.",
  );
  throws400(() => normalize({ tenant_ref: `/api/tenant/?name=${'t'.repeat(1000)}` }, c), /^.{0,160}$/);
});

test('references inside lists and deep objects are normalised, with the index in error paths', () => {
  const out = normalize({
    seg_status: {
      se_upgrade_completed: ['/api/serviceengine/se-1', 'https://h/api/serviceengine/se-2#se2'],
      disrupted_vs_ref: ['api/virtualservice/vs-1'],
    },
    se_upgrade_events: [
      { se_ref: '/api/ServiceEngine/se-3', se_group_ref: '/api/serviceenginegroup?name=g' },
    ],
    history: [{ seg_status: { vs_errors: [{ vs_ref: 'https://h/api/virtualservice/vs-9' }] } }],
    params: { image_ref: 'https://h/api/image/image-1#i1' },
    system_report_refs: ['/api/systemreport/sr-1'],
  });
  assert.deepEqual(out, {
    seg_status: {
      se_upgrade_completed: ['/api/serviceengine/se-1', '/api/serviceengine/se-2#se2'],
      disrupted_vs_ref: ['/api/virtualservice/vs-1'],
    },
    se_upgrade_events: [
      {
        se_ref: '/api/serviceengine/se-3',
        se_group_ref: `/api/serviceenginegroup/${nameBasedUuid('serviceenginegroup', 'admin', 'g')}#g`,
      },
    ],
    history: [{ seg_status: { vs_errors: [{ vs_ref: '/api/virtualservice/vs-9' }] } }],
    params: { image_ref: '/api/image/image-1#i1' },
    system_report_refs: ['/api/systemreport/sr-1'],
  });
});

test('malformed references are a 400 naming the field path and the expected type', () => {
  throws400(() => normalize({ image_ref: 'image 1' }), invalidRef('image_ref', 'Image'));
  throws400(
    () =>
      normalize({
        seg_status: { se_upgrade_completed: ['/api/serviceengine/se-1', '/api/serviceengine/a/b'] },
      }),
    invalidRef('seg_status.se_upgrade_completed[1]', 'ServiceEngine'),
  );
  throws400(
    () => normalize({ upgrade_readiness: { image_ref: '/api/image/..' } }),
    invalidRef('upgrade_readiness.image_ref', 'Image'),
  );
  throws400(() => normalize({ image_ref: 7 }), invalidRef('image_ref', 'Image'));
});

test('a reference to the wrong type is a 400', () => {
  throws400(() => normalize({ image_ref: '/api/cloud/cloud-1' }), invalidRef('image_ref', 'Image'));
  throws400(
    () => normalize({ se_upgrade_events: [{}, { se_group_ref: 'https://h/api/serviceengine/se-1' }] }),
    invalidRef('se_upgrade_events[1].se_group_ref', 'ServiceEngineGroup'),
  );
  throws400(
    () => normalize({ system_report_refs: ['/api/image/image-1'] }),
    invalidRef('system_report_refs[0]', 'SystemReport'),
  );
});

test('only fields the model marks as references are touched', () => {
  // remote_image_ref / prev_remote_image_ref are plain strings in the model, despite their names.
  const value = {
    remote_image_ref: 'not a reference',
    prev_remote_image_ref: 'x y',
    name: '/api/image/?name=a',
  };
  assert.deepEqual(normalize(value), value);
});

test('normalizeReferences leaves its input alone, rebuilding only what holds references', () => {
  const value = {
    image_ref: 'https://h/api/image/image-1',
    seg_status: { se_upgrade_completed: ['https://h/api/serviceengine/se-1'], notes: ['n'] },
    upgrade_events: [{ nodes_events: [{ ip: { addr: '1.1.1.1', type: 'V4' } }] }],
  };
  const before = structuredClone(value);
  const out = normalize(value);
  assert.deepEqual(value, before);
  // Subtrees holding references are rebuilt; the others are shared, never changed in place.
  assert.notEqual(out.seg_status, value.seg_status);
  assert.equal((out.seg_status as { notes: unknown }).notes, value.seg_status.notes);
  assert.equal(out.upgrade_events, value.upgrade_events);
});

test('a __proto__ member is copied as an own member and never changes a prototype', () => {
  const value = JSON.parse('{"__proto__": {"image_ref": "x"}, "params": {"__proto__": {"polluted": 1}}}');
  const out = normalize(value);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.ok(Object.hasOwn(out, '__proto__'));
  assert.equal((out as { image_ref?: unknown }).image_ref, undefined);
  assert.equal(Object.getPrototypeOf(out.params), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

// ------------------------------------------------------------------------------------------------
// Output

test('presentReference: absolute URL for the origin, #name only when asked and known', () => {
  const origin = 'http://127.0.0.1:8080';
  assert.equal(
    presentReference('/api/image/image-1', origin, false),
    'http://127.0.0.1:8080/api/image/image-1',
  );
  assert.equal(
    presentReference('/api/image/image-1', origin, true),
    'http://127.0.0.1:8080/api/image/image-1',
  );
  assert.equal(
    presentReference('/api/image/image-1#img', origin, false),
    'http://127.0.0.1:8080/api/image/image-1',
  );
  assert.equal(
    presentReference('/api/image/image-1#img', origin, true),
    'http://127.0.0.1:8080/api/image/image-1#img',
  );
  assert.equal(
    presentReference('/api/image/image-1#img', 'https://h/', true),
    'https://h/api/image/image-1#img',
  );
});

test('referenceUuid gives the uuid of a stored reference', () => {
  assert.equal(referenceUuid('/api/image/image-1'), 'image-1');
  assert.equal(referenceUuid('/api/image/image-1#my/name'), 'image-1');
  assert.equal(referenceUuid('/api/tenant/admin#admin'), 'admin');
});

test('presentReferences maps every reference of a stored document, at any depth', () => {
  const stored = {
    name: 'x',
    remote_image_ref: '/api/image/not-a-ref-field',
    tenant_ref: '/api/tenant/admin#admin',
    image_ref: '/api/image/image-1',
    seg_status: { se_upgrade_completed: ['/api/serviceengine/se-1#se1', '/api/serviceengine/se-2'] },
    history: [{ params: { se_group_options: { disruptive: true }, image_ref: '/api/image/image-2#i2' } }],
  };
  const before = structuredClone(stored);
  const origin = 'https://10.0.0.1';
  assert.deepEqual(presentReferences(UpgradeStatusInfo, stored, origin, false), {
    name: 'x',
    remote_image_ref: '/api/image/not-a-ref-field',
    tenant_ref: 'https://10.0.0.1/api/tenant/admin',
    image_ref: 'https://10.0.0.1/api/image/image-1',
    seg_status: {
      se_upgrade_completed: [
        'https://10.0.0.1/api/serviceengine/se-1',
        'https://10.0.0.1/api/serviceengine/se-2',
      ],
    },
    history: [
      { params: { se_group_options: { disruptive: true }, image_ref: 'https://10.0.0.1/api/image/image-2' } },
    ],
  });
  assert.deepEqual(presentReferences(UpgradeStatusInfo, stored, origin, true), {
    name: 'x',
    remote_image_ref: '/api/image/not-a-ref-field',
    tenant_ref: 'https://10.0.0.1/api/tenant/admin#admin',
    image_ref: 'https://10.0.0.1/api/image/image-1',
    seg_status: {
      se_upgrade_completed: [
        'https://10.0.0.1/api/serviceengine/se-1#se1',
        'https://10.0.0.1/api/serviceengine/se-2',
      ],
    },
    history: [
      {
        params: {
          se_group_options: { disruptive: true },
          image_ref: 'https://10.0.0.1/api/image/image-2#i2',
        },
      },
    ],
  });
  assert.deepEqual(stored, before);
});

test('every input form round-trips to the URL form clients expect', () => {
  const origin = 'http://127.0.0.1:8080';
  const forms: [string, string, string][] = [
    ['https://10.0.0.1/api/image/image-1', `${origin}/api/image/image-1`, `${origin}/api/image/image-1`],
    ['https://10.0.0.1/api/image/image-1#a', `${origin}/api/image/image-1`, `${origin}/api/image/image-1#a`],
    ['/api/image/image-1', `${origin}/api/image/image-1`, `${origin}/api/image/image-1`],
    ['/api/image/image-1#a', `${origin}/api/image/image-1`, `${origin}/api/image/image-1#a`],
    ['api/image/image-1#a', `${origin}/api/image/image-1`, `${origin}/api/image/image-1#a`],
  ];
  const uuid = nameBasedUuid('image', 'admin', 'a');
  forms.push(['/api/image/?name=a', `${origin}/api/image/${uuid}`, `${origin}/api/image/${uuid}#a`]);
  forms.push(['/api/image?name=a', `${origin}/api/image/${uuid}`, `${origin}/api/image/${uuid}#a`]);
  for (const [input, plain, named] of forms) {
    const stored = normalize({ image_ref: input });
    assert.deepEqual(
      presentReferences(UpgradeStatusInfo, stored, origin, false),
      { image_ref: plain },
      input,
    );
    assert.deepEqual(presentReferences(UpgradeStatusInfo, stored, origin, true), { image_ref: named }, input);
    // Normalising an already stored or presented reference changes nothing.
    assert.deepEqual(normalize(stored), stored, input);
    assert.deepEqual(normalize({ image_ref: named }), stored, input);
  }
});
