// Random PATCH bodies for a given stored document, in both forms, each with its values twice: as
// sent (any accepted reference form) and as a response shows them (what the reference applies).
// Entries of lists often reuse the keys and values already stored, so that merges and deletes
// really happen; some operations are made to fail (missing paths, failed tests, a changed uuid).
import fc from 'fast-check';
import { membersAt, sampleOf, type Sample } from '../helpers/arbitraries.js';
import {
  isObject,
  kindOf,
  MODEL,
  NEWEST_RELEASE,
  parseRelease,
  propertiesOf,
  typeNameOf,
  type Json,
  type JsonObject,
  type ModelNode,
} from '../helpers/model.js';
import type { JsonPatchOp } from './patch-reference.js';

type Gen = fc.GeneratorValue;
type Path = (string | number)[];

const NOT_PATCHED = ['name', 'uuid', 'tenant_ref', 'url', '_last_modified'];
const OPTIONS = { version: parseRelease(NEWEST_RELEASE), coerce: false, maxItems: 2, sparseness: 1 };
/** JSON Patch values carry references by uuid only (a `test` compares them as given). */
const BY_UUID = { ...OPTIONS, nameRefs: false };

export const PATCHED_FIELDS: [string, ModelNode][] = membersAt(MODEL, OPTIONS, true).filter(
  ([k]) => !NOT_PATCHED.includes(k),
);

const PATCHED = new Map(PATCHED_FIELDS);
const PATCHED_NAMES = [...PATCHED.keys()];
/** Lists are where the rules differ most: they are chosen as often as every other field together. */
const LIST_NAMES = PATCHED_FIELDS.filter(([, node]) => kindOf(node) === 'list').map(([k]) => k);

const value = (g: Gen, node: ModelNode, opts = OPTIONS): Sample => g(() => sampleOf(node, opts, 1));
const both = (v: Json): Sample => ({ body: v, expect: v });

/** Entries for `add` on a list: fresh ones, often carrying the key or value of a stored entry. */
function addEntries(g: Gen, item: ModelNode, stored: Json[]): Sample[] {
  const count = g(() => fc.integer({ min: 0, max: 3 }));
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const fresh = value(g, item);
    const base =
      stored.length > 0 && g(() => fc.boolean()) ? stored[g(() => fc.nat(stored.length - 1))] : undefined;
    if (base === undefined || !isObject(fresh.body) || !isObject(base)) {
      out.push(base === undefined ? fresh : both(base));
      continue;
    }
    // The fresh entry with the stored entry's key fields (or some of its members).
    const keys = Object.keys(base).filter(() => g(() => fc.boolean()));
    const body: JsonObject = { ...(fresh.body as JsonObject) };
    const expect: JsonObject = { ...(fresh.expect as JsonObject) };
    for (const k of keys) {
      body[k] = base[k] as Json;
      expect[k] = base[k] as Json;
    }
    out.push({ body, expect });
  }
  return out;
}

/** Entries for `delete` on a list: parts of stored entries (so they match), `{}`, or fresh ones. */
function deleteEntries(g: Gen, item: ModelNode, stored: Json[]): Sample[] {
  const count = g(() => fc.integer({ min: 0, max: 2 }));
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const base =
      stored.length > 0 && g(() => fc.nat(3)) > 0 ? stored[g(() => fc.nat(stored.length - 1))] : undefined;
    if (base === undefined) out.push(value(g, item));
    else if (!isObject(base)) out.push(both(base));
    else out.push(both(Object.fromEntries(Object.entries(base).filter(() => g(() => fc.boolean())))));
  }
  return out;
}

export interface Envelope {
  sent: Record<string, JsonObject>;
  expect: Record<string, JsonObject>;
}

/** An Avi envelope of one to four operations on one to three top-level fields each. */
export function envelopeFor(g: Gen, doc: JsonObject): Envelope {
  const ops = g(() => fc.subarray(['add', 'replace', 'delete', 'remove'], { minLength: 1 }));
  const sent: Record<string, JsonObject> = {};
  const expect: Record<string, JsonObject> = {};
  for (const op of ops) {
    sent[op] = {};
    expect[op] = {};
    const names = g(() => fc.constantFrom(PATCHED_NAMES, LIST_NAMES));
    const fields = g(() => fc.subarray(names, { minLength: 1, maxLength: 3 }));
    for (const name of fields) {
      const node = PATCHED.get(name) as ModelNode;
      const stored = Array.isArray(doc[name]) ? (doc[name] as Json[]) : [];
      let v: Sample;
      if (kindOf(node) !== 'list') v = op === 'add' || op === 'replace' ? value(g, node) : both({});
      else if (op === 'replace') v = value(g, node);
      else {
        const entries = (op === 'add' ? addEntries : deleteEntries)(g, node.items ?? {}, stored);
        v = { body: entries.map((e) => e.body), expect: entries.map((e) => e.expect as Json) };
      }
      sent[op]![name] = v.body;
      expect[op]![name] = v.expect as Json;
    }
  }
  // Sometimes the object's own uuid (ignored) or another one (refused).
  const uuid = g(() =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('own', 'other') },
    ),
  );
  if (uuid !== undefined) {
    const target = ops[0] as string;
    const u = uuid === 'own' ? (doc.uuid as string) : `${String(doc.uuid)}-other`;
    sent[target]!.uuid = u;
    expect[target]!.uuid = u;
  }
  return { sent, expect };
}

