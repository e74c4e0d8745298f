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

/** The path segment meaning "any item of the list here": `['upgrade_events', '[]', 'task_name']`. */
export type AnyItem = '[]';
export const ANY_ITEM: AnyItem = '[]';

/**
 * A field's path in the document: member names (`['state', 'state']`), with ANY_ITEM wherever the
 * path steps into the items of a list. A filter on a path through a list holds when it holds for
 * at least one item (at every list level).
 */
export type FieldPath = readonly string[];

/**
 * A filter on the stored documents. A path that does not exist in a document never matches
 * (except under `not`). Reference fields hold the canonical `/api/<refType>/<uuid>[#<name>]`.
 */
export type Filter =
  /** The scalar at `path` equals `value` (a reference field: its uuid or its whole stored text). */
  | { op: 'eq'; path: FieldPath; value: Scalar }
  /** The scalar at `path` equals one of `values` (none: matches nothing). */
  | { op: 'in'; path: FieldPath; values: readonly Scalar[] }
  /** The scalar at `path` contains `value` as a substring (references: their full stored text). */
  | { op: 'contains'; path: FieldPath; value: string; caseInsensitive: boolean }
  /**
   * Some text or number at `path` or anywhere below it (every member of an object, every item of
   * a list) contains `value`; booleans read as `true`/`false`. `path` `[]`: the whole document.
   */
  | { op: 'containsText'; path: FieldPath; value: string; caseInsensitive: boolean }
  /** A value other than null is present at `path`. */
  | { op: 'exists'; path: FieldPath }
  /** The reference at `path` points to an object of `refType` (lowercase) with one of these uuids. */
  | { op: 'refUuid'; path: FieldPath; refType: string; values: readonly string[] }
  /** The reference at `path` (of `refType`) carries one of these names after `#`. */
  | { op: 'refName'; path: FieldPath; refType: string; values: readonly string[] }
  /** At least one of `filters` holds (none: matches nothing). */
  | { op: 'or'; filters: readonly Filter[] }
  /** `filter` does not hold (a document lacking the field matches). */
  | { op: 'not'; filter: Filter };

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

/** One stored Tenant: the document plus the columns its store looks it up by. */
export interface StoredTenant {
  /** `admin` for the admin tenant, `tenant-<uuid4>` otherwise. */
  uuid: string;
  name: string;
  lastModified: string;
  /** The stored document (canonical references, `uuid`, `_last_modified`; never `url`). */
  body: Record<string, unknown>;
}

export interface TenantStore {
  /** Throws ConflictError on a taken uuid or name. */
  insert(tenant: StoredTenant): Promise<void>;
  get(uuid: string): Promise<StoredTenant | undefined>;
  getByName(name: string): Promise<StoredTenant | undefined>;
  /** Every tenant, in creation order (tenants are few). */
  list(): Promise<StoredTenant[]>;
  /** Read-modify-write like UpgradeStatusStore.update; undefined when there is no such tenant. */
  update(uuid: string, change: (current: StoredTenant) => StoredTenant): Promise<StoredTenant | undefined>;
  /**
   * Removes the tenant unless objects live in it or users refer to it: then nothing is removed
   * and `referredBy` names some of them (`UpgradeStatusInfo <name>`, `User <username>`).
   */
  delete(uuid: string): Promise<{ deleted: boolean; referredBy: string[] }>;
}

/** One stored User. The password hash never appears in `body`. */
export interface StoredUser {
  /** `user-1` for the first admin, `user-<uuid4>` otherwise. */
  uuid: string;
  username: string;
  passwordHash: string;
  /** Bumped by every password change: sessions, tokens and cached credentials of older versions lapse. */
  passwordVersion: number;
  /** uuids of the tenants the access entries and the default tenant refer to. */
  tenants: string[];
  lastModified: string;
  body: Record<string, unknown>;
}

/** What the hot path checks of a user on every request: cheap to read, changes on every write. */
export interface UserStamp {
  lastModified: string;
  passwordVersion: number;
}

