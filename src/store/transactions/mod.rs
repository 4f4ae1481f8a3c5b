//! Transactions: one row each, with typed columns for what the Performance views filter, group
//! and sort by (project, environment, release, name, op, status, duration, start, trace and
//! span ids), and the normalized event with its spans compressed in `data` by the same codec as
//! error events. Beside them, hourly rollups per (project, name, environment) keep the count,
//! failures, a duration histogram and a sketch of users, folded in memory per writer batch and
//! written once at its end, so the Performance table reads a few thousand rollups rather than
//! every transaction. Writes happen only on the writer thread ([`Rollups`], [`prune`]); reads
//! are in [`query`].

pub mod query;
pub mod sketch;

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::StoreError;
use sketch::{Histogram, Users};

/// Span statuses that do not count as failures (Sentry's `NON_FAILURE_STATUS`).
pub const NON_FAILURE: [&str; 3] = ["ok", "cancelled", "unknown"];

/// Whether a transaction with this status counts against `failure_rate()`.
pub fn is_failure(status: &str) -> bool {
    !NON_FAILURE.contains(&status)
}

/// A transaction ready to be committed (normalized and checked by `ingest::spans`).
#[derive(Debug, Clone)]
pub struct NewTransaction {
    pub project_id: i64,
    /// 32 lowercase hex characters.
    pub event_id: String,
    pub trace_id: String,
    /// The root span (`contexts.trace.span_id`).
    pub span_id: String,
    /// The span in another service this transaction continues, if any.
    pub parent_span_id: Option<String>,
    /// The transaction name (`GET /users/:id`).
    pub name: String,
    pub op: Option<String>,
    pub status: String,
    pub environment: Option<String>,
    pub release: Option<String>,
    /// Distinct-user key, as error events have it.
    pub user_key: Option<String>,
    /// Unix seconds.
    pub start: f64,
    /// Milliseconds.
    pub duration_ms: f64,
    pub received: f64,
    pub span_count: usize,
    /// Uncompressed JSON size in bytes.
    pub size: usize,
    /// zstd-compressed normalized transaction JSON, spans included.
    pub data: Vec<u8>,
}

/// The rollup a transaction counts into.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RollupKey {
    hour: i64,
    project_id: i64,
    name: String,
    environment: String,
}

#[derive(Debug, Default)]
struct RollupDelta {
    count: i64,
    failures: i64,
    duration_sum: f64,
    durations: Histogram,
    users: Users,
}

/// The rollups of one writer batch, folded in memory and written by [`Rollups::flush`].
#[derive(Debug, Default)]
pub struct Rollups {
    pending: HashMap<RollupKey, RollupDelta>,
}

