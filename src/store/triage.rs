//! Triage writes from the Web API: status (resolve, unresolve, ignore with its conditions),
//! priority, assignment, bookmarks, "seen" and "reviewed" marks, merging and deleting issues.
//! Each function runs inside the writer thread's transaction (see
//! [`super::WriterHandle::call`]), records Sentry's activity entries, and never decides HTTP
//! matters: the server turns request bodies into an [`IssueChange`].

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::json;

use super::StoreError;
use super::group_row::GroupRow;
use super::issues::ONGOING_AFTER;
use crate::lifecycle::{self, IssueState, Priority, Resolution, Snooze, Status, Substatus};

/// Where a resolution takes effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveIn {
    /// Any later event regresses it.
    Now,
    /// A version, or `latest` for the project's newest release.
    Release(String),
    /// Whatever release comes after the newest one seen so far.
    NextRelease,
}

/// The conditions of an ignore ("archive"); all empty means forever.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreFor {
    pub minutes: Option<u64>,
    /// Until this time (unix seconds).
    pub until: Option<i64>,
    pub count: Option<u64>,
    pub window_mins: Option<u64>,
    pub user_count: Option<u64>,
    pub user_window_mins: Option<u64>,
    pub until_escalating: bool,
}

impl IgnoreFor {
    fn has_condition(&self) -> bool {
        self.minutes.is_some() || self.until.is_some() || self.count.is_some() || self.user_count.is_some()
    }
}

/// A status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChange {
    Resolve(ResolveIn),
    Unresolve { substatus: Option<Substatus> },
    Ignore { conditions: IgnoreFor, substatus: Option<Substatus> },
}

/// Who an issue is assigned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    Nobody,
    User(i64),
}

/// Everything one update asks for; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueChange {
    pub status: Option<StatusChange>,
    pub priority: Option<Priority>,
    pub assign: Option<Assignee>,
    pub bookmarked: Option<bool>,
    pub seen: Option<bool>,
    /// `inbox: false` in Sentry's terms: reviewed, out of For Review.
    pub reviewed: Option<bool>,
}

