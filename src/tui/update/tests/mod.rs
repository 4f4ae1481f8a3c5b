//! Reducer tests: keys and answers in, state and effects out, with a fixed clock.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{act, first_load, update};
use crate::api::{AssignTarget, Error, IssueStatus, IssueUpdate, Priority, Substatus, Support};
use crate::tui::action::Action;
use crate::tui::fixtures::{ctx, issues, now, page, state_with};
use crate::tui::keymap::Keymap;
use crate::tui::msg::{Catalog, Effect, Msg};
use crate::tui::overlay::Overlay;
use crate::tui::state::{Load, State, Tab, ToastLevel};

/// Feeds keys written like `jjr`, `<esc>`, `<enter>`, `<c-a>`, `<tab>`.
fn keys(state: &mut State, keymap: &Keymap, spec: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    let mut rest = spec;
    while let Some(c) = rest.chars().next() {
        let (event, len) = if c == '<' {
            let end = rest.find('>').expect("closing >");
            let name = &rest[1..end];
            let event = match name {
                "esc" => KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
                "enter" => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
                "tab" => KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
                "backtab" => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
                "up" => KeyEvent::new(KeyCode::Up, KeyModifiers::NONE),
                "left" => KeyEvent::new(KeyCode::Left, KeyModifiers::NONE),
                "right" => KeyEvent::new(KeyCode::Right, KeyModifiers::NONE),
                "bs" => KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
                ctrl if ctrl.starts_with("c-") => {
                    KeyEvent::new(KeyCode::Char(ctrl.chars().nth(2).unwrap()), KeyModifiers::CONTROL)
                }
                other => panic!("unknown key <{other}>"),
            };
            (event, end + 1)
        } else {
            let modifiers = if c.is_ascii_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
            (KeyEvent::new(KeyCode::Char(c), modifiers), c.len_utf8())
        };
        effects.extend(update(state, Msg::Key(event), &ctx(keymap)));
        rest = &rest[len..];
    }
    effects
}

/// What every effect matching `pattern` carries, in order:
/// `picked!(effects, Effect::AddComment { req, .. } => *req)`.
macro_rules! picked {
    ($effects:expr, $pattern:pat => $out:expr) => {
        $effects
            .iter()
            .filter_map(|e| match e {
                $pattern => Some($out),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
}

fn updates(effects: &[Effect]) -> Vec<(Vec<String>, IssueUpdate)> {
    picked!(effects, Effect::UpdateIssues { ids, update, .. } => (ids.clone(), update.clone()))
}

fn req_of(effects: &[Effect]) -> u64 {
    let reqs = picked!(effects, Effect::UpdateIssues { req, .. } | Effect::FetchIssues { req, .. } => *req);
    *reqs.first().expect("a request")
}

fn status(state: &State, index: usize) -> Option<IssueStatus> {
    state.list.rows()[index].issue.status.clone()
}

#[test]
fn first_load_asks_for_issues_and_the_catalogue() {
    let keymap = Keymap::defaults();
    let mut state = State::default();
    let effects = first_load(&mut state, now());
    assert!(matches!(state.list.data, Load::Loading { .. }));
    assert!(
        matches!(&effects[0], Effect::FetchIssues { params, append: false, .. } if params.query.as_deref() == Some("is:unresolved"))
    );
    assert!(effects.contains(&Effect::FetchCatalog));
    let req = req_of(&effects);
    update(&mut state, Msg::IssuesLoaded { req, result: Ok(page(issues(), Some("0:100:0"))) }, &ctx(&keymap));
    assert_eq!(state.list.rows().len(), 5);
    assert_eq!(state.caps.priority, Support::Supported);
}

#[test]
fn stale_answers_are_dropped() {
    let keymap = Keymap::defaults();
    let mut state = State::default();
    let old = req_of(&first_load(&mut state, now()));
    let new = req_of(&act(&mut state, Action::NextTab, &ctx(&keymap)));
    update(&mut state, Msg::IssuesLoaded { req: old, result: Ok(page(issues(), None)) }, &ctx(&keymap));
    assert!(matches!(state.list.data, Load::Loading { .. }), "the old tab's answer must not show");
    update(&mut state, Msg::IssuesLoaded { req: new, result: Ok(page(issues()[..2].to_vec(), None)) }, &ctx(&keymap));
    assert_eq!(state.list.rows().len(), 2);
}

#[test]
fn moving_and_loading_more_near_the_end() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.list.data.ready_mut().unwrap().next_cursor = Some("0:100:0".into());
    let effects = keys(&mut state, &keymap, "j");
    assert_eq!(state.list.cursor, 1);
    assert!(
        matches!(&effects[..], [Effect::FetchIssues { append: true, params, .. }] if params.cursor.as_deref() == Some("0:100:0"))
    );
    keys(&mut state, &keymap, "G");
    assert_eq!(state.list.cursor, 4);
    keys(&mut state, &keymap, "gk");
    assert_eq!(state.list.cursor, 0);
}

#[test]
fn resolve_is_optimistic_and_rolls_back_on_failure() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = keys(&mut state, &keymap, "r");
    assert_eq!(updates(&effects), vec![(vec!["1".to_string()], IssueUpdate::resolve())]);
    assert_eq!(status(&state, 0), Some(IssueStatus::Resolved));
    assert!(state.list.rows()[0].pending.is_some());
    let req = req_of(&effects);
    let failure = Error::Server { status: 500, detail: "database is locked".into() };
    update(&mut state, Msg::IssuesUpdated { req, result: Err(failure) }, &ctx(&keymap));
    assert_eq!(status(&state, 0), Some(IssueStatus::Unresolved));
    assert!(state.list.rows()[0].pending.is_none());
    assert_eq!(state.toasts[0].level, ToastLevel::Error);
    assert!(state.toasts[0].text.starts_with("resolve failed"), "{}", state.toasts[0].text);
    assert!(state.undo.is_none());
}

#[test]
fn success_clears_pending_and_undo_reverses() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = keys(&mut state, &keymap, "jR");
    update(&mut state, Msg::IssuesUpdated { req: req_of(&effects), result: Ok(()) }, &ctx(&keymap));
    assert!(state.list.rows()[1].pending.is_none());
    assert_eq!(state.list.rows()[1].issue.status_details.in_next_release, Some(true));
    assert_eq!(state.toasts.last().unwrap().text, "resolved BACKEND-2 in the next release");
    let effects = keys(&mut state, &keymap, "gu");
    // Issue 2 was regressed: undo asks for exactly that back, and shows it at once.
    let back = IssueUpdate::unresolve().substatus(Substatus::Regressed);
    assert_eq!(updates(&effects), vec![(vec!["2".to_string()], back.clone())]);
    assert_eq!(status(&state, 1), Some(IssueStatus::Unresolved));
    assert_eq!(state.list.rows()[1].issue.substatus, Some(Substatus::Regressed));
    assert_eq!(state.list.rows()[1].issue.status_details, issues()[1].status_details);
    assert_eq!(state.list.cursor, 1, "the cursor is on the issue restored");
    let answered = update(&mut state, Msg::IssuesUpdated { req: req_of(&effects), result: Ok(()) }, &ctx(&keymap));
    assert_eq!(state.toasts.last().unwrap().text, "undid: resolve in the next release on BACKEND-2");
    assert!(
        matches!(&answered[..], [Effect::CheckRestored { update, wanted }] if *update == back && wanted[0].id == "2"),
        "{answered:?}"
    );
    let nothing = keys(&mut state, &keymap, "u");
    assert!(nothing.is_empty());
}

