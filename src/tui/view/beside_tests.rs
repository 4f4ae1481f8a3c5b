//! Frame snapshots of the opened issue's Feedback section, Attachments line and pager, and of
//! the Feedback and Monitors screens, in each load state, at 80x24 and 120x40; hostile text in
//! feedback never draws a control character.

use serde_json::json;

use super::tests::{opened, snapshot, text};
use crate::api::models::{Attachment, FeedbackIssue, UserReport};
use crate::tui::boards::{Board, Listing, MonitorRow};
use crate::tui::detail::Section;
use crate::tui::fixtures::{event, issues, now, state_with};
use crate::tui::sidecar::Pager;
use crate::tui::state::{Failure, Load, State, ToastLevel};

pub fn reports() -> Vec<UserReport> {
    serde_json::from_value(json!([
        {"id": "2", "eventID": "9ec79c33ec9942ab8353589fcb2e04dc", "name": "Ann Lee", "email": "ann@example.com",
         "comments": "The pay button does nothing after I enter my card. Tried twice, then the page went blank.",
         "url": "https://shop.example.com/checkout?step=2", "dateCreated": "2026-11-22T11:40:00Z"},
        {"id": "1", "eventID": "9ec79c33ec9942ab8353589fcb2e04dc", "name": "\u{1b}]52;c;ZXZpbA==\u{7}Mallory",
         "email": "m@example.com\u{1b}[2J", "comments": "evil\u{1b}[31m red\r\nnext line \u{202e}txt",
         "dateCreated": "2026-11-22T09:00:00Z"}
    ]))
    .unwrap()
}

fn attachments() -> Vec<Attachment> {
    serde_json::from_value(json!([
        {"id": "11", "name": "sync.log", "mimetype": "text/plain", "size": 18, "type": "event.attachment"},
        {"id": "12", "name": "../../etc/core\u{1b}.bin", "mimetype": "application/octet-stream", "size": 262144,
         "type": "event.attachment"}
    ]))
    .unwrap()
}

fn with_sidecar(section: Section, fill: impl FnOnce(&mut crate::tui::sidecar::Sidecar)) -> State {
    let mut state = opened(section, Some(event("9ec79c33ec9942ab8353589fcb2e04dc", Some("a"), None)));
    if let Some(detail) = state.detail.as_mut() {
        fill(&mut detail.sidecar);
    }
    state
}

#[test]
fn the_feedback_section_with_its_count_in_the_header() {
    let state = with_sidecar(Section::Feedback, |s| s.feedback = Load::Ready(reports()));
    snapshot("detail_feedback", &state);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = text(&state, w, h);
        assert!(screen.contains("8 Feedback 2"), "the tab counts: {screen}");
        if w == 80 {
            assert!(screen.contains("401 users · 2 feedback"), "the header counts where it has room: {screen}");
        }
        assert!(!screen.chars().any(|c| c.is_control() && c != '\n' || matches!(c, '\u{202a}'..='\u{202e}')));
    }
    snapshot("detail_feedback_none", &with_sidecar(Section::Feedback, |s| s.feedback = Load::Ready(vec![])));
    let failed = with_sidecar(Section::Feedback, |s| {
        s.feedback = Load::Failed(Failure { message: "server error (502): bad gateway".into(), at: now() })
    });
    snapshot("detail_feedback_failed", &failed);
}

#[test]
fn the_attachments_line_the_pager_and_a_saved_file() {
    let state = with_sidecar(Section::Stack, |s| {
        s.attachments = Load::Ready(attachments());
        s.selected = 1;
    });
    snapshot("detail_attachments", &state);
    let paged = with_sidecar(Section::Stack, |s| {
        s.attachments = Load::Ready(attachments());
        let body: String = (1..=60).map(|i| format!("2026-11-22 11:{i:02} sync step {i}\u{1b}[2J ok\n")).collect();
        let mut pager = Pager::new("sync.log", body.as_bytes());
        pager.scroll = 5;
        s.pager = Some(pager);
    });
    snapshot("detail_attachment_pager", &paged);
    let mut saved = with_sidecar(Section::Stack, |s| s.attachments = Load::Ready(attachments()));
    saved.toast(ToastLevel::Info, "saved ./sync.log", now());
    snapshot("detail_attachment_saved", &saved);
}

