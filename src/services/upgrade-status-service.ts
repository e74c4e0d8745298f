// UpgradeStatusInfo use cases. Each one: authorize (tenant scope) → load → apply the rules →
// validate → store. The HTTP layer never sees past this class; storage never sees a request.
import { ApiError, errors } from '../errors/catalogue.js';
import { UpgradeStatusInfo } from '../domain/schema/index.js';
import { validateBody } from '../domain/validation/validate.js';
import { normalizeReferences, referenceUuid, type ReferenceContext } from '../domain/references.js';
import { applyDefaults } from '../domain/defaults.js';
import { chosenUuid, nextLastModified } from '../domain/identity.js';
import type { ListParams } from '../domain/query/list-params.js';
import { applyPatch, parsePatchBody, schemaAt, ENVELOPE_OPS, type PatchBody } from '../domain/patch/index.js';
import {
  fieldExistsIn,
  fieldTooNew,
  holdsHiddenField,
  mergeHiddenFields,
  rejectNewerFields,
  seesAllFields,
  type ApiVersion,
} from '../domain/versioning/index.js';
import { rejectTierViolations, type LicenseTier } from '../domain/editions/index.js';
import { SINCE } from '../domain/schema/dsl.js';
import { asNode, isRecord, setOwn, type SchemaNode } from '../domain/validation/nodes.js';
import {
  ConflictError,
  type ListResult,
  type StoredObject,
  type StoredTenant,
  type UpgradeStatusStore,
} from '../storage/types.js';
import type { Principal } from '../domain/auth/principal.js';
import { authorize, authorizeAllTenants, type UpgradeStatusAction } from '../policies/upgrade-status-info.js';
import { canSeeTenant } from '../policies/tenant.js';
import {
  tenantOfRef,
  tenantRef,
  withTenants,
  type TenantDirectory,
  type TenantLookup,
  type TenantName,
} from './tenant-directory.js';

/** Who is asking, where, and in which API version. */
export interface RequestContext {
  /** The user the request acts for, with its roles. */
  principal: Principal;
  /** The tenant the request acts in (its uuid); null: every tenant (`X-Avi-Tenant: *`). */
  tenant: string | null;
  /** The name of `tenant` (defaults to its uuid). */
  tenantName?: string;
  /**
   * The request's API version (`X-Avi-Version`): writes carrying a field it does not have are
   * refused, and full replacements keep the stored fields it cannot see. Undefined: every field
   * (internal callers).
   */
  version?: ApiVersion;
}

export interface CreateOptions {
  /** The `Slug` header: forces the new object's uuid. */
  slug?: string;
}

export class UpgradeStatusService {
  constructor(
    private readonly store: UpgradeStatusStore,
    private readonly tenants: TenantLookup,
    /** The controller's license tier (LICENSE_TIER): ESSENTIALS and BASIC cannot set enterprise-only fields. */
    private readonly licenseTier: LicenseTier = 'ENTERPRISE',
  ) {}

  /**
   * Creates in the request's tenant, or in the tenant a `tenant_ref` of the body names (whatever
   * the request's tenant), if the principal may write there. Never in the all-tenants view.
   */
  async create(ctx: RequestContext, body: unknown, opts: CreateOptions = {}): Promise<StoredObject> {
    if (ctx.tenant === null) authorizeAllTenants(ctx.principal, 'create');
    const home = requestTenant(ctx);
    const version = olderVersion(ctx);
    if (version) rejectNewerFields(UpgradeStatusInfo, body, version);
    const { value } = validateBody(UpgradeStatusInfo, body);
    return withTenants(visibleTo(this.tenants, ctx.principal), [home], async (dir) => {
      const doc = this.finish(home, dir, value);
      rejectTierViolations(UpgradeStatusInfo, undefined, doc, this.licenseTier);
      const target = this.placement(ctx, home, dir, doc, 'create');
      const uuid = pickUuid(doc.uuid, opts.slug);
      const lastModified = nextLastModified();
      const stored: StoredObject = {
        uuid,
        tenant: target.tenant,
        lastModified,
        body: { ...doc, uuid, tenant_ref: tenantRef(target), _last_modified: lastModified },
      };
      try {
        await this.store.insert(stored);
      } catch (e) {
        throw mapConflict(e, stored);
      }
      return stored;
    });
  }