#[test]
fn selections_make_bulk_changes_and_big_ones_ask_first() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = keys(&mut state, &keymap, "xjjVb");
    let (ids, update) = &updates(&effects)[0];
    assert_eq!(ids, &["1", "2", "3"]);
    assert_eq!(update, &IssueUpdate::bookmark(true));
    assert!(state.list.marked.is_empty(), "the selection is consumed");

    let many: Vec<_> = (1..=12).map(|i| crate::tui::fixtures::issue(i, "x", "new", 1)).collect();
    let mut state = state_with(many);
    let asked = keys(&mut state, &keymap, "<c-a>r");
    assert!(asked.is_empty());
    assert!(matches!(&state.overlay, Some(Overlay::Confirm(c)) if c.message == "Resolve 12 issues?"));
    let confirmed = keys(&mut state, &keymap, "y");
    assert_eq!(updates(&confirmed)[0].0.len(), 12);
    let mut state = state_with((1..=12).map(|i| crate::tui::fixtures::issue(i, "x", "new", 1)).collect());
    let declined = keys(&mut state, &keymap, "<c-a>rn");
    assert!(declined.is_empty() && state.overlay.is_none());
    assert_eq!(status(&state, 0), Some(IssueStatus::Unresolved));
}

#[test]
fn archive_menu_choices() {
    let keymap = Keymap::defaults();
    let cases: [(&str, IssueUpdate); 5] = [
        ("ie", IssueUpdate::archive_until_escalating()),
        ("if", IssueUpdate::archive_forever()),
        ("i2", IssueUpdate::ignore_for(60)),
        ("in100 per 60<enter>", IssueUpdate::ignore_until_count(100, Some(60))),
        ("iu5<enter>", IssueUpdate::ignore_until_user_count(5, None)),
    ];
    for (spec, expected) in cases {
        let mut state = state_with(issues());
        let effects = keys(&mut state, &keymap, spec);
        assert_eq!(updates(&effects), vec![(vec!["1".to_string()], expected)], "{spec}");
        assert_eq!(status(&state, 0), Some(IssueStatus::Ignored), "{spec}");
    }
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "inlots<enter>");
    assert!(
        matches!(&state.overlay, Some(Overlay::Prompt(p)) if p.error.as_deref().is_some_and(|e| e.contains("not a count")))
    );
}

