//! Triage actions, all optimistic: the rows change at once and carry a pending marker; a
//! failure restores them and says why in a toast; a success says what it did and becomes the
//! undo point. Bulk changes over [`CONFIRM_OVER`] issues ask first. Copy and open act on the
//! cursor's issue. The cursor rule, the same for every action: the cursor stays on the issue
//! acted on (an undo puts it on the first issue it restores).

use chrono::{DateTime, Utc};

use super::super::action::Action;
use super::super::msg::Effect;
use super::super::overlay::{Confirm, ConfirmThen, CopyChoice, Overlay, PendingChange};
use super::super::state::{Change, ReqId, State, ToastLevel, describe};
use crate::api::{AssignTarget, Error, Issue, IssueUpdate};

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

/// `SHOP-API-5` for one issue, `3 issues` for more.
pub fn subject(state: &State, ids: &[String]) -> String {
    match ids {
        [one] => state
            .list
            .rows()
            .iter()
            .find(|r| r.issue.id == *one)
            .map_or_else(|| format!("issue {one}"), |r| crate::tui::sanitize::one_line(&r.issue.short_id)),
        many => plural(many.len() as u64, "issue"),
    }
}

/// Starts a change on the targets (asking first when there are many). `done` says what it
/// did, with `{}` where the issues go: `"resolved {}"`.
pub fn change(state: &mut State, label: &str, done: &str, update: IssueUpdate, now: DateTime<Utc>) -> Vec<Effect> {
    let ids = targets(state);
    if ids.is_empty() {
        state.toast(ToastLevel::Info, "no issue selected", now);
        return Vec::new();
    }
    let done = done.replace("{}", &subject(state, &ids));
    let pending = PendingChange { label: label.to_string(), done, ids, update };
    if pending.ids.len() > CONFIRM_OVER {
        let message = format!("{} {}?", capitalized(label), plural(pending.ids.len() as u64, "issue"));
        state.overlay = Some(Overlay::Confirm(Confirm { message, then: ConfirmThen::Change(Box::new(pending)) }));
        return Vec::new();
    }
    apply(state, pending)
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Applies a (confirmed) change optimistically and asks the server for it.
pub fn apply(state: &mut State, pending: PendingChange) -> Vec<Effect> {
    let req = state.request();
    send(state, pending, req, Vec::new(), req)
}

/// Sends one change: `restores` are an undo's snapshots (empty for a forward change), shown
/// at once in place of the optimistic guess.
pub(super) fn send(
    state: &mut State,
    pending: PendingChange,
    batch: ReqId,
    restores: Vec<Issue>,
    req: ReqId,
) -> Vec<Effect> {
    let mut before = Vec::new();
    if let Some(data) = state.list.data.ready_mut() {
        for row in data.rows.iter_mut().filter(|r| pending.ids.contains(&r.issue.id)) {
            before.push(row.issue.clone());
            match restores.iter().find(|r| r.id == row.issue.id) {
                Some(snapshot) => pending.update.put_back(&mut row.issue, snapshot),
                None => pending.update.apply_to(&mut row.issue),
            }
            name_assignee(&mut row.issue, &state.people);
            row.pending = Some(req);
        }
    }
    let undoable = restores.is_empty();
    let change = Change {
        label: pending.label,
        done: pending.done,
        update: pending.update.clone(),
        before,
        undoable,
        batch,
        restores,
    };
    state.inflight.insert(req, change);
    state.list.marked.clear();
    vec![Effect::UpdateIssues { req, ids: pending.ids, update: pending.update }]
}

/// An assignment shows the person's name at once: the update carries only an id.
fn name_assignee(issue: &mut Issue, people: &[(String, String)]) {
    if let Some(assignee) = issue.assigned_to.as_mut()
        && assignee.name.is_none()
        && let Some((_, name)) = people.iter().find(|(id, _)| *id == assignee.id)
    {
        assignee.name = Some(name.clone());
    }
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
            // A batch speaks once, when its last request is answered.
            if !state.inflight.values().any(|c| c.batch == change.batch) {
                state.toast(ToastLevel::Info, change.done.clone(), now);
            }
            if change.undoable {
                state.undo = Some(change);
                Vec::new()
            } else {
                vec![Effect::CheckRestored { update: change.update, wanted: change.restores }]
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
            Vec::new()
        }
    }
}

/// `1 issue`, `3 issues`.
pub fn plural(n: u64, one: &str) -> String {
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
        Action::Resolve => change(state, "resolve", "resolved {}", IssueUpdate::resolve(), now),
        Action::ResolveNextRelease => change(
            state,
            "resolve in the next release",
            "resolved {} in the next release",
            IssueUpdate::resolve_in_next_release(),
            now,
        ),
        Action::Unresolve => change(state, "unresolve", "unresolved {}", IssueUpdate::unresolve(), now),
        Action::AssignMe => match state.me.clone() {
            Some((id, name)) => {
                let done = format!("assigned {{}} to {}", crate::tui::sanitize::one_line(&name));
                change(state, "assign to me", &done, IssueUpdate::assign(AssignTarget::User(id)), now)
            }
            None => {
                state.toast(ToastLevel::Error, "this server did not say who the token belongs to; use assign", now);
                Vec::new()
            }
        },
        Action::Unassign => change(state, "unassign", "unassigned {}", IssueUpdate::unassign(), now),
        Action::Bookmark => {
            let on = !state.list.current().is_some_and(|r| r.issue.is_bookmarked);
            let (label, done) =
                if on { ("bookmark", "bookmarked {}") } else { ("remove the bookmark", "removed the bookmark of {}") };
            change(state, label, done, IssueUpdate::bookmark(on), now)
        }
        Action::MarkReviewed => change(state, "mark reviewed", "marked {} reviewed", IssueUpdate::mark_reviewed(), now),
        Action::Undo => super::undo::undo(state, now),
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
