// Query parameters of the small collections (tenants, users, roles): `name` (exact), `page`,
// `page_size` and `include_name`; other parameters are ignored, as on the controller.
import { errors } from '../../errors/catalogue.js';

export type Query = Record<string, string | string[] | undefined>;

export interface SimpleListParams {
  name?: string;
  page: number;
  pageSize: number;
  includeName: boolean;
}

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 1000;

function single(query: Query, key: string): string | undefined {
  const v = query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function positive(query: Query, key: string, fallback: number): number {
  const v = single(query, key);
  if (v === undefined || v === '') return fallback;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw errors.invalidQuery(key, 'a positive integer');
  return Number(v);
}

/** `include_name`: present (even empty) means on, unless false/0/no. */
export function includeName(query: Query): boolean {
  const v = single(query, 'include_name');
  return v !== undefined && !/^(false|0|no)$/i.test(v);
}

export function parseSimpleList(query: Query): SimpleListParams {
  const name = single(query, 'name');
  return {
    ...(name !== undefined ? { name } : {}),
    page: positive(query, 'page', 1),
    pageSize: Math.min(MAX_PAGE_SIZE, positive(query, 'page_size', DEFAULT_PAGE_SIZE)),
    includeName: includeName(query),
  };
}

/** One page of `items`, and whether another page follows. */
export function pageOf<T>(items: readonly T[], params: SimpleListParams): { page: T[]; more: boolean } {
  const start = (params.page - 1) * params.pageSize;
  return { page: items.slice(start, start + params.pageSize), more: start + params.pageSize < items.length };
}
