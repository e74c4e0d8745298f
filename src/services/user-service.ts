// Users: the first admin on an empty store, and the User objects (access entries, default
// tenant, password). Passwords are stored only as scrypt hashes, apart from the document, and
// never returned. Each use case: authorize → load → rules → validate → store.
import { ApiError, errors, invalidField } from '../errors/catalogue.js';
import { User } from '../domain/schema/user.js';
import { validateBody } from '../domain/validation/validate.js';
import { describeValue } from '../domain/validation/describe.js';
import { applyDefaults } from '../domain/defaults.js';
import { parseReference } from '../domain/references.js';
import { chosenUuid, nextLastModified } from '../domain/identity.js';
import { DEFAULT_SCRYPT, hashPassword, passwordProblem, type ScryptParams } from '../domain/auth/password.js';
import { newPassword } from '../domain/auth/tokens.js';
import { roleByName, roleByUuid, SYSTEM_ADMIN, type RoleDefinition } from '../domain/auth/roles.js';
import type { Principal } from '../domain/auth/principal.js';
import { authorizeUserChange, canSeeUser } from '../policies/user.js';
import { ConflictError, type StoredUser, type TenantStore, type UserStore } from '../storage/types.js';

/** The first admin's uuid, as on the controller. */
export const ADMIN_USER_UUID = 'user-1';

const USERNAME = /^[A-Za-z0-9_.@+-]{1,150}$/;

export interface FirstAdmin {
  created: boolean;
  /** Set when the password was generated (ADMIN_PASSWORD not set): to be shown once. */
  generatedPassword?: string;
}

export class UserService {
  constructor(
    private readonly users: UserStore,
    private readonly tenants: TenantStore,
    private readonly scrypt: ScryptParams = DEFAULT_SCRYPT,
    /** Told about every user this service changes or deletes (authentication drops its caches). */
    private readonly changed: (userUuid: string) => void = () => {},
  ) {}

  /**
   * On an empty store, creates `admin` (superuser, System-Admin in every tenant) with `password`,
   * or with a generated one that the caller shows once. Safe when several processes start at once.
   */
  async ensureFirstAdmin(password: string | undefined): Promise<FirstAdmin> {
    if ((await this.users.count()) > 0) return { created: false };
    const chosen = password ?? newPassword();
    const lastModified = nextLastModified();
    const body = applyDefaults(User, {
      uuid: ADMIN_USER_UUID,
      username: 'admin',
      name: 'admin',
      full_name: 'System Administrator',
      is_superuser: true,
      access: [{ tenant_ref: '/api/tenant/admin#admin', role_ref: roleRef(SYSTEM_ADMIN), all_tenants: true }],
      default_tenant_ref: '/api/tenant/admin#admin',
      _last_modified: lastModified,
    });
    try {
      await this.users.insert({
        uuid: ADMIN_USER_UUID,
        username: 'admin',
        passwordHash: await hashPassword(chosen, this.scrypt),
        passwordVersion: 1,
        tenants: ['admin'],
        lastModified,
        body,
      });
    } catch (e) {
      if (e instanceof ConflictError) return { created: false }; // another process was first
      throw e;
    }
    return password === undefined ? { created: true, generatedPassword: chosen } : { created: true };
  }

  async list(principal: Principal, filter: { name?: string }): Promise<StoredUser[]> {
    return (await this.users.list()).filter(
      (u) =>
        canSeeUser(principal, u.uuid) &&
        (filter.name === undefined || u.body.name === filter.name || u.username === filter.name),
    );
  }

  async get(principal: Principal, uuid: string): Promise<StoredUser> {
    const found = await this.users.get(uuid);
    if (!found || !canSeeUser(principal, found.uuid)) throw errors.objectNotFound('User');
    return found;
  }

  async create(principal: Principal, body: unknown): Promise<StoredUser> {
    authorizeUserChange(principal);
    const { doc, username, tenants, password } = await this.prepare(body);
    if (password === undefined) throw errors.missingRequired('password');
    const uuid = chosenUuid('user', doc.uuid);
    const lastModified = nextLastModified();
    const stored: StoredUser = {
      uuid,
      username,
      passwordHash: await hashPassword(checkPassword(password, username), this.scrypt),
      passwordVersion: 1,
      tenants,
      lastModified,
      body: { ...doc, uuid, _last_modified: lastModified },
    };
    try {
      await this.users.insert(stored);
    } catch (e) {
      throw mapUserConflict(e, username, uuid);
    }
    return stored;
  }