  async get(ctx: RequestContext, uuid: string): Promise<StoredObject> {
    authorizeScope(ctx, 'read');
    const found = await this.store.get(uuid, ctx.tenant);
    if (!found) throw errors.notFound();
    return found;
  }

  /**
   * Full replacement: omitted fields go back to their defaults; the uuid stays, and so does the
   * tenant unless the body's `tenant_ref` names another one the principal may write in.
   * `ifMatch` (header) or a `_last_modified` in the body older than the stored one → 412.
   */
  async replace(ctx: RequestContext, uuid: string, body: unknown, ifMatch?: string): Promise<StoredObject> {
    const home = await this.homeOf(ctx, uuid, 'update');
    const version = olderVersion(ctx);
    if (version) rejectNewerFields(UpgradeStatusInfo, body, version);
    const { value, lastModified: seen } = validateBody(UpgradeStatusInfo, body);
    if (value.uuid !== undefined && value.uuid !== uuid) {
      throw new ApiError(
        400,
        `Field 'uuid' (${String(value.uuid)}) does not match the object's uuid (${uuid}).`,
      );
    }
    return withTenants(visibleTo(this.tenants, ctx.principal), [home], async (dir) => {
      const doc = this.finish(home, dir, value);
      const target = this.placement(ctx, home, dir, doc, 'update');
      const moved = target.tenant !== home.tenant;
      try {
        const updated = await this.store.update(uuid, home.tenant, (current) => {
          rejectStale(current, seen ?? ifMatch);
          const lastModified = nextLastModified(current.lastModified);
          const ref = moved ? tenantRef(target) : current.body.tenant_ref;
          const next = keepHidden(
            current,
            { ...doc, uuid, tenant_ref: ref, _last_modified: lastModified },
            version,
          );
          rejectTierViolations(UpgradeStatusInfo, current.body, next, this.licenseTier);
          return { ...current, tenant: target.tenant, lastModified, body: next };
        });
        if (!updated) throw errors.notFound();
        return updated;
      } catch (e) {
        throw mapConflict(e, { body: doc });
      }
    });
  }

  /**
   * PATCH in either form. The patch applies to a copy of the stored object inside the store's
   * per-object read-modify-write, the result is validated like a POST, and only then stored.
   */
  async patch(ctx: RequestContext, uuid: string, body: unknown, ifMatch?: string): Promise<StoredObject> {
    const home = await this.homeOf(ctx, uuid, 'update');
    return withTenants(visibleTo(this.tenants, ctx.principal), [home], (dir) =>
      this.patchIn(ctx, home, dir, uuid, body, ifMatch),
    );
  }

  /** PATCH of an object of `home`; it stays there (`tenant_ref` is the server's to set). */
  private async patchIn(
    ctx: RequestContext,
    home: TenantName,
    dir: TenantDirectory,
    uuid: string,
    body: unknown,
    ifMatch: string | undefined,
  ): Promise<StoredObject> {
    const parsed = parsePatchBody(body);
    const version = olderVersion(ctx);
    if (version) rejectNewerPatchFields(parsed, version);
    let patchBody: unknown = body;
    let seen = ifMatch;
    const ops: string[] = [];
    if (parsed.form === 'envelope') {
      const normalized: Record<string, unknown> = {};
      for (const op of ENVELOPE_OPS) {
        const value = parsed.body[op];
        if (value === undefined) continue;
        ops.push(op);
        const fields = value as Record<string, unknown>;
        if (seen === undefined && typeof fields._last_modified === 'string') seen = fields._last_modified;
        // References are compared by uuid when lists are matched: bring them to stored form first.
        // `delete` ignores the value of a field that is not a list, so that value is not checked.
        const given = op === 'delete' || op === 'remove' ? ignoredValuesCleared(fields) : fields;
        normalized[op] = normalizeReferences(UpgradeStatusInfo, given, referenceContext(home, dir));
      }
      dir.complete();
      if (ops.length === 0) return this.getIn(home.tenant, uuid); // `{}`: the object as it is
      patchBody = normalized;
    } else {
      ops.push('json_patch');
    }
    try {
      const updated = await this.store.update(uuid, home.tenant, (current) => {
        rejectStale(current, seen);
        // A nested object or list item replaced at an old version keeps the members it cannot see.
        const patched = keepHidden(current, applyPatch(UpgradeStatusInfo, current.body, patchBody), version);
        // The stored object is valid already: only the top-level members the patch touched need
        // validating, normalising and defaults; the rest is shared with the stored version.
        const touched = touchedMembers(parsed);
        const partial = touched ? pick(patched, touched) : patched;
        // Entries of touched lists that the patch carried over unchanged are valid already.
        const trusted = touched ? storedEntries(current.body, touched) : undefined;
        const doc = this.finish(
          home,
          dir,
          withPatchContext(ops, () => validateBody(UpgradeStatusInfo, partial, { trusted }).value),
          trusted,
        );
        const merged = touched ? mergeTouched(current.body, doc, touched) : doc;
        const lastModified = nextLastModified(current.lastModified);
        const next = { ...merged, uuid, tenant_ref: current.body.tenant_ref, _last_modified: lastModified };
        rejectTierViolations(UpgradeStatusInfo, current.body, next, this.licenseTier);
        return { ...current, lastModified, body: next };
      });
      if (!updated) throw errors.notFound();
      return updated;
    } catch (e) {
      throw mapConflict(e, { body: {} });
    }
  }

