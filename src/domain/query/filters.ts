// The filter part of a list query, parsed into storage filters. Field names come from walking the
// model (fields.ts); nothing here lists fields by hand except the cloud aliases the Go SDK sends.
//
//   <field>=v                 equality on any scalar field at any depth, by dotted path
//                             (`node_type=NODE_SE_GROUP`, `state.state=...`, `progress=100`,
//                             `system=true`); through a list: any item (`upgrade_events.task_name=x`,
//                             `seg_status.notes=x`). The value must fit the field's type, enum, range.
//   <ref>=v                   a reference field: v is a uuid or any reference form the API accepts
//   <field>.in=a,b            membership (references: uuids)
//   <field>.contains=s        substring, case-sensitive (text and reference fields)
//   <field>.icontains=s       substring, ASCII case-insensitive
//   <ref>.uuid=u, <ref>.name=n, <ref>.uuid.in=u1,u2, <ref>.name.in=n1,n2
//                             on any reference field or list of references, at any depth
//   cloud_ref.uuid=u, cloud_ref.name=n, cloud=<uuid or name>
//                             the Go SDK's cloud filters; they apply to `obj_cloud_ref`
//   search=(f,v)|(f,v)        substring (case-sensitive) of any text at or below field f; f is a
//                             dotted path, or a bare member name meaning every field so named at any
//                             depth; `(f,)` means "f is present"; several tuples: any of them;
//                             `search=text` without parentheses: the text anywhere in the object
//   isearch=...               the same, ASCII case-insensitive
//   refers_to=<type>:<uuid>[,...]   objects with a reference of that type to that uuid, in any
//                             reference field at any depth; <uuid> `any` / `none`: at least one / no
//                             reference of that type; <type> `any`: of any type; several: any of them
//   referred_by=<type>:<uuid>[,...] nothing this server holds refers to an UpgradeStatusInfo, so
//                             this matches no object, except with `none` as uuid (referred by no such
//                             object), which matches every object
//   exclude=p1,p2             negates the filters of the named parameters (`exclude=uuid.in`)
//
// Parameters that name no known field or filter are ignored. A known one with a malformed value,
// or an operator its field does not support, is a 400 naming the parameter.
//
// A query on a projection of the model (UpgradeStatusSummary) knows only the projection's members:
// others are unknown parameters, and `search=text` looks in those members only.
import type { TObject } from '@sinclair/typebox';
import { errors } from '../../errors/catalogue.js';
import { UpgradeStatusInfo } from '../schema/index.js';
import { parseReference, UUID_PATTERN } from '../references.js';
import type { SchemaNode } from '../validation/nodes.js';
import type { Filter, Scalar } from '../../storage/types.js';
import { fieldCatalogue, type FieldCatalogue, type QueryField } from './fields.js';
import { single, type QueryParams } from './params.js';

/** Most values a `.in` list may hold. */
export const MAX_LIST_VALUES = 1000;
/** Most `(field,value)` tuples in one `search`. */
export const MAX_SEARCH_TERMS = 20;
/** Most `<type>:<uuid>` targets in one `refers_to` / `referred_by`. */
export const MAX_REF_TARGETS = 20;
/** Enums with more values than this are described rather than listed in errors. */
const MAX_LISTED_ENUM_VALUES = 10;

/** Parameters with a meaning of their own: never read as field names. */
export const RESERVED_PARAMS: ReadonlySet<string> = new Set([
  'page',
  'page_size',
  'sort',
  'fields',
  'include_name',
  'skip_default',
  'search',
  'isearch',
  'refers_to',
  'referred_by',
  'exclude',
  'cloud',
  'cloud_ref.uuid',
  'cloud_ref.name',
]);

/** The field the cloud aliases filter on. */
const CLOUD_FIELD = 'obj_cloud_ref';

const MATCH_NOTHING: Filter = { op: 'or', filters: [] };
const MATCH_EVERYTHING: Filter = { op: 'not', filter: MATCH_NOTHING };

const anyOf = (filters: Filter[]): Filter =>
  filters.length === 1 ? (filters[0] as Filter) : { op: 'or', filters };