#[test]
fn priority_assign_bookmark_review_copy_and_open() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = keys(&mut state, &keymap, "pl");
    assert_eq!(updates(&effects)[0].1, IssueUpdate::set_priority(Priority::Low));
    assert_eq!(state.list.rows()[0].issue.priority, Some(Priority::Low));
    let effects = keys(&mut state, &keymap, "a<enter>");
    assert_eq!(updates(&effects)[0].1, IssueUpdate::assign(AssignTarget::User("1".into())), "me comes first");
    let effects = keys(&mut state, &keymap, "agarc<enter>");
    assert_eq!(updates(&effects)[0].1, IssueUpdate::assign(AssignTarget::User("7".into())));
    let assignee = state.list.rows()[0].issue.assigned_to.clone().unwrap();
    assert_eq!(assignee.display_name(), "Ana García", "the name shows at once, not the id");
    // Without a member list, a name no one seen matches goes to the server as typed.
    let effects = keys(&mut state, &keymap, "ajane@example.com<enter>");
    assert_eq!(updates(&effects)[0].1, IssueUpdate::assign(AssignTarget::Name("jane@example.com".into())));
    let effects = keys(&mut state, &keymap, "aunass<enter>");
    assert_eq!(updates(&effects)[0].1, IssueUpdate::unassign());
    let effects = keys(&mut state, &keymap, "A");
    assert_eq!(updates(&effects)[0].1, IssueUpdate::assign(AssignTarget::User("1".into())));
    let effects = keys(&mut state, &keymap, "v");
    assert_eq!(updates(&effects)[0].1, IssueUpdate::mark_reviewed());
    assert_eq!(keys(&mut state, &keymap, "Y"), vec![Effect::Copy("BACKEND-1".into())]);
    assert!(matches!(&keys(&mut state, &keymap, "ym")[..], [Effect::Copy(md)] if md.starts_with("**[BACKEND-1](http")));
    assert!(matches!(&keys(&mut state, &keymap, "yd")[..], [Effect::Copy(dsn)] if dsn.ends_with("@127.0.0.1:9000/1")));
    assert_eq!(
        keys(&mut state, &keymap, "o"),
        vec![Effect::OpenUrl("http://127.0.0.1:9000/organizations/local/issues/1/".into())]
    );
}

#[test]
fn no_priority_actions_on_servers_without_priority() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.caps.priority = Support::Unsupported;
    assert!(keys(&mut state, &keymap, "p").is_empty());
    assert!(state.overlay.is_none());
    assert!(state.toasts[0].text.contains("no issue priority"));
    keys(&mut state, &keymap, "ssss");
    assert_eq!(state.list.sort, crate::tui::state::SortKey::LastSeen, "the sort cycle skips priority");
}

#[test]
fn search_tabs_sort_and_filters_reload() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "/is:<enter>");
    assert!(
        matches!(&state.overlay, Some(Overlay::Prompt(p)) if p.error.as_deref().is_some_and(|e| e.starts_with("Error parsing search query")))
    );
    let effects = keys(&mut state, &keymap, "<c-u>level:error<enter>");
    assert!(
        matches!(&effects[..], [Effect::FetchIssues { params, .. }] if params.query.as_deref() == Some("is:unresolved level:error"))
    );
    assert_eq!(state.search_history, vec!["level:error".to_string()]);
    keys(&mut state, &keymap, "/<c-u><up><enter>");
    assert_eq!(state.list.query, "level:error");
    let effects = keys(&mut state, &keymap, "<tab>");
    assert_eq!(state.list.tab, Tab::ForReview);
    assert!(
        matches!(&effects[..], [Effect::FetchIssues { params, .. }] if params.query.as_deref() == Some("is:for_review level:error"))
    );
    let effects = keys(&mut state, &keymap, "s");
    assert!(
        matches!(&effects[..], [Effect::FetchIssues { params, .. }] if params.sort == Some(crate::api::IssueSort::New))
    );
    let effects = keys(&mut state, &keymap, "e2");
    assert!(
        matches!(&effects[..], [Effect::FetchCatalog, Effect::FetchIssues { params, .. }] if params.environments == ["staging"])
    );
    keys(&mut state, &keymap, "e");
    assert!(
        matches!(&state.overlay, Some(Overlay::Menu(m)) if m.selected == 2),
        "the picker opens on the current value"
    );
    let catalog = Catalog {
        environments: vec!["canary".into(), "production".into(), "staging".into()],
        projects: vec![(1, "backend".into()), (2, "web".into())],
        me: None,
        members: Vec::new(),
    };
    update(&mut state, Msg::CatalogLoaded { result: Ok(catalog) }, &ctx(&keymap));
    assert!(matches!(&state.overlay, Some(Overlay::Menu(m)) if m.items.len() == 4 && m.selected == 3));
    keys(&mut state, &keymap, "<esc>");
    let effects = keys(&mut state, &keymap, "P2");
    assert!(
        matches!(&effects[..], [Effect::FetchCatalog, Effect::FetchIssues { params, .. }] if params.projects == [2])
    );
}

