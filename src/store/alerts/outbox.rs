//! The outbox and the firing log. The delivery worker reads what is due ([`due`]) on a read
//! connection and records each attempt's outcome through the writer ([`mark`]); the Web API
//! and the console read recent firings with their deliveries ([`log`]) and the outbox's counts
//! ([`summary`]). A delivery is `pending` (never tried, or retrying: `attempts > 0`), `sent`,
//! `failed` (with the reason) or `dropped` (the outbox was full).

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::Value;

use super::{META_OUTBOX_DROPPED, fire::outbox_limit};
use crate::alerts::rule::Kind;
use crate::store::StoreError;

/// A delivery that is due, with its firing.
#[derive(Debug, Clone)]
pub struct Due {
    pub delivery_id: i64,
    /// Index of the action in its rule.
    pub action: usize,
    pub kind: Kind,
    pub attempts: u32,
    pub firing: FiringRow,
}

/// A firing as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct FiringRow {
    pub id: i64,
    /// The idempotency key every delivery of this firing carries.
    pub key: String,
    pub rule_id: Option<i64>,
    pub rule_name: String,
    pub project_id: i64,
    pub group_id: Option<i64>,
    pub event_id: Option<String>,
    pub reason: String,
    pub test: bool,
    pub fired_at: f64,
    pub context: Value,
}

/// One delivery of a firing, as the log shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRow {
    pub id: i64,
    pub action: usize,
    pub kind: String,
    pub state: String,
    pub attempts: u32,
    pub next_attempt: f64,
    pub last_error: Option<String>,
    pub updated_at: f64,
}

/// A firing with its deliveries.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedFiring {
    pub firing: FiringRow,
    pub deliveries: Vec<DeliveryRow>,
}

const FIRING_COLUMNS: &str = "f.id, f.key, f.rule_id, f.rule_name, f.project_id, f.group_id, f.event_id, f.reason, f.test, f.fired_at, f.context";

fn firing_from(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<FiringRow> {
    let context: String = row.get(at + 10)?;
    Ok(FiringRow {
        id: row.get(at)?,
        key: row.get(at + 1)?,
        rule_id: row.get(at + 2)?,
        rule_name: row.get(at + 3)?,
        project_id: row.get(at + 4)?,
        group_id: row.get(at + 5)?,
        event_id: row.get(at + 6)?,
        reason: row.get(at + 7)?,
        test: row.get(at + 8)?,
        fired_at: row.get(at + 9)?,
        context: serde_json::from_str(&context).unwrap_or(Value::Null),
    })
}

/// Up to `limit` pending deliveries whose time has come, soonest first.
pub fn due(conn: &Connection, now: f64, limit: usize) -> Result<Vec<Due>, StoreError> {
    let sql = format!(
        "SELECT d.id, d.action, d.kind, d.attempts, {FIRING_COLUMNS}
         FROM alert_deliveries d JOIN alert_firings f ON f.id = d.firing_id
         WHERE d.state = 'pending' AND d.next_attempt <= ?1
         ORDER BY d.next_attempt, d.id LIMIT ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![now, limit as i64], |row| {
        let kind: String = row.get(2)?;
        Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, kind, row.get::<_, i64>(3)?, firing_from(row, 4)?))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (delivery_id, action, kind, attempts, firing) = row?;
        let Some(kind) = Kind::parse(&kind) else { continue };
        found.push(Due {
            delivery_id,
            action: usize::try_from(action).unwrap_or(usize::MAX),
            kind,
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            firing,
        });
    }
    Ok(found)
}

/// When the next pending delivery is due, if any is pending.
pub fn next_due(conn: &Connection) -> Result<Option<f64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT min(next_attempt) FROM alert_deliveries WHERE state = 'pending'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .flatten())
}

/// What an attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempted {
    Sent,
    /// Try again at this time (unix seconds), after this error.
    Retry {
        at: f64,
        error: String,
    },
    /// Give up, for this reason.
    Failed {
        error: String,
    },
}

/// Records an attempt's outcome. A delivery that is no longer pending (dropped meanwhile) is
/// left as it is.
pub fn mark(tx: &Transaction<'_>, delivery_id: i64, outcome: &Attempted, now: f64) -> Result<(), StoreError> {
    let (state, next, error) = match outcome {
        Attempted::Sent => ("sent", now, None),
        Attempted::Retry { at, error } => ("pending", *at, Some(error.as_str())),
        Attempted::Failed { error } => ("failed", now, Some(error.as_str())),
    };
    tx.prepare_cached(
        "UPDATE alert_deliveries SET state = ?2, attempts = attempts + 1, next_attempt = ?3, last_error = ?4,
                updated_at = ?5
         WHERE id = ?1 AND state = 'pending'",
    )?
    .execute(params![delivery_id, state, next, error, now])?;
    Ok(())
}