const isUuid = (s: string): boolean => UUID_PATTERN.test(s) && !s.includes('..');

/**
 * The filters of a list query, one per filtering parameter, in the order of the parameters
 * (all must hold). Throws `errors.invalidQuery` for a known parameter with a malformed value.
 */
export function parseFilters(params: QueryParams, schema: TObject = UpgradeStatusInfo): Filter[] {
  const cat = fieldCatalogue(schema);
  const whole = schema === UpgradeStatusInfo;
  const byParam = new Map<string, Filter>();
  for (const key of Object.keys(params)) {
    const value = single(params, key);
    if (value === undefined) continue;
    const filter = filterFor(cat, key, value, whole);
    if (filter) byParam.set(key, filter);
  }
  const exclude = single(params, 'exclude');
  if (exclude !== undefined) {
    for (const name of new Set(exclude.split(',').map((n) => n.trim()))) {
      const filter = byParam.get(name);
      if (filter) byParam.set(name, { op: 'not', filter });
    }
  }
  return [...byParam.values()];
}

function filterFor(cat: FieldCatalogue, key: string, value: string, whole: boolean): Filter | undefined {
  switch (key) {
    case 'search':
    case 'isearch':
      return parseSearch(cat, key, value, key === 'isearch', whole);
    case 'refers_to':
      return parseRefersTo(cat, value);
    case 'referred_by':
      return parseReferredBy(value);
    case 'cloud_ref.uuid':
      return refUuidFilter(key, cloudField(cat), [value]);
    case 'cloud_ref.name':
      return refNameFilter(cloudField(cat), [value]);
    case 'cloud': {
      const field = cloudField(cat);
      const byName = refNameFilter(field, [value]);
      return isUuid(value) ? anyOf([refUuidFilter(key, field, [value]), byName]) : byName;
    }
  }
  if (RESERVED_PARAMS.has(key)) return undefined;
  return fieldFilter(cat, key, value);
}

function cloudField(cat: FieldCatalogue): QueryField {
  const field = cat.byName.get(CLOUD_FIELD);
  if (!field || field.kind !== 'ref') throw new Error(`the model has no reference field ${CLOUD_FIELD}`);
  return field;
}

// ---------------------------------------------------------------------------------------------
// <field>[.<operator>]

const OPERATORS = new Set(['in', 'contains', 'icontains', 'uuid', 'name']);

function fieldFilter(cat: FieldCatalogue, key: string, value: string): Filter | undefined {
  const direct = cat.byName.get(key);
  if (direct) return equality(key, direct, value);
  const dot = key.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const op = key.slice(dot + 1);
  if (!OPERATORS.has(op)) return undefined;
  const base = key.slice(0, dot);
  const field = cat.byName.get(base);
  if (field) {
    switch (op) {
      case 'in':
        return membership(key, field, value);
      case 'contains':
      case 'icontains':
        if (field.kind !== 'string' && field.kind !== 'ref') {
          throw errors.invalidQuery(key, `a text field (${op} applies to text and reference fields)`);
        }
        return { op: 'contains', path: field.valuePath, value, caseInsensitive: op === 'icontains' };
      default: // uuid, name
        if (field.kind !== 'ref') throw errors.invalidQuery(key, `a reference field before .${op}`);
        return op === 'uuid' ? refUuidFilter(key, field, [value]) : refNameFilter(field, [value]);
    }
  }
  // <ref>.uuid.in / <ref>.name.in
  const dot2 = base.lastIndexOf('.');
  if (op !== 'in' || dot2 <= 0) return undefined;
  const sub = base.slice(dot2 + 1);
  const ref = cat.byName.get(base.slice(0, dot2));
  if (!ref || (sub !== 'uuid' && sub !== 'name')) return undefined;
  if (ref.kind !== 'ref') throw errors.invalidQuery(key, `a reference field before .${sub}.in`);
  const values = listValues(key, value);
  return sub === 'uuid' ? refUuidFilter(key, ref, values) : refNameFilter(ref, values);
}

