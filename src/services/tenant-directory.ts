// What a write knows about the tenants its body refers to. Reference normalisation is
// synchronous, tenant lookups are not: a write runs once with what is known (the admin tenant
// and the request's tenant), noting every tenant it still needs; when there were some, they are
// looked up together and the write runs again (`withTenants`). A body that names no unknown
// tenant (almost every write) runs once and costs no lookup.
import { errors } from '../errors/catalogue.js';
import { parseReference, referenceUuid } from '../domain/references.js';
import type { StoredTenant } from '../storage/types.js';

/** A tenant by uuid and name. */
export interface TenantName {
  tenant: string;
  name: string;
}

/** Reads tenants; the TenantStore is one. */
export interface TenantLookup {
  get(uuid: string): Promise<StoredTenant | undefined>;
  getByName(name: string): Promise<StoredTenant | undefined>;
}

export const ADMIN_TENANT: TenantName = { tenant: 'admin', name: 'admin' };

/** Stands in for a tenant uuid not looked up yet; never stored (the write runs again). */
const PENDING = 'pending-tenant-lookup';

/** Thrown out of a write that needs tenants it does not know yet. */
export class TenantsNeeded extends Error {
  constructor() {
    super('tenants needed');
    this.name = 'TenantsNeeded';
  }
}

export class TenantDirectory {
  /** name → tenant, or null: looked up and missing. */
  private readonly names = new Map<string, TenantName | null>([['admin', ADMIN_TENANT]]);
  private readonly uuids = new Map<string, TenantName | null>([['admin', ADMIN_TENANT]]);
  private readonly neededNames = new Set<string>();
  private readonly neededUuids = new Set<string>();

  constructor(known: readonly TenantName[] = []) {
    for (const t of known) this.remember(t);
  }

  private remember(t: TenantName): void {
    this.names.set(t.name, t);
    this.uuids.set(t.tenant, t);
  }

  /** For ReferenceContext.resolveName: tenant names only; other types are not held here. */
  readonly resolveName = (type: string, name: string): string | undefined => {
    if (type !== 'tenant') return undefined;
    const known = this.names.get(name);
    if (known !== undefined) return known?.tenant;
    this.neededNames.add(name);
    return PENDING;
  };

  /** The tenant with this uuid; undefined when it does not exist (or is not looked up yet). */
  byUuid(uuid: string): TenantName | undefined {
    const known = this.uuids.get(uuid);
    if (known === undefined) this.neededUuids.add(uuid);
    return known ?? undefined;
  }

  /**
   * The tenant a top-level `tenant_ref` of a body names, before normalisation: 403 when it names
   * a tenant that does not exist (nested tenant references get the 400 naming their field).
   */
  checkPlacement(ref: unknown): void {
    if (typeof ref !== 'string') return;
    const parsed = parseReference(ref, 'Tenant');
    if (parsed?.uuid === undefined && parsed?.name !== undefined && this.names.get(parsed.name) === null) {
      throw errors.tenantDoesNotExist(parsed.name);
    }
  }

  /** Throws TenantsNeeded when this run met tenants that were not looked up yet. */
  complete(): void {
    if (this.neededNames.size > 0 || this.neededUuids.size > 0) throw new TenantsNeeded();
  }

  /** Looks up every tenant the last run needed. */
  async load(lookup: TenantLookup): Promise<void> {
    const names = [...this.neededNames];
    const uuids = [...this.neededUuids];
    this.neededNames.clear();
    this.neededUuids.clear();
    const [byName, byUuid] = await Promise.all([
      Promise.all(names.map((n) => lookup.getByName(n))),
      Promise.all(uuids.map((u) => lookup.get(u))),
    ]);
    names.forEach((n, i) => this.record(byName[i], () => this.names.set(n, null)));
    uuids.forEach((u, i) => this.record(byUuid[i], () => this.uuids.set(u, null)));
  }

  private record(found: StoredTenant | undefined, missing: () => void): void {
    if (found) this.remember({ tenant: found.uuid, name: found.name });
    else missing();
  }
}

/** How many times a write may ask for more tenants (each run resolves every name it met). */
const MAX_RUNS = 4;

/** Runs `write` until it no longer needs tenants it does not know. */
export async function withTenants<T>(
  lookup: TenantLookup,
  known: readonly TenantName[],
  write: (dir: TenantDirectory) => Promise<T>,
): Promise<T> {
  const dir = new TenantDirectory(known);
  for (let run = 1; ; run++) {
    try {
      return await write(dir);
    } catch (e) {
      if (!(e instanceof TenantsNeeded) || run >= MAX_RUNS) throw e;
      await dir.load(lookup);
    }
  }
}

/** The stored form of a reference to a tenant: `/api/tenant/<uuid>#<name>`. */
export function tenantRef(t: TenantName): string {
  return `/api/tenant/${t.tenant}#${t.name}`;
}

/** The tenant a stored `tenant_ref` names (uuid, and the name after `#` when there is one). */
export function tenantOfRef(ref: unknown, fallback: string): TenantName {
  if (typeof ref !== 'string') return { tenant: fallback, name: fallback };
  const hash = ref.indexOf('#');
  const tenant = referenceUuid(ref);
  return { tenant, name: hash >= 0 ? ref.slice(hash + 1) : tenant };
}
