// Every error the API can answer, in one place, with the controller's own wording where it is
// known. Code raises `ApiError`s from here; the HTTP layer renders them in one error handler.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers (e.g. Allow on 405). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The JSON body clients read: Avi clients look for the `error` key. */
  toBody(): { error: string } {
    return { error: this.message };
  }
}

/** Bad request bodies and parameters: `path` names the offending field (dotted, with [index]). */
export const invalidField = (path: string, expected: string, got: string) =>
  new ApiError(400, `Invalid value for field '${path}': expected ${expected}, got ${got}.`);

export const errors = {
  // 400
  malformedJson: (detail: string) => new ApiError(400, `Malformed JSON in request body: ${detail}`),
  bodyNotObject: (got: string) => new ApiError(400, `Request body must be a JSON object, got ${got}.`),
  unknownField: (path: string) => new ApiError(400, `Unknown field '${path}' is not part of the schema.`),
  missingRequired: (path: string) => new ApiError(400, `Field '${path}' is required.`),
  tooDeep: (path: string) => new ApiError(400, `Field '${path}' is nested deeper than the schema allows.`),
  unsupportedMediaType: (type: string) =>
    new ApiError(415, `Unsupported Content-Type '${type}': send application/json.`),
  invalidQuery: (param: string, expected: string) =>
    new ApiError(400, `Invalid value for query parameter '${param}': expected ${expected}.`),
  invalidHeader: (header: string, expected: string) =>
    new ApiError(400, `Invalid value for header '${header}': expected ${expected}.`),
  invalidReference: (path: string, refType: string) =>
    new ApiError(
      400,
      `Invalid reference in field '${path}': expected a reference to ${refType} ` +
        `(a URL, /api/${refType.toLowerCase()}/<uuid> or /api/${refType.toLowerCase()}/?name=<name>).`,
    ),
  unknownTenantRef: (path: string, name: string) =>
    new ApiError(400, `Invalid reference in field '${path}': tenant '${name}' does not exist.`),
  invalidPatch: (detail: string) => new ApiError(400, `Invalid PATCH body: ${detail}.`),
  patchFieldFailed: (op: string, path: string, detail: string) =>
    new ApiError(400, `PATCH '${op}' of field '${path}' failed: ${detail}.`),
  patchUnknownField: (op: string, path: string) =>
    new ApiError(400, `PATCH '${op}': unknown field '${path}' is not part of the schema.`),
  jsonPatchFailed: (index: number, op: string, path: string, detail: string) =>
    new ApiError(400, `json_patch operation ${index} ('${op}' at '${path}') failed: ${detail}.`),
  unknownRole: (path: string, role: string) =>
    new ApiError(400, `Invalid reference in field '${path}': role '${role}' does not exist.`),
  weakPassword: (why: string) => new ApiError(400, `Invalid value for field 'password': ${why}`),
  tenantRename: () => new ApiError(400, `Field 'name': a tenant cannot be renamed.`),
  // 401 (clients log in again on any 401)
  notAuthenticated: (headers: Record<string, string> = {}) =>
    new ApiError(401, 'Authentication credentials were not provided.', headers),
  invalidCredentials: (headers: Record<string, string> = {}) =>
    new ApiError(401, 'Invalid credentials', headers),
  csrfFailed: () => new ApiError(401, 'CSRF token missing or incorrect.'),
  basicAuthDisabled: () =>
    new ApiError(401, 'Basic authentication is disabled on this server: log in at /login.'),
  unsupportedAuthScheme: (scheme: string) =>
    new ApiError(401, `Authorization scheme '${scheme}' is not supported: use Basic, or log in at /login.`),
  // 403
  tenantDoesNotExist: (name: string) => new ApiError(403, `Tenant '${name}' does not exist!`),
  allTenantsDenied: () =>
    new ApiError(403, "The all-tenants view ('X-Avi-Tenant: *') needs access to every tenant."),
  allTenantsCreate: () =>
    new ApiError(403, "Objects cannot be created in the all-tenants view ('X-Avi-Tenant: *')."),
  readOnlyTenant: (tenant: string) =>
    new ApiError(403, `Permission denied: you may not change objects in tenant '${tenant}'.`),
  systemAdminOnly: (what: string) =>
    new ApiError(403, `Permission denied: only a System-Admin may change ${what}.`),
  systemDefault: () => new ApiError(403, 'Cannot delete system default object'),
  invalidUuid: (uuid: string) =>
    new ApiError(400, `Invalid uuid '${uuid}': use letters, digits, '-', '_', '.' or ':'.`),
  // 404
  notFound: () => new ApiError(404, 'UpgradeStatusInfo object not found!'),
  objectNotFound: (type: 'Tenant' | 'User' | 'Role' | 'UpgradeStatusSummary') =>
    new ApiError(404, `${type} object not found!`),
  unknownPath: (method: string, url: string) => new ApiError(404, `No such resource: ${method} ${url}`),
  // 405
  methodNotAllowed: (method: string, allow: string[]) =>
    new ApiError(405, `Method '${method}' not allowed.`, { allow: allow.join(', ') }),
  // 409
  duplicateName: (name: string) =>
    new ApiError(
      409,
      `UpgradeStatusInfo with name '${name}', this node type and cloud already exists in this tenant.`,
    ),
  duplicateUuid: (uuid: string) =>
    new ApiError(409, `UpgradeStatusInfo object with uuid '${uuid}' already exists.`),
  duplicateTenant: (name: string) => new ApiError(409, `Tenant with name '${name}' already exists.`),
  duplicateUser: (username: string) => new ApiError(409, `User with username '${username}' already exists.`),
  duplicateObjectUuid: (type: string, uuid: string) =>
    new ApiError(409, `${type} object with uuid '${uuid}' already exists.`),
  referredBy: (referrers: string[]) =>
    new ApiError(
      409,
      `Cannot delete, object is referred by: [${referrers.map((r) => `'${r.replace(/'/g, "\\'")}'`).join(', ')}]`,
    ),
  // 412
  staleObject: () => new ApiError(412, 'Need to reload object data UpgradeStatusInfo'),
  // 413
  bodyTooLarge: (limit: number) =>
    new ApiError(413, `Request body is larger than the limit of ${limit} bytes.`),
  // 429
  tooManyLoginFailures: (seconds: number) =>
    new ApiError(429, `Too many failed logins: try again in ${seconds} seconds.`, {
      'retry-after': String(seconds),
    }),
  // 500 / 503
  internal: () => new ApiError(500, 'Internal server error.'),
  unavailable: (why: string) => new ApiError(503, why),
  /** The database cannot be reached (StoreUnavailableError): clients retry, as on a busy controller. */
  databaseUnavailable: () =>
    new ApiError(503, 'Database unavailable, try again shortly.', { 'retry-after': '5' }),
} as const;
