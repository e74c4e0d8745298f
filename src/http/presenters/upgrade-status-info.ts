// Shapes every UpgradeStatusInfo in a response: the fields of the request's API version,
// absolute `url`, references as URLs of the request's scheme and host, `#name` suffixes with
// include_name, `skip_default`, `fields`.
import { UpgradeStatusInfo, OBJECT_PATH } from '../../domain/schema/index.js';
import { presentReferences } from '../../domain/references.js';
import { withoutDefaults } from '../../domain/defaults.js';
import {
  filterForVersion,
  holdsHiddenField,
  seesAllFields,
  type ApiVersion,
} from '../../domain/versioning/index.js';
import type { ReadOptions } from '../../domain/query/list-params.js';
import type { StoredObject } from '../../storage/types.js';
import { documentText } from '../../domain/json-text.js';

export interface PresentOptions extends ReadOptions {
  /** `<scheme>://<host>` of the request. */
  origin: string;
  /** The request's API version: fields it does not have are left out. Undefined: every field. */
  version?: ApiVersion;
  /** The collection `url` names (`upgradestatussummary` for the summary view); default upgradestatusinfo. */
  path?: string;
}

/** Always in a response, whatever `fields` asks for. */
const ALWAYS = new Set(['url', 'uuid', 'name']);
/** Kept at every API version, so that an object stays addressable even at 16.4.1. */
const KEPT_AT_EVERY_VERSION = new Set(['uuid', 'name', '_last_modified']);

/** The version to filter for, when `version` lacks some field of the model; else undefined. */
function filteringVersion(version: ApiVersion | undefined): ApiVersion | undefined {
  return version !== undefined && !seesAllFields(UpgradeStatusInfo, version) ? version : undefined;
}

/** `body` without the fields `v` does not have, except those kept at every version, in its order. */
function forVersion(body: Record<string, unknown>, v: ApiVersion): Record<string, unknown> {
  if (!holdsHiddenField(UpgradeStatusInfo, body, v)) return body;
  const filtered = filterForVersion(UpgradeStatusInfo, body, v);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    if (KEPT_AT_EVERY_VERSION.has(key)) out[key] = body[key];
    else if (Object.hasOwn(filtered, key)) out[key] = filtered[key];
  }
  return out;
}

export function objectUrl(
  origin: string,
  stored: StoredObject,
  includeName: boolean,
  path: string = OBJECT_PATH,
): string {
  const name = stored.body.name;
  const base = `${origin}/api/${path}/${stored.uuid}`;
  return includeName && typeof name === 'string' ? `${base}#${name}` : base;
}

export function presentObject(stored: StoredObject, opts: PresentOptions): Record<string, unknown> {
  let body = stored.body;
  const v = filteringVersion(opts.version);
  if (v) body = forVersion(body, v);
  if (opts.skipDefault) body = withoutDefaults(UpgradeStatusInfo, body);
  body = presentReferences(UpgradeStatusInfo, body, opts.origin, opts.includeName);
  const out: Record<string, unknown> = { url: objectUrl(opts.origin, stored, opts.includeName, opts.path) };
  const fields = opts.fields ? new Set(opts.fields) : undefined;
  for (const key of Object.keys(body)) {
    if (key === 'url') continue;
    if (fields && !fields.has(key) && !ALWAYS.has(key)) continue;
    out[key] = body[key];
  }
  return out;
}

// Rendered JSON per stored version and presentation: stored objects are immutable and replaced
// on every write, so an entry can never go stale; it disappears with its object.
const rendered = new WeakMap<StoredObject, Map<string, string>>();
const MAX_VARIANTS = 8;

/**
 * `presentObject` as JSON text, rendered once per object version and presentation. `keep`:
 * false for the answer to a write, whose version is new and rarely read again before the next
 * write replaces it: its whole text is not kept, only that of its members (which the next
 * version mostly shares).
 */
export function presentObjectJson(stored: StoredObject, opts: PresentOptions, keep = true): string {
  if (!keep) return documentText(presentObject(stored, opts), { remember: true });
  const v = filteringVersion(opts.version);
  const version = v ? `${v.major}.${v.minor}.${v.patch}` : '';
  const key = `${opts.path ?? ''}|${opts.origin}|${opts.includeName ? 1 : 0}|${opts.skipDefault ? 1 : 0}|${version}|${opts.fields?.join(',') ?? ''}`;
  let variants = rendered.get(stored);
  const hit = variants?.get(key);
  if (hit !== undefined) return hit;
  const text = documentText(presentObject(stored, opts), { remember: false });
  if (!variants) rendered.set(stored, (variants = new Map()));
  if (variants.size >= MAX_VARIANTS) variants.clear();
  variants.set(key, text);
  return text;
}

/** A list response as JSON text, assembled from the rendered objects. */
export function presentListJson(
  count: number,
  items: StoredObject[],
  opts: PresentOptions,
  next?: string,
): string {
  const results = items.map((item) => presentObjectJson(item, opts)).join(',');
  const tail = next === undefined ? '' : `,"next":${JSON.stringify(next)}`;
  return `{"count":${count},"results":[${results}]${tail}}`;
}
