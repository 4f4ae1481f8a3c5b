//! Reducer tests of the standup screen and the read-only console.

use super::*;

/// The last digest request among `effects`.
fn digest_req(effects: &[Effect]) -> (u64, chrono::TimeDelta) {
    *picked!(effects, Effect::FetchDigest { req, since, .. } => (*req, *since)).last().expect("a digest request")
}

fn list_query(effects: &[Effect]) -> Option<String> {
    picked!(effects, Effect::FetchIssues { params, .. } => params.query.clone()).into_iter().next().flatten()
}

#[test]
fn the_standup_screen_opens_an_entry_and_comes_back_to_the_list_as_it_was() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.list.query = "level:error".into();
    state.list.environment = Some("production".into());
    state.list.cursor = 2;

    let (req, since) = digest_req(&keys(&mut state, &keymap, "S"));
    assert_eq!(since, chrono::TimeDelta::hours(24));
    assert!(matches!(state.standup().map(|s| &s.digest), Some(Load::Loading { .. })));
    let digest = crate::report::tests::fixtures::digest();
    update(&mut state, Msg::DigestLoaded { req, result: Ok(digest.clone()) }, &ctx(&keymap));
    keys(&mut state, &keymap, "jjk");
    let entry = state.standup().and_then(|s| s.current()).map(|(_, e)| e.clone()).expect("an entry");
    assert_eq!(&entry, crate::tui::standup::entries(&digest)[1].1);

    // Nothing acts on the list hidden underneath.
    let refused = keys(&mut state, &keymap, "r");
    assert!(updates(&refused).is_empty());
    assert!(state.toasts.iter().any(|t| t.text.contains("open the issue")), "{:?}", state.toasts);

    // Enter: the list shows that one issue, and it opens when it arrives.
    let effects = keys(&mut state, &keymap, "<enter>");
    assert_eq!(list_query(&effects), Some(format!("issue:{}", entry.short_id)));
    assert_eq!(state.list.tab, Tab::All);
    assert_eq!(state.list.environment, None);
    let id: u32 = entry.issue_id.parse().unwrap();
    let arrived = crate::tui::fixtures::issue(id, &entry.title, "regressed", 14);
    let req = req_of(&effects);
    let opened = update(&mut state, Msg::IssuesLoaded { req, result: Ok(page(vec![arrived], None)) }, &ctx(&keymap));
    assert_eq!(state.detail.as_ref().map(|d| d.issue_id.as_str()), Some(entry.issue_id.as_str()));
    assert!(opened.iter().any(|e| matches!(e, Effect::FetchEvent { .. })), "{opened:?}");
    // Triage keys act on the opened issue.
    let resolved = keys(&mut state, &keymap, "r");
    assert_eq!(updates(&resolved)[0].0, vec![entry.issue_id.clone()]);

    // Esc: back on the screen, the list's own search, filter and cursor put back.
    let back = keys(&mut state, &keymap, "<esc>");
    assert!(state.detail.is_none());
    assert!(state.standup().is_some_and(|s| s.showing()));
    assert_eq!(list_query(&back), Some("is:unresolved level:error".into()));
    assert_eq!(
        (state.list.tab, state.list.environment.as_deref(), state.list.cursor),
        (Tab::Unresolved, Some("production"), 2)
    );
    digest_req(&back);
    keys(&mut state, &keymap, "<esc>");
    assert!(state.screen.is_none());
}

#[test]
fn the_standup_window_steps_and_failures_show() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let (first, _) = digest_req(&keys(&mut state, &keymap, "S"));
    let (req, since) = digest_req(&keys(&mut state, &keymap, "t"));
    assert_eq!(since, chrono::TimeDelta::hours(72));
    // The first window's answer comes too late to count.
    let digest = crate::report::tests::fixtures::digest();
    update(&mut state, Msg::DigestLoaded { req: first, result: Ok(digest) }, &ctx(&keymap));
    assert!(matches!(state.standup().map(|s| &s.digest), Some(Load::Loading { .. })));
    let failure = Error::Server { status: 502, detail: "bad gateway".into() };
    update(&mut state, Msg::DigestLoaded { req, result: Err(failure) }, &ctx(&keymap));
    assert!(matches!(state.standup().map(|s| &s.digest), Some(Load::Failed(_))));
    let (_, since) = digest_req(&keys(&mut state, &keymap, "tt"));
    assert_eq!(since, chrono::TimeDelta::hours(24), "24h, 3d, 7d, then 24h again");
    // S again closes it.
    keys(&mut state, &keymap, "S");
    assert!(state.screen.is_none());
}

#[test]
fn a_read_only_console_neither_offers_nor_runs_changes() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.readonly = true;
    for spec in ["r", "R", "U", "A", "b", "v", "u", "<c-x>", "i", "p", "a"] {
        let effects = keys(&mut state, &keymap, spec);
        assert!(updates(&effects).is_empty(), "{spec} changed an issue");
        assert!(state.overlay.is_none(), "{spec} opened {:?}", state.overlay);
    }
    assert!(state.toasts.iter().any(|t| t.text.contains("read-only")), "{:?}", state.toasts);
    let offered = super::super::overlays::palette_actions(&state, &keymap);
    assert!(offered.iter().all(|a| !a.changes_issues()), "{offered:?}");
    assert!(offered.contains(&Action::Search) && offered.contains(&Action::Standup));
    // Reading still works: moving, opening, searching.
    keys(&mut state, &keymap, "j<enter>");
    assert!(state.detail.is_some());
    assert_eq!(state.list.cursor, 1);
}
