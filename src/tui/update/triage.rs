//! Triage actions, all optimistic: the rows change at once and carry a pending marker; a
//! failure restores them and says why in a toast; a success becomes the undo point. Bulk
//! changes over [`CONFIRM_OVER`] issues ask first. Copy and open act on the cursor's issue.

use chrono::{DateTime, Utc};

use super::super::action::Action;
use super::super::msg::Effect;
use super::super::overlay::{Confirm, CopyChoice, Overlay, PendingChange};
use super::super::state::{Change, ChangeKind, ReqId, State, ToastLevel, describe};
use crate::api::{AssignTarget, Error, Issue, IssueStatus, IssueUpdate, StatusDetailsUpdate, Substatus, UpdateStatus};

/// Bulk changes to more issues than this ask for confirmation.
pub const CONFIRM_OVER: usize = 10;

/// The issues an action applies to: the selection, or else the cursor's issue.
pub fn targets(state: &State) -> Vec<String> {
    if state.list.marked.is_empty() {
        state.list.current().map(|r| vec![r.issue.id.clone()]).unwrap_or_default()
    } else {
        state
            .list
            .rows()
            .iter()
            .filter(|r| state.list.marked.contains(&r.issue.id))
            .map(|r| r.issue.id.clone())
            .collect()
    }
}

