// The version rules applied to documents, read from the model's `x-avi-since` annotations:
// writes carrying a field the request's version does not have are refused, reads leave such
// fields out, and a full replacement keeps the stored values of the fields the version cannot see.
import type { TSchema } from '@sinclair/typebox';
import { ApiError } from '../../errors/catalogue.js';
import { REF, SINCE } from '../schema/dsl.js';
import { referenceUuid } from '../references.js';
import { asNode, cloneJson, isRecord, setOwn, type SchemaNode } from '../validation/nodes.js';
import {
  admittingRelease,
  compareVersions,
  fieldExistsIn,
  formatVersionTag,
  sinceVersions,
  type ApiVersion,
} from './version.js';

const NO_RELEASES: readonly string[] = [];

/** The `x-avi-since` list of a node (empty when it has none). */
function sinceOf(node: SchemaNode): readonly string[] {
  const since = node[SINCE];
  return Array.isArray(since) ? (since as readonly string[]) : NO_RELEASES;
}

function existsIn(node: SchemaNode, v: ApiVersion): boolean {
  return fieldExistsIn(sinceOf(node), v);
}

/** `Incoming request (v18_2_8) has field (reason) introduced in later versions(v22_1_3).` */
export function fieldTooNew(field: string, since: readonly string[], v: ApiVersion): ApiError {
  const release = admittingRelease(since, v);
  const later = release ? formatVersionTag(release) : '';
  return new ApiError(
    400,
    `Incoming request (${formatVersionTag(v)}) has field (${field}) introduced in later versions(${later}).`,
  );
}

/**
 * Refuses a request body (a JSON object of `schema`) carrying, at any depth and in any list item,
 * a field that version `v` does not have: a 400 in the controller's wording, naming the field by
 * its own member name. Members set to `null` count as absent (not checked); members unknown to the
 * model are left to validation. Fields are checked in the body's order, a parent before its members.
 */
export function rejectNewerFields(schema: TSchema, body: unknown, v: ApiVersion): void {
  checkValue(asNode(schema), body, v);
}

function checkValue(node: SchemaNode, value: unknown, v: ApiVersion): void {
  if (node.type === 'object' && isRecord(value)) {
    const properties = node.properties ?? {};
    for (const key of Object.keys(value)) {
      const member = value[key];
      if (member === null || member === undefined || !Object.hasOwn(properties, key)) continue;
      const child = properties[key] as SchemaNode;
      if (!existsIn(child, v)) throw fieldTooNew(key, sinceOf(child), v);
      // A subtree the version sees entirely cannot hold a field it lacks.
      if (!seesAllFields(child as unknown as TSchema, v)) checkValue(child, member, v);
    }
  } else if (node.type === 'array' && Array.isArray(value) && node.items) {
    for (const item of value) checkValue(node.items, item, v);
  }
}

/**
 * Whether `doc` (a document of `schema`) holds, at any depth and in any list item, a field that
 * version `v` does not have. When it holds none, `filterForVersion` would only copy it and
 * `mergeHiddenFields` with it as the stored side would only copy the incoming document, so
 * callers may skip them. Only subtrees that can hold such a field are visited.
 */
export function holdsHiddenField(schema: TSchema, doc: unknown, v: ApiVersion): boolean {
  return hiddenIn(asNode(schema), doc, v);
}

function hiddenIn(node: SchemaNode, value: unknown, v: ApiVersion): boolean {
  if (node.type === 'object' && isRecord(value)) {
    const properties = node.properties ?? {};
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(properties, key)) continue;
      const child = properties[key] as SchemaNode;
      if (!existsIn(child, v)) return true;
      if (!seesAllFields(child as unknown as TSchema, v) && hiddenIn(child, value[key], v)) return true;
    }
  } else if (node.type === 'array' && Array.isArray(value) && node.items) {
    const items = node.items;
    return value.some((item) => hiddenIn(items, item, v));
  }
  return false;
}

/**
 * A copy of `doc` (a stored document of `schema`) without every field, at any depth and in every
 * list item, that version `v` does not have. Members unknown to the model are copied unchanged.
 */
export function filterForVersion(
  schema: TSchema,
  doc: Record<string, unknown>,
  v: ApiVersion,
): Record<string, unknown> {
  return filterObject(asNode(schema), doc, v);
}

function filterObject(
  node: SchemaNode,
  value: Record<string, unknown>,
  v: ApiVersion,
): Record<string, unknown> {
  const properties = node.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(properties, key)) {
      setOwn(out, key, cloneJson(value[key]));
      continue;
    }
    const child = properties[key] as SchemaNode;
    if (!existsIn(child, v)) continue;
    setOwn(out, key, filterValue(child, value[key], v));
  }
  return out;
}

