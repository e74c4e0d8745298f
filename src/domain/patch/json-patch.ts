// RFC 6902 JSON Patch inside {"json_patch": [...]}, with the controller's two habits: `add` of
// an array at the path of an existing list appends its entries, and `delete` means `remove`.
// Implemented here rather than taken from a library: no maintained one has these habits.
import type { TObject, TSchema } from '@sinclair/typebox';
import { errors } from '../../errors/catalogue.js';
import { clone, describe, isObject, itemsOf, propertyOf, schemaEqual, type JsonObject } from './values.js';

/** The operations accepted, with `delete` as another name for `remove`. */
export const JSON_PATCH_OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test', 'delete'] as const;
type JsonPatchOp = (typeof JSON_PATCH_OPS)[number];

/** Segments refused anywhere in a path, so no operation can reach an object's prototype. */
export const FORBIDDEN_SEGMENTS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

type Fail = (detail: string) => never;
type Container = JsonObject | unknown[];

/** Parses a JSON Pointer (RFC 6901) into unescaped segments; the whole document ("") is refused. */
export function parsePointer(pointer: string, fail: Fail, what = 'path'): string[] {
  if (pointer === '') fail(`the ${what} must name a field of the object, not the whole object`);
  if (!pointer.startsWith('/'))
    fail(`the ${what} '${pointer}' is not a JSON Pointer (it must start with '/')`);
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      if (/~(?![01])/.test(raw))
        fail(`the ${what} segment '${raw}' has an invalid escape ('~' must be followed by 0 or 1)`);
      const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (FORBIDDEN_SEGMENTS.includes(segment)) fail(`the ${what} segment '${segment}' is not allowed`);
      return segment;
    });
}

/** A list index as RFC 6901 spells it ("0" or no leading zero), or undefined. */
function parseIndex(segment: string): number | undefined {
  return /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : undefined;
}

const MISSING = Symbol('missing');

function child(container: unknown, segment: string): unknown {
  if (Array.isArray(container)) {
    const i = parseIndex(segment);
    return i !== undefined && i < container.length ? container[i] : MISSING;
  }
  if (isObject(container)) return Object.hasOwn(container, segment) ? container[segment] : MISSING;
  return MISSING;
}

function resolve(doc: JsonObject, segments: readonly string[]): unknown {
  let node: unknown = doc;
  for (const segment of segments) {
    node = child(node, segment);
    if (node === MISSING) return MISSING;
  }
  return node;
}

function parentOf(doc: JsonObject, segments: readonly string[], pointer: string, fail: Fail): Container {
  const parent = resolve(doc, segments.slice(0, -1));
  if (parent === MISSING) fail(`the parent of '${pointer}' does not exist`);
  if (!Array.isArray(parent) && !isObject(parent)) fail(`the parent of '${pointer}' is ${describe(parent)}`);
  return parent as Container;
}

/** The list index an operation names; `forInsert` allows the end of the list (index = length). */
function indexIn(list: unknown[], segment: string, pointer: string, forInsert: boolean, fail: Fail): number {
  const i = parseIndex(segment);
  if (i === undefined) fail(`'${segment}' in '${pointer}' is not a list index`);
  const limit = forInsert ? list.length : list.length - 1;
  if (i > limit) fail(`index ${i} in '${pointer}' is out of range (the list has ${list.length} entries)`);
  return i;
}

function add(
  doc: JsonObject,
  segments: string[],
  pointer: string,
  value: unknown,
  habit: boolean,
  fail: Fail,
) {
  const parent = parentOf(doc, segments, pointer, fail);
  const last = segments[segments.length - 1] as string;
  if (Array.isArray(parent)) {
    if (last === '-') parent.push(value);
    else parent.splice(indexIn(parent, last, pointer, true, fail), 0, value);
    return;
  }
  const existing = Object.hasOwn(parent, last) ? parent[last] : undefined;
  if (habit && Array.isArray(existing) && Array.isArray(value)) existing.push(...value);
  else parent[last] = value;
}

function remove(doc: JsonObject, segments: string[], pointer: string, fail: Fail): unknown {
  const parent = parentOf(doc, segments, pointer, fail);
  const last = segments[segments.length - 1] as string;
  if (Array.isArray(parent)) return parent.splice(indexIn(parent, last, pointer, false, fail), 1)[0];
  if (!Object.hasOwn(parent, last)) fail(`'${pointer}' does not exist`);
  const value = parent[last];
  delete parent[last];
  return value;
}

