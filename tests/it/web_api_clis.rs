//! The Web API the official CLIs read beyond the console's needs, driven in-process: who the
//! token is, the organization's implicit team and creating a project under it, a project's
//! events and an event's attachments, and the switched-off answers (replays, Seer, tracker
//! links, event analytics, project deletion) with their shapes, statuses and refusals.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, event_id, python_error};

#[tokio::test]
async fn the_token_acts_for_the_local_user() {
    let app = TestApp::new();
    let me = app.api("GET", "/api/0/auth/", None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!((me.body["id"].as_str(), me.body["username"].as_str()), (Some("1"), Some("local")));
    assert_eq!(me.body["name"], "Local user");
    // A string, as in Sentry (sentry-cli's `info` refuses a null).
    assert_eq!(me.body["email"], "");
    let root = app.api("GET", "/api/0/", None).await;
    assert_eq!(root.body["user"], me.body);
    assert!(root.body["auth"]["scopes"].as_array().unwrap().contains(&json!("team:read")));
    let regions = app.api("GET", "/api/0/users/me/regions/", None).await;
    assert_eq!(regions.body, json!({ "regions": [{ "name": "default", "url": "http://127.0.0.1:9000" }] }));
    let anonymous = app.request("GET", "/api/0/auth/", &[], vec![]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_organization_has_one_implicit_team() {
    let app = TestApp::new();
    app.add_project("api");
    let teams = app.api("GET", "/api/0/organizations/local/teams/", None).await;
    assert_eq!(teams.status, StatusCode::OK);
    assert!(teams.headers.get("link").is_some());
    let team = &teams.body[0];
    assert_eq!(teams.body.as_array().map(Vec::len), Some(1));
    for (key, value) in
        [("id", json!("1")), ("slug", json!("local")), ("name", json!("Local")), ("memberCount", json!(1))]
    {
        assert_eq!(team[key], value, "{key}");
    }
    for key in ["access", "avatar", "dateCreated", "flags", "hasAccess", "isMember", "isPending", "teamRole"] {
        assert!(!team[key].is_null(), "{key}");
    }
    let slugs: Vec<&str> = team["projects"].as_array().unwrap().iter().filter_map(|p| p["slug"].as_str()).collect();
    assert_eq!(slugs, ["default", "api"]);
    let brief = app.api("GET", "/api/0/organizations/local/teams/?detailed=0", None).await;
    assert!(brief.body[0].get("projects").is_none());
    let none = app.api("GET", "/api/0/organizations/local/teams/?query=backend", None).await;
    assert_eq!(none.body, json!([]));
    assert_eq!(app.api("GET", "/api/0/organizations/local/user-teams/", None).await.body, teams.body);

    let detail = app.api("GET", "/api/0/teams/local/local/", None).await;
    assert_eq!(detail.body["slug"], "local");
    assert_eq!(app.api("GET", "/api/0/teams/local/1/", None).await.body["slug"], "local");
    let projects = app.api("GET", "/api/0/teams/local/local/projects/", None).await;
    assert_eq!(projects.body.as_array().map(Vec::len), Some(2));
    let of_project = app.api("GET", "/api/0/projects/local/api/teams/", None).await;
    assert_eq!(of_project.body[0]["slug"], "local");
    // Projects name the team, and say when their first event came.
    let project = app.api("GET", "/api/0/projects/local/default/", None).await;
    assert_eq!(project.body["team"], json!({ "id": "1", "slug": "local", "name": "Local" }));
    assert_eq!(project.body["teams"], json!([{ "id": "1", "slug": "local", "name": "Local" }]));
    assert_eq!(project.body["firstEvent"], Value::Null);
    app.send_event(python_error("KeyError", "'x'", &[("app.views", "index", "x['x']")])).await;
    let project = app.api("GET", "/api/0/projects/local/default/", None).await;
    assert_eq!(
        project.body["firstEvent"],
        app.api("GET", "/api/0/organizations/local/issues/", None).await.body[0]["firstSeen"]
    );

    for (path, status) in [
        ("/api/0/teams/local/backend/", StatusCode::NOT_FOUND),
        ("/api/0/teams/local/backend/projects/", StatusCode::NOT_FOUND),
        ("/api/0/organizations/nope/teams/", StatusCode::NOT_FOUND),
        ("/api/0/projects/local/nope/teams/", StatusCode::NOT_FOUND),
    ] {
        let reply = app.api("GET", path, None).await;
        assert_eq!(reply.status, status, "{path}");
        assert_eq!(reply.body["detail"], "The requested resource does not exist", "{path}");
    }
}

#[tokio::test]
async fn a_project_is_created_under_the_team_with_its_own_key() {
    let app = TestApp::new();
    let body = json!({ "name": "Shop Web", "platform": "javascript" });
    let created = app.api("POST", "/api/0/teams/local/local/projects/", Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!((created.body["slug"].as_str(), created.body["name"].as_str()), (Some("shop-web"), Some("Shop Web")));
    assert_eq!(created.body["platform"], "javascript");
    assert_eq!(created.body["team"]["slug"], "local");
    let keys = app.api("GET", "/api/0/projects/local/shop-web/keys/", None).await;
    assert_eq!(keys.body.as_array().map(Vec::len), Some(1));

    let named =
        app.api("POST", "/api/0/teams/local/local/projects/", Some(json!({ "name": "x", "slug": "api" }))).await;
    assert_eq!((named.status, named.body["slug"].as_str()), (StatusCode::CREATED, Some("api")));
    let taken = app.api("POST", "/api/0/teams/local/local/projects/", Some(json!({ "name": "Shop Web" }))).await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(taken.body["detail"], "A project with this slug already exists.");
    for (body, detail) in [
        (json!({}), "name: This field is required."),
        (json!({ "name": 7 }), "name: must be a string"),
        (json!([1]), "The body must be a JSON object"),
        (json!({ "name": "x".repeat(51) }), "name: Ensure this field has no more than 50 characters."),
    ] {
        let reply = app.api("POST", "/api/0/teams/local/local/projects/", Some(body.clone())).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.body["detail"], detail, "{body}");
    }
    let bad_slug =
        app.api("POST", "/api/0/teams/local/local/projects/", Some(json!({ "name": "a", "slug": "A B" }))).await;
    assert_eq!(bad_slug.status, StatusCode::BAD_REQUEST);
    assert!(bad_slug.body["detail"].as_str().unwrap().starts_with("slug: invalid project slug"));
    let other_team = app.api("POST", "/api/0/teams/local/backend/projects/", Some(json!({ "name": "b" }))).await;
    assert_eq!(other_team.status, StatusCode::NOT_FOUND);
    let projects = app.api("GET", "/api/0/organizations/local/projects/", None).await;
    assert_eq!(projects.body.as_array().map(Vec::len), Some(3));
}

/// An envelope with one event and one attachment.
fn with_attachment(event: &Value, name: &str, content: &[u8]) -> Vec<u8> {
    let id = event["event_id"].as_str().unwrap();
    let payload = event.to_string();
    let mut body = format!(
        "{{\"event_id\":\"{id}\"}}\n{{\"type\":\"event\",\"length\":{}}}\n{payload}\n{{\"type\":\"attachment\",\"length\":{},\"filename\":\"{name}\",\"content_type\":\"text/plain\"}}\n",
        payload.len(),
        content.len()
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.push(b'\n');
    body
}

#[tokio::test]
async fn a_project_lists_its_events_newest_first_and_an_event_its_attachments() {
    let app = TestApp::new();
    let mut ids = Vec::new();
    for (i, environment) in ["production", "staging", "production"].iter().enumerate() {
        let mut event = python_error(&format!("Error{i}"), "boom", &[("app.mod", &format!("f{i}"), "raise")]);
        event["event_id"] = json!(event_id());
        event["environment"] = json!(environment);
        event["tags"] = json!({ "shard": format!("s{i}") });
        ids.push(event["event_id"].as_str().unwrap().to_string());
        app.send_event(event).await;
    }
    let list = app.api("GET", "/api/0/projects/local/default/events/", None).await;
    assert_eq!(list.status, StatusCode::OK);
    let listed: Vec<&str> = list.body.as_array().unwrap().iter().filter_map(|e| e["eventID"].as_str()).collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str(), ids[0].as_str()]);
    let first = &list.body[0];
    for key in ["id", "event.type", "groupID", "projectID", "title", "message", "tags", "dateCreated", "user"] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    assert!(first.get("entries").is_none());
    assert!(first["tags"].as_array().unwrap().iter().any(|t| t["key"] == "shard" && t["value"] == "s2"));
    let full = app.api("GET", "/api/0/projects/local/default/events/?full=true", None).await;
    assert!(full.body[0]["entries"].is_array());
    let staging = app.api("GET", "/api/0/projects/local/default/events/?environment=staging", None).await;
    assert_eq!(staging.body.as_array().map(Vec::len), Some(1));
    assert_eq!(staging.body[0]["eventID"], ids[1].as_str());

    let page = app.api("GET", "/api/0/projects/local/default/events/?per_page=2", None).await;
    assert_eq!(page.body.as_array().map(Vec::len), Some(2));
    let link = page.headers["link"].to_str().unwrap().to_string();
    assert!(link.contains("rel=\"next\"; results=\"true\"; cursor=\"0:2:0\""), "{link}");
    let rest = app.api("GET", "/api/0/projects/local/default/events/?per_page=2&cursor=0:2:0", None).await;
    assert_eq!(rest.body[0]["eventID"], ids[0].as_str());
    assert!(rest.headers["link"].to_str().unwrap().contains("rel=\"next\"; results=\"false\""));

    let (_, _) = app.add_project("empty");
    let empty = app.api("GET", "/api/0/projects/local/empty/events/", None).await;
    assert_eq!((empty.status, empty.body.clone()), (StatusCode::OK, json!([])));

    let mut event = python_error("IoError", "disk", &[("app.io", "write", "f.write(x)")]);
    event["event_id"] = json!(event_id());
    let with = event["event_id"].as_str().unwrap().to_string();
    let reply = app.post_envelope(with_attachment(&event, "log.txt", b"line one\nline two")).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let attachments = app.api("GET", &format!("/api/0/projects/local/default/events/{with}/attachments/"), None).await;
    assert_eq!(attachments.status, StatusCode::OK);
    let attachment = &attachments.body[0];
    assert_eq!(attachments.body.as_array().map(Vec::len), Some(1));
    assert_eq!((attachment["name"].as_str(), attachment["mimetype"].as_str()), (Some("log.txt"), Some("text/plain")));
    assert_eq!((attachment["size"].as_i64(), attachment["type"].as_str()), (Some(17), Some("event.attachment")));
    assert_eq!(attachment["event_id"], with.as_str());
    assert_eq!(attachment["headers"], json!({ "Content-Type": "text/plain" }));
    assert_eq!(attachment["sha1"], Value::Null);
    let none = app.api("GET", &format!("/api/0/projects/local/default/events/{}/attachments/", ids[0]), None).await;
    assert_eq!((none.status, none.body.clone()), (StatusCode::OK, json!([])));

    for path in [
        "/api/0/projects/local/nope/events/".to_string(),
        format!("/api/0/projects/local/default/events/{}/attachments/", event_id()),
        "/api/0/projects/local/default/events/not-an-id/attachments/".into(),
        format!("/api/0/projects/local/empty/events/{with}/attachments/"),
    ] {
        let reply = app.api("GET", &path, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.body["detail"], "The requested resource does not exist");
    }
    let bad = app.api("GET", "/api/0/projects/local/default/events/?cursor=nope", None).await;
    assert_eq!((bad.status, bad.body["detail"].as_str()), (StatusCode::BAD_REQUEST, Some("Invalid cursor parameter.")));
    let window = app.api("GET", "/api/0/projects/local/default/events/?statsPeriod=soon", None).await;
    assert_eq!(window.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn features_sift_lacks_answer_as_switched_off_in_sentry() {
    let app = TestApp::new();
    app.send_event(python_error("KeyError", "'x'", &[("app.views", "index", "x['x']")])).await;
    let o = "/api/0/organizations/local";

    let replays = app.api("GET", &format!("{o}/replay-count/?query=issue.id%3A%5B1%5D&returnIds=true"), None).await;
    assert_eq!((replays.status, replays.body.clone()), (StatusCode::OK, json!({})));
    let no_query = app.api("GET", &format!("{o}/replay-count/"), None).await;
    assert_eq!(no_query.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_query.body["detail"], "Must provide a query with issue.id, transaction or replay_id");

    let links = app.api("GET", &format!("{o}/issues/1/integrations/"), None).await;
    assert_eq!((links.status, links.body.clone()), (StatusCode::OK, json!([])));

    for method in ["GET", "POST"] {
        let autofix = app.api(method, &format!("{o}/issues/1/autofix/"), Some(json!({}))).await;
        assert_eq!(autofix.status, StatusCode::FORBIDDEN, "{method}");
        assert_eq!(autofix.body["detail"], "AI Autofix is not enabled for this organization.");
    }
    let dropped = app.api("GET", &format!("{o}/events-dropped/?dataset=errors&project=1"), None).await;
    assert_eq!(dropped.status, StatusCode::FORBIDDEN);
    assert!(dropped.body["detail"].as_str().unwrap().contains("records no outcomes"));
    let delete = app.api("DELETE", "/api/0/projects/local/default/", None).await;
    assert_eq!(delete.status, StatusCode::FORBIDDEN);
    assert_eq!(delete.body["detail"], "You do not have permission to perform this action.");
    assert_eq!(app.api("GET", "/api/0/projects/local/default/", None).await.status, StatusCode::OK);

    // What does not exist is still a 404: the organization, the issue, the project.
    for (method, path) in [
        ("GET", "/api/0/organizations/nope/replay-count/?query=issue.id:1".to_string()),
        ("GET", "/api/0/organizations/nope/events-dropped/".into()),
        ("GET", format!("{o}/issues/999/autofix/")),
        ("GET", format!("{o}/issues/999/integrations/")),
        ("DELETE", "/api/0/projects/local/nope/".into()),
    ] {
        let reply = app.api(method, &path, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    let anonymous = app.request("GET", &format!("{o}/replay-count/?query=issue.id:1"), &[], vec![]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    // OAuth's device login: no client is registered (RFC 8628's error), and sift says what to do.
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let device = app.request("POST", "/oauth/device/code/", &form, b"client_id=x&scope=org%3Aread".to_vec()).await;
    assert_eq!(device.status, StatusCode::UNAUTHORIZED);
    assert_eq!(device.body["error"], "invalid_client");
    assert!(device.body["error_description"].as_str().unwrap().contains("--token"));
}