/// Starts a change on the targets (asking first when there are many).
pub fn change(
    state: &mut State,
    label: &str,
    kind: ChangeKind,
    update: IssueUpdate,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    let ids = targets(state);
    if ids.is_empty() {
        state.toast(ToastLevel::Info, "no issue selected", now);
        return Vec::new();
    }
    let pending = PendingChange { label: label.to_string(), kind, ids, update };
    // On the list (not in the opened issue), a status change moves on to the next issue.
    let single = state.list.marked.is_empty() && state.detail.is_none();
    if pending.ids.len() > CONFIRM_OVER {
        let message = format!("{} {} issues?", capitalized(label), pending.ids.len());
        state.overlay = Some(Overlay::Confirm(Confirm { message, then: Box::new(pending) }));
        return Vec::new();
    }
    let effects = apply(state, pending, true);
    // Triage flows down the list: after deciding one issue's status, the next is under the
    // cursor (and a quick second key press cannot hit the same issue twice).
    if single && kind == ChangeKind::Status {
        let last = state.list.rows().len().saturating_sub(1);
        state.list.cursor = (state.list.cursor + 1).min(last);
        super::list::scroll_into_view(state);
    }
    effects
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Applies a (confirmed) change optimistically and asks the server for it.
pub fn apply(state: &mut State, pending: PendingChange, undoable: bool) -> Vec<Effect> {
    let req = state.request();
    let mut before = Vec::new();
    if let Some(data) = state.list.data.ready_mut() {
        for row in data.rows.iter_mut().filter(|r| pending.ids.contains(&r.issue.id)) {
            before.push(row.issue.clone());
            pending.update.apply_to(&mut row.issue);
            row.pending = Some(req);
        }
    }
    state.inflight.insert(req, Change { label: pending.label, kind: pending.kind, before, undoable });
    state.list.marked.clear();
    vec![Effect::UpdateIssues { req, ids: pending.ids, update: pending.update }]
}

/// The server answered a change.
pub fn updated(state: &mut State, req: ReqId, result: Result<(), Error>, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(change) = state.inflight.remove(&req) else {
        tracing::debug!(req, "answer for an unknown change");
        return Vec::new();
    };
    let Some(data) = state.list.data.ready_mut() else {
        return Vec::new();
    };
    match result {
        Ok(()) => {
            for row in data.rows.iter_mut().filter(|r| r.pending == Some(req)) {
                row.pending = None;
            }
            if change.undoable {
                state.undo = Some(change);
            }
        }
        Err(error) => {
            for row in data.rows.iter_mut().filter(|r| r.pending == Some(req)) {
                if let Some(before) = change.before.iter().find(|b| b.id == row.issue.id) {
                    row.issue = before.clone();
                }
                row.pending = None;
            }
            state.toast(ToastLevel::Error, format!("{} failed: {}", change.label, describe(&error)), now);
        }
    }
    Vec::new()
}

/// The update that puts back what `kind` changed on `before`.
fn inverse(kind: ChangeKind, before: &Issue) -> IssueUpdate {
    match kind {
        ChangeKind::Status => match before.status {
            Some(IssueStatus::Resolved) => {
                if before.status_details.in_next_release == Some(true) {
                    IssueUpdate::resolve_in_next_release()
                } else if let Some(release) = &before.status_details.in_release {
                    IssueUpdate::resolve_in_release(release.clone())
                } else {
                    IssueUpdate::resolve()
                }
            }
            Some(IssueStatus::Ignored) => {
                let details = StatusDetailsUpdate {
                    ignore_count: before.status_details.ignore_count.map(|n| n as u32),
                    ignore_window: before.status_details.ignore_window.map(|n| n as u32),
                    ignore_user_count: before.status_details.ignore_user_count.map(|n| n as u32),
                    ignore_user_window: before.status_details.ignore_user_window.map(|n| n as u32),
                    ..Default::default()
                };
                let mut update = IssueUpdate::new().status(UpdateStatus::Ignored).status_details(details);
                if let Some(substatus) = &before.substatus {
                    update = update.substatus(substatus.clone());
                }
                update
            }
            _ => {
                let update = IssueUpdate::unresolve();
                match &before.substatus {
                    Some(Substatus::Ongoing) => update.substatus(Substatus::Ongoing),
                    _ => update,
                }
            }
        },
        ChangeKind::Priority => match &before.priority {
            Some(priority) => IssueUpdate::set_priority(priority.clone()),
            None => IssueUpdate::new(),
        },
        ChangeKind::Assignee => match &before.assigned_to {
            Some(a) => IssueUpdate::assign(AssignTarget::User(a.id.clone())),
            None => IssueUpdate::unassign(),
        },
        ChangeKind::Bookmark => IssueUpdate::bookmark(before.is_bookmarked),
        ChangeKind::Reviewed => IssueUpdate::new().inbox(true),
    }
}

/// Reverses the last successful change, one request per distinct inverse.
fn undo(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(change) = state.undo.take() else {
        state.toast(ToastLevel::Info, "nothing to undo", now);
        return Vec::new();
    };
    let mut groups: Vec<(IssueUpdate, Vec<String>)> = Vec::new();
    for before in &change.before {
        let update = inverse(change.kind, before);
        if update.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(u, _)| *u == update) {
            Some((_, ids)) => ids.push(before.id.clone()),
            None => groups.push((update, vec![before.id.clone()])),
        }
    }
    if groups.is_empty() {
        state.toast(ToastLevel::Info, format!("{} cannot be undone here", change.label), now);
        return Vec::new();
    }
    let label = format!("undo {}", change.label);
    let mut effects = Vec::new();
    for (update, ids) in groups {
        effects.extend(apply(state, PendingChange { label: label.clone(), kind: change.kind, ids, update }, false));
    }
    state.toast(ToastLevel::Info, label, now);
    effects
}

fn plural(n: u64, one: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") }
}

/// A Markdown summary; every piece of server text is cleaned, so a paste cannot carry escape
/// sequences into someone's terminal.
fn markdown(issue: &Issue) -> String {
    let clean = crate::tui::sanitize::one_line;
    let culprit = issue.culprit.as_deref().map(|c| format!(" — `{}`", clean(c))).unwrap_or_default();
    let link = clean(issue.permalink.as_deref().unwrap_or(""));
    format!(
        "**[{}]({link})** {}{culprit}\n{}, {}, last seen {}",
        clean(&issue.short_id),
        clean(&issue.title),
        plural(issue.count, "event"),
        plural(issue.user_count, "user"),
        issue.last_seen.map(|t| t.to_rfc3339()).unwrap_or_default()
    )
}

