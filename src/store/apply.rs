//! Applies prepared events to the database inside the writer's transaction: deduplicates by
//! event id, finds or creates the issue from the grouping hashes, runs the lifecycle rules,
//! and keeps the issue's counters, users, hourly buckets, tags and releases current.
//! Per-issue counters, hourly buckets and tag counts are folded in memory and written once per
//! batch, so a burst of events for one issue costs one row update, not one per event.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, Transaction, params};

use super::StoreError;
use super::group_row::GroupRow;
use super::types::{Committed, EventOutcome, NewEvent, WriteJob};
use crate::lifecycle::{self, History, IssueState, Transition};

/// Lookups the writer remembers across batches: grouping hash to issue, and releases already
/// recorded. Cleared whenever a batch fails, so it never outlives a rolled-back write; a stale
/// entry (an issue deleted by another connection) makes the batch fail on its foreign key, which
/// clears the cache and retries.
#[derive(Default)]
pub struct WriterCache {
    hashes: HashMap<(i64, String), i64>,
    releases: HashSet<(i64, String)>,
    environments: HashSet<(i64, String)>,
    pub alerts: super::alerts::fire::AlertCache,
}

/// Entries kept before the cache starts over (bounded memory on huge stores).
const CACHE_LIMIT: usize = 200_000;

impl WriterCache {
    pub fn clear(&mut self) {
        self.hashes.clear();
        self.releases.clear();
        self.environments.clear();
        self.alerts.clear();
    }
}

/// Seconds of arrivals kept before an ignore's count window (see `record_snoozed_arrival`).
const PRUNE_MARGIN: f64 = 60.0;

/// One transaction's worth of pending work.
pub struct Batch<'t, 'c> {
    tx: &'t Transaction<'t>,
    cache: &'c mut WriterCache,
    releases: super::release_tally::Tally,
    groups: HashMap<i64, GroupRow>,
    stats: HashMap<(i64, i64), i64>,
    tags: HashMap<(i64, String, String), TagDelta>,
    rollups: super::transactions::Rollups,
}

struct TagDelta {
    count: i64,
    first_seen: f64,
    last_seen: f64,
}

impl<'t, 'c> Batch<'t, 'c> {
    pub fn new(tx: &'t Transaction<'t>, cache: &'c mut WriterCache) -> Self {
        if cache.hashes.len() > CACHE_LIMIT || cache.releases.len() > CACHE_LIMIT {
            cache.clear();
        }
        Self {
            tx,
            cache,
            releases: super::release_tally::Tally::default(),
            groups: HashMap::new(),
            stats: HashMap::new(),
            tags: HashMap::new(),
            rollups: Default::default(),
        }
    }

