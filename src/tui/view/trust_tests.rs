//! Frame snapshots of the screens a triager leans on: help for the list and the opened issue
//! (scrolled and filtered), the assign picker with a refused name, the question before
//! quitting with changes in flight, and bookmarks in the list and the header; 80x24 and
//! 120x40 each.

use super::tests::{opened, snapshot, text};
use crate::api::Member;
use crate::tui::detail::Section;
use crate::tui::fixtures::{event, issues, state_with};
use crate::tui::help::HelpView;
use crate::tui::overlay::{Confirm, ConfirmThen, Input, Overlay};
use crate::tui::state::State;

fn help(mut state: State, view: HelpView, rows: u16) -> State {
    state.page_rows = usize::from(rows).saturating_sub(6);
    state.overlay = Some(Overlay::Help(view));
    state
}

#[test]
fn help_for_the_opened_issue_lists_its_keys_first() {
    let state = help(opened(Section::Stack, Some(event("b", None, None))), HelpView::default(), 24);
    snapshot("help_issue", &state);
    let screen = text(&state, 80, 24);
    assert!(screen.contains("The opened issue") && screen.contains("Show the next older event"), "{screen}");
}

#[test]
fn help_scrolls_and_filters() {
    let scrolled = help(state_with(issues()), HelpView { scroll: 40, ..HelpView::default() }, 24);
    snapshot("help_scrolled", &scrolled);
    let filter = HelpView { filter: Input::with("archive"), ..HelpView::default() };
    snapshot("help_filtered", &help(state_with(issues()), filter, 24));
    let typing = HelpView { filter: Input::with("old"), typing: true, ..HelpView::default() };
    snapshot("help_typing", &help(opened(Section::Stack, Some(event("b", None, None))), typing, 24));
}

#[test]
fn the_assign_picker_and_its_refusal() {
    let mut state = state_with(issues());
    state.members = vec![
        Member { id: "1".into(), name: "Local user".into(), username: Some("local".into()), email: None },
        Member {
            id: "7".into(),
            name: "Ana García".into(),
            username: Some("ana".into()),
            email: Some("ana@example.com".into()),
        },
    ];
    let mut picker = crate::tui::update::assign_picker(&state);
    snapshot("assign_picker", &{
        let mut s = state.clone();
        s.overlay = Some(Overlay::Picker(picker.clone()));
        s
    });
    picker.input = Input::with("zed");
    picker.error = Some("no member matches \"zed\"; members: Local user (local), Ana García (ana)".into());
    state.overlay = Some(Overlay::Picker(picker));
    snapshot("assign_picker_refused", &state);
}

#[test]
fn quitting_with_changes_in_flight_asks() {
    let mut state = state_with(issues());
    let message = "2 changes are still being saved. Quit anyway?".to_string();
    state.overlay = Some(Overlay::Confirm(Confirm { message, then: ConfirmThen::Quit }));
    snapshot("quit_confirm", &state);
}

#[test]
fn bookmarks_show_in_the_list_and_the_header() {
    let mut list = state_with(issues());
    if let Some(data) = list.list.data.ready_mut() {
        data.rows[0].issue.is_bookmarked = true;
        data.rows[2].issue.is_bookmarked = true;
    }
    snapshot("bookmarked_list", &list);
    let mut issue = opened(Section::Stack, Some(event("b", None, None)));
    if let Some(data) = issue.list.data.ready_mut() {
        data.rows[0].issue.is_bookmarked = true;
    }
    snapshot("bookmarked_issue", &issue);
    assert!(text(&issue, 80, 24).contains("★ BACKEND-1"));
}
