//! Grouping through the whole ingest path: what merges, what splits, titles and culprits.

use serde_json::json;

use super::support::{TestApp, python_error};

const RAISE: &str = "raise OrderError(f'invalid order {order_id}')";

#[tokio::test]
async fn same_error_with_varying_values_is_one_issue() {
    let app = TestApp::new();
    for n in 0..5 {
        let frames = [("shop.views", "checkout", "process_order(cart)"), ("shop.orders", "process_order", RAISE)];
        app.send_event(python_error("OrderError", &format!("invalid order {}", 1000 + n), &frames)).await;
    }
    let issues = app.issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].times_seen, 5);
    assert_eq!(issues[0].title, "OrderError: invalid order 1004");
    assert_eq!(issues[0].culprit.as_deref(), Some("shop.orders in process_order"));
    assert_eq!(issues[0].short_id, "DEFAULT-1");
}

#[tokio::test]
async fn same_type_and_message_from_different_functions_never_merge() {
    let app = TestApp::new();
    app.send_event(python_error("OrderError", "invalid order 1", &[("shop.orders", "process_order", RAISE)])).await;
    app.send_event(python_error("OrderError", "invalid order 1", &[("shop.orders", "refund_order", RAISE)])).await;
    assert_eq!(app.issues().len(), 2);
}

#[tokio::test]
async fn same_raise_site_from_different_callers_splits() {
    let app = TestApp::new();
    let site = ("shop.orders", "process_order", RAISE);
    app.send_event(python_error("OrderError", "x", &[("shop.api", "checkout", "process_order(c)"), site])).await;
    app.send_event(python_error("OrderError", "x", &[("shop.cron", "retry_failed", "process_order(c)"), site])).await;
    assert_eq!(app.issues().len(), 2);
}

#[tokio::test]
async fn custom_fingerprints_split_and_merge() {
    let app = TestApp::new();
    let site = [("shop.db", "query", "cursor.execute(sql)")];
    for tenant in ["tenant-a", "tenant-b", "tenant-a"] {
        let mut event = python_error("Timeout", "db timeout", &site);
        event["fingerprint"] = json!(["{{ default }}", tenant]);
        app.send_event(event).await;
    }
    let mut plain = python_error("Timeout", "db timeout", &site);
    plain["level"] = json!("error");
    app.send_event(plain).await;
    let mut counts: Vec<i64> = app.issues().iter().map(|i| i.times_seen).collect();
    counts.sort();
    assert_eq!(counts, vec![1, 1, 2], "tenant-a twice, tenant-b once, plain once");

    let app = TestApp::new();
    let mut a = python_error("KeyError", "a", &[("m", "f", "x")]);
    a["fingerprint"] = json!(["custom-group"]);
    let mut b = python_error("ValueError", "b", &[("n", "g", "y")]);
    b["fingerprint"] = json!(["custom-group"]);
    app.send_event(a).await;
    app.send_event(b).await;
    assert_eq!(app.issues().len(), 1);
}

#[tokio::test]
async fn messages_group_by_template_and_normalized_text() {
    let app = TestApp::new();
    for user in ["alice", "bob"] {
        app.send_event(json!({ "logentry": { "message": "User %s failed to log in", "params": [user] } })).await;
    }
    for id in [17, 23] {
        app.send_event(json!({ "message": format!("Connection to 10.0.0.{id} failed after {id}ms") })).await;
    }
    let issues = app.issues();
    assert_eq!(issues.len(), 2, "{:?}", issues.iter().map(|i| &i.title).collect::<Vec<_>>());
    assert!(issues.iter().any(|i| i.title == "User bob failed to log in"));
    assert!(issues.iter().all(|i| i.times_seen == 2));
}

#[tokio::test]
async fn short_ids_count_per_project() {
    let app = TestApp::new();
    let (other, key) = app.add_project("api");
    app.send_event(json!({ "message": "one" })).await;
    app.send_event(json!({ "message": "two" })).await;
    let auth = format!("Sentry sentry_key={key}");
    let reply = app
        .request(
            "POST",
            &format!("/api/{other}/envelope/"),
            &[("x-sentry-auth", &auth)],
            super::support::envelope(&json!({ "message": "one" })),
        )
        .await;
    assert_eq!(reply.status, 200);
    let mut ids: Vec<String> = app.issues().into_iter().map(|i| i.short_id).collect();
    ids.sort();
    assert_eq!(ids, vec!["API-1", "DEFAULT-1", "DEFAULT-2"]);
}
