// References to other objects: fields whose model node carries `x-avi-ref: <ObjectType>` (the
// string node of `ref(...)`, the items of `refList(...)`). Every accepted request form is parsed
// into one canonical stored form, `/api/<type>/<uuid>` or `/api/<type>/<uuid>#<name>`, and turned
// back into an absolute URL for the request's origin on the way out.
import { createHash } from 'node:crypto';
import type { TObject } from '@sinclair/typebox';
import { errors } from '../errors/catalogue.js';
import { REF } from './schema/dsl.js';
import {
  asNode,
  cloneJson,
  isRecord,
  itemPath,
  memberPath,
  setOwn,
  subtreeHas,
  type SchemaNode,
} from './validation/nodes.js';

/** A reference as a request wrote it: always a type, and a uuid, a name, or both. */
export interface ParsedReference {
  /** The referenced object type in URL form (lowercase), e.g. `serviceenginegroup`. */
  type: string;
  uuid?: string;
  name?: string;
}

export interface ReferenceContext {
  /** The tenant of the request; scopes name-based uuids. */
  tenant: string;
  /**
   * Resolves a `?name=` reference to a uuid; receives the lowercase type (`tenant`, `image` …).
   * Returning undefined means "not held here": a name-based uuid is used, except for tenants,
   * which must exist.
   */
  resolveName?: (type: string, name: string) => string | undefined;
}

/** Longest reference accepted, in characters. */
export const MAX_REFERENCE_LENGTH = 2048;

/** What a uuid may look like (plus: no `..`). */
export const UUID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

// `http(s)://host[:port]` with a DNS name, IPv4 address or bracketed IPv6 address.
const ORIGIN = /^https?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?(?=\/)/i;
const TYPE_SEGMENT = /^[A-Za-z0-9_-]+/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const isUuid = (s: string): boolean => UUID_PATTERN.test(s) && !s.includes('..');

/**
 * Parses one reference to an object of `refType` (the model's spelling, e.g. `ServiceEngineGroup`).
 * Accepted forms (`<type>` compared case-insensitively with refType):
 *   `http(s)://host[:port]/api/<type>/<uuid>[#<name>]`, `/api/<type>/<uuid>[#<name>]`,
 *   `api/<type>/<uuid>[#<name>]`, and `[http(s)://host[:port]]/api/<type>[/]?name=<url-encoded name>`.
 * Returns undefined for anything else — malformed input, a reference to another type, a bad
 * uuid — because only the caller knows the field path the error must name.
 */
export function parseReference(input: string, refType: string): ParsedReference | undefined {
  if (typeof input !== 'string' || input.length === 0 || input.length > MAX_REFERENCE_LENGTH)
    return undefined;
  if (CONTROL.test(input)) return undefined;
  let rest = input;
  const origin = ORIGIN.exec(rest);
  if (origin) rest = rest.slice(origin[0].length);
  if (rest.startsWith('/')) rest = rest.slice(1);
  if (!rest.startsWith('api/')) return undefined;
  rest = rest.slice(4);

  const typeMatch = TYPE_SEGMENT.exec(rest);
  const type = refType.toLowerCase();
  if (!typeMatch || typeMatch[0].toLowerCase() !== type) return undefined;
  rest = rest.slice(typeMatch[0].length);

  // `?name=<name>` or `/?name=<name>`
  const query = rest.startsWith('?') ? 1 : rest.startsWith('/?') ? 2 : 0;
  if (query > 0) {
    rest = rest.slice(query);
    if (!rest.startsWith('name=')) return undefined;
    let name: string;
    try {
      name = decodeURIComponent(rest.slice(5));
    } catch {
      return undefined; // malformed percent-encoding
    }
    if (name === '' || CONTROL.test(name)) return undefined;
    return { type, name };
  }

  // `/<uuid>[#<name>]`
  if (!rest.startsWith('/')) return undefined;
  rest = rest.slice(1);
  const hash = rest.indexOf('#');
  const uuid = hash < 0 ? rest : rest.slice(0, hash);
  if (!isUuid(uuid)) return undefined;
  const name = hash < 0 ? '' : rest.slice(hash + 1);
  return name === '' ? { type, uuid } : { type, uuid, name };
}

// Fixed namespace for name-based uuids (a random v4 uuid chosen once for this server).
const NAME_NAMESPACE = Buffer.from('5f0c8a52e3a34f9b9d4a7e1c2b6d8f30', 'hex');

/**
 * A stable uuid for a name reference to an object this server does not hold:
 * `<type>-<uuid>`, the uuid built like an RFC 4122 version-5 UUID from a SHA-1 over a fixed
 * namespace and the type, tenant and name (NUL-separated, so no two triples collide).
 */
