// How PATCH recognises list entries: the key `add` merges on, and the partial match `delete`
// removes by. The key table is the single place that says which fields identify an entry.
import type { TSchema } from '@sinclair/typebox';
import { TYPE_NAME } from '../schema/dsl.js';
import { isObject, isReference, propertyOf, refUuid, schemaEqual } from './values.js';

/**
 * The fields that identify an entry of a list of objects, keyed by the item's `x-avi-type`.
 * `add` merges a given entry into the existing entry with equal values of these fields.
 * Lists whose items are not in this table match as follows:
 * - lists of references: by the referenced uuid (`#name` suffixes are ignored);
 * - lists of scalars: by value (adding a value already present does nothing);
 * - any other list of objects: by the whole entry (deep equality).
 */
export const LIST_KEYS = {
  EventMap: ['task_name'],
  OpsHistory: ['ops', 'start_time'],
  PatchData: ['patch_version'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** How entries of one list are matched. */
export type ListMatch =
  | { readonly kind: 'reference' }
  | { readonly kind: 'scalar' }
  | { readonly kind: 'keyed'; readonly type: string; readonly fields: readonly string[] }
  | { readonly kind: 'whole' };

/** The matching rule for a list whose items are described by `item`. */
export function listMatchFor(item: TSchema): ListMatch {
  if (isReference(item)) return { kind: 'reference' };
  if (item.type !== 'object') return { kind: 'scalar' };
  const type: unknown = item[TYPE_NAME];
  if (typeof type === 'string' && Object.hasOwn(LIST_KEYS, type)) {
    return { kind: 'keyed', type, fields: LIST_KEYS[type as keyof typeof LIST_KEYS] };
  }
  return { kind: 'whole' };
}

function present(entry: Record<string, unknown>, field: string): boolean {
  return Object.hasOwn(entry, field) && entry[field] !== null && entry[field] !== undefined;
}

/** Whether a given entry carries what its list is keyed by (an entry without it is simply appended). */
export function hasListKey(item: TSchema, entry: unknown): boolean {
  const match = listMatchFor(item);
  switch (match.kind) {
    case 'reference':
      return typeof entry === 'string';
    case 'keyed':
      return isObject(entry) && match.fields.every((f) => present(entry, f));
    default:
      return entry !== null && entry !== undefined;
  }
}

/**
 * A test for the existing entries that have the same key as `given` (used by `add`), or
 * undefined when `given` carries no key. Built once per given entry: `add` runs it on every
 * entry of lists that may hold hundreds.
 */
export function sameKeyAs(item: TSchema, given: unknown): ((existing: unknown) => boolean) | undefined {
  if (!hasListKey(item, given)) return undefined;
  const match = listMatchFor(item);
  switch (match.kind) {
    case 'reference': {
      const uuid = refUuid(given as string);
      return (existing) => typeof existing === 'string' && refUuid(existing) === uuid;
    }
    case 'keyed': {
      const entry = given as Record<string, unknown>;
      const keys = match.fields.map((f) => ({ f, node: propertyOf(item, f), value: entry[f] }));
      // Keys of one plain scalar (task_name, patch_version): compared by value.
      const only = keys.length === 1 ? keys[0] : undefined;
      if (
        only &&
        (typeof only.value === 'string' || typeof only.value === 'number') &&
        !isReference(only.node)
      ) {
        const { f, value } = only;
        return (existing) => isObject(existing) && existing[f] === value && Object.hasOwn(existing, f);
      }
      return (existing) =>
        isObject(existing) &&
        keys.every(
          ({ f, node, value }) => Object.hasOwn(existing, f) && schemaEqual(node, existing[f], value),
        );
    }
    default:
      return (existing) => schemaEqual(item, existing, given);
  }
}

/** Whether `existing` and `given` are the same entry by the list's key (used by `add`). */
export function sameListKey(item: TSchema, existing: unknown, given: unknown): boolean {
  return sameKeyAs(item, given)?.(existing) ?? false;
}

/**
 * Whether a (possibly partial) given entry names `existing` (used by `delete`): every member the
 * given object names must be equal in the existing one; scalars match by value and references
 * by uuid. An empty given object names nothing and so matches nothing.
 */
export function matchesPartial(item: TSchema, existing: unknown, given: unknown): boolean {
  if (isReference(item)) {
    return typeof existing === 'string' && typeof given === 'string' && refUuid(existing) === refUuid(given);
  }
  if (item.type === 'object' && isObject(given)) {
    const fields = Object.keys(given);
    if (fields.length === 0 || !isObject(existing)) return false;
    return fields.every(
      (f) => Object.hasOwn(existing, f) && schemaEqual(propertyOf(item, f), existing[f], given[f]),
    );
  }
  return schemaEqual(item, existing, given);
}

/**
 * `add` on a list: each given entry is merged into the first existing entry with the same key
 * (shallow: the given members overwrite, the entry keeps its position); references and scalars
 * already present stay as they are; anything else is appended. Returns a new list.
 */
export function addListEntries(
  item: TSchema,
  existing: readonly unknown[],
  given: readonly unknown[],
): unknown[] {
  const out = [...existing];
  for (const entry of given) {
    const sameKey = sameKeyAs(item, entry);
    const at = sameKey ? out.findIndex(sameKey) : -1;
    if (at < 0) {
      out.push(structuredClone(entry));
      continue;
    }
    const current = out[at];
    if (isObject(current) && isObject(entry)) out[at] = { ...current, ...structuredClone(entry) };
  }
  return out;
}

/** `delete` on a list: drops every existing entry some given entry matches. Returns a new list. */
export function deleteListEntries(
  item: TSchema,
  existing: readonly unknown[],
  given: readonly unknown[],
): unknown[] {
  return existing.filter((e) => !given.some((g) => matchesPartial(item, e, g)));
}
