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

/// Ignore conditions stop reading an index of every event by arrival, which cost each event a
/// page write (the tail of its issue's range) to serve questions asked only of ignored issues.
/// "N events (in a window) since the ignore" reads `snooze_arrivals`, written only for events of
/// an issue ignored with an event-count condition and emptied whenever its conditions change;
/// "events this hour" (until escalating) reads a counter kept on the issue row, which every
/// batch writes anyway. Both start from the index they replace, then it goes.
const V5: &str = r#"
CREATE TABLE snooze_arrivals (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    received REAL NOT NULL,
    event    INTEGER NOT NULL,
    PRIMARY KEY (group_id, received, event)
) WITHOUT ROWID;
CREATE TRIGGER snooze_arrivals_reset AFTER UPDATE OF snooze ON groups
    WHEN new.snooze IS NOT old.snooze
BEGIN
    DELETE FROM snooze_arrivals WHERE group_id = new.id;
END;
INSERT INTO snooze_arrivals (group_id, received, event)
    SELECT e.group_id, e.received, e.id
    FROM groups g JOIN events e ON e.group_id = g.id
    WHERE g.status = 'ignored' AND json_extract(g.snooze, '$.count') IS NOT NULL
      AND e.received >= json_extract(g.snooze, '$.since');

ALTER TABLE groups ADD COLUMN arrival_hour INTEGER NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN arrival_hour_count INTEGER NOT NULL DEFAULT 0;
UPDATE groups SET arrival_hour =
    coalesce((SELECT CAST(max(received) / 3600 AS INTEGER) FROM events WHERE group_id = groups.id), 0);
UPDATE groups SET arrival_hour_count =
    (SELECT count(*) FROM events WHERE group_id = groups.id AND received >= groups.arrival_hour * 3600.0);

DROP INDEX events_group_received;
"#;

/// The issues' index by status and last seen goes: no query is served well by it. The list
/// filters status through an expression (an ignore whose time ran out reads as unresolved),
/// which an index on the column cannot serve, and For Review ran faster without it. Every batch
/// moved each of its issues' entries in it: a page per issue per commit.
const V6: &str = r#"
DROP INDEX groups_status_last_seen;
"#;

/// Source maps uploaded the way sentry-cli 3.x does by default: chunks (content-addressed by
/// SHA-1, per organization) waiting to be assembled, and artifact bundles de-duplicated by
/// their checksum. A bundle's files are kept one row each, compressed, and found by debug id
/// or by URL; a bundle is tied to projects, each link with the release and dist it was
/// uploaded for ('' for none).
const V7: &str = r#"
CREATE TABLE upload_chunks (
    org_id   INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    checksum TEXT NOT NULL,
    size     INTEGER NOT NULL,
    received REAL NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (org_id, checksum)
);

CREATE TABLE artifact_bundles (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    checksum     TEXT NOT NULL,
    bundle_id    TEXT,
    size         INTEGER NOT NULL,
    file_count   INTEGER NOT NULL,
    date_created REAL NOT NULL,
    UNIQUE (org_id, checksum)
);

CREATE TABLE artifact_bundle_links (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    release    TEXT NOT NULL,
    dist       TEXT NOT NULL,
    bundle     INTEGER NOT NULL REFERENCES artifact_bundles(id) ON DELETE CASCADE,
    date_added REAL NOT NULL,
    PRIMARY KEY (project_id, release, dist, bundle)
) WITHOUT ROWID;
CREATE INDEX artifact_bundle_links_bundle ON artifact_bundle_links (bundle);

CREATE TABLE artifact_files (
    id        INTEGER PRIMARY KEY,
    bundle    INTEGER NOT NULL REFERENCES artifact_bundles(id) ON DELETE CASCADE,
    path      TEXT NOT NULL,
    url       TEXT,
    kind      TEXT NOT NULL,
    debug_id  TEXT,
    sourcemap TEXT,
    size      INTEGER NOT NULL,
    data      BLOB NOT NULL,
    UNIQUE (bundle, path)
);
CREATE INDEX artifact_files_debug_id ON artifact_files (debug_id, kind) WHERE debug_id IS NOT NULL;
CREATE INDEX artifact_files_url ON artifact_files (url) WHERE url IS NOT NULL;
"#;

