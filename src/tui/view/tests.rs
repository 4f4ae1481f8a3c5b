//! Frame snapshots (insta over ratatui's TestBackend) of every list state at 80x24 and
//! 120x40, plus style checks of key cells in every built-in theme.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::draw;
use crate::api::IssueStatus;
use crate::tui::fixtures::{issue, issues, now, state_with};
use crate::tui::keymap::Keymap;
use crate::tui::overlay::{Confirm, ConfirmThen, Input, Overlay, Palette, PendingChange, Prompt, PromptKind};
use crate::tui::state::{Failure, Load, State, ToastLevel};
use crate::tui::theme::{ColorDepth, Role, Theme};

fn terminal(state: &State, width: u16, height: u16, theme: &Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let keymap = Keymap::defaults();
    terminal.draw(|frame| draw(frame, state, theme, &keymap, now())).unwrap();
    terminal
}

pub(super) fn text(state: &State, width: u16, height: u16) -> String {
    let theme = Theme::builtin("dark").unwrap();
    let terminal = terminal(state, width, height, &theme);
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        let mut x = 0;
        while x < width {
            let symbol = buffer[(x, y)].symbol();
            line.push_str(symbol);
            // A wide character covers the next cell too.
            x += unicode_width::UnicodeWidthStr::width(symbol).max(1) as u16;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub(super) fn snapshot(name: &str, state: &State) {
    for (width, height) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), text(state, width, height));
    }
}

fn sized(mut state: State, rows: u16) -> State {
    state.page_rows = usize::from(rows).saturating_sub(6);
    state
}

#[test]
fn loading_empty_and_failed() {
    let mut loading = state_with(vec![]);
    loading.list.data = Load::Loading { since: now() };
    snapshot("loading", &loading);
    snapshot("empty_embedded", &state_with(vec![]));
    let mut filtered = state_with(vec![]);
    filtered.list.query = "level:fatal".into();
    snapshot("empty_filtered", &filtered);
    let mut failed = state_with(vec![]);
    failed.list.data =
        Load::Failed(Failure { message: "token rejected (401): check the profile's token".into(), at: now() });
    failed.poll.last_error = Some("token rejected (401): check the profile's token".into());
    snapshot("failed", &failed);
}

#[test]
fn populated_with_marks_pending_and_changes() {
    let mut state = sized(state_with(issues()), 24);
    let data = state.list.data.ready_mut().unwrap();
    data.rows[1].pending = Some(7);
    data.rows[1].issue.status = Some(IssueStatus::Resolved);
    data.rows[3].changed = true;
    state.list.marked.insert("3".into());
    state.list.cursor = 2;
    snapshot("populated", &state);
}

#[test]
fn long_unicode_titles_and_narrow_widths() {
    let mut hostile =
        issue(6, "Ошибка: 数据库连接失败 🚨 — the quick brown fox jumps over the lazy dog again and again", "new", 3);
    hostile.culprit = Some("app/\u{1b}[31mred\u{1b}[0m.py in λ".into());
    let state = state_with(vec![
        hostile,
        issue(7, "日本語のエラーメッセージがとても長い場合の表示を確認する", "regressed", 12),
    ]);
    snapshot("unicode", &state);
    for width in [60, 40] {
        insta::assert_snapshot!(format!("narrow_{width}x20"), text(&state_with(issues()), width, 20));
    }
    assert!(!text(&state, 120, 40).contains('\u{1b}'), "escape sequences never reach the screen");
}

#[test]
fn overlays() {
    let base = || state_with(issues());
    let mut help = base();
    help.overlay = Some(Overlay::Help(Default::default()));
    snapshot("help", &help);
    let mut menu = base();
    crate::tui::update::act(
        &mut menu,
        crate::tui::action::Action::ArchiveMenu,
        &crate::tui::fixtures::ctx(&Keymap::defaults()),
    );
    snapshot("archive_menu", &menu);
    let mut palette = base();
    palette.overlay = Some(Overlay::Palette(Palette { input: Input::with("res"), selected: 1 }));
    snapshot("palette", &palette);
    let mut prompt = base();
    let mut search = Prompt::new(PromptKind::Search, "is:");
    search.error = Some("Error parsing search query: missing value for `is` (at position 3)".into());
    prompt.overlay = Some(Overlay::Prompt(search));
    snapshot("search_error", &prompt);
    let mut confirm = base();
    let then = PendingChange {
        label: "resolve".into(),
        done: "resolved 12 issues".into(),
        ids: vec!["1".into(); 12],
        update: crate::api::IssueUpdate::resolve(),
    };
    confirm.overlay = Some(Overlay::Confirm(Confirm {
        message: "Resolve 12 issues?".into(),
        then: ConfirmThen::Change(Box::new(then)),
    }));
    snapshot("confirm", &confirm);
    let mut toast = base();
    toast.toast(ToastLevel::Error, "resolve failed: server error (500): database is locked", now());
    snapshot("toast", &toast);
}

