// UpgradeStatusInfo use cases. Each one: authorize (tenant scope) → load → apply the rules →
// validate → store. The HTTP layer never sees past this class; storage never sees a request.
import { ApiError, errors } from '../errors/catalogue.js';
import { UpgradeStatusInfo } from '../domain/schema/index.js';
import { validateBody } from '../domain/validation/validate.js';
import { normalizeReferences, type ReferenceContext } from '../domain/references.js';
import { applyDefaults } from '../domain/defaults.js';
import { newObjectUuid, nextLastModified, UUID_PATTERN } from '../domain/identity.js';
import type { ListParams } from '../domain/query/list-params.js';
import { applyPatch, parsePatchBody, ENVELOPE_OPS, type PatchBody } from '../domain/patch/index.js';
import {
  ConflictError,
  type ListResult,
  type StoredObject,
  type UpgradeStatusStore,
} from '../storage/types.js';

/** Who is asking, and where: later issues add the user, role and API version. */
export interface RequestContext {
  /** The tenant the request acts in (its uuid). */
  tenant: string;
}

export interface CreateOptions {
  /** The `Slug` header: forces the new object's uuid. */
  slug?: string;
}

export class UpgradeStatusService {
  constructor(private readonly store: UpgradeStatusStore) {}

  async create(ctx: RequestContext, body: unknown, opts: CreateOptions = {}): Promise<StoredObject> {
    const doc = this.prepare(ctx, body);
    const uuid = pickUuid(doc.uuid, opts.slug);
    const lastModified = nextLastModified();
    const stored: StoredObject = {
      uuid,
      tenant: ctx.tenant,
      lastModified,
      body: { ...doc, uuid, tenant_ref: tenantRef(ctx.tenant), _last_modified: lastModified },
    };
    try {
      await this.store.insert(stored);
    } catch (e) {
      throw mapConflict(e, stored);
    }
    return stored;
  }

  async get(ctx: RequestContext, uuid: string): Promise<StoredObject> {
    const found = await this.store.get(uuid, ctx.tenant);
    if (!found) throw errors.notFound();
    return found;
  }

  /**
   * Full replacement: omitted fields go back to their defaults; uuid and tenant stay.
   * `ifMatch` (header) or a `_last_modified` in the body older than the stored one → 412.
   */
  async replace(ctx: RequestContext, uuid: string, body: unknown, ifMatch?: string): Promise<StoredObject> {
    const { value, lastModified: seen } = validateBody(UpgradeStatusInfo, body);
    if (value.uuid !== undefined && value.uuid !== uuid) {
      throw new ApiError(
        400,
        `Field 'uuid' (${String(value.uuid)}) does not match the object's uuid (${uuid}).`,
      );
    }
    const doc = this.finish(ctx, value);
    try {
      const updated = await this.store.update(uuid, ctx.tenant, (current) => {
        rejectStale(current, seen ?? ifMatch);
        const lastModified = nextLastModified(current.lastModified);
        return {
          ...current,
          lastModified,
          body: { ...doc, uuid, tenant_ref: current.body.tenant_ref, _last_modified: lastModified },
        };
      });
      if (!updated) throw errors.notFound();
      return updated;
    } catch (e) {
      throw mapConflict(e, { body: doc });
    }
  }

  /**
   * PATCH in either form. The patch applies to a copy of the stored object inside the store's
   * per-object read-modify-write, the result is validated like a POST, and only then stored.
   */
  async patch(ctx: RequestContext, uuid: string, body: unknown, ifMatch?: string): Promise<StoredObject> {
    const parsed = parsePatchBody(body);
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
        normalized[op] = normalizeReferences(UpgradeStatusInfo, fields, this.referenceContext(ctx));
      }
      if (ops.length === 0) return this.get(ctx, uuid); // `{}`: the object as it is
      patchBody = normalized;
    } else {
      ops.push('json_patch');
    }
    try {
      const updated = await this.store.update(uuid, ctx.tenant, (current) => {
        rejectStale(current, seen);
        const patched = applyPatch(UpgradeStatusInfo, current.body, patchBody);
        // The stored object is valid already: only the top-level members the patch touched need
        // validating, normalising and defaults; the rest is shared with the stored version.
        const touched = touchedMembers(parsed);
        const partial = touched ? pick(patched, touched) : patched;
        const doc = this.finish(
          ctx,
          withPatchContext(ops, () => validateBody(UpgradeStatusInfo, partial).value),
        );
        const merged = touched ? mergeTouched(current.body, doc, touched) : doc;
        const lastModified = nextLastModified(current.lastModified);
        return {
          ...current,
          lastModified,
          body: { ...merged, uuid, tenant_ref: current.body.tenant_ref, _last_modified: lastModified },
        };
      });
      if (!updated) throw errors.notFound();
      return updated;
    } catch (e) {
      throw mapConflict(e, { body: {} });
    }
  }

  async remove(ctx: RequestContext, uuid: string): Promise<void> {
    if (!(await this.store.delete(uuid, ctx.tenant))) throw errors.notFound();
  }

  async list(ctx: RequestContext, params: ListParams): Promise<ListResult> {
    return this.store.list({
      tenant: ctx.tenant,
      filters: params.filters,
      sort: params.sort,
      offset: (params.page - 1) * params.pageSize,
      limit: params.pageSize,
    });
  }

  /** Validate a whole body and bring it to its stored form. */
  private prepare(ctx: RequestContext, body: unknown): Record<string, unknown> {
    return this.finish(ctx, validateBody(UpgradeStatusInfo, body).value);
  }

  private referenceContext(ctx: RequestContext): ReferenceContext {
    return {
      tenant: ctx.tenant,
      resolveName: (type, name) => (type === 'tenant' && name === 'admin' ? 'admin' : undefined),
    };
  }

  private finish(ctx: RequestContext, value: Record<string, unknown>): Record<string, unknown> {
    const normalized = normalizeReferences(UpgradeStatusInfo, value, this.referenceContext(ctx));
    if (
      typeof normalized.tenant_ref === 'string' &&
      !normalized.tenant_ref.startsWith(`/api/tenant/${ctx.tenant}`)
    ) {
      // Until tenancy lands every object lives in the request's tenant.
      throw new ApiError(400, `Field 'tenant_ref': tenant does not exist or is not the request's tenant.`);
    }
    return applyDefaults(UpgradeStatusInfo, normalized);
  }
}

function tenantRef(tenant: string): string {
  return tenant === 'admin' ? '/api/tenant/admin#admin' : `/api/tenant/${tenant}`;
}

function pickUuid(fromBody: unknown, slug: string | undefined): string {
  if (slug !== undefined && fromBody !== undefined && slug !== fromBody) {
    throw new ApiError(400, `The Slug header (${slug.slice(0, 64)}) and field 'uuid' disagree.`);
  }
  const chosen = slug ?? (fromBody as string | undefined);
  if (chosen === undefined) return newObjectUuid();
  if (!UUID_PATTERN.test(chosen)) {
    throw new ApiError(
      400,
      `Invalid uuid '${chosen.slice(0, 64)}': use letters, digits, '-', '_', '.' or ':'.`,
    );
  }
  return chosen;
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
