// Shared pieces of the policies. Every rule starts with the tenant check: what the principal may
// do depends first on the tenant the subject lives in, then on the role it holds there.
import { rightIn, type Right } from '../domain/auth/roles.js';
import type { Principal } from '../domain/auth/principal.js';

/** A subject that lives in a tenant (an object, or the tenant of a request). */
export interface InTenant {
  /** The tenant's uuid. */
  tenant: string;
}

/** Whether the principal holds at least `needed` in the subject's tenant. */
export function holds(actor: Principal, subject: InTenant, needed: Exclude<Right, 'none'>): boolean {
  const right = rightIn(actor, subject.tenant);
  return needed === 'read' ? right !== 'none' : right === 'write';
}