pub(super) fn opened(section: crate::tui::detail::Section, event: Option<crate::api::models::Event>) -> State {
    let mut state = state_with(issues());
    let mut detail = crate::tui::detail::Detail::new("1".into());
    detail.pick = Some(crate::tui::detail::EventPick::Recommended);
    detail.section = section;
    detail.event = match event {
        Some(event) => {
            detail.set_json(&event);
            detail.position = Some(3);
            Load::Ready(event)
        }
        None => Load::Loading { since: now() },
    };
    state.detail = Some(detail);
    state
}

#[test]
fn opened_issue_sections() {
    use crate::tui::detail::Section;
    use crate::tui::fixtures::event;
    let event = || Some(event("9ec79c33ec9942ab8353589fcb2e04dc", Some("a"), None));
    snapshot("detail_loading", &opened(Section::Stack, None));
    snapshot("detail_stack", &opened(Section::Stack, event()));
    snapshot("detail_breadcrumbs", &opened(Section::Breadcrumbs, event()));
    snapshot("detail_request", &opened(Section::Request, event()));
    snapshot("detail_context", &opened(Section::Context, event()));
    let mut tags = opened(Section::Tags, event());
    if let Some(detail) = tags.detail.as_mut() {
        detail.tags = Load::Ready(crate::tui::fixtures::issue_tags());
        detail.tag_cursor = 1;
    }
    snapshot("detail_tags", &tags);
    let mut activity = opened(Section::Activity, event());
    if let Some(detail) = activity.detail.as_mut() {
        detail.activity = Load::Ready(vec![crate::tui::fixtures::note("rolled back the deploy; watching\u{1b}[2J")]);
    }
    snapshot("detail_activity", &activity);
    let mut all = opened(Section::Stack, event());
    if let Some(detail) = all.detail.as_mut() {
        detail.all_frames = true;
        detail.frame = 1;
    }
    snapshot("detail_all_frames", &all);
    let mut failed = opened(Section::Stack, None);
    if let Some(detail) = failed.detail.as_mut() {
        detail.event = Load::Failed(Failure {
            message: "not found (404): the organization, project or issue is gone".into(),
            at: now(),
        });
    }
    snapshot("detail_failed", &failed);
    let mut json = opened(Section::Json, event());
    crate::tui::update::detail::find(&mut json, "signup".into(), now());
    snapshot("detail_json_find", &json);
    let mut raw = opened(Section::Stack, event());
    if let Some(detail) = raw.detail.as_mut() {
        detail.raw_trace = true;
    }
    snapshot("detail_raw_trace", &raw);
    let mapped = || Some(crate::tui::fixtures::js_event("0f3a"));
    let mut source = opened(Section::Stack, mapped());
    if let Some(detail) = source.detail.as_mut() {
        detail.frame = 1;
    }
    snapshot("detail_source_mapped", &source);
    if let Some(detail) = source.detail.as_mut() {
        detail.minified = true;
        detail.frame = 0;
    }
    snapshot("detail_minified_frames", &source);
    let mut crumbs = opened(Section::Breadcrumbs, event());
    if let Some(detail) = crumbs.detail.as_mut() {
        detail.crumbs.min_level = 2;
        detail.absolute_time = true;
    }
    snapshot("detail_breadcrumbs_filtered", &crumbs);
    insta::assert_snapshot!("detail_split_180x40", text(&opened(Section::Stack, event()), 180, 40));
    assert!(
        !text(&opened(Section::Stack, event()), 120, 40).contains('\u{1b}'),
        "escape sequences never reach the screen"
    );
}

