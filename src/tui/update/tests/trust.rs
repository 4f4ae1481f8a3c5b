//! Reducer tests of the console a triager can trust: readable faults and their retries,
//! search that behaves as Sentry's, breadcrumbs with a cursor, zoom and sideways scrolling.

use super::*;
use crate::tui::state::Source;

fn remote(url: &str, org: &str) -> Source {
    Source { label: "profile work".into(), url: url.into(), org: org.into(), dsn: None }
}

#[test]
fn a_dead_remote_reads_as_one_line_and_is_retried_within_seconds_then_less_often() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.source = remote("http://127.0.0.1:9/", "acme");
    let chain = "error sending request for url (http://127.0.0.1:9/api/0/organizations/acme/issues/?query=is%3Aunresolved): \
                 client error (Connect): tcp connect error: Connection refused (os error 111)";
    let mut waits = Vec::new();
    for _ in 0..4 {
        let req = req_of(&keys(&mut state, &keymap, "<c-r>"));
        update(&mut state, Msg::IssuesLoaded { req, result: Err(Error::Network(chain.into())) }, &ctx(&keymap));
        waits.push((state.poll.next_due - now()).num_seconds());
    }
    assert_eq!(waits, [4, 8, 16, 32], "the first retry within seconds, then backing off");
    assert_eq!(
        state.poll.last_error.as_deref(),
        Some("cannot reach http://127.0.0.1:9/ (connection refused); retrying in 32s")
    );
    assert_eq!(state.list.rows().len(), 5, "the rows stay");
    // The wait never grows past five minutes.
    for _ in 0..10 {
        let req = req_of(&keys(&mut state, &keymap, "<c-r>"));
        update(&mut state, Msg::IssuesLoaded { req, result: Err(Error::Timeout) }, &ctx(&keymap));
    }
    assert_eq!((state.poll.next_due - now()).num_seconds(), 300);
    assert!(state.poll.last_error.as_deref().unwrap().starts_with("http://127.0.0.1:9/ did not answer in time"));
}

#[test]
fn a_404_on_the_list_names_the_organization() {
    let keymap = Keymap::defaults();
    let mut state =
        State::new(remote("https://sentry.example.com", "acme-typo"), Duration::from_secs(30), Default::default());
    let req = req_of(&first_load(&mut state, now()));
    let gone = Error::NotFound { detail: "The requested resource does not exist".into() };
    update(&mut state, Msg::IssuesLoaded { req, result: Err(gone) }, &ctx(&keymap));
    let Load::Failed(failure) = &state.list.data else { panic!("{:?}", state.list.data) };
    assert!(
        failure.message.starts_with("organization \"acme-typo\" not found at https://sentry.example.com (404)"),
        "{}",
        failure.message
    );
    assert!(state.poll.last_error.as_deref().unwrap().contains("acme-typo"));
}

#[test]
fn a_search_with_its_own_status_overrides_the_tab() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "/");
    let typed: String = "is:resolved level:error".into();
    for c in typed.chars() {
        update(&mut state, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)), &ctx(&keymap));
    }
    let effects = keys(&mut state, &keymap, "<enter>");
    assert_eq!(state.list.tab, Tab::Unresolved);
    assert!(
        matches!(&effects[..], [Effect::FetchIssues { params, .. }] if params.query.as_deref() == Some("is:resolved level:error")),
        "{effects:?}"
    );
    state.list.query = "is:assigned".into();
    assert_eq!(state.list.full_query(), "is:unresolved is:assigned", "is:assigned is no status");
}

#[test]
fn an_unknown_project_in_the_search_names_the_known_ones() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "/");
    for c in "project:nope".chars() {
        update(&mut state, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)), &ctx(&keymap));
    }
    let effects = keys(&mut state, &keymap, "<enter>");
    assert!(effects.is_empty(), "nothing is sent");
    let Some(Overlay::Prompt(prompt)) = &state.overlay else { panic!("{:?}", state.overlay) };
    assert_eq!(prompt.error.as_deref(), Some("no project \"nope\" (known: backend, web)"));
}

#[test]
fn an_environment_or_project_tag_value_becomes_the_filter() {
    use crate::tui::fixtures::issue_tags;
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "<enter>");
    update(&mut state, Msg::IssueTagsLoaded { issue_id: "1".into(), result: Ok(issue_tags()) }, &ctx(&keymap));
    // browser: 3 values, then environment: production.
    let effects = keys(&mut state, &keymap, "4jjj<enter>");
    assert_eq!(state.list.environment.as_deref(), Some("production"));
    assert_eq!(state.list.query, "", "the search stays as it was");
    assert!(matches!(&effects[..], [Effect::FetchIssues { params, .. }] if params.environments == ["production"]));
}

#[test]
fn breadcrumbs_have_a_cursor_and_open_to_their_data() {
    let (keymap, mut state, _) = opened_issue();
    keys(&mut state, &keymap, "2j");
    assert_eq!(state.detail.as_ref().unwrap().crumb, 1);
    keys(&mut state, &keymap, "<enter>");
    assert_eq!(state.detail.as_ref().unwrap().crumb_open, Some(1));
    keys(&mut state, &keymap, "<enter>");
    assert_eq!(state.detail.as_ref().unwrap().crumb_open, None, "enter again closes it");
    keys(&mut state, &keymap, "G<enter>");
    let detail = state.detail.as_ref().unwrap();
    assert_eq!((detail.crumb, detail.crumb_open), (2, Some(2)));
    keys(&mut state, &keymap, "l");
    let detail = state.detail.as_ref().unwrap();
    assert_eq!((detail.crumb, detail.crumb_open), (0, None), "a new filter starts at the top");
}

#[test]
fn zoom_and_sideways_scrolling() {
    let (keymap, mut state, _) = opened_issue();
    keys(&mut state, &keymap, "z");
    assert!(state.detail.as_ref().unwrap().zoomed);
    keys(&mut state, &keymap, "<right><right><left>");
    assert_eq!(state.detail.as_ref().unwrap().hscroll, crate::tui::detail::HSCROLL_STEP);
    keys(&mut state, &keymap, "<left><left>");
    assert_eq!(state.detail.as_ref().unwrap().hscroll, 0);
    keys(&mut state, &keymap, "z");
    assert!(!state.detail.as_ref().unwrap().zoomed);
}
