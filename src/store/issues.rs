//! Typed read queries over issues, events, tags, activity and stored items. The Web API and
//! the tests read through these; they never write.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use super::{StoreError, codec, short_id};
use crate::lifecycle::IssueState;

/// An issue with its counters, as stored.
#[derive(Debug, Clone)]
pub struct IssueRecord {
    pub id: i64,
    pub project_id: i64,
    pub project_slug: String,
    pub short_id: String,
    pub title: String,
    pub culprit: Option<String>,
    pub location: Option<String>,
    pub event_type: String,
    pub metadata: Value,
    pub level: String,
    pub platform: Option<String>,
    pub status: String,
    pub substatus: Option<String>,
    pub priority: Option<i64>,
    pub first_seen: f64,
    pub last_seen: f64,
    pub times_seen: i64,
    pub user_count: i64,
    pub first_release: Option<String>,
    pub last_release: Option<String>,
    pub is_unhandled: bool,
}

const ISSUE_SELECT: &str = "SELECT g.id, g.project_id, p.slug, g.short_id, g.title, g.culprit, g.location, g.type,
        g.metadata, g.level, g.platform, g.status, g.substatus, g.priority, g.first_seen, g.last_seen,
        g.times_seen, g.user_count, g.first_release, g.last_release, g.is_unhandled
     FROM groups g JOIN projects p ON p.id = g.project_id";

fn issue_from_row(row: &Row<'_>) -> rusqlite::Result<IssueRecord> {
    let slug: String = row.get(2)?;
    let counter: i64 = row.get(3)?;
    let metadata: String = row.get(8)?;
    Ok(IssueRecord {
        id: row.get(0)?,
        project_id: row.get(1)?,
        short_id: short_id::format(&slug, counter.max(0) as u64),
        project_slug: slug,
        title: row.get(4)?,
        culprit: row.get(5)?,
        location: row.get(6)?,
        event_type: row.get(7)?,
        metadata: serde_json::from_str(&metadata).unwrap_or(Value::Null),
        level: row.get(9)?,
        platform: row.get(10)?,
        status: row.get(11)?,
        substatus: row.get(12)?,
        priority: row.get(13)?,
        first_seen: row.get(14)?,
        last_seen: row.get(15)?,
        times_seen: row.get(16)?,
        user_count: row.get(17)?,
        first_release: row.get(18)?,
        last_release: row.get(19)?,
        is_unhandled: row.get(20)?,
    })
}

/// Issues of one project (or all), most recently seen first.
pub fn list_issues(conn: &Connection, project_id: Option<i64>) -> Result<Vec<IssueRecord>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "{ISSUE_SELECT} WHERE ?1 IS NULL OR g.project_id = ?1 ORDER BY g.last_seen DESC, g.id DESC"
    ))?;
    let rows = stmt.query_map(params![project_id], issue_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One issue by numeric id.
pub fn get_issue(conn: &Connection, id: i64) -> Result<Option<IssueRecord>, StoreError> {
    Ok(conn.query_row(&format!("{ISSUE_SELECT} WHERE g.id = ?1"), params![id], issue_from_row).optional()?)
}

/// A stored event, decompressed.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub event_id: String,
    pub project_id: i64,
    pub group_id: i64,
    pub timestamp: f64,
    pub received: f64,
    pub data: Value,
}

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<(StoredEvent, Vec<u8>)> {
    Ok((
        StoredEvent {
            event_id: row.get(0)?,
            project_id: row.get(1)?,
            group_id: row.get(2)?,
            timestamp: row.get(3)?,
            received: row.get(4)?,
            data: Value::Null,
        },
        row.get(5)?,
    ))
}

fn inflate((mut event, blob): (StoredEvent, Vec<u8>)) -> Result<StoredEvent, StoreError> {
    event.data = serde_json::from_slice(&codec::decode(&blob)?)?;
    Ok(event)
}