// ---------------------------------------------------------------------------------------------
// JSON Patch

interface Location {
  path: Path;
  node: ModelNode;
  /** Whether removing it leaves a valid document (a list item, or a member that is not required). */
  removable: boolean;
}

const pointer = (path: Path): string => `/${path.join('/')}`;

/** Every value present under the patched fields, and where new values may go. */
function locations(doc: JsonObject): { existing: Location[]; addable: Location[] } {
  const existing: Location[] = [];
  const addable: Location[] = [];
  const walk = (node: ModelNode, v: Json, path: Path) => {
    if (Array.isArray(v) && node.items) {
      v.forEach((item, i) => {
        existing.push({ path: [...path, i], node: node.items!, removable: true });
        addable.push({ path: [...path, i], node: node.items!, removable: true });
        walk(node.items!, item, [...path, i]);
      });
      addable.push({ path: [...path, '-'], node: node.items, removable: true });
    } else if (isObject(v) && node.type === 'object') {
      for (const [key, child] of Object.entries(propertiesOf(node))) {
        const removable = !(node.required ?? []).includes(key);
        addable.push({ path: [...path, key], node: child, removable });
        if (Object.hasOwn(v, key)) {
          existing.push({ path: [...path, key], node: child, removable });
          walk(child, v[key] as Json, [...path, key]);
        }
      }
    }
  };
  for (const [name, node] of PATCHED_FIELDS) {
    addable.push({ path: [name], node, removable: true });
    if (Object.hasOwn(doc, name)) {
      existing.push({ path: [name], node, removable: true });
      walk(node, doc[name] as Json, [name]);
    }
  }
  return { existing, addable };
}

/** Nodes that hold the same kind of value (moving or copying between them keeps the object valid). */
function compatible(a: ModelNode, b: ModelNode): boolean {
  const shape = (n: ModelNode): string =>
    JSON.stringify(n, (k, v: unknown) => (k === 'x-avi-since' || k === 'x-avi-edition' ? undefined : v));
  return kindOf(a) === kindOf(b) && (a === b || shape(a) === shape(b)) && typeNameOf(a) === typeNameOf(b);
}

/** One JSON Patch operation against `doc`, as sent and as the reference applies it. */
export function jsonPatchOp(g: Gen, doc: JsonObject): { sent: JsonPatchOp; expect: JsonPatchOp } {
  const { existing, addable } = locations(doc);
  const kinds =
    existing.length > 0 ? ['add', 'replace', 'remove', 'delete', 'move', 'copy', 'test'] : ['add'];
  const op = g(() => fc.constantFrom(...kinds));
  const pick = (list: Location[]) => list[g(() => fc.nat(list.length - 1))] as Location;
  const plain = (sent: JsonPatchOp) => ({ sent, expect: sent });
  switch (op) {
    case 'add': {
      const at = pick(addable);
      const v = value(g, at.node, BY_UUID);
      return {
        sent: { op, path: pointer(at.path), value: v.body },
        expect: { op, path: pointer(at.path), value: v.expect as Json },
      };
    }
    case 'replace':
    case 'test': {
      const at = pick(existing);
      const current = at.path.reduce<Json>((o, s) => (o as Record<string | number, Json>)[s] as Json, doc);
      const v = op === 'test' && g(() => fc.nat(3)) > 0 ? both(current) : value(g, at.node, BY_UUID);
      return {
        sent: { op, path: pointer(at.path), value: v.body },
        expect: { op, path: pointer(at.path), value: v.expect as Json },
      };
    }
    case 'remove':
    case 'delete': {
      // Mostly something removable; sometimes a path that is not there.
      const removable = existing.filter((l) => l.removable);
      if (removable.length === 0 || g(() => fc.nat(5)) === 0)
        return plain({ op, path: pointer([...pick(existing).path, 'missing']) });
      return plain({ op, path: pointer(pick(removable).path) });
    }
    default: {
      const sources = op === 'move' ? existing.filter((l) => l.removable) : existing;
      if (sources.length === 0) return plain({ op: 'test', path: '/no_such_member', value: 1 });
      const from = pick(sources);
      const targets = addable.filter((l) => compatible(l.node, from.node));
      const to = targets.length > 0 ? pick(targets) : from;
      return plain({ op, from: pointer(from.path), path: pointer(to.path) });
    }
  }
}