#[test]
fn polling_refreshes_marks_changes_and_alerts() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    // A remote tracker keeps no firing log: the console rings for new or regressed issues itself.
    state.source.dsn = None;
    state.alerts.bell = true;
    assert!(update(&mut state, Msg::Tick, &ctx(&keymap)).is_empty(), "not due yet");
    let later = crate::tui::update::Ctx { now: now() + chrono::Duration::seconds(16), keymap: &keymap };
    let effects = update(&mut state, Msg::Tick, &later);
    let req = req_of(&effects);
    let mut fresh = issues();
    fresh[2].count += 5;
    fresh[4].substatus = Some(Substatus::Regressed);
    fresh.push(crate::tui::fixtures::issue(9, "NewError: brand new", "new", 1));
    keys(&mut state, &keymap, "jj");
    let effects = update(&mut state, Msg::IssuesLoaded { req, result: Ok(page(fresh, None)) }, &later);
    let changed: Vec<bool> = state.list.rows().iter().map(|r| r.changed).collect();
    assert_eq!(changed, [false, false, true, false, true, true]);
    assert_eq!(effects, vec![Effect::Bell]);
    assert_eq!(state.list.current().unwrap().issue.id, "3", "the cursor stays on its issue");
}

#[test]
fn failures_back_off_keep_rows_and_recover() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let refresh = req_of(&keys(&mut state, &keymap, "<c-r>"));
    let limited = Error::RateLimited { retry_after: Duration::from_secs(120) };
    update(&mut state, Msg::IssuesLoaded { req: refresh, result: Err(limited) }, &ctx(&keymap));
    assert_eq!(state.list.rows().len(), 5, "rows stay while the server refuses");
    assert_eq!(state.poll.next_due, now() + chrono::Duration::seconds(120));
    assert!(state.poll.last_error.as_deref().unwrap().contains("429"));
    let again = req_of(&keys(&mut state, &keymap, "<c-r>"));
    update(
        &mut state,
        Msg::IssuesLoaded { req: again, result: Err(Error::Unauthorized { detail: "Invalid token".into() }) },
        &ctx(&keymap),
    );
    assert!(state.poll.last_error.as_deref().unwrap().contains("401"));
    assert_eq!(state.poll.failures, 2);
    let third = req_of(&keys(&mut state, &keymap, "<c-r>"));
    update(&mut state, Msg::IssuesLoaded { req: third, result: Ok(page(issues(), None)) }, &ctx(&keymap));
    assert!(state.poll.last_error.is_none() && state.poll.failures == 0);

    let mut fresh = State::default();
    let req = req_of(&first_load(&mut fresh, now()));
    update(&mut fresh, Msg::IssuesLoaded { req, result: Err(Error::Timeout) }, &ctx(&keymap));
    assert!(matches!(&fresh.list.data, Load::Failed(f) if f.message.contains("did not answer")));
    assert!(fresh.poll.next_due > now());
}

#[test]
fn overlays_and_quit() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "?");
    assert_eq!(state.overlay, Some(Overlay::Help(Default::default())));
    keys(&mut state, &keymap, "<esc>:resolve<enter>");
    assert_eq!(status(&state, 0), Some(IssueStatus::Resolved), "the palette runs actions by name");
    keys(&mut state, &keymap, "<enter>");
    // The cursor stayed on the resolved issue, which is the one opened.
    assert_eq!(state.detail.as_ref().map(|d| d.issue_id.as_str()), Some("1"));
    keys(&mut state, &keymap, "q");
    assert!(state.detail.is_none(), "q in the opened issue goes back, like esc");
    assert!(keys(&mut state, &keymap, "q").is_empty(), "the resolve is still in flight");
    assert!(
        matches!(&state.overlay, Some(Overlay::Confirm(c)) if c.message == "1 change is still being saved. Quit anyway?")
    );
    keys(&mut state, &keymap, "n");
    assert!(!state.quit && state.overlay.is_none());
    let req = *state.inflight.keys().next().unwrap();
    update(&mut state, Msg::IssuesUpdated { req, result: Ok(()) }, &ctx(&keymap));
    assert_eq!(keys(&mut state, &keymap, "q"), vec![Effect::Quit], "nothing pending: no question");
    assert!(state.quit);
}

#[test]
fn catalogue_fills_pickers() {
    let keymap = Keymap::defaults();
    let mut state = State::default();
    let catalog = Catalog {
        environments: vec!["prod".into()],
        projects: vec![(3, "api".into())],
        me: Some(("5".into(), "Kim".into())),
        members: Vec::new(),
    };
    update(&mut state, Msg::CatalogLoaded { result: Ok(catalog) }, &ctx(&keymap));
    assert_eq!(state.me, Some(("5".into(), "Kim".into())));
    assert_eq!(state.people, vec![("5".to_string(), "Kim".to_string())]);
    assert_eq!(state.projects, vec![(3, "api".to_string())]);
}

#[test]
fn unresolve_and_pausing_polls() {
    let keymap = Keymap::defaults();
    let mut archived = crate::tui::fixtures::issue(8, "x", "archived_forever", 1);
    archived.status = Some(IssueStatus::Ignored);
    let mut state = state_with(vec![archived]);
    let effects = keys(&mut state, &keymap, "U");
    assert_eq!(updates(&effects), vec![(vec!["8".to_string()], IssueUpdate::unresolve())]);
    assert_eq!(status(&state, 0), Some(IssueStatus::Unresolved));
    keys(&mut state, &keymap, "<c-p>");
    assert!(state.poll.paused);
    let later = crate::tui::update::Ctx { now: now() + chrono::Duration::seconds(60), keymap: &keymap };
    assert!(update(&mut state, Msg::Tick, &later).is_empty(), "no polling while paused");
    let resumed = keys(&mut state, &keymap, "<c-p>");
    assert!(matches!(&resumed[..], [Effect::FetchIssues { .. }]), "resuming polls at once");
}

