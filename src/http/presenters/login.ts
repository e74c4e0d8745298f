// The body of a successful `POST /login`, in the shape clients read: the Python SDK stores
// `version` and looks up the cookie named by `session_cookie_name`; the UI and Ansible read
// `user`, `tenants` and `controller.api_idle_timeout`.
import type { StoredTenant, StoredUser } from '../../storage/types.js';
import { presentTenant } from './tenant.js';
import { presentUser } from './user.js';

export interface LoginView {
  user: StoredUser;
  tenants: readonly StoredTenant[];
  origin: string;
  version: Record<string, unknown>;
  idleMinutes: number;
  licenseTier: string;
}

export function presentLogin(view: LoginView): Record<string, unknown> {
  const opts = { origin: view.origin, includeName: false };
  const user = presentUser(view.user, opts);
  return {
    user_initialized: true,
    version: view.version,
    user: {
      username: user.username,
      name: user.name,
      full_name: user.full_name ?? '',
      email: user.email ?? '',
      uuid: user.uuid,
      is_superuser: user.is_superuser === true,
      default_tenant_ref: user.default_tenant_ref,
      access: user.access,
      local: true,
      ui_property: '',
    },
    tenants: view.tenants.map((t) => presentTenant(t, opts)),
    system_config: {
      url: `${view.origin}/api/systemconfiguration`,
      uuid: 'default',
      default_license_tier: view.licenseTier,
    },
    controller: { api_idle_timeout: view.idleMinutes },
    session_cookie_name: 'avi-sessionid',
  };
}
