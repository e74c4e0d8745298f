// Reusable parameters, headers and error responses of the document (`components`).
import { componentRef, jsonContent, schemaRef, type JsonObject } from './json.js';

const query = (name: string, schema: JsonObject, description: string): JsonObject => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});
const header = (name: string, description: string, schema: JsonObject = { type: 'string' }): JsonObject => ({
  name,
  in: 'header',
  required: false,
  schema,
  description,
});
const text: JsonObject = { type: 'string' };
const positive: JsonObject = { type: 'integer', minimum: 1 };

export const PARAMETERS: Record<string, JsonObject> = {
  uuid: { name: 'uuid', in: 'path', required: true, schema: text, description: "The object's uuid." },
  XAviVersion: header(
    'X-Avi-Version',
    'The API version the request speaks (`31.1.1` or `31.1`); without it DEFAULT_API_VERSION (16.4.1). ' +
      'Fields the version does not have are refused in bodies and left out of answers.',
    { type: 'string', pattern: '^\\s*\\d{1,4}\\.\\d{1,4}(\\.\\d{1,4})?\\s*$' },
  ),
  XAviTenant: header(
    'X-Avi-Tenant',
    "The tenant's name to act in; `*`: every tenant (reads, PUT, PATCH, DELETE).",
  ),
  XAviTenantUuid: header('X-Avi-Tenant-UUID', "The tenant's uuid to act in."),
  IfMatch: header('If-Match', 'A `_last_modified` value: older than the stored one is a 412.'),
  Slug: header('Slug', "The new object's uuid (must agree with a `uuid` in the body)."),
  page: query('page', positive, '1-based page.'),
  page_size: query('page_size', { ...positive, default: 25 }, 'Objects per page; clamped to 1000.'),
  name: query('name', text, 'Exact name.'),
  include_name: query(
    'include_name',
    text,
    'Present (even empty): `url` and references carry `#<name>`; `false`, `0` or `no` turn it off.',
  ),
  skip_default: query('skip_default', { type: 'boolean' }, 'Leave out values equal to their default.'),
  fields: query('fields', text, 'Comma-separated top-level fields to answer (plus url, uuid and name).'),
  sort: query('sort', text, 'Comma-separated scalar fields by dotted path; `-` for descending.'),
  search: query('search', text, '`(field,value)|(field,value)`: substring of a field; plain text: anywhere.'),
  isearch: query('isearch', text, 'The same as `search`, ASCII case-insensitive.'),
  refers_to: query('refers_to', text, '`<type>:<uuid>` (or `any` / `none`), comma-separated.'),
  referred_by: query('referred_by', text, '`<type>:<uuid>`, comma-separated.'),
  exclude: query('exclude', text, 'Comma-separated parameters whose filters are negated.'),
  cloud: query('cloud', text, 'A cloud uuid or name (on `obj_cloud_ref`).'),
  fieldFilters: {
    name: 'fieldFilters',
    in: 'query',
    required: false,
    style: 'form',
    explode: true,
    schema: { type: 'object', additionalProperties: { type: 'string' } },
    description:
      'Filters on any field by dotted path: `<field>=v`, `<field>.in=a,b`, `<field>.contains=s`, ' +
      '`<field>.icontains=s`, `<ref>.uuid=u`, `<ref>.name=n` (see docs/api-behaviour.md#query-language). ' +
      'Parameters naming no field are ignored.',
  },
};

/** The query parameters of the full list language, and of the small collections. */
export const LIST_QUERY = [
  'page',
  'page_size',
  'sort',
  'fields',
  'include_name',
  'skip_default',
  'name',
  'search',
  'isearch',
  'refers_to',
  'referred_by',
  'exclude',
  'cloud',
  'fieldFilters',
];
export const READ_QUERY = ['fields', 'include_name', 'skip_default'];
export const SIMPLE_LIST_QUERY = ['page', 'page_size', 'name', 'include_name'];

export const HEADERS: Record<string, JsonObject> = {
  AVI_API_VERSION: { description: 'The API version the request spoke.', schema: text },
  Location: { description: 'The URL of the new object.', schema: { type: 'string', format: 'uri' } },
  Allow: { description: 'The methods the path has.', schema: text },
  RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
  SetCookie: { description: '`csrftoken`, `avi-sessionid` and `sessionid`.', schema: text },
};

const error = (description: string, headers: Record<string, string> = {}): JsonObject => {
  const out: JsonObject = { description, content: jsonContent(schemaRef('Error')) };
  const entries = Object.entries(headers);
  if (entries.length > 0) {
    out.headers = Object.fromEntries(entries.map(([name, ref]) => [name, componentRef('headers', ref)]));
  }
  return out;
};

export const RESPONSES: Record<string, JsonObject> = {
  BadRequest: error('Invalid body, query parameter, header or API version; names the field.'),
  Unauthorized: error('No, expired or wrong credentials, or a missing CSRF token.'),
  Forbidden: error('The user may not do this in that tenant, or the tenant does not exist.'),
  NotFound: error('No such object (or one of another tenant).'),
  MethodNotAllowed: error('The path has no such method.', { Allow: 'Allow' }),
  Conflict: error('The name (per tenant, node type and cloud) or uuid is taken, or the object is in use.'),
  PreconditionFailed: error('`_last_modified` or If-Match is older than the stored object.'),
  PayloadTooLarge: error('The body is over 2 MiB.'),
  UnsupportedMediaType: error('The body is not JSON.'),
  TooManyRequests: error('Too many failed logins for the username or address.', {
    'Retry-After': 'RetryAfter',
  }),
  Unavailable: error('The database cannot be reached; nothing was changed.', { 'Retry-After': 'RetryAfter' }),
};

export const SECURITY_SCHEMES = (basicAuth: boolean): Record<string, JsonObject> => ({
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'avi-sessionid',
    description: 'The session of POST /login (sent as `avi-sessionid` and `sessionid`).',
  },
  csrfToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRFToken',
    description:
      'The `csrftoken` cookie of the login, needed with the session on POST, PUT, PATCH and DELETE.',
  },
  ...(basicAuth
    ? { basicAuth: { type: 'http', scheme: 'basic', description: 'Any request (BASIC_AUTH).' } }
    : {}),
});

export const param = (name: string): JsonObject => componentRef('parameters', name);
export const response = (name: string): JsonObject => componentRef('responses', name);

/** Error responses by status, from the names of `components.responses`. */
export function errorResponses(...names: string[]): JsonObject {
  const status: Record<string, string> = {
    BadRequest: '400',
    Unauthorized: '401',
    Forbidden: '403',
    NotFound: '404',
    Conflict: '409',
    PreconditionFailed: '412',
    PayloadTooLarge: '413',
    UnsupportedMediaType: '415',
    TooManyRequests: '429',
    Unavailable: '503',
  };
  const out: JsonObject = {};
  for (const name of names) {
    const code = status[name];
    if (code === undefined) throw new Error(`no error response named ${name}`);
    out[code] = response(name);
  }
  return out;
}
