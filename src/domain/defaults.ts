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
export function applyDefaults(schema: TObject, value: Record<string, unknown>): Record<string, unknown> {
  return fillObject(asNode(schema), value);
}

/** A copy of `value` leaving out every member equal to its default, at any depth (`skip_default`). */
export function withoutDefaults(schema: TObject, value: Record<string, unknown>): Record<string, unknown> {
  return stripObject(asNode(schema), value);
}

function fillObject(node: SchemaNode, value: Record<string, unknown>): Record<string, unknown> {
  const properties = node.properties ?? {};
  const out: Record<string, unknown> = {};
  // Copy-on-write: an object that already holds every default is returned as it is.
  let changed = false;
  for (const key of Object.keys(value)) {
    const child = Object.hasOwn(properties, key) ? properties[key] : undefined;
    // Subtrees without defaults are shared, not copied: documents are never changed in place.
    const filled = child && holdsDefault(child) ? fillValue(child, value[key]) : value[key];
    if (filled !== value[key]) changed = true;
    setOwn(out, key, filled);
  }
  for (const key of Object.keys(properties)) {
    const child = properties[key] as SchemaNode;
    if (child.default !== undefined && (out[key] === undefined || out[key] === null)) {
      setOwn(out, key, cloneJson(child.default));
      changed = true;
    }
  }
  return changed ? out : value;
}

function fillValue(node: SchemaNode, value: unknown): unknown {
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