fn fetched_event(effects: &[Effect]) -> Vec<(Option<u64>, crate::tui::detail::EventPick)> {
    picked!(effects, Effect::FetchEvent { req, pick, .. } => (*req, pick.clone()))
}

/// A console with issue 1 opened on the fixture event `b`, and the effects of that answer.
fn opened_issue() -> (Keymap, State, Vec<Effect>) {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = opened_on(&mut state, &keymap, crate::tui::fixtures::event("b", None, None));
    (keymap, state, effects)
}

/// Opens issue 1 on `event` (answered at once).
fn opened_on(state: &mut State, keymap: &Keymap, event: crate::api::models::Event) -> Vec<Effect> {
    let req = fetched_event(&keys(state, keymap, "<enter>"))[0].0.unwrap();
    update(state, Msg::EventLoaded { req, result: Ok(event) }, &ctx(keymap))
}

#[test]
fn the_opened_issue_loads_steps_and_prefetches() {
    use crate::tui::detail::EventPick;
    use crate::tui::fixtures::event;
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = keys(&mut state, &keymap, "<enter>");
    let fetched = fetched_event(&effects);
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].1, EventPick::Recommended);
    let req = fetched[0].0.unwrap();
    // A stale answer (from an earlier request) is dropped.
    update(&mut state, Msg::EventLoaded { req: req + 100, result: Ok(event("b", None, None)) }, &ctx(&keymap));
    assert!(matches!(state.detail.as_ref().unwrap().event, Load::Loading { .. }));
    let effects =
        update(&mut state, Msg::EventLoaded { req, result: Ok(event("b", Some("a"), Some("c"))) }, &ctx(&keymap));
    let prefetches = fetched_event(&effects);
    assert_eq!(prefetches, vec![(None, EventPick::Id("a".into())), (None, EventPick::Id("c".into()))]);
    update(
        &mut state,
        Msg::EventPrefetched { issue_id: "1".into(), result: Ok(event("a", None, Some("b"))) },
        &ctx(&keymap),
    );
    // Older is already here: shown at once, no request.
    let effects = keys(&mut state, &keymap, "[");
    assert!(fetched_event(&effects).iter().all(|(req, _)| req.is_none()));
    assert_eq!(state.detail.as_ref().unwrap().event.ready().unwrap().event_id, "a");
    // Newer than b (c) was not prefetched yet: it is asked for.
    keys(&mut state, &keymap, "]");
    let effects = keys(&mut state, &keymap, "]");
    assert_eq!(fetched_event(&effects), vec![(Some(state.next_req), EventPick::Id("c".into()))]);
    let effects = keys(&mut state, &keymap, "L");
    assert_eq!(fetched_event(&effects)[0].1, EventPick::Latest);
}

#[test]
fn frames_sections_toggles_and_triage_in_the_opened_issue() {
    use crate::tui::detail::{Section, shown_frames};
    let (keymap, mut state, _) = opened_issue();
    let detail = state.detail.as_ref().unwrap();
    let frames = shown_frames(detail.event.ready().unwrap(), true, false, false);
    let names: Vec<_> = frames.iter().map(|f| f.function.clone().unwrap()).collect();
    assert_eq!(names, ["handle", "signup", "clean"], "in-app only, raised exception first, crashing frame first");
    keys(&mut state, &keymap, "jjjj");
    assert_eq!(state.detail.as_ref().unwrap().frame, 2, "the frame cursor stops at the last frame");
    keys(&mut state, &keymap, "f");
    let detail = state.detail.as_ref().unwrap();
    assert_eq!(shown_frames(detail.event.ready().unwrap(), detail.newest_first, detail.all_frames, false).len(), 5);
    keys(&mut state, &keymap, "F");
    assert!(!state.detail.as_ref().unwrap().newest_first);
    keys(&mut state, &keymap, "<tab><tab>");
    assert_eq!(state.detail.as_ref().unwrap().section, Section::Request);
    let effects = keys(&mut state, &keymap, "r");
    assert_eq!(updates(&effects), vec![(vec!["1".to_string()], IssueUpdate::resolve())]);
    assert_eq!(state.list.cursor, 0, "in the opened issue the cursor stays on it");
    keys(&mut state, &keymap, "<esc>");
    assert!(state.detail.is_none());
}

