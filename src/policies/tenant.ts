// Who may see and change tenants: every principal sees the tenants it holds a role in (all of
// them when its access covers every tenant); only a System-Admin creates, changes or deletes.
import type { Principal } from '../domain/auth/principal.js';
import { isSystemAdmin, visibleTenants } from '../domain/auth/roles.js';
import { errors } from '../errors/catalogue.js';

export function canSeeTenant(actor: Principal, tenantUuid: string): boolean {
  const visible = visibleTenants(actor);
  return visible === null || visible.has(tenantUuid);
}

export function authorizeTenantChange(actor: Principal): void {
  if (!isSystemAdmin(actor)) throw errors.systemAdminOnly('tenants');
}
