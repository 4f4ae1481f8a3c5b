//! The console's API client against sift's own server over real loopback HTTP: every call the
//! console makes (the same list the Prism suite checks against Sentry's schema), paging through
//! 250 issues by `Link` cursors, and update-then-read for every update kind, single and bulk.

use serde_json::json;
use sift::api::models::{AssigneeKind, Entry};
use sift::api::*;
use sift::config::ServerConfig;
use sift::server::{AppState, Server};

use crate::support::{TestApp, event_id, python_error};

/// Serves `app`'s store on a free loopback port; returns a client for org `local`.
async fn client(app: &TestApp) -> Client {
    let state = AppState::new(app.store.clone(), &ServerConfig::default());
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), state).await.unwrap();
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.run(std::future::pending()));
    Client::new(ClientConfig::new(format!("http://{addr}/"), "local", app.token()).retry(RetryPolicy::none())).unwrap()
}

async fn issues(app: &TestApp, n: usize) {
    for i in 0..n {
        let mut event = python_error(&format!("Error{i}"), "boom", &[("app.mod", &format!("f{i}"), "raise")]);
        event["event_id"] = json!(event_id());
        event["release"] = json!("app@2.0.0");
        event["environment"] = json!(if i % 2 == 0 { "production" } else { "staging" });
        event["tags"] = json!({ "browser.name": if i % 3 == 0 { "Firefox" } else { "Chrome" } });
        app.send_event(event).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_pages_through_250_issues() {
    let app = TestApp::new();
    issues(&app, 250).await;
    let c = client(&app).await;
    let mut seen = std::collections::HashSet::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let mut params = IssueListParams::new().query("").sort(IssueSort::New).limit(100);
        params.cursor = cursor.clone();
        let page = c.list_issues(&params).await.unwrap();
        pages += 1;
        assert_eq!(page.hits, Some(250));
        for issue in &page.items {
            assert!(seen.insert(issue.id.clone()), "issue {} twice", issue.id);
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!((seen.len(), pages), (250, 3));
    assert!(c.capabilities().supports_priority() && c.capabilities().supports_substatus());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_console_call_against_sift() {
    let app = TestApp::new();
    issues(&app, 6).await;
    let c = client(&app).await;
    let env = vec!["production".to_owned()];

    assert_eq!(c.list_organizations(None).await.unwrap().items[0].slug, "local");
    assert_eq!(c.list_projects(None).await.unwrap().items[0].slug, "default");
    let keys = c.list_project_keys("default", None).await.unwrap();
    assert!(keys.items[0].dsn.public.as_deref().unwrap().ends_with("/1"));
    let envs: Vec<String> = c.list_environments().await.unwrap().into_iter().map(|e| e.name).collect();
    assert_eq!(envs, ["production", "staging"]);
    let members = c.list_members().await.unwrap();
    assert_eq!((members[0].id.as_str(), members[0].name.as_str()), ("1", "Local user"));
    assert_eq!(members[0].username.as_deref(), Some("local"));

    let params = IssueListParams::new()
        .query("is:unresolved level:error")
        .sort(IssueSort::Freq)
        .environment("production")
        .project(1)
        .limit(2)
        .cursor("0:0:0")
        .group_stats_period(GroupStatsPeriod::TwoWeeks);
    let page = c.list_issues(&params).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.hits, Some(3), "three issues in production");
    assert!(page.next_cursor.is_some());
    assert_eq!(page.items[0].stats.series("14d").map(<[_]>::len), Some(14));
    for sort in [IssueSort::Date, IssueSort::New, IssueSort::User, IssueSort::Priority, IssueSort::Inbox] {
        assert_eq!(c.list_issues(&IssueListParams::new().sort(sort)).await.unwrap().items.len(), 6);
    }
    let bad = c.list_issues(&IssueListParams::new().query("is:")).await.unwrap_err();
    assert!(
        matches!(&bad, Error::BadRequest { status: 400, detail } if detail.contains("Error parsing search query")),
        "{bad:?}"
    );

    let issue = c.issue("1", &env).await.unwrap();
    assert_eq!((issue.short_id.as_str(), issue.count), ("DEFAULT-1", 1));
    assert_eq!(issue.first_release.as_ref().map(|r| r.version.as_str()), Some("app@2.0.0"));
    assert_eq!(c.issue("DEFAULT-1", &[]).await.unwrap().id, "1");
    assert_eq!(c.resolve_short_id("DEFAULT-2").await.unwrap().group_id, "2");
    assert_eq!(c.find_issue_by_short_id("DEFAULT-3").await.unwrap().unwrap().id, "3");
    assert!(matches!(c.issue("999", &[]).await, Err(Error::NotFound { .. })));

    let latest = c.latest_event("1", &env).await.unwrap();
    let oldest = c.oldest_event("1", &[]).await.unwrap();
    let recommended = c.recommended_event("1", &[]).await.unwrap();
    assert_eq!(latest.event_id, oldest.event_id);
    assert_eq!(recommended.event_id, latest.event_id);
    assert_eq!(latest.environment(), Some("production"));
    assert!(latest.entries.iter().any(|e| matches!(e, Entry::Exception(_))));
    assert_eq!(latest.raw.as_ref().unwrap()["eventID"], latest.event_id.as_str(), "the server's JSON is kept");
    assert_eq!(c.event_position("1", latest.date_created.unwrap(), &env).await.unwrap(), Some(1));
    let by_id = c.event("1", &latest.event_id, &[]).await.unwrap();
    assert_eq!(by_id.title, "Error0: boom");
    let events = c.list_events("1", &EventListParams::default()).await.unwrap();
    assert_eq!(events.items.len(), 1);
    let full = c.list_events_full("1", &EventListParams::default()).await.unwrap();
    assert!(!full.items[0].entries.is_empty());

    let tags = c.issue_tags("1", &[]).await.unwrap();
    assert!(tags.iter().any(|t| t.key == "browser.name"));
    let tag = c.issue_tag("1", "environment", &[]).await.unwrap();
    assert_eq!(tag.top_values[0].value.as_deref(), Some("production"));
    for sort in [TagValueSort::Age, TagValueSort::Count, TagValueSort::Date, TagValueSort::Id] {
        let values = c
            .issue_tag_values("1", "browser.name", &TagValuesParams { sort: Some(sort), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(values.items[0].value.as_deref(), Some("Firefox"));
    }
    // Search completion: the organization's keys, and a key's values containing what was typed.
    let org_keys = c.org_tags(&[1], &env).await.unwrap();
    assert!(org_keys.iter().any(|t| t.key == "browser.name" && t.total_values == Some(6)), "{org_keys:?}");
    let typed = c.org_tag_values("environment", "STAG", &[], &[]).await.unwrap();
    assert_eq!(typed.iter().map(|v| v.value.as_deref()).collect::<Vec<_>>(), [Some("staging")]);
    assert!(c.org_tag_values("nope", "", &[], &[]).await.unwrap().is_empty());

    let note = c.add_comment("1", "on it", &[]).await.unwrap();
    assert_eq!(note.text(), Some("on it"));
    let edited = c.edit_comment("1", &note.id, "fixed by #12").await.unwrap();
    assert_eq!(edited.text(), Some("fixed by #12"));
    assert_eq!(c.list_comments("1", None).await.unwrap().items.len(), 1);
    c.delete_comment("1", &note.id).await.unwrap();
    assert!(c.list_comments("1", None).await.unwrap().items.is_empty());
    assert!(c.list_activity("1").await.unwrap().iter().any(|a| a.kind == "first_seen"));

    let stranger = Client::new(ClientConfig::new(c.base_url().as_str(), "local", "sntryu_wrong")).unwrap();
    assert!(matches!(stranger.list_issues(&IssueListParams::new()).await, Err(Error::Unauthorized { .. })));
}

/// Checks one update's effect on a read-back issue.
type Check = fn(&Issue) -> bool;

fn update_kinds() -> Vec<(&'static str, IssueUpdate, Check)> {
    vec![
        ("resolve", IssueUpdate::resolve(), |i| i.status == Some(IssueStatus::Resolved)),
        ("resolve in next release", IssueUpdate::resolve_in_next_release(), |i| {
            i.status == Some(IssueStatus::Resolved) && i.status_details.in_next_release == Some(true)
        }),
        ("resolve in release", IssueUpdate::resolve_in_release("latest"), |i| {
            i.status_details.in_release.as_deref() == Some("app@2.0.0")
        }),
        ("unresolve", IssueUpdate::unresolve(), |i| {
            i.status == Some(IssueStatus::Unresolved) && i.substatus == Some(Substatus::New)
        }),
        ("archive forever", IssueUpdate::archive_forever(), |i| i.substatus == Some(Substatus::ArchivedForever)),
        ("archive until escalating", IssueUpdate::archive_until_escalating(), |i| {
            i.substatus == Some(Substatus::ArchivedUntilEscalating)
        }),
        ("ignore for", IssueUpdate::ignore_for(30), |i| {
            i.substatus == Some(Substatus::ArchivedUntilConditionMet) && i.status_details.ignore_until.is_some()
        }),
        ("ignore until count", IssueUpdate::ignore_until_count(100, Some(60)), |i| {
            i.status_details.ignore_count == Some(100) && i.status_details.ignore_window == Some(60)
        }),
        ("ignore until user count", IssueUpdate::ignore_until_user_count(10, None), |i| {
            i.status_details.ignore_user_count == Some(10)
        }),
        ("mute", IssueUpdate::new().status(UpdateStatus::Muted), |i| i.status == Some(IssueStatus::Ignored)),
        ("unresolve as ongoing", IssueUpdate::unresolve().substatus(Substatus::Ongoing), |i| {
            i.substatus == Some(Substatus::Ongoing)
        }),
        ("priority high", IssueUpdate::set_priority(Priority::High), |i| i.priority == Some(Priority::High)),
        ("priority medium", IssueUpdate::set_priority(Priority::Medium), |i| i.priority == Some(Priority::Medium)),
        ("priority low", IssueUpdate::set_priority(Priority::Low), |i| {
            i.priority == Some(Priority::Low) && i.priority_locked_at.is_some()
        }),
        ("assign user", IssueUpdate::assign(AssignTarget::User("1".into())), |i| {
            i.assigned_to.as_ref().is_some_and(|a| a.id == "1" && a.kind == AssigneeKind::User)
        }),
        ("unassign", IssueUpdate::unassign(), |i| i.assigned_to.is_none()),
        ("assign by name", IssueUpdate::assign(AssignTarget::Name("local".into())), |i| {
            i.assigned_to.as_ref().is_some_and(|a| a.id == "1")
        }),
        ("bookmark", IssueUpdate::bookmark(true), |i| i.is_bookmarked),
        ("unbookmark", IssueUpdate::bookmark(false), |i| !i.is_bookmarked),
        ("seen", IssueUpdate::mark_seen(true), |i| i.has_seen),
        ("unseen", IssueUpdate::mark_seen(false), |i| !i.has_seen),
        ("reviewed", IssueUpdate::mark_reviewed(), |i| i.inbox.as_ref().is_none_or(|v| v.is_null())),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_then_read_every_kind() {
    let app = TestApp::new();
    issues(&app, 3).await;
    let c = client(&app).await;
    for (name, update, check) in update_kinds() {
        let answered = c.update_issue("1", &update).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(check(&answered), "{name}: answer {answered:?}");
        let read = c.issue("1", &[]).await.unwrap();
        assert!(check(&read), "{name}: read back {read:?}");

        let bulk = c.bulk_update_issues(&["2", "3"], &update).await.unwrap_or_else(|e| panic!("bulk {name}: {e}"));
        assert!(bulk.is_some(), "bulk {name}: something matched");
        for id in ["2", "3"] {
            let read = c.issue(id, &[]).await.unwrap();
            assert!(check(&read), "bulk {name}: issue {id} read back {read:?}");
        }
    }
    assert!(
        c.bulk_update_issues(&["999"], &IssueUpdate::resolve()).await.unwrap().is_none(),
        "204 when nothing matched"
    );
    // What this server cannot do is refused plainly, not ignored.
    for refused in
        [IssueUpdate::assign(AssignTarget::Team("2".into())), IssueUpdate::new().substatus(Substatus::Ongoing)]
    {
        assert!(matches!(c.update_issue("1", &refused).await, Err(Error::BadRequest { status: 400, .. })));
    }
}
