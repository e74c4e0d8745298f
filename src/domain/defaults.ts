// The defaults the controller fills in, read from the model's `default` annotations: filled into
// every present object (the top level, present nested objects, each object of a present list),
// and left out again for `skip_default`.
import type { TObject } from '@sinclair/typebox';
import {
  asNode,
  cloneJson,
  isRecord,
  sameJson,
  setOwn,
  subtreeHas,
  type SchemaNode,
} from './validation/nodes.js';

/**
 * A copy of `value` with every absent member that has a default filled in, at every object that
 * is present. Absent nested objects stay absent (their defaults are not invented).
 */
export function applyDefaults(
  schema: TObject,
  value: Record<string, unknown>,
  trustedObjects?: ReadonlySet<unknown>,
): Record<string, unknown> {
  trusted = trustedObjects;
  try {
    return fillObject(asNode(schema), value);
  } finally {
    trusted = undefined;
  }
}

/** Objects that hold their defaults already (see ValidateOptions.trusted); synchronous use only. */
let trusted: ReadonlySet<unknown> | undefined;

/** A copy of `value` leaving out every member equal to its default, at any depth (`skip_default`). */
export function withoutDefaults(schema: TObject, value: Record<string, unknown>): Record<string, unknown> {
  return stripObject(asNode(schema), value);
}

function fillObject(node: SchemaNode, value: Record<string, unknown>): Record<string, unknown> {
  const properties = node.properties ?? {};
  // Copy-on-write, allocating only at the first change: an object that already holds every
  // default is returned as it is (the common case on the write path of large records).
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const child = Object.hasOwn(properties, key) ? properties[key] : undefined;
    // Subtrees without defaults are shared, not copied: documents are never changed in place.
    if (!child || !holdsDefault(child)) continue;
    const filled = fillValue(child, value[key]);
    if (filled !== value[key]) setOwn((out ??= copyOwn(value)), key, filled);
  }
  for (const key of defaultedKeys(node)) {
    const current = (out ?? value)[key];
    if (current === undefined || current === null) {
      setOwn((out ??= copyOwn(value)), key, cloneJson((properties[key] as SchemaNode).default));
    }
  }
  return out ?? value;
}

function copyOwn(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(out, key, value[key]);
  return out;
}

const defaultedMemo = new WeakMap<SchemaNode, string[]>();

/** The members of an object node that have a default. */
function defaultedKeys(node: SchemaNode): string[] {
  let keys = defaultedMemo.get(node);
  if (!keys) {
    const properties = node.properties ?? {};
    keys = Object.keys(properties).filter((k) => (properties[k] as SchemaNode).default !== undefined);
    defaultedMemo.set(node, keys);
  }
  return keys;
}

function fillValue(node: SchemaNode, value: unknown): unknown {
  if (trusted?.has(value)) return value;
  if (node.type === 'object' && isRecord(value)) return fillObject(node, value);
  if (node.type === 'array' && Array.isArray(value) && node.items) {
    const items = node.items;
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const filled = fillValue(items, item);
      if (filled !== item && !out) out = value.slice(0, i);
      if (out) out.push(filled);
    });
    return out ?? value;
  }
  return value;
}

const holdsDefault = (node: SchemaNode): boolean =>
  subtreeHas(node, 'default', (n) => n.default !== undefined);

function stripObject(node: SchemaNode, value: Record<string, unknown>): Record<string, unknown> {
  const properties = node.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = Object.hasOwn(properties, key) ? properties[key] : undefined;
    const member = value[key];
    if (child?.default !== undefined && sameJson(member, child.default)) continue;
    setOwn(out, key, child && holdsDefault(child) ? stripValue(child, member) : member);
  }
  return out;
}

function stripValue(node: SchemaNode, value: unknown): unknown {
  if (node.type === 'object' && isRecord(value)) return stripObject(node, value);
  if (node.type === 'array' && Array.isArray(value) && node.items) {
    const items = node.items;
    return value.map((item) => stripValue(items, item));
  }
  return value;
}
