//! Opening one issue from a screen shown over the list (the standup and Alerts screens) and
//! coming back: the list is switched to the "All" tab with the search `issue:SHORT-ID`, the
//! issue opens when it has loaded, and on the way back the list's own tab, search, filters and
//! cursor are put back. Each screen keeps the [`ListView`] and the awaited issue id itself.

use chrono::{DateTime, Utc};

use super::super::msg::Effect;
use super::super::screen::ListView;
use super::super::state::{State, Tab, ToastLevel};
use super::{detail, list};

/// Points the list at the issues `query` finds and reloads it; returns the list as it was.
pub fn leave(state: &mut State, query: String, now: DateTime<Utc>) -> (ListView, Vec<Effect>) {
    let list = &mut state.list;
    let away = ListView {
        tab: list.tab,
        query: std::mem::replace(&mut list.query, query),
        environment: list.environment.take(),
        project: list.project.take(),
        cursor: list.cursor,
    };
    list.tab = Tab::All;
    (away, list::reload(state, now))
}

/// After a list load: opens issue `id`, or, when it is gone, says so and returns `None` (the
/// screen then comes back).
pub fn open(state: &mut State, id: &str, now: DateTime<Utc>) -> Option<Vec<Effect>> {
    match state.list.rows().iter().position(|r| r.issue.id == id) {
        Some(index) => {
            state.list.cursor = index;
            Some(detail::open(state, now))
        }
        None => {
            state.toast(ToastLevel::Error, "that issue is no longer there", now);
            None
        }
    }
}

/// Closes the opened issue and puts the list back as `away` had it.
pub fn restore(state: &mut State, away: ListView, now: DateTime<Utc>) -> Vec<Effect> {
    state.detail = None;
    let list = &mut state.list;
    list.tab = away.tab;
    list.query = away.query;
    list.environment = away.environment;
    list.project = away.project;
    let effects = list::reload(state, now);
    state.list.cursor = away.cursor;
    effects
}
