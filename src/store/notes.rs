//! Comments ("notes") and the activity log of an issue. Notes are activity entries of type
//! `note` whose data holds the text, as in Sentry; reads return both, newest first, with the
//! acting user. Writes run in the writer's transaction.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::{Value, json};

use super::StoreError;
use super::triage::activity;

/// Longest comment accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;

/// A person known to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: Option<String>,
    pub name: String,
}

/// One activity entry (a note is one kind).
#[derive(Debug, Clone)]
pub struct Activity {
    pub id: i64,
    pub group_id: i64,
    pub kind: String,
    pub data: Value,
    pub user: Option<User>,
    pub date_created: f64,
}

/// An issue's first-seen entry is dated when the issue was first seen (its first event's time),
/// as Sentry dates it, not when that event reached the server: an SDK that sends late, or the
/// demo's backdated events, would otherwise read "first seen 15s ago" on a two-week-old issue.
/// Reading it from the issue row also follows an older event that moves the first sighting.
const ACTIVITY_SELECT: &str = "SELECT a.id, a.group_id, a.type, a.data,
        CASE a.type WHEN 'first_seen' THEN
            coalesce((SELECT g.first_seen FROM groups g WHERE g.id = a.group_id), a.date_created)
        ELSE a.date_created END AS at,
        u.id, u.username, u.email, u.name
     FROM activities a LEFT JOIN users u ON u.id = CAST(a.user_id AS INTEGER)";

fn activity_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Activity> {
    let data: String = row.get(3)?;
    let user = match row.get::<_, Option<i64>>(5)? {
        Some(id) => Some(User { id, username: row.get(6)?, email: row.get(7)?, name: row.get(8)? }),
        None => None,
    };
    Ok(Activity {
        id: row.get(0)?,
        group_id: row.get(1)?,
        kind: row.get(2)?,
        data: serde_json::from_str(&data).unwrap_or(Value::Null),
        user,
        date_created: row.get(4)?,
    })
}

/// The activity, newest first; only notes when `notes_only`.
pub fn list(
    conn: &Connection,
    group_id: i64,
    notes_only: bool,
    limit: usize,
    offset: usize,
) -> Result<(Vec<Activity>, bool), StoreError> {
    let sql = format!(
        "{ACTIVITY_SELECT} WHERE a.group_id = ?1 AND (NOT ?2 OR a.type = 'note')
         ORDER BY at DESC, a.id DESC LIMIT ?3 OFFSET ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![group_id, notes_only, limit as i64 + 1, offset as i64], activity_from_row)?;
    let mut activities = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let more = activities.len() > limit;
    activities.truncate(limit);
    Ok((activities, more))
}

/// One activity entry of an issue by id.
pub fn get(conn: &Connection, group_id: i64, id: i64) -> Result<Option<Activity>, StoreError> {
    let sql = format!("{ACTIVITY_SELECT} WHERE a.id = ?1 AND a.group_id = ?2");
    Ok(conn.prepare_cached(&sql)?.query_row(params![id, group_id], activity_from_row).optional()?)
}

fn check_text(text: &str) -> Result<(), StoreError> {
    if text.trim().is_empty() {
        return Err(StoreError::Invalid("text: This field may not be blank.".into()));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(StoreError::Invalid(format!("text: at most {MAX_NOTE_CHARS} characters")));
    }
    Ok(())
}

/// Adds a comment; the same text from the same user within an hour is refused, as in Sentry.
pub fn add(tx: &Transaction<'_>, group_id: i64, user_id: i64, text: &str, now: f64) -> Result<i64, StoreError> {
    check_text(text)?;
    let duplicate: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM activities WHERE group_id = ?1 AND type = 'note' AND user_id = ?2
            AND json_extract(data, '$.text') = ?3 AND date_created > ?4)",
        params![group_id, user_id.to_string(), text, now - 3600.0],
        |row| row.get(0),
    )?;
    if duplicate {
        return Err(StoreError::Invalid("You have already posted that comment.".into()));
    }
    activity(tx, group_id, "note", &json!({ "text": text }), user_id, now)
}