  /**
   * Full replacement. Without `password` the password stays; with one it changes, which ends the
   * user's sessions and tokens (their password version lapses) and its cached Basic credentials.
   */
  async replace(principal: Principal, uuid: string, body: unknown): Promise<StoredUser> {
    authorizeUserChange(principal);
    const { doc, username, tenants, password } = await this.prepare(body);
    if (doc.uuid !== undefined && doc.uuid !== uuid) {
      throw new ApiError(
        400,
        `Field 'uuid' (${String(doc.uuid)}) does not match the object's uuid (${uuid}).`,
      );
    }
    if (uuid === ADMIN_USER_UUID && (doc.is_superuser !== true || doc.is_active !== true)) {
      throw new ApiError(
        400,
        `The user 'admin' stays an active superuser: 'is_superuser' and 'is_active' must be true.`,
      );
    }
    const passwordHash =
      password === undefined ? undefined : await hashPassword(checkPassword(password, username), this.scrypt);
    try {
      const updated = await this.users.update(uuid, (current) => {
        const lastModified = nextLastModified(current.lastModified);
        return {
          uuid,
          username,
          passwordHash: passwordHash ?? current.passwordHash,
          passwordVersion: current.passwordVersion + (passwordHash === undefined ? 0 : 1),
          tenants,
          lastModified,
          body: { ...doc, uuid, _last_modified: lastModified },
        };
      });
      if (!updated) throw errors.objectNotFound('User');
      this.changed(uuid);
      return updated;
    } catch (e) {
      throw mapUserConflict(e, username, uuid);
    }
  }

  /** Removes the user with its sessions and tokens; never the first admin. */
  async remove(principal: Principal, uuid: string): Promise<void> {
    authorizeUserChange(principal);
    if (uuid === ADMIN_USER_UUID) throw errors.systemDefault();
    if (!(await this.users.delete(uuid))) throw errors.objectNotFound('User');
    this.changed(uuid);
  }

  /** Validates a body and brings it to its stored form; the password comes out separately. */
  private async prepare(body: unknown): Promise<{
    doc: Record<string, unknown>;
    username: string;
    tenants: string[];
    password: string | undefined;
  }> {
    const { value } = validateBody(User, body);
    const { password, ...rest } = value;
    const username = (rest.username ?? rest.name) as string | undefined;
    if (username === undefined) throw errors.missingRequired('username');
    if (!USERNAME.test(username)) {
      throw invalidField('username', "1 to 150 letters, digits or '_.@+-'", describeValue(username));
    }
    const access: Record<string, unknown>[] = [];
    const tenants = new Set<string>();
    const entries = (rest.access ?? []) as Record<string, unknown>[];
    for (const [i, entry] of entries.entries()) {
      const path = `access[${i}]`;
      const role = resolveRole(entry.role_ref, `${path}.role_ref`);
      const all = entry.all_tenants === true;
      const out: Record<string, unknown> = { role_ref: roleRef(role), all_tenants: all };
      if (entry.tenant_ref !== undefined || !all) {
        const tenant = await this.resolveTenant(entry.tenant_ref, `${path}.tenant_ref`);
        out.tenant_ref = tenant.ref;
        tenants.add(tenant.uuid);
      }
      access.push(out);
    }
    // Default tenant: as given, else the first tenant an entry names, else admin.
    const firstTenant = access.find((a) => typeof a.tenant_ref === 'string')?.tenant_ref as
      string | undefined;
    let defaultRef = firstTenant ?? '/api/tenant/admin#admin';
    if (rest.default_tenant_ref !== undefined) {
      defaultRef = (await this.resolveTenant(rest.default_tenant_ref, 'default_tenant_ref')).ref;
    }
    tenants.add(defaultRef.slice('/api/tenant/'.length, defaultRef.indexOf('#')));
    const doc = applyDefaults(User, {
      ...rest,
      username,
      name: rest.name ?? username,
      access,
      default_tenant_ref: defaultRef,
    });
    return { doc, username, tenants: [...tenants], password: password as string | undefined };
  }

  /** A tenant reference of a user body: must name an existing tenant, by uuid or by name. */
  private async resolveTenant(ref: unknown, path: string): Promise<{ uuid: string; ref: string }> {
    if (ref === undefined) throw errors.missingRequired(path);
    const parsed = typeof ref === 'string' ? parseReference(ref, 'Tenant') : undefined;
    if (!parsed) throw errors.invalidReference(path, 'Tenant');
    const found =
      parsed.uuid !== undefined
        ? await this.tenants.get(parsed.uuid)
        : await this.tenants.getByName(parsed.name as string);
    if (!found) throw errors.unknownTenantRef(path, (parsed.uuid ?? parsed.name) as string);
    return { uuid: found.uuid, ref: `/api/tenant/${found.uuid}#${found.name}` };
  }
}

function roleRef(role: RoleDefinition): string {
  return `/api/role/${role.uuid}#${role.name}`;
}

/** A role reference: one of the built-in roles, by uuid or by name. */
function resolveRole(ref: unknown, path: string): RoleDefinition {
  if (ref === undefined) throw errors.missingRequired(path);
  const parsed = typeof ref === 'string' ? parseReference(ref, 'Role') : undefined;
  if (!parsed) throw errors.invalidReference(path, 'Role');
  const role = parsed.uuid !== undefined ? roleByUuid(parsed.uuid) : roleByName(parsed.name as string);
  if (!role) throw errors.unknownRole(path, (parsed.name ?? parsed.uuid) as string);
  return role;
}

function checkPassword(password: string, username: string): string {
  const problem = passwordProblem(password, username);
  if (problem) throw errors.weakPassword(problem);
  return password;
}

function mapUserConflict(e: unknown, username: string, uuid: string): unknown {
  if (e instanceof ConflictError) {
    return e.kind === 'name' ? errors.duplicateUser(username) : errors.duplicateObjectUuid('User', uuid);
  }
  return e;
}
