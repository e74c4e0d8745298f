// fast-check arbitraries built by walking the schema model (src/domain/schema): each node gives
// values of its type, enum, range and width; objects get their required members and a random
// subset of the others (only the fields the chosen API version has); lists get a few items;
// references come in every accepted form. Each sample pairs the body sent with what a response
// must show for it (coercions applied, `null` members gone, references as returned, by uuid).
import fc from 'fast-check';
import { nameBasedUuid } from '../../src/domain/references.js';
import {
  existsIn,
  kindOf,
  MODEL,
  presentedRef,
  propertiesOf,
  refTypeOf,
  sinceOf,
  type Json,
  type JsonObject,
  type ModelNode,
  type Version,
} from './model.js';

/** A body (or part of one) and what a response shows for it; `expect` undefined: absent. */
export interface Sample {
  body: Json;
  expect: Json | undefined;
}

export interface SampleOptions {
  /** Only fields this version has. */
  version: Version;
  /** Top-level members never generated (the server sets them, or the test chooses them). */
  skipRoot?: readonly string[];
  /** Send integers and booleans as strings sometimes ("42", "TRUE"), which the server converts. */
  coerce?: boolean;
  /** Most items of a list. */
  maxItems?: number;
  /** The tenant name references resolve in (`?name=` of another type gets a name-based uuid). */
  tenant?: string;
  /** Whether references may name their object (`?name=`); else they carry its uuid. */
  nameRefs?: boolean;
  /** How often an optional member below the top level is present: 1 in (1 + sparseness). */
  sparseness?: number;
}

/** Members the server sets on every object (besides the model's read-only ones). */
export const SERVER_SET: readonly string[] = ['uuid', 'tenant_ref'];

/** The model's read-only members: never stored from a body. */
export const READ_ONLY: readonly string[] = Object.entries(propertiesOf(MODEL))
  .filter(([, node]) => node.readOnly === true)
  .map(([key]) => key);

/** Text of any kind: mostly printable Unicode, sometimes any code point (control characters too). */
export const text = (maxLength = 10): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength }) },
  );

/** A uuid as references and bodies may carry it. */
export const uuidText: fc.Arbitrary<string> = fc
  .stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,24}$/)
  .filter((s) => !s.includes('..'));

/** A name for `#name` and `?name=`: printable, no control characters. */
const refName = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });

const sameSample = (v: Json): Sample => ({ body: v, expect: v });

function integers(node: ModelNode): fc.Arbitrary<number> {
  const min = BigInt(node.minimum ?? -Number.MAX_SAFE_INTEGER);
  const max = BigInt(node.maximum ?? Number.MAX_SAFE_INTEGER);
  const edges = [min, max, ...(min <= 0n && max >= 0n ? [0n] : [])].map(Number);
  return fc.oneof(fc.constantFrom(...edges), fc.bigInt({ min, max }).map(Number));
}

function integerSample(node: ModelNode, coerce: boolean): fc.Arbitrary<Sample> {
  const n = integers(node);
  if (!coerce) return n.map(sameSample);
  return fc.oneof(
    { weight: 3, arbitrary: n.map(sameSample) },
    { weight: 1, arbitrary: n.map((v) => ({ body: String(v), expect: v })) },
  );
}

function booleanSample(coerce: boolean): fc.Arbitrary<Sample> {
  if (!coerce) return fc.boolean().map(sameSample);
  const spelled = fc
    .boolean()
    .chain((b) => fc.mixedCase(fc.constant(String(b))).map((s) => ({ body: s, expect: b })));
  return fc.oneof({ weight: 3, arbitrary: fc.boolean().map(sameSample) }, { weight: 1, arbitrary: spelled });
}

