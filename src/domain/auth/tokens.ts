// Secrets handed to clients (session ids, CSRF tokens, user tokens, generated passwords), the
// digest under which the server stores them, and constant-time comparison.
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias). */
export function randomString(length: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** What a session id looks like: 32 lowercase letters and digits, as the controller's. */
export const SESSION_ID_PATTERN = /^[a-z0-9]{32}$/;

/** A new session id (about 165 bits). */
export const newSessionId = (): string => randomString(32, LOWER_ALNUM);

/** A new CSRF token: 32 letters and digits, as the controller's `csrftoken`. */
export const newCsrfToken = (): string => randomString(32, ALNUM);

/** A new user token (`POST /api/user-token`): 40 hex digits. */
export const newUserToken = (): string => randomBytes(20).toString('hex');

/** A generated password for the first admin user. */
export const newPassword = (): string => randomString(24, ALNUM);

/** SHA-256 of a secret, hex: sessions and tokens are stored (and looked up) by this only. */
export function digest(secret: string): string {
  return hash('sha256', secret, 'hex'); // one-shot: this runs on every Basic-authenticated request
}

/** Constant-time equality of two secrets of any length (compares their digests). */
export function sameSecret(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}
