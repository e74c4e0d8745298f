// The controller's own PATCH envelope: {"add": {...}, "replace": {...}, "delete": {...}}, one
// level deep (top-level fields only). The model says what kind each field is.
import type { TObject, TSchema } from '@sinclair/typebox';
import { errors } from '../../errors/catalogue.js';
import { addListEntries, deleteListEntries } from './list-keys.js';
import { clone, describe, fieldKind, itemsOf, propertyOf, type JsonObject } from './values.js';

/** The envelope's operations in the order they apply; `remove` is the Go SDK's name for `delete`. */
export const ENVELOPE_OPS = ['add', 'replace', 'delete', 'remove'] as const;
export type EnvelopeOp = (typeof ENVELOPE_OPS)[number];

/** Members a patch may carry that this engine ignores (`_last_modified` is checked elsewhere). */
export const IGNORED_FIELDS: readonly string[] = ['_last_modified', 'url'];

export function isEnvelopeOp(key: string): key is EnvelopeOp {
  return (ENVELOPE_OPS as readonly string[]).includes(key);
}

/**
 * Applies an envelope whose shape was already checked (only envelope keys, each an object) to
 * `result`, a private copy of `current` it may change in place.
 */
export function applyEnvelope(
  schema: TObject,
  current: JsonObject,
  result: JsonObject,
  body: JsonObject,
): void {
  for (const op of ENVELOPE_OPS) {
    if (!Object.hasOwn(body, op)) continue;
    const fields = body[op] as JsonObject;
    for (const name of Object.keys(fields)) applyField(schema, current, result, op, name, fields[name]);
  }
}

function applyField(
  schema: TObject,
  current: JsonObject,
  result: JsonObject,
  op: EnvelopeOp,
  name: string,
  value: unknown,
): void {
  if (name === 'uuid') {
    if (value === current.uuid) return;
    const own = typeof current.uuid === 'string' ? `'${current.uuid}'` : 'none';
    throw errors.patchFieldFailed(op, name, `the uuid of an object cannot be changed (its uuid is ${own})`);
  }
  if (IGNORED_FIELDS.includes(name)) return;
  const node = propertyOf(schema, name);
  if (node === undefined) throw errors.patchUnknownField(op, name);

  if (op === 'delete' || op === 'remove') {
    deleteField(result, op, name, node, value);
    return;
  }
  if (fieldKind(node) !== 'list') {
    result[name] = clone(value);
    return;
  }
  if (!Array.isArray(value)) {
    throw errors.patchFieldFailed(
      op,
      name,
      `the field is a list, so the value must be an array, got ${describe(value)}`,
    );
  }
  if (op === 'replace') {
    result[name] = clone(value);
    return;
  }
  const existing = Array.isArray(result[name]) ? (result[name] as unknown[]) : [];
  result[name] = addListEntries(itemsOf(node) as TSchema, existing, value);
}

function deleteField(result: JsonObject, op: EnvelopeOp, name: string, node: TSchema, value: unknown): void {
  if (fieldKind(node) === 'list') {
    if (!Array.isArray(value)) {
      throw errors.patchFieldFailed(
        op,
        name,
        `the field is a list, so the value must be an array of the entries to delete, got ${describe(value)}`,
      );
    }
    if (Array.isArray(result[name])) {
      result[name] = deleteListEntries(itemsOf(node) as TSchema, result[name] as unknown[], value);
    }
    return;
  }
  // Scalars and nested objects: back to the model's default, or gone; the given value is ignored.
  if (Object.hasOwn(node, 'default')) result[name] = clone(node.default as unknown);
  else delete result[name];
}