/// User feedback (the `feedback` item and the legacy `user_report`), cron monitors and their
/// check-ins get tables of their own, because screens list and filter them. A feedback links to
/// its error through `associated_event_id`, resolved when read, so it may arrive before the
/// error. Attachments stay in `items`, found by their event id.
const V8: &str = r#"
CREATE TABLE feedback (
    id                  INTEGER PRIMARY KEY,
    project_id          INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind                TEXT NOT NULL,
    feedback_id         TEXT NOT NULL,
    associated_event_id TEXT,
    name                TEXT NOT NULL,
    email               TEXT NOT NULL,
    message             TEXT NOT NULL,
    url                 TEXT,
    environment         TEXT,
    timestamp           REAL NOT NULL,
    received            REAL NOT NULL,
    data                BLOB NOT NULL,
    UNIQUE (project_id, kind, feedback_id)
);
CREATE INDEX feedback_associated ON feedback (project_id, associated_event_id);
CREATE INDEX feedback_received ON feedback (received DESC);

CREATE TABLE monitors (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    slug          TEXT NOT NULL,
    config        TEXT NOT NULL,
    environment   TEXT,
    health        TEXT NOT NULL DEFAULT 'active',
    date_created  REAL NOT NULL,
    last_checkin  REAL,
    next_expected REAL,
    group_id      INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    UNIQUE (project_id, slug)
);

CREATE TABLE monitor_checkins (
    id            INTEGER PRIMARY KEY,
    monitor_id    INTEGER NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
    guid          TEXT NOT NULL,
    status        TEXT NOT NULL,
    environment   TEXT,
    duration      REAL,
    date_created  REAL NOT NULL,
    date_updated  REAL NOT NULL,
    expected_time REAL,
    trace_id      TEXT,
    group_id      INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    UNIQUE (monitor_id, guid)
);
CREATE INDEX monitor_checkins_time ON monitor_checkins (monitor_id, date_created DESC);
CREATE INDEX monitor_checkins_open ON monitor_checkins (status) WHERE status = 'in_progress';
"#;

/// Releases as Sentry keeps them: one per organization and version (`org_releases`), linked to
/// the projects that use it, with deploys, repositories and commits; the events of each release
/// per project and hour (`release_hours`, for its sparkline); and release health, the `session`
/// and `sessions` items folded per project, release, environment and hour (`session_hours`),
/// with each hour's distinct users and what their sessions came to (`session_users`). `releases` (V1)
/// stays the per-project record of the events seen in a release. Releases, their projects and
/// event counts are filled in from what is already stored.
const V9: &str = r#"
CREATE TABLE org_releases (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    version       TEXT NOT NULL,
    date_created  REAL NOT NULL,
    date_started  REAL,
    date_released REAL,
    url           TEXT,
    ref           TEXT,
    status        TEXT NOT NULL DEFAULT 'open',
    UNIQUE (org_id, version)
);
CREATE INDEX org_releases_created ON org_releases (org_id, date_created DESC, id DESC);

