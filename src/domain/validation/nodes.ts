// Small helpers shared by the walkers over the schema model (validation, references, defaults):
// a loose view of a TypeBox node, safe object building, JSON copying and field paths.
import type { TSchema } from '@sinclair/typebox';

/** The parts of a schema node the walkers read (TypeBox nodes are plain JSON Schema objects). */
export interface SchemaNode {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly items?: SchemaNode;
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: unknown;
  readonly readOnly?: boolean;
  readonly [annotation: string]: unknown;
}

export const asNode = (schema: TSchema): SchemaNode => schema as unknown as SchemaNode;

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets an own, enumerable data property. Plain assignment of `__proto__` would replace the
 * object's prototype instead, so that one key is defined explicitly; every other key is assigned.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** A deep copy of a JSON value (objects and arrays copied, everything else returned as is). */
export function cloneJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(out, key, cloneJson((value as Record<string, unknown>)[key]));
  return out;
}

/** Structural equality of two JSON values. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  return (
    keys.length === Object.keys(rb).length &&
    keys.every((k) => Object.hasOwn(rb, k) && sameJson(ra[k], rb[k]))
  );
}

/** `parent.key`, or `key` at the top level. */
export const memberPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

/** `parent[index]`. */
export const itemPath = (parent: string, index: number): string => `${parent}[${index}]`;

const subtreeMemo = new Map<string, WeakMap<SchemaNode, boolean>>();

/**
 * Whether `test` holds for `node` or any node below it; memoised per node and test name. Walkers
 * use it to share subtrees they would not change (documents are never mutated in place).
 */
export function subtreeHas(node: SchemaNode, testName: string, test: (n: SchemaNode) => boolean): boolean {
  let memo = subtreeMemo.get(testName);
  if (!memo) subtreeMemo.set(testName, (memo = new WeakMap()));
  const known = memo.get(node);
  if (known !== undefined) return known;
  let found = test(node);
  if (!found && node.items) found = subtreeHas(node.items, testName, test);
  if (!found && node.properties) {
    found = Object.values(node.properties).some((child) => subtreeHas(child, testName, test));
  }
  memo.set(node, found);
  return found;
}
