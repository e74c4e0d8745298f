// The Tenant object (swagger `Tenant`), kept to the fields an operator sets up.
import { bool, obj, object, str } from './dsl.js';

export const TenantConfiguration = object('TenantConfiguration', {
  se_in_provider_context: bool({ default: true }),
  tenant_access_to_provider_se: bool({ default: true }),
  tenant_vrf: bool({ default: false }),
});

export const Tenant = object('Tenant', {
  _last_modified: str({ readOnly: true }),
  config_settings: obj(TenantConfiguration, {}),
  created_by: str({}),
  description: str({}),
  local: bool({ default: true }),
  name: str({ required: true }),
  url: str({ readOnly: true }),
  uuid: str({}),
});

export const TENANT_PATH = 'tenant';