CREATE TABLE release_projects (
    release_id INTEGER NOT NULL REFERENCES org_releases(id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    PRIMARY KEY (release_id, project_id)
) WITHOUT ROWID;
CREATE INDEX release_projects_project ON release_projects (project_id, release_id);

CREATE TABLE deploys (
    id            INTEGER PRIMARY KEY,
    release_id    INTEGER NOT NULL REFERENCES org_releases(id) ON DELETE CASCADE,
    environment   TEXT NOT NULL,
    name          TEXT,
    url           TEXT,
    date_started  REAL,
    date_finished REAL NOT NULL
);
CREATE INDEX deploys_release ON deploys (release_id, date_finished);

CREATE TABLE repositories (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    url          TEXT,
    provider     TEXT,
    date_created REAL NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE commits (
    id            INTEGER PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    sha           TEXT NOT NULL,
    message       TEXT,
    author_name   TEXT,
    author_email  TEXT,
    date_created  REAL,
    UNIQUE (repository_id, sha)
);

CREATE TABLE release_commits (
    release_id INTEGER NOT NULL REFERENCES org_releases(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    commit_id  INTEGER NOT NULL REFERENCES commits(id) ON DELETE CASCADE,
    PRIMARY KEY (release_id, position)
) WITHOUT ROWID;

CREATE TABLE release_hours (
    project_id INTEGER NOT NULL,
    version    TEXT NOT NULL,
    hour       INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (project_id, version, hour)
) WITHOUT ROWID;

CREATE TABLE session_hours (
    project_id  INTEGER NOT NULL,
    release     TEXT NOT NULL,
    environment TEXT NOT NULL,
    hour        INTEGER NOT NULL,
    started     INTEGER NOT NULL DEFAULT 0,
    errored     INTEGER NOT NULL DEFAULT 0,
    crashed     INTEGER NOT NULL DEFAULT 0,
    abnormal    INTEGER NOT NULL DEFAULT 0,
    unhandled   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, release, environment, hour)
) WITHOUT ROWID;
CREATE INDEX session_hours_hour ON session_hours (project_id, hour);

CREATE TABLE session_users (
    project_id  INTEGER NOT NULL,
    release     TEXT NOT NULL,
    environment TEXT NOT NULL,
    hour        INTEGER NOT NULL,
    did         TEXT NOT NULL,
    outcomes    INTEGER NOT NULL,
    PRIMARY KEY (project_id, release, environment, hour, did)
) WITHOUT ROWID;
CREATE INDEX session_users_hour ON session_users (project_id, hour);

CREATE TABLE session_errored (
    project_id INTEGER NOT NULL,
    sid        TEXT NOT NULL,
    hour       INTEGER NOT NULL,
    PRIMARY KEY (project_id, sid)
) WITHOUT ROWID;

CREATE INDEX groups_first_release ON groups (project_id, first_release);

INSERT OR IGNORE INTO org_releases (org_id, version, date_created)
    SELECT p.org_id, r.version, min(r.first_seen)
    FROM releases r JOIN projects p ON p.id = r.project_id
    GROUP BY p.org_id, r.version;
INSERT OR IGNORE INTO release_projects (release_id, project_id)
    SELECT o.id, r.project_id
    FROM releases r JOIN projects p ON p.id = r.project_id
    JOIN org_releases o ON o.org_id = p.org_id AND o.version = r.version;
INSERT INTO release_hours (project_id, version, hour, count)
    SELECT project_id, release, CAST(timestamp / 3600 AS INTEGER), count(*)
    FROM events WHERE release IS NOT NULL
    GROUP BY project_id, release, CAST(timestamp / 3600 AS INTEGER);
"#;

/// Transactions get typed columns of their own ([`super::transactions`]), with their spans in
/// the compressed blob; hourly rollups per transaction name feed the Performance table; error
/// events record their trace, so a trace finds its errors.
/// Retention deletes by start time; the rollups hold what the Performance table reads, so it
/// never scans transactions (see the README's architecture section for why these indexes).
const V10: &str = r#"
CREATE TABLE transactions (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    trace_id       TEXT NOT NULL,
    span_id        TEXT NOT NULL,
    parent_span_id TEXT,
    name           TEXT NOT NULL,
    op             TEXT,
    status         TEXT NOT NULL,
    environment    TEXT,
    release        TEXT,
    user_key       TEXT,
    start          REAL NOT NULL,
    duration       REAL NOT NULL,
    received       REAL NOT NULL,
    span_count     INTEGER NOT NULL,
    size           INTEGER NOT NULL,
    data           BLOB NOT NULL,
    UNIQUE (project_id, event_id)
);
CREATE INDEX transactions_name_start ON transactions (project_id, name, start);
CREATE INDEX transactions_start ON transactions (start);
CREATE INDEX transactions_trace ON transactions (trace_id);

CREATE TABLE transaction_rollups (
    hour        INTEGER NOT NULL,
    project_id  INTEGER NOT NULL,
    name        TEXT NOT NULL,
    environment TEXT NOT NULL,
    count       INTEGER NOT NULL,
    failures    INTEGER NOT NULL,
    duration_sum REAL NOT NULL,
    durations   BLOB NOT NULL,
    users       BLOB NOT NULL,
    PRIMARY KEY (hour, project_id, name, environment)
) WITHOUT ROWID;

ALTER TABLE events ADD COLUMN trace_id TEXT;
CREATE INDEX events_trace ON events (trace_id) WHERE trace_id IS NOT NULL;
"#;

/// Alerts: rules per project (Sentry's JSON shape, secrets kept beside them per action), each
/// rule's last firing per issue (the action interval), the log of firings, and the outbox of
/// deliveries, which the writer fills in the transaction of the event that fired and the
/// delivery worker drains. Every project gets the rule that rings the console for new and
/// regressed issues, as the console did by itself before rules.
const V11: &str = r#"
CREATE TABLE alert_rules (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    origin        TEXT NOT NULL DEFAULT 'api',
    rule          TEXT NOT NULL,
    date_created  REAL NOT NULL,
    date_modified REAL NOT NULL
);
CREATE INDEX alert_rules_project ON alert_rules (project_id);

CREATE TABLE alert_secrets (
    rule_id        INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    action         INTEGER NOT NULL,
    url            TEXT,
    signing_secret TEXT,
    PRIMARY KEY (rule_id, action)
) WITHOUT ROWID;

CREATE TABLE alert_last_fired (
    rule_id  INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    fired_at REAL NOT NULL,
    PRIMARY KEY (rule_id, group_id)
) WITHOUT ROWID;
CREATE INDEX alert_last_fired_group ON alert_last_fired (group_id);

CREATE TABLE alert_firings (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    rule_id    INTEGER REFERENCES alert_rules(id) ON DELETE SET NULL,
    rule_name  TEXT NOT NULL,
    project_id INTEGER NOT NULL,
    group_id   INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    event_id   TEXT,
    reason     TEXT NOT NULL,
    test       INTEGER NOT NULL DEFAULT 0,
    fired_at   REAL NOT NULL,
    context    TEXT NOT NULL
);
CREATE INDEX alert_firings_group ON alert_firings (group_id);
CREATE INDEX alert_firings_rule ON alert_firings (rule_id, id);

CREATE TABLE alert_deliveries (
    id           INTEGER PRIMARY KEY,
    firing_id    INTEGER NOT NULL REFERENCES alert_firings(id) ON DELETE CASCADE,
    action       INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL,
    last_error   TEXT,
    updated_at   REAL NOT NULL
);
CREATE INDEX alert_deliveries_firing ON alert_deliveries (firing_id);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt) WHERE state = 'pending';
CREATE INDEX alert_deliveries_pending ON alert_deliveries (id) WHERE state = 'pending';

INSERT INTO alert_rules (project_id, name, origin, rule, date_created, date_modified)
    SELECT id, 'New or regressed issues', 'default',
        '{"name":"New or regressed issues","actionMatch":"any","filterMatch":"all","frequency":5,"conditions":[{"id":"first_seen"},{"id":"regression"}],"actions":[{"id":"console"}]}',
        CAST(strftime('%s', 'now') AS REAL), CAST(strftime('%s', 'now') AS REAL)
    FROM projects;
"#;

/// Every schema version, oldest first.
const MIGRATIONS: &[M<'static>] = &[
    M::up(V1),
    M::up(V2),
    M::up(V3),
    M::up(V4),
    M::up(V5),
    M::up(V6),
    M::up(V7),
    M::up(V8),
    M::up(V9),
    M::up(V10),
    M::up(V11),
];

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

    /// Version 5 carries the ignore counts over from the index it drops: the arrivals since an
    /// event-count ignore, and each issue's latest arrival hour with its count.
    #[test]
    fn version_5_keeps_the_counts_of_the_index_it_drops() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        super::migrations().to_version(&mut conn, 4).unwrap();
        conn.execute_batch(
            r#"
            INSERT INTO organizations (id, slug, name, date_created) VALUES (1, 'o', 'o', 0);
            INSERT INTO projects (id, org_id, slug, name, date_created) VALUES (1, 1, 'p', 'p', 0);
            INSERT INTO groups (id, project_id, short_id, title, type, metadata, level, first_seen, last_seen,
                                status, snooze)
                VALUES (1, 1, 1, 't', 'error', '{}', 'error', 0, 0, 'ignored', '{"since":36000.0,"count":5}'),
                       (2, 1, 2, 't', 'error', '{}', 'error', 0, 0, 'ignored', '{"since":36000.0}'),
                       (3, 1, 3, 't', 'error', '{}', 'error', 0, 0, 'unresolved', NULL);
            INSERT INTO events (id, project_id, event_id, group_id, timestamp, received, level, size, data)
                VALUES (1, 1, 'a', 1, 0, 35000.0, 'error', 0, x''),
                       (2, 1, 'b', 1, 0, 36500.0, 'error', 0, x''),
                       (3, 1, 'c', 1, 0, 39700.0, 'error', 0, x''),
                       (4, 1, 'd', 1, 0, 39900.0, 'error', 0, x''),
                       (5, 1, 'e', 2, 0, 36500.0, 'error', 0, x'');
            "#,
        )
        .unwrap();
        super::migrate(&mut conn).unwrap();

        let kept: Vec<(i64, f64, i64)> = conn
            .prepare("SELECT group_id, received, event FROM snooze_arrivals ORDER BY event")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(kept, [(1, 36500.0, 2), (1, 39700.0, 3), (1, 39900.0, 4)], "since the count's ignore only");
        let hours: Vec<(i64, i64)> = conn
            .prepare("SELECT arrival_hour, arrival_hour_count FROM groups ORDER BY id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(hours, [(11, 2), (10, 1), (0, 0)]);
        let index: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema WHERE name = 'events_group_received'", [], |row| row.get(0))
            .unwrap();
        assert_eq!(index, 0);
    }

    /// Version 6 drops the status index from a store that has it, and keeps the other two.
    #[test]
    fn version_6_drops_the_status_index() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        super::migrations().to_version(&mut conn, 5).unwrap();
        let indexes = |conn: &rusqlite::Connection| -> Vec<String> {
            conn.prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'groups_%last_seen' ORDER BY name",
            )
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
        };
        assert_eq!(indexes(&conn), ["groups_last_seen", "groups_project_last_seen", "groups_status_last_seen"]);
        super::migrate(&mut conn).unwrap();
        assert_eq!(indexes(&conn), ["groups_last_seen", "groups_project_last_seen"]);
    }

    /// The releases migration makes the organization's releases, their projects and their hourly
    /// event counts from the releases and events a store already holds. The version before it is
    /// found in the migration list (by the table it creates), not written down.
    #[test]
    fn the_releases_migration_fills_the_releases_from_what_is_stored() {
        let before = super::MIGRATIONS
            .iter()
            .position(|m| m.to_string().contains("CREATE TABLE org_releases"))
            .expect("a migration creates org_releases");
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        super::migrations().to_version(&mut conn, before).unwrap();
        conn.execute_batch(
            r#"
            INSERT INTO organizations (id, slug, name, date_created) VALUES (1, 'o', 'o', 0);
            INSERT INTO projects (id, org_id, slug, name, date_created) VALUES (1, 1, 'a', 'a', 0), (2, 1, 'b', 'b', 0);
            INSERT INTO releases (project_id, version, first_seen, last_seen)
                VALUES (1, '1.0', 7200.0, 9000.0), (2, '1.0', 3600.0, 3700.0), (2, '2.0', 90000.0, 90000.0);
            INSERT INTO groups (id, project_id, short_id, title, type, metadata, level, first_seen, last_seen)
                VALUES (1, 1, 1, 't', 'error', '{}', 'error', 0, 0);
            INSERT INTO events (id, project_id, event_id, group_id, timestamp, received, level, release, size, data)
                VALUES (1, 1, 'a', 1, 7300.0, 7300.0, 'error', '1.0', 0, x''),
                       (2, 1, 'b', 1, 7400.0, 7400.0, 'error', '1.0', 0, x''),
                       (3, 1, 'c', 1, 11000.0, 11000.0, 'error', '1.0', 0, x''),
                       (4, 1, 'd', 1, 11000.0, 11000.0, 'error', NULL, 0, x'');
            "#,
        )
        .unwrap();
        super::migrate(&mut conn).unwrap();
        let rows = |sql: &str| -> Vec<String> {
            conn.prepare(sql)
                .unwrap()
                .query_map([], |row| row.get::<_, String>(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        assert_eq!(
            rows("SELECT version || ' ' || date_created FROM org_releases ORDER BY version"),
            ["1.0 3600.0", "2.0 90000.0"],
            "created when first seen in any project"
        );
        assert_eq!(
            rows("SELECT o.version || ' ' || rp.project_id FROM release_projects rp JOIN org_releases o ON o.id = rp.release_id
                  ORDER BY 1"),
            ["1.0 1", "1.0 2", "2.0 2"]
        );
        assert_eq!(
            rows("SELECT version || ' ' || hour || ' ' || count FROM release_hours ORDER BY hour"),
            ["1.0 2 2", "1.0 3 1"]
        );
    }

    #[test]
    fn a_store_from_a_newer_sift_is_refused_with_a_message() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        super::migrate(&mut conn).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
        assert_eq!(version, super::MIGRATIONS.len() as i64);
        conn.pragma_update(None, "user_version", 99).unwrap();
        let err = super::migrate(&mut conn).unwrap_err().to_string();
        let expected = format!("newer sift (schema version 99; this build knows up to {})", super::MIGRATIONS.len());
        assert!(err.contains(&expected), "{err}");
    }
}
