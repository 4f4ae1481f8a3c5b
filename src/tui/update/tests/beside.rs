//! Reducer tests of the Feedback and Monitors screens and of the opened issue's feedback and
//! attachments: what loads, what each key asks for, stale answers, and the way back.

use super::*;
use crate::api::models::{Attachment, FeedbackIssue, UserReport};
use crate::tui::boards::{Board, MonitorRow};
use crate::tui::msg::{BesideEffect, BesideMsg};
use crate::tui::overlay::PromptKind;

fn beside(effects: &[Effect]) -> Vec<BesideEffect> {
    picked!(effects, Effect::Beside(work) => work.clone())
}

fn answer(state: &mut State, keymap: &Keymap, msg: BesideMsg) -> Vec<Effect> {
    update(state, Msg::Beside(msg), &ctx(keymap))
}

fn list_query(effects: &[Effect]) -> Option<String> {
    picked!(effects, Effect::FetchIssues { params, .. } => params.query.clone()).into_iter().next().flatten()
}

fn list_req(effects: &[Effect]) -> u64 {
    picked!(effects, Effect::FetchIssues { req, .. } => *req)[0]
}

#[test]
fn the_feedback_screen_opens_the_linked_issue_and_comes_back() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.list.query = "level:error".into();
    let [BesideEffect::FetchFeedbackList { req }] = beside(&keys(&mut state, &keymap, "!"))[..] else {
        panic!("a feedback request")
    };
    let items: Vec<FeedbackIssue> = serde_json::from_value(serde_json::json!([
        {"id": "feedback-2", "metadata": {"message": "alone"}},
        {"id": "feedback-1", "metadata": {"message": "linked", "associated_event_id": "ab12"}}
    ]))
    .unwrap();
    answer(&mut state, &keymap, BesideMsg::FeedbackListed { req: req + 100, result: Ok(Vec::new()) });
    assert!(matches!(&state.board, Some(Board::Feedback(l)) if l.rows.ready().is_none()), "a stale answer is dropped");
    answer(&mut state, &keymap, BesideMsg::FeedbackListed { req, result: Ok(items) });

    keys(&mut state, &keymap, "<enter>");
    assert!(state.toasts.iter().any(|t| t.text.contains("stands alone")), "{:?}", state.toasts);
    let located = beside(&keys(&mut state, &keymap, "j<enter>"));
    let [BesideEffect::LocateFeedbackIssue { req, ref event_id }] = located[..] else { panic!("{located:?}") };
    assert_eq!(event_id, "ab12");
    let effects = answer(
        &mut state,
        &keymap,
        BesideMsg::FeedbackIssueLocated { req, result: Ok(("2".into(), "BACKEND-2".into())) },
    );
    assert_eq!(list_query(&effects), Some("issue:BACKEND-2".into()));
    let arrived = update(
        &mut state,
        Msg::IssuesLoaded {
            req: list_req(&effects),
            result: Ok(page(vec![crate::tui::fixtures::issue(2, "t", "new", 3)], None)),
        },
        &ctx(&keymap),
    );
    assert_eq!(state.detail.as_ref().map(|d| d.issue_id.as_str()), Some("2"));
    assert!(!beside(&arrived).is_empty(), "the opened issue asks for its feedback");

    let back = keys(&mut state, &keymap, "<esc>");
    assert!(state.detail.is_none());
    assert_eq!(state.list.query, "level:error");
    assert!(matches!(&state.board, Some(b) if b.showing()));
    assert!(matches!(beside(&back)[..], [BesideEffect::FetchFeedbackList { .. }]));
    keys(&mut state, &keymap, "<esc>");
    assert!(state.board.is_none());
}

#[test]
fn the_monitors_screen_opens_a_failing_monitors_issue() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let [BesideEffect::FetchMonitors { req }] = beside(&keys(&mut state, &keymap, "M"))[..] else { panic!() };
    let row = |slug: &str, group: Option<&str>| MonitorRow {
        monitor: serde_json::from_value(serde_json::json!({"slug": slug})).unwrap(),
        check_ins: serde_json::from_value(serde_json::json!([{"status": "error",
            "groups": group.map(|g| vec![serde_json::json!({"id": "4", "shortId": g})]).unwrap_or_default()}]))
        .unwrap(),
    };
    answer(
        &mut state,
        &keymap,
        BesideMsg::MonitorsListed { req, result: Ok(vec![row("quiet", None), row("nightly", Some("BACKEND-4"))]) },
    );
    keys(&mut state, &keymap, "<enter>");
    assert!(state.toasts.iter().any(|t| t.text.contains("has not failed")));
    let effects = keys(&mut state, &keymap, "j<enter>");
    assert_eq!(list_query(&effects), Some("issue:BACKEND-4".into()));
    // A failed refresh keeps the rows.
    let [BesideEffect::FetchMonitors { req }] = beside(&keys(&mut state, &keymap, "<esc>M"))[..] else { panic!() };
    answer(&mut state, &keymap, BesideMsg::MonitorsListed { req, result: Err(Error::Timeout) });
    assert!(matches!(&state.board, Some(Board::Monitors(l)) if matches!(l.rows, Load::Failed(_))));
}

