// Who may see and change users and roles: a System-Admin sees and changes every user; anyone
// else sees only itself. Every principal reads the built-in roles.
import type { Principal } from '../domain/auth/principal.js';
import { isSystemAdmin } from '../domain/auth/roles.js';
import { errors } from '../errors/catalogue.js';

export function canSeeUser(actor: Principal, userUuid: string): boolean {
  return isSystemAdmin(actor) || (actor.active && actor.userUuid === userUuid);
}

export function authorizeUserChange(actor: Principal): void {
  if (!isSystemAdmin(actor)) throw errors.systemAdminOnly('users');
}
