// Small helpers the PATCH engine shares: JSON value tests, equality (plain and schema-aware,
// where references compare by the uuid they point at) and reading the schema model's nodes.
import type { TSchema } from '@sinclair/typebox';
import { REF } from '../schema/dsl.js';

export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a value's JSON type for error messages ("an array", "a string"...). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

/** A deep copy of a JSON value (frozen inputs give unfrozen copies). */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** How the envelope treats a top-level field. */
export type FieldKind = 'scalar' | 'object' | 'list';

export function fieldKind(node: TSchema): FieldKind {
  if (node.type === 'array') return 'list';
  if (node.type === 'object') return 'object';
  return 'scalar';
}

/** The schema node of member `name` of an object node, or undefined when the model has no such member. */
export function propertyOf(node: TSchema | undefined, name: string): TSchema | undefined {
  if (node === undefined || node.type !== 'object' || !isObject(node.properties)) return undefined;
  const properties = node.properties as Record<string, TSchema>;
  return Object.hasOwn(properties, name) ? properties[name] : undefined;
}

/** The item node of an array node. */
export function itemsOf(node: TSchema | undefined): TSchema | undefined {
  if (node === undefined || node.type !== 'array' || !isObject(node.items)) return undefined;
  return node.items as TSchema;
}

/** True when the node is a single reference string (not a list of references). */
export function isReference(node: TSchema | undefined): boolean {
  return node !== undefined && node.type === 'string' && typeof node[REF] === 'string';
}

/** The uuid part of a canonical reference: `/api/<type>/<uuid>` or `/api/<type>/<uuid>#<name>`. */
export function refUuid(reference: string): string {
  const hash = reference.indexOf('#');
  const path = hash < 0 ? reference : reference.slice(0, hash);
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

/** JSON equality: objects regardless of member order, arrays in order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return schemaEqual(undefined, a, b);
}

/**
 * JSON equality guided by the model: wherever the node (or a node below it) is a reference,
 * the two strings are equal when they name the same uuid. Without a node it is plain equality.
 */
export function schemaEqual(node: TSchema | undefined, a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && isReference(node)) return refUuid(a) === refUuid(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const items = itemsOf(node);
    return a.every((entry, i) => schemaEqual(items, entry, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && schemaEqual(propertyOf(node, k), a[k], b[k]));
  }
  return a === b;
}