fn feedback_issues() -> Vec<FeedbackIssue> {
    serde_json::from_value(json!([
        {"id": "feedback-3", "firstSeen": "2026-11-22T11:50:00Z", "project": {"slug": "frontend"},
         "metadata": {"message": "Search results are empty for “café” but not for cafe", "name": "Zoë", "contact_email": "zoe@example.com",
                      "associated_event_id": null}},
        {"id": "feedback-2", "firstSeen": "2026-11-22T11:40:00Z", "project": {"slug": "frontend"},
         "metadata": {"message": "The pay button does nothing", "name": "Ann Lee", "contact_email": "ann@example.com",
                      "associated_event_id": "9ec79c33ec9942ab8353589fcb2e04dc"}},
        {"id": "feedback-1", "firstSeen": "2026-11-21T09:00:00Z", "project": {"slug": "backend"},
         "metadata": {"value": "\u{1b}[2Jcrashed on save", "associated_event_id": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}
    ]))
    .unwrap()
}

fn monitor_rows() -> Vec<MonitorRow> {
    let check = |status: &str, minutes: i64, group: Option<(&str, &str)>| {
        json!({"id": "x", "status": status, "duration": 1200,
               "dateCreated": (now() - chrono::Duration::minutes(minutes)).to_rfc3339(),
               "groups": group.map(|(id, short)| vec![json!({"id": id, "shortId": short})]).unwrap_or_default()})
    };
    let monitor = |slug: &str, schedule: serde_json::Value, tz: &str, next_minutes: i64, status: &str| {
        json!({"id": "1", "slug": slug, "name": slug, "status": "active",
               "config": {"schedule_type": "crontab", "schedule": schedule, "timezone": tz, "checkin_margin": 5},
               "environments": [{"name": "production", "status": status,
                                 "nextCheckIn": (now() + chrono::Duration::minutes(next_minutes)).to_rfc3339()}]})
    };
    let rows = vec![
        (
            monitor("nightly-backup", json!("0 3 * * *"), "Europe/Vienna", 900, "ok"),
            vec![
                check("ok", 540, None),
                check("ok", 1980, None),
                check("missed", 3420, Some(("41", "BACKEND-41"))),
                check("ok", 4860, None),
            ],
        ),
        (
            monitor("send-invoices", json!([5, "minute"]), "UTC", -2, "error"),
            (0..14)
                .map(|i| {
                    check(
                        if i % 4 == 0 {
                            "error"
                        } else if i == 6 {
                            "timeout"
                        } else {
                            "ok"
                        },
                        5 * i + 1,
                        (i % 4 == 0).then_some(("42", "BACKEND-42")),
                    )
                })
                .collect(),
        ),
        (monitor("fresh-job", json!("*/15 * * * *"), "UTC", 12, "active"), vec![check("in_progress", 1, None)]),
    ];
    rows.into_iter()
        .map(|(m, c)| MonitorRow {
            monitor: serde_json::from_value(m).unwrap(),
            check_ins: serde_json::from_value(json!(c)).unwrap(),
        })
        .collect()
}

#[test]
fn the_feedback_screen_in_each_state() {
    let mut state = state_with(issues());
    let mut listing: Listing<FeedbackIssue> = Listing { rows: Load::Loading { since: now() }, ..Listing::default() };
    state.board = Some(Board::Feedback(listing.clone()));
    snapshot("feedback_loading", &state);
    listing.rows = Load::Ready(feedback_issues());
    listing.cursor = 1;
    state.board = Some(Board::Feedback(listing.clone()));
    snapshot("feedback_screen", &state);
    assert!(!text(&state, 120, 40).contains('\u{1b}'));
    listing.rows = Load::Ready(Vec::new());
    state.board = Some(Board::Feedback(listing.clone()));
    snapshot("feedback_empty", &state);
    listing.rows = Load::Failed(Failure {
        message: "not found (404): the organization, project or issue is gone".into(),
        at: now(),
    });
    state.board = Some(Board::Feedback(listing));
    snapshot("feedback_failed", &state);
}

#[test]
fn the_monitors_screen_in_each_state() {
    let mut state = state_with(issues());
    let mut listing: Listing<MonitorRow> =
        Listing { rows: Load::Ready(monitor_rows()), cursor: 1, ..Listing::default() };
    state.board = Some(Board::Monitors(listing.clone()));
    snapshot("monitors_screen", &state);
    listing.rows = Load::Ready(Vec::new());
    state.board = Some(Board::Monitors(listing.clone()));
    snapshot("monitors_empty", &state);
    listing.rows = Load::Failed(Failure { message: "server error (500): database is locked".into(), at: now() });
    state.board = Some(Board::Monitors(listing));
    snapshot("monitors_failed", &state);
}