#[test]
fn the_selected_frame_is_highlighted_off_the_ui_thread() {
    let (keymap, mut state, effects) = opened_issue();
    let asked = picked!(effects, Effect::Highlight { key, language, lines } => (key.clone(), *language, lines.len()));
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].1, crate::highlight::Language::Python);
    assert_eq!(asked[0].2, 4);
    let lines = std::sync::Arc::new(vec![vec![(ratatui::style::Style::default(), "x".to_string())]]);
    update(&mut state, Msg::Highlighted { key: asked[0].0.clone(), lines }, &ctx(&keymap));
    assert!(state.detail.as_ref().unwrap().highlighted.contains_key(&asked[0].0));
    let effects = keys(&mut state, &keymap, "j");
    assert!(effects.iter().any(|e| matches!(e, Effect::Highlight { .. })), "the next frame is asked for");
    let effects = keys(&mut state, &keymap, "k");
    assert!(!effects.iter().any(|e| matches!(e, Effect::Highlight { .. })), "already highlighted frames are not");
}

#[test]
fn tag_distributions_filter_the_list() {
    use crate::tui::detail::Section;
    use crate::tui::fixtures::issue_tags;
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = keys(&mut state, &keymap, "<enter>");
    assert!(effects.iter().any(|e| matches!(e, Effect::FetchIssueTags { issue_id, .. } if issue_id == "1")));
    update(&mut state, Msg::IssueTagsLoaded { issue_id: "9".into(), result: Ok(issue_tags()) }, &ctx(&keymap));
    assert!(state.detail.as_ref().unwrap().tags.ready().is_none(), "tags of another issue are dropped");
    update(&mut state, Msg::IssueTagsLoaded { issue_id: "1".into(), result: Ok(issue_tags()) }, &ctx(&keymap));
    keys(&mut state, &keymap, "<tab><tab><tab>");
    assert_eq!(state.detail.as_ref().unwrap().section, Section::Tags);
    keys(&mut state, &keymap, "j");
    let effects = keys(&mut state, &keymap, "<enter>");
    assert!(state.detail.is_none());
    assert_eq!(state.list.query, "browser:\"Firefox 132\"");
    assert!(
        matches!(&effects[..], [Effect::FetchIssues { params, .. }] if params.query.as_deref() == Some("is:unresolved browser:\"Firefox 132\""))
    );
}

#[test]
fn activity_and_comments_in_the_opened_issue() {
    use crate::tui::detail::Section;
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = keys(&mut state, &keymap, "<enter>");
    assert!(effects.contains(&Effect::FetchActivity { issue_id: "1".into() }));
    let activity = vec![crate::tui::fixtures::note("looking into it")];
    update(&mut state, Msg::ActivityLoaded { issue_id: "1".into(), result: Ok(activity) }, &ctx(&keymap));
    assert_eq!(state.detail.as_ref().unwrap().activity.ready().unwrap().len(), 1);
    let effects = keys(&mut state, &keymap, "cfixed in #42<enter>");
    let req = match &effects[..] {
        [Effect::AddComment { req, issue_id, text }] if issue_id == "1" && text == "fixed in #42" => *req,
        other => panic!("{other:?}"),
    };
    let effects = update(&mut state, Msg::CommentAdded { req, result: Ok(()) }, &ctx(&keymap));
    assert_eq!(effects, vec![Effect::FetchActivity { issue_id: "1".into() }]);
    assert_eq!(state.detail.as_ref().unwrap().section, Section::Activity);
    let effects = keys(&mut state, &keymap, "cagain<enter>");
    let req = req_of_comment(&effects);
    update(&mut state, Msg::CommentAdded { req, result: Err(Error::Forbidden { detail: "no".into() }) }, &ctx(&keymap));
    assert!(state.toasts.last().unwrap().text.starts_with("comment failed"));
}

fn req_of_comment(effects: &[Effect]) -> u64 {
    *picked!(effects, Effect::AddComment { req, .. } => *req).first().expect("a comment request")
}

#[test]
fn remaining_list_actions() {
    let keymap = Keymap::defaults();
    let many: Vec<_> = (1..=60).map(|i| crate::tui::fixtures::issue(i, "x", "ongoing", 1)).collect();
    let mut state = state_with(many);
    state.page_rows = 20;
    keys(&mut state, &keymap, "<c-d>");
    assert_eq!((state.list.cursor, state.list.offset), (20, 1), "a page down, scrolled to keep the cursor in view");
    keys(&mut state, &keymap, "<c-u>");
    assert_eq!(state.list.cursor, 0);
    let effects = keys(&mut state, &keymap, "[");
    assert_eq!(state.list.tab, Tab::All, "the previous tab wraps around");
    assert!(matches!(&effects[..], [Effect::FetchIssues { params, .. }] if params.query.as_deref() == Some("")));
    let mut state = state_with(issues());
    let effects = keys(&mut state, &keymap, "t");
    assert!(
        matches!(&effects[..], [Effect::FetchIssues { params, .. }] if params.group_stats_period == Some(crate::api::GroupStatsPeriod::TwoWeeks))
    );
    let effects = keys(&mut state, &keymap, "<c-x>");
    assert_eq!(updates(&effects)[0].1, IssueUpdate::unassign());
    assert_eq!(keys(&mut state, &keymap, "<c-z>"), vec![Effect::Suspend]);
}

fn position_asked(effects: &[Effect]) -> Vec<(String, chrono::DateTime<chrono::Utc>)> {
    picked!(effects, Effect::FetchEventPosition { event_id, at, .. } => (event_id.clone(), *at))
}

