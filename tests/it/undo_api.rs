//! What the console's undo and assign picker need from sift's server, driven in-process: an
//! explicit substatus on `PUT` restores `escalating` and `regressed` dated from when the issue
//! really entered them (so the week they read as such is the same week as before), the
//! organization's members in Sentry's shape, and an unknown assignee refused with the valid
//! names.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, python_error};

const ISSUE: &str = "/api/0/organizations/local/issues/1/";

async fn put(app: &TestApp, body: Value) -> Value {
    let reply = app.api("PUT", ISSUE, Some(body.clone())).await;
    assert_eq!(reply.status, StatusCode::OK, "{body}: {:?}", reply.body);
    app.api("GET", ISSUE, None).await.body
}

/// Records that issue 1 escalated `days` ago, as the lifecycle rules would have.
fn escalated(app: &TestApp, days: f64) {
    let at = sift::store::now() - days * 86_400.0;
    app.conn()
        .execute(
            "INSERT INTO activities (group_id, type, data, date_created) VALUES (1, 'set_escalating', '{}', ?1)",
            [at],
        )
        .unwrap();
}

#[tokio::test]
async fn an_undone_resolve_restores_escalating_from_when_it_escalated() {
    let app = TestApp::new();
    app.send_event(python_error("RuntimeError", "x", &[("app.jobs", "run", "raise")])).await;
    escalated(&app, 2.0);
    let issue = put(&app, json!({ "status": "unresolved", "substatus": "escalating" })).await;
    assert_eq!(issue["substatus"], "escalating");
    let issue = put(&app, json!({ "status": "resolved" })).await;
    assert_eq!(issue["status"], "resolved");
    let issue = put(&app, json!({ "status": "unresolved", "substatus": "escalating" })).await;
    assert_eq!((issue["status"].as_str(), issue["substatus"].as_str()), (Some("unresolved"), Some("escalating")));
    let listed = app.api("GET", "/api/0/organizations/local/issues/?query=is:escalating", None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "the Escalating tab has it again");

    // An escalation more than a week old reads as ongoing once restored, as it did before.
    escalated(&app, 8.0);
    app.conn()
        .execute(
            "DELETE FROM activities WHERE type = 'set_escalating' AND date_created > ?1",
            [sift::store::now() - 7.0 * 86_400.0],
        )
        .unwrap();
    put(&app, json!({ "status": "resolved" })).await;
    let issue = put(&app, json!({ "status": "unresolved", "substatus": "escalating" })).await;
    assert_eq!(issue["substatus"], "ongoing");
}

#[tokio::test]
async fn members_are_listed_in_sentrys_shape_and_bad_assignees_name_them() {
    let app = TestApp::new();
    app.send_event(python_error("RuntimeError", "x", &[("app.jobs", "run", "raise")])).await;
    for path in ["/api/0/organizations/local/members/", "/api/0/organizations/local/users/"] {
        let members = app.api("GET", path, None).await;
        assert_eq!(members.status, StatusCode::OK);
        assert!(members.headers.contains_key("link"), "{path}");
        let first = &members.body[0];
        assert_eq!(first["user"]["id"], "1", "{path}: {first}");
        assert_eq!(first["user"]["username"], "local");
        assert_eq!(first["name"], "Local user");
        assert_eq!(first["pending"], false);
    }
    let unknown = app.api("GET", "/api/0/organizations/nope/members/", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let refused = app.api("PUT", ISSUE, Some(json!({ "assignedTo": "zed" }))).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["detail"], "assignedTo: unknown user \"zed\"; valid: local (Local user)");
}
