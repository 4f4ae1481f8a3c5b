//! Reducer tests of tab completion in the search prompt: the server's tag keys asked for when
//! the prompt opens, keys and values completed, candidates stepped through, values asked for
//! and completed when they come, failures said, stale answers dropped.

use super::*;
use crate::api::{TagKey, TagValue};
use crate::tui::complete::Wait;
use crate::tui::overlay::Prompt;

fn prompt(state: &State) -> &Prompt {
    match &state.overlay {
        Some(Overlay::Prompt(prompt)) => prompt,
        other => panic!("no prompt: {other:?}"),
    }
}

fn text(state: &State) -> &str {
    &prompt(state).input.text
}

fn tag(key: &str) -> TagKey {
    TagKey { key: key.into(), name: key.into(), unique_values: Some(2), ..TagKey::default() }
}

fn value(key: &str, text: &str, count: u64) -> TagValue {
    TagValue { key: key.into(), name: text.into(), value: Some(text.into()), count, ..TagValue::default() }
}

/// Opens the search prompt and answers its tag-key request with `keys`.
fn searching(keys_of_server: Vec<TagKey>) -> (Keymap, State) {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.list.project = Some((2, "shop-api".into()));
    let effects = keys(&mut state, &keymap, "/");
    let asked = picked!(effects, Effect::FetchTagKeys { req, projects, environments } => (*req, projects.clone(), environments.clone()));
    assert_eq!(asked.len(), 1, "{effects:?}");
    let (req, projects, environments) = asked[0].clone();
    assert_eq!((projects, environments), (vec![2], vec![]), "the list's scope");
    update(&mut state, Msg::TagKeysLoaded { req, result: Ok(keys_of_server) }, &ctx(&keymap));
    (keymap, state)
}

#[test]
fn tab_completes_a_key_then_a_closed_value() {
    let (keymap, mut state) = searching(vec![tag("browser"), tag("server_name")]);
    keys(&mut state, &keymap, "<c-u>lev<tab>");
    assert_eq!(text(&state), "level:");
    assert_eq!(prompt(&state).completion, None, "one candidate goes in at once");
    keys(&mut state, &keymap, "w<tab>");
    assert_eq!(text(&state), "level:warning ");
    keys(&mut state, &keymap, "!is:esc<tab>");
    assert_eq!(text(&state), "level:warning !is:escalating ");
    keys(&mut state, &keymap, "<enter>");
    assert_eq!(state.list.query, "level:warning !is:escalating", "the completed search runs");
}

#[test]
fn several_candidates_share_what_they_can_and_tab_steps_through_them() {
    let (keymap, mut state) = searching(vec![tag("browser"), tag("browser.name")]);
    keys(&mut state, &keymap, "<c-u>bro<tab>");
    assert_eq!(text(&state), "browser", "what both share");
    let completion = prompt(&state).completion.clone().unwrap();
    let labels: Vec<&str> = completion.candidates.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["browser", "browser.name"]);
    assert_eq!(completion.selected, None);
    keys(&mut state, &keymap, "<tab>");
    assert_eq!(text(&state), "browser:");
    keys(&mut state, &keymap, "<tab>");
    assert_eq!(text(&state), "browser.name:");
    keys(&mut state, &keymap, "<tab>");
    assert_eq!(text(&state), "browser:", "round again");
    keys(&mut state, &keymap, "<backtab>");
    assert_eq!(text(&state), "browser.name:");
    keys(&mut state, &keymap, "<esc>");
    assert_eq!(
        (text(&state), prompt(&state).completion.is_none()),
        ("browser.name:", true),
        "esc closes the list only"
    );
    keys(&mut state, &keymap, "<esc>");
    assert!(state.overlay.is_none());
}