function filterValue(node: SchemaNode, value: unknown, v: ApiVersion): unknown {
  if (node.type === 'object' && isRecord(value)) return filterObject(node, value, v);
  if (node.type === 'array' && Array.isArray(value) && node.items) {
    const items = node.items;
    return value.map((item) => filterValue(items, item, v));
  }
  return cloneJson(value);
}

/**
 * `incoming` (the new document of a full replacement, e.g. a PUT) plus every field of `stored`
 * that version `v` cannot see, so that a write at an old version never loses newer data. A field
 * `v` cannot see always keeps its stored value (whatever `incoming` holds for it). Where both
 * sides hold an object in a field `v` can see, the same applies inside it, at any depth. Lists are
 * taken from `incoming` (its items, in its order), except that an item sent back exactly as `v`
 * sees a stored item is replaced by that stored item, hidden fields included; a changed item keeps
 * only what the request says. Returns a fresh object; neither input is modified.
 */
export function mergeHiddenFields(
  schema: TSchema,
  stored: Record<string, unknown>,
  incoming: Record<string, unknown>,
  v: ApiVersion,
): Record<string, unknown> {
  return mergeObject(asNode(schema), stored, incoming, v);
}

function mergeObject(
  node: SchemaNode,
  stored: Record<string, unknown>,
  incoming: Record<string, unknown>,
  v: ApiVersion,
): Record<string, unknown> {
  const properties = node.properties ?? {};
  const out = cloneJson(incoming) as Record<string, unknown>;
  for (const key of Object.keys(stored)) {
    if (!Object.hasOwn(properties, key)) continue;
    const child = properties[key] as SchemaNode;
    const kept = stored[key];
    if (kept === null || kept === undefined) continue;
    if (!existsIn(child, v)) {
      setOwn(out, key, cloneJson(kept));
    } else {
      const given = Object.hasOwn(incoming, key) ? incoming[key] : undefined;
      if (child.type === 'object' && isRecord(kept) && isRecord(given)) {
        setOwn(out, key, mergeObject(child, kept, given, v));
      } else if (
        child.type === 'array' &&
        child.items?.type === 'object' &&
        Array.isArray(kept) &&
        Array.isArray(given)
      ) {
        setOwn(out, key, mergeList(child.items, kept, given, v));
      }
    }
  }
  return out;
}

/**
 * The incoming list as it is, except that an item equal to what version `v` sees of a stored item
 * (an item sent back unchanged, wherever it now sits) is that stored item, with its hidden fields.
 * Each stored item is used at most once, in order.
 */
function mergeList(items: SchemaNode, stored: unknown[], incoming: unknown[], v: ApiVersion): unknown[] {
  const byView = new Map<string, number[]>();
  stored.forEach((item, i) => {
    const key = canonicalJson(filterValue(items, item, v), items);
    const same = byView.get(key);
    if (same) same.push(i);
    else byView.set(key, [i]);
  });
  return incoming.map((item) => {
    const match = byView.get(canonicalJson(item, items))?.shift();
    return cloneJson(match === undefined ? item : stored[match]);
  });
}

/** JSON text with object members in sorted order, so that equal values give equal text. */
function canonicalJson(value: unknown, node: SchemaNode | undefined): string {
  // References compare by uuid, whatever their form (a URL as read, the stored form, a `#name`).
  if (typeof value === 'string' && typeof node?.[REF] === 'string')
    return JSON.stringify(referenceUuid(value));
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, node?.items)).join(',')}]`;
  if (isRecord(value)) {
    const properties = node?.properties ?? {};
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    const member = (k: string) => (Object.hasOwn(properties, k) ? properties[k] : undefined);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k], member(k))}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

// The newest release any field of a model was introduced in, per root node.
const newestRelease = new WeakMap<object, ApiVersion | null>();

function newestIn(node: SchemaNode, seen: Set<SchemaNode>): ApiVersion | null {
  if (seen.has(node)) return null;
  seen.add(node);
  let newest: ApiVersion | null = null;
  const consider = (r: ApiVersion | null) => {
    if (r && (newest === null || compareVersions(r, newest) > 0)) newest = r;
  };
  for (const r of sinceVersions(sinceOf(node))) consider(r);
  for (const child of Object.values(node.properties ?? {})) consider(newestIn(child, seen));
  if (node.items) consider(newestIn(node.items, seen));
  return newest;
}

/**
 * Whether version `v` has every field of `schema` at every depth (then `filterForVersion` removes
 * nothing and `mergeHiddenFields` adds nothing, and callers may skip them).
 */
export function seesAllFields(schema: TSchema, v: ApiVersion): boolean {
  let newest = newestRelease.get(schema);
  if (newest === undefined) {
    newest = newestIn(asNode(schema), new Set());
    newestRelease.set(schema, newest);
  }
  return newest === null || compareVersions(v, newest) >= 0;
}