impl Rollups {
    /// Stores `transactions` (an SDK's retry of one already stored is skipped) and folds the
    /// new ones into the batch's rollups. Returns how many were new.
    pub fn apply(&mut self, tx: &Transaction<'_>, transactions: &[NewTransaction]) -> Result<usize, StoreError> {
        let mut stored = 0;
        for t in transactions {
            let inserted = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO transactions (project_id, event_id, trace_id, span_id, parent_span_id,
                        name, op, status, environment, release, user_key, start, duration, received, span_count,
                        size, data)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                )?
                .execute(params![
                    t.project_id,
                    t.event_id,
                    t.trace_id,
                    t.span_id,
                    t.parent_span_id,
                    t.name,
                    t.op,
                    t.status,
                    t.environment,
                    t.release,
                    t.user_key,
                    t.start,
                    t.duration_ms,
                    t.received,
                    t.span_count as i64,
                    t.size as i64,
                    t.data
                ])?;
            if inserted == 0 {
                continue;
            }
            stored += 1;
            let key = RollupKey {
                hour: (t.start / 3600.0).floor() as i64,
                project_id: t.project_id,
                name: t.name.clone(),
                environment: t.environment.clone().unwrap_or_default(),
            };
            let delta = self.pending.entry(key).or_default();
            delta.count += 1;
            delta.failures += i64::from(is_failure(&t.status));
            delta.duration_sum += t.duration_ms;
            delta.durations.add(t.duration_ms);
            if let Some(user) = &t.user_key {
                delta.users.add(user);
            }
        }
        Ok(stored)
    }

    /// Writes the folded rollups; call once before committing.
    pub fn flush(&mut self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        for (key, mut delta) in self.pending.drain() {
            let existing: Option<(Vec<u8>, Vec<u8>)> = tx
                .prepare_cached(
                    "SELECT durations, users FROM transaction_rollups
                     WHERE hour = ?1 AND project_id = ?2 AND name = ?3 AND environment = ?4",
                )?
                .query_row(params![key.hour, key.project_id, key.name, key.environment], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()?;
            if let Some((durations, users)) = existing {
                delta.durations.merge(&Histogram::decode(&durations));
                delta.users.merge(&Users::decode(&users));
            }
            tx.prepare_cached(
                "INSERT INTO transaction_rollups
                    (hour, project_id, name, environment, count, failures, duration_sum, durations, users)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (hour, project_id, name, environment) DO UPDATE SET
                    count = count + excluded.count,
                    failures = failures + excluded.failures,
                    duration_sum = duration_sum + excluded.duration_sum,
                    durations = excluded.durations,
                    users = excluded.users",
            )?
            .execute(params![
                key.hour,
                key.project_id,
                key.name,
                key.environment,
                delta.count,
                delta.failures,
                delta.duration_sum,
                delta.durations.encode(),
                delta.users.encode()
            ])?;
        }
        Ok(())
    }
}

/// Deletes up to `limit` transactions that started before `cutoff` (unix seconds), and the
/// rollups of hours wholly before it; returns the transactions deleted. Run on the writer, in
/// slices, so a long backlog never holds the writer for long.
pub fn prune(tx: &Transaction<'_>, cutoff: f64, limit: usize) -> Result<usize, StoreError> {
    let deleted = tx
        .prepare_cached(
            "DELETE FROM transactions WHERE id IN
                (SELECT id FROM transactions WHERE start < ?1 ORDER BY start LIMIT ?2)",
        )?
        .execute(params![cutoff, limit as i64])?;
    tx.prepare_cached("DELETE FROM transaction_rollups WHERE hour < ?1")?
        .execute(params![(cutoff / 3600.0).floor() as i64])?;
    Ok(deleted)
}

/// The `q` quantile (0 to 1) of the durations, in milliseconds, of transaction `name` of
/// `project_id` that started in `[start, end)`, optionally in one environment; exact, from the
/// transactions themselves. `None` when there were none. For alert rules ("p95 of a
/// transaction above T").
pub fn duration_quantile(
    conn: &Connection,
    project_id: i64,
    name: &str,
    environment: Option<&str>,
    (start, end): (f64, f64),
    q: f64,
) -> Result<Option<f64>, StoreError> {
    let mut durations: Vec<f64> = conn
        .prepare_cached(
            "SELECT duration FROM transactions
             WHERE project_id = ?1 AND name = ?2 AND start >= ?3 AND start < ?4
               AND (?5 IS NULL OR environment = ?5)",
        )?
        .query_map(params![project_id, name, start, end, environment], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    durations.sort_by(f64::total_cmp);
    Ok(sketch::quantile_sorted(&durations, q))
}

/// One stored transaction's JSON, by project and event id.
pub fn event_json(conn: &Connection, project_id: i64, event_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let blob: Option<Vec<u8>> = conn
        .prepare_cached("SELECT data FROM transactions WHERE project_id = ?1 AND event_id = ?2")?
        .query_row(params![project_id, event_id], |row| row.get(0))
        .optional()?;
    blob.map(|b| super::codec::decode(&b).map_err(StoreError::from)).transpose()
}

#[cfg(test)]
mod tests;
