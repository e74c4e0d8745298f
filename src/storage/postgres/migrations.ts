// Versioned schema migrations, recorded one row per applied version in `schema_migrations`. Each
// entry upgrades the schema from version i to i + 1. All of it runs in one transaction that first
// takes a transaction-level advisory lock, then reads the version: two processes starting at once
// against a new database apply each step exactly once (the second waits for the lock, then finds
// nothing to do). DDL is transactional in PostgreSQL, so a failed step leaves no half schema.
//
// Tables and functions are created unqualified, in the connection's current schema (the first of
// its search_path), so one database can hold several independent stores in separate schemas.
import type { Queryable } from './statement-cache.js';
import { CHANGES_KEPT } from '../types.js';

export const TABLE = 'upgrade_status_info';
export const COUNTS_TABLE = 'upgrade_status_info_counts';
export const MIGRATIONS_TABLE = 'schema_migrations';

// Text columns use the "C" collation: byte order, as SQLite compares, and the same in every
// database whatever its default locale. Creation order is `seq` (an identity column).
const V1 = `
CREATE TABLE ${TABLE} (
  seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid          text COLLATE "C" NOT NULL UNIQUE,
  tenant        text COLLATE "C" NOT NULL,
  name          text COLLATE "C",                       -- NULL: no name, never conflicts
  node_type     text COLLATE "C" NOT NULL DEFAULT '',
  cloud         text COLLATE "C" NOT NULL DEFAULT '',   -- uuid part of obj_cloud_ref
  state         text COLLATE "C",                       -- state.state
  progress      double precision,
  last_modified text NOT NULL,
  body          jsonb NOT NULL                          -- the whole document
);

CREATE UNIQUE INDEX ${TABLE}_name_unique ON ${TABLE} (tenant, name, node_type, cloud)
  WHERE name IS NOT NULL;
CREATE INDEX ${TABLE}_tenant_seq ON ${TABLE} (tenant, seq);
-- NULLS FIRST: ascending sorts put a missing value first and descending ones last, as SQLite
-- does; a backward scan of these indexes serves the descending order.
CREATE INDEX ${TABLE}_tenant_name ON ${TABLE} (tenant, name NULLS FIRST);
CREATE INDEX ${TABLE}_tenant_node_type ON ${TABLE} (tenant, node_type);
CREATE INDEX ${TABLE}_tenant_state_progress ON ${TABLE} (tenant, state NULLS FIRST, progress NULLS FIRST);
CREATE INDEX ${TABLE}_tenant_progress ON ${TABLE} (tenant, progress NULLS FIRST);

-- Exact per-tenant row counts, kept by a trigger, so an unfiltered count is one lookup.
CREATE TABLE ${COUNTS_TABLE} (
  tenant text COLLATE "C" PRIMARY KEY,
  n      bigint NOT NULL
);

CREATE FUNCTION ${TABLE}_count() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE ${COUNTS_TABLE} SET n = n - 1 WHERE tenant = OLD.tenant;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO ${COUNTS_TABLE} AS c (tenant, n) VALUES (NEW.tenant, 1)
      ON CONFLICT (tenant) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER ${TABLE}_count_insert_delete AFTER INSERT OR DELETE ON ${TABLE}
  FOR EACH ROW EXECUTE FUNCTION ${TABLE}_count();
CREATE TRIGGER ${TABLE}_count_retenant AFTER UPDATE OF tenant ON ${TABLE}
  FOR EACH ROW WHEN (OLD.tenant IS DISTINCT FROM NEW.tenant) EXECUTE FUNCTION ${TABLE}_count();
`;

export const TENANT_TABLE = 'tenant';
export const USER_TABLE = 'auth_user';
export const SESSION_TABLE = 'auth_session';
export const THROTTLE_TABLE = 'login_throttle';
export const TOKEN_TABLE = 'user_token';

// Tenants, users, sessions, failed-login counters and user tokens. Sessions and tokens are kept
// under a SHA-256 digest of their secret and go with their user. Times: ms since the epoch.
const V2 = `
CREATE TABLE ${TENANT_TABLE} (
  seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid          text COLLATE "C" NOT NULL UNIQUE,
  name          text COLLATE "C" NOT NULL UNIQUE,
  last_modified text NOT NULL,
  body          jsonb NOT NULL
);

CREATE TABLE ${USER_TABLE} (
  seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid             text COLLATE "C" NOT NULL UNIQUE,
  username         text COLLATE "C" NOT NULL UNIQUE,
  password_hash    text NOT NULL,
  password_version integer NOT NULL,
  tenants          text[] NOT NULL DEFAULT '{}',   -- uuids of the tenants the user refers to
  last_modified    text NOT NULL,
  body             jsonb NOT NULL
);
CREATE INDEX ${USER_TABLE}_tenants ON ${USER_TABLE} USING gin (tenants);

CREATE TABLE ${SESSION_TABLE} (
  id_digest        text PRIMARY KEY,
  user_uuid        text COLLATE "C" NOT NULL REFERENCES ${USER_TABLE} (uuid) ON DELETE CASCADE,
  csrf_token       text NOT NULL,
  password_version integer NOT NULL,
  created_at       bigint NOT NULL,
  idle_expires_at  bigint NOT NULL,
  expires_at       bigint NOT NULL
);
CREATE INDEX ${SESSION_TABLE}_user ON ${SESSION_TABLE} (user_uuid);
CREATE INDEX ${SESSION_TABLE}_idle ON ${SESSION_TABLE} (idle_expires_at);
CREATE INDEX ${SESSION_TABLE}_expires ON ${SESSION_TABLE} (expires_at);

CREATE TABLE ${THROTTLE_TABLE} (
  key           text PRIMARY KEY,
  failures      integer NOT NULL,
  window_start  bigint NOT NULL,
  blocked_until bigint NOT NULL
);
CREATE INDEX ${THROTTLE_TABLE}_window ON ${THROTTLE_TABLE} (window_start);

CREATE TABLE ${TOKEN_TABLE} (
  token_digest     text PRIMARY KEY,
  user_uuid        text COLLATE "C" NOT NULL REFERENCES ${USER_TABLE} (uuid) ON DELETE CASCADE,
  password_version integer NOT NULL,
  created_at       bigint NOT NULL,
  expires_at       bigint NOT NULL
);
CREATE INDEX ${TOKEN_TABLE}_user ON ${TOKEN_TABLE} (user_uuid);
CREATE INDEX ${TOKEN_TABLE}_expires ON ${TOKEN_TABLE} (expires_at);
`;