fn deliveries(conn: &Connection, firing_id: i64) -> Result<Vec<DeliveryRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, action, kind, state, attempts, next_attempt, last_error, updated_at
         FROM alert_deliveries WHERE firing_id = ?1 ORDER BY action, id",
    )?;
    let rows = stmt.query_map(params![firing_id], |r| {
        Ok(DeliveryRow {
            id: r.get(0)?,
            action: usize::try_from(r.get::<_, i64>(1)?).unwrap_or(usize::MAX),
            kind: r.get(2)?,
            state: r.get(3)?,
            attempts: u32::try_from(r.get::<_, i64>(4)?).unwrap_or(u32::MAX),
            next_attempt: r.get(5)?,
            last_error: r.get(6)?,
            updated_at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Which firings a log read wants.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    pub projects: Vec<i64>,
    pub rule_id: Option<i64>,
    /// Only firings after this one (for polling).
    pub after: Option<i64>,
    pub limit: usize,
}

/// Recent firings, newest first, with their deliveries.
pub fn log(conn: &Connection, query: &LogQuery) -> Result<Vec<LoggedFiring>, StoreError> {
    let mut sql = format!("SELECT {FIRING_COLUMNS} FROM alert_firings f WHERE f.id > ?1");
    let mut args: Vec<rusqlite::types::Value> = vec![query.after.unwrap_or(0).into()];
    if let Some(rule) = query.rule_id {
        args.push(rule.into());
        sql.push_str(&format!(" AND f.rule_id = ?{}", args.len()));
    }
    if !query.projects.is_empty() {
        let marks: Vec<String> = query
            .projects
            .iter()
            .map(|p| {
                args.push((*p).into());
                format!("?{}", args.len())
            })
            .collect();
        sql.push_str(&format!(" AND f.project_id IN ({})", marks.join(", ")));
    }
    args.push((query.limit.clamp(1, 1_000) as i64).into());
    sql.push_str(&format!(" ORDER BY f.id DESC LIMIT ?{}", args.len()));
    let mut stmt = conn.prepare(&sql)?;
    let firings: Vec<FiringRow> =
        stmt.query_map(rusqlite::params_from_iter(args), |row| firing_from(row, 0))?.collect::<Result<_, _>>()?;
    firings.into_iter().map(|firing| Ok(LoggedFiring { deliveries: deliveries(conn, firing.id)?, firing })).collect()
}

/// One firing by id.
pub fn firing(conn: &Connection, id: i64) -> Result<Option<LoggedFiring>, StoreError> {
    let sql = format!("SELECT {FIRING_COLUMNS} FROM alert_firings f WHERE f.id = ?1");
    let found = conn.query_row(&sql, params![id], |row| firing_from(row, 0)).optional()?;
    found.map(|firing| Ok(LoggedFiring { deliveries: deliveries(conn, firing.id)?, firing })).transpose()
}

/// The outbox at a glance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Pending and never tried.
    pub queued: u64,
    /// Pending after at least one failed attempt.
    pub retrying: u64,
    pub sent: u64,
    pub failed: u64,
    /// Dropped because the outbox was full, ever (kept even when the log forgets them).
    pub dropped: u64,
    pub limit: u64,
}

pub fn summary(conn: &Connection) -> Result<Summary, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT state, attempts > 0, count(*) FROM alert_deliveries GROUP BY state, attempts > 0")?;
    let mut summary = Summary::default();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, i64>(2)?)))? {
        let (state, tried, n) = row?;
        let n = n.max(0) as u64;
        match (state.as_str(), tried) {
            ("pending", false) => summary.queued += n,
            ("pending", true) => summary.retrying += n,
            ("sent", _) => summary.sent += n,
            ("failed", _) => summary.failed += n,
            _ => {}
        }
    }
    let dropped: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row(params![META_OUTBOX_DROPPED], |r| r.get(0))
        .optional()?;
    summary.dropped = dropped.and_then(|d| d.parse().ok()).unwrap_or(0);
    summary.limit = outbox_limit(conn)?;
    Ok(summary)
}

/// The latest firing of each rule, by rule id (for the rules list).
pub fn last_firings(conn: &Connection, rule_ids: &[i64]) -> Result<Vec<(i64, LoggedFiring)>, StoreError> {
    let mut found = Vec::new();
    for &rule in rule_ids {
        let id: Option<i64> = conn
            .prepare_cached("SELECT max(id) FROM alert_firings WHERE rule_id = ?1")?
            .query_row(params![rule], |r| r.get(0))?;
        if let Some(firing) = id.map(|id| firing(conn, id)).transpose()?.flatten() {
            found.push((rule, firing));
        }
    }
    Ok(found)
}
