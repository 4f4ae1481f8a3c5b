//! Undo: the last successful change kept a snapshot of every issue it touched; `u` writes the
//! fields that change set back to those snapshots (one request per distinct update), shows
//! the snapshots at once, puts the cursor on the first issue restored, and once the server
//! agrees reads the issues back: what the server kept otherwise (a remote that infers
//! `ongoing` where the issue was `escalating`) is said plainly, and the rows show the server's
//! truth.

use chrono::{DateTime, Utc};

use super::super::msg::Effect;
use super::super::overlay::PendingChange;
use super::super::state::{Row, State, ToastLevel, describe};
use super::triage::{self, subject};
use crate::api::{Error, Issue, IssueUpdate};

/// Reverses the last successful change.
pub fn undo(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(change) = state.undo.take() else {
        state.toast(ToastLevel::Info, "nothing to undo", now);
        return Vec::new();
    };
    let mut groups: Vec<(IssueUpdate, Vec<Issue>)> = Vec::new();
    for before in &change.before {
        let update = change.update.restoring(before, now);
        if update.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(u, _)| *u == update) {
            Some((_, snapshots)) => snapshots.push(before.clone()),
            None => groups.push((update, vec![before.clone()])),
        }
    }
    if groups.is_empty() {
        state.toast(ToastLevel::Info, format!("{} cannot be undone here", change.label), now);
        return Vec::new();
    }
    let ids: Vec<String> = change.before.iter().map(|b| b.id.clone()).collect();
    // An issue a poll took out of the list (resolved in Unresolved) comes back where the cursor
    // is, so the person sees it and the next key acts on it.
    if let Some(data) = state.list.data.ready_mut() {
        let at = state.list.cursor.min(data.rows.len());
        for snapshot in change.before.iter().rev() {
            if !data.rows.iter().any(|r| r.issue.id == snapshot.id) {
                data.rows.insert(at, Row { issue: snapshot.clone(), pending: None, changed: false });
            }
        }
    }
    let done = format!("undid: {} on {}", change.label, subject(state, &ids));
    let label = format!("undo {}", change.label);
    // The cursor goes to the issue being restored.
    if let Some(at) = state.list.rows().iter().position(|r| ids.contains(&r.issue.id)) {
        state.list.cursor = at;
        super::list::scroll_into_view(state);
    }
    let batch = state.request();
    let mut effects = Vec::new();
    for (i, (update, snapshots)) in groups.into_iter().enumerate() {
        let req = if i == 0 { batch } else { state.request() };
        let ids = snapshots.iter().map(|s| s.id.clone()).collect();
        let pending = PendingChange { label: label.clone(), done: done.clone(), ids, update };
        effects.extend(triage::send(state, pending, batch, snapshots, req));
    }
    effects
}

/// The server's issues after an undo: rows take the server's values, and whatever it did not
/// restore is named.
pub fn checked(
    state: &mut State,
    update: &IssueUpdate,
    wanted: &[Issue],
    result: Result<Vec<Issue>, Error>,
    now: DateTime<Utc>,
) {
    let got = match result {
        Ok(got) => got,
        Err(error) => {
            let text = format!("could not read the undone issues back: {}", describe(&error));
            state.toast(ToastLevel::Error, text, now);
            return;
        }
    };
    let mut missing = Vec::new();
    for server in &got {
        let Some(snapshot) = wanted.iter().find(|w| w.id == server.id) else {
            continue;
        };
        let kept = update.unrestored(snapshot, server);
        if !kept.is_empty() {
            let who = crate::tui::sanitize::one_line(&snapshot.short_id);
            missing.push(format!("{who}: {}", kept.join(", ")));
        }
        if let Some(row) = state
            .list
            .data
            .ready_mut()
            .and_then(|d| d.rows.iter_mut().find(|r| r.issue.id == server.id && r.pending.is_none()))
        {
            update.put_back(&mut row.issue, server);
        }
    }
    if !missing.is_empty() {
        let text = format!("undo could not restore {}", missing.join("; "));
        state.toast(ToastLevel::Error, text, now);
    }
}
