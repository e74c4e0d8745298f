// The User object (swagger `User` with `UserRole` access entries), kept to the fields an
// operator sets up. `password` is write-only: stored as a hash apart from the document.
import { bool, list, object, ref, str } from './dsl.js';

export const UserRole = object('UserRole', {
  all_tenants: bool({}),
  role_ref: ref('Role', {}),
  tenant_ref: ref('Tenant', {}),
});

export const User = object('User', {
  _last_modified: str({ readOnly: true }),
  access: list(UserRole, {}),
  default_tenant_ref: ref('Tenant', {}),
  email: str({}),
  full_name: str({}),
  is_active: bool({ default: true }),
  is_superuser: bool({ default: false }),
  local: bool({ default: true }),
  name: str({}),
  password: str({ writeOnly: true }),
  url: str({ readOnly: true }),
  username: str({}),
  uuid: str({}),
});

export const USER_PATH = 'user';
export const ROLE_PATH = 'role';
