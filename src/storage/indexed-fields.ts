// Which document paths every adapter keeps in an indexed column of its own, and the pure
// function that derives those columns from a stored body. Shared by all adapters so that a
// filter or sort on, say, `state.state` means the same thing whatever the database.
//
// `tenant` and `uuid` also have columns, but their values come from the StoredObject itself.
import type { Scalar } from './types.js';

export type IndexedColumn = 'tenant' | 'uuid' | 'name' | 'node_type' | 'cloud' | 'state' | 'progress';

export interface IndexedField {
  readonly column: IndexedColumn;
  /** The document path whose value the column holds. */
  readonly path: readonly string[];
  /**
   * `text` / `integer`: the column holds the value at `path` as is.
   * `ref`: the column holds only the uuid part of the canonical reference `/api/<refType>/<uuid>[#name]`
   * stored at `path`; equality filters compare uuids, `contains` must look at the full reference.
   */
  readonly kind: 'text' | 'integer' | 'ref';
  /** For `ref` fields: the lower-case object type in the reference (`cloud`). */
  readonly refType?: string;
}

export const INDEXED_FIELDS: readonly IndexedField[] = [
  { column: 'uuid', path: ['uuid'], kind: 'text' },
  { column: 'tenant', path: ['tenant_ref'], kind: 'ref', refType: 'tenant' },
  { column: 'name', path: ['name'], kind: 'text' },
  { column: 'node_type', path: ['node_type'], kind: 'text' },
  { column: 'cloud', path: ['obj_cloud_ref'], kind: 'ref', refType: 'cloud' },
  { column: 'state', path: ['state', 'state'], kind: 'text' },
  { column: 'progress', path: ['progress'], kind: 'integer' },
];

const BY_PATH = new Map<string, IndexedField>(INDEXED_FIELDS.map((f) => [f.path.join('.'), f]));

/** The indexed field stored at exactly this document path, if any. */
export function indexedFieldAt(path: readonly string[]): IndexedField | undefined {
  return BY_PATH.get(path.join('.'));
}

/** The columns derived from the body (the adapter adds `tenant` and `uuid` from the StoredObject). */
export interface BodyIndexedValues {
  /** null when the object has no name: unnamed objects never conflict. */
  name: string | null;
  /** '' when absent, so that the (tenant, name, node_type, cloud) unique index applies. */
  node_type: string;
  /** The cloud's uuid; '' when absent. */
  cloud: string;
  state: string | null;
  progress: number | null;
}

/**
 * The uuid part of a canonical reference `/api/<type>/<uuid>` or `/api/<type>/<uuid>#<name>`.
 * Anything else (e.g. a bare uuid) is returned unchanged.
 */
export function refUuid(ref: string, refType: string): string {
  const prefix = `/api/${refType}/`;
  if (!ref.startsWith(prefix)) return ref;
  const rest = ref.slice(prefix.length);
  const hash = rest.indexOf('#');
  return hash === -1 ? rest : rest.slice(0, hash);
}

function at(body: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = body;
  for (const seg of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = Object.hasOwn(node, seg) ? (node as Record<string, unknown>)[seg] : undefined;
  }
  return node;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** Pure: the indexed column values of a stored body. */
export function extractIndexedValues(body: Record<string, unknown>): BodyIndexedValues {
  const cloudRef = str(at(body, ['obj_cloud_ref']));
  const progress = at(body, ['progress']);
  return {
    name: str(at(body, ['name'])),
    node_type: str(at(body, ['node_type'])) ?? '',
    cloud: cloudRef === null ? '' : refUuid(cloudRef, 'cloud'),
    state: str(at(body, ['state', 'state'])),
    progress: typeof progress === 'number' && Number.isFinite(progress) ? progress : null,
  };
}

/** A filter value as the indexed column holds it (reference fields compare by uuid). */
export function columnFilterValue(field: IndexedField, value: Scalar): Scalar {
  if (field.kind === 'ref' && typeof value === 'string' && field.refType !== undefined) {
    return refUuid(value, field.refType);
  }
  return value;
}

/**
 * The columns of an object row that adapters write, in their binding order: identity, the
 * indexed values above, the revision stamp and the document itself.
 */
export const DATA_COLUMNS = [
  'uuid',
  'tenant',
  'name',
  'node_type',
  'cloud',
  'state',
  'progress',
  'last_modified',
  'body',
] as const;