    pub fn apply_job(&mut self, job: &WriteJob) -> Result<Committed, StoreError> {
        let mut committed = Committed::default();
        for event in &job.events {
            committed.events.push(self.apply_event(event)?);
        }
        for item in &job.items {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO items (project_id, kind, event_id, received, header, size, data)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    item.project_id,
                    item.kind,
                    item.event_id,
                    item.received,
                    item.header,
                    item.size as i64,
                    item.data
                ])?;
            committed.items += 1;
        }
        for feedback in &job.feedback {
            super::feedback::insert(self.tx, feedback)?;
        }
        for write in &job.monitors {
            super::monitor_apply::apply(self, write, &mut committed)?;
        }
        super::sessions::apply(self.tx, &job.sessions)?;
        committed.items += self.rollups.apply(self.tx, &job.transactions)?;
        Ok(committed)
    }

    /// The batch's transaction, for writes of other modules.
    pub(super) fn tx(&self) -> &'t Transaction<'t> {
        self.tx
    }

    pub(super) fn apply_event(&mut self, event: &NewEvent) -> Result<EventOutcome, StoreError> {
        let existing: Option<i64> = self
            .tx
            .prepare_cached("SELECT group_id FROM events WHERE project_id = ?1 AND event_id = ?2")?
            .query_row(params![event.project_id, event.event_id], |row| row.get(0))
            .optional()?;
        if let Some(group_id) = existing {
            return Ok(EventOutcome { event_id: event.event_id.clone(), group_id, new_group: false, duplicate: true });
        }

        let (group_id, new_group) = self.find_or_create_group(event)?;
        self.tx
            .prepare_cached(
                "INSERT INTO events (project_id, event_id, group_id, timestamp, received, level,
                                     environment, release, user_key, size, data, trace_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                event.project_id,
                event.event_id,
                group_id,
                event.timestamp,
                event.received,
                event.level,
                event.environment,
                event.release,
                event.user_key,
                event.size as i64,
                event.data,
                event.trace_id
            ])?;
        let event_row = self.tx.last_insert_rowid();

        if let Some(release) = &event.release {
            let key = (event.project_id, release.clone());
            if !self.cache.releases.contains(&key) {
                super::release_tally::touch(self.tx, event.project_id, release, event.received, true)?;
                self.cache.releases.insert(key);
            }
            self.releases.add(event.project_id, release, event.received, event.timestamp);
        }
        if let Some(environment) = &event.environment {
            let key = (event.project_id, environment.clone());
            if !self.cache.environments.contains(&key) {
                self.tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO environments (project_id, name, first_seen) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![event.project_id, environment, event.received])?;
                self.cache.environments.insert(key);
            }
        }
        let new_user = match &event.user_key {
            Some(user) => self.record_user(group_id, user, event.received)?,
            None => false,
        };

        *self.stats.entry((group_id, (event.timestamp / 3600.0).floor() as i64)).or_default() += 1;
        for (key, value) in &event.tags {
            let delta = self.tags.entry((group_id, key.clone(), value.clone())).or_insert(TagDelta {
                count: 0,
                first_seen: event.timestamp,
                last_seen: event.timestamp,
            });
            delta.count += 1;
            delta.first_seen = delta.first_seen.min(event.timestamp);
            delta.last_seen = delta.last_seen.max(event.timestamp);
        }

        let mut group = match self.groups.remove(&group_id) {
            Some(group) => group,
            None => GroupRow::load(self.tx, group_id)?,
        };
        let arrivals_this_hour = group.count_arrival(event.received);
        let mut transition = None;
        if !new_group {
            if let Some(window_start) = group.state.counting_window_start(event.received) {
                self.record_snoozed_arrival(group_id, event_row, event.received, window_start)?;
            }
            let mut state = group.state.clone();
            let history = WriterHistory { tx: self.tx, group_id, project_id: event.project_id, arrivals_this_hour };
            transition =
                lifecycle::on_event(&mut state, &event.level, event.release.as_deref(), event.received, &history);
            if let Some(transition) = &transition {
                record_transition(self.tx, group_id, transition, event.received)?;
                group.status_changed_at = Some(event.received);
            }
            group.state = state;
        }
        group.absorb(event, new_user, new_group);
        let outcome = super::alerts::fire::Outcome {
            group_id,
            group: &group,
            new_issue: new_group,
            transition: transition.as_ref(),
        };
        super::alerts::fire::on_event(self.tx, &mut self.cache.alerts, event, &outcome)?;
        self.groups.insert(group_id, group);
        Ok(EventOutcome { event_id: event.event_id.clone(), group_id, new_group, duplicate: false })
    }

    fn find_or_create_group(&mut self, event: &NewEvent) -> Result<(i64, bool), StoreError> {
        let mut found = None;
        for hash in &event.hashes {
            if let Some(&group) = self.cache.hashes.get(&(event.project_id, hash.clone())) {
                found = Some(group);
                break;
            }
            let group: Option<i64> = self
                .tx
                .prepare_cached("SELECT group_id FROM group_hashes WHERE project_id = ?1 AND hash = ?2")?
                .query_row(params![event.project_id, hash], |row| row.get(0))
                .optional()?;
            if group.is_some() {
                found = group;
                break;
            }
        }
        let (group_id, created) = match found {
            Some(id) => (id, false),
            None => (self.create_group(event)?, true),
        };
        for hash in &event.hashes {
            let key = (event.project_id, hash.clone());
            if self.cache.hashes.get(&key) == Some(&group_id) {
                continue;
            }
            self.tx
                .prepare_cached("INSERT OR IGNORE INTO group_hashes (project_id, hash, group_id) VALUES (?1, ?2, ?3)")?
                .execute(params![event.project_id, hash, group_id])?;
            // A hash already owned by another issue keeps its owner; remember the real one.
            let owner: i64 = self
                .tx
                .prepare_cached("SELECT group_id FROM group_hashes WHERE project_id = ?1 AND hash = ?2")?
                .query_row(params![event.project_id, hash], |row| row.get(0))?;
            self.cache.hashes.insert(key, owner);
        }
        Ok((group_id, created))
    }

    fn create_group(&mut self, event: &NewEvent) -> Result<i64, StoreError> {
        let short_id: i64 = self
            .tx
            .prepare_cached(
                "UPDATE projects SET next_short_id = next_short_id + 1 WHERE id = ?1 RETURNING next_short_id - 1",
            )?
            .query_row(params![event.project_id], |row| row.get(0))?;
        let state = IssueState::new_issue(&event.level);
        self.tx
            .prepare_cached(
                "INSERT INTO groups (project_id, short_id, title, culprit, location, type, metadata, level,
                                     platform, logger, status, substatus, priority, first_seen, last_seen,
                                     first_release, last_release, is_unhandled)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15, ?15, ?16)",
            )?
            .execute(params![
                event.project_id,
                short_id,
                event.title,
                event.culprit,
                event.location,
                event.event_type,
                event.metadata,
                event.level,
                event.platform,
                event.logger,
                state.status.as_str(),
                state.substatus.map(|s| s.as_str()),
                state.priority.map(|p| p as i64),
                event.timestamp,
                event.release,
                event.is_unhandled
            ])?;
        let group_id = self.tx.last_insert_rowid();
        self.tx
            .prepare_cached(
                "INSERT INTO activities (group_id, type, data, date_created) VALUES (?1, 'first_seen', '{}', ?2)",
            )?
            .execute(params![group_id, event.received])?;
        Ok(group_id)
    }

    /// Records the arrival of the event stored as row `event_row`, for an issue ignored until N
    /// events, and forgets arrivals older than `window_start` by more than [`PRUNE_MARGIN`]:
    /// events reach the writer nearly, not exactly, in arrival order, so a window that starts a
    /// little earlier may still be asked about; the count itself reads only its own window.
    fn record_snoozed_arrival(
        &mut self,
        group_id: i64,
        event_row: i64,
        received: f64,
        window_start: f64,
    ) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO snooze_arrivals (group_id, received, event) VALUES (?1, ?2, ?3)")?
            .execute(params![group_id, received, event_row])?;
        self.tx
            .prepare_cached("DELETE FROM snooze_arrivals WHERE group_id = ?1 AND received < ?2")?
            .execute(params![group_id, window_start - PRUNE_MARGIN])?;
        Ok(())
    }

    /// Records that `user` was affected at arrival time `received`; true when the issue had not
    /// seen this user before.
    fn record_user(&mut self, group_id: i64, user: &str, received: f64) -> Result<bool, StoreError> {
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO group_users (group_id, user_key, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)",
            )?
            .execute(params![group_id, user, received])?;
        if inserted == 0 {
            self.tx
                .prepare_cached(
                    "UPDATE group_users SET last_seen = max(last_seen, ?3) WHERE group_id = ?1 AND user_key = ?2",
                )?
                .execute(params![group_id, user, received])?;
        }
        Ok(inserted == 1)
    }

    /// Writes the folded counters; call once before committing.
    pub fn flush(&mut self) -> Result<(), StoreError> {
        self.releases.flush(self.tx)?;
        for group in self.groups.values() {
            group.save(self.tx)?;
        }
        for ((group_id, hour), count) in self.stats.drain() {
            self.tx
                .prepare_cached(
                    "INSERT INTO group_stats (group_id, hour, count) VALUES (?1, ?2, ?3)
                     ON CONFLICT (group_id, hour) DO UPDATE SET count = count + excluded.count",
                )?
                .execute(params![group_id, hour, count])?;
        }
        for ((group_id, key, value), delta) in self.tags.drain() {
            self.tx
                .prepare_cached(
                    "INSERT INTO group_tags (group_id, key, value, times_seen, first_seen, last_seen)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (group_id, key, value) DO UPDATE SET
                        times_seen = times_seen + excluded.times_seen,
                        first_seen = min(first_seen, excluded.first_seen),
                        last_seen = max(last_seen, excluded.last_seen)",
                )?
                .execute(params![group_id, key, value, delta.count, delta.first_seen, delta.last_seen])?;
        }
        self.groups.clear();
        self.rollups.flush(self.tx)?;
        Ok(())
    }
}

