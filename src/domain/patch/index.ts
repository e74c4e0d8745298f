// The PATCH engine: pure, no I/O. `applyPatch` takes the stored object and a request body in
// either of the controller's two forms and returns the patched copy, or throws a 400 ApiError
// naming the operation and the field path. Validating and storing the result is the caller's job.
import type { TObject } from '@sinclair/typebox';
import { errors } from '../../errors/catalogue.js';
import { applyEnvelope, IGNORED_FIELDS, isEnvelopeOp } from './envelope.js';
import { applyJsonPatch } from './json-patch.js';
import { clone, describe, isObject, type JsonObject } from './values.js';

export { ENVELOPE_OPS, IGNORED_FIELDS, type EnvelopeOp } from './envelope.js';
export { FORBIDDEN_SEGMENTS, JSON_PATCH_OPS, parsePointer, schemaAt } from './json-patch.js';
export {
  addListEntries,
  deleteListEntries,
  hasListKey,
  LIST_KEYS,
  listMatchFor,
  matchesPartial,
  sameListKey,
  type ListMatch,
} from './list-keys.js';
export { refUuid, schemaEqual } from './values.js';

/** The two body forms: the envelope (its op keys) or RFC 6902 operations. */
export type PatchBody =
  { form: 'envelope'; body: JsonObject } | { form: 'json_patch'; ops: readonly unknown[] };

/** Checks the body's shape (before anything is applied) and tells which form it is. */
export function parsePatchBody(body: unknown): PatchBody {
  if (!isObject(body)) throw errors.invalidPatch(`the body must be a JSON object, got ${describe(body)}`);
  const keys = Object.keys(body);
  if (Object.hasOwn(body, 'json_patch')) {
    if (keys.length > 1) {
      throw errors.invalidPatch(`'json_patch' cannot be combined with other members (${keys.join(', ')})`);
    }
    if (!Array.isArray(body.json_patch)) {
      throw errors.invalidPatch(
        `'json_patch' must be an array of operations, got ${describe(body.json_patch)}`,
      );
    }
    return { form: 'json_patch', ops: body.json_patch };
  }
  for (const key of keys) {
    if (!isEnvelopeOp(key)) {
      throw errors.invalidPatch(
        `unknown member '${key}'; expected 'add', 'replace', 'delete' or 'remove', or 'json_patch'`,
      );
    }
    if (!isObject(body[key])) {
      throw errors.invalidPatch(`'${key}' must be an object of fields, got ${describe(body[key])}`);
    }
  }
  return { form: 'envelope', body };
}

/**
 * Applies a PATCH body to `current` and returns a new object; `current` is never changed, and a
 * failing patch changes nothing. Envelope operations apply in the order add, replace, delete
 * (`remove` with delete). A changed `uuid` is refused; `_last_modified` and `url` are ignored.
 */
export function applyPatch(
  schema: TObject,
  current: Record<string, unknown>,
  body: unknown,
): Record<string, unknown> {
  const parsed = parsePatchBody(body);
  if (parsed.form === 'envelope') {
    // The envelope only ever replaces top-level members (lists are rebuilt, not edited in place),
    // so a shallow copy is enough and untouched members are shared with `current`.
    const shallow = { ...current };
    applyEnvelope(schema, current, shallow, parsed.body);
    return shallow;
  }
  const result = clone(current);
  applyJsonPatch(schema, result, parsed.ops, (fail) => {
    if (result.uuid !== current.uuid) fail('the uuid of an object cannot be changed');
  });
  for (const name of IGNORED_FIELDS) {
    if (Object.hasOwn(current, name)) result[name] = clone(current[name]);
    else delete result[name];
  }
  return result;
}