export function nameBasedUuid(type: string, tenant: string, name: string): string {
  const lower = type.toLowerCase();
  const hash = createHash('sha1')
    .update(NAME_NAMESPACE)
    .update(`${lower}\u0000${tenant}\u0000${name}`, 'utf8')
    .digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50; // version 5
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return `${lower}-${uuid}`;
}

const MAX_NAME_IN_MESSAGE = 60;
const shortName = (name: string): string =>
  name.length > MAX_NAME_IN_MESSAGE ? `${name.slice(0, MAX_NAME_IN_MESSAGE - 1)}…` : name;

/** The canonical stored form of one reference; throws a 400 naming `path` when it is not valid. */
export function normalizeReference(
  input: unknown,
  refType: string,
  path: string,
  ctx: ReferenceContext,
): string {
  const parsed = typeof input === 'string' ? parseReference(input, refType) : undefined;
  if (!parsed) throw errors.invalidReference(path, refType);
  let uuid = parsed.uuid;
  if (uuid === undefined) {
    const name = parsed.name as string;
    uuid = ctx.resolveName?.(parsed.type, name);
    if (uuid === undefined) {
      if (ctx.resolveName && parsed.type === 'tenant') throw errors.unknownTenantRef(path, shortName(name));
      uuid = nameBasedUuid(parsed.type, ctx.tenant, name);
    }
  }
  const base = `/api/${parsed.type}/${uuid}`;
  return parsed.name === undefined ? base : `${base}#${parsed.name}`;
}

/**
 * A copy of `value` (a validated body of `schema`) with every reference, at any depth and inside
 * lists, in the canonical stored form. Throws `invalidReference` (or `unknownTenantRef`) naming
 * the field path.
 */
export function normalizeReferences(
  schema: TObject,
  value: Record<string, unknown>,
  ctx: ReferenceContext,
): Record<string, unknown> {
  return mapObject(asNode(schema), value, '', (ref, refType, path) =>
    normalizeReference(ref, refType, path, ctx),
  );
}

/**
 * A stored reference for output: `<origin>/api/<type>/<uuid>`, plus `#<name>` when `includeName`
 * and a name is known. `origin` is e.g. `http://127.0.0.1:8080` (a trailing `/` is ignored).
 * A value not in the stored form (no leading `/`) is returned without its name but otherwise as is.
 */
export function presentReference(stored: string, origin: string, includeName: boolean): string {
  const hash = stored.indexOf('#');
  const base = hash < 0 ? stored : stored.slice(0, hash);
  const url = base.startsWith('/') ? (origin.endsWith('/') ? origin.slice(0, -1) : origin) + base : base;
  return includeName && hash >= 0 && hash < stored.length - 1 ? url + stored.slice(hash) : url;
}

/** The uuid of a canonical stored reference (`/api/image/image-1#name` → `image-1`). */
export function referenceUuid(stored: string): string {
  const hash = stored.indexOf('#');
  const base = hash < 0 ? stored : stored.slice(0, hash);
  return base.slice(base.lastIndexOf('/') + 1);
}

/** A copy of a stored document of `schema` with every reference presented for output. */
export function presentReferences(
  schema: TObject,
  value: Record<string, unknown>,
  origin: string,
  includeName: boolean,
): Record<string, unknown> {
  return mapObject(asNode(schema), value, '', (ref) =>
    typeof ref === 'string' ? presentReference(ref, origin, includeName) : cloneJson(ref),
  );
}

// ---------------------------------------------------------------------------------------------
// The walk: a deep copy of a document, with `map` applied to every value at a reference node.

type MapReference = (value: unknown, refType: string, path: string) => unknown;

function mapObject(
  node: SchemaNode,
  value: Record<string, unknown>,
  path: string,
  map: MapReference,
): Record<string, unknown> {
  const properties = node.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = Object.hasOwn(properties, key) ? properties[key] : undefined;
    const member = value[key];
    // Subtrees holding no reference are shared, not copied: documents are never changed in place.
    const mapped =
      child && holdsReference(child) ? mapValue(child, member, memberPath(path, key), map) : member;
    setOwn(out, key, mapped);
  }
  return out;
}

const holdsReference = (node: SchemaNode): boolean =>
  subtreeHas(node, 'reference', (n) => typeof n[REF] === 'string');

function mapValue(node: SchemaNode, value: unknown, path: string, map: MapReference): unknown {
  if (value === null || value === undefined) return value;
  const refType = node[REF];
  if (typeof refType === 'string' && node.type === 'string') return map(value, refType, path);
  if (node.type === 'array' && Array.isArray(value) && node.items) {
    const items = node.items;
    return value.map((item, i) => mapValue(items, item, itemPath(path, i), map));
  }
  if (node.type === 'object' && isRecord(value)) return mapObject(node, value, path, map);
  return value;
}
