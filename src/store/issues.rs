//! Typed read queries over issues, events, tags, activity and stored items. The Web API and
//! the tests read through these; they never write.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::Value;

use super::{StoreError, codec, short_id};
use crate::lifecycle::IssueState;

/// The user sift's own server acts for: the one local user (id 1, created by migration 3).
pub const LOCAL_USER: i64 = 1;

/// Who is reading and when: per-user flags (bookmarked, seen) and the states that change with
/// time alone (an expired ignore, a "new" issue turning "ongoing" after a week) depend on it.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub user_id: i64,
    /// Unix seconds.
    pub now: f64,
}

impl Viewer {
    /// The local user, now.
    pub fn local() -> Self {
        Self { user_id: LOCAL_USER, now: super::now() }
    }
}

/// An issue with its counters, as stored, with status and substatus as they read at the
/// viewer's `now`.
#[derive(Debug, Clone)]
pub struct IssueRecord {
    pub id: i64,
    pub project_id: i64,
    pub project_slug: String,
    pub project_name: String,
    pub project_platform: Option<String>,
    pub short_id: String,
    pub title: String,
    pub culprit: Option<String>,
    pub location: Option<String>,
    pub event_type: String,
    pub metadata: Value,
    pub level: String,
    pub platform: Option<String>,
    pub logger: Option<String>,
    pub status: String,
    pub substatus: Option<String>,
    /// How it was resolved (JSON of [`crate::lifecycle::Resolution`]) while resolved.
    pub resolution: Option<Value>,
    /// Its ignore conditions (JSON of [`crate::lifecycle::Snooze`]) while ignored.
    pub snooze: Option<Value>,
    pub priority: Option<i64>,
    pub priority_locked_at: Option<f64>,
    pub first_seen: f64,
    pub last_seen: f64,
    pub times_seen: i64,
    pub user_count: i64,
    pub first_release: Option<String>,
    pub last_release: Option<String>,
    pub is_unhandled: bool,
    pub status_changed_at: Option<f64>,
    /// `user:ID` or `team:ID`.
    pub assignee: Option<String>,
    pub bookmarked: bool,
    pub seen: bool,
    pub num_comments: i64,
    /// In the For Review inbox: new, regressed or escalating within the week, not yet reviewed.
    pub for_review: bool,
}

/// Seconds after which "new", "regressed" and "escalating" read as "ongoing".
pub const ONGOING_AFTER: f64 = 7.0 * 86_400.0;

/// An ignore whose duration ran out reads as unresolved. `?1` is the viewer's now.
pub(crate) const STATUS_SQL: &str = "(CASE WHEN g.status = 'ignored' AND json_extract(g.snooze, '$.until') <= ?1
    THEN 'unresolved' ELSE g.status END)";

/// Substatus as it reads at `?1`: expired ignores and week-old new, regressed and escalating
/// issues are ongoing.
pub(crate) const SUBSTATUS_SQL: &str = "(CASE
    WHEN g.status = 'ignored' AND json_extract(g.snooze, '$.until') <= ?1 THEN 'ongoing'
    WHEN g.status = 'unresolved' AND g.substatus = 'new' AND g.first_seen < ?1 - 604800 THEN 'ongoing'
    WHEN g.status = 'unresolved' AND g.substatus IN ('regressed', 'escalating')
         AND coalesce(g.status_changed_at, g.first_seen) < ?1 - 604800 THEN 'ongoing'
    ELSE g.substatus END)";

/// For Review: unresolved, new/regressed/escalating (as read at `?1`), not reviewed since.
pub(crate) const FOR_REVIEW_SQL: &str = "(g.status = 'unresolved'
    AND (CASE
        WHEN g.substatus = 'new' THEN g.first_seen >= ?1 - 604800
        WHEN g.substatus IN ('regressed', 'escalating') THEN coalesce(g.status_changed_at, g.first_seen) >= ?1 - 604800
        ELSE 0 END)
    AND (g.reviewed_at IS NULL OR g.reviewed_at < coalesce(g.status_changed_at, g.first_seen)))";

/// The issue columns; binds `?1` = now and `?2` = the viewer's user id.
pub(crate) fn issue_select() -> String {
    format!(
        "SELECT g.id, g.project_id, p.slug, p.name, p.platform, g.short_id, g.title, g.culprit, g.location, g.type,
            g.metadata, g.level, g.platform, g.logger, {STATUS_SQL}, {SUBSTATUS_SQL}, g.resolution, g.snooze,
            g.priority, g.priority_locked_at, g.first_seen, g.last_seen, g.times_seen, g.user_count,
            g.first_release, g.last_release, g.is_unhandled, g.status_changed_at, g.assignee,
            EXISTS (SELECT 1 FROM group_bookmarks b WHERE b.group_id = g.id AND b.user_id = ?2),
            coalesce((SELECT s.last_seen >= g.last_seen FROM group_seen s WHERE s.group_id = g.id AND s.user_id = ?2), 0),
            (SELECT count(*) FROM activities a WHERE a.group_id = g.id AND a.type = 'note'),
            {FOR_REVIEW_SQL}
         FROM groups g JOIN projects p ON p.id = g.project_id"
    )
}

