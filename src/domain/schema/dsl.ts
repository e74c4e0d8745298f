// The small vocabulary the schema model is written in. Each constructor returns a TypeBox
// (JSON Schema) node, so one model gives the static TypeScript types (`Static<>`), the OpenAPI
// document, and the annotations our own walkers read: `x-avi-since` (releases a field was
// introduced in), `x-avi-edition` (who may set it), `x-avi-ref` (referenced object type).
import {
  Type,
  type TArray,
  type TBoolean,
  type TInteger,
  type TObject,
  type TOptional,
  type TProperties,
  type TSchema,
  type TString,
} from '@sinclair/typebox';

/** `all`: every license tier may set the field; `enterprise`: only ENTERPRISE and ENTERPRISE_WITH_CLOUD_SERVICES. */
export type EditionRule = 'all' | 'enterprise';
export type IntFormat = 'int32' | 'uint32' | 'int64';

export interface FieldOptions {
  /** Releases the field was introduced in, e.g. ['18.2.10', '20.1.1'] for a back-ported field. */
  since?: readonly string[];
  edition?: EditionRule;
  /** Set by the server; never stored from a request body. */
  readOnly?: boolean;
  /** Accepted in request bodies, never in a response (a password). */
  writeOnly?: boolean;
  /** A member that must be present whenever its parent object is. */
  required?: boolean;
}

/** Annotation keys carried by every field node. */
export const SINCE = 'x-avi-since';
export const EDITION = 'x-avi-edition';
export const REF = 'x-avi-ref';
export const TYPE_NAME = 'x-avi-type';

/** Integer widths; int64 is limited to what a JSON number represents exactly (±2^53-1). */
export const INT_LIMITS: Record<IntFormat, { min: number; max: number }> = {
  int32: { min: -2147483648, max: 2147483647 },
  uint32: { min: 0, max: 4294967295 },
  int64: { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
};

type Field<T extends TSchema, O extends FieldOptions> = O extends { required: true } ? T : TOptional<T>;

function annotate(o: FieldOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { [SINCE]: o.since ?? [], [EDITION]: o.edition ?? 'all' };
  if (o.readOnly) out.readOnly = true;
  if (o.writeOnly) out.writeOnly = true;
  return out;
}

function field<T extends TSchema, O extends FieldOptions>(schema: T, o: O): Field<T, O> {
  return (o.required ? schema : Type.Optional(schema)) as Field<T, O>;
}

export function str<O extends FieldOptions & { enum?: readonly string[]; default?: string }>(
  o: O,
): Field<TString, O> {
  const extra: Record<string, unknown> = {};
  if (o.enum) extra.enum = [...o.enum];
  if (o.default !== undefined) extra.default = o.default;
  return field(Type.String({ ...annotate(o), ...extra }), o);
}

export function ref<O extends FieldOptions>(refType: string, o: O): Field<TString, O> {
  return field(Type.String({ ...annotate(o), [REF]: refType }), o);
}

export function bool<O extends FieldOptions & { default?: boolean }>(o: O): Field<TBoolean, O> {
  const extra = o.default !== undefined ? { default: o.default } : {};
  return field(Type.Boolean({ ...annotate(o), ...extra }), o);
}

type IntOptions = FieldOptions & { default?: number; min?: number; max?: number };

function integer<O extends IntOptions>(format: IntFormat, o: O): Field<TInteger, O> {
  const limits = INT_LIMITS[format];
  const extra: Record<string, unknown> = {
    format,
    minimum: Math.max(limits.min, o.min ?? limits.min),
    maximum: Math.min(limits.max, o.max ?? limits.max),
  };
  if (o.default !== undefined) extra.default = o.default;
  return field(Type.Integer({ ...annotate(o), ...extra }), o);
}

export const int32 = <O extends IntOptions>(o: O) => integer('int32', o);
export const uint32 = <O extends IntOptions>(o: O) => integer('uint32', o);
export const int64 = <O extends IntOptions>(o: O) => integer('int64', o);

/** A named object type. Unknown members are refused (`additionalProperties: false`). */
export function object<P extends TProperties>(name: string, properties: P): TObject<P> {
  return Type.Object(properties, { [TYPE_NAME]: name, title: name, additionalProperties: false });
}

/** A field holding a nested object; the field's own annotations sit on a shallow copy. */
export function obj<P extends TProperties, O extends FieldOptions>(
  type: TObject<P>,
  o: O,
): Field<TObject<P>, O> {
  return field({ ...type, ...annotate(o) } as TObject<P>, o);
}

export function list<T extends TSchema, O extends FieldOptions>(item: T, o: O): Field<TArray<T>, O> {
  return field(Type.Array(item, annotate(o)), o);
}

export function strList<O extends FieldOptions>(o: O): Field<TArray<TString>, O> {
  return field(Type.Array(Type.String(), annotate(o)), o);
}

export function refList<O extends FieldOptions>(refType: string, o: O): Field<TArray<TString>, O> {
  return field(Type.Array(Type.String({ [REF]: refType }), { ...annotate(o), [REF]: refType }), o);
}

/**
 * A named object type made of some members of another (a read-only view such as a summary): each
 * member keeps its node, so its type, range, enum, default, releases and edition come along.
 */
export function project<P extends TProperties, K extends keyof P & string>(
  name: string,
  source: TObject<P>,
  keys: readonly K[],
): TObject<Pick<P, K>> {
  const properties = {} as Pick<P, K>;
  for (const key of keys) {
    if (!Object.hasOwn(source.properties, key)) throw new Error(`${name}: the source has no member ${key}`);
    properties[key] = source.properties[key];
  }
  return object(name, properties);
}
