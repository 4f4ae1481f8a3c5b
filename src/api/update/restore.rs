//! Undo's one path. A forward [`IssueUpdate`] names the fields it touches; from the snapshot of
//! an issue taken before it, [`IssueUpdate::restoring`] builds the update that writes every one
//! of those fields back (status with its substatus and ignore details, priority, assignee,
//! bookmark, seen, review, subscription and public marks), [`IssueUpdate::put_back`] shows the
//! same fields at once on a local copy, and [`IssueUpdate::unrestored`] compares what a server
//! answered afterwards with the snapshot, naming each field it kept otherwise. Substatus is
//! always sent explicitly (`escalating`, `regressed`, `new`, `ongoing`, `archived_*`), since a
//! server left to infer it says `ongoing`.

use chrono::{DateTime, Utc};

use super::{AssignTarget, IssueUpdate, StatusDetailsUpdate};
use crate::api::models::{AssigneeKind, Issue, IssueStatus, Substatus, UpdateStatus};

impl IssueUpdate {
    fn touches_status(&self) -> bool {
        self.status.is_some() || self.substatus.is_some() || self.status_details.is_some()
    }

    /// The update that puts back on an issue every field this update sets, as `before` had them
    /// (`now` turns an ignore's end time back into minutes). Empty when there is nothing to
    /// write back (a priority the server never had).
    pub fn restoring(&self, before: &Issue, now: DateTime<Utc>) -> IssueUpdate {
        let mut back = if self.touches_status() { status_of(before, now) } else { IssueUpdate::new() };
        if self.priority.is_some() {
            back.priority = before.priority.clone();
        }
        if self.assigned_to.is_some() {
            back.assigned_to = Some(match &before.assigned_to {
                None => AssignTarget::Nobody,
                Some(a) if a.kind == AssigneeKind::Team => AssignTarget::Team(a.id.clone()),
                Some(a) => AssignTarget::User(a.id.clone()),
            });
        }
        if self.is_bookmarked.is_some() {
            back.is_bookmarked = Some(before.is_bookmarked);
        }
        if self.has_seen.is_some() {
            back.has_seen = Some(before.has_seen);
        }
        if self.is_subscribed.is_some() {
            back.is_subscribed = Some(before.is_subscribed);
        }
        if self.is_public.is_some() {
            back.is_public = Some(before.is_public);
        }
        if self.inbox.is_some() {
            back.inbox = Some(in_inbox(before));
        }
        back
    }

    /// Copies onto `row` the fields this update touches, exactly as `before` had them: what an
    /// undo shows while the server is asked.
    pub fn put_back(&self, row: &mut Issue, before: &Issue) {
        if self.touches_status() {
            row.status = before.status.clone();
            row.substatus = before.substatus.clone();
            row.status_details = before.status_details.clone();
        }
        if self.priority.is_some() {
            row.priority = before.priority.clone();
            row.priority_locked_at = before.priority_locked_at;
        }
        if self.assigned_to.is_some() {
            row.assigned_to = before.assigned_to.clone();
        }
        if self.is_bookmarked.is_some() {
            row.is_bookmarked = before.is_bookmarked;
        }
        if self.has_seen.is_some() {
            row.has_seen = before.has_seen;
        }
        if self.is_subscribed.is_some() {
            row.is_subscribed = before.is_subscribed;
        }
        if self.is_public.is_some() {
            row.is_public = before.is_public;
        }
        if self.inbox.is_some() {
            row.inbox = before.inbox.clone();
        }
    }