  async remove(ctx: RequestContext, uuid: string): Promise<void> {
    const home = await this.homeOf(ctx, uuid, 'delete');
    if (!(await this.store.delete(uuid, home.tenant))) throw errors.notFound();
  }

  async list(ctx: RequestContext, params: ListParams): Promise<ListResult> {
    authorizeScope(ctx, 'read');
    return this.store.list({
      tenant: ctx.tenant,
      filters: params.filters,
      sort: params.sort,
      offset: (params.page - 1) * params.pageSize,
      limit: params.pageSize,
    });
  }

  private async getIn(tenant: string, uuid: string): Promise<StoredObject> {
    const found = await this.store.get(uuid, tenant);
    if (!found) throw errors.notFound();
    return found;
  }

  /**
   * The tenant of the object a write acts on, once the principal may `action` there: the
   * request's tenant (checked before anything is read), or in the all-tenants view the tenant
   * the object lives in (404 when there is no such object).
   */
  private async homeOf(ctx: RequestContext, uuid: string, action: UpgradeStatusAction): Promise<TenantName> {
    if (ctx.tenant !== null) {
      const home = requestTenant(ctx);
      authorize(ctx.principal, action, home, home.name);
      return home;
    }
    authorizeAllTenants(ctx.principal, action);
    const found = await this.store.get(uuid, null);
    if (!found) throw errors.notFound();
    const home = { tenant: found.tenant, name: tenantOfRef(found.body.tenant_ref, found.tenant).name };
    authorize(ctx.principal, action, home, home.name);
    return home;
  }

  /**
   * Where a validated, normalised body places its object: the tenant its `tenant_ref` names, or
   * `home`. Another tenant must exist and allow the principal to write (403 otherwise).
   */
  private placement(
    ctx: RequestContext,
    home: TenantName,
    dir: TenantDirectory,
    doc: Record<string, unknown>,
    action: 'create' | 'update',
  ): TenantName {
    let target = home;
    if (typeof doc.tenant_ref === 'string') {
      const uuid = referenceUuid(doc.tenant_ref);
      if (uuid !== home.tenant) {
        const found = dir.byUuid(uuid);
        dir.complete();
        if (!found) throw errors.tenantDoesNotExist(tenantOfRef(doc.tenant_ref, uuid).name);
        target = found;
      }
    }
    if (target !== home || action === 'create') authorize(ctx.principal, action, target, target.name);
    return target;
  }

  /** Normalise references (tenants by name against the real tenants) and fill defaults. */
  private finish(
    home: TenantName,
    dir: TenantDirectory,
    value: Record<string, unknown>,
    trusted?: ReadonlySet<unknown>,
  ): Record<string, unknown> {
    dir.checkPlacement(value.tenant_ref);
    const normalized = normalizeReferences(UpgradeStatusInfo, value, referenceContext(home, dir));
    dir.complete();
    return applyDefaults(UpgradeStatusInfo, normalized, trusted);
  }
}

