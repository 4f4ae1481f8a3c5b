//! User feedback through the router: the `feedback` item (linked to an error, and alone) and
//! the legacy `user_report` become records, scrubbed; they are served by the issue's
//! user-reports, the project's user-feedback list (and its POST) and the feedback category of
//! the issue stream; bad reports get a reason.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::support::{TestApp, event_id, python_error};

/// An envelope of `items`, each `(type, payload)`, under header `header`.
pub fn items_envelope(header: Value, items: &[(&str, Vec<u8>, Value)]) -> Vec<u8> {
    let mut body = format!("{header}\n").into_bytes();
    for (kind, payload, extra) in items {
        let mut item = json!({"type": kind, "length": payload.len()});
        if let (Some(item), Some(extra)) = (item.as_object_mut(), extra.as_object()) {
            item.extend(extra.clone());
        }
        body.extend(format!("{item}\n").into_bytes());
        body.extend(payload);
        body.push(b'\n');
    }
    body
}

fn feedback_event(message: &str, associated: Option<&str>) -> Value {
    let mut feedback = json!({
        "message": message, "contact_email": "ann@example.com", "name": "Ann",
        "url": "https://app.example.com/checkout", "source": "widget",
    });
    if let Some(id) = associated {
        feedback["associated_event_id"] = json!(id);
    }
    json!({
        "event_id": event_id(), "type": "feedback", "level": "info", "platform": "javascript",
        "timestamp": sift::clock::unix(), "environment": "production",
        "contexts": {"feedback": feedback},
        "tags": {"page": "checkout"},
    })
}

async fn send(app: &TestApp, kind: &str, payload: &Value) -> super::support::Reply {
    let id = payload.get("event_id").cloned().unwrap_or(Value::Null);
    let header = if kind == "feedback" { json!({"event_id": id}) } else { json!({}) };
    app.post_envelope(items_envelope(header, &[(kind, payload.to_string().into_bytes(), json!({}))])).await
}

#[tokio::test]
async fn feedback_and_user_reports_land_on_their_issue_and_alone() {
    let app = TestApp::new();
    let error = event_id();
    let mut event = python_error("ValueError", "bad cart", &[("shop/cart.py", "total", "raise ValueError")]);
    event["event_id"] = json!(error);
    app.send_event(event).await;
    let issue = app.issues()[0].id;

    assert_eq!(
        send(&app, "feedback", &feedback_event("The pay button does nothing", Some(&error))).await.status,
        StatusCode::OK
    );
    assert_eq!(send(&app, "feedback", &feedback_event("Love the new colours", None)).await.status, StatusCode::OK);
    let report = json!({"event_id": error, "name": "Bob", "email": "bob@example.com", "comments": "It crashed when I paid with 4111 1111 1111 1111"});
    assert_eq!(send(&app, "user_report", &report).await.status, StatusCode::OK);

    let linked = app.api("GET", &format!("/api/0/issues/{issue}/user-reports/"), None).await;
    assert_eq!(linked.status, StatusCode::OK);
    let linked = linked.body.as_array().unwrap().clone();
    assert_eq!(linked.len(), 2, "{linked:?}");
    let comments: Vec<&str> = linked.iter().map(|r| r["comments"].as_str().unwrap()).collect();
    assert!(comments.contains(&"The pay button does nothing"));
    assert!(comments.iter().any(|c| c.starts_with("It crashed") && c.contains("[Filtered]")), "scrubbed: {comments:?}");
    let widget = linked.iter().find(|r| r["kind"] == "feedback").unwrap();
    assert_eq!(widget["name"], "Ann");
    assert_eq!(widget["email"], "ann@example.com");
    assert_eq!(widget["url"], "https://app.example.com/checkout");
    assert_eq!(widget["eventID"], error);
    assert_eq!(widget["contexts"]["feedback"]["source"], "widget");

    let all = app.api("GET", "/api/0/projects/local/default/user-feedback/", None).await;
    assert_eq!(all.status, StatusCode::OK, "{:?}", all.body);
    let all = all.body.as_array().unwrap().clone();
    assert_eq!(all.len(), 3);
    let alone = all.iter().find(|r| r["comments"] == "Love the new colours").unwrap();
    assert_eq!(alone["issue"], Value::Null);
    let on_issue = all.iter().find(|r| r["comments"] == "The pay button does nothing").unwrap();
    assert_eq!(on_issue["issue"]["id"], issue.to_string());

    let stream =
        app.api("GET", "/api/0/organizations/local/issues/?query=issue.category:feedback%20is:unresolved", None).await;
    assert_eq!(stream.status, StatusCode::OK, "{:?}", stream.body);
    let stream = stream.body.as_array().unwrap().clone();
    assert_eq!(stream.len(), 3);
    assert!(stream.iter().all(|i| i["issueCategory"] == "feedback" && i["issueType"] == "feedback"));
    let newest = stream[0]["metadata"]["message"].as_str().unwrap();
    assert!(newest.starts_with("It crashed") && newest.contains("[Filtered]"), "newest first: {newest}");
    assert!(!newest.contains("4111"), "{newest}");
    let searched =
        app.api("GET", "/api/0/organizations/local/issues/?query=issue.category:feedback%20colours", None).await;
    assert_eq!(searched.body.as_array().unwrap().len(), 1);
    let resolved =
        app.api("GET", "/api/0/organizations/local/issues/?query=issue.category:feedback%20is:resolved", None).await;
    assert_eq!(resolved.body, json!([]));
    let errors = app.api("GET", "/api/0/organizations/local/issues/?query=", None).await;
    assert_eq!(errors.body.as_array().unwrap().len(), 1, "feedback is not an error issue");
}

#[tokio::test]
async fn a_report_posted_to_the_api_is_linked_and_bad_ones_get_a_reason() {
    let app = TestApp::new();
    let error = app.send_event(python_error("KeyError", "sku", &[("shop/sku.py", "find", "raise KeyError")])).await;
    let posted = app
        .api(
            "POST",
            "/api/0/projects/local/default/user-reports/",
            Some(json!({"event_id": error, "name": null, "email": "c@example.com", "comments": "again"})),
        )
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{:?}", posted.body);
    assert_eq!(posted.body["name"], "");
    assert_eq!(posted.body["issue"]["id"], app.issues()[0].id.to_string());

    let bad = app.api("POST", "/api/0/projects/local/default/user-feedback/", Some(json!({"event_id": "nope"}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body["detail"].as_str().unwrap().contains("invalid event_id \"nope\""), "{:?}", bad.body);
    let empty =
        send(&app, "feedback", &json!({"event_id": event_id(), "contexts": {"feedback": {"message": " "}}})).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.body["detail"].as_str().unwrap().contains("feedback has no message"), "{:?}", empty.body);
    let unknown = app.api("GET", "/api/0/projects/local/nowhere/user-feedback/", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