export const CHANGES_TABLE = 'upgrade_status_changes';
/** The channel every committed object write notifies (pg_notify), for the change feed's LISTEN. */
export const CHANGES_CHANNEL = 'upgrade_status_changes';
/** Old changes are removed at every this many seqs (so between CHANGES_KEPT and this many more stay). */
export const CHANGES_PRUNE_EVERY = 1000;
/** The advisory lock (two int4 keys) that orders change seqs by commit: 'AVIU', 2. */
export const CHANGES_LOCK: readonly [number, number] = [0x41564955, 2];

// The change feed: every committed write of an object leaves one row (a move to another tenant:
// a delete in the old tenant and a create in the new one), written by a deferred trigger in the
// write's own transaction, at its commit. The trigger takes a transaction-level advisory lock
// before it draws the seq, held until the commit is visible, so seqs follow commit order: a
// reader that sees seq n sees every smaller one still kept (a plain sequence default would let
// a slow transaction commit a smaller seq after a reader had moved past it). Commits that notify
// are serialized by PostgreSQL anyway (the NOTIFY queue lock), so the lock adds little (about a
// tenth of the trigger's cost; the notify costs the most). Only the newest rows are kept.
const V3 = `
CREATE SEQUENCE ${CHANGES_TABLE}_seq AS bigint;
CREATE TABLE ${CHANGES_TABLE} (
  seq    bigint PRIMARY KEY,
  kind   text NOT NULL,                    -- create | update | delete
  uuid   text COLLATE "C" NOT NULL,
  tenant text COLLATE "C" NOT NULL
);

CREATE FUNCTION ${TABLE}_change() RETURNS trigger LANGUAGE plpgsql
  SET search_path FROM CURRENT AS $$
DECLARE
  s bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(${CHANGES_LOCK[0]}, ${CHANGES_LOCK[1]});
  IF TG_OP = 'INSERT' THEN
    s := nextval('${CHANGES_TABLE}_seq');
    INSERT INTO ${CHANGES_TABLE} VALUES (s, 'create', NEW.uuid, NEW.tenant);
  ELSIF TG_OP = 'DELETE' THEN
    s := nextval('${CHANGES_TABLE}_seq');
    INSERT INTO ${CHANGES_TABLE} VALUES (s, 'delete', OLD.uuid, OLD.tenant);
  ELSIF OLD.tenant IS DISTINCT FROM NEW.tenant THEN
    s := nextval('${CHANGES_TABLE}_seq');
    INSERT INTO ${CHANGES_TABLE} VALUES (s, 'delete', OLD.uuid, OLD.tenant);
    s := nextval('${CHANGES_TABLE}_seq');
    INSERT INTO ${CHANGES_TABLE} VALUES (s, 'create', NEW.uuid, NEW.tenant);
  ELSE
    s := nextval('${CHANGES_TABLE}_seq');
    INSERT INTO ${CHANGES_TABLE} VALUES (s, 'update', NEW.uuid, NEW.tenant);
  END IF;
  -- Old rows go a thousand at a time, oldest first along the primary key (a range delete on every
  -- write would be planned, without statistics, as a scan of the whole table). A boundary passed
  -- over (two seqs in one call) is caught up at the next one.
  IF s % ${CHANGES_PRUNE_EVERY} = 0 THEN
    DELETE FROM ${CHANGES_TABLE} WHERE seq IN (
      SELECT seq FROM ${CHANGES_TABLE} WHERE seq <= s - ${CHANGES_KEPT}
      ORDER BY seq LIMIT ${3 * CHANGES_PRUNE_EVERY});
  END IF;
  PERFORM pg_notify('${CHANGES_CHANNEL}', '');
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ${TABLE}_change AFTER INSERT OR UPDATE OR DELETE ON ${TABLE}
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${TABLE}_change();
`;

/** Index i upgrades the schema from version i to i + 1. Append only; never edit a shipped entry. */
export const MIGRATIONS: readonly string[] = [V1, V2, V3];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The advisory lock (two int4 keys) held while migrating: 'AVIU', 1. */
export const MIGRATION_LOCK: readonly [number, number] = [0x41564955, 1];

/** Brings the schema up to SCHEMA_VERSION; refuses a database written by a newer server. */
export async function migrate(db: Queryable): Promise<void> {
  await db.query('BEGIN');
  try {
    await db.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK[0]}, ${MIGRATION_LOCK[1]})`);
    await db.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (` +
        `version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await db.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${MIGRATIONS_TABLE}`,
    );
    const current = rows[0]?.v ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `database schema version ${current} is newer than this server supports (${SCHEMA_VERSION})`,
      );
    }
    for (let v = current; v < SCHEMA_VERSION; v++) {
      await db.query(MIGRATIONS[v] as string);
      await db.query(`INSERT INTO ${MIGRATIONS_TABLE} (version) VALUES (${v + 1})`);
    }
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
