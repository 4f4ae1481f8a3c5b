//! The SQLite schema as embedded, ordered migrations. Each entry runs once, in order, tracked by
//! `PRAGMA user_version`; a released migration is never edited, only followed by a new one.
//!
//! Events are kept as zstd-compressed JSON (`events.data`) with the columns the Web API filters
//! and sorts on beside them. Issues (`groups`, Sentry's name) carry their counters so the issue
//! list never scans events; hourly buckets feed sparklines.

use rusqlite_migration::{M, Migrations};

const V1: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE organizations (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    date_created REAL NOT NULL
);

CREATE TABLE projects (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations(id),
    slug          TEXT NOT NULL,
    name          TEXT NOT NULL,
    platform      TEXT,
    date_created  REAL NOT NULL,
    next_short_id INTEGER NOT NULL DEFAULT 1,
    scrub_data    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (org_id, slug)
);

CREATE TABLE project_keys (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    public_key   TEXT NOT NULL UNIQUE,
    secret_key   TEXT NOT NULL,
    is_active    INTEGER NOT NULL DEFAULT 1,
    date_created REAL NOT NULL
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token        TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL,
    date_created REAL NOT NULL
);

CREATE TABLE releases (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    version    TEXT NOT NULL,
    first_seen REAL NOT NULL,
    last_seen  REAL NOT NULL,
    PRIMARY KEY (project_id, version)
) WITHOUT ROWID;

CREATE TABLE groups (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    short_id         INTEGER NOT NULL,
    title            TEXT NOT NULL,
    culprit          TEXT,
    location         TEXT,
    type             TEXT NOT NULL,
    metadata         TEXT NOT NULL,
    level            TEXT NOT NULL,
    platform         TEXT,
    logger           TEXT,
    status           TEXT NOT NULL DEFAULT 'unresolved',
    substatus        TEXT,
    resolution       TEXT,
    snooze           TEXT,
    priority         INTEGER,
    priority_locked_at REAL,
    first_seen       REAL NOT NULL,
    last_seen        REAL NOT NULL,
    times_seen       INTEGER NOT NULL DEFAULT 0,
    user_count       INTEGER NOT NULL DEFAULT 0,
    first_release    TEXT,
    last_release     TEXT,
    is_unhandled     INTEGER NOT NULL DEFAULT 0,
    status_changed_at REAL,
    UNIQUE (project_id, short_id)
);
CREATE INDEX groups_project_last_seen ON groups (project_id, last_seen DESC);
CREATE INDEX groups_last_seen ON groups (last_seen DESC);
CREATE INDEX groups_status_last_seen ON groups (status, last_seen DESC);

CREATE TABLE group_hashes (
    project_id INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, hash)
) WITHOUT ROWID;
CREATE INDEX group_hashes_group ON group_hashes (group_id);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL,
    event_id    TEXT NOT NULL,
    group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    timestamp   REAL NOT NULL,
    received    REAL NOT NULL,
    level       TEXT NOT NULL,
    environment TEXT,
    release     TEXT,
    user_key    TEXT,
    size        INTEGER NOT NULL,
    data        BLOB NOT NULL,
    UNIQUE (project_id, event_id)
);
CREATE INDEX events_group_time ON events (group_id, timestamp);

CREATE TABLE group_stats (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    hour     INTEGER NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (group_id, hour)
) WITHOUT ROWID;

CREATE TABLE group_users (
    group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_key   TEXT NOT NULL,
    first_seen REAL NOT NULL,
    last_seen  REAL NOT NULL,
    PRIMARY KEY (group_id, user_key)
) WITHOUT ROWID;

CREATE TABLE group_tags (
    group_id   INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    times_seen INTEGER NOT NULL,
    first_seen REAL NOT NULL,
    last_seen  REAL NOT NULL,
    PRIMARY KEY (group_id, key, value)
) WITHOUT ROWID;

