// API versions: the `X-Avi-Version` request header, the releases the model lists in `x-avi-since`,
// and the rule deciding whether a field exists in a given version.
import { ApiError } from '../../errors/catalogue.js';

/** The version a request without `X-Avi-Version` gets, as the controller documents. */
export const DEFAULT_API_VERSION = '16.4.1';

/** A parsed release `major.minor.patch` (a missing patch part reads as 0). */
export interface ApiVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

// `31.1.1`, or `31.1`; each part at most 4 digits (no exponent tricks, no huge numbers).
const VERSION_TEXT = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?$/;

/** Longest header value quoted back in an error message. */
const MAX_QUOTED = 40;

/** Parses `18.2.8` (or `18.2`); undefined for anything else. Surrounding blanks are ignored. */
export function parseVersion(text: string): ApiVersion | undefined {
  const m = VERSION_TEXT.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? '0') };
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: ApiVersion, b: ApiVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** `18.2.8`: the form of the header, the swagger and the `AVI_API_VERSION` response header. */
export function formatVersion(v: ApiVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** `v18_2_8`: the form the controller's version errors quote. */
export function formatVersionTag(v: ApiVersion): string {
  return `v${v.major}_${v.minor}_${v.patch}`;
}

function mustParse(text: string, what: string): ApiVersion {
  const v = parseVersion(text);
  if (!v) throw new Error(`${what} '${text}' is not a version (expected <major>.<minor>.<patch>)`);
  return v;
}

/**
 * The API version of a request. `header` is the `X-Avi-Version` value (undefined or blank: the
 * default version). Throws a 400 whose text contains `Invalid version` when the header is not a
 * version or names a version newer than the controller's. `controllerVersion` and `defaultVersion`
 * come from the configuration and must be valid versions (an Error otherwise: a programming error).
 */
export function parseApiVersion(
  header: string | undefined,
  controllerVersion: string,
  defaultVersion: string = DEFAULT_API_VERSION,
): ApiVersion {
  const controller = mustParse(controllerVersion, 'controller version');
  if (header === undefined || header.trim() === '') return mustParse(defaultVersion, 'default API version');
  const quoted = header.length > MAX_QUOTED ? `${header.slice(0, MAX_QUOTED - 1)}…` : header;
  const v = parseVersion(header);
  if (!v) {
    throw new ApiError(
      400,
      `Invalid version '${quoted}' in header X-Avi-Version: expected <major>.<minor>.<patch>, e.g. ${formatVersion(controller)}.`,
    );
  }
  if (compareVersions(v, controller) > 0) {
    throw new ApiError(
      400,
      `Invalid version '${quoted}' in header X-Avi-Version: this controller runs ${formatVersion(controller)} ` +
        `and accepts API versions up to ${formatVersion(controller)}.`,
    );
  }
  return v;
}

// Parsed `x-avi-since` lists, by array identity (the model's arrays live as long as the model).
const parsedSince = new WeakMap<readonly string[], readonly ApiVersion[]>();

/** The releases of an `x-avi-since` list, parsed once; unparseable entries are an Error. */
export function sinceVersions(since: readonly string[]): readonly ApiVersion[] {
  let parsed = parsedSince.get(since);
  if (!parsed) {
    parsed = since.map((s) => mustParse(s, 'x-avi-since release'));
    parsedSince.set(since, parsed);
  }
  return parsed;
}

/**
 * Whether a field introduced in the releases `since` exists in version `v`: `v` is at or past a
 * listed release of its own major.minor train, or at or past the highest listed release. An empty
 * list means the field always existed. With ['18.2.10', '20.1.1']: 18.2.10 and later 18.2.x, and
 * 20.1.1 and later, have the field; 18.2.9, 19.x and 20.1.0 do not.
 */
export function fieldExistsIn(since: readonly string[], v: ApiVersion): boolean {
  const releases = sinceVersions(since);
  if (releases.length === 0) return true;
  let highest = releases[0] as ApiVersion;
  for (const r of releases) {
    if (compareVersions(r, highest) > 0) highest = r;
    if (r.major === v.major && r.minor === v.minor && r.patch <= v.patch) return true;
  }
  return compareVersions(v, highest) >= 0;
}

/**
 * The release a version error quotes for a field `v` lacks: the lowest listed release after `v`
 * (each listed release has the field), else the first listed one.
 */
export function admittingRelease(since: readonly string[], v: ApiVersion): ApiVersion | undefined {
  const releases = sinceVersions(since);
  let best: ApiVersion | undefined;
  for (const r of releases) {
    if (compareVersions(r, v) > 0 && (best === undefined || compareVersions(r, best) < 0)) best = r;
  }
  return best ?? releases[0];
}
