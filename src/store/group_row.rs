//! An issue row as the writer holds it during a batch: loaded once, updated in memory by each
//! event, saved once at flush. The lifecycle columns round-trip through
//! [`crate::lifecycle::IssueState`]; `resolution` and `snooze` are stored as JSON text.

use rusqlite::{Row, Transaction, params};

use super::StoreError;
use super::types::NewEvent;
use crate::lifecycle::{IssueState, Priority, Resolution, Snooze, Status, Substatus};

pub struct GroupRow {
    pub id: i64,
    pub state: IssueState,
    pub times_seen: i64,
    pub user_count: i64,
    pub first_seen: f64,
    pub last_seen: f64,
    pub level: String,
    pub title: String,
    pub culprit: Option<String>,
    pub location: Option<String>,
    pub event_type: String,
    pub metadata: String,
    pub first_release: Option<String>,
    pub last_release: Option<String>,
    pub is_unhandled: bool,
    pub status_changed_at: Option<f64>,
    /// The latest hour (unix hours) an event arrived in, and how many arrived in it: "until
    /// escalating" compares this hour's arrivals with its forecast.
    arrival_hour: i64,
    arrival_hour_count: i64,
    /// `snooze` as loaded, and its text: saving an unchanged snooze writes the same text back,
    /// so the trigger that resets the ignore's arrival counts sees no change.
    stored_snooze: Option<(Snooze, String)>,
    /// `first_seen` as loaded: saving leaves the column (and so its index) alone when unchanged.
    stored_first_seen: f64,
}

const COLUMNS: &str = "id, status, substatus, resolution, snooze, priority, priority_locked_at, times_seen,
    user_count, first_seen, last_seen, level, title, culprit, location, type, metadata, first_release,
    last_release, is_unhandled, status_changed_at, arrival_hour, arrival_hour_count";

/// The UPDATE that saves a row, with `$first_seen` spliced in before `last_seen`; both forms
/// are built at compile time, so a save formats nothing.
macro_rules! save_sql {
    ($first_seen:literal) => {
        concat!(
            "UPDATE groups SET status = ?2, substatus = ?3, resolution = ?4, snooze = ?5, priority = ?6,
                times_seen = ?7, user_count = ?8, ",
            $first_seen,
            " last_seen = ?10, level = ?11, title = ?12,
                culprit = ?13, location = ?14, type = ?15, metadata = ?16, first_release = ?17,
                last_release = ?18, is_unhandled = ?19, status_changed_at = ?20, arrival_hour = ?21,
                arrival_hour_count = ?22
             WHERE id = ?1"
        )
    };
}
/// Leaves `first_seen` (and its index) alone; ?9 is bound but unused.
const SAVE: &str = save_sql!("");
const SAVE_WITH_FIRST_SEEN: &str = save_sql!("first_seen = ?9,");

impl GroupRow {
    pub fn load(tx: &Transaction<'_>, id: i64) -> Result<Self, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM groups WHERE id = ?1");
        Ok(tx.prepare_cached(&sql)?.query_row(params![id], Self::from_row)?)
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let status: String = row.get(1)?;
        let substatus: Option<String> = row.get(2)?;
        let resolution: Option<String> = row.get(3)?;
        let snooze_text: Option<String> = row.get(4)?;
        let stored_snooze =
            snooze_text.and_then(|text| serde_json::from_str::<Snooze>(&text).ok().map(|snooze| (snooze, text)));
        let priority: Option<i64> = row.get(5)?;
        let locked: Option<f64> = row.get(6)?;
        Ok(Self {
            id: row.get(0)?,
            state: IssueState {
                status: Status::parse(&status).unwrap_or(Status::Unresolved),
                substatus: substatus.as_deref().and_then(Substatus::parse),
                resolution: resolution.as_deref().and_then(|r| serde_json::from_str::<Resolution>(r).ok()),
                snooze: stored_snooze.as_ref().map(|(snooze, _)| snooze.clone()),
                priority: priority.and_then(Priority::from_value),
                priority_locked: locked.is_some(),
            },
            times_seen: row.get(7)?,
            user_count: row.get(8)?,
            first_seen: row.get(9)?,
            stored_first_seen: row.get(9)?,
            last_seen: row.get(10)?,
            level: row.get(11)?,
            title: row.get(12)?,
            culprit: row.get(13)?,
            location: row.get(14)?,
            event_type: row.get(15)?,
            metadata: row.get(16)?,
            first_release: row.get(17)?,
            last_release: row.get(18)?,
            is_unhandled: row.get(19)?,
            status_changed_at: row.get(20)?,
            arrival_hour: row.get(21)?,
            arrival_hour_count: row.get(22)?,
            stored_snooze,
        })
    }

    /// Counts an event that arrived at `received` into its hour; returns the arrivals of the
    /// latest hour, this one included. An event stamped with an earlier hour than one already
    /// counted (a clock step back) counts nowhere, as an hour already over.
    pub fn count_arrival(&mut self, received: f64) -> u64 {
        let hour = (received / 3600.0).floor() as i64;
        if hour > self.arrival_hour {
            self.arrival_hour = hour;
            self.arrival_hour_count = 0;
        }
        if hour == self.arrival_hour {
            self.arrival_hour_count += 1;
        }
        self.arrival_hour_count.max(0) as u64
    }

    /// Folds one stored event into the counters. The newest event decides the displayed title,
    /// culprit, level and last release, as in Sentry.
    pub fn absorb(&mut self, event: &NewEvent, new_user: bool, first_event: bool) {
        self.times_seen += 1;
        if new_user {
            self.user_count += 1;
        }
        self.first_seen = self.first_seen.min(event.timestamp);
        if first_event && self.first_release.is_none() {
            self.first_release.clone_from(&event.release);
        }
        self.is_unhandled |= event.is_unhandled;
        if event.timestamp >= self.last_seen || first_event {
            self.last_seen = event.timestamp;
            self.level.clone_from(&event.level);
            self.title.clone_from(&event.title);
            self.culprit.clone_from(&event.culprit);
            self.location.clone_from(&event.location);
            self.event_type.clone_from(&event.event_type);
            self.metadata.clone_from(&event.metadata);
            if event.release.is_some() {
                self.last_release.clone_from(&event.release);
            }
        }
    }

    /// Writes the row back. An UPDATE rewrites the index entries of every column it assigns, even
    /// to the same value, so `first_seen` (indexed, and rarely moved: only an event older than
    /// the issue moves it) is assigned only when it changed.
    pub fn save(&self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        let resolution = self.state.resolution.as_ref().map(serde_json::to_string).transpose()?;
        let snooze = match (&self.state.snooze, &self.stored_snooze) {
            (Some(now), Some((loaded, text))) if now == loaded => Some(text.clone()),
            (now, _) => now.as_ref().map(serde_json::to_string).transpose()?,
        };
        let sql = if self.first_seen == self.stored_first_seen { SAVE } else { SAVE_WITH_FIRST_SEEN };
        tx.prepare_cached(sql)?.execute(params![
            self.id,
            self.state.status.as_str(),
            self.state.substatus.map(|s| s.as_str()),
            resolution,
            snooze,
            self.state.priority.map(|p| p as i64),
            self.times_seen,
            self.user_count,
            self.first_seen,
            self.last_seen,
            self.level,
            self.title,
            self.culprit,
            self.location,
            self.event_type,
            self.metadata,
            self.first_release,
            self.last_release,
            self.is_unhandled,
            self.status_changed_at,
            self.arrival_hour,
            self.arrival_hour_count
        ])?;
        Ok(())
    }
}