#[test]
fn the_event_position_is_counted_once_then_followed_by_steps() {
    use crate::tui::fixtures::event;
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let shown = event("b", Some("a"), Some("c"));
    let at = shown.date_created.unwrap();
    let effects = opened_on(&mut state, &keymap, shown);
    assert_eq!(position_asked(&effects), vec![("b".to_string(), at)], "the recommended event's place is asked for");
    let answer = |event_id: &str, n| Msg::EventPositioned {
        issue_id: "1".into(),
        event_id: event_id.into(),
        result: Ok(Some(n)),
    };
    update(&mut state, answer("zzz", 99), &ctx(&keymap));
    assert_eq!(state.detail.as_ref().unwrap().position, None, "an answer for another event is dropped");
    update(&mut state, answer("b", 3), &ctx(&keymap));
    assert_eq!(state.detail.as_ref().unwrap().position, Some(3));
    update(
        &mut state,
        Msg::EventPrefetched { issue_id: "1".into(), result: Ok(event("a", None, Some("b"))) },
        &ctx(&keymap),
    );
    let effects = keys(&mut state, &keymap, "[");
    assert!(position_asked(&effects).is_empty(), "one step older is one less: nothing to ask");
    assert_eq!(state.detail.as_ref().unwrap().position, Some(2));
    let req = fetched_event(&keys(&mut state, &keymap, "O"))[0].0.unwrap();
    let effects = update(&mut state, Msg::EventLoaded { req, result: Ok(event("a", None, Some("b"))) }, &ctx(&keymap));
    assert!(position_asked(&effects).is_empty());
    assert_eq!(state.detail.as_ref().unwrap().position, Some(1), "the oldest is event 1");
    let req = fetched_event(&keys(&mut state, &keymap, "L"))[0].0.unwrap();
    update(&mut state, Msg::EventLoaded { req, result: Ok(event("z", Some("y"), None)) }, &ctx(&keymap));
    assert_eq!(state.detail.as_ref().unwrap().position, Some(1_204), "the latest is the issue's count");
}

