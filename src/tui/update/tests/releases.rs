//! Reducer tests of the releases screen: opening (from the list and from an issue), its keys,
//! paging, stale and failed answers, and opening a release's issues through the list and coming
//! back.

use super::*;
use crate::api::{Page, ReleaseInfo};
use crate::tui::fixtures::releases;

fn releases_req(effects: &[Effect]) -> (u64, crate::api::ReleaseListParams) {
    picked!(effects, Effect::FetchReleases { req, params } => (*req, params.clone())).pop().expect("a releases request")
}

fn answer(state: &mut State, keymap: &Keymap, req: u64, items: Vec<ReleaseInfo>, next: Option<&str>) {
    let page = Page { items, next_cursor: next.map(str::to_owned), prev_cursor: None, hits: None, max_hits: None };
    update(state, Msg::ReleasesLoaded { req, result: Ok(page) }, &ctx(keymap));
}

fn cursor_version(state: &State) -> String {
    let current = state.releases().and_then(|r| r.current()).expect("a row");
    format!("{}/{}", current.release.version, current.project.map_or("-", |p| p.slug.as_str()))
}

#[test]
fn the_screen_lists_releases_per_project_and_moves() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let (req, params) = releases_req(&keys(&mut state, &keymap, "H"));
    assert!(params.health && params.projects.is_empty());
    assert!(matches!(state.releases().map(|r| &r.data), Some(Load::Loading { .. })));
    answer(&mut state, &keymap, req, releases(), None);
    // backend@2.5.0 has two projects: a row for each.
    assert_eq!(state.releases().unwrap().rows().len(), 4);
    assert_eq!(cursor_version(&state), "backend@2.5.0/backend");
    keys(&mut state, &keymap, "j");
    assert_eq!(cursor_version(&state), "backend@2.5.0/web");
    keys(&mut state, &keymap, "G");
    assert!(cursor_version(&state).starts_with("nightly"));
    keys(&mut state, &keymap, "gj");
    assert_eq!(cursor_version(&state), "backend@2.5.0/web");
    keys(&mut state, &keymap, "t");
    assert_eq!(state.releases().unwrap().period.key(), "14d");
    // Keys for the list underneath do nothing here.
    let refused = keys(&mut state, &keymap, "r");
    assert!(updates(&refused).is_empty());
    // ctrl-r asks again; the older answer is dropped when it comes late.
    let (again, _) = releases_req(&keys(&mut state, &keymap, "<c-r>"));
    answer(&mut state, &keymap, req, Vec::new(), None);
    assert_eq!(state.releases().unwrap().rows().len(), 4, "a stale answer changes nothing");
    let failure = Error::Server { status: 502, detail: "bad gateway".into() };
    update(&mut state, Msg::ReleasesLoaded { req: again, result: Err(failure) }, &ctx(&keymap));
    assert_eq!(state.releases().unwrap().rows().len(), 4, "a failed refresh keeps the rows");
    assert!(state.toasts.iter().any(|t| t.text.starts_with("releases:")), "{:?}", state.toasts);
    // H or esc closes it.
    keys(&mut state, &keymap, "<esc>");
    assert!(state.screen.is_none());
}

#[test]
fn a_project_filter_shows_that_projects_rows_and_the_end_loads_more() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.list.project = Some((2, "web".into()));
    let (req, params) = releases_req(&keys(&mut state, &keymap, "H"));
    assert_eq!(params.projects, [2]);
    answer(&mut state, &keymap, req, releases(), Some("0:50:0"));
    let rows: Vec<String> = {
        let screen = state.releases().unwrap();
        screen.rows().iter().map(|r| r.project.map_or("-".into(), |p| p.slug.clone())).collect()
    };
    assert_eq!(rows, ["web", "-", "-"], "releases without the project keep a row of their own");
    let more = keys(&mut state, &keymap, "G");
    let (next, params) = releases_req(&more);
    assert_eq!(params.cursor.as_deref(), Some("0:50:0"));
    assert!(keys(&mut state, &keymap, "j").is_empty(), "one page at a time");
    answer(&mut state, &keymap, next, releases()[..1].to_vec(), None);
    assert_eq!(state.releases().unwrap().rows().len(), 4);
    let failed = Error::Server { status: 500, detail: "x".into() };
    let (req, _) = releases_req(&keys(&mut state, &keymap, "<c-r>"));
    update(&mut state, Msg::ReleasesLoaded { req, result: Err(failed) }, &ctx(&keymap));
    assert!(matches!(state.releases().map(|r| &r.data), Some(Load::Ready(_))));
}

