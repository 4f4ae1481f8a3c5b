//! End-to-end client behaviour over real loopback HTTP: auth header, query encoding, paging,
//! error mapping, retries, timeouts, decode errors, capabilities, updates and comments.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::server::TestServer;
use crate::api::*;

#[tokio::test]
async fn list_issues_sends_auth_params_and_parses_link() {
    let srv = TestServer::start().await;
    let client = srv.client();
    let params = IssueListParams::new()
        .query("is:unresolved release:1.0")
        .sort(IssueSort::Freq)
        .environment("prod")
        .environment("staging")
        .project(7)
        .limit(2)
        .cursor("0:0:0")
        .stats_period("14d")
        .group_stats_period(GroupStatsPeriod::Day);
    let page = client.list_issues(&params).await.unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page.next_cursor.as_deref(), Some("0:2:0"));
    assert_eq!(page.prev_cursor, None);
    assert_eq!(page.hits, Some(57));
    assert_eq!(page.items[0].count, 3);
    let req = srv.shared.last();
    assert_eq!(req.auth.as_deref(), Some("Bearer test-token-123"));
    assert_eq!(
        req.uri,
        "/api/0/organizations/acme/issues/?query=is%3Aunresolved+release%3A1.0&statsPeriod=14d&groupStatsPeriod=24h&sort=freq&environment=prod&environment=staging&project=7&limit=2&cursor=0%3A0%3A0"
    );
    let caps = client.capabilities();
    assert!(caps.supports_priority(), "one issue carried priority");
    assert!(caps.supports_substatus());
}