impl IssueChange {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Applies `change` to every issue in `ids` on behalf of `user_id` at `now`.
pub fn apply_change(
    tx: &Transaction<'_>,
    ids: &[i64],
    change: &IssueChange,
    user_id: i64,
    now: f64,
) -> Result<(), StoreError> {
    for &id in ids {
        apply_one(tx, id, change, user_id, now)?;
    }
    Ok(())
}

fn apply_one(tx: &Transaction<'_>, id: i64, change: &IssueChange, user_id: i64, now: f64) -> Result<(), StoreError> {
    let project_id: Option<i64> =
        tx.query_row("SELECT project_id FROM groups WHERE id = ?1", params![id], |r| r.get(0)).optional()?;
    let Some(project_id) = project_id else {
        return Err(StoreError::NotFound(format!("issue {id}")));
    };
    let group = GroupRow::load(tx, id)?;
    let mut state = group.state.clone();
    if let Some(status) = &change.status {
        let (kind, data) = change_status(tx, &mut state, status, id, project_id, group.first_seen, now)?;
        activity(tx, id, kind, &data, user_id, now)?;
    }
    if let Some(priority) = change.priority {
        state.priority = Some(priority);
        state.priority_locked = true;
        activity(tx, id, "set_priority", &json!({ "priority": priority.as_str(), "reason": "manual" }), user_id, now)?;
    }
    if change.status.is_some() || change.priority.is_some() {
        let since = match &change.status {
            Some(StatusChange::Unresolve { substatus: Some(substatus) }) => {
                entered(tx, id, *substatus, group.first_seen)?
            }
            _ => None,
        };
        save_lifecycle(tx, id, &state, change.status.is_some(), since.unwrap_or(now), now)?;
    }
    if let Some(assign) = change.assign {
        let value = match assign {
            Assignee::Nobody => None,
            Assignee::User(user) => Some(format!("user:{user}")),
        };
        tx.execute("UPDATE groups SET assignee = ?2 WHERE id = ?1", params![id, value])?;
        let _ = match assign {
            Assignee::Nobody => activity(tx, id, "unassigned", &json!({}), user_id, now)?,
            Assignee::User(user) => activity(
                tx,
                id,
                "assigned",
                &json!({ "assignee": user.to_string(), "assigneeType": "user" }),
                user_id,
                now,
            )?,
        };
    }
    if let Some(bookmarked) = change.bookmarked {
        if bookmarked {
            tx.execute(
                "INSERT OR IGNORE INTO group_bookmarks (group_id, user_id, date_created) VALUES (?1, ?2, ?3)",
                params![id, user_id, now],
            )?;
        } else {
            tx.execute("DELETE FROM group_bookmarks WHERE group_id = ?1 AND user_id = ?2", params![id, user_id])?;
        }
    }
    if let Some(seen) = change.seen {
        if seen {
            tx.execute(
                "INSERT INTO group_seen (group_id, user_id, last_seen) VALUES (?1, ?2, ?3)
                 ON CONFLICT (group_id, user_id) DO UPDATE SET last_seen = excluded.last_seen",
                params![id, user_id, now.max(group.last_seen)],
            )?;
        } else {
            tx.execute("DELETE FROM group_seen WHERE group_id = ?1 AND user_id = ?2", params![id, user_id])?;
        }
    }
    if let Some(reviewed) = change.reviewed {
        tx.execute("UPDATE groups SET reviewed_at = ?2 WHERE id = ?1", params![id, reviewed.then_some(now)])?;
        if reviewed {
            activity(tx, id, "mark_reviewed", &json!({}), user_id, now)?;
        }
    }
    Ok(())
}

/// Changes `state` for one status change; returns the activity to record.
fn change_status(
    tx: &Transaction<'_>,
    state: &mut IssueState,
    change: &StatusChange,
    id: i64,
    project_id: i64,
    first_seen: f64,
    now: f64,
) -> Result<(&'static str, serde_json::Value), StoreError> {
    state.snooze = None;
    state.resolution = None;
    match change {
        StatusChange::Resolve(how) => {
            state.status = Status::Resolved;
            state.substatus = None;
            let newest = newest_release(tx, project_id)?;
            let (resolution, kind, data) = match how {
                ResolveIn::Now => (Resolution::Plain, "set_resolved", json!({})),
                ResolveIn::Release(version) => {
                    let release = if version == "latest" {
                        newest.ok_or_else(|| {
                            StoreError::Invalid("No release data present in the system to resolve in `latest`".into())
                        })?
                    } else {
                        version.clone()
                    };
                    let data = json!({ "version": release });
                    (Resolution::InRelease { release, resolved_at: now }, "set_resolved_in_release", data)
                }
                ResolveIn::NextRelease => (
                    Resolution::InNextRelease { current: newest, resolved_at: now },
                    "set_resolved_in_release",
                    json!({ "inNextRelease": true }),
                ),
            };
            state.resolution = Some(resolution);
            Ok((kind, data))
        }
        StatusChange::Unresolve { substatus } => {
            state.status = Status::Unresolved;
            let inferred = if now - first_seen < ONGOING_AFTER { Substatus::New } else { Substatus::Ongoing };
            state.substatus = Some(substatus.unwrap_or(inferred));
            Ok(("set_unresolved", json!({ "substatus": state.substatus.map(Substatus::as_str) })))
        }
        StatusChange::Ignore { conditions, substatus } => {
            state.status = Status::Ignored;
            let inferred = if conditions.until_escalating {
                Substatus::ArchivedUntilEscalating
            } else if conditions.has_condition() {
                Substatus::ArchivedUntilConditionMet
            } else {
                Substatus::ArchivedForever
            };
            let substatus = substatus.unwrap_or(inferred);
            state.substatus = Some(substatus);
            let forecast = if substatus == Substatus::ArchivedUntilEscalating {
                Some(forecast_for(tx, id, first_seen, now)?)
            } else {
                None
            };
            let until = conditions.minutes.map(|m| now + m as f64 * 60.0).or(conditions.until.map(|t| t as f64));
            state.snooze = Some(Snooze {
                since: now,
                until,
                count: conditions.count,
                window_mins: conditions.window_mins,
                user_count: conditions.user_count,
                user_window_mins: conditions.user_window_mins,
                escalation_forecast: forecast,
            });
            let data = json!({
                "ignoreDuration": conditions.minutes,
                "ignoreCount": conditions.count,
                "ignoreWindow": conditions.window_mins,
                "ignoreUserCount": conditions.user_count,
                "ignoreUserWindow": conditions.user_window_mins,
                "ignoreUntilEscalating": substatus == Substatus::ArchivedUntilEscalating,
            });
            Ok(("set_ignored", data))
        }
    }
}

fn newest_release(tx: &Transaction<'_>, project_id: i64) -> Result<Option<String>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT o.version FROM org_releases o JOIN release_projects rp ON rp.release_id = o.id
             WHERE rp.project_id = ?1 ORDER BY o.date_created DESC, o.id DESC LIMIT 1",
            params![project_id],
            |row| row.get(0),
        )
        .optional()?)
}