/// Copies something about the cursor's issue.
pub fn copy(state: &mut State, what: CopyChoice, now: DateTime<Utc>) -> Vec<Effect> {
    if what == CopyChoice::Dsn {
        let Some(dsn) = state.source.dsn.clone() else {
            return Vec::new();
        };
        state.toast(ToastLevel::Info, "copied the DSN", now);
        return vec![Effect::Copy(dsn)];
    }
    if let Some(event) = state.detail.as_ref().and_then(|d| d.event.ready())
        && matches!(what, CopyChoice::Traceback | CopyChoice::EventId)
    {
        // Clipboard text is pasted into terminals too: control characters stay out of it.
        let (text, label) = match what {
            CopyChoice::Traceback => (
                crate::tui::detail::raw_traceback(event)
                    .lines()
                    .map(crate::tui::sanitize::clean)
                    .collect::<Vec<_>>()
                    .join("\n"),
                "the stack trace",
            ),
            _ => (crate::tui::sanitize::one_line(&event.event_id), "the event id"),
        };
        state.toast(ToastLevel::Info, format!("copied {label}"), now);
        return vec![Effect::Copy(text)];
    }
    let Some(issue) = state.list.current().map(|r| r.issue.clone()) else {
        return Vec::new();
    };
    let (text, label) = match what {
        CopyChoice::ShortId => (crate::tui::sanitize::one_line(&issue.short_id), issue.short_id.clone()),
        CopyChoice::Permalink => {
            (crate::tui::sanitize::one_line(issue.permalink.as_deref().unwrap_or_default()), "the permalink".into())
        }
        CopyChoice::Markdown => (markdown(&issue), "a Markdown summary".into()),
        CopyChoice::Dsn | CopyChoice::Traceback | CopyChoice::EventId => return Vec::new(),
    };
    if text.is_empty() {
        state.toast(ToastLevel::Error, "this issue has no permalink", now);
        return Vec::new();
    }
    state.toast(ToastLevel::Info, format!("copied {label}"), now);
    vec![Effect::Copy(text)]
}

/// Triage actions bound to keys directly.
pub fn act(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    match action {
        Action::Resolve => change(state, "resolve", ChangeKind::Status, IssueUpdate::resolve(), now),
        Action::ResolveNextRelease => {
            change(state, "resolve in next release", ChangeKind::Status, IssueUpdate::resolve_in_next_release(), now)
        }
        Action::Unresolve => change(state, "unresolve", ChangeKind::Status, IssueUpdate::unresolve(), now),
        Action::AssignMe => match state.me.clone() {
            Some((id, _)) => {
                change(state, "assign to me", ChangeKind::Assignee, IssueUpdate::assign(AssignTarget::User(id)), now)
            }
            None => {
                state.toast(ToastLevel::Error, "this server did not say who the token belongs to; use assign", now);
                Vec::new()
            }
        },
        Action::Unassign => change(state, "unassign", ChangeKind::Assignee, IssueUpdate::unassign(), now),
        Action::Bookmark => {
            let on = !state.list.current().is_some_and(|r| r.issue.is_bookmarked);
            let label = if on { "bookmark" } else { "remove bookmark" };
            change(state, label, ChangeKind::Bookmark, IssueUpdate::bookmark(on), now)
        }
        Action::MarkReviewed => change(state, "mark reviewed", ChangeKind::Reviewed, IssueUpdate::mark_reviewed(), now),
        Action::Undo => undo(state, now),
        Action::CopyShortId => copy(state, CopyChoice::ShortId, now),
        Action::OpenInBrowser => match state.list.current().and_then(|r| r.issue.permalink.clone()) {
            Some(url) => vec![Effect::OpenUrl(url)],
            None => {
                state.toast(ToastLevel::Error, "this issue has no permalink", now);
                Vec::new()
            }
        },
        _ => Vec::new(),
    }
}
