//! What every screen over the list shares: opening issues through the list (the list is pointed
//! at a search and its own view kept aside in the screen), and the way back, which puts the list
//! back as it was and gathers the screen's data again. See [`crate::tui::screen`].

use chrono::{DateTime, Utc};

use super::super::action::Action;
use super::super::msg::Effect;
use super::super::screen::{ListView, Screen};
use super::super::state::{State, Tab};
use super::{list, releases, standup};

/// Whether `action` does something now, given the screens: over a showing screen only the
/// screen's own keys and those of the whole console act (the list underneath takes none), so the
/// help and the palette offer no others there.
pub fn takes(state: &State, action: Action) -> bool {
    !state.screen_showing()
        || matches!(
            action,
            Action::Quit
                | Action::Suspend
                | Action::Help
                | Action::CommandPalette
                | Action::Standup
                | Action::Releases
                | Action::Feedback
                | Action::Monitors
                | Action::Performance
                | Action::Alerts
                | Action::Refresh
                | Action::TogglePoll
        )
        || own(state, action)
}

/// Whether `action` is one of the showing screen's own keys (tabs, which a screen has none of,
/// are not).
pub fn own(state: &State, action: Action) -> bool {
    !matches!(action, Action::NextTab | Action::PrevTab)
        && (standup::handles(state, action) || releases::handles(state, action))
}

/// Points the list at `query` in the "All" tab, within `project` and any environment, keeping
/// the list as it was in the open screen, and loads it.
pub fn park(state: &mut State, query: String, project: Option<(i64, String)>, now: DateTime<Utc>) -> Vec<Effect> {
    let list = &mut state.list;
    let away = ListView {
        tab: list.tab,
        query: std::mem::replace(&mut list.query, query),
        environment: list.environment.take(),
        project: std::mem::replace(&mut list.project, project),
        cursor: list.cursor,
    };
    list.tab = Tab::All;
    list.marked.clear();
    if let Some(screen) = state.screen.as_mut() {
        *screen.away_mut() = Some(away);
    }
    list::reload(state, now)
}

/// From what a screen opened: the list as it was, and the screen again.
pub fn back(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(away) = state.screen.as_mut().and_then(|s| s.away_mut().take()) else {
        return Vec::new();
    };
    state.detail = None;
    let list = &mut state.list;
    list.tab = away.tab;
    list.query = away.query;
    list.environment = away.environment;
    list.project = away.project;
    list.marked.clear();
    let mut effects = list::reload(state, now);
    state.list.cursor = away.cursor;
    effects.extend(match &state.screen {
        Some(Screen::Standup(_)) => standup::refetch(state, now),
        Some(Screen::Releases(_)) => releases::refetch(state, now),
        None => Vec::new(),
    });
    effects
}
