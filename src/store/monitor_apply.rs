//! Applies monitor writes inside the writer's transaction. A check-in upserts its monitor when
//! it carries a config (an unknown monitor without one is refused with a reason, and nothing
//! else of the request is lost), closes the `in_progress` check-in it names, and moves the
//! monitor's next expected time on. A sweep's marks are re-checked here against what is
//! committed: a missed slot is recorded only while the monitor still expects it, a timeout only
//! while its check-in is still in progress. A failure opens or regresses the monitor's issue
//! once the monitor's last `failure_issue_threshold` finished check-ins all failed.

use rusqlite::{OptionalExtension, params};

use super::StoreError;
use super::apply::Batch;
use super::monitors::{MonitorFailure, MonitorWrite, NewCheckIn};
use super::types::{Committed, NewEvent};
use crate::monitors::{CheckInStatus, FailureReason, MonitorConfig, schedule};

pub(super) fn apply(
    batch: &mut Batch<'_, '_>,
    write: &MonitorWrite,
    committed: &mut Committed,
) -> Result<(), StoreError> {
    match write {
        MonitorWrite::CheckIn(check_in) => apply_check_in(batch, check_in, committed),
        MonitorWrite::Missed { monitor_id, expected, next, at, failure } => {
            let tx = batch.tx();
            let still: Option<Option<f64>> = tx
                .prepare_cached("SELECT next_expected FROM monitors WHERE id = ?1")?
                .query_row([monitor_id], |row| row.get(0))
                .optional()?;
            if !matches!(still, Some(Some(expecting)) if (expecting - expected).abs() < 1e-3) {
                return Ok(());
            }
            let inserted = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO monitor_checkins (monitor_id, guid, status, environment, date_created,
                                                        date_updated, expected_time)
                 SELECT id, ?2, 'missed', environment, ?4, ?3, ?4 FROM monitors WHERE id = ?1",
                )?
                .execute(params![monitor_id, format!("missed-{}", *expected as i64), at, expected])?;
            if inserted == 0 {
                return Ok(());
            }
            let checkin = tx.last_insert_rowid();
            tx.prepare_cached("UPDATE monitors SET next_expected = ?2, health = 'missed_checkin' WHERE id = ?1")?
                .execute(params![monitor_id, next])?;
            fail(batch, *monitor_id, checkin, FailureReason::Missed, failure, committed)
        }
        MonitorWrite::TimedOut { checkin_id, at, failure } => {
            let tx = batch.tx();
            let changed = tx
                .prepare_cached(
                    "UPDATE monitor_checkins SET status = 'timeout', date_updated = ?2,
                                                 duration = ?2 - date_created
                     WHERE id = ?1 AND status = 'in_progress'",
                )?
                .execute(params![checkin_id, at])?;
            if changed == 0 {
                return Ok(());
            }
            let monitor_id: i64 = tx
                .prepare_cached("SELECT monitor_id FROM monitor_checkins WHERE id = ?1")?
                .query_row([checkin_id], |row| row.get(0))?;
            tx.prepare_cached("UPDATE monitors SET health = 'timeout' WHERE id = ?1")?.execute([monitor_id])?;
            fail(batch, monitor_id, *checkin_id, FailureReason::Timeout, failure, committed)
        }
    }
}

