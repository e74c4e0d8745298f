// Shapes User responses: absolute `url` and references (tenants, roles) as URLs of the request's
// origin. The password is write-only: it is not in the stored document, and never presented.
import { User } from '../../domain/schema/user.js';
import { presentReferences } from '../../domain/references.js';
import type { StoredUser } from '../../storage/types.js';
import type { SimplePresentOptions } from './tenant.js';

export function userUrl(origin: string, u: StoredUser, includeName: boolean): string {
  const base = `${origin}/api/user/${u.uuid}`;
  return includeName ? `${base}#${u.username}` : base;
}

export function presentUser(u: StoredUser, opts: SimplePresentOptions): Record<string, unknown> {
  const body = presentReferences(User, u.body, opts.origin, opts.includeName);
  const out: Record<string, unknown> = { url: userUrl(opts.origin, u, opts.includeName) };
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'url' && key !== 'password') out[key] = value;
  }
  return out;
}