/** `<field>=value`. */
function equality(key: string, field: QueryField, value: string): Filter {
  switch (field.kind) {
    case 'object':
      throw errors.invalidQuery(
        key,
        `a field holding a single value (${field.name} holds ${field.list ? 'a list of objects' : 'an object'}; ` +
          `filter on one of its members)`,
      );
    case 'ref':
      return referenceEquality(key, field, value);
    default:
      return { op: 'eq', path: field.valuePath, value: typedValue(key, field, value) };
  }
}

/** `<field>.in=a,b`. */
function membership(key: string, field: QueryField, value: string): Filter {
  const values = listValues(key, value);
  switch (field.kind) {
    case 'object':
      throw errors.invalidQuery(key, `a field holding a single value (${field.name} holds objects)`);
    case 'ref':
      return refUuidFilter(
        key,
        field,
        values.map((v) => referenceUuidOf(key, field, v)),
      );
    default:
      return { op: 'in', path: field.valuePath, values: values.map((v) => typedValue(key, field, v)) };
  }
}

/** The items of a comma-separated list (an empty value: no items). */
function listValues(key: string, value: string): string[] {
  if (value === '') return [];
  const values = value.split(',');
  if (values.length > MAX_LIST_VALUES) {
    throw errors.invalidQuery(key, `at most ${MAX_LIST_VALUES} comma-separated values`);
  }
  return values;
}