fn attachments() -> Vec<Attachment> {
    serde_json::from_value(serde_json::json!([
        {"id": "11", "name": "sync.log", "mimetype": "text/plain", "size": 18},
        {"id": "12", "name": "core.bin", "mimetype": "application/octet-stream", "size": 9}
    ]))
    .unwrap()
}

#[test]
fn the_opened_issue_lists_feedback_and_saves_and_pages_attachments() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let opening = keys(&mut state, &keymap, "<enter>");
    assert!(beside(&opening).contains(&BesideEffect::FetchIssueFeedback { issue_id: "1".into() }));
    let req = fetched_event(&opening)[0].0.unwrap();
    let shown = update(
        &mut state,
        Msg::EventLoaded { req, result: Ok(crate::tui::fixtures::event("b", None, None)) },
        &ctx(&keymap),
    );
    assert_eq!(beside(&shown), [BesideEffect::FetchAttachments { project: "backend".into(), event_id: "b".into() }]);
    let reports: Vec<UserReport> = serde_json::from_value(serde_json::json!([{"id": "1", "comments": "hi"}])).unwrap();
    answer(&mut state, &keymap, BesideMsg::IssueFeedbackLoaded { issue_id: "9".into(), result: Ok(Vec::new()) });
    assert!(state.detail.as_ref().unwrap().sidecar.feedback_count().is_none(), "another issue's answer is dropped");
    answer(&mut state, &keymap, BesideMsg::IssueFeedbackLoaded { issue_id: "1".into(), result: Ok(reports) });
    assert_eq!(state.detail.as_ref().unwrap().sidecar.feedback_count(), Some(1));
    keys(&mut state, &keymap, "8");
    assert_eq!(state.detail.as_ref().unwrap().section, crate::tui::detail::Section::Feedback);

    keys(&mut state, &keymap, "w");
    assert!(state.toasts.iter().any(|t| t.text.contains("still loading")));
    answer(&mut state, &keymap, BesideMsg::AttachmentsLoaded { event_id: "b".into(), result: Ok(attachments()) });
    keys(&mut state, &keymap, "w");
    let Some(Overlay::Prompt(prompt)) = &state.overlay else { panic!("a path prompt") };
    assert_eq!((prompt.kind, prompt.input.text.as_str()), (PromptKind::SaveAttachment, "./"));
    let saving = beside(&keys(&mut state, &keymap, "<enter>"));
    let [BesideEffect::SaveAttachment { req, ref attachment_id, ref to, ref name, .. }] = saving[..] else {
        panic!("{saving:?}")
    };
    assert_eq!((attachment_id.as_str(), to.as_str(), name.as_str()), ("11", "./", "sync.log"));
    answer(&mut state, &keymap, BesideMsg::AttachmentSaved { req, result: Ok("./sync.log".into()) });
    assert!(state.toasts.iter().any(|t| t.text == "saved ./sync.log"), "{:?}", state.toasts);

    keys(&mut state, &keymap, ">|");
    assert!(state.toasts.iter().any(|t| t.text.contains("core.bin is not text")));
    let reading = beside(&keys(&mut state, &keymap, ">|"));
    let [BesideEffect::ReadAttachment { req, ref attachment_id, .. }] = reading[..] else { panic!("{reading:?}") };
    assert_eq!(attachment_id, "11");
    answer(&mut state, &keymap, BesideMsg::AttachmentRead { req, result: Ok(b"one\ntwo\x1b[2J\nthree".to_vec()) });
    keys(&mut state, &keymap, "j");
    let pager = state.detail.as_ref().unwrap().sidecar.pager.clone().expect("the pager");
    assert_eq!((pager.lines.len(), pager.scroll), (3, 1));
    assert!(!pager.lines[1].contains('\u{1b}'));
    keys(&mut state, &keymap, "<esc>");
    assert!(state.detail.as_ref().is_some_and(|d| d.sidecar.pager.is_none()), "Esc closes the pager, not the issue");
}
