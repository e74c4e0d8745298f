// Validates a request body against the schema model: types, coercions the controller accepts
// ("true", "42"), enums, integer widths and ranges, required and unknown members, read-only
// members. Every rule is read from the model; errors name the offending field by its path
// (`upgrade_events[0].sub_events[1].ip.addr`).
//
// The model is compiled once per object node into closures (cached in a WeakMap), so validating
// a body is a single walk with no schema interpretation and no serialisation on the happy path.
import type { TObject } from '@sinclair/typebox';
import { errors, invalidField } from '../../errors/catalogue.js';
import { TYPE_NAME } from '../schema/dsl.js';
import { describeValue, kindOf } from './describe.js';
import { asNode, isRecord, itemPath, memberPath, setOwn, type SchemaNode } from './nodes.js';

/** The read-only member whose value a request may carry for the stale-object check. */
export const LAST_MODIFIED = '_last_modified';

/** Enums with more allowed values than this are described by name rather than listed. */
export const MAX_LISTED_ENUM_VALUES = 10;

/** Longest unknown member name quoted in an error path. */
const MAX_KEY_IN_PATH = 60;

export interface ValidatedBody {
  /** The body, coerced, with `null` members and read-only members left out. */
  value: Record<string, unknown>;
  /** The body's `_last_modified`, as a string, when it carried one. */
  lastModified?: string;
}

/**
 * Validates a request body against an object type of the model. Throws the `ApiError` for the
 * first problem found; returns a fresh object (the input is never modified or aliased).
 */
export interface ValidateOptions {
  /**
   * Objects known to be valid already (entries of the stored document that a PATCH carried
   * over unchanged): they are returned as they are, without walking them again.
   */
  trusted?: ReadonlySet<unknown>;
}

/** The trusted objects of the validation under way (validation is synchronous). */
let trusted: ReadonlySet<unknown> | undefined;

export function validateBody(schema: TObject, input: unknown, options: ValidateOptions = {}): ValidatedBody {
  trusted = options.trusted;
  try {
    return validateNow(schema, input);
  } finally {
    trusted = undefined;
  }
}

function validateNow(schema: TObject, input: unknown): ValidatedBody {
  if (!isRecord(input)) throw errors.bodyNotObject(kindOf(input));
  const plan = objectPlan(asNode(schema));
  let lastModified: string | undefined;
  if (Object.hasOwn(input, LAST_MODIFIED) && Object.hasOwn(plan.properties, LAST_MODIFIED)) {
    const raw = input[LAST_MODIFIED];
    if (typeof raw === 'string') lastModified = raw;
    else if (typeof raw === 'number' && Number.isFinite(raw)) lastModified = String(raw);
    else if (raw !== null && raw !== undefined) {
      throw invalidField(LAST_MODIFIED, 'a string', describeValue(raw));
    }
  }
  const value = checkObject(plan, input, '');
  return lastModified === undefined ? { value } : { value, lastModified };
}

// ---------------------------------------------------------------------------------------------
// Compilation

/**
 * Validates one value. Its path is passed as parent path + member name or index and only joined
 * when needed (an error, or a nested object or list), so leaves cost no string building.
 */
type Check = (value: unknown, parent: string, key: string | number) => unknown;

const pathOf = (parent: string, key: string | number): string =>
  typeof key === 'number' ? itemPath(parent, key) : memberPath(parent, key);

interface Member {
  readonly readOnly: boolean;
  readonly check: Check;
}

interface ObjectPlan {
  readonly properties: Readonly<Record<string, SchemaNode>>;
  readonly members: Map<string, Member>;
  readonly required: readonly string[];
}

const plans = new WeakMap<SchemaNode, ObjectPlan>();

function objectPlan(node: SchemaNode): ObjectPlan {
  const cached = plans.get(node);
  if (cached) return cached;
  const properties = node.properties ?? {};
  const isReadOnly = (key: string) => properties[key]?.readOnly === true;
  const members = new Map<string, Member>();
  // Read-only members are never kept, so they are never "missing" either.
  const plan: ObjectPlan = {
    properties,
    members,
    required: (node.required ?? []).filter((k) => !isReadOnly(k)),
  };
  // Registered before the members are compiled, so a type that contains itself terminates.
  plans.set(node, plan);
  const owner = String(node[TYPE_NAME] ?? node.title ?? 'object');
  for (const key of Object.keys(properties)) {
    members.set(key, {
      readOnly: isReadOnly(key),
      check: compile(properties[key] as SchemaNode, owner, key),
    });
  }
  return plan;
}

