//! Dates the demo's story as it would have happened. The load sends fourteen days of events in
//! a minute and triages through the Web API between two rounds of them, so the server records
//! every activity entry at load time ("set ignored 35s ago" on a two-week-old issue). Once the
//! load is done, each issue's entries of each round get the time the story gives them:
//!
//! - what the first rounds recorded (first seen) at the issue's first event;
//! - the triage a few minutes after the issue's last event before it, and never after the
//!   triage round's moment (every later event is newer): a resolved issue that comes back was
//!   resolved when it went quiet, three days ago;
//! - what the last round's events caused at the event that caused it: a regression at the
//!   first event after the resolve, an escalation at the event whose hour went past the
//!   forecast;
//! - comments 10–70 minutes after the rest of the issue's story.
//!
//! An issue whose events stopped before the triage round was triaged after its last event (the
//! team archived a quiet issue), so its triage and comment lie after its last sighting, within
//! two hours of it (45 minutes at most to the triage, 70 more to the comment); everything else
//! lies within its first and last sighting. The issue's status change and priority lock move
//! with the entries that made them, so For Review and "escalating for a week" read from the
//! same dates.

use anyhow::Result;
use rusqlite::Connection;
use serde_json::Value;

use super::events::unit;
use crate::store::notes;

/// The newest activity entry before each round of the load.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Marks {
    pub start: i64,
    pub triage: i64,
    pub last_round: i64,
    pub comments: i64,
    pub end: i64,
}

/// One issue as the load told it: its event times before the triage and after it.
#[derive(Debug, Clone)]
pub(super) struct Told {
    pub group_id: i64,
    pub seed: u64,
    pub before: Vec<f64>,
    pub after: Vec<f64>,
}

const MINUTE: f64 = 60.0;

/// When the triage of `issue` happened: 5–45 minutes after its last event before the triage
/// round, at the latest at `triage_round`.
fn triage_at(issue: &Told, triage_round: f64) -> f64 {
    let last = issue.before.last().copied().unwrap_or(triage_round);
    (last + (5.0 + 40.0 * unit(issue.seed ^ 0x7a1)) * MINUTE).min(triage_round)
}

/// The event of the last round at which more than `forecast` events fell within an hour.
fn escalated_at(after: &[f64], forecast: u64) -> Option<f64> {
    after
        .iter()
        .enumerate()
        .find(|(i, at)| after[..=*i].iter().filter(|t| **t > **at - 3600.0).count() as u64 > forecast)
        .map(|(_, at)| *at)
        .or_else(|| after.last().copied())
}

/// When the last round's entry `kind` happened, at the earliest at `since`.
fn caused_at(kind: &str, data: &Value, after: &[f64], since: f64) -> f64 {
    let at = match kind {
        "set_escalating" => escalated_at(after, data["forecast"].as_u64().unwrap_or(0)),
        _ => after.first().copied(),
    };
    at.unwrap_or(since).max(since)
}

/// Whether entry `kind` changed the issue's status.
fn changes_status(kind: &str) -> bool {
    kind.starts_with("set_") && kind != "set_priority"
}

/// Gives every entry the load recorded its time in the story.
pub(super) fn date(conn: &mut Connection, told: &[Told], marks: Marks, triage_round: f64) -> Result<()> {
    for issue in told {
        let first = issue.before.first().copied().unwrap_or(triage_round);
        let last_seen = issue.after.last().or(issue.before.last()).copied().unwrap_or(first);
        let mut dated: Vec<(i64, String, f64)> = Vec::new();
        for (id, kind, _) in notes::entries_between(conn, issue.group_id, marks.start, marks.triage)? {
            dated.push((id, kind, first));
        }
        let triaged = triage_at(issue, triage_round);
        for (n, (id, kind, _)) in
            notes::entries_between(conn, issue.group_id, marks.triage, marks.last_round)?.into_iter().enumerate()
        {
            dated.push((id, kind, triaged + n as f64));
        }
        let mut latest = dated.last().map_or(first, |(_, _, at)| *at);
        for (id, kind, data) in notes::entries_between(conn, issue.group_id, marks.last_round, marks.comments)? {
            latest = caused_at(&kind, &data, &issue.after, latest);
            dated.push((id, kind, latest));
        }
        for (id, kind, _) in notes::entries_between(conn, issue.group_id, marks.comments, marks.end)? {
            let later = latest + (10.0 + 60.0 * unit(issue.seed ^ id as u64)) * MINUTE;
            // Within the issue's sightings where there is room, else after the rest.
            latest = if last_seen > latest { later.min((latest + last_seen) / 2.0) } else { later };
            dated.push((id, kind, latest));
        }
        if dated.is_empty() {
            continue;
        }
        let status_since = dated.iter().rev().find(|(_, kind, _)| changes_status(kind)).map(|(_, _, at)| *at);
        let priority_set = dated.iter().rev().find(|(_, kind, _)| kind == "set_priority").map(|(_, _, at)| *at);
        let dates: Vec<(i64, f64)> = dated.iter().map(|(id, _, at)| (*id, *at)).collect();
        notes::redate(conn, issue.group_id, &dates, status_since, priority_set)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escalation_is_dated_at_the_event_whose_hour_passed_the_forecast() {
        let after = [0.0, 4000.0, 4100.0, 4200.0, 4300.0, 9000.0];
        assert_eq!(escalated_at(&after, 2), Some(4200.0));
        assert_eq!(escalated_at(&after, 10), Some(9000.0), "the last event when no hour passed it");
        assert_eq!(escalated_at(&[], 1), None);
        assert_eq!(caused_at("set_regression", &Value::Null, &after, -5.0), 0.0);
        assert_eq!(caused_at("set_regression", &Value::Null, &after, 10.0), 10.0, "never before what came first");
    }

    #[test]
    fn the_triage_follows_the_issues_last_event_before_the_round() {
        let quiet = Told { group_id: 1, seed: 3, before: vec![100.0, 1000.0], after: vec![] };
        let at = triage_at(&quiet, 1_000_000.0);
        assert!((1000.0 + 5.0 * MINUTE..=1000.0 + 45.0 * MINUTE).contains(&at), "{at}");
        let busy = Told { before: vec![999_990.0], ..quiet };
        assert_eq!(triage_at(&busy, 1_000_000.0), 1_000_000.0, "never after the triage round");
    }
}