/**
 * The request's version when it lacks some field of the model (then the version rules apply);
 * undefined at the newest versions, which pay nothing for them.
 */
function olderVersion(ctx: RequestContext): ApiVersion | undefined {
  const v = ctx.version;
  return v !== undefined && !seesAllFields(UpgradeStatusInfo, v) ? v : undefined;
}

/**
 * `next` (a document a write at `version` would store) plus the stored fields `version` cannot
 * see, so that a write at an old version never loses newer data.
 */
function keepHidden(
  current: StoredObject,
  next: Record<string, unknown>,
  version: ApiVersion | undefined,
): Record<string, unknown> {
  if (!version || !holdsHiddenField(UpgradeStatusInfo, current.body, version)) return next;
  return mergeHiddenFields(UpgradeStatusInfo, current.body, next, version);
}

/**
 * The version rule for PATCH: the fields inside the envelope's operations, and for JSON Patch
 * every member a `path` or `from` passes through and every member of an operation's `value`
 * (checked against the model node at its path), must exist in `version`. Paths the model does not
 * know are left to the patch engine.
 */
function rejectNewerPatchFields(parsed: PatchBody, version: ApiVersion): void {
  if (parsed.form === 'envelope') {
    for (const op of ENVELOPE_OPS) {
      const fields = parsed.body[op];
      if (fields !== undefined) rejectNewerFields(UpgradeStatusInfo, fields, version);
    }
    return;
  }
  for (const raw of parsed.ops) {
    if (!isRecord(raw)) continue; // the patch engine refuses it
    const op = raw as { path?: unknown; from?: unknown; value?: unknown };
    for (const pointer of [op.from, op.path]) {
      const segments = pointerSegments(pointer);
      if (segments) rejectNewerPath(segments, version);
    }
    const segments = pointerSegments(op.path);
    if (segments && Object.hasOwn(op, 'value')) {
      const node = schemaAt(UpgradeStatusInfo, segments);
      if (node) rejectNewerFields(node, op.value, version);
    }
  }
}

/**
 * The fields of an envelope `delete`, with the value of every model field that is not a list (and
 * not `uuid`) set to null: the patch engine ignores those values, so they are not normalised.
 */
function ignoredValuesCleared(fields: Record<string, unknown>): Record<string, unknown> {
  const properties = asNode(UpgradeStatusInfo).properties ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    const node = Object.hasOwn(properties, key) ? properties[key] : undefined;
    setOwn(out, key, node && node.type !== 'array' && key !== 'uuid' ? null : fields[key]);
  }
  return out;
}

