// Reading the schema model in tests, independently of the server's own walkers: the kind of each
// node, the documented "introduced in" rule, the defaults a present object gets, what a response
// at an API version may show, and references in the form a response gives them. Only the model
// itself (src/domain/schema) is shared with the server; every rule here is written from the docs.
import type { TSchema } from '@sinclair/typebox';
import type { SchemaNode } from '../../src/domain/validation/nodes.js';
import { REF, SINCE, TYPE_NAME, UpgradeStatusInfo } from '../../src/domain/schema/index.js';

/** A model node as the tests read it: the walkers' own view of TypeBox nodes. */
export type ModelNode = SchemaNode;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const MODEL: ModelNode = UpgradeStatusInfo as unknown as ModelNode;
export const asModel = (schema: TSchema): ModelNode => schema as unknown as ModelNode;

/** The origin `inject` requests use (Host `localhost:80`), as references are returned. */
export const ORIGIN = 'http://localhost:80';

export type Kind = 'object' | 'list' | 'ref' | 'enum' | 'string' | 'integer' | 'boolean';

export function kindOf(node: ModelNode): Kind {
  switch (node.type) {
    case 'object':
      return 'object';
    case 'array':
      return 'list';
    case 'integer':
      return 'integer';
    case 'boolean':
      return 'boolean';
    default:
      if (typeof node[REF] === 'string') return 'ref';
      return node.enum ? 'enum' : 'string';
  }
}

export const refTypeOf = (node: ModelNode): string => String(node[REF]);
export const typeNameOf = (node: ModelNode): string | undefined =>
  typeof node[TYPE_NAME] === 'string' ? (node[TYPE_NAME] as string) : undefined;
export const sinceOf = (node: ModelNode): readonly string[] =>
  Array.isArray(node[SINCE]) ? (node[SINCE] as string[]) : [];
export const propertiesOf = (node: ModelNode): Readonly<Record<string, ModelNode>> => node.properties ?? {};

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Versions (README: "API versions and license tiers")

export type Version = readonly [number, number, number];

export function parseRelease(text: string): Version {
  const [a = 0, b = 0, c = 0] = text.split('.').map(Number);
  return [a, b, c];
}

export function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export const formatVersion = (v: Version): string => v.join('.');

/**
 * A field exists in version `v` when `v` is at or past one of its releases of the same
 * major.minor line, or at or past the highest of them; a field listing none always existed.
 */
export function existsIn(since: readonly string[], v: Version): boolean {
  if (since.length === 0) return true;
  const releases = since.map(parseRelease);
  if (releases.some((r) => r[0] === v[0] && r[1] === v[1] && r[2] <= v[2])) return true;
  const highest = releases.reduce((a, b) => (compare(a, b) >= 0 ? a : b));
  return compare(v, highest) >= 0;
}

/** Every release any field of the model lists. */
export function modelReleases(node: ModelNode = MODEL, out = new Set<string>()): string[] {
  for (const r of sinceOf(node)) out.add(r);
  for (const child of Object.values(propertiesOf(node))) modelReleases(child, out);
  if (node.items) modelReleases(node.items, out);
  return [...out].sort((a, b) => compare(parseRelease(a), parseRelease(b)));
}

/** The newest release of the model: the version that sees every field. */
export const NEWEST_RELEASE: string = modelReleases().at(-1) ?? '31.1.1';

/** Members of the root a response keeps at every version. */
export const KEPT_AT_EVERY_VERSION: readonly string[] = ['url', 'uuid', 'name', '_last_modified'];

/** `doc` as a response at version `v` shows it: every field `v` lacks left out, at any depth. */
export function viewAt(node: ModelNode, value: Json, v: Version, root = true): Json {
  if (Array.isArray(value)) return node.items ? value.map((x) => viewAt(node.items!, x, v, false)) : value;
  if (!isObject(value)) return value;
  const props = propertiesOf(node);
  const out: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    const child = Object.hasOwn(props, key) ? props[key] : undefined;
    if (root && KEPT_AT_EVERY_VERSION.includes(key)) out[key] = member;
    else if (!child) out[key] = member;
    else if (existsIn(sinceOf(child), v)) out[key] = viewAt(child, member, v, false);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Defaults (README: the controller fills defaults into every present object)

/** `value` with every absent member that has a default filled in, at every present object. */
export function fillDefaults(node: ModelNode, value: Json): Json {
  if (Array.isArray(value)) return node.items ? value.map((x) => fillDefaults(node.items!, x)) : value;
  if (!isObject(value) || node.type !== 'object') return value;
  const props = propertiesOf(node);
  const out: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    out[key] = Object.hasOwn(props, key) ? fillDefaults(props[key]!, member) : member;
  }
  for (const [key, child] of Object.entries(props)) {
    if (child.default !== undefined && (out[key] === undefined || out[key] === null)) {
      out[key] = structuredClone(child.default) as Json;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// References (README: "References")

/** The uuid a reference in any accepted uuid form names (`.../api/<type>/<uuid>[#name]`). */
export function uuidOfRef(ref: string): string {
  const noName = ref.split('#')[0] ?? '';
  return noName.slice(noName.lastIndexOf('/') + 1);
}

/** A reference as a response shows it without `include_name`. */
export function presentedRef(refType: string, uuid: string): string {
  return `${ORIGIN}/api/${refType.toLowerCase()}/${uuid}`;
}

/** Every reference in `value` (of `node`) in the form a response gives it (by uuid). */
export function canonicalRefs(node: ModelNode, value: Json): Json {
  if (value === null) return value;
  const kind = kindOf(node);
  if (kind === 'ref' && typeof value === 'string') return presentedRef(refTypeOf(node), uuidOfRef(value));
  if (kind === 'list' && Array.isArray(value) && node.items) {
    return value.map((x) => canonicalRefs(node.items!, x));
  }
  if (kind === 'object' && isObject(value)) {
    const props = propertiesOf(node);
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = props[k] ? canonicalRefs(props[k], v) : v;
    return out;
  }
  return value;
}

/** The model node at a path of member names and list indices (numbers), or undefined. */
export function nodeAt(node: ModelNode, path: readonly (string | number)[]): ModelNode | undefined {
  let at: ModelNode | undefined = node;
  for (const seg of path) {
    if (!at) return undefined;
    if (typeof seg === 'number') at = at.items;
    else at = Object.hasOwn(propertiesOf(at), seg) ? propertiesOf(at)[seg] : undefined;
  }
  return at;
}

/** `a.b[0].c`: a path the way the server's errors name fields. */
export function fieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

/** JSON equality, objects regardless of member order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]))
    );
  }
  return false;
}

/** A copy of `doc` without the given top-level members. */
export function without(doc: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(doc)) if (!keys.includes(k)) out[k] = v;
  return out;
}
