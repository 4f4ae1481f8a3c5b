//! Reducer tests of triage a person can trust: the cursor rule, exact undo with its read-back,
//! what each action says, the assign picker, help for the screen shown and the palette's order.

use super::*;
use crate::api::Member;
use crate::tui::help;
use crate::tui::keymap::Context;

/// Answers every change in flight with success.
fn answer_all(state: &mut State, keymap: &Keymap) -> Vec<Effect> {
    let mut reqs: Vec<u64> = state.inflight.keys().copied().collect();
    reqs.sort_unstable();
    reqs.into_iter().flat_map(|req| update(state, Msg::IssuesUpdated { req, result: Ok(()) }, &ctx(keymap))).collect()
}

fn ids(effects: &[Effect]) -> Vec<Vec<String>> {
    updates(effects).into_iter().map(|(ids, _)| ids).collect()
}

#[test]
fn x_j_x_selects_adjacent_rows_and_the_cursor_stays_on_the_acted_issue() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "gxjxjx");
    assert_eq!(state.list.marked.iter().cloned().collect::<Vec<_>>(), ["1", "2", "3"]);
    assert_eq!(state.list.cursor, 2);
    let mut state = state_with(issues());
    for spec in ["r", "R", "U", "pl", "A", "b", "v", "ie", "<c-x>"] {
        keys(&mut state, &keymap, &format!("jj{spec}"));
        assert_eq!(state.list.cursor, 2, "{spec} kept the cursor on the issue it acted on");
        answer_all(&mut state, &keymap);
        keys(&mut state, &keymap, "g");
    }
}

#[test]
fn resolve_then_undo_then_archive_acts_on_the_restored_issue() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "gR");
    answer_all(&mut state, &keymap);
    keys(&mut state, &keymap, "jju");
    assert_eq!(state.list.cursor, 0, "after u the cursor is on the restored issue");
    answer_all(&mut state, &keymap);
    let effects = keys(&mut state, &keymap, "if");
    assert_eq!(ids(&effects), [["1"]]);
}

#[test]
fn undo_restores_escalating_after_resolve_next_release_archive_and_priority() {
    let keymap = Keymap::defaults();
    let escalating = issues()[3].clone();
    for spec in ["r", "R", "if", "ie", "i2", "pl", "U"] {
        let mut state = state_with(issues());
        keys(&mut state, &keymap, &format!("jjj{spec}"));
        answer_all(&mut state, &keymap);
        let effects = keys(&mut state, &keymap, "u");
        let (_, update) = &updates(&effects)[0];
        let row = &state.list.rows()[3].issue;
        assert_eq!(row.substatus, Some(Substatus::Escalating), "{spec}: shown at once");
        assert_eq!(row.priority, escalating.priority, "{spec}");
        if spec != "pl" {
            assert_eq!(update, &IssueUpdate::unresolve().substatus(Substatus::Escalating), "{spec}");
        }
        let checked = answer_all(&mut state, &keymap);
        assert!(matches!(&checked[..], [Effect::CheckRestored { .. }]), "{spec}: {checked:?}");
    }
}

#[test]
fn undo_of_a_bulk_change_sends_each_snapshot_and_speaks_once() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "xjxjjxpl");
    answer_all(&mut state, &keymap);
    assert_eq!(state.toasts.last().unwrap().text, "set priority low on 3 issues");
    let effects = keys(&mut state, &keymap, "u");
    // Issues 1, 2 and 4 had medium, low and medium: one request per distinct priority back.
    let sent: Vec<(Vec<String>, IssueUpdate)> = updates(&effects);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent.contains(&(vec!["1".into(), "4".into()], IssueUpdate::set_priority(Priority::Medium))));
    let toasts = state.toasts.len();
    let first = *state.inflight.keys().min().unwrap();
    update(&mut state, Msg::IssuesUpdated { req: first, result: Ok(()) }, &ctx(&keymap));
    assert_eq!(state.toasts.len(), toasts, "the first answer of the batch says nothing yet");
    answer_all(&mut state, &keymap);
    assert_eq!(state.toasts.last().unwrap().text, "undid: priority low on 3 issues");
    let priorities: Vec<_> = state.list.rows().iter().map(|r| r.issue.priority.clone()).collect();
    let wanted: Vec<_> = issues().iter().map(|i| i.priority.clone()).collect();
    assert_eq!(priorities, wanted);
}