export interface UserStore {
  /** Throws ConflictError on a taken uuid or username. */
  insert(user: StoredUser): Promise<void>;
  get(uuid: string): Promise<StoredUser | undefined>;
  getByUsername(username: string): Promise<StoredUser | undefined>;
  stamp(uuid: string): Promise<UserStamp | undefined>;
  /** Every user, in creation order. */
  list(): Promise<StoredUser[]>;
  count(): Promise<number>;
  /** Read-modify-write; throws ConflictError when the new username is taken. */
  update(uuid: string, change: (current: StoredUser) => StoredUser): Promise<StoredUser | undefined>;
  /** Removes the user with its sessions and tokens; false when there was none. */
  delete(uuid: string): Promise<boolean>;
}

/** A login session. Only a digest of its id is stored. Times are ms since the epoch. */
export interface StoredSession {
  idDigest: string;
  userUuid: string;
  csrfToken: string;
  /** The user's password version at login. */
  passwordVersion: number;
  createdAt: number;
  idleExpiresAt: number;
  expiresAt: number;
}

export interface SessionStore {
  insert(session: StoredSession): Promise<void>;
  get(idDigest: string): Promise<StoredSession | undefined>;
  /** Moves the idle expiry (never past the absolute one). */
  touch(idDigest: string, idleExpiresAt: number): Promise<void>;
  delete(idDigest: string): Promise<void>;
  /** Removes sessions expired at `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** Failed logins of one key (a username or an address). Times are ms since the epoch. */
export interface LoginThrottleState {
  failures: number;
  windowStart: number;
  blockedUntil: number;
}

export interface LoginThrottleStore {
  get(key: string): Promise<LoginThrottleState | undefined>;
  /** Atomic read-modify-write of one key (also across processes); returns the stored state. */
  update(
    key: string,
    change: (current: LoginThrottleState | undefined) => LoginThrottleState,
  ): Promise<LoginThrottleState>;
  clear(key: string): Promise<void>;
  /** Removes the states not blocked at `now` whose window began more than `windowMs` before it. */
  purge(now: number, windowMs: number): Promise<void>;
}

/** A token from `POST /api/user-token`, usable once or more as `token` at login until it expires. */
export interface StoredUserToken {
  tokenDigest: string;
  userUuid: string;
  passwordVersion: number;
  createdAt: number;
  expiresAt: number;
}

export interface UserTokenStore {
  insert(token: StoredUserToken): Promise<void>;
  get(tokenDigest: string): Promise<StoredUserToken | undefined>;
  purgeExpired(now: number): Promise<number>;
}

/**
 * One committed write of an UpgradeStatusInfo, as the change feed reports it. A write that moves
 * an object to another tenant is two changes: a delete in the old tenant, a create in the new.
 */
export interface Change {
  /** Increases with every change, across every process sharing the database; never reused. */
  seq: number;
  kind: 'create' | 'update' | 'delete';
  uuid: string;
  tenant: string;
}

/**
 * The log of committed writes of UpgradeStatusInfo objects (written in the same transaction as
 * the write itself), for live streams that may resume where they left off. Only the newest
 * changes are kept (CHANGES_KEPT).
 */
export interface ChangeFeed {
  /** The changes with a seq above `seq`, oldest first, at most `limit`. */
  after(seq: number, limit: number): Promise<Change[]>;
  /** The seq of the newest change, 0 when there is none; and of the oldest still kept. */
  bounds(): Promise<{ oldest: number; newest: number }>;
  /**
   * Calls `listener` soon after changes are committed, by this process or any other sharing
   * the database (calls may be merged, or come when nothing changed). Returns the function
   * that stops it.
   */
  watch(listener: () => void): () => void;
}

/** How many of the newest changes the feed keeps: older ones are removed as new ones come. */
export const CHANGES_KEPT = 100_000;

/** Everything the server keeps. */
export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  readonly upgradeStatus: UpgradeStatusStore;
  readonly tenants: TenantStore;
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly loginThrottle: LoginThrottleStore;
  readonly userTokens: UserTokenStore;
  readonly changes: ChangeFeed;
  /** Cheap liveness probe of the database, for /api/cluster/status. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