/// The escalation limit from the issue's hourly volume over the week before `now`.
fn forecast_for(tx: &Transaction<'_>, id: i64, first_seen: f64, now: f64) -> Result<u64, StoreError> {
    let end_hour = (now / 3600.0).floor() as i64;
    let mut hourly = vec![0u64; 168];
    let mut stmt = tx.prepare_cached("SELECT hour, count FROM group_stats WHERE group_id = ?1 AND hour > ?2")?;
    let mut rows = stmt.query(params![id, end_hour - 168])?;
    while let Some(row) = rows.next()? {
        let (hour, count): (i64, i64) = (row.get(0)?, row.get(1)?);
        if let Some(slot) = usize::try_from(hour - (end_hour - 167)).ok().and_then(|i| hourly.get_mut(i)) {
            *slot += count.max(0) as u64;
        }
    }
    Ok(lifecycle::escalation_forecast(&hourly, (now - first_seen) / 86_400.0))
}

/// When the issue last entered `substatus`, for an update that asks for it back (an undo):
/// `regressed` and `escalating` read as such for a week from then, and For Review dates from
/// it, so the restored issue reads exactly as before. `None` where the history has no such
/// moment (the substatus then dates from now, as a fresh change would).
fn entered(tx: &Transaction<'_>, id: i64, substatus: Substatus, first_seen: f64) -> Result<Option<f64>, StoreError> {
    let kind = match substatus {
        Substatus::New => return Ok(Some(first_seen)),
        Substatus::Regressed => "set_regression",
        Substatus::Escalating => "set_escalating",
        _ => return Ok(None),
    };
    Ok(tx
        .query_row(
            "SELECT max(date_created) FROM activities WHERE group_id = ?1 AND type = ?2",
            params![id, kind],
            |row| row.get(0),
        )
        .optional()?
        .flatten())
}

/// Writes `state` back. The snooze is written only with a status change (every status change
/// sets or clears it): a priority change alone leaves the column, and so the ignore's arrival
/// count that a trigger resets when it changes, untouched.
fn save_lifecycle(
    tx: &Transaction<'_>,
    id: i64,
    state: &IssueState,
    status_changed: bool,
    status_since: f64,
    now: f64,
) -> Result<(), StoreError> {
    let resolution = state.resolution.as_ref().map(serde_json::to_string).transpose()?;
    let snooze = state.snooze.as_ref().map(serde_json::to_string).transpose()?;
    tx.execute(
        "UPDATE groups SET status = ?2, substatus = ?3, resolution = ?4, priority = ?6,
            snooze = CASE WHEN ?9 THEN ?5 ELSE snooze END,
            priority_locked_at = CASE WHEN ?7 THEN coalesce(priority_locked_at, ?8) ELSE NULL END,
            status_changed_at = CASE WHEN ?9 THEN ?10 ELSE status_changed_at END
         WHERE id = ?1",
        params![
            id,
            state.status.as_str(),
            state.substatus.map(Substatus::as_str),
            resolution,
            snooze,
            state.priority.map(|p| p as i64),
            state.priority_locked,
            now,
            status_changed,
            status_since
        ],
    )?;
    Ok(())
}

/// Records an activity entry; returns its id.
pub fn activity(
    tx: &Transaction<'_>,
    group_id: i64,
    kind: &str,
    data: &serde_json::Value,
    user_id: i64,
    now: f64,
) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO activities (group_id, type, data, user_id, date_created) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![group_id, kind, data.to_string(), user_id.to_string(), now])?;
    Ok(tx.last_insert_rowid())
}

