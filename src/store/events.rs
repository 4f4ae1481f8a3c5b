//! Reads of one issue's events for the Web API: latest, oldest, recommended or a given event,
//! each with its older and newer neighbours, and the newest-first event list. An optional
//! environment filter applies to all of them. Events are ordered by event time, then by
//! arrival (row id), so stepping is stable even when timestamps tie. Also a project's events,
//! newest arrival first, and the attachments stored beside an event.

use rusqlite::{Connection, OptionalExtension, params_from_iter, types::Value as Sql};

use super::issues::{EVENT_SELECT, StoredEvent, event_from_row, inflate};
use super::{StoreError, TimeWindow};

/// Which event of an issue to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    Latest,
    Oldest,
    /// The richest recent event: of the newest [`RECOMMEND_WINDOW`], the one with the most data
    /// (breadcrumbs, request, contexts make events larger), newest on ties.
    Recommended,
    /// A 32-hex event id.
    Id(String),
}

/// How many of the newest events the recommended pick considers.
pub const RECOMMEND_WINDOW: i64 = 100;

/// An event with the ids of its neighbours within the same filter.
#[derive(Debug, Clone)]
pub struct EventAt {
    pub event: StoredEvent,
    /// The next older event.
    pub previous: Option<String>,
    /// The next newer event.
    pub next: Option<String>,
}

/// `AND environment IN (...)` with its arguments, or nothing for no filter.
fn environment_clause(environments: &[String], args: &mut Vec<Sql>) -> String {
    if environments.is_empty() {
        return String::new();
    }
    args.extend(environments.iter().map(|e| Sql::Text(e.clone())));
    format!(" AND environment IN ({})", vec!["?"; environments.len()].join(", "))
}

/// Finds the picked event of `group_id` and its neighbours.
pub fn pick_event(
    conn: &Connection,
    group_id: i64,
    pick: &Pick,
    environments: &[String],
) -> Result<Option<EventAt>, StoreError> {
    let mut args = vec![Sql::Integer(group_id)];
    let filter = environment_clause(environments, &mut args);
    let order = match pick {
        Pick::Latest => "ORDER BY timestamp DESC, id DESC LIMIT 1".to_string(),
        Pick::Oldest => "ORDER BY timestamp, id LIMIT 1".to_string(),
        Pick::Recommended => {
            format!("ORDER BY timestamp DESC, id DESC LIMIT {RECOMMEND_WINDOW}")
        }
        Pick::Id(id) => {
            args.push(Sql::Text(id.clone()));
            "AND event_id = ? LIMIT 1".to_string()
        }
    };
    let sql = format!("{EVENT_SELECT} WHERE group_id = ?{filter} {order}");
    let row = if *pick == Pick::Recommended {
        // Largest of the window; the window is newest first, so the first maximum is the newest.
        let mut stmt =
            conn.prepare_cached(&format!("SELECT * FROM ({sql}) ORDER BY size DESC, timestamp DESC, id DESC LIMIT 1"))?;
        stmt.query_row(params_from_iter(args.iter()), event_from_row).optional()?
    } else {
        conn.prepare_cached(&sql)?.query_row(params_from_iter(args.iter()), event_from_row).optional()?
    };
    let Some(row) = row else {
        return Ok(None);
    };
    let event = inflate(row)?;
    let previous = neighbour(conn, &event, environments, false)?;
    let next = neighbour(conn, &event, environments, true)?;
    Ok(Some(EventAt { event, previous, next }))
}

fn neighbour(
    conn: &Connection,
    event: &StoredEvent,
    environments: &[String],
    newer: bool,
) -> Result<Option<String>, StoreError> {
    let mut args = vec![Sql::Integer(event.group_id), Sql::Real(event.timestamp), Sql::Integer(event.row_id)];
    let filter = environment_clause(environments, &mut args);
    let (cmp, order) = if newer { (">", "ASC") } else { ("<", "DESC") };
    let sql = format!(
        "SELECT event_id FROM events WHERE group_id = ?1 AND (timestamp, id) {cmp} (?2, ?3){filter}
         ORDER BY timestamp {order}, id {order} LIMIT 1"
    );
    // The environment placeholders are plain `?`: they number on from ?3.
    Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(args.iter()), |row| row.get(0)).optional()?)
}

