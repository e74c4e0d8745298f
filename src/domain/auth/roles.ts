// The built-in roles and what they allow. A user's rights in a tenant come from its access
// entries (`{tenant_ref, role_ref, all_tenants}`) and `is_superuser`:
//   System-Admin          everything, in every tenant, including tenants, users and roles;
//   Tenant-Admin          read and write UpgradeStatusInfo in the tenants of its entries;
//   Application-Operator  read only, in the tenants of its entries.
// An entry with `all_tenants` applies its role to every tenant.
import { nameBasedUuid } from '../references.js';
import type { Principal } from './principal.js';

export type Right = 'none' | 'read' | 'write';

export interface Privilege {
  resource: string;
  type: 'READ_ACCESS' | 'WRITE_ACCESS' | 'NO_ACCESS';
}

export interface RoleDefinition {
  readonly name: string;
  /** Stable across installs: a name-based uuid in the admin tenant. */
  readonly uuid: string;
  /** What the role allows on objects in the tenants it applies to. */
  readonly right: Exclude<Right, 'none'>;
  /** Applies to every tenant whatever its entry says, and manages tenants and users. */
  readonly system: boolean;
  /** The controller's description of the same rights, for `GET /api/role`. */
  readonly privileges: readonly Privilege[];
}

const write = (resource: string): Privilege => ({ resource, type: 'WRITE_ACCESS' });
const read = (resource: string): Privilege => ({ resource, type: 'READ_ACCESS' });

function role(
  name: string,
  right: 'read' | 'write',
  system: boolean,
  privileges: Privilege[],
): RoleDefinition {
  return { name, uuid: nameBasedUuid('role', 'admin', name), right, system, privileges };
}

export const SYSTEM_ADMIN = role('System-Admin', 'write', true, [
  write('PERMISSION_UPGRADE'),
  write('PERMISSION_TENANT'),
  write('PERMISSION_USER'),
  write('PERMISSION_ROLE'),
  write('PERMISSION_SYSTEMCONFIGURATION'),
  write('PERMISSION_CONTROLLER'),
]);
export const TENANT_ADMIN = role('Tenant-Admin', 'write', false, [
  write('PERMISSION_UPGRADE'),
  read('PERMISSION_TENANT'),
  read('PERMISSION_ROLE'),
]);
export const APPLICATION_OPERATOR = role('Application-Operator', 'read', false, [
  read('PERMISSION_UPGRADE'),
  read('PERMISSION_TENANT'),
  read('PERMISSION_ROLE'),
]);

export const BUILT_IN_ROLES: readonly RoleDefinition[] = [SYSTEM_ADMIN, TENANT_ADMIN, APPLICATION_OPERATOR];

export const roleByUuid = (uuid: string): RoleDefinition | undefined =>
  BUILT_IN_ROLES.find((r) => r.uuid === uuid);

export const roleByName = (name: string): RoleDefinition | undefined =>
  BUILT_IN_ROLES.find((r) => r.name === name);

const RANK: Record<Right, number> = { none: 0, read: 1, write: 2 };

/** The principal's right on objects of `tenant` (a uuid). */
export function rightIn(p: Principal, tenant: string): Right {
  if (!p.active) return 'none';
  if (p.isSuperuser) return 'write';
  let best: Right = 'none';
  for (const grant of p.access) {
    if (grant.role.system || grant.tenant === null || grant.tenant === tenant) {
      if (RANK[grant.role.right] > RANK[best]) best = grant.role.right;
    }
  }
  return best;
}

/** Whether the principal may manage tenants and users (a superuser or a System-Admin). */
export function isSystemAdmin(p: Principal): boolean {
  return p.active && (p.isSuperuser || p.access.some((g) => g.role.system));
}

/** Whether the principal reads every tenant, so may use `X-Avi-Tenant: *`. */
export function coversAllTenants(p: Principal): boolean {
  return isSystemAdmin(p) || (p.active && p.access.some((g) => g.tenant === null));
}

/** The tenants the principal has any right in; null: every tenant. */
export function visibleTenants(p: Principal): ReadonlySet<string> | null {
  if (coversAllTenants(p)) return null;
  return new Set(p.access.map((g) => g.tenant as string));
}
