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
    /// The lifecycle as loaded (with the snooze's text): saving leaves those columns alone when
    /// no event changed them, so the trigger that resets an ignore's arrivals is not even run.
    stored_state: IssueState,
    stored_status_changed_at: Option<f64>,
    stored_snooze_text: Option<String>,
    /// `first_seen` as loaded: saving leaves the column (and so its index) alone when unchanged.
    stored_first_seen: f64,
}

const COLUMNS: &str = "id, status, substatus, resolution, snooze, priority, priority_locked_at, times_seen,
    user_count, first_seen, last_seen, level, title, culprit, location, type, metadata, first_release,
    last_release, is_unhandled, status_changed_at, arrival_hour, arrival_hour_count";

/// The UPDATE that saves a row. The counters and the newest event's columns are always
/// assigned; `first_seen` and the lifecycle columns only when they changed (see [`GroupRow::save`]).
/// All four forms are built at compile time, so a save formats nothing; a parameter a form does
/// not assign is bound but unused.
macro_rules! save_sql {
    ($first_seen:literal, lifecycle) => {
        save_sql!(@ $first_seen, "status = ?2, substatus = ?3, resolution = ?4, snooze = ?5, priority = ?6,
            status_changed_at = ?20,")
    };
    ($first_seen:literal) => {
        save_sql!(@ $first_seen, "")
    };
    (@ $first_seen:literal, $lifecycle:literal) => {
        concat!(
            "UPDATE groups SET ",
            $lifecycle,
            $first_seen,
            " times_seen = ?7, user_count = ?8, last_seen = ?10, level = ?11, title = ?12,
                culprit = ?13, location = ?14, type = ?15, metadata = ?16, first_release = ?17,
                last_release = ?18, is_unhandled = ?19, arrival_hour = ?21, arrival_hour_count = ?22
             WHERE id = ?1"
        )
    };
}
/// Indexed by [first_seen moved][lifecycle changed].
const SAVE: [[&str; 2]; 2] = [
    [save_sql!(""), save_sql!("", lifecycle)],
    [save_sql!("first_seen = ?9,"), save_sql!("first_seen = ?9,", lifecycle)],
];

impl GroupRow {
    pub fn load(tx: &Transaction<'_>, id: i64) -> Result<Self, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM groups WHERE id = ?1");
        Ok(tx.prepare_cached(&sql)?.query_row(params![id], Self::from_row)?)
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let status: String = row.get(1)?;
        let substatus: Option<String> = row.get(2)?;
        let resolution: Option<String> = row.get(3)?;
        let snooze: Option<String> = row.get(4)?;
        let priority: Option<i64> = row.get(5)?;
        let locked: Option<f64> = row.get(6)?;
        let state = IssueState {
            status: Status::parse(&status).unwrap_or(Status::Unresolved),
            substatus: substatus.as_deref().and_then(Substatus::parse),
            resolution: resolution.as_deref().and_then(|r| serde_json::from_str::<Resolution>(r).ok()),
            snooze: snooze.as_deref().and_then(|s| serde_json::from_str::<Snooze>(s).ok()),
            priority: priority.and_then(Priority::from_value),
            priority_locked: locked.is_some(),
        };
        Ok(Self {
            id: row.get(0)?,
            stored_state: state.clone(),
            stored_snooze_text: snooze,
            state,
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
            stored_status_changed_at: row.get(20)?,
            arrival_hour: row.get(21)?,
            arrival_hour_count: row.get(22)?,
        })
    }

    /// Counts an event that arrived at `received` into its hour; returns the arrivals of the
    /// latest hour, this one included. Requests are stamped when they arrive and reach the writer
    /// nearly, not exactly, in that order: an event stamped in an hour that has already given way
    /// to the next (a few milliseconds' worth at the turn of an hour) counts nowhere, as an hour
    /// already over.
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
    /// the issue moves it) is assigned only when it changed. So are the lifecycle columns, which
    /// change only when an event regresses or un-ignores the issue or raises its priority: left
    /// alone, they cost no JSON and do not run the `snooze` trigger.
    pub fn save(&self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        let lifecycle = self.state != self.stored_state || self.status_changed_at != self.stored_status_changed_at;
        let (resolution, snooze) = if lifecycle {
            let snooze = if self.state.snooze == self.stored_state.snooze {
                self.stored_snooze_text.clone()
            } else {
                self.state.snooze.as_ref().map(serde_json::to_string).transpose()?
            };
            (self.state.resolution.as_ref().map(serde_json::to_string).transpose()?, snooze)
        } else {
            (None, None)
        };
        let sql = SAVE[usize::from(self.first_seen != self.stored_first_seen)][usize::from(lifecycle)];
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