/// Replaces a comment's text.
pub fn edit(tx: &Transaction<'_>, group_id: i64, note_id: i64, text: &str) -> Result<(), StoreError> {
    check_text(text)?;
    let changed = tx.execute(
        "UPDATE activities SET data = ?3 WHERE id = ?1 AND group_id = ?2 AND type = 'note'",
        params![note_id, group_id, json!({ "text": text }).to_string()],
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("comment {note_id}")));
    }
    Ok(())
}

/// Deletes a comment.
pub fn delete(tx: &Transaction<'_>, group_id: i64, note_id: i64) -> Result<(), StoreError> {
    let changed = tx.execute(
        "DELETE FROM activities WHERE id = ?1 AND group_id = ?2 AND type = 'note'",
        params![note_id, group_id],
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("comment {note_id}")));
    }
    Ok(())
}

/// A user by id.
pub fn user(conn: &Connection, id: i64) -> Result<Option<User>, StoreError> {
    Ok(conn
        .query_row("SELECT id, username, email, name FROM users WHERE id = ?1", params![id], |row| {
            Ok(User { id: row.get(0)?, username: row.get(1)?, email: row.get(2)?, name: row.get(3)? })
        })
        .optional()?)
}

/// Every user of this server, by id: the organization's members.
pub fn users(conn: &Connection) -> Result<Vec<(User, f64)>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, username, email, name, date_created FROM users ORDER BY id")?;
    let rows = stmt.query_map([], |row| {
        Ok((User { id: row.get(0)?, username: row.get(1)?, email: row.get(2)?, name: row.get(3)? }, row.get(4)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Finds the user an `assignedTo` value names: `user:ID`, a bare id, a username or an email.
pub fn find_user(conn: &Connection, text: &str) -> Result<Option<User>, StoreError> {
    let by_id = text.strip_prefix("user:").unwrap_or(text).parse::<i64>().ok();
    if let Some(id) = by_id {
        return user(conn, id);
    }
    Ok(conn
        .query_row(
            "SELECT id, username, email, name FROM users WHERE username = ?1 OR lower(email) = lower(?1)",
            params![text],
            |row| Ok(User { id: row.get(0)?, username: row.get(1)?, email: row.get(2)?, name: row.get(3)? }),
        )
        .optional()?)
}

/// The id of the newest activity entry (0 before the first): a mark between rounds of a story
/// told after the fact, such as the demo's.
pub fn newest_activity_id(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT coalesce(max(id), 0) FROM activities", [], |row| row.get(0))?)
}

/// An issue's entries recorded after entry `after`, up to entry `upto`: (id, kind, data),
/// oldest first.
pub fn entries_between(
    conn: &Connection,
    group_id: i64,
    after: i64,
    upto: i64,
) -> Result<Vec<(i64, String, Value)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, type, data FROM activities WHERE group_id = ?1 AND id > ?2 AND id <= ?3 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![group_id, after, upto], |row| {
        let data: String = row.get(2)?;
        Ok((row.get(0)?, row.get(1)?, serde_json::from_str(&data).unwrap_or(Value::Null)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Dates a history told after the fact (the demo sends two weeks in a minute): each entry
/// gets its date, and the issue the time its status last changed and, where its priority was
/// set by hand, when that was. One transaction.
pub fn redate(
    conn: &mut Connection,
    group_id: i64,
    dates: &[(i64, f64)],
    status_since: Option<f64>,
    priority_set: Option<f64>,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    for (id, at) in dates {
        tx.execute(
            "UPDATE activities SET date_created = ?3 WHERE id = ?1 AND group_id = ?2",
            params![id, group_id, at],
        )?;
    }
    tx.execute(
        "UPDATE groups SET status_changed_at = coalesce(?2, status_changed_at),
            priority_locked_at = CASE WHEN priority_locked_at IS NULL THEN NULL ELSE coalesce(?3, priority_locked_at) END
         WHERE id = ?1",
        params![group_id, status_since, priority_set],
    )?;
    tx.commit()?;
    Ok(())
}