#[test]
fn what_a_server_did_not_restore_is_said_and_shown() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "jjjr");
    answer_all(&mut state, &keymap);
    keys(&mut state, &keymap, "u");
    let checked = answer_all(&mut state, &keymap);
    let [Effect::CheckRestored { update: restore, wanted }] = &checked[..] else { panic!("{checked:?}") };
    // A remote that inferred `ongoing` instead of restoring `escalating`.
    let mut server = wanted[0].clone();
    server.substatus = Some(Substatus::Ongoing);
    let msg = Msg::RestoreChecked { update: restore.clone(), wanted: wanted.clone(), result: Ok(vec![server]) };
    update(&mut state, msg, &ctx(&keymap));
    let toast = state.toasts.last().unwrap();
    assert_eq!(toast.level, ToastLevel::Error);
    assert_eq!(toast.text, "undo could not restore BACKEND-4: substatus escalating (the server has ongoing)");
    assert_eq!(state.list.rows()[3].issue.substatus, Some(Substatus::Ongoing), "the row shows the server's truth");
}

#[test]
fn every_action_says_what_it_did() {
    let keymap = Keymap::defaults();
    let cases = [
        ("r", "resolved BACKEND-1"),
        ("R", "resolved BACKEND-1 in the next release"),
        ("U", "unresolved BACKEND-1"),
        ("ie", "archived BACKEND-1 until it escalates"),
        ("if", "archived BACKEND-1 forever"),
        ("i2", "archived BACKEND-1 for 1 hour"),
        ("in1<enter>", "archived BACKEND-1 until 1 more event"),
        ("iu5 per 60<enter>", "archived BACKEND-1 until 5 more users within 1 hour"),
        ("pm", "set priority medium on BACKEND-1"),
        ("A", "assigned BACKEND-1 to Local user"),
        ("agar<enter>", "assigned BACKEND-1 to Ana García"),
        ("<c-x>", "unassigned BACKEND-1"),
        ("b", "bookmarked BACKEND-1"),
        ("v", "marked BACKEND-1 reviewed"),
    ];
    for (spec, said) in cases {
        let mut state = state_with(issues());
        keys(&mut state, &keymap, spec);
        answer_all(&mut state, &keymap);
        assert_eq!(state.toasts.last().map(|t| t.text.as_str()), Some(said), "{spec}");
    }
}

fn members() -> Vec<Member> {
    let member = |id: &str, name: &str, user: &str| Member {
        id: id.into(),
        name: name.into(),
        username: Some(user.into()),
        email: Some(format!("{user}@example.com")),
    };
    vec![member("1", "Local user", "local"), member("7", "Ana García", "ana"), member("9", "Bo Li", "bo")]
}

#[test]
fn the_assign_picker_offers_members_filters_and_names_the_valid_ones() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let catalog = Catalog { members: members(), me: Some(("1".into(), "Local user".into())), ..Catalog::default() };
    update(&mut state, Msg::CatalogLoaded { result: Ok(catalog) }, &ctx(&keymap));
    keys(&mut state, &keymap, "a");
    let Some(Overlay::Picker(picker)) = &state.overlay else { panic!("{:?}", state.overlay) };
    let labels: Vec<&str> = picker.items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["me (Local user)", "Ana García", "Bo Li", "unassigned"]);
    keys(&mut state, &keymap, "bo@");
    let Some(Overlay::Picker(picker)) = &state.overlay else { panic!() };
    assert_eq!(picker.matches().len(), 1, "e-mails are searched too");
    keys(&mut state, &keymap, "<c-u>zed<enter>");
    let Some(Overlay::Picker(picker)) = &state.overlay else { panic!("a bad name keeps the picker open") };
    assert_eq!(
        picker.error.as_deref(),
        Some("no member matches \"zed\"; members: Local user (local), Ana García (ana), Bo Li (bo)")
    );
    let effects = keys(&mut state, &keymap, "<c-u>li<enter>");
    assert_eq!(updates(&effects)[0].1, IssueUpdate::assign(AssignTarget::User("9".into())));
    assert_eq!(state.list.rows()[0].issue.assigned_to.as_ref().map(|a| a.display_name()), Some("Bo Li"));
}

