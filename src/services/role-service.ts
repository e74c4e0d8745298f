// The built-in roles, read-only: every authenticated principal may list them.
import { errors } from '../errors/catalogue.js';
import { BUILT_IN_ROLES, type RoleDefinition } from '../domain/auth/roles.js';
import type { Principal } from '../domain/auth/principal.js';

export class RoleService {
  list(_principal: Principal, filter: { name?: string }): RoleDefinition[] {
    return BUILT_IN_ROLES.filter((r) => filter.name === undefined || r.name === filter.name);
  }

  get(_principal: Principal, uuid: string): RoleDefinition {
    const role = BUILT_IN_ROLES.find((r) => r.uuid === uuid);
    if (!role) throw errors.objectNotFound('Role');
    return role;
  }
}
