// A small reference implementation of the documented PATCH rules (README "PATCH",
// docs/api-behaviour.md#patch), written from the documentation alone and independent of
// src/domain/patch. Documents and values are in the form a response shows them (references as
// URLs by uuid), so equal references are equal strings. A refused patch throws `Refused`.
import {
  fillDefaults,
  isObject,
  kindOf,
  MODEL,
  propertiesOf,
  sameJson,
  typeNameOf,
  type Json,
  type JsonObject,
  type ModelNode,
} from '../helpers/model.js';

export class Refused extends Error {}

/** What the reference met, so a test can tell its cases reached the interesting rules. */
export const coverage = { merged: new Set<string>(), deletedFrom: new Set<string>() };

/** The fields identifying list entries for `add`, by entry type (the README's table). */
const KEYS: Record<string, readonly string[]> = {
  EventMap: ['task_name'],
  OpsHistory: ['ops', 'start_time'],
  PatchData: ['patch_version'],
};

const present = (entry: JsonObject, field: string): boolean =>
  Object.hasOwn(entry, field) && entry[field] !== null;

/** Whether `existing` is the entry `given` names for `add` (by key, uuid, value or whole entry). */
function sameEntry(item: ModelNode, existing: Json, given: Json): boolean {
  const keys = KEYS[typeNameOf(item) ?? ''];
  if (keys && item.type === 'object') {
    if (!isObject(given) || !isObject(existing) || !keys.every((k) => present(given, k))) return false;
    return keys.every((k) => present(existing, k) && sameJson(existing[k], given[k]));
  }
  return sameJson(existing, given);
}

/** `add` on a list: merge into the entry with the same key (shallow), else append. */
function addEntries(item: ModelNode, existing: Json[], given: Json[]): Json[] {
  const out = [...existing];
  for (const g of given) {
    const at = out.findIndex((e) => sameEntry(item, e, g));
    if (at < 0) out.push(structuredClone(g));
    else if (isObject(out[at]) && isObject(g)) {
      out[at] = { ...(out[at] as JsonObject), ...structuredClone(g) };
      coverage.merged.add(typeNameOf(item) ?? '?');
    }
  }
  return out;
}

/** `delete` on a list: an entry goes when it matches every field a given entry names. */
function matchesPartial(existing: Json, given: Json): boolean {
  if (isObject(given)) {
    const fields = Object.keys(given);
    return (
      fields.length > 0 &&
      isObject(existing) &&
      fields.every((f) => Object.hasOwn(existing, f) && sameJson(existing[f], given[f]))
    );
  }
  return sameJson(existing, given);
}

/** The envelope: `add`, `replace`, then `delete` (`remove` = `delete`), top-level fields only. */
export function referenceEnvelope(doc: JsonObject, envelope: Record<string, JsonObject>): JsonObject {
  const out = structuredClone(doc);
  const props = propertiesOf(MODEL);
  for (const op of ['add', 'replace', 'delete', 'remove']) {
    for (const [name, value] of Object.entries(envelope[op] ?? {})) {
      if (name === 'uuid') {
        if (value === doc.uuid) continue;
        throw new Refused(`uuid changed by ${op}`);
      }
      if (name === 'url' || name === '_last_modified') continue;
      const node = props[name];
      if (!node) throw new Refused(`unknown field ${name}`);
      const isList = kindOf(node) === 'list';
      if (isList && !Array.isArray(value)) throw new Refused(`${name} needs an array`);
      if (op === 'delete' || op === 'remove') {
        if (isList) {
          const current = out[name];
          if (Array.isArray(current)) {
            out[name] = current.filter((e) => !(value as Json[]).some((g) => matchesPartial(e, g)));
            if ((out[name] as Json[]).length < current.length) coverage.deletedFrom.add(name);
          }
        } else if (node.default !== undefined) out[name] = structuredClone(node.default) as Json;
        else delete out[name];
      } else if (!isList || op === 'replace') {
        out[name] = structuredClone(value);
      } else {
        const current = Array.isArray(out[name]) ? (out[name] as Json[]) : [];
        out[name] = addEntries(node.items ?? {}, current, value as Json[]);
      }
    }
  }
  return fillDefaults(MODEL, out) as JsonObject;
}

