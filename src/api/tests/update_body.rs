//! The JSON bodies `IssueUpdate` produces for every triage action, and `apply_to`.

use serde_json::json;

use crate::api::models::{Issue, IssueStatus, Priority, Substatus, UpdateStatus};
use crate::api::{AssignTarget, Error, InCommit, IssueUpdate, StatusDetailsUpdate};

#[test]
fn every_variant_serializes_only_what_is_set() {
    let cases = [
        (IssueUpdate::resolve(), json!({"status": "resolved"})),
        (IssueUpdate::resolve_in_next_release(), json!({"status": "resolvedInNextRelease"})),
        (
            IssueUpdate::resolve_in_release("latest"),
            json!({"status": "resolved", "statusDetails": {"inRelease": "latest"}}),
        ),
        (IssueUpdate::unresolve(), json!({"status": "unresolved"})),
        (IssueUpdate::archive_forever(), json!({"status": "ignored", "substatus": "archived_forever"})),
        (
            IssueUpdate::archive_until_escalating(),
            json!({"status": "ignored", "substatus": "archived_until_escalating", "statusDetails": {}}),
        ),
        (IssueUpdate::ignore_for(30), json!({"status": "ignored", "statusDetails": {"ignoreDuration": 30}})),
        (
            IssueUpdate::ignore_until_count(100, Some(60)),
            json!({"status": "ignored", "statusDetails": {"ignoreCount": 100, "ignoreWindow": 60}}),
        ),
        (
            IssueUpdate::ignore_until_user_count(10, None),
            json!({"status": "ignored", "statusDetails": {"ignoreUserCount": 10}}),
        ),
        (IssueUpdate::set_priority(Priority::High), json!({"priority": "high"})),
        (IssueUpdate::assign(AssignTarget::User("42".into())), json!({"assignedTo": "user:42"})),
        (IssueUpdate::assign(AssignTarget::Team("7".into())), json!({"assignedTo": "team:7"})),
        (IssueUpdate::assign(AssignTarget::Name("jane@example.com".into())), json!({"assignedTo": "jane@example.com"})),
        (IssueUpdate::unassign(), json!({"assignedTo": ""})),
        (IssueUpdate::bookmark(true), json!({"isBookmarked": true})),
        (IssueUpdate::mark_seen(false), json!({"hasSeen": false})),
        (IssueUpdate::mark_reviewed(), json!({"inbox": false})),
        (IssueUpdate::new().status(UpdateStatus::Muted), json!({"status": "muted"})),
        (
            IssueUpdate::new().substatus(Substatus::Ongoing).is_subscribed(true),
            json!({"substatus": "ongoing", "isSubscribed": true}),
        ),
        (
            IssueUpdate::resolve().status_details(StatusDetailsUpdate {
                in_commit: Some(InCommit { commit: "abc".into(), repository: "org/repo".into() }),
                ..Default::default()
            }),
            json!({"status": "resolved", "statusDetails": {"inCommit": {"commit": "abc", "repository": "org/repo"}}}),
        ),
        (
            IssueUpdate::new()
                .status(UpdateStatus::Ignored)
                .status_details(StatusDetailsUpdate { until_escalating: Some(true), ..Default::default() }),
            json!({"status": "ignored", "statusDetails": {"untilEscalating": true}}),
        ),
    ];
    for (update, want) in cases {
        assert_eq!(update.to_json(), want, "{update:?}");
        assert!(update.validate().is_ok());
    }
}

#[test]
fn validation() {
    assert!(matches!(IssueUpdate::new().validate(), Err(Error::InvalidInput(_))));
    assert!(matches!(IssueUpdate::ignore_until_count(1, Some(10_081)).validate(), Err(Error::InvalidInput(_))));
    assert!(IssueUpdate::ignore_until_user_count(1, Some(10_080)).validate().is_ok());
}

#[test]
fn apply_to_mirrors_server_inference() {
    let mut issue =
        Issue { status: Some(IssueStatus::Unresolved), substatus: Some(Substatus::New), ..Issue::default() };
    IssueUpdate::ignore_for(30).apply_to(&mut issue);
    assert_eq!(issue.status, Some(IssueStatus::Ignored));
    assert_eq!(issue.substatus, Some(Substatus::ArchivedUntilConditionMet));
    assert_eq!(issue.status_details.ignore_duration, Some(30));
    IssueUpdate::archive_until_escalating().apply_to(&mut issue);
    assert_eq!(issue.substatus, Some(Substatus::ArchivedUntilEscalating));
    IssueUpdate::new().status(UpdateStatus::Muted).apply_to(&mut issue);
    assert_eq!(issue.substatus, Some(Substatus::ArchivedForever));
    IssueUpdate::resolve_in_next_release().apply_to(&mut issue);
    assert_eq!((issue.status.clone(), issue.substatus.clone()), (Some(IssueStatus::Resolved), None));
    assert_eq!(issue.status_details.in_next_release, Some(true));
    IssueUpdate::unresolve().apply_to(&mut issue);
    assert_eq!(issue.substatus, Some(Substatus::Ongoing));
    IssueUpdate::assign(AssignTarget::Team("3".into()))
        .priority(Priority::Low)
        .is_bookmarked(true)
        .apply_to(&mut issue);
    assert_eq!(issue.assigned_to.as_ref().map(|a| a.id.as_str()), Some("3"));
    assert_eq!(issue.priority, Some(Priority::Low));
    assert!(issue.is_bookmarked);
    IssueUpdate::unassign().apply_to(&mut issue);
    assert!(issue.assigned_to.is_none());
}