#[test]
fn help_lists_the_screen_shown_first_and_scrolls_and_filters() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "<enter>");
    let sections = help::sections(&state, &keymap);
    assert_eq!(sections[0].title, "The opened issue");
    let first: Vec<&str> = sections[0].entries.iter().map(|e| e.keys.as_str()).collect();
    for key in ["1", "2", "3", "4", "5", "6", "7", "f", "F", "T", "L", "O", "E", "c", "l", "C", "@", "n", "N", "["] {
        assert!(first.contains(&key), "{key} among {first:?}");
    }
    let older = sections[0].entries.iter().find(|e| e.keys == "[").unwrap();
    assert_eq!(older.text, "Show the next older event");
    let back = sections[0].entries.iter().find(|e| e.action == Some(Action::Back)).unwrap();
    assert_eq!(back.keys, "esc q");
    assert_eq!(sections.last().unwrap().title, "In menus, pickers and prompts");
    let everywhere = sections.iter().find(|s| s.title == "Everywhere").unwrap();
    assert!(everywhere.entries.iter().any(|e| e.keys == "ctrl-c"), "quit stays on ctrl-c in the issue view");
    // Every key bound here is reachable in the help.
    let listed: Vec<Action> = sections.iter().flat_map(|s| s.entries.iter().filter_map(|e| e.action)).collect();
    for action in Action::ALL {
        if !keymap.chords(Context::Detail, *action).is_empty() {
            assert!(listed.contains(action), "{action} is bound in the issue view but not in its help");
        }
    }
    // The palette follows the same order, with the screen's own actions first.
    let palette = crate::tui::update::palette_actions(&state, &keymap);
    assert!(palette.iter().position(|a| *a == Action::OlderEvent) < palette.iter().position(|a| *a == Action::Resolve));

    update(&mut state, Msg::Resized(80, 24), &ctx(&keymap));
    keys(&mut state, &keymap, "?");
    keys(&mut state, &keymap, "G");
    let Some(Overlay::Help(view)) = &state.overlay else { panic!() };
    let (_, _, width, shown) = help::geometry(80, 24);
    let lines = help::layout(&state, &keymap, "", width);
    assert!(lines.len() > shown, "the help is longer than the screen at 80x24");
    assert_eq!(view.scroll, lines.len() - shown, "G scrolls to the last line and no further");
    keys(&mut state, &keymap, "kkg");
    let Some(Overlay::Help(view)) = &state.overlay else { panic!() };
    assert_eq!(view.scroll, 0);
    keys(&mut state, &keymap, "/older<enter>");
    let Some(Overlay::Help(view)) = &state.overlay else { panic!() };
    let found = help::layout(&state, &keymap, &view.filter.text, width);
    assert!(found.iter().any(|l| matches!(l, help::Line::Key(k, t) if k == "[" && t.contains("older"))), "{found:?}");
    assert!(!found.iter().any(|l| matches!(l, help::Line::Key(k, _) if k == "r")), "{found:?}");
    keys(&mut state, &keymap, "<esc>");
    assert!(state.overlay.is_none());
}

#[test]
fn help_on_the_list_and_the_standup_screen() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let sections = help::sections(&state, &keymap);
    assert_eq!(sections[0].title, "The issue list");
    assert!(sections[0].entries.iter().any(|e| e.keys == "q ctrl-c" && e.action == Some(Action::Quit)));
    assert!(sections[0].entries.iter().any(|e| e.keys == "i" && e.text.starts_with("Archive")));
    keys(&mut state, &keymap, "S");
    let sections = help::sections(&state, &keymap);
    assert_eq!(sections[0].title, "The standup screen");
    let keys_first: Vec<&str> = sections[0].entries.iter().map(|e| e.keys.as_str()).collect();
    assert!(keys_first.contains(&"t") && keys_first.contains(&"enter"), "{keys_first:?}");
}

#[test]
fn undo_brings_back_an_issue_a_poll_took_out_of_the_list() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    keys(&mut state, &keymap, "gR");
    answer_all(&mut state, &keymap);
    // The next poll of Unresolved no longer has the resolved issue.
    let effects = keys(&mut state, &keymap, "<c-r>");
    let rest: Vec<_> = issues().into_iter().skip(1).collect();
    update(&mut state, Msg::IssuesLoaded { req: req_of(&effects), result: Ok(page(rest, None)) }, &ctx(&keymap));
    assert_eq!(state.list.current().unwrap().issue.id, "2");
    keys(&mut state, &keymap, "u");
    assert_eq!(state.list.current().unwrap().issue.id, "1", "the restored issue is back under the cursor");
    assert_eq!(state.list.current().unwrap().issue.status, Some(IssueStatus::Unresolved));
    // A poll answered while the undo is in flight keeps the row.
    let effects = keys(&mut state, &keymap, "<c-r>");
    let rest: Vec<_> = issues().into_iter().skip(1).collect();
    update(&mut state, Msg::IssuesLoaded { req: req_of(&effects), result: Ok(page(rest, None)) }, &ctx(&keymap));
    assert_eq!(state.list.current().unwrap().issue.id, "1");
    answer_all(&mut state, &keymap);
    let effects = keys(&mut state, &keymap, "if");
    assert_eq!(ids(&effects), [["1"]], "the archive acts on the restored issue");
}
