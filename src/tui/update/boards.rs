//! The Feedback and Monitors screens' reducer: opening one (or closing it), loading its rows,
//! moving, and opening the issue under the cursor through the list (as the standup screen
//! does, see [`crate::tui::boards`]) and coming back. A feedback names an event; the issue is
//! found by the event first.

use chrono::{DateTime, Utc};

use super::super::action::Action;
use super::super::boards::{Board, Listing};
use super::super::msg::{BesideEffect, BesideMsg, Effect};
use super::super::screen::ListView;
use super::super::state::{Failure, Load, ReqId, State, Tab, ToastLevel, describe};
use super::{detail, list};

/// Opens the Feedback (`Action::Feedback`) or Monitors screen, or closes it when it shows.
pub fn toggle(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let same = matches!(
        (&state.board, action),
        (Some(Board::Feedback(_)), Action::Feedback) | (Some(Board::Monitors(_)), Action::Monitors)
    );
    if same && showing(state) {
        state.board = None;
        return Vec::new();
    }
    if let Some(away) = away_view(state) {
        restore(state, away);
    }
    state.detail = None;
    state.screen = None;
    state.board = Some(match action {
        Action::Feedback => Board::Feedback(Listing::default()),
        _ => Board::Monitors(Listing::default()),
    });
    fetch(state, now)
}

fn fetch(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let req = state.request();
    let effect = match state.board.as_mut() {
        Some(Board::Feedback(l)) => {
            start(l, req, now);
            BesideEffect::FetchFeedbackList { req }
        }
        Some(Board::Monitors(l)) => {
            start(l, req, now);
            BesideEffect::FetchMonitors { req }
        }
        None => return Vec::new(),
    };
    vec![Effect::Beside(effect)]
}

fn start<T>(listing: &mut Listing<T>, req: ReqId, now: DateTime<Utc>) {
    listing.req = Some(req);
    if listing.rows.ready().is_none() {
        listing.rows = Load::Loading { since: now };
    }
}

/// Whether a screen shows (not away at an issue opened from it).
pub fn showing(state: &State) -> bool {
    state.board.as_ref().is_some_and(Board::showing)
}

/// Whether an issue opened from a screen is shown (Esc goes back to the screen).
pub fn away(state: &State) -> bool {
    state.board.as_ref().is_some_and(|b| !b.showing())
}

/// Whether the screen takes `action` now.
pub fn handles(state: &State, action: Action) -> bool {
    showing(state) && matches!(action, moves!() | Action::Open | Action::Refresh)
}

pub fn act(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let page = state.page_rows.max(1);
    let step = |cursor: &mut usize, len: usize| {
        let last = len.saturating_sub(1);
        match action {
            Action::MoveDown => *cursor = (*cursor + 1).min(last),
            Action::MoveUp => *cursor = cursor.saturating_sub(1),
            Action::PageDown => *cursor = (*cursor + page).min(last),
            Action::PageUp => *cursor = cursor.saturating_sub(page),
            Action::Top => *cursor = 0,
            Action::Bottom => *cursor = last,
            _ => {}
        }
    };
    match (state.board.as_mut(), action) {
        (_, Action::Back) => {
            state.board = None;
            Vec::new()
        }
        (_, Action::Refresh) => fetch(state, now),
        (Some(Board::Feedback(l)), Action::Open) => {
            let Some(event_id) = l.current().and_then(|f| f.metadata.associated_event_id.clone()) else {
                state.toast(ToastLevel::Info, "this feedback names no event: it stands alone", now);
                return Vec::new();
            };
            let req = state.request();
            if let Some(Board::Feedback(l)) = state.board.as_mut() {
                l.locating = Some(req);
            }
            vec![Effect::Beside(BesideEffect::LocateFeedbackIssue { req, event_id })]
        }
        (Some(Board::Monitors(l)), Action::Open) => {
            let Some((id, short)) = l.current().and_then(|m| m.issue()).map(|(i, s)| (i.to_string(), s.to_string()))
            else {
                state.toast(ToastLevel::Info, "this monitor has not failed: no issue to open", now);
                return Vec::new();
            };
            open_issue(state, id, short, now)
        }
        (Some(Board::Feedback(l)), _) => {
            let len = l.len();
            step(&mut l.cursor, len);
            Vec::new()
        }
        (Some(Board::Monitors(l)), _) => {
            let len = l.len();
            step(&mut l.cursor, len);
            Vec::new()
        }
        (None, _) => Vec::new(),
    }
}