/// One page of an issue's events, newest first, and whether more follow.
pub fn list_events(
    conn: &Connection,
    group_id: i64,
    environments: &[String],
    window: TimeWindow,
    limit: usize,
    offset: usize,
) -> Result<(Vec<StoredEvent>, bool), StoreError> {
    let mut args = vec![Sql::Integer(group_id)];
    let filter = environment_clause(environments, &mut args) + &window_clause(window, &mut args);
    let sql = format!("{EVENT_SELECT} WHERE group_id = ?{filter} ORDER BY timestamp DESC, id DESC LIMIT ? OFFSET ?");
    event_page(conn, &sql, args, limit, offset)
}

/// Runs a page query whose last two placeholders are its limit and offset, reading one row more
/// than the page to tell whether more follow.
fn event_page(
    conn: &Connection,
    sql: &str,
    mut args: Vec<Sql>,
    limit: usize,
    offset: usize,
) -> Result<(Vec<StoredEvent>, bool), StoreError> {
    args.push(Sql::Integer(limit as i64 + 1));
    args.push(Sql::Integer(offset as i64));
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), event_from_row)?;
    let mut events = rows.map(|row| inflate(row?)).collect::<Result<Vec<_>, _>>()?;
    let more = events.len() > limit;
    events.truncate(limit);
    Ok((events, more))
}

/// Events of an issue within the environment filter and time window.
pub fn count_events(
    conn: &Connection,
    group_id: i64,
    environments: &[String],
    window: TimeWindow,
) -> Result<i64, StoreError> {
    let mut args = vec![Sql::Integer(group_id)];
    let filter = environment_clause(environments, &mut args) + &window_clause(window, &mut args);
    let sql = format!("SELECT count(*) FROM events WHERE group_id = ?{filter}");
    Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(args.iter()), |row| row.get(0))?)
}

fn window_clause(window: TimeWindow, args: &mut Vec<Sql>) -> String {
    let mut clause = String::new();
    if let Some(start) = window.start {
        args.push(Sql::Real(start));
        clause.push_str(" AND timestamp >= ?");
    }
    if let Some(end) = window.end {
        args.push(Sql::Real(end));
        clause.push_str(" AND timestamp <= ?");
    }
    clause
}

/// An event anywhere in the organization's projects, by its id.
pub fn find_event(conn: &Connection, org_id: i64, event_id: &str) -> Result<Option<StoredEvent>, StoreError> {
    let sql = format!(
        "{EVENT_SELECT} WHERE event_id = ?1 AND project_id IN (SELECT id FROM projects WHERE org_id = ?2) LIMIT 1"
    );
    conn.prepare_cached(&sql)?
        .query_row(rusqlite::params![event_id, org_id], event_from_row)
        .optional()?
        .map(inflate)
        .transpose()
}

/// One page of a project's events, newest arrival first, and whether more follow.
///
/// Arrival order walks the events table backwards by row id and stops after the page: no index
/// orders a project's events by time, and one would cost every ingested event a page write.
pub fn project_events(
    conn: &Connection,
    project_id: i64,
    environments: &[String],
    window: TimeWindow,
    limit: usize,
    offset: usize,
) -> Result<(Vec<StoredEvent>, bool), StoreError> {
    // A project without events would otherwise read the whole table to find none.
    let any: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM events WHERE project_id = ?1)")?
        .query_row([project_id], |row| row.get(0))?;
    if !any {
        return Ok((Vec::new(), false));
    }
    let mut args = vec![Sql::Integer(project_id)];
    let filter = environment_clause(environments, &mut args) + &window_clause(window, &mut args);
    // `+project_id`: walk the row ids, not the (project_id, event_id) index and a sort.
    let sql = format!("{EVENT_SELECT} WHERE +project_id = ?{filter} ORDER BY id DESC LIMIT ? OFFSET ?");
    event_page(conn, &sql, args, limit, offset)
}
