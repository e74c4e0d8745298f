// One OpenAPI operation per registered route. The object collections are described from a table
// (their schema from the model, their methods from the routes the app registered); the other
// routes one by one. A route described nowhere still gets an operation, marked
// `x-undocumented` (the OpenAPI test fails on it), so the document never misses a route.
import { componentRef, jsonContent, schemaRef, type JsonObject } from './json.js';
import { errorResponses, LIST_QUERY, param, READ_QUERY, SIMPLE_LIST_QUERY } from './parameters.js';
import { SPECIAL_OPERATIONS } from './special-operations.js';

export interface Resource {
  /** `/api/upgradestatusinfo`; its objects are at `<collection>/:uuid`. */
  readonly collection: string;
  /** The component schema of one object. */
  readonly schema: string;
  readonly tag: string;
  /** `X-Avi-Version`, tenant headers and the full query language (else the small collections'). */
  readonly versioned: boolean;
}

export const RESOURCES: readonly Resource[] = [
  {
    collection: '/api/upgradestatusinfo',
    schema: 'UpgradeStatusInfo',
    tag: 'UpgradeStatusInfo',
    versioned: true,
  },
  {
    collection: '/api/upgradestatussummary',
    schema: 'UpgradeStatusSummary',
    tag: 'UpgradeStatusInfo',
    versioned: true,
  },
  { collection: '/api/tenant', schema: 'Tenant', tag: 'Tenant', versioned: false },
  { collection: '/api/user', schema: 'User', tag: 'User', versioned: false },
  { collection: '/api/role', schema: 'Role', tag: 'Role', versioned: false },
];

/** A JSON answer of `schema`, with the API version echo on versioned resources. */
function answer(
  description: string,
  schema: JsonObject,
  versioned: boolean,
  extra: JsonObject = {},
): JsonObject {
  const headers: JsonObject = { ...extra };
  if (versioned) headers.AVI_API_VERSION = componentRef('headers', 'AVI_API_VERSION');
  return {
    description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    content: jsonContent(schema),
  };
}

const WRITE_ERRORS = ['BadRequest', 'Unauthorized', 'Forbidden'];

/** The operation of a route of a resource; undefined when the route is not one of its own. */
function resourceOperation(r: Resource, method: string, url: string): JsonObject | undefined {
  const item = `${r.collection}/:uuid`;
  if (url !== r.collection && url !== item) return undefined;
  const name = r.collection.slice(r.collection.lastIndexOf('/') + 1);
  const a = /^[AEIOU]/.test(r.schema) ? `an ${r.schema}` : `a ${r.schema}`;
  const one = schemaRef(r.schema);
  const context = r.versioned ? ['XAviVersion', 'XAviTenant', 'XAviTenantUuid'] : [];
  const read = r.versioned ? READ_QUERY : ['include_name'];
  const base = (verb: string, summary: string, params: string[]): JsonObject => ({
    operationId: `${verb}_${name}`,
    tags: [r.tag],
    summary,
    parameters: [...(url === item ? ['uuid'] : []), ...context, ...params].map(param),
  });
  const stale = r.versioned ? ['PreconditionFailed'] : [];
  const body = (schema: JsonObject): JsonObject => ({ required: true, content: jsonContent(schema) });
  const key = `${method} ${url === item ? 'item' : 'collection'}`;
  switch (key) {
    case 'GET collection':
      return {
        ...base('list', `List ${r.schema} objects`, r.versioned ? LIST_QUERY : SIMPLE_LIST_QUERY),
        responses: {
          200: answer('One page of objects.', schemaRef(`${r.schema}List`), r.versioned),
          ...errorResponses('BadRequest', 'Unauthorized', 'Forbidden', 'Unavailable'),
        },
      };
    case 'POST collection':
      return {
        ...base('create', `Create ${a}`, r.versioned ? ['Slug'] : []),
        requestBody: body(one),
        responses: {
          201: answer('Created; `url` and references carry `#<name>`.', one, r.versioned, {
            Location: componentRef('headers', 'Location'),
          }),
          ...errorResponses(
            ...WRITE_ERRORS,
            'Conflict',
            'PayloadTooLarge',
            'UnsupportedMediaType',
            'Unavailable',
          ),
        },
      };
    case 'GET item':
      return {
        ...base('get', `Read ${a}`, read),
        responses: {
          200: answer('The object.', one, r.versioned),
          ...errorResponses('BadRequest', 'Unauthorized', 'Forbidden', 'NotFound', 'Unavailable'),
        },
      };
    case 'PUT item':
      return {
        ...base('replace', `Replace ${a} (omitted fields return to their defaults)`, [
          ...(r.versioned ? ['IfMatch', ...READ_QUERY] : []),
        ]),
        requestBody: body(one),
        responses: {
          200: answer('The stored object.', one, r.versioned),
          ...errorResponses(
            ...WRITE_ERRORS,
            'NotFound',
            'Conflict',
            ...stale,
            'PayloadTooLarge',
            'Unavailable',
          ),
        },
      };
    case 'PATCH item':
      return {
        ...base('patch', `Patch ${a} (the Avi envelope or JSON Patch)`, ['IfMatch', ...READ_QUERY]),
        requestBody: body({ oneOf: [schemaRef('AviPatchEnvelope'), schemaRef('JsonPatchBody')] }),
        responses: {
          200: answer('The stored object, presented as a GET presents it.', one, r.versioned),
          ...errorResponses(
            ...WRITE_ERRORS,
            'NotFound',
            'Conflict',
            ...stale,
            'PayloadTooLarge',
            'Unavailable',
          ),
        },
      };
    case 'DELETE item':
      return {
        ...base('delete', `Delete ${a}`, []),
        responses: {
          204: { description: 'Deleted; no body.' },
          ...errorResponses('Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'Unavailable'),
        },
      };
  }
  return undefined;
}

/** The operation of a route: from the resources, the special routes, or an undocumented stub. */
export function operationOf(method: string, url: string): JsonObject {
  for (const r of RESOURCES) {
    const op = resourceOperation(r, method, url);
    if (op) return op;
  }
  const special = SPECIAL_OPERATIONS[`${method} ${url}`];
  if (special) return special();
  return {
    operationId: `${method.toLowerCase()}_${url.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
    summary: `${method} ${url}`,
    description: 'Not described yet: add it to src/http/openapi/operations.ts.',
    'x-undocumented': true,
    responses: { default: { description: 'Any answer; errors are `{"error": "..."}`.' } },
  };
}