const EVENT_SELECT: &str = "SELECT event_id, project_id, group_id, timestamp, received, data FROM events";

/// All events of an issue, oldest first.
pub fn issue_events(conn: &Connection, group_id: i64) -> Result<Vec<StoredEvent>, StoreError> {
    let mut stmt = conn.prepare(&format!("{EVENT_SELECT} WHERE group_id = ?1 ORDER BY timestamp, id"))?;
    let rows = stmt.query_map(params![group_id], event_from_row)?;
    rows.map(|row| inflate(row?)).collect()
}

/// One event by project and event id.
pub fn get_event(conn: &Connection, project_id: i64, event_id: &str) -> Result<Option<StoredEvent>, StoreError> {
    conn.query_row(
        &format!("{EVENT_SELECT} WHERE project_id = ?1 AND event_id = ?2"),
        params![project_id, event_id],
        event_from_row,
    )
    .optional()?
    .map(inflate)
    .transpose()
}

/// Number of stored events in total.
pub fn event_count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM events", [], |row| row.get(0))?)
}

/// Whether an event with this id is stored (in any project).
pub fn has_event(conn: &Connection, event_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM events WHERE event_id = ?1)")?
        .query_row(params![event_id], |row| row.get(0))?)
}

/// The issue's tag distribution: (key, value, times seen), most frequent first.
pub fn issue_tags(conn: &Connection, group_id: i64) -> Result<Vec<(String, String, i64)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT key, value, times_seen FROM group_tags WHERE group_id = ?1 ORDER BY key, times_seen DESC, value",
    )?;
    let rows = stmt.query_map(params![group_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Hourly event counts of an issue: (hour since the epoch, count), oldest first.
pub fn issue_hourly(conn: &Connection, group_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    let mut stmt = conn.prepare("SELECT hour, count FROM group_stats WHERE group_id = ?1 ORDER BY hour")?;
    let rows = stmt.query_map(params![group_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The issue's activity log: (type, data), oldest first.
pub fn activities(conn: &Connection, group_id: i64) -> Result<Vec<(String, Value)>, StoreError> {
    let mut stmt = conn.prepare("SELECT type, data FROM activities WHERE group_id = ?1 ORDER BY date_created, id")?;
    let rows = stmt.query_map(params![group_id], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
    rows.map(|row| {
        let (kind, data) = row?;
        Ok((kind, serde_json::from_str(&data)?))
    })
    .collect()
}

/// A stored non-event envelope item.
#[derive(Debug, Clone)]
pub struct StoredItem {
    pub kind: String,
    pub event_id: Option<String>,
    pub header: Value,
    pub data: Vec<u8>,
}

/// Items of one kind in a project, oldest first.
pub fn items(conn: &Connection, project_id: i64, kind: &str) -> Result<Vec<StoredItem>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT kind, event_id, header, data FROM items WHERE project_id = ?1 AND kind = ?2 ORDER BY id")?;
    let rows = stmt.query_map(params![project_id, kind], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, Option<String>>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, Vec<u8>>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (kind, event_id, header, blob) = row?;
        Ok(StoredItem { kind, event_id, header: serde_json::from_str(&header)?, data: codec::decode(&blob)? })
    })
    .collect()
}

/// Replaces an issue's lifecycle state (status, substatus, resolution, ignore conditions,
/// priority). `now` is recorded as the time of the status change.
pub fn save_state(conn: &Connection, group_id: i64, state: &IssueState, now: f64) -> Result<(), StoreError> {
    let resolution = state.resolution.as_ref().map(serde_json::to_string).transpose()?;
    let snooze = state.snooze.as_ref().map(serde_json::to_string).transpose()?;
    let changed = conn.execute(
        "UPDATE groups SET status = ?2, substatus = ?3, resolution = ?4, snooze = ?5, priority = ?6,
            priority_locked_at = CASE WHEN ?7 THEN coalesce(priority_locked_at, ?8) ELSE NULL END,
            status_changed_at = ?8
         WHERE id = ?1",
        params![
            group_id,
            state.status.as_str(),
            state.substatus.map(|s| s.as_str()),
            resolution,
            snooze,
            state.priority.map(|p| p as i64),
            state.priority_locked,
            now
        ],
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("issue {group_id}")));
    }
    Ok(())
}

/// Orders of the issue list (Sentry's `sort` values, plus priority).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// `date`: last seen, newest first (the default).
    #[default]
    LastSeen,
    /// `new`: first seen, newest first.
    FirstSeen,
    /// `freq`: most events first.
    Events,
    /// `user`: most users first.
    Users,
    /// `priority`: highest priority, then last seen.
    Priority,
}

impl Sort {
    fn order_by(self) -> &'static str {
        match self {
            Self::LastSeen => "g.last_seen DESC, g.id DESC",
            Self::FirstSeen => "g.first_seen DESC, g.id DESC",
            Self::Events => "g.times_seen DESC, g.id DESC",
            Self::Users => "g.user_count DESC, g.id DESC",
            Self::Priority => "g.priority DESC, g.last_seen DESC, g.id DESC",
        }
    }
}