#[tokio::test]
async fn error_statuses_map_to_typed_errors() {
    let srv = TestServer::start().await;
    let client = srv.client();
    let err = |id: &'static str| {
        let client = client.clone();
        async move { client.issue(id, &[]).await.unwrap_err() }
    };
    assert_eq!(err("401").await, Error::Unauthorized { detail: "Invalid token".into() });
    assert!(matches!(err("403").await, Error::Forbidden { detail } if detail.contains("permission")));
    assert!(matches!(err("404").await, Error::NotFound { .. }));
    assert_eq!(err("400").await, Error::BadRequest { status: 400, detail: "query: Invalid search: bad token".into() });
    match err("429").await {
        Error::RateLimited { retry_after } => assert!((29..=31).contains(&retry_after.as_secs()), "{retry_after:?}"),
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(err("429b").await, Error::RateLimited { retry_after: Duration::from_secs(7) });
    assert_eq!(err("500").await, Error::Server { status: 500, detail: "<h1>Internal Server Error</h1>".into() });
    match err("badjson").await {
        Error::Decode { url_path, body_snippet, .. } => {
            assert_eq!(url_path, "/api/0/organizations/acme/issues/badjson/");
            assert!(body_snippet.contains("oops"));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    // 4xx, 429 and 500 are not retried: exactly one request for each of the 8 calls above.
    assert_eq!(srv.shared.hits.load(Ordering::SeqCst), 8);
}

#[tokio::test]
async fn retries_gateway_errors_and_timeouts_for_idempotent_calls_only() {
    let srv = TestServer::start().await;
    let client = srv.client();
    let e = client.issue("503", &[]).await.unwrap_err();
    assert_eq!(e, Error::Server { status: 503, detail: "unavailable".into() });
    assert_eq!(srv.shared.hits.load(Ordering::SeqCst), 3, "1 try + 2 retries");

    let e = client.add_comment("503", "hello", &[]).await.unwrap_err();
    assert!(matches!(e, Error::Server { status: 503, .. }));
    assert_eq!(srv.shared.hits.load(Ordering::SeqCst), 4, "POST is not retried");

    let e = client.issue("slow", &[]).await.unwrap_err();
    assert_eq!(e, Error::Timeout);
    assert_eq!(srv.shared.hits.load(Ordering::SeqCst), 7, "timeouts are retried too");
}

#[tokio::test]
async fn network_errors_are_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let cfg = ClientConfig::new(format!("http://{addr}/"), "acme", "t").retry(RetryPolicy::none());
    let e = Client::new(cfg).unwrap().list_environments().await.unwrap_err();
    assert!(matches!(&e, Error::Network(msg) if !msg.contains("Bearer")), "{e:?}");
    assert!(e.is_transient());
}

#[tokio::test]
async fn single_and_bulk_updates_send_partial_bodies() {
    let srv = TestServer::start().await;
    let client = srv.client();
    let issue = client.update_issue("1", &IssueUpdate::archive_until_escalating()).await.unwrap();
    assert_eq!(issue.status, Some(IssueStatus::Ignored));
    assert_eq!(issue.substatus, Some(Substatus::ArchivedUntilEscalating));
    let req = srv.shared.last();
    assert_eq!(req.method, "PUT");
    assert_eq!(req.body, r#"{"status":"ignored","statusDetails":{},"substatus":"archived_until_escalating"}"#);

    let res = client.bulk_update_issues(&["1", "2"], &IssueUpdate::set_priority(Priority::Low)).await.unwrap();
    assert_eq!(res.unwrap().priority, Some(Priority::Low));
    let req = srv.shared.last();
    assert_eq!(req.uri, "/api/0/organizations/acme/issues/?id=1&id=2");
    assert_eq!(req.body, r#"{"priority":"low"}"#);

    let none = client.bulk_update_issues(&["999"], &IssueUpdate::resolve()).await.unwrap();
    assert_eq!(none, None, "204 = nothing matched");

    let hits = srv.shared.hits.load(Ordering::SeqCst);
    let no_ids: [&str; 0] = [];
    assert!(matches!(client.bulk_update_issues(&no_ids, &IssueUpdate::resolve()).await, Err(Error::InvalidInput(_))));
    assert!(matches!(
        client.bulk_update_issues(&["APP-1"], &IssueUpdate::resolve()).await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(client.update_issue("1", &IssueUpdate::new()).await, Err(Error::InvalidInput(_))));
    assert_eq!(srv.shared.hits.load(Ordering::SeqCst), hits, "invalid requests never reach the server");
}

#[tokio::test]
async fn comments_activity_and_tags() {
    let srv = TestServer::start().await;
    let client = srv.client();
    let page = client.list_comments("1", None).await.unwrap();
    assert_eq!(page.items[0].text(), Some("first"));
    assert_eq!(page.items[0].user.as_ref().unwrap().display_name(), "Jane");
    assert_eq!(page.next_cursor.as_deref(), Some("0:2:0"));

    let note = client.add_comment("1", "looking into it", &["user:1".to_owned()]).await.unwrap();
    assert_eq!((note.id.as_str(), note.text()), ("12", Some("looking into it")));
    assert_eq!(srv.shared.last().body, r#"{"text":"looking into it","mentions":["user:1"]}"#);

    let note = client.edit_comment("1", "12", "fixed").await.unwrap();
    assert_eq!(note.text(), Some("fixed"));
    assert_eq!(srv.shared.last().body, r#"{"text":"fixed"}"#);
    client.delete_comment("1", "12").await.unwrap();
    assert_eq!(srv.shared.last().method, "DELETE");
    assert!(matches!(client.add_comment("1", "  ", &[]).await, Err(Error::InvalidInput(_))));

    let activity = client.list_activity("1").await.unwrap();
    assert_eq!(activity.len(), 2);
    assert!(activity[1].is_note());

    let tags = client.issue_tags("1", &[]).await.unwrap();
    assert_eq!(tags[0].top_values[0].count, 2);
}

#[tokio::test]
async fn capabilities_follow_responses() {
    let srv = TestServer::start().await;
    let client = srv.client();
    assert_eq!(client.capabilities().priority, Support::Unknown);
    let issue = client.issue("slow", &[]).await;
    assert!(issue.is_err());
    assert_eq!(client.capabilities().priority, Support::Unknown);
    let issue = client.issue("1", &[]).await.unwrap();
    assert_eq!(issue.priority, Some(Priority::Low));
    assert!(client.capabilities().supports_priority());
    let other = client.with_org("acme");
    assert_eq!(other.capabilities().issues_observed, 0);
}
