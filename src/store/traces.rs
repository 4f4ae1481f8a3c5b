//! One trace's stored parts: its transactions (with their spans, in the decoded JSON) and the
//! events that name it in `contexts.trace` (errors, and the occurrences of performance issues),
//! each with its issue. Both are found by index on the trace id, within one organization.
//! Building the tree is the Web API's work (`server::api::trace`).

use rusqlite::{Connection, params};

use super::{StoreError, codec, short_id};

/// Most transactions and most events read for one trace.
pub const MAX_PARTS: usize = 2_000;

/// A transaction of the trace.
#[derive(Debug, Clone)]
pub struct TraceTransaction {
    pub project_id: i64,
    pub project_slug: String,
    pub event_id: String,
    /// The normalized transaction JSON.
    pub json: Vec<u8>,
}

/// An event of the trace, with its issue.
#[derive(Debug, Clone)]
pub struct TraceEvent {
    pub project_id: i64,
    pub project_slug: String,
    pub event_id: String,
    pub issue_id: i64,
    pub short_id: String,
    pub title: String,
    pub culprit: Option<String>,
    pub level: String,
    /// The issue's type: `error`, `default`, or a performance type.
    pub issue_type: String,
    pub timestamp: f64,
    /// The stored event JSON.
    pub json: Vec<u8>,
}

/// The transactions and events of `trace_id` in organization `org_id`, oldest first.
pub fn read(
    conn: &Connection,
    org_id: i64,
    trace_id: &str,
) -> Result<(Vec<TraceTransaction>, Vec<TraceEvent>), StoreError> {
    let mut transactions = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT t.project_id, p.slug, t.event_id, t.data FROM transactions t JOIN projects p ON p.id = t.project_id
         WHERE t.trace_id = ?1 AND p.org_id = ?2 ORDER BY t.start LIMIT ?3",
    )?;
    let mut rows = stmt.query(params![trace_id, org_id, MAX_PARTS as i64])?;
    while let Some(row) = rows.next()? {
        let blob: Vec<u8> = row.get(3)?;
        transactions.push(TraceTransaction {
            project_id: row.get(0)?,
            project_slug: row.get(1)?,
            event_id: row.get(2)?,
            json: codec::decode(&blob)?,
        });
    }
    let mut events = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT e.project_id, p.slug, e.event_id, g.id, g.short_id, g.title, g.culprit, e.level, g.type,
                e.timestamp, e.data
         FROM events e JOIN groups g ON g.id = e.group_id JOIN projects p ON p.id = e.project_id
         WHERE e.trace_id = ?1 AND p.org_id = ?2 ORDER BY e.timestamp LIMIT ?3",
    )?;
    let mut rows = stmt.query(params![trace_id, org_id, MAX_PARTS as i64])?;
    while let Some(row) = rows.next()? {
        let slug: String = row.get(1)?;
        let counter: i64 = row.get(4)?;
        let blob: Vec<u8> = row.get(10)?;
        events.push(TraceEvent {
            project_id: row.get(0)?,
            short_id: short_id::format(&slug, counter.max(0) as u64),
            project_slug: slug,
            event_id: row.get(2)?,
            issue_id: row.get(3)?,
            title: row.get(5)?,
            culprit: row.get(6)?,
            level: row.get(7)?,
            issue_type: row.get(8)?,
            timestamp: row.get(9)?,
            json: codec::decode(&blob)?,
        });
    }
    Ok((transactions, events))
}
