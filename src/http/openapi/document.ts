// The OpenAPI 3.1 document of the server, generated: the paths from the routes the app
// registered (route-registry.ts), the object schemas from the one schema model, the rest from
// the protocol tables beside this file. Built once, when it is first asked for.
import { UpgradeStatusInfo, UpgradeStatusSummary } from '../../domain/schema/index.js';
import { Tenant } from '../../domain/schema/tenant.js';
import { User } from '../../domain/schema/user.js';
import { Role } from '../../domain/schema/role.js';
import type { JsonObject } from './json.js';
import { ModelSchemas } from './model-schemas.js';
import { operationOf, RESOURCES } from './operations.js';
import { HEADERS, PARAMETERS, RESPONSES, SECURITY_SCHEMES } from './parameters.js';
import { listSchema, PROTOCOL_SCHEMAS } from './protocol-schemas.js';
import { openApiPath, type RegisteredRoute } from './route-registry.js';

export interface OpenApiOptions {
  /** Every route the app registered. */
  routes: readonly RegisteredRoute[];
  /** Route URLs that need no credentials. */
  publicRoutes: ReadonlySet<string>;
  /** Whether `Authorization: Basic` is accepted (BASIC_AUTH). */
  basicAuth: boolean;
  controllerVersion: string;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const TAGS: JsonObject[] = [
  { name: 'UpgradeStatusInfo', description: 'Upgrade status records, and their read-only summary.' },
  { name: 'Tenant', description: 'Tenants (System-Admin manages them).' },
  { name: 'User', description: 'Users and their access (System-Admin manages them).' },
  { name: 'Role', description: 'The built-in roles (read-only).' },
  { name: 'Authentication', description: 'Sessions and tokens.' },
  { name: 'Controller', description: 'What clients probe to find and wait for a controller.' },
  { name: 'Documentation', description: 'This document and its browser view.' },
];

const DESCRIPTION = [
  "The Avi controller's REST API for UpgradeStatusInfo, as this server implements it.",
  '`X-Avi-Version` chooses the object model of a request: a field exists from the releases its',
  '`x-avi-since` lists (per major.minor line); `x-avi-edition: enterprise` fields can be changed only in',
  'the ENTERPRISE license tiers. Every error is `{"error": "..."}`; a known path with another method',
  'gets 405 with `Allow`; a body over 2 MiB gets 413, one that is not JSON 415. See docs/api-behaviour.md.',
].join(' ');

/** The security requirements of a route: none, any login, or a login with its CSRF token. */
function securityOf(route: RegisteredRoute, o: OpenApiOptions): JsonObject[] {
  if (o.publicRoutes.has(route.url)) return [];
  const session: JsonObject = WRITES.has(route.method)
    ? { sessionCookie: [], csrfToken: [] }
    : { sessionCookie: [] };
  return o.basicAuth ? [session, { basicAuth: [] }] : [session];
}

export function buildOpenApiDocument(o: OpenApiOptions): JsonObject {
  const models = new ModelSchemas();
  for (const type of [UpgradeStatusInfo, UpgradeStatusSummary, Tenant, User, Role]) models.add(type);
  const lists: Record<string, JsonObject> = {};
  for (const r of RESOURCES) lists[`${r.schema}List`] = listSchema(r.schema);

  const paths: Record<string, JsonObject> = {};
  for (const route of o.routes) {
    const item = (paths[openApiPath(route.url)] ??= {});
    item[route.method.toLowerCase()] = {
      ...operationOf(route.method, route.url),
      security: securityOf(route, o),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'avi-upgrade-status',
      version: o.controllerVersion,
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    tags: TAGS,
    security: o.basicAuth ? [{ sessionCookie: [] }, { basicAuth: [] }] : [{ sessionCookie: [] }],
    paths,
    components: {
      schemas: { ...models.schemas, ...lists, ...PROTOCOL_SCHEMAS },
      parameters: PARAMETERS,
      headers: HEADERS,
      responses: RESPONSES,
      securitySchemes: SECURITY_SCHEMES(o.basicAuth),
    },
  };
}