/** The members of a JSON Pointer (`/a/b~1c` → a, b/c); undefined when it is not one. */
function pointerSegments(pointer: unknown): string[] | undefined {
  if (typeof pointer !== 'string' || !pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Refuses a path through a member `version` does not have. */
function rejectNewerPath(segments: readonly string[], version: ApiVersion): void {
  let node: SchemaNode | undefined = asNode(UpgradeStatusInfo);
  for (const segment of segments) {
    if (!node) return;
    if (node.type === 'array') {
      node = node.items;
      continue;
    }
    const properties: Readonly<Record<string, SchemaNode>> = node.properties ?? {};
    if (!Object.hasOwn(properties, segment)) return;
    node = properties[segment] as SchemaNode;
    const since = Array.isArray(node[SINCE]) ? (node[SINCE] as string[]) : [];
    if (!fieldExistsIn(since, version)) throw fieldTooNew(segment, since, version);
  }
}

/**
 * The tenants `principal` holds a role in; any other is looked up as missing, so that a body
 * naming it (`tenant_ref`, at any depth) learns nothing of it: neither its uuid nor that it exists.
 */
function visibleTo(lookup: TenantLookup, principal: Principal): TenantLookup {
  const seen = (t: StoredTenant | undefined) => (t && canSeeTenant(principal, t.uuid) ? t : undefined);
  return {
    get: async (uuid) => seen(await lookup.get(uuid)),
    getByName: async (name) => seen(await lookup.getByName(name)),
  };
}

function referenceContext(home: TenantName, dir: TenantDirectory): ReferenceContext {
  return { tenant: home.tenant, resolveName: dir.resolveName };
}

/** The request's tenant; only for a request that names one (not the all-tenants view). */
function requestTenant(ctx: RequestContext): TenantName {
  const tenant = ctx.tenant as string;
  return { tenant, name: ctx.tenantName ?? tenant };
}

/** Reads need a right in the request's tenant, or access to every tenant for `*`. */
function authorizeScope(ctx: RequestContext, action: 'read'): void {
  if (ctx.tenant === null) authorizeAllTenants(ctx.principal, action);
  else authorize(ctx.principal, action, { tenant: ctx.tenant }, ctx.tenantName);
}

function pickUuid(fromBody: unknown, slug: string | undefined): string {
  if (slug !== undefined && fromBody !== undefined && slug !== fromBody) {
    throw new ApiError(400, `The Slug header (${slug.slice(0, 64)}) and field 'uuid' disagree.`);
  }
  return chosenUuid('upgradestatusinfo', slug ?? fromBody);
}

function rejectStale(current: StoredObject, seen: string | undefined): void {
  if (seen === undefined || seen === '') return;
  const cleaned = seen.replace(/^W\//, '').replace(/"/g, '');
  if (!/^\d{1,20}$/.test(cleaned))
    throw errors.invalidHeader('If-Match / _last_modified', 'a _last_modified value');
  if (BigInt(cleaned) < BigInt(current.lastModified)) throw errors.staleObject();
}

const SERVER_SET = new Set(['uuid', 'url', '_last_modified', 'tenant_ref']);

/**
 * The top-level members a patch can change (envelope field names; the first segment of every
 * JSON Patch path and from), or undefined when that cannot be told (then everything is checked).
 */
function touchedMembers(parsed: PatchBody): Set<string> | undefined {
  const out = new Set<string>();
  if (parsed.form === 'envelope') {
    for (const op of ENVELOPE_OPS) {
      const fields = parsed.body[op];
      if (fields && typeof fields === 'object') for (const k of Object.keys(fields)) out.add(k);
    }
  } else {
    for (const op of parsed.ops) {
      for (const pointer of [(op as { path?: unknown }).path, (op as { from?: unknown }).from]) {
        if (pointer === undefined) continue;
        const first = typeof pointer === 'string' ? /^\/([^/]*)/.exec(pointer)?.[1] : undefined;
        if (first === undefined) return undefined;
        out.add(first.replace(/~1/g, '/').replace(/~0/g, '~'));
      }
    }
  }
  for (const k of SERVER_SET) out.delete(k);
  return out;
}

/** The object entries of the stored document's touched lists: validated when they were stored. */
function storedEntries(stored: Record<string, unknown>, touched: Set<string>): Set<unknown> {
  const out = new Set<unknown>();
  for (const k of touched) {
    const v = stored[k];
    if (Array.isArray(v))
      for (const entry of v) if (entry !== null && typeof entry === 'object') out.add(entry);
  }
  return out;
}

function pick(obj: Record<string, unknown>, keys: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (Object.hasOwn(obj, k)) out[k] = obj[k];
  return out;
}

/** The stored body with each touched member replaced by its new value, or removed. */
function mergeTouched(
  stored: Record<string, unknown>,
  doc: Record<string, unknown>,
  touched: Set<string>,
): Record<string, unknown> {
  const out = { ...stored };
  for (const k of touched) {
    if (Object.hasOwn(doc, k)) out[k] = doc[k];
    else delete out[k];
  }
  return out;
}

/** Validation errors of a patched result say which operations produced it. */
function withPatchContext<T>(ops: string[], fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) {
      throw new ApiError(400, `PATCH (${ops.join(', ')}) would make the object invalid: ${e.message}`);
    }
    throw e;
  }
}

function mapConflict(e: unknown, obj: { uuid?: string; body: Record<string, unknown> }): unknown {
  if (e instanceof ConflictError) {
    return e.kind === 'uuid'
      ? errors.duplicateUuid(obj.uuid ?? '')
      : errors.duplicateName(String(obj.body.name));
  }
  return e;
}
