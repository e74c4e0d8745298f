// Versioned schema migrations, tracked in `PRAGMA user_version`. Each entry upgrades the
// schema from version i to i + 1. Migrations run inside one BEGIN IMMEDIATE transaction that
// re-reads the version after taking the write lock, so two processes opening the same file at
// once apply each step exactly once (the second waits on busy_timeout, then finds nothing to do).
import type Database from 'better-sqlite3';
import { CHANGES_KEPT } from '../types.js';

export const TABLE = 'upgrade_status_info';
export const COUNTS_TABLE = 'upgrade_status_info_counts';

const V1 = `
CREATE TABLE ${TABLE} (
  seq           INTEGER PRIMARY KEY,         -- creation order (rowid alias)
  uuid          TEXT NOT NULL UNIQUE,
  tenant        TEXT NOT NULL,
  name          TEXT,                        -- NULL: no name, never conflicts
  node_type     TEXT NOT NULL DEFAULT '',
  cloud         TEXT NOT NULL DEFAULT '',    -- uuid part of obj_cloud_ref
  state         TEXT,                        -- state.state
  progress      INTEGER,
  last_modified TEXT NOT NULL,
  -- bumped by every write; the document cache trusts an entry only at the current rev
  rev INTEGER NOT NULL DEFAULT 0,
  body          TEXT NOT NULL                -- the whole document, JSON
);

CREATE UNIQUE INDEX ${TABLE}_name_unique ON ${TABLE} (tenant, name, node_type, cloud)
  WHERE name IS NOT NULL;
CREATE INDEX ${TABLE}_tenant_seq ON ${TABLE} (tenant, seq);
CREATE INDEX ${TABLE}_tenant_name ON ${TABLE} (tenant, name);
CREATE INDEX ${TABLE}_tenant_node_type ON ${TABLE} (tenant, node_type);
CREATE INDEX ${TABLE}_tenant_state_progress ON ${TABLE} (tenant, state, progress);
CREATE INDEX ${TABLE}_tenant_progress ON ${TABLE} (tenant, progress);

-- Exact per-tenant row counts, kept by triggers, so an unfiltered count is one lookup.
CREATE TABLE ${COUNTS_TABLE} (
  tenant TEXT PRIMARY KEY,
  n      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER ${TABLE}_count_insert AFTER INSERT ON ${TABLE} BEGIN
  INSERT INTO ${COUNTS_TABLE} (tenant, n) VALUES (NEW.tenant, 1)
    ON CONFLICT (tenant) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ${TABLE}_count_delete AFTER DELETE ON ${TABLE} BEGIN
  UPDATE ${COUNTS_TABLE} SET n = n - 1 WHERE tenant = OLD.tenant;
END;

CREATE TRIGGER ${TABLE}_count_retenant AFTER UPDATE OF tenant ON ${TABLE}
  WHEN OLD.tenant IS NOT NEW.tenant BEGIN
  UPDATE ${COUNTS_TABLE} SET n = n - 1 WHERE tenant = OLD.tenant;
  INSERT INTO ${COUNTS_TABLE} (tenant, n) VALUES (NEW.tenant, 1)
    ON CONFLICT (tenant) DO UPDATE SET n = n + 1;
END;
`;

export const TENANT_TABLE = 'tenant';
export const USER_TABLE = 'auth_user';
export const SESSION_TABLE = 'auth_session';
export const THROTTLE_TABLE = 'login_throttle';
export const TOKEN_TABLE = 'user_token';

// Tenants, users, sessions, failed-login counters and user tokens. Sessions and tokens are kept
// under a SHA-256 digest of their secret and go with their user.
const V2 = `
CREATE TABLE ${TENANT_TABLE} (
  seq           INTEGER PRIMARY KEY,
  uuid          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL UNIQUE,
  last_modified TEXT NOT NULL,
  body          TEXT NOT NULL
);

CREATE TABLE ${USER_TABLE} (
  seq              INTEGER PRIMARY KEY,
  uuid             TEXT NOT NULL UNIQUE,
  username         TEXT NOT NULL UNIQUE,
  password_hash    TEXT NOT NULL,
  password_version INTEGER NOT NULL,
  tenants          TEXT NOT NULL DEFAULT '[]',   -- JSON array of tenant uuids the user refers to
  last_modified    TEXT NOT NULL,
  body             TEXT NOT NULL
);

CREATE TABLE ${SESSION_TABLE} (
  id_digest        TEXT PRIMARY KEY,
  user_uuid        TEXT NOT NULL REFERENCES ${USER_TABLE} (uuid) ON DELETE CASCADE,
  csrf_token       TEXT NOT NULL,
  password_version INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  idle_expires_at  INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ${SESSION_TABLE}_user ON ${SESSION_TABLE} (user_uuid);
CREATE INDEX ${SESSION_TABLE}_idle ON ${SESSION_TABLE} (idle_expires_at);
CREATE INDEX ${SESSION_TABLE}_expires ON ${SESSION_TABLE} (expires_at);

CREATE TABLE ${THROTTLE_TABLE} (
  key           TEXT PRIMARY KEY,
  failures      INTEGER NOT NULL,
  window_start  INTEGER NOT NULL,
  blocked_until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ${THROTTLE_TABLE}_window ON ${THROTTLE_TABLE} (window_start);

CREATE TABLE ${TOKEN_TABLE} (
  token_digest     TEXT PRIMARY KEY,
  user_uuid        TEXT NOT NULL REFERENCES ${USER_TABLE} (uuid) ON DELETE CASCADE,
  password_version INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ${TOKEN_TABLE}_user ON ${TOKEN_TABLE} (user_uuid);
CREATE INDEX ${TOKEN_TABLE}_expires ON ${TOKEN_TABLE} (expires_at);
`;