/// An answer for a screen.
pub fn on_msg(state: &mut State, msg: BesideMsg, now: DateTime<Utc>) -> Vec<Effect> {
    match msg {
        BesideMsg::FeedbackListed { req, result } => {
            if let Some(Board::Feedback(l)) = state.board.as_mut() {
                loaded(l, req, result.map_err(|e| describe(&e)), now);
            }
            Vec::new()
        }
        BesideMsg::MonitorsListed { req, result } => {
            if let Some(Board::Monitors(l)) = state.board.as_mut() {
                loaded(l, req, result.map_err(|e| describe(&e)), now);
            }
            Vec::new()
        }
        BesideMsg::FeedbackIssueLocated { req, result } => {
            let Some(Board::Feedback(l)) = state.board.as_mut() else { return Vec::new() };
            if l.locating != Some(req) {
                return Vec::new();
            }
            l.locating = None;
            match result {
                Ok((id, short)) => open_issue(state, id, short, now),
                Err(error) => {
                    let text = format!("the feedback's issue: {}", describe(&error));
                    state.toast(ToastLevel::Error, text, now);
                    Vec::new()
                }
            }
        }
        other => {
            super::sidecar::on_msg(state, other, now);
            Vec::new()
        }
    }
}

fn loaded<T>(listing: &mut Listing<T>, req: ReqId, result: Result<Vec<T>, String>, now: DateTime<Utc>) {
    if listing.req != Some(req) {
        return;
    }
    listing.req = None;
    match result {
        Ok(rows) => {
            listing.cursor = listing.cursor.min(rows.len().saturating_sub(1));
            listing.rows = Load::Ready(rows);
        }
        Err(message) if listing.rows.ready().is_none() => listing.rows = Load::Failed(Failure { message, at: now }),
        Err(message) => tracing::debug!(%message, "refresh failed; the rows shown stay"),
    }
}

/// Points the list at issue `short_id`, which opens when it arrives ([`arrived`]).
fn open_issue(state: &mut State, id: String, short_id: String, now: DateTime<Utc>) -> Vec<Effect> {
    let list = &mut state.list;
    let away = ListView {
        tab: list.tab,
        query: std::mem::replace(&mut list.query, format!("issue:{short_id}")),
        environment: list.environment.take(),
        project: list.project.take(),
        cursor: list.cursor,
    };
    list.tab = Tab::All;
    match state.board.as_mut() {
        Some(Board::Feedback(l)) => (l.away, l.opening) = (Some(away), Some(id)),
        Some(Board::Monitors(l)) => (l.away, l.opening) = (Some(away), Some(id)),
        None => return Vec::new(),
    }
    list::reload(state, now)
}

fn opening(state: &mut State) -> Option<String> {
    match state.board.as_mut()? {
        Board::Feedback(l) => l.opening.take(),
        Board::Monitors(l) => l.opening.take(),
    }
}

fn away_view(state: &mut State) -> Option<ListView> {
    match state.board.as_mut()? {
        Board::Feedback(l) => l.away.take(),
        Board::Monitors(l) => l.away.take(),
    }
}

/// After a list load: opens the issue waited for, or says it is gone and comes back.
pub fn arrived(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(id) = opening(state) else { return Vec::new() };
    match state.list.rows().iter().position(|r| r.issue.id == id) {
        Some(index) => {
            state.list.cursor = index;
            detail::open(state, now)
        }
        None => {
            state.toast(ToastLevel::Error, "that issue is no longer there", now);
            back(state, now)
        }
    }
}

fn restore(state: &mut State, away: ListView) {
    let list = &mut state.list;
    list.tab = away.tab;
    list.query = away.query;
    list.environment = away.environment;
    list.project = away.project;
    list.cursor = away.cursor;
}

/// From an issue opened on a screen: the list as it was, and the screen again.
pub fn back(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(away) = away_view(state) else { return Vec::new() };
    state.detail = None;
    let cursor = away.cursor;
    restore(state, away);
    let mut effects = list::reload(state, now);
    state.list.cursor = cursor;
    effects.extend(fetch(state, now));
    effects
}