fn record_transition(tx: &Transaction<'_>, group_id: i64, transition: &Transition, now: f64) -> Result<(), StoreError> {
    let (kind, data) = match transition {
        Transition::Regressed { release } => ("set_regression", serde_json::json!({ "version": release })),
        Transition::Unignored { substatus } => {
            ("set_unresolved", serde_json::json!({ "substatus": substatus.as_str() }))
        }
        Transition::Escalated { forecast } => ("set_escalating", serde_json::json!({ "forecast": forecast })),
    };
    tx.prepare_cached("INSERT INTO activities (group_id, type, data, date_created) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![group_id, kind, data.to_string(), now])?;
    Ok(())
}

/// Answers the lifecycle rules' questions from the open transaction and the issue row.
struct WriterHistory<'a> {
    tx: &'a Transaction<'a>,
    group_id: i64,
    project_id: i64,
    /// Arrivals in the current hour, the new event included (kept on the issue row).
    arrivals_this_hour: u64,
}

impl WriterHistory<'_> {
    fn count(&self, sql: &str, since: f64) -> u64 {
        let result: rusqlite::Result<i64> = self
            .tx
            .prepare_cached(sql)
            .and_then(|mut stmt| stmt.query_row(params![self.group_id, since], |row| row.get(0)));
        result.map_or_else(
            |err| {
                tracing::warn!(%err, "lifecycle history query failed");
                0
            },
            |n| n.max(0) as u64,
        )
    }
}

impl History for WriterHistory<'_> {
    fn release_rank(&self, release: &str) -> Option<f64> {
        super::release_tally::rank(self.tx, self.project_id, release).ok().flatten()
    }

    /// Read from the arrivals recorded while the issue is ignored until N events, which is the
    /// only time the rules ask; `since` is never before the ignore.
    fn events_since(&self, since: f64) -> u64 {
        self.count("SELECT count(*) FROM snooze_arrivals WHERE group_id = ?1 AND received >= ?2", since)
    }

    fn users_since(&self, since: f64) -> u64 {
        self.count("SELECT count(*) FROM group_users WHERE group_id = ?1 AND last_seen >= ?2", since)
    }

    fn events_this_hour(&self) -> u64 {
        self.arrivals_this_hour
    }
}
