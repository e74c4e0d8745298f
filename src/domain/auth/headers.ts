// Parsing the two headers that carry credentials: `Cookie` (which may repeat a name: the Python
// SDK's cookie jar sends `avi-sessionid=A; csrftoken=X; sessionid=A; avi-sessionid=A; ...`) and
// `Authorization: Basic base64(user:password)`.

/** Longest Cookie header looked at; anything beyond is ignored. */
const MAX_COOKIE_HEADER = 16 * 1024;

/**
 * Every value of the cookies called `names` in a Cookie header, in order of appearance and
 * without repeats, at most `max` of them. Quotes around a value are removed.
 */
export function cookieValues(header: string | undefined, names: readonly string[], max = 8): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const pair of header.slice(0, MAX_COOKIE_HEADER).split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    if (!names.includes(name)) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value !== '' && !out.includes(value)) out.push(value);
    if (out.length >= max) break;
  }
  return out;
}

export type Authorization =
  | { scheme: 'basic'; username: string; password: string }
  /** `Basic` with something that is not base64 of `user:password`. */
  | { scheme: 'malformed' }
  /** Any other scheme (Bearer …), which this server does not accept. */
  | { scheme: 'other'; name: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses an Authorization header value. */
export function parseAuthorization(header: string): Authorization {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== 'basic') return { scheme: 'other', name: scheme.slice(0, 20) };
  const encoded = trimmed.slice(space + 1).trim();
  if (space < 0 || !BASE64.test(encoded)) return { scheme: 'malformed' };
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return { scheme: 'malformed' };
  return { scheme: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
