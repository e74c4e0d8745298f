// Who may do what with UpgradeStatusInfo objects. Tenant first: a principal acts on objects of a
// tenant only through a role it holds in that tenant (or in every tenant).
import type { Principal } from '../domain/auth/principal.js';
import { coversAllTenants } from '../domain/auth/roles.js';
import { errors } from '../errors/catalogue.js';
import { holds, type InTenant } from './utils.js';

export type UpgradeStatusAction = 'read' | 'create' | 'update' | 'delete';

const RULES: Record<UpgradeStatusAction, (actor: Principal, subject: InTenant) => boolean> = {
  read: (actor, subject) => holds(actor, subject, 'read'),
  create: (actor, subject) => holds(actor, subject, 'write'),
  update: (actor, subject) => holds(actor, subject, 'write'),
  delete: (actor, subject) => holds(actor, subject, 'write'),
};

export function can(actor: Principal, action: UpgradeStatusAction, subject: InTenant): boolean {
  return RULES[action](actor, subject);
}

/** Throws the 403 for `action` on a subject in `subject.tenant` (`tenantName` names it in the message). */
export function authorize(
  actor: Principal,
  action: UpgradeStatusAction,
  subject: InTenant,
  tenantName: string = subject.tenant,
): void {
  if (can(actor, action, subject)) return;
  // Without even a read right the tenant stays invisible: the same 403 as a missing tenant.
  if (action === 'read' || !can(actor, 'read', subject)) throw errors.tenantDoesNotExist(tenantName);
  throw errors.readOnlyTenant(tenantName);
}

/** The all-tenants view (`X-Avi-Tenant: *`): reads span every tenant; nothing is created there. */
export function authorizeAllTenants(actor: Principal, action: UpgradeStatusAction): void {
  if (!coversAllTenants(actor)) throw errors.allTenantsDenied();
  if (action === 'create') throw errors.allTenantsCreate();
}
