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
    state.source = Source {
        label: "profile work".into(),
        url: "http://127.0.0.1:9/".into(),
        org: "acme".into(),
        dsn: None,
    };
    state.poll.last_error = Some(
        "cannot reach http://127.0.0.1:9/ (connection refused); retrying in 4s".into(),
    );
    state.list.data = Load::Failed(Failure {
        message: "cannot reach http://127.0.0.1:9/ (connection refused)".into(),
        at: now(),
    });
    let line = status_line(&state, 80);
    assert!(line.contains("profile work · http://127.0.0.1:9/") && line.contains("⚠ cannot reach"), "{line}");
    snapshot("status_dead_remote", &state);
}
