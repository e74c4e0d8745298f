// The operations of the routes that are not object collections: login, logout and tokens, the
// controller endpoints clients probe, and this document with its viewer.
import { componentRef, jsonContent, schemaRef, type JsonObject } from './json.js';
import { errorResponses } from './parameters.js';
import { STREAM_OPERATIONS } from './stream-operations.js';
import { SIMULATOR_OPERATIONS } from './simulator-operations.js';

const ok = (description: string, schema: JsonObject, extra: JsonObject = {}): JsonObject => ({
  description,
  ...extra,
  content: jsonContent(schema),
});

const openApiDocument = (operationId: string) => (): JsonObject => ({
  operationId,
  tags: ['Documentation'],
  summary: 'This OpenAPI 3.1 document',
  description:
    'Generated from the schema model and the routes the server registers. Needs a login, as on the controller.',
  responses: {
    200: ok('The document.', schemaRef('OpenApiDocument')),
    ...errorResponses('Unauthorized', 'Unavailable'),
  },
});

export const SPECIAL_OPERATIONS: Record<string, () => JsonObject> = {
  ...STREAM_OPERATIONS,
  ...SIMULATOR_OPERATIONS,
  'POST /login': () => ({
    operationId: 'login',
    tags: ['Authentication'],
    summary: 'Log in: open a session',
    description:
      'Sets the `csrftoken`, `avi-sessionid` and `sessionid` cookies. Send the session cookies back, and ' +
      '`X-CSRFToken` with the csrftoken on POST, PUT, PATCH and DELETE.',
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: schemaRef('LoginRequest') },
        'application/x-www-form-urlencoded': { schema: schemaRef('LoginRequest') },
      },
    },
    responses: {
      200: ok('Logged in.', schemaRef('LoginResponse'), {
        headers: { 'Set-Cookie': componentRef('headers', 'SetCookie') },
      }),
      ...errorResponses('BadRequest', 'Unauthorized', 'TooManyRequests', 'Unavailable'),
    },
  }),
  'POST /logout': () => ({
    operationId: 'logout',
    tags: ['Authentication'],
    summary: "Log out: end the cookies' session",
    description: 'Idempotent: an unknown or expired session only gets its cookies cleared.',
    responses: {
      200: ok('Logged out; the cookies are cleared.', schemaRef('Empty')),
      ...errorResponses('Unavailable'),
    },
  }),
  'POST /api/user-token': () => ({
    operationId: 'create_user_token',
    tags: ['Authentication'],
    summary: 'Issue a token to log in with instead of the password',
    requestBody: { required: true, content: jsonContent(schemaRef('UserTokenRequest')) },
    responses: {
      200: ok('The token.', schemaRef('UserTokenResponse')),
      ...errorResponses('BadRequest', 'Unauthorized', 'Unavailable'),
    },
  }),
  'GET /api/initial-data': () => ({
    operationId: 'get_initial_data',
    tags: ['Controller'],
    summary: "The controller's version, before login",
    responses: { 200: ok('The initial data.', schemaRef('InitialData')) },
  }),
  'GET /api/cluster/status': () => ({
    operationId: 'get_cluster_status',
    tags: ['Controller'],
    summary: 'Readiness: whether the controller (and its database) is up',
    responses: {
      200: ok('Up (`CLUSTER_UP_NO_HA`).', schemaRef('ClusterStatus')),
      503: ok(
        'Starting, or the database cannot be reached (`CLUSTER_STARTING`).',
        schemaRef('ClusterStatus'),
      ),
    },
  }),
  'GET /api/cluster/version': () => ({
    operationId: 'get_cluster_version',
    tags: ['Controller'],
    summary: "The controller's version",
    responses: {
      200: ok('The version.', schemaRef('VersionInfo')),
      ...errorResponses('Unauthorized', 'Unavailable'),
    },
  }),
  'GET /api/swagger.json': openApiDocument('get_swagger_json'),
  'GET /openapi.json': openApiDocument('get_openapi_json'),
  'GET /swagger': () => ({
    operationId: 'get_swagger_viewer',
    tags: ['Documentation'],
    summary: 'A browser view of this document',
    description:
      'A self-contained page (no network fetch but this document); it offers a login form when needed.',
    responses: {
      200: { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } },
    },
  }),
};