/** `owner` and `field` name the object type and member a node belongs to, for enum messages. */
function compile(node: SchemaNode, owner: string, field: string): Check {
  switch (node.type) {
    case 'object': {
      const plan = objectPlan(node);
      return (value, parent, key) => checkObject(plan, value, pathOf(parent, key));
    }
    case 'array':
      return arrayCheck(compile(node.items ?? {}, owner, field));
    case 'string':
      return node.enum ? enumCheck(node.enum, owner, field) : checkString;
    case 'boolean':
      return checkBoolean;
    case 'integer':
      return integerCheck(node);
    default:
      throw new Error(`Schema node of ${owner}.${field} has unsupported type '${String(node.type)}'.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Checks

function checkObject(plan: ObjectPlan, value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw invalidField(path, 'an object', describeValue(value));
  if (trusted?.has(value)) return value;
  // Copy-on-write, allocating only at the first change: when nothing is coerced or dropped, the
  // input itself is the result (this keeps garbage low on the write path of large records).
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    // Own properties only: `__proto__`, `constructor`, `toString` … are unknown members.
    if (!Object.hasOwn(plan.properties, key)) throw errors.unknownField(memberPath(path, shortKey(key)));
    const member = plan.members.get(key) as Member;
    const raw = value[key];
    if (member.readOnly || raw === null || raw === undefined) {
      // read-only members are never kept; null means "not set"
      out ??= copyKeys(value, keys, i);
      continue;
    }
    const checked = member.check(raw, path, key);
    if (out) setOwn(out, key, checked);
    else if (!Object.is(checked, raw)) setOwn((out = copyKeys(value, keys, i)), key, checked);
  }
  const result = out ?? value;
  for (const key of plan.required) {
    if (!Object.hasOwn(result, key)) throw errors.missingRequired(memberPath(path, key));
  }
  return result;
}

/** A new object holding the first `count` members of `value` (already checked and unchanged). */
function copyKeys(value: Record<string, unknown>, keys: string[], count: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) setOwn(out, keys[i] as string, value[keys[i] as string]);
  return out;
}

function arrayCheck(item: Check): Check {
  return (value, parent, key) => {
    const path = pathOf(parent, key);
    if (!Array.isArray(value)) throw invalidField(path, 'an array', describeValue(value));
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const checked = item(value[i], path, i);
      if (!Object.is(checked, value[i]) && !out) out = value.slice(0, i);
      if (out) out.push(checked);
    }
    return out ?? value;
  };
}

function checkString(value: unknown, parent: string, key: string | number): string {
  if (typeof value !== 'string') throw invalidField(pathOf(parent, key), 'a string', describeValue(value));
  return value;
}

function enumCheck(allowed: readonly unknown[], owner: string, field: string): Check {
  const values = new Set(allowed);
  const expected =
    allowed.length <= MAX_LISTED_ENUM_VALUES
      ? `one of ${allowed.map(String).join(', ')}`
      : `a valid ${owner}.${field} value`;
  return (value, parent, key) => {
    if (typeof value !== 'string' || !values.has(value)) {
      throw invalidField(pathOf(parent, key), expected, describeValue(value));
    }
    return value;
  };
}

function checkBoolean(value: unknown, parent: string, key: string | number): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && (value.length === 4 || value.length === 5)) {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw invalidField(pathOf(parent, key), 'a boolean', describeValue(value));
}

const DIGITS = /^-?[0-9]+$/;

function integerCheck(node: SchemaNode): Check {
  const min = node.minimum ?? -Number.MAX_SAFE_INTEGER;
  const max = node.maximum ?? Number.MAX_SAFE_INTEGER;
  const expected = `an integer from ${min} to ${max}`;
  const int64 = node.format === 'int64';
  return (value, parent, key) => {
    let n: number;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string' && DIGITS.test(value)) n = Number(value);
    else throw invalidField(pathOf(parent, key), expected, describeValue(value));
    // Fractions and NaN are not integers; ±Infinity is a literal too large for a double.
    if (Number.isFinite(n) ? !Number.isInteger(n) : Number.isNaN(n)) {
      throw invalidField(pathOf(parent, key), expected, describeValue(value));
    }
    if (int64 && !Number.isSafeInteger(n)) {
      // JSON numbers are doubles: beyond ±(2^53-1) the value was (or would be) rounded.
      const got =
        typeof value === 'string'
          ? `${describeValue(value)}, which cannot be represented exactly`
          : 'a number that cannot be represented exactly';
      throw invalidField(pathOf(parent, key), expected, got);
    }
    if (n < min || n > max) throw invalidField(pathOf(parent, key), expected, describeValue(value));
    return n === 0 ? 0 : n; // no -0
  };
}

function shortKey(key: string): string {
  return key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH - 1)}…` : key;
}
