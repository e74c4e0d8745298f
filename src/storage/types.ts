// The storage interface. Services talk to this and nothing else; each adapter (one folder per
// database) implements it with the same file set. Bodies are opaque JSON documents here: the
// adapter derives its indexed columns from them (see indexed-fields.ts), so the domain never
// has to know which columns exist.

/** One stored UpgradeStatusInfo document. */
export interface StoredObject {
  uuid: string;
  /** The tenant's uuid (e.g. `admin`). */
  tenant: string;
  /** Microseconds since the epoch, as the decimal string the controller uses for `_last_modified`. */
  lastModified: string;
  /**
   * The stored document: every field as stored (references in canonical `/api/<type>/<uuid>[#name]`
   * form), including `uuid`, `tenant_ref` and `_last_modified`, never `url`.
   */
  body: Record<string, unknown>;
}

export type Scalar = string | number | boolean;

/** A filter on a field, addressed by its path in the document (`['state', 'state']`). */
export type Filter =
  | { op: 'eq'; path: readonly string[]; value: Scalar }
  | { op: 'in'; path: readonly string[]; values: readonly Scalar[] }
  | { op: 'contains'; path: readonly string[]; value: string; caseInsensitive: boolean };

export interface SortKey {
  path: readonly string[];
  descending: boolean;
}

export interface ListQuery {
  /** Only objects of this tenant; `null` spans every tenant. */
  tenant: string | null;
  filters: readonly Filter[];
  /** Empty: creation order, oldest first. Ties always fall back to creation order. */
  sort: readonly SortKey[];
  offset: number;
  limit: number;
}

export interface ListResult {
  /** Exact number of objects matching the query, whatever the page. */
  count: number;
  items: StoredObject[];
}

/** Raised by `insert` when the uuid, or the name within (tenant, node type, cloud), is taken. */
export class ConflictError extends Error {
  constructor(readonly kind: 'uuid' | 'name') {
    super(`conflict on ${kind}`);
    this.name = 'ConflictError';
  }
}

/** Raised when the database cannot be reached; the HTTP layer answers 503. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('database unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

export interface UpgradeStatusStore {
  /** Stores a new object. Throws ConflictError on a taken uuid or name. */
  insert(obj: StoredObject): Promise<void>;
  /** The object, if it exists in `tenant` (`null`: in any tenant). */
  get(uuid: string, tenant: string | null): Promise<StoredObject | undefined>;
  /**
   * Read-modify-write, serialized per object (also across processes sharing the database):
   * `change` runs synchronously on the current version and returns the next one, or throws to
   * leave the object unchanged (the error propagates). Returns undefined when there is no such
   * object in `tenant`. Throws ConflictError when the new name is taken.
   */
  update(
    uuid: string,
    tenant: string | null,
    change: (current: StoredObject) => StoredObject,
  ): Promise<StoredObject | undefined>;
  /** Removes the object; false when there was none in `tenant`. */
  delete(uuid: string, tenant: string | null): Promise<boolean>;
  list(query: ListQuery): Promise<ListResult>;
}

/** Everything the server keeps. Later issues add tenants, users and sessions here. */
export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  readonly upgradeStatus: UpgradeStatusStore;
  /** Cheap liveness probe of the database, for /api/cluster/status. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