#[test]
fn a_tags_values_are_asked_for_and_completed_when_they_come() {
    let (keymap, mut state) = searching(vec![tag("browser")]);
    let effects = keys(&mut state, &keymap, "<c-u>is:unresolved browser:chr<tab>");
    let asked = picked!(effects, Effect::FetchTagValues { tag, text, projects, .. } => (tag.clone(), text.clone(), projects.clone()));
    assert_eq!(asked, [("browser".to_string(), "chr".to_string(), vec![2])]);
    let completion = prompt(&state).completion.clone().unwrap();
    assert_eq!(completion.waiting, Some(Wait::Values { tag: "browser".into(), text: "chr".into() }));
    assert_eq!(completion.note.as_deref(), Some("reading values…"));
    // A second tab while waiting asks nothing more.
    assert!(picked!(keys(&mut state, &keymap, "<tab>"), Effect::FetchTagValues { .. } => ()).is_empty());
    let values = vec![value("browser", "Chrome 120", 40), value("browser", "Chromium 99", 2)];
    let msg = Msg::TagValuesLoaded { tag: "browser".into(), text: "chr".into(), result: Ok(values) };
    update(&mut state, msg, &ctx(&keymap));
    assert_eq!(text(&state), "is:unresolved browser:\"Chrom", "what both share, quote and all");
    keys(&mut state, &keymap, "<tab>");
    assert_eq!(text(&state), "is:unresolved browser:\"Chrome 120\" ", "quoted, because it has a space");
    keys(&mut state, &keymap, "<tab>");
    assert_eq!(text(&state), "is:unresolved browser:\"Chromium 99\" ");
    // The values are kept while the prompt is open: no second request.
    keys(&mut state, &keymap, "<c-u>browser:chr");
    let effects = keys(&mut state, &keymap, "<tab>");
    assert!(picked!(effects, Effect::FetchTagValues { .. } => ()).is_empty());
    assert!(prompt(&state).completion.as_ref().is_some_and(|c| c.candidates.len() == 2));
}

#[test]
fn a_key_typed_before_the_tags_arrive_completes_when_they_do() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = keys(&mut state, &keymap, "/<c-u>serv<tab>");
    let req = picked!(effects, Effect::FetchTagKeys { req, .. } => *req)[0];
    assert_eq!(prompt(&state).completion.as_ref().and_then(|c| c.note.as_deref()), Some("reading the server's tags…"));
    update(&mut state, Msg::TagKeysLoaded { req: req + 100, result: Ok(vec![tag("nothing")]) }, &ctx(&keymap));
    assert_eq!(text(&state), "serv", "a stale answer is dropped");
    update(&mut state, Msg::TagKeysLoaded { req, result: Ok(vec![tag("server_name")]) }, &ctx(&keymap));
    assert_eq!(text(&state), "server_name:");
}

#[test]
fn failures_and_dead_ends_are_said_and_the_syntax_still_completes() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = keys(&mut state, &keymap, "/");
    let req = picked!(effects, Effect::FetchTagKeys { req, .. } => *req)[0];
    let failed = Err(Error::Forbidden { detail: "no".into() });
    update(&mut state, Msg::TagKeysLoaded { req, result: failed }, &ctx(&keymap));
    keys(&mut state, &keymap, "<c-u>assigned_o<tab>");
    assert_eq!(text(&state), "assigned_or_suggested:");
    let note = prompt(&state).completion.as_ref().and_then(|c| c.note.clone()).unwrap();
    assert!(note.starts_with("the server's tags are unavailable: not allowed (403)"), "{note}");
    keys(&mut state, &keymap, "<c-u>zzz<tab>");
    let note = prompt(&state).completion.as_ref().and_then(|c| c.note.clone()).unwrap();
    assert!(note.starts_with("the server's tags are unavailable"), "{note}");
    keys(&mut state, &keymap, "<c-u>timesSeen:<tab>");
    let note = prompt(&state).completion.as_ref().and_then(|c| c.note.clone());
    assert_eq!(note.as_deref(), Some("timesSeen: takes a number of events, such as >100"));
    let effects = keys(&mut state, &keymap, "<c-u>os:<tab>");
    assert_eq!(picked!(effects, Effect::FetchTagValues { tag, .. } => tag.clone()), ["os"]);
    let failed = Err(Error::Timeout);
    update(&mut state, Msg::TagValuesLoaded { tag: "os".into(), text: String::new(), result: failed }, &ctx(&keymap));
    let note = prompt(&state).completion.as_ref().and_then(|c| c.note.clone()).unwrap();
    assert_eq!(note, "os values are unavailable: the server did not answer in time");
    keys(&mut state, &keymap, "x");
    assert!(prompt(&state).completion.is_none(), "typing closes the completion");
}

#[test]
fn the_catalogue_completes_projects_environments_and_people() {
    let (keymap, mut state) = searching(Vec::new());
    state.environments = vec!["production".into(), "staging".into()];
    state.projects = vec![(1, "shop-backend".into()), (2, "shop-api".into())];
    keys(&mut state, &keymap, "<c-u>environment:s<tab>");
    assert_eq!(text(&state), "environment:staging ");
    keys(&mut state, &keymap, "project:shop-b<tab>");
    assert_eq!(text(&state), "environment:staging project:shop-backend ");
    keys(&mut state, &keymap, "assigned:m<tab>");
    assert_eq!(text(&state), "environment:staging project:shop-backend assigned:m", "me and my_teams");
}