    /// What the server kept otherwise, among the fields this update touches: one phrase per
    /// field, "substatus escalating (the server has ongoing)". Empty when all came back.
    pub fn unrestored(&self, before: &Issue, got: &Issue) -> Vec<String> {
        let word = |s: Option<&str>| s.unwrap_or("none").replace('_', " ");
        let number = |n: Option<u64>| n.map_or_else(|| "none".to_string(), |n| n.to_string());
        let mut pairs: Vec<(&str, String, String)> = Vec::new();
        if self.touches_status() {
            let status = |i: &Issue| word(i.status.as_ref().map(IssueStatus::as_str));
            pairs.push(("status", status(before), status(got)));
            if before.status == got.status {
                let substatus = |i: &Issue| word(i.substatus.as_ref().map(Substatus::as_str));
                let (b, g) = (&before.status_details, &got.status_details);
                pairs.extend([
                    ("substatus", substatus(before), substatus(got)),
                    ("resolved in the next release", yes(b.in_next_release), yes(g.in_next_release)),
                    ("resolved in release", word(b.in_release.as_deref()), word(g.in_release.as_deref())),
                    ("archived until events", number(b.ignore_count), number(g.ignore_count)),
                    ("archived until users", number(b.ignore_user_count), number(g.ignore_user_count)),
                ]);
            }
        }
        if self.priority.is_some() && before.priority.is_some() {
            let priority = |i: &Issue| word(i.priority.as_ref().map(|p| p.as_str()));
            pairs.push(("priority", priority(before), priority(got)));
        }
        if self.assigned_to.is_some() {
            let id = |i: &Issue| i.assigned_to.as_ref().map(|a| a.id.clone());
            let name = |i: &Issue| {
                i.assigned_to.as_ref().map_or_else(|| "unassigned".to_string(), |a| a.display_name().to_string())
            };
            // Ids decide; names are what a person reads.
            if id(before) != id(got) {
                pairs.push(("assignee", name(before), name(got)));
            }
        }
        if self.is_bookmarked.is_some() {
            pairs.push(("bookmark", yes(Some(before.is_bookmarked)), yes(Some(got.is_bookmarked))));
        }
        if self.inbox.is_some() {
            pairs.push(("for review", yes(Some(in_inbox(before))), yes(Some(in_inbox(got)))));
        }
        pairs
            .into_iter()
            .filter(|(_, wanted, has)| wanted != has)
            .map(|(what, wanted, has)| format!("{what} {wanted} (the server has {has})"))
            .collect()
    }
}

fn yes(flag: Option<bool>) -> String {
    if flag == Some(true) { "yes" } else { "no" }.to_string()
}

/// Whether the issue is in For Review (`inbox` is an object then, `null` otherwise).
fn in_inbox(issue: &Issue) -> bool {
    issue.inbox.as_ref().is_some_and(|v| !v.is_null())
}