// ---------------------------------------------------------------------------------------------
// JSON Patch (RFC 6902), plus: `add` of an array onto an existing list appends, `delete` = `remove`.

export interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

type Container = Json[] | JsonObject;

function segmentsOf(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new Refused(`bad pointer ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isIndex = (s: string) => /^(0|[1-9][0-9]*)$/.test(s);

function get(doc: Json, segments: string[]): Json | undefined {
  let at: Json | undefined = doc;
  for (const s of segments) {
    if (Array.isArray(at)) at = isIndex(s) && Number(s) < at.length ? at[Number(s)] : undefined;
    else if (isObject(at)) at = Object.hasOwn(at, s) ? at[s] : undefined;
    else return undefined;
  }
  return at;
}

function parent(doc: JsonObject, segments: string[]): [Container, string] {
  const p = get(doc, segments.slice(0, -1));
  if (!Array.isArray(p) && !isObject(p)) throw new Refused('no parent');
  return [p, segments[segments.length - 1] as string];
}

function add(doc: JsonObject, segments: string[], value: Json, habit: boolean): void {
  const [p, last] = parent(doc, segments);
  if (Array.isArray(p)) {
    if (last === '-') p.push(value);
    else if (isIndex(last) && Number(last) <= p.length) p.splice(Number(last), 0, value);
    else throw new Refused('bad index');
  } else if (habit && Array.isArray(p[last]) && Array.isArray(value)) {
    (p[last] as Json[]).push(...value);
  } else p[last] = value;
}

function remove(doc: JsonObject, segments: string[]): Json {
  const [p, last] = parent(doc, segments);
  if (Array.isArray(p)) {
    if (!isIndex(last) || Number(last) >= p.length) throw new Refused('bad index');
    return p.splice(Number(last), 1)[0] as Json;
  }
  if (!Object.hasOwn(p, last)) throw new Refused('missing');
  const v = p[last] as Json;
  delete p[last];
  return v;
}

export function referenceJsonPatch(doc: JsonObject, ops: readonly JsonPatchOp[]): JsonObject {
  const out = structuredClone(doc);
  const props = propertiesOf(MODEL);
  for (const o of ops) {
    const segments = segmentsOf(o.path);
    if (['add', 'replace', 'move', 'copy'].includes(o.op) && !Object.hasOwn(props, segments[0] as string)) {
      throw new Refused('unknown field');
    }
    switch (o.op) {
      case 'add':
        add(out, segments, structuredClone(o.value as Json), true);
        break;
      case 'remove':
      case 'delete':
        remove(out, segments);
        break;
      case 'replace':
        if (get(out, segments) === undefined) throw new Refused('missing');
        remove(out, segments);
        add(out, segments, structuredClone(o.value as Json), false);
        break;
      case 'copy':
      case 'move': {
        const from = segmentsOf(o.from ?? '');
        const found = get(out, from);
        if (found === undefined) throw new Refused('missing from');
        if (o.op === 'copy') add(out, segments, structuredClone(found), false);
        else if (o.from !== o.path) {
          if (from.length < segments.length && from.every((s, i) => segments[i] === s))
            throw new Refused('into itself');
          add(out, segments, remove(out, from), false);
        }
        break;
      }
      case 'test': {
        const found = get(out, segments);
        if (found === undefined || !sameJson(found, o.value)) throw new Refused('test failed');
        break;
      }
      default:
        throw new Refused(`unknown op ${o.op}`);
    }
    if (out.uuid !== doc.uuid) throw new Refused('uuid changed');
  }
  return fillDefaults(MODEL, out) as JsonObject;
}