#[test]
fn key_cells_use_their_theme_roles_in_every_theme() {
    let mut state = state_with(issues());
    state.list.cursor = 1;
    if let Some(data) = state.list.data.ready_mut() {
        data.rows.truncate(3);
    }
    state.toast(ToastLevel::Error, "boom", now());
    for name in Theme::names_builtin() {
        for depth in ColorDepth::ALL {
            let theme = Theme::load(name, None, depth).unwrap();
            let terminal = terminal(&state, 120, 40, &theme);
            let buffer = terminal.backend().buffer();
            // Row 3 is the first issue (not selected): its level letter is an error.
            let reset = |c: Option<ratatui::style::Color>| c.unwrap_or(ratatui::style::Color::Reset);
            let level = buffer[(2, 3)].style();
            assert_eq!(reset(level.fg), reset(theme.style(Role::LevelError).fg), "{name} {depth:?}: level colour");
            // Row 4 holds the cursor: the title cell carries the selection style.
            let selected = buffer[(30, 4)].style();
            let expected = theme.style(Role::Selection);
            assert_eq!(
                (reset(selected.fg), reset(selected.bg)),
                (reset(expected.fg), reset(expected.bg)),
                "{name} {depth:?}: selection"
            );
            assert!(expected.add_modifier.is_empty() || selected.add_modifier.contains(expected.add_modifier));
            // The error message takes the key-hint line.
            let toast = buffer[(1, 38)].style();
            assert_eq!(reset(toast.bg), reset(theme.style(Role::ToastError).bg), "{name} {depth:?}: toast");
        }
    }
}

/// The opened issue on an event a real SDK sent (recorded in `tests/fixtures/sdk`, run through
/// sift's ingest and Web API code), in `section`.
fn opened_sdk(client: &str, title: &str, section: crate::tui::detail::Section) -> State {
    let event = crate::tui::sdk_events::event(client, title);
    let mut issue = crate::tui::fixtures::issue(1, &event.title, "new", 6);
    issue.culprit = event.culprit.clone();
    issue.platform = event.platform.clone();
    let mut state = opened(section, Some(event));
    if let Some(data) = state.list.data.ready_mut() {
        data.rows[0].issue = issue;
    }
    state
}

#[test]
fn sections_of_events_from_the_real_sdks() {
    use crate::tui::detail::Section;
    // (client, title, the name in the snapshot): an ordinary error with breadcrumbs and a
    // user, a request, and a chained error.
    let events = [
        ("python", "invalid order 1002", "error"),
        ("python", "AuthError", "request"),
        ("python", "PaymentError", "chain"),
        ("node", "invalid order 1002", "error"),
        ("node", "AuthError", "request"),
        ("node", "PaymentError", "chain"),
        ("rust", "PaymentError", "error"),
        ("rust", "api key rejected", "request"),
        ("rust", "panic: billing", "chain"),
    ];
    for (client, title, name) in events {
        let sections: &[Section] = match name {
            "error" => &[Section::Stack, Section::Breadcrumbs, Section::Context, Section::Json],
            "request" => &[Section::Request, Section::Stack],
            _ => &[Section::Stack],
        };
        for section in sections {
            let state = opened_sdk(client, title, *section);
            snapshot(&format!("sdk_{client}_{name}_{}", section.label().to_lowercase()), &state);
            assert!(!text(&state, 120, 40).contains('\u{1b}'));
        }
        let mut raw = opened_sdk(client, title, Section::Stack);
        if let Some(detail) = raw.detail.as_mut() {
            detail.raw_trace = true;
        }
        snapshot(&format!("sdk_{client}_{name}_text"), &raw);
    }
}

#[test]
fn the_standup_screen() {
    let mut state = state_with(issues());
    state.screen = Some(crate::tui::screen::Screen::Standup(crate::tui::standup::Standup::default()));
    if let Some(standup) = state.standup_mut() {
        standup.digest = Load::Loading { since: now() };
    }
    snapshot("standup_loading", &state);
    if let Some(standup) = state.standup_mut() {
        standup.digest = Load::Failed(Failure { message: "server error (502): bad gateway".into(), at: now() });
    }
    snapshot("standup_failed", &state);
    if let Some(standup) = state.standup_mut() {
        // The cursor on the hostile title, which is drawn with its escapes as pictures.
        standup.digest = Load::Ready(crate::report::tests::fixtures::digest());
        standup.cursor = 1;
    }
    snapshot("standup", &state);
    let screen = text(&state, 120, 40);
    assert!(!screen.contains('\u{1b}') && screen.contains("▸ API-7"), "{screen}");
}

