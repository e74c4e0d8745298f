// Invalid bodies made from valid ones: exactly one field made wrong (a wrong type, a value out
// of range, an unknown enum value, a malformed reference, an unknown or read-only member, a
// required member left out, a field newer than the request's version), each with the text the
// 400 must contain to name it. Sites are found by walking the body alongside the model.
import fc from 'fast-check';
import { sampleOf } from './arbitraries.js';
import {
  existsIn,
  fieldPath,
  formatVersion,
  isObject,
  kindOf,
  MODEL,
  NEWEST_RELEASE,
  parseRelease,
  propertiesOf,
  refTypeOf,
  sinceOf,
  type Json,
  type JsonObject,
  type ModelNode,
  type Version,
} from './model.js';

export type Path = (string | number)[];

export interface Site {
  path: Path;
  node: ModelNode;
  value: Json;
}

export interface Mutation {
  kind: string;
  body: JsonObject;
  /** The top-level member the wrong field is in. */
  member: string;
  /** Text the error must contain (it names the field and the problem). */
  mentions: string;
}

/** How the error names the wrong field: `'a.b[0].c'`, or `(c)` in the version error. */
export function namedField(m: Mutation): string {
  return /'[^']*'|\([^)]*\)/.exec(m.mentions)?.[0] ?? m.mentions;
}

/** Every value present in `value` (members and list items at any depth), with its model node. */
export function sitesOf(node: ModelNode, value: Json, path: Path = [], out: Site[] = []): Site[] {
  if (path.length > 0) out.push({ path, node, value });
  if (Array.isArray(value) && node.items) {
    value.forEach((item, i) => sitesOf(node.items!, item, [...path, i], out));
  } else if (isObject(value)) {
    const props = propertiesOf(node);
    for (const [key, member] of Object.entries(value)) {
      if (props[key] && member !== null) sitesOf(props[key], member, [...path, key], out);
    }
  }
  return out;
}

/** A copy of `doc` with `change` applied to the container of the last segment of `path`. */
export function editAt(
  doc: JsonObject,
  path: Path,
  change: (parent: Json[] | JsonObject, last: string | number) => void,
): JsonObject {
  const copy = structuredClone(doc);
  let at: Json = copy;
  for (const seg of path.slice(0, -1)) at = (at as Record<string | number, Json>)[seg] as Json;
  change(at as Json[] | JsonObject, path[path.length - 1] as string | number);
  return copy;
}

const setAt = (doc: JsonObject, path: Path, value: Json): JsonObject =>
  editAt(doc, path, (parent, last) => {
    (parent as Record<string | number, Json>)[last] = value;
  });

const WRONG_TYPES: Record<string, Json[]> = {
  string: [7, true, {}, ['x']],
  enum: [7, false, {}, []],
  ref: [7, true, {}, []],
  integer: ['abc', 1.5, true, {}, [], '1.0', '+1', ' 1', '1e3'],
  boolean: ['yes', 1, 0, {}, [], 'tru'],
  object: ['x', 3, [], true],
  list: ['x', {}, 3, true],
};

/** Names the model does not use anywhere, and text that is no enum value (built once: costly). */
const memberName = fc.stringMatching(/^[a-z][a-z_0-9]{0,15}$/);
const enumLike = fc.stringMatching(/^[A-Za-z_]{1,24}$/);

const invalidValue = (path: Path) => `Invalid value for field '${fieldPath(path)}'`;

/** The ways one present value can be made wrong. */
function valueMutations(doc: JsonObject, site: Site): fc.Arbitrary<Mutation>[] {
  const kind = kindOf(site.node);
  const out: fc.Arbitrary<Mutation>[] = [
    fc.constantFrom(...(WRONG_TYPES[kind] ?? [])).map((v) => ({
      kind: `wrong type (${kind})`,
      member: String(site.path[0]),
      body: setAt(doc, site.path, v),
      mentions: invalidValue(site.path),
    })),
  ];
  if (kind === 'integer') {
    const min = site.node.minimum ?? -Number.MAX_SAFE_INTEGER;
    const max = site.node.maximum ?? Number.MAX_SAFE_INTEGER;
    out.push(
      fc.constantFrom(min - 1, max + 1, min - 1000, max + 1000).map((v) => ({
        kind: 'out of range',
        member: String(site.path[0]),
        body: setAt(doc, site.path, v),
        mentions: invalidValue(site.path),
      })),
    );
  }
  if (kind === 'enum') {
    const allowed = site.node.enum ?? [];
    out.push(
      enumLike
        .filter((s) => !allowed.includes(s))
        .map((v) => ({
          kind: 'unknown enum',
          member: String(site.path[0]),
          body: setAt(doc, site.path, v),
          mentions: invalidValue(site.path),
        })),
    );
  }
  if (kind === 'ref') {
    const t = refTypeOf(site.node).toLowerCase();
    const other = t === 'cloud' ? 'image' : 'cloud';
    out.push(
      fc
        .constantFrom(
          'not a reference',
          `/api/${other}/x-1`,
          `/api/${t}/a b`,
          `/api/${t}/..`,
          `/api/${t}/`,
          `/api/${t}/?name=`,
          `/api/${t}/x\n1`,
        )
        .map((v) => ({
          kind: 'bad reference',
          member: String(site.path[0]),
          body: setAt(doc, site.path, v),
          mentions: `Invalid reference in field '${fieldPath(site.path)}'`,
        })),
    );
  }
  return out;
}

