//! User feedback records: the `feedback` item (Sentry's new feedback, an event whose
//! `contexts.feedback` holds the message) and the legacy `user_report`, one table for both.
//! A record names the error it is about by event id (`associated_event_id`); the link to that
//! event's issue is made when reading, by joining the events table, so a report that arrives
//! before its error (or an error merged into another issue later) still lands on the right
//! issue. A record that names no event, or one never received, stands alone.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{StoreError, codec};

/// A feedback record ready to be committed (already scrubbed and compressed by ingest).
#[derive(Debug, Clone)]
pub struct NewFeedback {
    pub project_id: i64,
    /// `feedback` or `user_report`.
    pub kind: String,
    /// The feedback event's own id; for a user report, the id of the event it is about.
    pub feedback_id: String,
    pub associated_event_id: Option<String>,
    pub name: String,
    pub email: String,
    pub message: String,
    pub url: Option<String>,
    pub environment: Option<String>,
    pub timestamp: f64,
    pub received: f64,
    /// zstd-compressed JSON: the feedback event, or the report as sent.
    pub data: Vec<u8>,
}

/// A stored feedback record, with the issue it is linked to when its event is known.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackRecord {
    pub id: i64,
    pub project_id: i64,
    pub kind: String,
    pub feedback_id: String,
    pub associated_event_id: Option<String>,
    pub name: String,
    pub email: String,
    pub message: String,
    pub url: Option<String>,
    pub environment: Option<String>,
    pub timestamp: f64,
    pub received: f64,
    pub group_id: Option<i64>,
    /// The feedback event (tags, contexts, user, sdk) or the report as sent.
    pub data: serde_json::Value,
}

/// Stores `feedback`; a second report about the same event (or a resent feedback) replaces
/// the first one's text, as Sentry updates a user report sent again.
pub(super) fn insert(tx: &Transaction<'_>, feedback: &NewFeedback) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO feedback (project_id, kind, feedback_id, associated_event_id, name, email, message, url,
                               environment, timestamp, received, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (project_id, kind, feedback_id) DO UPDATE SET
             name = excluded.name, email = excluded.email, message = excluded.message, url = excluded.url,
             data = excluded.data",
    )?
    .execute(params![
        feedback.project_id,
        feedback.kind,
        feedback.feedback_id,
        feedback.associated_event_id,
        feedback.name,
        feedback.email,
        feedback.message,
        feedback.url,
        feedback.environment,
        feedback.timestamp,
        feedback.received,
        feedback.data
    ])?;
    Ok(())
}

const SELECT: &str = "SELECT f.id, f.project_id, f.kind, f.feedback_id, f.associated_event_id, f.name, f.email,
                             f.message, f.url, f.environment, f.timestamp, f.received, e.group_id, f.data
                      FROM feedback f
                      LEFT JOIN events e ON e.project_id = f.project_id AND e.event_id = f.associated_event_id";

fn record(row: &rusqlite::Row<'_>) -> rusqlite::Result<(FeedbackRecord, Vec<u8>)> {
    Ok((
        FeedbackRecord {
            id: row.get(0)?,
            project_id: row.get(1)?,
            kind: row.get(2)?,
            feedback_id: row.get(3)?,
            associated_event_id: row.get(4)?,
            name: row.get(5)?,
            email: row.get(6)?,
            message: row.get(7)?,
            url: row.get(8)?,
            environment: row.get(9)?,
            timestamp: row.get(10)?,
            received: row.get(11)?,
            group_id: row.get(12)?,
            data: serde_json::Value::Null,
        },
        row.get(13)?,
    ))
}

fn decode_all(rows: Vec<(FeedbackRecord, Vec<u8>)>) -> Result<Vec<FeedbackRecord>, StoreError> {
    rows.into_iter()
        .map(|(mut record, blob)| {
            record.data = serde_json::from_slice(&codec::decode(&blob)?)?;
            Ok(record)
        })
        .collect()
}

/// Which feedback to list.
#[derive(Debug, Clone, Default)]
pub struct FeedbackFilter {
    /// Only these projects (empty: all).
    pub projects: Vec<i64>,
    /// Only feedback linked to this issue.
    pub group_id: Option<i64>,
    /// Only these environments (empty: all).
    pub environments: Vec<String>,
    /// Only records whose name, email, message or URL contain this text.
    pub text: Option<String>,
}

/// Feedback matching `filter`, newest first, `limit` from `offset`, and how many match in all.
pub fn list(
    conn: &Connection,
    filter: &FeedbackFilter,
    limit: usize,
    offset: usize,
) -> Result<(Vec<FeedbackRecord>, u64), StoreError> {
    let mut clauses = vec!["1 = 1".to_string()];
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if !filter.projects.is_empty() {
        let marks: Vec<String> = filter.projects.iter().map(|_| "?".to_string()).collect();
        clauses.push(format!("f.project_id IN ({})", marks.join(", ")));
        args.extend(filter.projects.iter().map(|p| rusqlite::types::Value::Integer(*p)));
    }
    if let Some(group) = filter.group_id {
        clauses.push("e.group_id = ?".into());
        args.push(rusqlite::types::Value::Integer(group));
    }
    if !filter.environments.is_empty() {
        let marks: Vec<String> = filter.environments.iter().map(|_| "?".to_string()).collect();
        clauses.push(format!("f.environment IN ({})", marks.join(", ")));
        args.extend(filter.environments.iter().map(|e| rusqlite::types::Value::Text(e.clone())));
    }
    if let Some(text) = filter.text.as_deref().filter(|t| !t.is_empty()) {
        clauses.push(
            "(instr(lower(f.message), lower(?)) > 0 OR instr(lower(f.name), lower(?)) > 0
              OR instr(lower(f.email), lower(?)) > 0 OR instr(lower(coalesce(f.url, '')), lower(?)) > 0)"
                .into(),
        );
        for _ in 0..4 {
            args.push(rusqlite::types::Value::Text(text.to_string()));
        }
    }
    let condition = clauses.join(" AND ");
    let total: i64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM feedback f
             LEFT JOIN events e ON e.project_id = f.project_id AND e.event_id = f.associated_event_id
             WHERE {condition}"
        ),
        rusqlite::params_from_iter(args.iter()),
        |row| row.get(0),
    )?;
    let mut page_args = args;
    page_args.push(rusqlite::types::Value::Integer(limit as i64));
    page_args.push(rusqlite::types::Value::Integer(offset as i64));
    let rows = conn
        .prepare(&format!("{SELECT} WHERE {condition} ORDER BY f.received DESC, f.id DESC LIMIT ? OFFSET ?"))?
        .query_map(rusqlite::params_from_iter(page_args.iter()), record)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((decode_all(rows)?, total.max(0) as u64))
}

/// One record by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<FeedbackRecord>, StoreError> {
    let row = conn.prepare_cached(&format!("{SELECT} WHERE f.id = ?1"))?.query_row([id], record).optional()?;
    Ok(decode_all(row.into_iter().collect())?.pop())
}

/// How many feedback records each of `groups` has.
pub fn counts(conn: &Connection, groups: &[i64]) -> Result<Vec<(i64, u64)>, StoreError> {
    let mut found = Vec::with_capacity(groups.len());
    let mut statement = conn.prepare_cached(
        "SELECT count(*) FROM feedback f
         JOIN events e ON e.project_id = f.project_id AND e.event_id = f.associated_event_id
         WHERE e.group_id = ?1",
    )?;
    for group in groups {
        let count: i64 = statement.query_row([group], |row| row.get(0))?;
        found.push((*group, count.max(0) as u64));
    }
    Ok(found)
}