/** A reference to `refType` in one of the accepted forms, with the uuid a response shows. */
export function referenceSample(refType: string, tenant = 'admin', nameRefs = true): fc.Arbitrary<Sample> {
  const lower = refType.toLowerCase();
  const byUuid = fc
    .record({
      uuid: uuidText,
      form: fc.constantFrom('absolute', 'relative', 'bare'),
      typeCase: fc.mixedCase(fc.constant(lower)),
      name: fc.option(refName, { nil: undefined }),
    })
    .map(({ uuid, form, typeCase, name }) => {
      const path = `api/${typeCase}/${uuid}${name === undefined ? '' : `#${name}`}`;
      const body =
        form === 'absolute' ? `https://ctl.example:9443/${path}` : form === 'relative' ? `/${path}` : path;
      return { body, expect: presentedRef(refType, uuid) };
    });
  // A name reference: tenants must exist (only `admin` does here); other types get a name-based uuid.
  const names = lower === 'tenant' ? fc.constant('admin') : refName;
  const byName = fc.tuple(names, fc.constantFrom('/?name=', '?name=')).map(([name, sep]) => ({
    body: `/api/${lower}${sep}${encodeURIComponent(name)}`,
    expect: presentedRef(refType, lower === 'tenant' ? name : nameBasedUuid(lower, tenant, name)),
  }));
  return nameRefs ? fc.oneof({ weight: 3, arbitrary: byUuid }, { weight: 1, arbitrary: byName }) : byUuid;
}

const ABSENT = Symbol('absent');
type Member = Sample | typeof ABSENT;

/** Valid values of one model node. */
export function sampleOf(node: ModelNode, opts: SampleOptions, depth = 0): fc.Arbitrary<Sample> {
  const coerce = opts.coerce ?? true;
  switch (kindOf(node)) {
    case 'string':
      return text().map(sameSample);
    case 'enum':
      return fc.constantFrom(...((node.enum ?? []) as readonly string[])).map(sameSample);
    case 'integer':
      return integerSample(node, coerce);
    case 'boolean':
      return booleanSample(coerce);
    case 'ref':
      return referenceSample(refTypeOf(node), opts.tenant, opts.nameRefs);
    case 'list': {
      const item = sampleOf(node.items ?? {}, opts, depth + 1);
      return fc.array(item, { maxLength: opts.maxItems ?? 2 }).map((items) => ({
        body: items.map((i) => i.body),
        expect: items.map((i) => i.expect as Json),
      }));
    }
    case 'object':
      return objectSample(node, opts, depth);
  }
}

/** The members of an object node a sample may hold at the options' version. */
export function membersAt(node: ModelNode, opts: SampleOptions, root: boolean): [string, ModelNode][] {
  return Object.entries(propertiesOf(node)).filter(
    ([key, child]) =>
      child.readOnly !== true &&
      existsIn(sinceOf(child), opts.version) &&
      !(root && (opts.skipRoot ?? []).includes(key)),
  );
}

function objectSample(node: ModelNode, opts: SampleOptions, depth: number): fc.Arbitrary<Sample> {
  const required = new Set(node.required ?? []);
  const model: Record<string, fc.Arbitrary<Member>> = {};
  // Fewer optional members deeper down keeps bodies small (a few KB at most).
  const absentWeight = depth === 0 ? 3 : (opts.sparseness ?? 3);
  for (const [key, child] of membersAt(node, opts, depth === 0)) {
    const value = sampleOf(child, opts, depth + 1);
    model[key] = required.has(key)
      ? value
      : fc.oneof(
          { weight: absentWeight, arbitrary: fc.constant<Member>(ABSENT) },
          { weight: depth === 0 ? 3 : 1, arbitrary: value },
          // `null` means "not set": sent, and absent from the response.
          { weight: depth === 0 ? 1 : 0, arbitrary: fc.constant<Member>({ body: null, expect: undefined }) },
        );
  }
  return fc.record(model).map((members) => {
    const body: JsonObject = {};
    const expect: JsonObject = {};
    for (const [key, m] of Object.entries(members)) {
      if (m === ABSENT) continue;
      body[key] = m.body;
      if (m.expect !== undefined) expect[key] = m.expect;
    }
    return { body, expect };
  });
}

/** A valid UpgradeStatusInfo body: the model's root. */
export function validObject(opts: SampleOptions): fc.Arbitrary<{ body: JsonObject; expect: JsonObject }> {
  return objectSample(MODEL, opts, 0) as fc.Arbitrary<{ body: JsonObject; expect: JsonObject }>;
}

/**
 * fast-check parameters of the property tests: `numRuns` runs, the failing assertion in the report
 * (next to the seed and path to replay it), and shrinking bounded in time.
 */
export function runs(numRuns: number): {
  numRuns: number;
  includeErrorInReport: boolean;
  interruptAfterTimeLimit: number;
} {
  return { numRuns, includeErrorInReport: true, interruptAfterTimeLimit: 30_000 };
}
