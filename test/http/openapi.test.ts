// GET /api/swagger.json, /openapi.json and /swagger: the OpenAPI document generated from the
// schema model and the app's own routes, checked structurally and against every route the app has.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { login } from '../helpers/auth.js';
import { openApiProblems, resolvePointer } from '../helpers/openapi-shape.js';
import { buildOpenApiDocument } from '../../src/http/openapi/document.js';

type Obj = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

let t: TestApp;
let doc: Obj;
before(async () => {
  t = await startTestApp();
  const res = await t.app.inject({ method: 'GET', url: '/api/swagger.json' });
  assert.equal(res.statusCode, 200, res.body);
  doc = res.json() as Obj;
});
after(async () => {
  await t.close();
});

/** `METHOD /path/{param}` of every route the app has, read from Fastify's own route tree. */
function appRoutes(app: FastifyInstance): Set<string> {
  const out = new Set<string>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    stack.length = (m[1] as string).length / 4;
    stack.push(m[2] as string);
    for (const method of m[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') out.add(`${method} ${stack.join('').replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return out;
}

/** `METHOD /path` of every operation in a document. */
function documented(d: Obj): Set<string> {
  const out = new Set<string>();
  for (const [path, item] of Object.entries(d.paths as Obj)) {
    for (const m of METHODS) if ((item as Obj)[m]) out.add(`${m.toUpperCase()} ${path}`);
  }
  return out;
}

const operation = (path: string, method: string): Obj =>
  (doc.paths as Record<string, Obj>)[path]![method] as Obj;
const schema = (name: string): Obj => (doc.components as { schemas: Record<string, Obj> }).schemas[name]!;
const property = (type: string, name: string): Obj => (schema(type).properties as Record<string, Obj>)[name]!;

describe('the document', () => {
  test('is a well-formed OpenAPI 3.1 document: every $ref resolves, every schema is valid', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(openApiProblems(doc), []);
  });

  test('the structural check finds broken documents', () => {
    const broken = structuredClone(doc) as Obj & { paths: Record<string, Obj>; components: { schemas: Obj } };
    (broken.paths['/api/role'] as Obj).get = { responses: {} };
    broken.components.schemas.Bad = {
      type: 'strnig',
      properties: { a: { $ref: '#/components/schemas/Nope' } },
    };
    broken.components.schemas.Range = { type: 'integer', minimum: 5, maximum: 1, default: 9 };
    broken.components.schemas.Members = {
      type: 'object',
      properties: { y: { type: 'string' } },
      required: ['x'],
    };
    const problems = openApiProblems(broken).join('\n');
    for (const expected of [
      /GET \/api\/role: no responses/,
      /Nope does not resolve/,
      /bad type strnig/,
      /minimum > maximum/,
      /required x is no property/,
    ]) {
      assert.match(problems, expected);
    }
  });

  test('lists every route the app has, and nothing else', () => {
    const routes = appRoutes(t.app);
    assert.ok(routes.size >= 25, [...routes].join('\n'));
    for (const expected of [
      'PATCH /api/upgradestatusinfo/{uuid}',
      'GET /api/upgradestatussummary',
      'POST /login',
      'GET /swagger',
    ]) {
      assert.ok(routes.has(expected), expected);
    }
    assert.deepEqual([...documented(doc)].sort(), [...routes].sort());
  });

  test('describes every route: none is an undocumented stub', () => {
    for (const [path, item] of Object.entries(doc.paths as Record<string, Obj>)) {
      for (const m of METHODS) {
        const op = item[m] as Obj | undefined;
        if (op) assert.equal(op['x-undocumented'], undefined, `${m} ${path} needs a description`);
      }
    }
  });

  test('a route the description tables do not know still appears, marked undocumented', () => {
    const d = buildOpenApiDocument({
      routes: [{ method: 'GET', url: '/api/cluster/runtime/:node' }],
      publicRoutes: new Set(),
      basicAuth: true,
      controllerVersion: '31.1.1',
    });
    const op = (d.paths as Record<string, Obj>)['/api/cluster/runtime/{node}']!.get as Obj;
    assert.equal(op['x-undocumented'], true);
    assert.ok(Object.keys(op.responses as Obj).length > 0);
  });
});

describe('schemas from the model', () => {
  test('UpgradeStatusInfo keeps types, ranges, enums, defaults, releases, editions and references', () => {
    assert.deepEqual(property('UpgradeStatusInfo', 'progress'), {
      type: 'integer',
      format: 'uint32',
      minimum: 0,
      maximum: 100,
      default: 0,
      'x-avi-since': ['18.2.8', '20.1.1'],
      description: 'Introduced in 18.2.8 and 20.1.1.',
    });
    const reason = property('UpgradeStatusInfo', 'reason');
    assert.deepEqual(reason['x-avi-since'], ['22.1.3']);
    assert.equal(reason['x-avi-edition'], 'enterprise');
    assert.ok((property('UpgradeStatusInfo', 'node_type').enum as string[]).includes('NODE_SE_GROUP'));
    assert.equal(property('UpgradeStatusInfo', 'obj_cloud_ref')['x-avi-ref'], 'Cloud');
    assert.equal(property('UpgradeStatusInfo', 'url').readOnly, true);
    assert.equal(property('UpgradeStatusInfo', 'state').$ref, '#/components/schemas/UpgradeOpsState');
    assert.deepEqual(property('UpgradeOpsState', 'rebooted')['x-avi-since'], ['20.1.2']);
    assert.deepEqual(schema('TimeStamp').required, ['secs', 'usecs']);
    assert.equal(schema('UpgradeStatusInfo').additionalProperties, false);
  });

  test('UpgradeStatusSummary is the projection: the summary members, as UpgradeStatusInfo has them', () => {
    const members = Object.keys(schema('UpgradeStatusSummary').properties as Obj);
    assert.equal(members.length, 18);
    for (const m of members)
      assert.deepEqual(property('UpgradeStatusSummary', m), property('UpgradeStatusInfo', m), m);
  });

  test('Tenant, User (password write-only) and Role are there', () => {
    assert.equal(property('Tenant', 'name').type, 'string');
    assert.deepEqual(schema('Tenant').required, ['name']);
    assert.equal(property('User', 'password').writeOnly, true);
    assert.equal(property('User', 'access').type, 'array');
    assert.deepEqual(property('Permission', 'type').enum, ['NO_ACCESS', 'READ_ACCESS', 'WRITE_ACCESS']);
  });
});

describe('operations', () => {
  test('PATCH takes both body forms; errors are {"error": string}', () => {
    const patch = operation('/api/upgradestatusinfo/{uuid}', 'patch');
    const body = resolvePointer(
      doc,
      '#/paths/~1api~1upgradestatusinfo~1{uuid}/patch/requestBody/content/application~1json/schema',
    );
    assert.deepEqual(body, {
      oneOf: [
        { $ref: '#/components/schemas/AviPatchEnvelope' },
        { $ref: '#/components/schemas/JsonPatchBody' },
      ],
    });
    assert.deepEqual(Object.keys(patch.responses as Obj).sort(), [
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '412',
      '413',
      '503',
    ]);
    assert.deepEqual(Object.keys(schema('Error').properties as Obj), ['error']);
    assert.deepEqual(schema('Error').required, ['error']);
    assert.equal(property('Error', 'error').type, 'string');
    const notFound = resolvePointer(
      doc,
      String((patch.responses as Record<string, Obj>)['404']!.$ref),
    ) as Obj;
    assert.deepEqual(notFound.content, {
      'application/json': { schema: { $ref: '#/components/schemas/Error' } },
    });
  });

  test('security: public routes need nothing, reads a login, writes a login with its CSRF token', () => {
    const schemes = (doc.components as { securitySchemes: Obj }).securitySchemes;
    assert.deepEqual(Object.keys(schemes).sort(), ['basicAuth', 'csrfToken', 'sessionCookie']);
    assert.deepEqual(operation('/login', 'post').security, []);
    assert.deepEqual(operation('/api/cluster/status', 'get').security, []);
    assert.deepEqual(operation('/swagger', 'get').security, []);
    assert.deepEqual(operation('/api/swagger.json', 'get').security, [
      { sessionCookie: [] },
      { basicAuth: [] },
    ]);
    assert.deepEqual(operation('/api/upgradestatusinfo', 'post').security, [
      { sessionCookie: [], csrfToken: [] },
      { basicAuth: [] },
    ]);
  });

  test('the summary is read-only and speaks X-Avi-Version and the list language', () => {
    const item = (doc.paths as Record<string, Obj>)['/api/upgradestatussummary/{uuid}']!;
    assert.deepEqual(Object.keys(item), ['get']);
    const params = (operation('/api/upgradestatussummary', 'get').parameters as Obj[]).map((p) =>
      String(p.$ref).split('/').pop(),
    );
    for (const p of [
      'XAviVersion',
      'XAviTenant',
      'page',
      'page_size',
      'sort',
      'fields',
      'include_name',
      'fieldFilters',
    ]) {
      assert.ok(params.includes(p), p);
    }
  });
});

describe('serving', () => {
  test('the document needs a login (Basic or session); both paths serve the same document', async () => {
    for (const url of ['/api/swagger.json', '/openapi.json']) {
      const anonymous = await t.anonymous({ method: 'GET', url });
      assert.equal(anonymous.statusCode, 401, url);
      assert.deepEqual(anonymous.json(), { error: 'Authentication credentials were not provided.' });
    }
    const s = await login(t, 'admin', t.config.adminPassword ?? '');
    const bySession = await t.anonymous({
      method: 'GET',
      url: '/openapi.json',
      headers: { cookie: s.cookie },
    });
    assert.equal(bySession.statusCode, 200);
    assert.match(String(bySession.headers['content-type']), /^application\/json/);
    assert.deepEqual(bySession.json(), doc);
    assert.equal((await t.app.inject({ method: 'POST', url: '/openapi.json' })).statusCode, 405);
  });

  test('/swagger is a self-contained page, readable without credentials, its script pinned by CSP', async () => {
    const res = await t.anonymous({ method: 'GET', url: '/swagger' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.doesNotMatch(res.body, /https?:\/\/|src=|<link/i, 'loads nothing from elsewhere');
    assert.match(res.body, /\/api\/swagger\.json/);
    const script = /<script>([\s\S]*)<\/script>/.exec(res.body)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    const csp = String(res.headers['content-security-policy']);
    assert.ok(csp.includes(`script-src 'sha256-${hash}'`), csp);
    assert.match(csp, /default-src 'none'/);
  });

  test('without BASIC_AUTH the document offers no Basic scheme', async () => {
    const off = await startTestApp({ BASIC_AUTH: 'off' });
    try {
      const s = await login(off, 'admin', off.config.adminPassword ?? '');
      const res = await off.anonymous({
        method: 'GET',
        url: '/api/swagger.json',
        headers: { cookie: s.cookie },
      });
      const d = res.json() as Obj;
      assert.deepEqual(Object.keys((d.components as { securitySchemes: Obj }).securitySchemes).sort(), [
        'csrfToken',
        'sessionCookie',
      ]);
      assert.deepEqual(openApiProblems(d), []);
    } finally {
      await off.close();
    }
  });
});