/// Which issues one page of the list holds.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only these projects (empty: all).
    pub projects: Vec<i64>,
    /// Only this status (`unresolved`, `resolved`, `ignored`); `None`: any.
    pub status: Option<String>,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
}

/// One page of issues.
pub fn list_page(conn: &Connection, query: &ListQuery) -> Result<Vec<IssueRecord>, StoreError> {
    let mut sql = format!("{ISSUE_SELECT} WHERE 1 = 1");
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(status) = &query.status {
        sql.push_str(" AND g.status = ?");
        args.push(status.clone().into());
    }
    if !query.projects.is_empty() {
        sql.push_str(&format!(" AND g.project_id IN ({})", placeholders(query.projects.len())));
        args.extend(query.projects.iter().map(|&p| p.into()));
    }
    sql.push_str(&format!(" ORDER BY {} LIMIT ? OFFSET ?", query.sort.order_by()));
    args.push((query.limit as i64).into());
    args.push((query.offset as i64).into());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), issue_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Event counts per bucket for each issue: `buckets` buckets of `bucket_hours` hours ending
/// with the bucket holding `end_hour` (hours since the epoch), oldest first.
pub fn stats_series(
    conn: &Connection,
    group_ids: &[i64],
    end_hour: i64,
    buckets: usize,
    bucket_hours: i64,
) -> Result<std::collections::HashMap<i64, Vec<i64>>, StoreError> {
    let mut series: std::collections::HashMap<i64, Vec<i64>> =
        group_ids.iter().map(|&id| (id, vec![0; buckets])).collect();
    if group_ids.is_empty() || buckets == 0 {
        return Ok(series);
    }
    let bucket_hours = bucket_hours.max(1);
    let last_bucket = end_hour.div_euclid(bucket_hours);
    let first_hour = (last_bucket - buckets as i64 + 1) * bucket_hours;
    let sql = format!(
        "SELECT group_id, hour, count FROM group_stats WHERE hour >= ? AND group_id IN ({})",
        placeholders(group_ids.len())
    );
    let mut args: Vec<rusqlite::types::Value> = vec![first_hour.into()];
    args.extend(group_ids.iter().map(|&id| id.into()));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
    while let Some(row) = rows.next()? {
        let (group_id, hour, count): (i64, i64, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let index = hour.div_euclid(bucket_hours) - (last_bucket - buckets as i64 + 1);
        if let (Some(values), Ok(index)) = (series.get_mut(&group_id), usize::try_from(index))
            && let Some(slot) = values.get_mut(index)
        {
            *slot += count;
        }
    }
    Ok(series)
}

/// `?, ?, ?` for `n` bound parameters (only the count is formatted into SQL).
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}