/** The ways an object (the root or a nested one) can be made wrong: members added or left out. */
function objectMutations(
  doc: JsonObject,
  site: { path: Path; node: ModelNode; value: JsonObject },
): fc.Arbitrary<Mutation>[] {
  const props = propertiesOf(site.node);
  const out: fc.Arbitrary<Mutation>[] = [
    memberName
      .filter((k) => !Object.hasOwn(props, k))
      .map((key) => ({
        kind: 'unknown field',
        member: String([...site.path, key][0]),
        body: site.path.length === 0 ? { ...doc, [key]: 1 } : setAt(doc, [...site.path, key], 1),
        mentions: `Unknown field '${fieldPath([...site.path, key])}'`,
      })),
  ];
  for (const key of site.node.required ?? []) {
    if (!Object.hasOwn(site.value, key)) continue;
    out.push(
      fc.constant({
        kind: 'missing required member',
        member: String(site.path[0]),
        body: editAt(doc, [...site.path, key], (parent, last) => {
          delete (parent as JsonObject)[last as string];
        }),
        mentions: `Field '${fieldPath([...site.path, key])}' is required`,
      }),
    );
  }
  return out;
}

/** Read-only members carrying what no client could have read (`_last_modified` must be a string). */
function readOnlyMutations(doc: JsonObject): fc.Arbitrary<Mutation>[] {
  return Object.entries(propertiesOf(MODEL))
    .filter(([key, node]) => node.readOnly === true && key === '_last_modified')
    .map(([key]) =>
      fc.constantFrom<Json>({}, [], true).map((v) => ({
        kind: 'read-only field of the wrong type',
        member: key,
        body: { ...doc, [key]: v },
        mentions: invalidValue([key]),
      })),
    );
}

/** One field of `doc` (valid, of the model's root) made wrong, in every way the model allows. */
export function oneFieldWrong(doc: JsonObject): fc.Arbitrary<Mutation> {
  // Choose the site first, then build only its mutations (building all of them is slow).
  const root = { path: [] as Path, node: MODEL, value: doc as Json };
  const plans: (() => fc.Arbitrary<Mutation>[])[] = [
    () => objectMutations(doc, { ...root, value: doc }),
    () => readOnlyMutations(doc),
  ];
  for (const site of sitesOf(MODEL, doc)) {
    const value = site.value;
    plans.push(() => valueMutations(doc, site));
    if (isObject(value)) plans.push(() => objectMutations(doc, { ...site, value }));
  }
  return fc.constantFrom(...plans).chain((plan) => fc.oneof(...plan()));
}

/** A version older than the newest, and one object of `doc` given a member that version lacks. */
export function newerFieldAdded(doc: JsonObject, version: Version): fc.Arbitrary<Mutation> | undefined {
  const objects = [{ path: [] as Path, node: MODEL, value: doc as Json }, ...sitesOf(MODEL, doc)].filter(
    (s) => isObject(s.value) && s.node.type === 'object',
  );
  const choices: fc.Arbitrary<Mutation>[] = [];
  for (const site of objects) {
    for (const [key, child] of Object.entries(propertiesOf(site.node))) {
      if (child.readOnly === true || existsIn(sinceOf(child), version)) continue;
      if (Object.hasOwn(site.value as JsonObject, key)) continue;
      const newest = { version: parseRelease(NEWEST_RELEASE), coerce: false };
      choices.push(
        sampleOf(child, newest, 1).map((v) => ({
          kind: `field newer than ${formatVersion(version)}`,
          member: String([...site.path, key][0]),
          body: setAt(doc, [...site.path, key], v.body),
          mentions: `has field (${key}) introduced in later versions`,
        })),
      );
    }
  }
  return choices.length > 0 ? fc.oneof(...choices) : undefined;
}