#[test]
fn breadcrumbs_filter_by_level_category_and_text() {
    use crate::tui::detail::{Section, shown_breadcrumbs};
    let (keymap, mut state, _) = opened_issue();
    let shown = |state: &State| {
        let detail = state.detail.as_ref().unwrap();
        shown_breadcrumbs(detail.event.ready().unwrap(), &detail.crumbs)
            .iter()
            .map(|c| c.category.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    keys(&mut state, &keymap, "2");
    assert_eq!(state.detail.as_ref().unwrap().section, Section::Breadcrumbs);
    assert_eq!(shown(&state), ["app", "httplib", "navigation"], "newest first");
    keys(&mut state, &keymap, "ll");
    assert_eq!(shown(&state), ["app", "httplib"], "warning and worse");
    keys(&mut state, &keymap, "l");
    assert_eq!(shown(&state), ["app"], "error and worse");
    keys(&mut state, &keymap, "l");
    assert_eq!(shown(&state).len(), 3, "the fourth press shows every level again");
    keys(&mut state, &keymap, "C");
    assert_eq!(shown(&state), ["navigation"], "categories cycle in the order they happened");
    keys(&mut state, &keymap, "CCC");
    assert_eq!(shown(&state).len(), 3, "after the last category, all again");
    keys(&mut state, &keymap, "/");
    assert!(
        matches!(&state.overlay, Some(Overlay::Prompt(p)) if p.kind == crate::tui::overlay::PromptKind::FindCrumbs)
    );
    keys(&mut state, &keymap, "VERIFY<enter>");
    assert_eq!(shown(&state), ["httplib"], "text matches without regard to case");
    keys(&mut state, &keymap, "/<bs><bs><bs><bs><bs><bs><enter>");
    assert_eq!(shown(&state).len(), 3, "an empty find shows every breadcrumb");
    keys(&mut state, &keymap, "@");
    assert!(state.detail.as_ref().unwrap().absolute_time);
    // Outside the breadcrumbs and the JSON, `/` still searches the list.
    keys(&mut state, &keymap, "3/");
    assert!(matches!(&state.overlay, Some(Overlay::Prompt(p)) if p.kind == crate::tui::overlay::PromptKind::Search));
}

#[test]
fn json_finds_and_steps_through_matches() {
    use crate::tui::detail::{Section, json_matches};
    let (keymap, mut state, _) = opened_issue();
    keys(&mut state, &keymap, "7");
    let detail = state.detail.as_ref().unwrap();
    assert_eq!(detail.section, Section::Json);
    assert!(detail.json_lines.len() > 50, "the event is pretty-printed one member per line");
    keys(&mut state, &keymap, "n");
    assert!(state.toasts.last().unwrap().text.contains("nothing to find"));
    keys(&mut state, &keymap, "/signup<enter>");
    let detail = state.detail.as_ref().unwrap();
    let matches = json_matches(&detail.json_lines, "signup");
    assert!(matches.len() >= 2, "{matches:?}");
    assert_eq!(detail.json_match, 0);
    assert_eq!(detail.scroll(), matches[0] - 3, "the first match is in view with a little above it");
    keys(&mut state, &keymap, "n");
    assert_eq!(state.detail.as_ref().unwrap().json_match, 1);
    keys(&mut state, &keymap, "NN");
    assert_eq!(state.detail.as_ref().unwrap().json_match, matches.len() - 1, "previous wraps around");
    keys(&mut state, &keymap, "/no such text anywhere<enter>");
    assert!(state.toasts.last().unwrap().text.contains("no match"));
}

#[test]
fn sections_scroll_on_their_own_and_number_keys_reach_them() {
    use crate::tui::detail::Section;
    let (keymap, mut state, _) = opened_issue();
    keys(&mut state, &keymap, "3jjj");
    assert_eq!(state.detail.as_ref().unwrap().scroll(), 3);
    keys(&mut state, &keymap, "5");
    assert_eq!(state.detail.as_ref().unwrap().scroll(), 0, "Context has its own place");
    keys(&mut state, &keymap, "3");
    assert_eq!(state.detail.as_ref().unwrap().scroll(), 3, "Request kept its place");
    keys(&mut state, &keymap, "2jjjjjjjjjj");
    assert_eq!(state.detail.as_ref().unwrap().crumb, 2, "the breadcrumb cursor stops at the last one");
    for (key, section) in ["1", "2", "3", "4", "5", "6", "7"].iter().zip(Section::ALL) {
        keys(&mut state, &keymap, key);
        assert_eq!(state.detail.as_ref().unwrap().section, section);
    }
}

#[test]
fn the_plain_text_trace_reads_like_python_and_copies_clean() {
    let (keymap, mut state, _) = opened_issue();
    keys(&mut state, &keymap, "T");
    let detail = state.detail.as_ref().unwrap();
    assert!(detail.raw_trace);
    let text = crate::tui::detail::raw_traceback(detail.event.ready().unwrap());
    let expected_tail = "  File \"app/views.py\", line 12, in handle\n    raise ValueError(f\"bad input for field {email!r}\")\nValueError: bad input for field 'email'\n";
    assert!(
        text.starts_with("Traceback (most recent call last):\n  File \"django/core/handlers/base.py\", line 181"),
        "{text}"
    );
    assert!(text.contains("KeyError: 'email'\n\nThe above exception was the direct cause"), "{text}");
    assert!(text.ends_with(expected_tail), "{text}");
    keys(&mut state, &keymap, "jj");
    assert_eq!(state.detail.as_ref().unwrap().scroll(), 2, "the text scrolls instead of moving a frame");
    let effects = keys(&mut state, &keymap, "yt");
    let copied: Vec<&String> =
        effects.iter().filter_map(|e| if let Effect::Copy(t) = e { Some(t) } else { None }).collect();
    assert_eq!(copied.len(), 1);
    assert!(copied[0].starts_with("Traceback (most recent call last):"));
    assert!(!copied[0].chars().any(|c| c.is_control() && c != '\n'), "no control characters reach the clipboard");
    keys(&mut state, &keymap, "T");
    assert!(!state.detail.as_ref().unwrap().raw_trace);
}

mod alerts;
mod beside;
mod complete;
mod performance;
mod releases;
mod screens;
mod trust;
mod undo_cursor;

#[test]
fn m_swaps_a_source_mapped_stack_for_its_minified_frames() {
    use crate::tui::detail::{Section, frame_notice, shown_frames};
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    opened_on(&mut state, &keymap, crate::tui::fixtures::js_event("j"));
    let names = |state: &State| -> Vec<String> {
        let detail = state.detail.as_ref().unwrap();
        shown_frames(detail.event.ready().unwrap(), detail.newest_first, detail.all_frames, detail.minified)
            .iter()
            .map(|f| f.function.clone().unwrap_or_default())
            .collect()
    };
    assert_eq!(names(&state), ["priceOfLine", "globalThis.legacyEach", "basketTotal", "checkout"]);
    keys(&mut state, &keymap, "jjj7");
    assert_eq!(state.detail.as_ref().unwrap().section, Section::Json);
    keys(&mut state, &keymap, "m");
    let detail = state.detail.as_ref().unwrap();
    assert!(detail.minified);
    assert_eq!(detail.section, Section::Stack, "m shows the stack");
    assert_eq!(names(&state), ["u", "globalThis.legacyEach", "n", "a"]);
    assert_eq!(detail.frame, 3);
    // The vendored frame says why it stayed minified, in either view.
    let event = detail.event.ready().unwrap();
    let vendor = shown_frames(event, true, false, true)[1];
    assert_eq!(frame_notice(event, vendor), Some("no source map uploaded for this file"));
    assert_eq!(frame_notice(event, shown_frames(event, true, false, true)[0]), None);
    keys(&mut state, &keymap, "m");
    assert!(!state.detail.as_ref().unwrap().minified);
    assert_eq!(names(&state)[0], "priceOfLine");
    // An event without source maps has nothing to swap: the same frames either way.
    let (keymap, mut python, _) = opened_issue();
    let before = names(&python);
    keys(&mut python, &keymap, "m");
    assert_eq!(names(&python), before);
}
