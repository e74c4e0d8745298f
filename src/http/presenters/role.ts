// Shapes Role responses (the built-in roles) in the controller's Role shape.
import type { RoleDefinition } from '../../domain/auth/roles.js';
import { tenantUrl, type SimplePresentOptions } from './tenant.js';

export function roleUrl(origin: string, role: RoleDefinition, includeName: boolean): string {
  const base = `${origin}/api/role/${role.uuid}`;
  return includeName ? `${base}#${role.name}` : base;
}

export function presentRole(role: RoleDefinition, opts: SimplePresentOptions): Record<string, unknown> {
  return {
    url: roleUrl(opts.origin, role, opts.includeName),
    uuid: role.uuid,
    name: role.name,
    tenant_ref: tenantUrl(opts.origin, { uuid: 'admin', name: 'admin' }, opts.includeName),
    privileges: role.privileges.map((p) => ({ ...p })),
    allow_unlabelled_access: true,
  };
}
