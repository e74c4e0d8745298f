// Shapes every UpgradeStatusInfo in a response: absolute `url`, references as URLs of the
// request's scheme and host, `#name` suffixes with include_name, `skip_default`, `fields`.
import { UpgradeStatusInfo, OBJECT_PATH } from '../../domain/schema/index.js';
import { presentReferences } from '../../domain/references.js';
import { withoutDefaults } from '../../domain/defaults.js';
import type { ReadOptions } from '../../domain/query/list-params.js';
import type { StoredObject } from '../../storage/types.js';

export interface PresentOptions extends ReadOptions {
  /** `<scheme>://<host>` of the request. */
  origin: string;
}

const ALWAYS = new Set(['url', 'uuid', 'name']);

export function objectUrl(origin: string, stored: StoredObject, includeName: boolean): string {
  const name = stored.body.name;
  const base = `${origin}/api/${OBJECT_PATH}/${stored.uuid}`;
  return includeName && typeof name === 'string' ? `${base}#${name}` : base;
}

export function presentObject(stored: StoredObject, opts: PresentOptions): Record<string, unknown> {
  let body = stored.body;
  if (opts.skipDefault) body = withoutDefaults(UpgradeStatusInfo, body);
  body = presentReferences(UpgradeStatusInfo, body, opts.origin, opts.includeName);
  const out: Record<string, unknown> = { url: objectUrl(opts.origin, stored, opts.includeName) };
  const fields = opts.fields ? new Set(opts.fields) : undefined;
  for (const key of Object.keys(body)) {
    if (key === 'url') continue;
    if (fields && !fields.has(key) && !ALWAYS.has(key)) continue;
    out[key] = body[key];
  }
  return out;
}