/** A query value as the field's type: integers within range, booleans, enum members, text. */
function typedValue(key: string, field: QueryField, value: string): Scalar {
  const node: SchemaNode = field.node;
  switch (field.kind) {
    case 'integer': {
      const min = node.minimum ?? -Number.MAX_SAFE_INTEGER;
      const max = node.maximum ?? Number.MAX_SAFE_INTEGER;
      const n = /^-?\d{1,16}$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        throw errors.invalidQuery(key, `an integer from ${min} to ${max}`);
      }
      return n;
    }
    case 'boolean': {
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw errors.invalidQuery(key, 'true or false');
      return lower === 'true';
    }
    default: {
      const allowed = node.enum;
      if (allowed && !allowed.includes(value)) {
        throw errors.invalidQuery(
          key,
          allowed.length <= MAX_LISTED_ENUM_VALUES
            ? `one of ${allowed.map(String).join(', ')}`
            : `a valid value of ${field.name}`,
        );
      }
      return value;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// References

/** `<ref>=v`: v is a uuid, or a reference (`/api/cloud/<uuid>`, a URL, `/api/cloud/?name=<name>`). */
function referenceEquality(key: string, field: QueryField, value: string): Filter {
  const parsed = parseReference(value, field.refType as string);
  if (parsed?.uuid === undefined && parsed?.name !== undefined) return refNameFilter(field, [parsed.name]);
  return refUuidFilter(key, field, [referenceUuidOf(key, field, value)]);
}

/** The uuid a query value names: a bare uuid, or a reference carrying one. */
function referenceUuidOf(key: string, field: QueryField, value: string): string {
  if (isUuid(value)) return value;
  const parsed = parseReference(value, field.refType as string);
  if (parsed?.uuid !== undefined) return parsed.uuid;
  throw errors.invalidQuery(
    key,
    `a uuid or a reference to ${field.refType as string} (/api/${field.refPath}/<uuid>)`,
  );
}

function refUuidFilter(key: string, field: QueryField, uuids: readonly string[]): Filter {
  for (const u of uuids) if (!isUuid(u)) throw errors.invalidQuery(key, 'a uuid');
  return { op: 'refUuid', path: field.valuePath, refType: field.refPath as string, values: uuids };
}

function refNameFilter(field: QueryField, names: readonly string[]): Filter {
  return { op: 'refName', path: field.valuePath, refType: field.refPath as string, values: names };
}

// ---------------------------------------------------------------------------------------------
// search / isearch

const SEARCH_FIELD = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

function parseSearch(
  cat: FieldCatalogue,
  key: string,
  value: string,
  caseInsensitive: boolean,
  whole: boolean,
): Filter | undefined {
  if (value === '') return undefined;
  if (!value.startsWith('(')) {
    if (whole) return { op: 'containsText', path: [], value, caseInsensitive };
    const members = [...cat.byName.values()].filter((f) => f.path.length === 1);
    return anyOf(members.map((f): Filter => ({ op: 'containsText', path: f.path, value, caseInsensitive })));
  }
  const expected = '(field,value) tuples joined by |, e.g. (name,Default-Group)';
  const terms: Filter[] = [];
  let rest = value;
  let count = 0;
  while (rest !== '') {
    if (++count > MAX_SEARCH_TERMS) throw errors.invalidQuery(key, `at most ${MAX_SEARCH_TERMS} ${expected}`);
    if (!rest.startsWith('(')) throw errors.invalidQuery(key, expected);
    const comma = rest.indexOf(',');
    if (comma < 0) throw errors.invalidQuery(key, expected);
    const name = rest.slice(1, comma).trim();
    const end = rest.indexOf(')|(', comma);
    let text: string;
    if (end >= 0) {
      text = rest.slice(comma + 1, end);
      rest = rest.slice(end + 2);
    } else {
      if (!rest.endsWith(')')) throw errors.invalidQuery(key, expected);
      text = rest.slice(comma + 1, -1);
      rest = '';
    }
    const fields = searchFields(cat, name);
    if (fields.length === 0) {
      throw errors.invalidQuery(
        key,
        `(field,value) with a field of ${cat.typeName} (got '${name.slice(0, 64)}')`,
      );
    }
    for (const field of fields) {
      terms.push(
        text === ''
          ? { op: 'exists', path: field.path }
          : { op: 'containsText', path: field.path, value: text, caseInsensitive },
      );
    }
  }
  return anyOf(terms);
}

/** The fields a search names: a dotted path, or a bare member name found at any depth. */
function searchFields(cat: FieldCatalogue, name: string): readonly QueryField[] {
  if (!SEARCH_FIELD.test(name)) return [];
  const direct = cat.byName.get(name);
  if (direct) return [direct];
  return name.includes('.') ? [] : (cat.byMember.get(name) ?? []);
}

// ---------------------------------------------------------------------------------------------
// refers_to / referred_by

interface Target {
  /** Lowercase object type, or `any`. */
  type: string;
  /** A uuid, or `any` / `none`. */
  uuid: string;
}

const TARGET = /^([A-Za-z0-9_-]{1,64}):(.+)$/;

function parseTargets(key: string, value: string): Target[] {
  const expected = '<object type>:<uuid> (or any / none as uuid), comma-separated';
  const parts = value.split(',');
  if (value === '' || parts.length > MAX_REF_TARGETS) {
    throw errors.invalidQuery(key, value === '' ? expected : `at most ${MAX_REF_TARGETS} ${expected}`);
  }
  return parts.map((part) => {
    const m = TARGET.exec(part.trim());
    if (!m || !isUuid(m[2] as string)) throw errors.invalidQuery(key, expected);
    return { type: (m[1] as string).toLowerCase(), uuid: m[2] as string };
  });
}

function parseRefersTo(cat: FieldCatalogue, value: string): Filter {
  const targets = parseTargets('refers_to', value);
  return anyOf(
    targets.map(({ type, uuid }) => {
      const refs = type === 'any' ? cat.references : cat.references.filter((r) => r.refPath === type);
      if (uuid === 'any' || uuid === 'none') {
        const some = anyOf(refs.map((r): Filter => ({ op: 'exists', path: r.valuePath })));
        return uuid === 'any' ? some : { op: 'not', filter: some };
      }
      return anyOf(
        refs.map((r): Filter => ({
          op: 'refUuid',
          path: r.valuePath,
          refType: r.refPath as string,
          values: [uuid],
        })),
      );
    }),
  );
}

function parseReferredBy(value: string): Filter {
  const targets = parseTargets('referred_by', value);
  return targets.some((t) => t.uuid === 'none') ? MATCH_EVERYTHING : MATCH_NOTHING;
}
