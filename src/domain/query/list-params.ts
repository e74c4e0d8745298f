// Parses the query string of a list or single read into what the service and presenter need.
// Parameters this server does not know are ignored, as the controller does; a known parameter
// with a malformed value is a 400 naming it. The filter language is in filters.ts.
// Every parser takes the object type the query addresses: UpgradeStatusInfo, or a projection of it
// (UpgradeStatusSummary), whose members are the only fields the query may name.
import type { TObject, TSchema } from '@sinclair/typebox';
import { errors } from '../../errors/catalogue.js';
import { TYPE_NAME, UpgradeStatusInfo } from '../schema/index.js';
import type { Filter, SortKey } from '../../storage/types.js';
import { parseFilters } from './filters.js';
import { single, type QueryParams } from './params.js';

export type { QueryParams };

export const DEFAULT_PAGE_SIZE = 25;
/** Larger page sizes are clamped to this (the Python SDK allows at most 200; Avi scripts use 1000). */
export const MAX_PAGE_SIZE = 1000;

export interface ReadOptions {
  includeName: boolean;
  skipDefault: boolean;
  /** Only these top-level fields (plus url, uuid, name); undefined = all. */
  fields: string[] | undefined;
}

export interface ListParams extends ReadOptions {
  page: number;
  pageSize: number;
  filters: Filter[];
  sort: SortKey[];
}

function flag(params: QueryParams, key: string): boolean {
  const v = single(params, key);
  if (v === undefined) return false;
  // Presence alone switches it on (Ansible sends `include_name=`), unless explicitly false.
  return !/^(false|0|no)$/i.test(v);
}

function positiveInt(params: QueryParams, key: string, fallback: number): number {
  const v = single(params, key);
  if (v === undefined || v === '') return fallback;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw errors.invalidQuery(key, 'a positive integer');
  return Number(v);
}

/** The name of the object type a query addresses (`UpgradeStatusInfo`). */
const typeName = (schema: TObject): string => String(schema[TYPE_NAME] ?? 'UpgradeStatusInfo');

/** The model node at a dotted path, if the path names a scalar field. */
export function scalarAt(path: readonly string[], schema: TObject = UpgradeStatusInfo): TSchema | undefined {
  let node: TSchema | undefined = schema;
  for (const seg of path) {
    const props: Record<string, TSchema> | undefined = node?.type === 'object' ? node.properties : undefined;
    if (!props || !Object.hasOwn(props, seg)) return undefined;
    node = props[seg];
  }
  return node && ['string', 'integer', 'boolean'].includes(node.type as string) ? node : undefined;
}

function parseSort(value: string, schema: TObject): SortKey[] {
  const keys: SortKey[] = [];
  for (const part of value.split(',')) {
    const term = part.trim();
    if (term === '') continue;
    const descending = term.startsWith('-');
    const path = (descending ? term.slice(1) : term).split('.');
    if (!scalarAt(path, schema))
      throw errors.invalidQuery('sort', `a field of ${typeName(schema)} (got '${term.slice(0, 64)}')`);
    keys.push({ path, descending });
  }
  return keys;
}

export function parseReadOptions(params: QueryParams, schema: TObject = UpgradeStatusInfo): ReadOptions {
  const fieldsText = single(params, 'fields');
  let fields: string[] | undefined;
  if (fieldsText !== undefined && fieldsText !== '') {
    fields = fieldsText
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    for (const f of fields) {
      if (!Object.hasOwn(schema.properties, f)) {
        throw errors.invalidQuery('fields', `field names of ${typeName(schema)} (got '${f.slice(0, 64)}')`);
      }
    }
  }
  return { includeName: flag(params, 'include_name'), skipDefault: flag(params, 'skip_default'), fields };
}

export function parseListParams(params: QueryParams, schema: TObject = UpgradeStatusInfo): ListParams {
  const page = positiveInt(params, 'page', 1);
  const pageSize = Math.min(positiveInt(params, 'page_size', DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
  const filters = parseFilters(params, schema);
  const sortText = single(params, 'sort');
  const sort = sortText !== undefined ? parseSort(sortText, schema) : [];
  return { ...parseReadOptions(params, schema), page, pageSize, filters, sort };
}