CREATE TABLE activities (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    type         TEXT NOT NULL,
    data         TEXT NOT NULL,
    user_id      TEXT,
    date_created REAL NOT NULL
);
CREATE INDEX activities_group ON activities (group_id, date_created);

-- Envelope items other than error events (transactions, sessions, attachments, feedback,
-- check-ins, client reports, user reports), kept for later screens.
CREATE TABLE items (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    event_id   TEXT,
    received   REAL NOT NULL,
    header     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    data       BLOB NOT NULL
);
CREATE INDEX items_kind_time ON items (project_id, kind, received);
CREATE INDEX items_event ON items (event_id);
"#;

/// Ignore conditions count events and users by arrival time; envelope items are stored once
/// even when an SDK retries.
const V2: &str = r#"
CREATE INDEX events_group_received ON events (group_id, received);
CREATE UNIQUE INDEX items_once ON items (project_id, kind, event_id, header) WHERE event_id IS NOT NULL;
"#;

/// Triage through the Web API: people (one local user to start), assignment, bookmarks, "seen"
/// marks, the For Review inbox, and the environments each project has sent.
const V3: &str = r#"
CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    username     TEXT NOT NULL UNIQUE,
    email        TEXT,
    name         TEXT NOT NULL,
    date_created REAL NOT NULL
);
INSERT INTO users (id, username, email, name, date_created)
    VALUES (1, 'local', NULL, 'Local user', CAST(strftime('%s', 'now') AS REAL));

ALTER TABLE groups ADD COLUMN assignee TEXT;
ALTER TABLE groups ADD COLUMN reviewed_at REAL;

CREATE TABLE group_bookmarks (
    group_id     INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    date_created REAL NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

CREATE TABLE group_seen (
    group_id  INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    last_seen REAL NOT NULL,
    PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;

CREATE TABLE environments (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    first_seen REAL NOT NULL,
    PRIMARY KEY (project_id, name)
) WITHOUT ROWID;
INSERT OR IGNORE INTO environments (project_id, name, first_seen)
    SELECT g.project_id, t.value, min(t.first_seen)
    FROM group_tags t JOIN groups g ON g.id = t.group_id
    WHERE t.key = 'environment'
    GROUP BY g.project_id, t.value;

CREATE INDEX groups_first_seen ON groups (first_seen DESC);
CREATE INDEX activities_type ON activities (group_id, type);
"#;

/// Blobs written from here on are compressed with a zstd dictionary ([`super::codec`]), which
/// builds from before it cannot read; the new version makes them refuse the store up front
/// instead of failing on every event.
const V4: &str = r#"
INSERT OR REPLACE INTO meta (key, value) VALUES ('blob_compression', 'zstd with dictionaries');
"#;

/// Every schema version, oldest first.
const MIGRATIONS: &[M<'static>] = &[M::up(V1), M::up(V2), M::up(V3), M::up(V4)];

/// All migrations, oldest first.
pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// Brings `conn` to the latest schema. A store written by a newer sift (a higher schema version
/// than this build knows) is refused with a message that says so, before anything is read.
pub fn migrate(conn: &mut rusqlite::Connection) -> Result<(), super::StoreError> {
    match migrations().to_latest(conn) {
        Err(rusqlite_migration::Error::MigrationDefinition(
            rusqlite_migration::MigrationDefinitionError::DatabaseTooFarAhead,
        )) => {
            let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap_or(-1);
            Err(super::StoreError::Invalid(format!(
                "this store was written by a newer sift (schema version {found}; this build knows up to {}): \
                 run that version, or point --data-dir at another directory",
                MIGRATIONS.len()
            )))
        }
        other => Ok(other?),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }

    #[test]
    fn a_store_from_a_newer_sift_is_refused_with_a_message() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        super::migrate(&mut conn).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
        assert_eq!(version, super::MIGRATIONS.len() as i64);
        conn.pragma_update(None, "user_version", 99).unwrap();
        let err = super::migrate(&mut conn).unwrap_err().to_string();
        assert!(err.contains("newer sift (schema version 99; this build knows up to 4)"), "{err}");
    }
}