fn apply_check_in(
    batch: &mut Batch<'_, '_>,
    check_in: &NewCheckIn,
    committed: &mut Committed,
) -> Result<(), StoreError> {
    let tx = batch.tx();
    let existing: Option<(i64, String, Option<f64>)> = tx
        .prepare_cached("SELECT id, config, next_expected FROM monitors WHERE project_id = ?1 AND slug = ?2")?
        .query_row(params![check_in.project_id, check_in.slug], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let received = check_in.received;
    let (monitor_id, config, expected) = match (existing, &check_in.config) {
        (Some((id, stored, next)), Some(config)) => {
            let text = serde_json::to_string(config)?;
            let mut next = next;
            if text != stored {
                let before: Option<MonitorConfig> = serde_json::from_str(&stored).ok();
                if before.is_none_or(|b| b.schedule != config.schedule || b.timezone != config.timezone) {
                    next = schedule::next_after_unix(config, received);
                }
                tx.prepare_cached("UPDATE monitors SET config = ?2, next_expected = ?3 WHERE id = ?1")?
                    .execute(params![id, text, next])?;
            }
            (id, config.clone(), next)
        }
        (Some((id, stored, next)), None) => (id, serde_json::from_str(&stored)?, next),
        (None, Some(config)) => {
            let next = schedule::next_after_unix(config, received);
            tx.prepare_cached(
                "INSERT INTO monitors (project_id, slug, config, environment, date_created, next_expected)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                check_in.project_id,
                check_in.slug,
                serde_json::to_string(config)?,
                check_in.environment,
                received,
                next
            ])?;
            (tx.last_insert_rowid(), config.clone(), next)
        }
        (None, None) => {
            committed.rejected.push(format!(
                "check-in for unknown monitor {:?} in project {}: no monitor has this slug; send a monitor_config \
                 with a schedule to create it (sentry-cli: monitors run --schedule \"0 * * * *\" {})",
                check_in.slug, check_in.project_id, check_in.slug
            ));
            return Ok(());
        }
    };

    let prior: Option<(i64, String, f64)> = tx
        .prepare_cached("SELECT id, status, date_created FROM monitor_checkins WHERE monitor_id = ?1 AND guid = ?2")?
        .query_row(params![monitor_id, check_in.guid], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let status = check_in.status.as_str();
    let checkin_id = match prior {
        Some((id, prior_status, created)) => {
            if prior_status != CheckInStatus::InProgress.as_str() || check_in.status == CheckInStatus::InProgress {
                // Resent, or it closes a check-in already closed (or timed out): kept as it was.
                return Ok(());
            }
            let duration = check_in.duration.unwrap_or((received - created).max(0.0));
            tx.prepare_cached(
                "UPDATE monitor_checkins SET status = ?2, duration = ?3, date_updated = ?4 WHERE id = ?1",
            )?
            .execute(params![id, status, duration, received])?;
            id
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO monitor_checkins (monitor_id, guid, status, environment, duration, date_created,
                                              date_updated, expected_time, trace_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8)",
            )?
            .execute(params![
                monitor_id,
                check_in.guid,
                status,
                check_in.environment,
                check_in.duration,
                received,
                expected,
                check_in.trace_id
            ])?;
            // Any new check-in, in progress or finished, is the run for its slot.
            tx.prepare_cached("UPDATE monitors SET last_checkin = ?2, next_expected = ?3 WHERE id = ?1")?
                .execute(params![monitor_id, received, schedule::next_after_unix(&config, received)])?;
            tx.last_insert_rowid()
        }
    };
    tx.prepare_cached(
        "UPDATE monitors SET environment = coalesce(?2, environment),
                             health = CASE WHEN ?3 = 'in_progress' THEN health ELSE ?3 END
         WHERE id = ?1",
    )?
    .execute(params![monitor_id, check_in.environment, status])?;
    match (&check_in.failure, check_in.status) {
        (Some(failure), CheckInStatus::Error) => {
            fail(batch, monitor_id, checkin_id, FailureReason::Error, failure, committed)
        }
        _ => Ok(()),
    }
}

/// Records failure `reason` of check-in `checkin_id`, and opens or regresses the monitor's
/// issue with `event` once its threshold of consecutive failures is reached.
fn fail(
    batch: &mut Batch<'_, '_>,
    monitor_id: i64,
    checkin_id: i64,
    reason: FailureReason,
    event: &NewEvent,
    committed: &mut Committed,
) -> Result<(), StoreError> {
    let tx = batch.tx();
    let (slug, config): (String, String) = tx
        .prepare_cached("SELECT slug, config FROM monitors WHERE id = ?1")?
        .query_row([monitor_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let config: MonitorConfig = serde_json::from_str(&config)?;
    let threshold = config.failure_issue_threshold.max(1) as usize;
    let recent: Vec<String> = tx
        .prepare_cached(
            "SELECT status FROM monitor_checkins WHERE monitor_id = ?1 AND status != 'in_progress'
             ORDER BY date_created DESC, id DESC LIMIT ?2",
        )?
        .query_map(params![monitor_id, threshold as i64], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    if recent.len() < threshold || !recent.iter().all(|s| CheckInStatus::from_stored(s).is_failure()) {
        return Ok(());
    }
    let outcome = batch.apply_event(event)?;
    let tx = batch.tx();
    tx.prepare_cached("UPDATE monitors SET group_id = ?2 WHERE id = ?1")?
        .execute(params![monitor_id, outcome.group_id])?;
    tx.prepare_cached("UPDATE monitor_checkins SET group_id = ?2 WHERE id = ?1")?
        .execute(params![checkin_id, outcome.group_id])?;
    if !outcome.duplicate {
        committed.monitor_failures.push(MonitorFailure {
            project_id: event.project_id,
            monitor_id,
            monitor_slug: slug,
            reason,
            group_id: outcome.group_id,
            new_group: outcome.new_group,
            event_id: outcome.event_id,
        });
    }
    Ok(())
}
