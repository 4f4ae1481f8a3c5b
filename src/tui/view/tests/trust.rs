//! Snapshots of what must never be cut: the DSN and its port, the remote's mode and URL, the
//! list's users and priority at 80 columns, the opened issue's state and assignee; and of the
//! breadcrumbs' cursor, zoom and sideways scrolling.

use super::*;
use crate::tui::state::Source;

/// The status line (the last row) at `width`.
fn status_line(state: &State, width: u16) -> String {
    text(state, width, 24).lines().last().unwrap_or_default().to_string()
}

#[test]
fn the_dsn_and_its_port_stay_whole_and_other_segments_give_way() {
    let dsn = "http://3f2c7b0e9a1d4c5e8f6a7b8c9d0e1f2a@127.0.0.1:43567/1";
    let mut state = state_with(issues());
    state.source.dsn = Some(dsn.into());
    state.readonly = true;
    state.poll.last_error = Some("cannot reach the server (connection refused); retrying in 4s".into());
    for width in [80, 100, 120] {
        let line = status_line(&state, width);
        assert!(line.contains(dsn), "{width}: {line}");
        // At 80 columns the read-only mark and a five-digit port leave the error its sign only.
        let error = if width == 80 { "⚠" } else { "⚠ cannot reach" };
        assert!(line.contains(error), "{width}: {line}");
    }
    snapshot("status_dsn_with_error", &state);
    state.poll.last_error = None;
    state.readonly = false;
    for width in [80, 120] {
        assert!(status_line(&state, width).contains(dsn), "{width}");
    }
}

#[test]
fn a_dead_remote_keeps_its_mode_and_url_in_view() {
    let mut state = state_with(issues());
    state.source =
        Source { label: "profile work".into(), url: "http://127.0.0.1:9/".into(), org: "acme".into(), dsn: None };
    state.poll.last_error = Some("cannot reach http://127.0.0.1:9/ (connection refused); retrying in 4s".into());
    state.list.data =
        Load::Failed(Failure { message: "cannot reach http://127.0.0.1:9/ (connection refused)".into(), at: now() });
    let line = status_line(&state, 80);
    assert!(line.contains("profile work · http://127.0.0.1:9/") && line.contains("⚠ cannot reach"), "{line}");
    snapshot("status_dead_remote", &state);
}

#[test]
fn the_standup_screen_scrolls_to_its_last_line() {
    let mut state = state_with(issues());
    let digest = crate::report::tests::fixtures::digest();
    let last = crate::tui::standup::entries(&digest).len() - 1;
    let standup = crate::tui::standup::Standup { digest: Load::Ready(digest), cursor: last, ..Default::default() };
    state.screen = Some(crate::tui::screen::Screen::Standup(standup));
    let screen = text(&state, 80, 24);
    assert!(screen.contains("Environments") && screen.contains("Projects"), "{screen}");
    snapshot("standup_at_the_end", &state);
}

#[test]
fn an_opened_breadcrumb_shows_all_its_data_wrapped() {
    use crate::tui::detail::Section;
    let mut state = opened(Section::Breadcrumbs, Some(crate::tui::fixtures::event("b", None, None)));
    if let Some(detail) = state.detail.as_mut() {
        detail.crumb = 2;
        detail.crumb_open = Some(2);
    }
    let screen = text(&state, 80, 24);
    assert!(screen.contains("▾") && screen.contains("data.from") && screen.contains("/signup"), "{screen}");
    snapshot("crumb_opened", &state);
    if let Some(detail) = state.detail.as_mut() {
        detail.absolute_time = true;
        detail.crumb_open = None;
        detail.hscroll = 8;
    }
    snapshot("crumbs_clock_scrolled", &state);
}

#[test]
fn zoom_gives_the_opened_issue_the_whole_width() {
    use crate::tui::detail::Section;
    let mut state = opened(Section::Stack, Some(crate::tui::fixtures::event("b", None, None)));
    if let Some(detail) = state.detail.as_mut() {
        detail.zoomed = true;
        detail.hscroll = 4;
    }
    let screen = text(&state, 120, 40);
    assert!(!screen.contains("    TITLE"), "no list beside it: {screen}");
    snapshot("detail_zoomed_scrolled", &state);
}

#[test]
fn the_header_wraps_state_and_assignee_rather_than_dropping_them() {
    use crate::tui::detail::Section;
    let mut state = opened(Section::Stack, Some(crate::tui::fixtures::event("b", None, None)));
    if let Some(row) = state.list.data.ready_mut().and_then(|d| d.rows.first_mut()) {
        row.issue.assigned_to =
            serde_json::from_value(serde_json::json!({ "id": "7", "name": "Ana García de la Fuente", "type": "user" }))
                .ok();
    }
    for (width, height) in [(80, 24), (120, 40)] {
        let screen = text(&state, width, height);
        assert!(screen.contains("Ana García de la Fuente") && screen.contains("unresolved (new)"), "{screen}");
    }
    snapshot("detail_header_wrapped", &state);
}

#[test]
fn the_list_at_80_columns_keeps_users_and_priority_and_marks_the_sort() {
    let mut rows = issues();
    rows[1].short_id = "LEDGER-WORKER-12".into();
    rows[2].short_id = "SHOP-BACKEND-3".into();
    let mut state = state_with(rows);
    state.list.sort = crate::tui::state::SortKey::Events;
    let screen = text(&state, 80, 24);
    assert!(screen.contains("↓EVENTS USERS PRI"), "{screen}");
    assert!(
        screen.contains("…R-WORKER-12") && !screen.contains("LEDGER-WORKER-12"),
        "the ID column gave way: {screen}"
    );
    snapshot("list_projects_sorted_by_events", &state);
}

#[test]
fn a_search_with_its_own_status_marks_no_tab() {
    let mut state = state_with(issues());
    state.list.query = "is:resolved".into();
    snapshot("tab_overridden", &state);
}
