//! Frame snapshots of the releases screen at 80x24 and 120x40: loading, failed, empty, the
//! table with its cursor (a hostile version drawn harmless), the 14-day sparkline, a project
//! filter, and a remote server that sends no event counts.

use super::tests::{snapshot, text};
use crate::tui::fixtures::{issues, now, releases, state_with};
use crate::tui::releases::{Releases, ReleasesData};
use crate::tui::screen::Screen;
use crate::tui::state::{Failure, Load, State, StatsPeriod};

fn with_screen(data: Load<ReleasesData>) -> State {
    let mut state = state_with(issues());
    state.screen = Some(Screen::Releases(Releases { data, ..Releases::default() }));
    state
}

fn loaded() -> Load<ReleasesData> {
    Load::Ready(ReleasesData { releases: releases(), next_cursor: None })
}

#[test]
fn the_releases_screen_in_each_state() {
    snapshot("releases_loading", &with_screen(Load::Loading { since: now() }));
    let failure = Failure { message: "server error (502): bad gateway".into(), at: now() };
    snapshot("releases_failed", &with_screen(Load::Failed(failure)));
    snapshot("releases_empty", &with_screen(Load::Ready(ReleasesData::default())));

    let mut state = with_screen(loaded());
    snapshot("releases", &state);
    let wide = text(&state, 120, 40);
    assert!(wide.contains("99.52%") && wide.contains("93.10%") && wide.contains("62.5%"), "{wide}");
    assert!(wide.contains("production 2d") && wide.contains("1480") && wide.contains("22k"), "{wide}");
    if let Some(screen) = state.releases_mut() {
        screen.cursor = 3;
        screen.period = StatsPeriod::TwoWeeks;
    }
    snapshot("releases_hostile_14d", &state);
    let screen = text(&state, 80, 24);
    assert!(!screen.contains('\u{1b}') && screen.contains("▸ nightly"), "{screen}");
}

#[test]
fn the_releases_screen_of_one_project_and_of_a_remote_sentry() {
    let mut state = with_screen(loaded());
    if let Some(screen) = state.releases_mut() {
        screen.project = Some((1, "backend".into()));
    }
    snapshot("releases_one_project", &state);
    // Sentry sends no event counts: those columns say so instead of showing zero.
    let mut remote: Vec<crate::api::ReleaseInfo> = releases();
    for release in &mut remote {
        for project in &mut release.projects {
            project.event_count = None;
            project.event_stats = Default::default();
        }
    }
    let state = with_screen(Load::Ready(ReleasesData { releases: remote, next_cursor: None }));
    let screen = text(&state, 120, 40);
    assert!(screen.lines().any(|l| l.contains("2.4.1") && l.contains(" – ")), "{screen}");
}

#[test]
fn the_help_over_the_releases_screen_lists_its_keys_and_none_of_the_list_underneath() {
    let mut state = with_screen(loaded());
    state.overlay = Some(crate::tui::overlay::Overlay::Help(Default::default()));
    snapshot("releases_help", &state);
    let small = text(&state, 80, 24);
    for wanted in [
        "Every issue seen in the release",
        "The issues first seen in the release",
        "Close the releases screen",
        "24 hours",
    ] {
        assert!(small.contains(wanted), "{wanted}: {small}");
    }
    for unwanted in [
        "Search with Sentry's query syntax",
        "Next status tab",
        "Resolve in the next release",
        "Open the selected issue",
    ] {
        assert!(!small.contains(unwanted), "{unwanted}: {small}");
    }
}
