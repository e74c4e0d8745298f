// The Role object (swagger `Role` with `Permission` entries) as `GET /api/role` presents the
// built-in roles (src/domain/auth/roles.ts); roles are read-only on this server.
import { bool, list, object, ref, str } from './dsl.js';

export const PERMISSION_TYPES = ['NO_ACCESS', 'READ_ACCESS', 'WRITE_ACCESS'] as const;

export const Permission = object('Permission', {
  resource: str({ required: true }),
  type: str({ enum: PERMISSION_TYPES, required: true }),
});

export const Role = object('Role', {
  allow_unlabelled_access: bool({ default: true }),
  name: str({ required: true }),
  privileges: list(Permission, {}),
  tenant_ref: ref('Tenant', {}),
  url: str({ readOnly: true }),
  uuid: str({}),
});
