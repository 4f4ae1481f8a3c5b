//! The standup screen's reducer: loading the digest, moving through its entries, opening one
//! (through the list, see [`crate::tui::standup`]) and coming back.

use chrono::{DateTime, Utc};

use super::super::action::Action;
use super::super::msg::Effect;
use super::super::standup::{Standup, WINDOWS, entries};
use super::super::state::{Failure, Load, State, ToastLevel, describe};
use super::focus;
use crate::api::Error;
use crate::report::Digest;

/// Opens the screen (or closes it, when it is showing) and asks for the digest.
pub fn toggle(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if state.standup.as_ref().is_some_and(Standup::showing) {
        state.standup = None;
        return Vec::new();
    }
    state.detail = None;
    state.standup = Some(Standup::default());
    fetch(state, now)
}

fn fetch(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let req = state.request();
    let environments: Vec<String> = state.list.environment.iter().cloned().collect();
    let projects: Vec<i64> = state.list.project.iter().map(|(id, _)| *id).collect();
    let Some(standup) = state.standup.as_mut() else {
        return Vec::new();
    };
    standup.req = Some(req);
    if standup.digest.ready().is_none() {
        standup.digest = Load::Loading { since: now };
    }
    vec![Effect::FetchDigest { req, since: standup.since(), environments, projects }]
}

/// The digest arrived (or failed).
pub fn loaded(state: &mut State, req: super::super::state::ReqId, result: Result<Digest, Error>, now: DateTime<Utc>) {
    let Some(standup) = state.standup.as_mut().filter(|s| s.req == Some(req)) else {
        return;
    };
    standup.req = None;
    match result {
        Ok(digest) => {
            let len = entries(&digest).len();
            standup.cursor = standup.cursor.min(len.saturating_sub(1));
            standup.digest = Load::Ready(digest);
        }
        Err(error) => {
            let message = describe(&error);
            if standup.digest.ready().is_some() {
                state.toast(ToastLevel::Error, format!("standup: {message}"), now);
            } else {
                standup.digest = Load::Failed(Failure { message, at: now });
            }
        }
    }
}

/// Whether the screen takes `action` now.
pub fn handles(state: &State, action: Action) -> bool {
    state.standup.as_ref().is_some_and(Standup::showing)
        && matches!(action, moves!() | Action::Open | Action::Refresh | Action::ToggleStatsPeriod)
}

pub fn act(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let page = state.page_rows.max(1);
    let Some(standup) = state.standup.as_mut() else {
        return Vec::new();
    };
    let last = standup.digest.ready().map_or(0, |d| entries(d).len().saturating_sub(1));
    match action {
        Action::MoveDown => standup.cursor = (standup.cursor + 1).min(last),
        Action::MoveUp => standup.cursor = standup.cursor.saturating_sub(1),
        Action::PageDown => standup.cursor = (standup.cursor + page).min(last),
        Action::PageUp => standup.cursor = standup.cursor.saturating_sub(page),
        Action::Top => standup.cursor = 0,
        Action::Bottom => standup.cursor = last,
        Action::Back => state.standup = None,
        Action::Refresh => return fetch(state, now),
        Action::ToggleStatsPeriod => {
            standup.window = (standup.window + 1) % WINDOWS.len();
            standup.digest = Load::Idle;
            standup.cursor = 0;
            return fetch(state, now);
        }
        Action::Open => return open(state, now),
        _ => {}
    }
    Vec::new()
}

/// Opens the entry under the cursor: the list is pointed at that one issue, which opens when
/// it arrives ([`arrived`]).
fn open(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some((_, entry)) = state.standup.as_ref().and_then(Standup::current) else {
        return Vec::new();
    };
    let (id, short_id) = (entry.issue_id.clone(), entry.short_id.clone());
    let (away, effects) = focus::leave(state, format!("issue:{short_id}"), now);
    if let Some(standup) = state.standup.as_mut() {
        standup.away = Some(away);
        standup.opening = Some(id);
    }
    effects
}

/// After a list load: opens the issue waited for, or says it is gone and comes back.
pub fn arrived(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(id) = state.standup.as_mut().and_then(|s| s.opening.take()) else {
        return Vec::new();
    };
    focus::open(state, &id, now).unwrap_or_else(|| back(state, now))
}

/// From an issue opened here: the list as it was, and the screen again.
pub fn back(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(away) = state.standup.as_mut().and_then(|s| s.away.take()) else {
        return Vec::new();
    };
    let mut effects = focus::restore(state, away, now);
    effects.extend(fetch(state, now));
    effects
}
