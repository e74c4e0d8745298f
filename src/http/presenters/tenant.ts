// Shapes Tenant responses: absolute `url` (with `#name` for include_name and in POST/PUT
// responses), then the stored document.
import type { StoredTenant } from '../../storage/types.js';

export interface SimplePresentOptions {
  /** `<scheme>://<host>` of the request. */
  origin: string;
  includeName: boolean;
}

export function tenantUrl(origin: string, t: { uuid: string; name: string }, includeName: boolean): string {
  const base = `${origin}/api/tenant/${t.uuid}`;
  return includeName ? `${base}#${t.name}` : base;
}

export function presentTenant(t: StoredTenant, opts: SimplePresentOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { url: tenantUrl(opts.origin, t, opts.includeName) };
  for (const [key, value] of Object.entries(t.body)) if (key !== 'url') out[key] = value;
  return out;
}

/** A list response: `{count, results, next?}`. */
export function presentList<T>(
  count: number,
  items: readonly T[],
  present: (item: T) => Record<string, unknown>,
  next?: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { count, results: items.map(present) };
  if (next !== undefined) out.next = next;
  return out;
}