fn json_column(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<Value>> {
    let text: Option<String> = row.get(index)?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

pub(crate) fn issue_from_row(row: &Row<'_>) -> rusqlite::Result<IssueRecord> {
    let slug: String = row.get(2)?;
    let counter: i64 = row.get(5)?;
    let status: String = row.get(14)?;
    Ok(IssueRecord {
        id: row.get(0)?,
        project_id: row.get(1)?,
        short_id: short_id::format(&slug, counter.max(0) as u64),
        project_slug: slug,
        project_name: row.get(3)?,
        project_platform: row.get(4)?,
        title: row.get(6)?,
        culprit: row.get(7)?,
        location: row.get(8)?,
        event_type: row.get(9)?,
        metadata: json_column(row, 10)?.unwrap_or(Value::Null),
        level: row.get(11)?,
        platform: row.get(12)?,
        logger: row.get(13)?,
        substatus: row.get(15)?,
        resolution: if status == "resolved" { json_column(row, 16)? } else { None },
        snooze: if status == "ignored" { json_column(row, 17)? } else { None },
        status,
        priority: row.get(18)?,
        priority_locked_at: row.get(19)?,
        first_seen: row.get(20)?,
        last_seen: row.get(21)?,
        times_seen: row.get(22)?,
        user_count: row.get(23)?,
        first_release: row.get(24)?,
        last_release: row.get(25)?,
        is_unhandled: row.get(26)?,
        status_changed_at: row.get(27)?,
        assignee: row.get(28)?,
        bookmarked: row.get(29)?,
        seen: row.get(30)?,
        num_comments: row.get(31)?,
        for_review: row.get(32)?,
    })
}

/// Issues of one project (or all), most recently seen first, as the local user sees them now.
pub fn list_issues(conn: &Connection, project_id: Option<i64>) -> Result<Vec<IssueRecord>, StoreError> {
    let viewer = Viewer::local();
    let mut stmt = conn.prepare(&format!(
        "{} WHERE ?3 IS NULL OR g.project_id = ?3 ORDER BY g.last_seen DESC, g.id DESC",
        issue_select()
    ))?;
    let rows = stmt.query_map(params![viewer.now, viewer.user_id, project_id], issue_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One issue by numeric id, as the local user sees it now.
pub fn get_issue(conn: &Connection, id: i64) -> Result<Option<IssueRecord>, StoreError> {
    issue_for(conn, id, Viewer::local())
}

/// One issue by numeric id, as `viewer` sees it.
pub fn issue_for(conn: &Connection, id: i64, viewer: Viewer) -> Result<Option<IssueRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{} WHERE g.id = ?3", issue_select()))?
        .query_row(params![viewer.now, viewer.user_id, id], issue_from_row)
        .optional()?)
}

/// The issue id behind a short id such as `DEFAULT-1A` (case-insensitive), within `org_id`.
pub fn find_short_id(conn: &Connection, org_id: i64, short: &str) -> Result<Option<i64>, StoreError> {
    let Some((slug, counter)) = short_id::parse(short) else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached(
            "SELECT g.id FROM groups g JOIN projects p ON p.id = g.project_id
             WHERE p.org_id = ?1 AND lower(p.slug) = lower(?2) AND g.short_id = ?3",
        )?
        .query_row(params![org_id, slug, counter as i64], |row| row.get(0))
        .optional()?)
}

/// A stored event, decompressed.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// The row id: the tie-breaker when two events share a timestamp.
    pub row_id: i64,
    pub event_id: String,
    pub project_id: i64,
    pub group_id: i64,
    pub timestamp: f64,
    pub received: f64,
    /// Uncompressed JSON size in bytes.
    pub size: i64,
    /// The normalized event (SDK shape, snake_case).
    pub data: Value,
}

pub(crate) fn event_from_row(row: &Row<'_>) -> rusqlite::Result<(StoredEvent, Vec<u8>)> {
    Ok((
        StoredEvent {
            event_id: row.get(0)?,
            project_id: row.get(1)?,
            group_id: row.get(2)?,
            timestamp: row.get(3)?,
            received: row.get(4)?,
            row_id: row.get(6)?,
            size: row.get(7)?,
            data: Value::Null,
        },
        row.get(5)?,
    ))
}

pub(crate) fn inflate((mut event, blob): (StoredEvent, Vec<u8>)) -> Result<StoredEvent, StoreError> {
    event.data = serde_json::from_slice(&codec::decode(&blob)?)?;
    Ok(event)
}

pub(crate) const EVENT_SELECT: &str =
    "SELECT event_id, project_id, group_id, timestamp, received, data, id, size FROM events";

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
