// A structural check of an OpenAPI 3.0/3.1 document: the shape of the document, its paths,
// operations, parameters, responses and security, that every `$ref` resolves, and that every
// schema is well-formed (known keywords, valid types, required members that exist, enums,
// ranges and defaults that fit their type). Answers a list of problems, each naming its place.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PATH_ITEM_KEYS = new Set([...METHODS, 'parameters', 'summary', 'description', 'servers', '$ref']);
const TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);
const SCHEMA_KEYS = new Set([
  ...['$ref', 'type', 'format', 'title', 'description', 'default', 'enum', 'const', 'examples', 'example'],
  ...['properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'uniqueItems'],
  ...['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength'],
  ...['pattern', 'minProperties', 'maxProperties', 'oneOf', 'anyOf', 'allOf', 'not', 'readOnly', 'writeOnly'],
  ...['nullable', 'deprecated', 'discriminator', 'xml', 'externalDocs'],
]);
const VERSION = /^\d+\.\d+\.\d+$/;

/** The value a local `$ref` (`#/components/...`) points at, if any. */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObj(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Obj)[seg];
  }
  return cur;
}

export function openApiProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string): void => {
    problems.push(`${where}: ${what}`);
  };
  if (!isObj(doc)) return ['the document is not an object'];
  const deref = (v: unknown): unknown =>
    isObj(v) && typeof v.$ref === 'string' ? resolvePointer(doc, v.$ref) : v;

  // Every $ref anywhere resolves.
  const walkRefs = (v: unknown, where: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walkRefs(x, `${where}[${i}]`));
    else if (isObj(v)) {
      if (typeof v.$ref === 'string' && resolvePointer(doc, v.$ref) === undefined)
        fail(where, `$ref ${v.$ref} does not resolve`);
      for (const [k, x] of Object.entries(v)) walkRefs(x, `${where}.${k}`);
    }
  };
  walkRefs(doc, '#');

  if (typeof doc.openapi !== 'string' || !/^3\.[01]\.\d+$/.test(doc.openapi))
    fail('openapi', 'not 3.0.x or 3.1.x');
  const info = doc.info;
  if (!isObj(info) || typeof info.title !== 'string' || typeof info.version !== 'string') {
    fail('info', 'needs title and version strings');
  }
  const components = isObj(doc.components) ? doc.components : {};
  const schemes = isObj(components.securitySchemes) ? components.securitySchemes : {};
  for (const [name, s] of Object.entries(schemes)) checkScheme(name, s, fail);
  const tags = Array.isArray(doc.tags)
    ? new Set(doc.tags.map((t) => (isObj(t) ? t.name : undefined)))
    : undefined;

  const checkSecurity = (where: string, security: unknown) => {
    if (security === undefined) return;
    if (!Array.isArray(security)) return fail(where, 'security is not a list');
    for (const req of security) {
      if (!isObj(req)) fail(where, 'a security requirement is not an object');
      else
        for (const name of Object.keys(req))
          if (!(name in schemes)) fail(where, `unknown security scheme ${name}`);
    }
  };
  checkSecurity('security', doc.security);

  const checkSchema = (s: unknown, where: string): void => {
    if (typeof s === 'boolean') return;
    if (!isObj(s)) return fail(where, 'a schema must be an object');
    for (const key of Object.keys(s))
      if (!SCHEMA_KEYS.has(key) && !key.startsWith('x-')) fail(where, `unknown keyword ${key}`);
    if (typeof s.$ref === 'string') {
      if (!s.$ref.startsWith('#/components/schemas/')) fail(where, `$ref ${s.$ref} is not a schema`);
    }
    const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
    for (const t of types) if (typeof t !== 'string' || !TYPES.has(t)) fail(where, `bad type ${String(t)}`);
    if (s.properties !== undefined) {
      if (!isObj(s.properties)) fail(where, 'properties is not an object');
      else for (const [k, p] of Object.entries(s.properties)) checkSchema(p, `${where}.${k}`);
    }
    if (s.required !== undefined) {
      const req = s.required;
      if (!Array.isArray(req) || req.some((r) => typeof r !== 'string') || new Set(req).size !== req.length) {
        fail(where, 'required is not a list of distinct names');
      } else if (isObj(s.properties)) {
        for (const r of req) if (!(r in s.properties)) fail(where, `required ${String(r)} is no property`);
      }
    }
    if (types.includes('array') && s.items === undefined) fail(where, 'an array without items');
    if (s.items !== undefined) checkSchema(s.items, `${where}[]`);
    if (s.additionalProperties !== undefined && typeof s.additionalProperties !== 'boolean') {
      checkSchema(s.additionalProperties, `${where}{}`);
    }
    for (const k of ['oneOf', 'anyOf', 'allOf']) {
      const list = s[k];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.length === 0) fail(where, `${k} is not a non-empty list`);
      else list.forEach((x, i) => checkSchema(x, `${where}.${k}[${i}]`));
    }
    for (const k of ['minimum', 'maximum'])
      if (s[k] !== undefined && typeof s[k] !== 'number') fail(where, `${k} is not a number`);
    if (typeof s.minimum === 'number' && typeof s.maximum === 'number' && s.minimum > s.maximum)
      fail(where, 'minimum > maximum');
    if (s.readOnly === true && s.writeOnly === true) fail(where, 'both readOnly and writeOnly');
    if (s.enum !== undefined) {
      if (!Array.isArray(s.enum) || s.enum.length === 0) fail(where, 'enum is not a non-empty list');
      else {
        if (new Set(s.enum).size !== s.enum.length) fail(where, 'enum has repeats');
        for (const v of s.enum)
          if (!fits(v, types)) fail(where, `enum value ${String(v)} is not a ${types.join('|')}`);
      }
    }
    if (s.default !== undefined) {
      const d = s.default;
      if (!fits(d, types)) fail(where, 'default does not fit the type');
      if (Array.isArray(s.enum) && !s.enum.includes(d)) fail(where, 'default is not in the enum');
      if (
        typeof d === 'number' &&
        ((typeof s.minimum === 'number' && d < s.minimum) || (typeof s.maximum === 'number' && d > s.maximum))
      ) {
        fail(where, 'default is out of range');
      }
    }
    const since = s['x-avi-since'];
    if (
      since !== undefined &&
      (!Array.isArray(since) || since.some((v) => typeof v !== 'string' || !VERSION.test(v)))
    ) {
      fail(where, 'x-avi-since is not a list of releases');
    }
    const edition = s['x-avi-edition'];
    if (edition !== undefined && edition !== 'all' && edition !== 'enterprise')
      fail(where, 'bad x-avi-edition');
  };

  const checkContent = (content: unknown, where: string) => {
    if (!isObj(content) || Object.keys(content).length === 0) return fail(where, 'content is empty');
    for (const [type, media] of Object.entries(content)) {
      if (!isObj(media)) fail(`${where}.${type}`, 'not a media type object');
      else if (media.schema !== undefined) checkSchema(media.schema, `${where}.${type}.schema`);
    }
  };

  const paths = isObj(doc.paths) ? doc.paths : {};
  if (!isObj(doc.paths)) fail('paths', 'missing');
  const operationIds = new Set<string>();
  for (const [path, rawItem] of Object.entries(paths)) {
    if (!path.startsWith('/')) fail(path, 'a path must start with /');
    const item = deref(rawItem);
    if (!isObj(item)) {
      fail(path, 'not a path item');
      continue;
    }
    for (const key of Object.keys(item))
      if (!PATH_ITEM_KEYS.has(key) && !key.startsWith('x-')) fail(path, `unknown member ${key}`);
    const methods = METHODS.filter((m) => item[m] !== undefined);
    if (methods.length === 0) fail(path, 'no operations');
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
    for (const method of methods) {
      const where = `${method.toUpperCase()} ${path}`;
      const op = item[method];
      if (!isObj(op)) {
        fail(where, 'not an operation');
        continue;
      }
      if (typeof op.operationId === 'string') {
        if (operationIds.has(op.operationId)) fail(where, `operationId ${op.operationId} repeats`);
        operationIds.add(op.operationId);
      }
      if (tags && Array.isArray(op.tags))
        for (const t of op.tags) if (!tags.has(t)) fail(where, `unknown tag ${String(t)}`);
      checkSecurity(where, op.security);
      const params = [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(op.parameters) ? op.parameters : []),
      ].map(deref);
      const inPath = new Set<string>();
      for (const p of params) {
        if (
          !isObj(p) ||
          typeof p.name !== 'string' ||
          !['query', 'header', 'path', 'cookie'].includes(String(p.in))
        ) {
          fail(where, 'a parameter needs a name and a valid in');
          continue;
        }
        if (p.in === 'path') {
          inPath.add(p.name);
          if (p.required !== true) fail(where, `path parameter ${p.name} is not required`);
          if (!templated.includes(p.name)) fail(where, `path parameter ${p.name} is not in the path`);
        }
        if (p.schema !== undefined) checkSchema(p.schema, `${where} parameter ${p.name}`);
        else if (p.content === undefined) fail(where, `parameter ${p.name} has neither schema nor content`);
      }
      for (const t of templated) if (!inPath.has(t)) fail(where, `{${t}} has no path parameter`);
      if (op.requestBody !== undefined) {
        const body = deref(op.requestBody);
        if (!isObj(body)) fail(where, 'requestBody is not an object');
        else checkContent(body.content, `${where} requestBody`);
      }
      if (!isObj(op.responses) || Object.keys(op.responses).length === 0) {
        fail(where, 'no responses');
        continue;
      }
      for (const [code, raw] of Object.entries(op.responses)) {
        if (!/^([1-5](\d\d|XX)|default)$/.test(code)) fail(where, `bad response code ${code}`);
        const r = deref(raw);
        if (!isObj(r) || typeof r.description !== 'string')
          fail(`${where} ${code}`, 'a response needs a description');
        else if (r.content !== undefined) checkContent(r.content, `${where} ${code}`);
      }
    }
  }
  const schemas = isObj(components.schemas) ? components.schemas : {};
  for (const [name, s] of Object.entries(schemas)) checkSchema(s, `#/components/schemas/${name}`);
  return problems;
}

function fits(value: unknown, types: readonly unknown[]): boolean {
  if (types.length === 0) return true;
  return types.some((t) => {
    switch (t) {
      case 'integer':
        return Number.isInteger(value);
      case 'number':
        return typeof value === 'number';
      case 'string':
      case 'boolean':
        return typeof value === t;
      case 'null':
        return value === null;
      case 'array':
        return Array.isArray(value);
      case 'object':
        return isObj(value);
      default:
        return false;
    }
  });
}

function checkScheme(name: string, s: unknown, fail: (where: string, what: string) => void): void {
  const where = `securitySchemes.${name}`;
  if (!isObj(s)) return fail(where, 'not an object');
  if (s.type === 'apiKey') {
    if (typeof s.name !== 'string' || !['query', 'header', 'cookie'].includes(String(s.in)))
      fail(where, 'apiKey needs name and in');
  } else if (s.type === 'http') {
    if (typeof s.scheme !== 'string') fail(where, 'http needs a scheme');
  } else if (!['oauth2', 'openIdConnect', 'mutualTLS'].includes(String(s.type)))
    fail(where, `bad type ${String(s.type)}`);
}