function replace(doc: JsonObject, segments: string[], pointer: string, value: unknown, fail: Fail): void {
  const parent = parentOf(doc, segments, pointer, fail);
  const last = segments[segments.length - 1] as string;
  if (Array.isArray(parent)) parent[indexIn(parent, last, pointer, false, fail)] = value;
  else if (Object.hasOwn(parent, last)) parent[last] = value;
  else fail(`'${pointer}' does not exist`);
}

/** The schema node a path leads to, or undefined where the model does not describe it. */
export function schemaAt(schema: TSchema, segments: readonly string[]): TSchema | undefined {
  let node: TSchema | undefined = schema;
  for (const segment of segments) node = node?.type === 'array' ? itemsOf(node) : propertyOf(node, segment);
  return node;
}

function readOp(raw: unknown, index: number) {
  const rec = isObject(raw) ? raw : undefined;
  const opName = typeof rec?.op === 'string' ? rec.op : String(rec?.op ?? '?');
  const path = typeof rec?.path === 'string' ? rec.path : String(rec?.path ?? '?');
  const fail: Fail = (detail) => {
    throw errors.jsonPatchFailed(index, opName, path, detail);
  };
  if (rec === undefined) fail(`an operation must be an object, got ${describe(raw)}`);
  const r = rec as JsonObject;
  if (!Object.hasOwn(r, 'op')) fail(`the operation has no 'op'`);
  if (typeof r.op !== 'string' || !(JSON_PATCH_OPS as readonly string[]).includes(r.op)) {
    fail(`unknown op; expected one of ${JSON_PATCH_OPS.join(', ')}`);
  }
  if (typeof r.path !== 'string')
    fail(Object.hasOwn(r, 'path') ? `'path' must be a string` : `the operation has no 'path'`);
  const op = r.op as JsonPatchOp;
  if ((op === 'add' || op === 'replace' || op === 'test') && !Object.hasOwn(r, 'value')) {
    fail(`'${op}' needs a 'value'`);
  }
  if ((op === 'move' || op === 'copy') && typeof r.from !== 'string') {
    fail(Object.hasOwn(r, 'from') ? `'from' must be a string` : `'${op}' needs a 'from'`);
  }
  return { op, path: r.path as string, from: r.from as string | undefined, value: r.value, fail };
}

/** Whether `prefix` is a proper prefix of `segments`. */
function isProperPrefix(prefix: readonly string[], segments: readonly string[]): boolean {
  return prefix.length < segments.length && prefix.every((s, i) => segments[i] === s);
}

/** Applies every operation, in order, to `doc` (a private copy it changes in place). */
export function applyJsonPatch(
  schema: TObject,
  doc: JsonObject,
  ops: readonly unknown[],
  onStep: (fail: Fail) => void,
) {
  ops.forEach((raw, index) => {
    const { op, path, from, value, fail } = readOp(raw, index);
    const segments = parsePointer(path, fail);
    const writes = op === 'add' || op === 'replace' || op === 'move' || op === 'copy';
    if (writes && propertyOf(schema, segments[0] as string) === undefined) {
      fail(`unknown field '${segments[0]}' is not part of the schema`);
    }
    switch (op) {
      case 'add':
        add(doc, segments, path, clone(value), true, fail);
        break;
      case 'remove':
      case 'delete':
        remove(doc, segments, path, fail);
        break;
      case 'replace':
        replace(doc, segments, path, clone(value), fail);
        break;
      case 'move':
      case 'copy': {
        const source = parsePointer(from as string, fail, 'from');
        const found = resolve(doc, source);
        if (found === MISSING) fail(`'from' '${from}' does not exist`);
        if (op === 'copy') {
          add(doc, segments, path, clone(found), false, fail);
        } else if (from !== path) {
          if (isProperPrefix(source, segments)) fail(`cannot move '${from}' into one of its own children`);
          add(doc, segments, path, remove(doc, source, from as string, fail), false, fail);
        }
        break;
      }
      case 'test': {
        const found = resolve(doc, segments);
        if (found === MISSING) fail(`'${path}' does not exist`);
        if (!schemaEqual(schemaAt(schema, segments), found, value)) fail('test failed: the value differs');
        break;
      }
    }
    onStep(fail);
  });
}
