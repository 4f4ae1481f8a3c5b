//! What the writer records about releases while it applies a batch: an event's `release` makes
//! or touches the release (the organization's record, its link to the project, and the project's
//! record of events seen in it), and counts the event into the release's hour for its sparkline;
//! a session's release makes the release known too. The per-hour counts and the last-seen times
//! are folded in memory and written once per batch, like the issues' own counters.
//!
//! Runs only inside the writer's transaction; reads nothing the batch does not already hold.

use std::collections::HashMap;

use rusqlite::{Transaction, params};

use super::StoreError;

/// Makes the release `version` known for `project_id` at `at` (unix seconds): the organization's
/// release (created then, unless it exists) and its link to the project. `seen_in_events` also
/// records it among the project's releases seen in events, which feed `firstEvent`/`lastEvent`.
pub fn touch(
    tx: &Transaction<'_>,
    project_id: i64,
    version: &str,
    at: f64,
    seen_in_events: bool,
) -> Result<(), StoreError> {
    if seen_in_events {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO releases (project_id, version, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)",
        )?
        .execute(params![project_id, version, at])?;
    }
    tx.prepare_cached(
        "INSERT OR IGNORE INTO org_releases (org_id, version, date_created)
         SELECT org_id, ?2, ?3 FROM projects WHERE id = ?1",
    )?
    .execute(params![project_id, version, at])?;
    tx.prepare_cached(
        "INSERT OR IGNORE INTO release_projects (release_id, project_id)
         SELECT o.id, p.id FROM projects p JOIN org_releases o ON o.org_id = p.org_id AND o.version = ?2
         WHERE p.id = ?1",
    )?
    .execute(params![project_id, version])?;
    Ok(())
}

/// A batch's events per release: the latest arrival and the count per hour of event time.
#[derive(Default)]
pub struct Tally {
    last_seen: HashMap<(i64, String), f64>,
    hours: HashMap<(i64, String, i64), i64>,
}

impl Tally {
    /// Counts one event of `project_id` in `version`, received at `received`, timestamped `timestamp`.
    pub fn add(&mut self, project_id: i64, version: &str, received: f64, timestamp: f64) {
        let key = (project_id, version.to_owned());
        let hour = (timestamp / 3600.0).floor() as i64;
        *self.hours.entry((project_id, version.to_owned(), hour)).or_default() += 1;
        let seen = self.last_seen.entry(key).or_insert(received);
        *seen = seen.max(received);
    }

    /// Writes the folded counts and empties the tally.
    pub fn flush(&mut self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        for ((project_id, version), seen) in self.last_seen.drain() {
            tx.prepare_cached(
                "UPDATE releases SET last_seen = max(last_seen, ?3) WHERE project_id = ?1 AND version = ?2",
            )?
            .execute(params![project_id, version, seen])?;
        }
        for ((project_id, version, hour), count) in self.hours.drain() {
            tx.prepare_cached(
                "INSERT INTO release_hours (project_id, version, hour, count) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (project_id, version, hour) DO UPDATE SET count = count + excluded.count",
            )?
            .execute(params![project_id, version, hour, count])?;
        }
        Ok(())
    }
}

/// Where a release stands in its organization's history: when it was created (by sentry-cli, or
/// by its first event or session). Later releases rank higher; `None` when the release is unknown.
pub fn rank(tx: &Transaction<'_>, project_id: i64, version: &str) -> rusqlite::Result<Option<f64>> {
    use rusqlite::OptionalExtension;
    tx.prepare_cached(
        "SELECT o.date_created FROM org_releases o JOIN projects p ON p.org_id = o.org_id
         WHERE p.id = ?1 AND o.version = ?2",
    )?
    .query_row(params![project_id, version], |row| row.get(0))
    .optional()
}