#[test]
fn a_read_only_console_says_so_and_offers_no_changes() {
    let mut state = state_with(issues());
    state.readonly = true;
    snapshot("readonly", &state);
    let screen = text(&state, 120, 40);
    assert!(screen.contains("READ-ONLY") && !screen.contains(" r resolve"), "{screen}");
    state.overlay = Some(Overlay::Help(Default::default()));
    let help = text(&state, 120, 40);
    assert!(help.contains("Open the selected issue") && !help.contains("Resolve in the next release"), "{help}");
    assert!(!help.contains("Set the priority") && !help.contains("Undo"), "{help}");
}

/// An event as the Web API serves it, with every field the console draws made of hostile text
/// and, now and then, of the wrong type.
fn arbitrary_event() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use crate::test_support::{hostile_text, json_value, or_junk};
    use proptest::prelude::*;
    use serde_json::{Value, json};
    let text = || or_junk(hostile_text().prop_map(Value::String));
    let frame = (text(), text(), any::<u16>(), any::<bool>(), text(), json_value()).prop_map(
        |(file, function, line, in_app, code, vars)| {
            json!({ "filename": file, "function": function, "lineNo": line, "inApp": in_app,
                    "context": [[line, code], [line.saturating_add(1), "next"]], "vars": vars })
        },
    );
    let exception = (text(), text(), prop::collection::vec(frame, 0..5))
        .prop_map(|(ty, value, frames)| json!({ "type": ty, "value": value, "stacktrace": { "frames": frames } }));
    let crumb = (text(), text(), text(), json_value())
        .prop_map(|(category, message, level, data)| json!({ "category": category, "message": message, "level": level, "data": data }));
    let entries = (
        prop::collection::vec(exception, 0..3),
        prop::collection::vec(crumb, 0..6),
        (text(), text(), prop::collection::vec((hostile_text(), hostile_text()), 0..4), json_value()),
        text(),
    )
        .prop_map(|(exceptions, crumbs, (url, method, headers, data), message)| {
            json!([
                { "type": "exception", "data": { "values": exceptions } },
                { "type": "breadcrumbs", "data": { "values": crumbs } },
                { "type": "request", "data": { "url": url, "method": method, "headers": headers, "data": data } },
                { "type": "message", "data": { "formatted": message } }
            ])
        });
    (text(), entries, prop::collection::vec((hostile_text(), hostile_text()), 0..4), json_value(), json_value())
        .prop_map(|(title, entries, tags, contexts, user)| {
            let tags: Vec<Value> = tags.into_iter().map(|(k, v)| json!({ "key": k, "value": v })).collect();
            json!({ "id": "e1", "eventID": "e1", "title": title, "platform": "python", "entries": entries,
                    "tags": tags, "contexts": contexts, "user": user, "dateCreated": "2026-11-22T11:53:00Z" })
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// The same code the `render` fuzz target drives: any event, in every section, at both
    /// sizes, draws without panicking, and nothing it draws is a control character or a
    /// bidi or zero-width character.
    #[test]
    fn any_event_draws_in_every_section_without_control_characters(json in arbitrary_event()) {
        use crate::tui::detail::Section;
        let Ok(event) = crate::api::models::Event::from_json(json) else { return Ok(()) };
        for section in Section::ALL {
            let state = opened(section, Some(event.clone()));
            for (width, height) in [(80, 24), (120, 40)] {
                let screen = text(&state, width, height);
                let bad = screen.chars().find(|c| {
                    (c.is_control() && *c != '\n')
                        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                });
                proptest::prop_assert!(bad.is_none(), "{section:?} {width}x{height}: {bad:?} in\n{screen}");
            }
        }
    }
}

#[path = "alerts_tests.rs"]
mod alerts;
mod complete;
mod performance;
mod trust;
