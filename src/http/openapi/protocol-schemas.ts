// The shapes around the objects, which the object model does not describe: errors, lists, PATCH
// bodies, login, tokens and the controller endpoints (as src/http/routes and presenters answer).
import { schemaRef, type JsonObject } from './json.js';

const str: JsonObject = { type: 'string' };
const bool: JsonObject = { type: 'boolean' };
const int: JsonObject = { type: 'integer' };
const object = (properties: JsonObject, required: string[] = [], extra: JsonObject = {}): JsonObject => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  ...extra,
});

/** A list answer of `item`: `{count, results, next}`. */
export function listSchema(item: string): JsonObject {
  return object(
    {
      count: { type: 'integer', minimum: 0, description: 'Every matching object, not only this page.' },
      results: { type: 'array', items: schemaRef(item) },
      next: {
        type: 'string',
        format: 'uri',
        description: 'The next page (every parameter of the request kept); only when one exists.',
      },
    },
    ['count', 'results'],
  );
}

const ENVELOPE_OP = (what: string): JsonObject => ({
  ...schemaRef('UpgradeStatusInfo'),
  description: `Fields to ${what} (a partial UpgradeStatusInfo).`,
});

export const PROTOCOL_SCHEMAS: Record<string, JsonObject> = {
  Error: object({ error: { type: 'string', description: 'What went wrong, naming the field path.' } }, [
    'error',
  ]),
  AviPatchEnvelope: object(
    {
      add: ENVELOPE_OP('set, or for lists: merge into the entry with the same key, else append'),
      replace: ENVELOPE_OP('replace (lists: the whole list)'),
      delete: ENVELOPE_OP('remove or reset to the default (lists: the matching entries)'),
      remove: ENVELOPE_OP('delete (another name for `delete`)'),
    },
    [],
    {
      additionalProperties: false,
      description:
        'The Avi envelope; operations apply in the order add, replace, delete. `{}` changes nothing.',
    },
  ),
  JsonPatchOperation: object(
    {
      op: { type: 'string', enum: ['add', 'remove', 'replace', 'move', 'copy', 'test', 'delete'] },
      path: { type: 'string', description: 'A JSON Pointer (`/state/state`, `/upgrade_events/-`).' },
      from: { type: 'string', description: 'A JSON Pointer (move and copy).' },
      value: { description: 'Any JSON value (add, replace, test).' },
    },
    ['op', 'path'],
  ),
  JsonPatchBody: object(
    { json_patch: { type: 'array', items: schemaRef('JsonPatchOperation') } },
    ['json_patch'],
    { description: 'RFC 6902 JSON Patch; an add of an array onto an existing list appends.' },
  ),
  LoginRequest: object(
    {
      username: str,
      password: { type: 'string', writeOnly: true },
      token: { type: 'string', writeOnly: true, description: 'A token of POST /api/user-token.' },
    },
    ['username'],
    { description: 'A form or JSON body, with `password` or `token`.' },
  ),
  VersionInfo: object({
    Product: str,
    ProductName: str,
    Version: str,
    build: int,
    Tag: str,
    Date: str,
    min_version: { type: 'number' },
  }),
  LoginResponse: object({
    user_initialized: bool,
    version: schemaRef('VersionInfo'),
    user: object({
      username: str,
      name: str,
      full_name: str,
      email: str,
      uuid: str,
      is_superuser: bool,
      default_tenant_ref: str,
      access: { type: 'array', items: schemaRef('UserRole') },
      local: bool,
      ui_property: str,
    }),
    tenants: { type: 'array', items: schemaRef('Tenant') },
    system_config: object({ url: str, uuid: str, default_license_tier: str }),
    controller: object({ api_idle_timeout: { type: 'integer', description: 'Session idle minutes.' } }),
    session_cookie_name: str,
  }),
  Empty: object({}, [], { description: 'An empty object.' }),
  UserTokenRequest: object({
    hours: {
      type: ['number', 'string'],
      description: 'How long the token lasts (a number, or a string of one).',
    },
  }),
  UserTokenResponse: object({ token: str, expires_at: { type: 'string', format: 'date-time' } }, [
    'token',
    'expires_at',
  ]),
  InitialData: object({
    current_time: { type: 'string', format: 'date-time' },
    setup_failed: bool,
    email_configuration_is_set: bool,
    error_message: str,
    user_initial_setup: bool,
    sso: bool,
    sso_logged_in: bool,
    banner: str,
    version: schemaRef('VersionInfo'),
  }),
  ClusterStatus: object({
    cluster_state: object({
      state: { type: 'string', enum: ['CLUSTER_UP_NO_HA', 'CLUSTER_STARTING'] },
      progress: { type: 'integer', minimum: 0, maximum: 100 },
      up_since: { type: 'string', format: 'date-time' },
    }),
    node_info: object({
      cluster_uuid: str,
      name: str,
      role: { type: 'string', enum: ['CLUSTER_LEADER'] },
      state: { type: 'string', enum: ['CLUSTER_ACTIVE', 'CLUSTER_STARTING'] },
    }),
    database: object({ up: bool }),
  }),
  OpenApiDocument: object({ openapi: str, info: object({}), paths: object({}) }, ['openapi'], {
    description: 'This document.',
  }),
};