export const CHANGES_TABLE = 'upgrade_status_changes';

// The change feed: every committed write of an object leaves one row, written by triggers in the
// write's own transaction. A new row's seq is the largest plus one, and only the oldest rows are
// ever removed (the newest always stays), so a seq is never reused and a stream that resumes
// from a seq never misreads a later change as an old one (without AUTOINCREMENT's extra write).
const V3 = `
CREATE TABLE ${CHANGES_TABLE} (
  seq    INTEGER PRIMARY KEY,
  kind   TEXT NOT NULL,                 -- create | update | delete
  uuid   TEXT NOT NULL,
  tenant TEXT NOT NULL
);

CREATE TRIGGER ${TABLE}_change_insert AFTER INSERT ON ${TABLE} BEGIN
  INSERT INTO ${CHANGES_TABLE} (kind, uuid, tenant) VALUES ('create', NEW.uuid, NEW.tenant);
  DELETE FROM ${CHANGES_TABLE} WHERE seq <= last_insert_rowid() - ${CHANGES_KEPT};
END;
CREATE TRIGGER ${TABLE}_change_update AFTER UPDATE ON ${TABLE} BEGIN
  INSERT INTO ${CHANGES_TABLE} (kind, uuid, tenant) VALUES ('update', NEW.uuid, NEW.tenant);
  DELETE FROM ${CHANGES_TABLE} WHERE seq <= last_insert_rowid() - ${CHANGES_KEPT};
END;
CREATE TRIGGER ${TABLE}_change_delete AFTER DELETE ON ${TABLE} BEGIN
  INSERT INTO ${CHANGES_TABLE} (kind, uuid, tenant) VALUES ('delete', OLD.uuid, OLD.tenant);
  DELETE FROM ${CHANGES_TABLE} WHERE seq <= last_insert_rowid() - ${CHANGES_KEPT};
END;
`;

// A write that moves an object to another tenant is a delete in the old tenant and a create in
// the new one, so that a stream of either tenant hears what it can see of it.
const V4 = `
DROP TRIGGER ${TABLE}_change_update;
CREATE TRIGGER ${TABLE}_change_update AFTER UPDATE ON ${TABLE} WHEN OLD.tenant IS NEW.tenant BEGIN
  INSERT INTO ${CHANGES_TABLE} (kind, uuid, tenant) VALUES ('update', NEW.uuid, NEW.tenant);
  DELETE FROM ${CHANGES_TABLE} WHERE seq <= last_insert_rowid() - ${CHANGES_KEPT};
END;
CREATE TRIGGER ${TABLE}_change_retenant AFTER UPDATE ON ${TABLE} WHEN OLD.tenant IS NOT NEW.tenant BEGIN
  INSERT INTO ${CHANGES_TABLE} (kind, uuid, tenant) VALUES ('delete', OLD.uuid, OLD.tenant);
  INSERT INTO ${CHANGES_TABLE} (kind, uuid, tenant) VALUES ('create', NEW.uuid, NEW.tenant);
  DELETE FROM ${CHANGES_TABLE} WHERE seq <= last_insert_rowid() - ${CHANGES_KEPT};
END;
`;

/** Index i upgrades the schema from user_version i to i + 1. Append only; never edit a shipped entry. */
export const MIGRATIONS: readonly string[] = [V1, V2, V3, V4];

export const SCHEMA_VERSION = MIGRATIONS.length;

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the schema up to SCHEMA_VERSION; refuses a database written by a newer server. */
export function migrate(db: Database.Database): void {
  // Fast path without the write lock: already current.
  if (userVersion(db) === SCHEMA_VERSION) return;
  const run = db.transaction(() => {
    const current = userVersion(db);
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `database schema version ${current} is newer than this server supports (${SCHEMA_VERSION})`,
      );
    }
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] as string);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
  run.immediate();
}
