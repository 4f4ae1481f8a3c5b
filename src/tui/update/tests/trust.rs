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
    let mut state = State::new(remote("https://sentry.example.com", "acme-typo"), Duration::from_secs(30), Default::default());
    let req = req_of(&first_load(&mut state, now()));
    let gone = Error::NotFound { detail: "The requested resource does not exist".into() };
    update(&mut state, Msg::IssuesLoaded { req, result: Err(gone) }, &ctx(&keymap));
    let Load::Failed(failure) = &state.list.data else { panic!("{:?}", state.list.data) };
    assert!(failure.message.starts_with("organization \"acme-typo\" not found at https://sentry.example.com (404)"), "{}", failure.message);
    assert!(state.poll.last_error.as_deref().unwrap().contains("acme-typo"));
}
