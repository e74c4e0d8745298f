// Who a request acts for: the user, built from its stored document, with its access entries
// resolved to tenant uuids and built-in roles. Pure data; the rules live in roles.ts.
import { referenceUuid } from '../references.js';
import { roleByUuid, type RoleDefinition } from './roles.js';

export interface AccessGrant {
  /** The tenant's uuid; null when the entry covers every tenant (`all_tenants`). */
  readonly tenant: string | null;
  readonly role: RoleDefinition;
}

export interface Principal {
  readonly userUuid: string;
  readonly username: string;
  readonly isSuperuser: boolean;
  readonly active: boolean;
  readonly access: readonly AccessGrant[];
  /** uuid of the tenant used when a request names none. */
  readonly defaultTenant: string;
}

/** Acts with every right in every tenant: for start-up tasks and tools, never for a request. */
export const SYSTEM_PRINCIPAL: Principal = {
  userUuid: 'system',
  username: 'system',
  isSuperuser: true,
  active: true,
  access: [],
  defaultTenant: 'admin',
};

/** The principal of a stored User document (references in stored `/api/<type>/<uuid>` form). */
export function principalFromUser(uuid: string, body: Record<string, unknown>): Principal {
  const access: AccessGrant[] = [];
  for (const entry of Array.isArray(body.access) ? body.access : []) {
    const e = entry as Record<string, unknown>;
    const role = typeof e.role_ref === 'string' ? roleByUuid(referenceUuid(e.role_ref)) : undefined;
    if (!role) continue;
    const all = e.all_tenants === true || typeof e.tenant_ref !== 'string';
    access.push({ tenant: all ? null : referenceUuid(e.tenant_ref as string), role });
  }
  return {
    userUuid: uuid,
    username: String(body.username ?? ''),
    isSuperuser: body.is_superuser === true,
    active: body.is_active !== false,
    access,
    defaultTenant:
      typeof body.default_tenant_ref === 'string' ? referenceUuid(body.default_tenant_ref) : 'admin',
  };
}