#[test]
fn enter_shows_a_releases_new_issues_with_triage_and_esc_comes_back() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.list.query = "level:error".into();
    state.list.cursor = 3;
    let (req, _) = releases_req(&keys(&mut state, &keymap, "H"));
    answer(&mut state, &keymap, req, releases(), None);
    keys(&mut state, &keymap, "j");

    let effects = keys(&mut state, &keymap, "<enter>");
    let query = picked!(effects, Effect::FetchIssues { params, .. } => params.clone()).pop().expect("the list reloads");
    assert_eq!(query.query.as_deref(), Some("firstRelease:backend@2.5.0"));
    assert_eq!(query.projects, [2], "within the row's project");
    assert_eq!(state.list.tab, Tab::All);
    assert!(!state.screen_showing());
    assert!(state.toasts.iter().any(|t| t.text.contains("first seen in backend@2.5.0")));
    let req = req_of(&effects);
    update(&mut state, Msg::IssuesLoaded { req, result: Ok(page(issues()[..2].to_vec(), None)) }, &ctx(&keymap));
    // Every triage key works on the release's issues; an issue opens, and esc first closes it.
    let resolved = keys(&mut state, &keymap, "r");
    assert_eq!(updates(&resolved)[0].0, vec!["1".to_string()]);
    keys(&mut state, &keymap, "j<enter>");
    assert!(state.detail.is_some());
    keys(&mut state, &keymap, "<esc>");
    assert!(state.detail.is_none() && !state.screen_showing());
    let back = keys(&mut state, &keymap, "<esc>");
    assert!(state.screen_showing());
    let restored = picked!(back, Effect::FetchIssues { params, .. } => params.query.clone()).pop().flatten();
    assert_eq!(restored.as_deref(), Some("is:unresolved level:error"));
    assert_eq!((state.list.tab, state.list.cursor, state.list.project.as_ref()), (Tab::Unresolved, 3, None));
    releases_req(&back);

    // `a`: every issue seen in the release, quoted when the version needs it.
    keys(&mut state, &keymap, "G");
    let effects = keys(&mut state, &keymap, "a");
    let query = picked!(effects, Effect::FetchIssues { params, .. } => params.query.clone()).pop().flatten();
    let query = query.expect("a search");
    assert!(query.starts_with("release:nightly-2026-11-01-\u{1b}"), "{query:?}");
    assert!(crate::search::parse(&query).is_ok(), "the search parses: the server gets it as sent");
}

#[test]
fn from_an_issue_the_screen_opens_on_its_first_release() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "<enter>");
    let mut full = issues()[0].clone();
    full.first_release = Some(crate::api::models::Release { version: "backend@2.4.1".into(), ..Default::default() });
    update(&mut state, Msg::IssueLoaded { issue_id: "1".into(), result: Ok(Box::new(full)) }, &ctx(&keymap));
    let (req, _) = releases_req(&keys(&mut state, &keymap, "H"));
    answer(&mut state, &keymap, req, releases(), None);
    assert_eq!(cursor_version(&state), "backend@2.4.1/backend");
    // Closing the screen shows the issue again.
    keys(&mut state, &keymap, "H");
    assert!(state.screen.is_none() && state.detail.is_some());
    // `a` means nothing outside the screen, and the palette offers it only there.
    assert!(!crate::tui::update::palette_actions(&state, &keymap).contains(&Action::ReleaseAllIssues));
}
