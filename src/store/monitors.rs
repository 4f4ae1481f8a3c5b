//! Cron monitors and their check-ins as stored: what the writer accepts (a check-in from a
//! client, or a missed or timed-out mark from a sweep), what it reports (a monitor failure,
//! the hook alert rules use), and the reads the Web API and the scheduler make. Applying
//! writes is in [`super::monitor_apply`], inside the writer's transaction.

use rusqlite::{Connection, OptionalExtension, params};

use super::{NewEvent, StoreError};
use crate::monitors::{CheckInStatus, FailureReason, MonitorConfig};

/// A check-in from a client (envelope item `check_in`), validated by ingest.
#[derive(Debug, Clone)]
pub struct NewCheckIn {
    pub project_id: i64,
    pub slug: String,
    /// `check_in_id`: links an `in_progress` check-in to the one that closes it.
    pub guid: String,
    pub status: CheckInStatus,
    pub environment: Option<String>,
    /// Seconds, when the client measured it.
    pub duration: Option<f64>,
    /// `monitor_config`: creates the monitor, or updates it.
    pub config: Option<MonitorConfig>,
    pub received: f64,
    pub trace_id: Option<String>,
    /// For an `error` check-in: the event that opens or regresses the monitor's issue, applied
    /// when the monitor's failure threshold is reached.
    pub failure: Option<Box<NewEvent>>,
}

/// One monitor write: a client's check-in, or what a sweep found at instant `at`.
#[derive(Debug, Clone)]
pub enum MonitorWrite {
    CheckIn(NewCheckIn),
    /// Nothing checked in for the slot expected at `expected`; the next slot is `next`. Applied
    /// only while the monitor still expects `expected` (a check-in that came meanwhile wins).
    Missed {
        monitor_id: i64,
        expected: f64,
        next: Option<f64>,
        at: f64,
        failure: Box<NewEvent>,
    },
    /// The `in_progress` check-in `checkin_id` ran past its maximum runtime. Applied only while
    /// it is still in progress.
    TimedOut {
        checkin_id: i64,
        at: f64,
        failure: Box<NewEvent>,
    },
}

/// A monitor failure that opened or regressed an issue: the writer's report of it, in
/// [`super::Committed::monitor_failures`]. Alert rules ("a monitor missed or failed") read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorFailure {
    pub project_id: i64,
    pub monitor_id: i64,
    pub monitor_slug: String,
    pub reason: FailureReason,
    /// The monitor's issue.
    pub group_id: i64,
    /// The failure created the issue (otherwise it joined, or regressed, the existing one).
    pub new_group: bool,
    pub event_id: String,
}

/// A stored monitor.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorRecord {
    pub id: i64,
    pub project_id: i64,
    pub slug: String,
    pub config: MonitorConfig,
    /// The environment of the latest check-in.
    pub environment: Option<String>,
    /// `active` (no check-in yet), `ok`, `error`, `missed_checkin` or `timeout`.
    pub health: String,
    pub date_created: f64,
    pub last_checkin: Option<f64>,
    pub next_expected: Option<f64>,
    /// The issue its failures opened.
    pub group_id: Option<i64>,
}

/// A stored check-in.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckInRecord {
    pub id: i64,
    pub monitor_id: i64,
    pub guid: String,
    pub status: CheckInStatus,
    pub environment: Option<String>,
    /// Seconds.
    pub duration: Option<f64>,
    pub date_created: f64,
    pub date_updated: f64,
    pub expected_time: Option<f64>,
    pub trace_id: Option<String>,
    pub group_id: Option<i64>,
}

const MONITOR: &str = "SELECT id, project_id, slug, config, environment, health, date_created, last_checkin,
                              next_expected, group_id FROM monitors";

/// A monitor row; `None` (logged) when its stored config no longer reads, so one bad row
/// never stops a list or the scheduler's sweep.
fn monitor(row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<MonitorRecord>> {
    let config: String = row.get(3)?;
    let slug: String = row.get(2)?;
    let config = match serde_json::from_str(&config) {
        Ok(config) => config,
        Err(err) => {
            tracing::warn!(%err, %slug, "monitor config unreadable; monitor skipped");
            return Ok(None);
        }
    };
    Ok(Some(MonitorRecord {
        id: row.get(0)?,
        project_id: row.get(1)?,
        slug,
        config,
        environment: row.get(4)?,
        health: row.get(5)?,
        date_created: row.get(6)?,
        last_checkin: row.get(7)?,
        next_expected: row.get(8)?,
        group_id: row.get(9)?,
    }))
}

/// Every monitor of `projects` (all projects when empty), by slug.
pub fn list(conn: &Connection, projects: &[i64]) -> Result<Vec<MonitorRecord>, StoreError> {
    let rows = conn
        .prepare_cached(&format!("{MONITOR} ORDER BY slug, project_id"))?
        .query_map([], monitor)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows.into_iter().flatten().filter(|m| projects.is_empty() || projects.contains(&m.project_id)).collect())
}

/// The monitor `slug` (or numeric id) in one of `projects`.
pub fn find(conn: &Connection, projects: &[i64], slug: &str) -> Result<Option<MonitorRecord>, StoreError> {
    let by_id = slug.parse::<i64>().ok();
    Ok(list(conn, projects)?.into_iter().find(|m| m.slug == slug || Some(m.id) == by_id))
}

/// The monitor with row id `id`.
pub fn get(conn: &Connection, id: i64) -> Result<Option<MonitorRecord>, StoreError> {
    Ok(conn.prepare_cached(&format!("{MONITOR} WHERE id = ?1"))?.query_row([id], monitor).optional()?.flatten())
}

const CHECK_IN: &str = "SELECT id, monitor_id, guid, status, environment, duration, date_created, date_updated,
                               expected_time, trace_id, group_id FROM monitor_checkins";

fn check_in(row: &rusqlite::Row<'_>) -> rusqlite::Result<CheckInRecord> {
    let status: String = row.get(3)?;
    Ok(CheckInRecord {
        id: row.get(0)?,
        monitor_id: row.get(1)?,
        guid: row.get(2)?,
        status: CheckInStatus::from_stored(&status),
        environment: row.get(4)?,
        duration: row.get(5)?,
        date_created: row.get(6)?,
        date_updated: row.get(7)?,
        expected_time: row.get(8)?,
        trace_id: row.get(9)?,
        group_id: row.get(10)?,
    })
}

/// A monitor's check-ins, newest first, `limit` from `offset`, and how many it has.
pub fn check_ins(
    conn: &Connection,
    monitor_id: i64,
    limit: usize,
    offset: usize,
) -> Result<(Vec<CheckInRecord>, u64), StoreError> {
    let total: i64 =
        conn.query_row("SELECT count(*) FROM monitor_checkins WHERE monitor_id = ?1", [monitor_id], |row| row.get(0))?;
    let rows = conn
        .prepare_cached(&format!(
            "{CHECK_IN} WHERE monitor_id = ?1 ORDER BY date_created DESC, id DESC LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![monitor_id, limit as i64, offset as i64], check_in)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((rows, total.max(0) as u64))
}

/// Every check-in still in progress, oldest first (the sweep's timeout candidates).
pub fn in_progress(conn: &Connection) -> Result<Vec<CheckInRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{CHECK_IN} WHERE status = 'in_progress' ORDER BY date_created"))?
        .query_map([], check_in)?
        .collect::<Result<Vec<_>, _>>()?)
}