/// Merges `ids` into the one with the most events (the oldest on ties): events, hashes,
/// hourly counts, users, tags and activity move to it, and the others are deleted. Returns
/// (parent, children).
pub fn merge(tx: &Transaction<'_>, ids: &[i64], user_id: i64, now: f64) -> Result<(i64, Vec<i64>), StoreError> {
    let mut ranked: Vec<(i64, i64, f64)> = Vec::new();
    for &id in ids {
        let row = tx
            .query_row("SELECT times_seen, first_seen FROM groups WHERE id = ?1", params![id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, f64>(1)?))
            })
            .optional()?;
        if let Some((times, first)) = row
            && !ranked.iter().any(|(seen, _, _)| *seen == id)
        {
            ranked.push((id, times, first));
        }
    }
    let projects: std::collections::HashSet<i64> = ranked
        .iter()
        .map(|r| tx.query_row("SELECT project_id FROM groups WHERE id = ?1", params![r.0], |row| row.get(0)))
        .collect::<rusqlite::Result<_>>()?;
    if projects.len() > 1 {
        return Err(StoreError::Invalid("Only issues of one project can be merged".into()));
    }
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.total_cmp(&b.2)).then(a.0.cmp(&b.0)));
    let Some(&(parent, _, _)) = ranked.first() else {
        return Err(StoreError::NotFound("issues to merge".into()));
    };
    let children: Vec<i64> = ranked.iter().skip(1).map(|r| r.0).collect();
    // The children's arrivals in the parent's "until N events" window count, as their events do.
    let counting_from = GroupRow::load(tx, parent)?.state.counting_window_start(now);
    for &child in &children {
        if let Some(from) = counting_from {
            tx.execute(
                "INSERT OR IGNORE INTO snooze_arrivals (group_id, received, event)
                 SELECT ?1, received, id FROM events WHERE group_id = ?2 AND received >= ?3",
                params![parent, child, from],
            )?;
        }
        let moves = [
            "UPDATE events SET group_id = ?1 WHERE group_id = ?2",
            "UPDATE group_hashes SET group_id = ?1 WHERE group_id = ?2",
            "INSERT INTO group_stats (group_id, hour, count) SELECT ?1, hour, count FROM group_stats WHERE group_id = ?2
             ON CONFLICT (group_id, hour) DO UPDATE SET count = count + excluded.count",
            "INSERT INTO group_users (group_id, user_key, first_seen, last_seen)
             SELECT ?1, user_key, first_seen, last_seen FROM group_users WHERE group_id = ?2
             ON CONFLICT (group_id, user_key) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
                last_seen = max(last_seen, excluded.last_seen)",
            "INSERT INTO group_tags (group_id, key, value, times_seen, first_seen, last_seen)
             SELECT ?1, key, value, times_seen, first_seen, last_seen FROM group_tags WHERE group_id = ?2
             ON CONFLICT (group_id, key, value) DO UPDATE SET times_seen = times_seen + excluded.times_seen,
                first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)",
            "UPDATE activities SET group_id = ?1 WHERE group_id = ?2 AND type = 'note'",
            "UPDATE groups SET
                times_seen = times_seen + (SELECT times_seen FROM groups WHERE id = ?2),
                first_seen = min(first_seen, (SELECT first_seen FROM groups WHERE id = ?2)),
                last_seen = max(last_seen, (SELECT last_seen FROM groups WHERE id = ?2)),
                is_unhandled = max(is_unhandled, (SELECT is_unhandled FROM groups WHERE id = ?2)),
                arrival_hour = max(arrival_hour, (SELECT arrival_hour FROM groups WHERE id = ?2)),
                arrival_hour_count = CASE
                    WHEN (SELECT c.arrival_hour FROM groups c WHERE c.id = ?2) > arrival_hour
                        THEN (SELECT c.arrival_hour_count FROM groups c WHERE c.id = ?2)
                    WHEN (SELECT c.arrival_hour FROM groups c WHERE c.id = ?2) = arrival_hour
                        THEN arrival_hour_count + (SELECT c.arrival_hour_count FROM groups c WHERE c.id = ?2)
                    ELSE arrival_hour_count END
             WHERE id = ?1",
            "DELETE FROM groups WHERE id = ?2",
        ];
        for sql in moves {
            tx.execute(sql, params![parent, child])?;
        }
    }
    tx.execute(
        "UPDATE groups SET user_count = (SELECT count(*) FROM group_users WHERE group_id = ?1) WHERE id = ?1",
        params![parent],
    )?;
    let child_ids: Vec<String> = children.iter().map(i64::to_string).collect();
    activity(tx, parent, "merge", &json!({ "issues": child_ids }), user_id, now)?;
    Ok((parent, children))
}

/// Deletes issues with their events; returns how many existed.
pub fn delete(tx: &Transaction<'_>, ids: &[i64]) -> Result<usize, StoreError> {
    let mut deleted = 0;
    for &id in ids {
        deleted += tx.execute("DELETE FROM groups WHERE id = ?1", params![id])?;
    }
    Ok(deleted)
}
