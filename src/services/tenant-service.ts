// Tenants: the scope of every request (which tenant it acts in), and the tenant objects
// themselves. Each use case: authorize → load → rules → validate → store.
import { ApiError, errors } from '../errors/catalogue.js';
import { Tenant } from '../domain/schema/tenant.js';
import { validateBody } from '../domain/validation/validate.js';
import { applyDefaults } from '../domain/defaults.js';
import { chosenUuid, nextLastModified } from '../domain/identity.js';
import type { Principal } from '../domain/auth/principal.js';
import { authorize, authorizeAllTenants } from '../policies/upgrade-status-info.js';
import { authorizeTenantChange, canSeeTenant } from '../policies/tenant.js';
import { ConflictError, type StoredTenant, type TenantStore } from '../storage/types.js';
import type { RequestContext } from './upgrade-status-service.js';

/** The tenant headers of a request (`X-Avi-Tenant`, `X-Avi-Tenant-UUID`). */
export interface TenantHeaders {
  name?: string;
  uuid?: string;
}

/** Tenant names that mean something else (`*`: all tenants). */
const RESERVED_NAMES = new Set(['*']);
const MAX_NAME_LENGTH = 128;

export class TenantService {
  constructor(private readonly tenants: TenantStore) {}

  /** Creates the `admin` tenant (uuid `admin`) when it does not exist yet. */
  async ensureAdminTenant(): Promise<void> {
    if (await this.tenants.get('admin')) return;
    const lastModified = nextLastModified();
    const body = applyDefaults(Tenant, {
      uuid: 'admin',
      name: 'admin',
      local: true,
      config_settings: {},
      _last_modified: lastModified,
    });
    try {
      await this.tenants.insert({ uuid: 'admin', name: 'admin', lastModified, body });
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e; // another process created it first
    }
  }

  /**
   * The tenant a request acts in: `X-Avi-Tenant-UUID`, else `X-Avi-Tenant` (`*`: every tenant),
   * else the user's default tenant. A tenant that does not exist, or in which the principal holds
   * no role, is the same 403 (`Tenant '<name>' does not exist!`): nothing tells them apart.
   */
  async requestContext(principal: Principal, headers: TenantHeaders): Promise<RequestContext> {
    let tenant: { uuid: string; name: string } | undefined;
    let asked: string;
    if (headers.uuid !== undefined && headers.uuid !== '') {
      asked = headers.uuid;
      tenant = asked === 'admin' ? ADMIN : await this.tenants.get(asked);
    } else if (headers.name !== undefined && headers.name !== '') {
      asked = headers.name;
      if (asked === '*') {
        authorizeAllTenants(principal, 'read');
        return { principal, tenant: null };
      }
      // The admin tenant can be neither renamed nor deleted: no lookup for the usual case.
      tenant = asked === 'admin' ? ADMIN : await this.tenants.getByName(asked);
    } else {
      asked = principal.defaultTenant;
      tenant = asked === 'admin' ? ADMIN : await this.tenants.get(asked);
    }
    if (!tenant) throw errors.tenantDoesNotExist(asked.slice(0, 128));
    // Named as the request named it: a tenant without a role in it must not reveal its name.
    authorize(principal, 'read', { tenant: tenant.uuid }, asked.slice(0, 128));
    return { principal, tenant: tenant.uuid, tenantName: tenant.name };
  }

  /** The tenants the principal holds a role in (every tenant when its access covers them all). */
  async visible(principal: Principal): Promise<StoredTenant[]> {
    return (await this.tenants.list()).filter((t) => canSeeTenant(principal, t.uuid));
  }

  async list(principal: Principal, filter: { name?: string }): Promise<StoredTenant[]> {
    const all = await this.visible(principal);
    return filter.name === undefined ? all : all.filter((t) => t.name === filter.name);
  }

  async get(principal: Principal, uuid: string): Promise<StoredTenant> {
    const found = await this.tenants.get(uuid);
    if (!found || !canSeeTenant(principal, found.uuid)) throw errors.objectNotFound('Tenant');
    return found;
  }

  async create(principal: Principal, body: unknown): Promise<StoredTenant> {
    authorizeTenantChange(principal);
    const { value } = validateBody(Tenant, body);
    const name = checkName(value.name);
    const uuid = chosenUuid('tenant', value.uuid);
    const lastModified = nextLastModified();
    const doc = applyDefaults(Tenant, {
      ...value,
      config_settings: value.config_settings ?? {},
      created_by: value.created_by ?? principal.username,
      uuid,
      _last_modified: lastModified,
    });
    const stored: StoredTenant = { uuid, name, lastModified, body: doc };
    try {
      await this.tenants.insert(stored);
    } catch (e) {
      throw mapTenantConflict(e, name, uuid);
    }
    return stored;
  }

  /** Full replacement; the uuid and the name stay (a tenant cannot be renamed). */
  async replace(principal: Principal, uuid: string, body: unknown): Promise<StoredTenant> {
    authorizeTenantChange(principal);
    const { value } = validateBody(Tenant, body);
    const name = checkName(value.name);
    if (value.uuid !== undefined && value.uuid !== uuid) {
      throw new ApiError(
        400,
        `Field 'uuid' (${String(value.uuid)}) does not match the object's uuid (${uuid}).`,
      );
    }
    const updated = await this.tenants.update(uuid, (current) => {
      if (name !== current.name) throw errors.tenantRename();
      const lastModified = nextLastModified(current.lastModified);
      const doc = applyDefaults(Tenant, {
        ...value,
        config_settings: value.config_settings ?? {},
        created_by: value.created_by ?? current.body.created_by,
        uuid,
        _last_modified: lastModified,
      });
      return { uuid, name, lastModified, body: doc };
    });
    if (!updated) throw errors.objectNotFound('Tenant');
    return updated;
  }

  /** Refused for the admin tenant, and while objects live in the tenant or users refer to it. */
  async remove(principal: Principal, uuid: string): Promise<void> {
    authorizeTenantChange(principal);
    if (uuid === 'admin') throw errors.systemDefault();
    const result = await this.tenants.delete(uuid);
    if (result.referredBy.length > 0) throw errors.referredBy(result.referredBy);
    if (!result.deleted) throw errors.objectNotFound('Tenant');
  }
}

const ADMIN = { uuid: 'admin', name: 'admin' };

function checkName(name: unknown): string {
  const text = String(name);
  if (text.trim() === '' || text.length > MAX_NAME_LENGTH || RESERVED_NAMES.has(text)) {
    throw new ApiError(
      400,
      `Invalid value for field 'name': expected a tenant name of 1 to ${MAX_NAME_LENGTH} characters other than '*'.`,
    );
  }
  return text;
}

function mapTenantConflict(e: unknown, name: string, uuid: string): unknown {
  if (e instanceof ConflictError) {
    return e.kind === 'name' ? errors.duplicateTenant(name) : errors.duplicateObjectUuid('Tenant', uuid);
  }
  return e;
}