/// The status update that makes an issue what `before` was.
fn status_of(before: &Issue, now: DateTime<Utc>) -> IssueUpdate {
    let details = &before.status_details;
    match &before.status {
        Some(IssueStatus::Resolved) if details.in_next_release == Some(true) => IssueUpdate::resolve_in_next_release(),
        Some(IssueStatus::Resolved) => match &details.in_release {
            Some(release) => IssueUpdate::resolve_in_release(release.clone()),
            None => IssueUpdate::resolve(),
        },
        Some(IssueStatus::Ignored) => {
            if before.substatus == Some(Substatus::ArchivedUntilEscalating) {
                return IssueUpdate::archive_until_escalating();
            }
            // The server keeps an end time; an update takes minutes from now.
            let minutes = details
                .ignore_until
                .map(|until| ((until - now).num_seconds().max(60) as u64).div_ceil(60))
                .or(details.ignore_duration);
            let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
            let wanted = StatusDetailsUpdate {
                ignore_duration: minutes.map(narrow),
                ignore_count: details.ignore_count.map(narrow),
                ignore_window: details.ignore_window.map(narrow),
                ignore_user_count: details.ignore_user_count.map(narrow),
                ignore_user_window: details.ignore_user_window.map(narrow),
                ..StatusDetailsUpdate::default()
            };
            let substatus = before.substatus.clone().unwrap_or(if wanted.has_ignore_condition() {
                Substatus::ArchivedUntilConditionMet
            } else {
                Substatus::ArchivedForever
            });
            IssueUpdate::new().status(UpdateStatus::Ignored).substatus(substatus).status_details(wanted)
        }
        Some(IssueStatus::Unresolved) => {
            let update = IssueUpdate::unresolve();
            match &before.substatus {
                Some(substatus) => update.substatus(substatus.clone()),
                None => update,
            }
        }
        _ => IssueUpdate::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::Priority;

    fn issue(value: serde_json::Value) -> Issue {
        let mut base = json!({"id": "7", "shortId": "SHOP-7", "title": "t", "status": "unresolved",
            "substatus": "escalating", "priority": "high", "statusDetails": {}, "isBookmarked": false});
        if let (Some(base), Some(extra)) = (base.as_object_mut(), value.as_object()) {
            base.extend(extra.clone());
        }
        serde_json::from_value(base).unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_348_800, 0).unwrap()
    }

    #[test]
    fn every_status_comes_back_with_its_substatus_and_details() {
        let resolve = IssueUpdate::resolve();
        let escalating = issue(json!({}));
        assert_eq!(
            resolve.restoring(&escalating, now()).to_json(),
            json!({"status": "unresolved", "substatus": "escalating"})
        );
        let next = issue(json!({"status": "resolved", "substatus": null, "statusDetails": {"inNextRelease": true}}));
        assert_eq!(resolve.restoring(&next, now()).to_json(), json!({"status": "resolvedInNextRelease"}));
        let release = issue(json!({"status": "resolved", "substatus": null, "statusDetails": {"inRelease": "2.1"}}));
        assert_eq!(
            resolve.restoring(&release, now()).to_json(),
            json!({"status": "resolved", "statusDetails": {"inRelease": "2.1"}})
        );
        let until = (now() + chrono::Duration::minutes(90)).to_rfc3339();
        let snoozed = issue(json!({"status": "ignored", "substatus": "archived_until_condition_met",
            "statusDetails": {"ignoreUntil": until, "ignoreCount": 100, "ignoreWindow": 60}}));
        assert_eq!(
            resolve.restoring(&snoozed, now()).to_json(),
            json!({"status": "ignored", "substatus": "archived_until_condition_met",
                "statusDetails": {"ignoreDuration": 90, "ignoreCount": 100, "ignoreWindow": 60}})
        );
        let escalation = issue(json!({"status": "ignored", "substatus": "archived_until_escalating"}));
        assert_eq!(resolve.restoring(&escalation, now()), IssueUpdate::archive_until_escalating());
    }

    #[test]
    fn only_the_touched_fields_come_back() {
        let before = issue(json!({"assignedTo": {"type": "team", "id": "4", "name": "ops"}, "isBookmarked": true}));
        let update = IssueUpdate::set_priority(Priority::Low).is_bookmarked(false).assigned_to(AssignTarget::Nobody);
        assert_eq!(
            update.restoring(&before, now()).to_json(),
            json!({"priority": "high", "isBookmarked": true, "assignedTo": "team:4"})
        );
        let mut row = before.clone();
        IssueUpdate::resolve().apply_to(&mut row);
        update.apply_to(&mut row);
        update.put_back(&mut row, &before);
        assert_eq!(row.priority, Some(Priority::High));
        assert_eq!(row.status, Some(IssueStatus::Resolved), "status was not this update's to put back");
        IssueUpdate::resolve().put_back(&mut row, &before);
        assert_eq!(row, before);
    }

    #[test]
    fn what_the_server_kept_is_named() {
        let before = issue(json!({}));
        let got = issue(json!({"substatus": "ongoing"}));
        assert_eq!(
            IssueUpdate::resolve().unrestored(&before, &got),
            vec!["substatus escalating (the server has ongoing)".to_string()]
        );
        assert!(IssueUpdate::resolve().unrestored(&before, &before).is_empty());
        assert!(IssueUpdate::set_priority(Priority::Low).unrestored(&before, &got).is_empty());
    }
}
