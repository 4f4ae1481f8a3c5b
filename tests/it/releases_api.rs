//! The releases, deploys, commits and repositories Web API in-process: Sentry's shapes and
//! statuses (201 and 208 on create, 204 on delete), releases made by events, newest first,
//! finalize, archive and restore, deploys, commits and refs, the project-scoped routes, and the
//! refusals with their status and `detail`. "Resolve in next release" against the release table's
//! order is here too.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::support::TestApp;

async fn create(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let reply = app.api("POST", "/api/0/organizations/local/releases/", Some(body)).await;
    (reply.status, reply.body)
}

fn versions(list: &Value) -> Vec<&str> {
    list.as_array().expect("a list").iter().map(|r| r["version"].as_str().expect("version")).collect()
}

#[tokio::test]
async fn releases_are_created_listed_finalized_archived_and_deleted() {
    let app = TestApp::new();
    let (status, first) =
        create(&app, json!({ "version": "1.0.0", "projects": ["default"], "url": "https://x" })).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!((first["version"].as_str(), first["shortVersion"].as_str()), (Some("1.0.0"), Some("1.0.0")));
    assert!(first["id"].is_i64() && first["dateCreated"].is_string() && first["dateReleased"].is_null());
    assert_eq!(first["projects"][0]["slug"], "default");
    assert_eq!(first["projects"][0]["name"], "Default");
    assert_eq!((first["newGroups"].as_u64(), first["commitCount"].as_u64()), (Some(0), Some(0)));
    let (status, again) = create(&app, json!({ "version": "1.0.0", "projects": [1] })).await;
    assert_eq!(status, StatusCode::ALREADY_REPORTED);
    assert_eq!(again["id"], first["id"]);
    create(&app, json!({ "version": "web@2.0.0+77", "projects": ["default"] })).await;

    let list = app.api("GET", "/api/0/organizations/local/releases/", None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(versions(&list.body), ["web@2.0.0+77", "1.0.0"], "newest first");
    assert_eq!(list.headers["x-hits"], "2");
    assert!(list.headers["link"].to_str().unwrap().contains("rel=\"next\"; results=\"false\""));
    assert_eq!(list.body[0]["versionInfo"]["package"], "web");
    assert_eq!(list.body[0]["shortVersion"], "2.0.0 (77)");
    let found = app.api("GET", "/api/0/organizations/local/releases/?query=WEB", None).await;
    assert_eq!(versions(&found.body), ["web@2.0.0+77"]);
    let scoped = app.api("GET", "/api/0/projects/local/default/releases/?per_page=1", None).await;
    assert_eq!(versions(&scoped.body), ["web@2.0.0+77"]);
    assert!(scoped.headers["link"].to_str().unwrap().contains("rel=\"next\"; results=\"true\""));

    let finalized = app
        .api(
            "PUT",
            "/api/0/organizations/local/releases/1.0.0/",
            Some(json!({ "projects": ["default"], "dateReleased": "2026-06-29T10:00:00.123456789Z" })),
        )
        .await;
    assert_eq!(finalized.status, StatusCode::OK, "{}", finalized.body);
    assert_eq!(finalized.body["dateReleased"], "2026-06-29T10:00:00.123Z");

    // sentry-cli archives by POSTing the version with a status.
    let (status, archived) = create(&app, json!({ "version": "1.0.0", "projects": [], "status": "archived" })).await;
    assert_eq!((status, archived["status"].as_str()), (StatusCode::ALREADY_REPORTED, Some("archived")));
    let open = app.api("GET", "/api/0/organizations/local/releases/", None).await;
    assert_eq!(versions(&open.body), ["web@2.0.0+77"], "archived releases are left out, as in Sentry");
    let archived = app.api("GET", "/api/0/organizations/local/releases/?status=archived", None).await;
    assert_eq!(versions(&archived.body), ["1.0.0"]);
    create(&app, json!({ "version": "1.0.0", "projects": [], "status": "open" })).await;

    let deleted = app.api("DELETE", "/api/0/organizations/local/releases/web@2.0.0+77/", None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = app.api("GET", "/api/0/organizations/local/releases/web@2.0.0+77/", None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(versions(&app.api("GET", "/api/0/organizations/local/releases/", None).await.body), ["1.0.0"]);
}

#[tokio::test]
async fn events_make_and_count_their_releases() {
    let app = TestApp::new();
    for (message, release) in [("a", "shop@1.0"), ("a", "shop@1.0"), ("b", "shop@1.1"), ("a", "shop@1.1")] {
        app.send_event(json!({ "message": message, "release": release, "environment": "production" })).await;
    }
    let list = app.api("GET", "/api/0/organizations/local/releases/", None).await;
    assert_eq!(versions(&list.body), ["shop@1.1", "shop@1.0"]);
    let (newer, older) = (&list.body[0], &list.body[1]);
    assert_eq!((newer["newGroups"].as_u64(), older["newGroups"].as_u64()), (Some(1), Some(1)));
    assert_eq!(
        (newer["projects"][0]["eventCount"].as_u64(), older["projects"][0]["eventCount"].as_u64()),
        (Some(2), Some(2))
    );
    assert!(older["firstEvent"].is_string() && older["lastEvent"].is_string());
    let hourly = newer["projects"][0]["eventStats"]["24h"].as_array().unwrap();
    assert_eq!(hourly.len(), 24);
    assert_eq!(hourly.last().unwrap()[1], 2, "this hour's events");
    assert_eq!(newer["projects"][0]["eventStats"]["14d"].as_array().unwrap().len(), 14);

    // An issue first seen in a release keeps it from being deleted, as in Sentry.
    let refused = app.api("DELETE", "/api/0/organizations/local/releases/shop@1.0/", None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.body["detail"], "This release is referenced by active issues and cannot be removed.");

    // The issue search finds the issues first seen in a release, and those seen in it.
    let first = app.api("GET", "/api/0/organizations/local/issues/?query=firstRelease:shop@1.1", None).await;
    assert_eq!(first.body.as_array().unwrap().len(), 1);
    let seen = app.api("GET", "/api/0/organizations/local/issues/?query=release:shop@1.1", None).await;
    assert_eq!(seen.body.as_array().unwrap().len(), 2);
    // A release made by sentry-cli before any event is the newest: `release:latest` names it.
    create(&app, json!({ "version": "shop@1.2", "projects": ["default"] })).await;
    let latest = app.api("GET", "/api/0/organizations/local/issues/?query=firstRelease:latest", None).await;
    assert_eq!(latest.body.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn deploys_commits_and_repositories() {
    let app = TestApp::new();
    create(&app, json!({ "version": "1.0", "projects": ["default"] })).await;
    let deploy = app
        .api(
            "POST",
            "/api/0/organizations/local/releases/1.0/deploys/",
            Some(json!({ "environment": "production", "name": null, "url": null, "dateStarted": null, "dateFinished": "2026-06-29T10:05:00Z" })),
        )
        .await;
    assert_eq!(deploy.status, StatusCode::CREATED, "{}", deploy.body);
    assert_eq!((deploy.body["id"].as_str(), deploy.body["environment"].as_str()), (Some("1"), Some("production")));
    app.api("POST", "/api/0/organizations/local/releases/1.0/deploys/", Some(json!({ "environment": "staging" })))
        .await;
    let deploys = app.api("GET", "/api/0/organizations/local/releases/1.0/deploys/", None).await;
    assert_eq!(deploys.body.as_array().unwrap().len(), 2);
    let release = app.api("GET", "/api/0/organizations/local/releases/1.0/", None).await.body;
    assert_eq!(
        (release["deployCount"].as_u64(), release["lastDeploy"]["environment"].as_str()),
        (Some(2), Some("staging"))
    );
    let envs = app.api("GET", "/api/0/organizations/local/environments/", None).await.body;
    assert!(envs.as_array().unwrap().iter().any(|e| e["name"] == "production"), "{envs}");

    // `set-commits --local` sends commits; their repository is made as Sentry makes it.
    let commits = json!({ "commits": [
        { "id": "c".repeat(40), "repository": "acme/shop", "author_name": "Dev", "author_email": "dev@example.com",
          "timestamp": "2026-06-29T10:00:00+02:00", "message": "fix checkout", "patch_set": [{ "path": "a.py", "type": "M" }] },
        { "id": "b".repeat(40), "repository": "acme/shop", "author_email": null, "message": null } ] });
    let set = app.api("PUT", "/api/0/organizations/local/releases/1.0/", Some(commits)).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(
        (set.body["commitCount"].as_u64(), set.body["lastCommit"]["id"].as_str()),
        (Some(2), Some("c".repeat(40).as_str()))
    );
    assert_eq!(set.body["authors"], json!([{ "name": "Dev", "email": "dev@example.com" }]));
    let listed = app.api("GET", "/api/0/organizations/local/releases/1.0/commits/", None).await.body;
    assert_eq!(listed[0]["id"], "c".repeat(40));
    let repos = app.api("GET", "/api/0/organizations/local/repos/", None).await.body;
    assert_eq!(repos[0]["name"], "acme/shop");
    assert_eq!(repos[0]["provider"], json!({ "id": "unknown", "name": "Unknown Provider" }));
    assert_eq!(repos[0]["status"], "active");

    // The next release walks git back to the previous release's last commit.
    create(&app, json!({ "version": "1.1", "projects": ["default"] })).await;
    let previous = app.api("GET", "/api/0/organizations/local/releases/1.1/previous-with-commits/", None).await.body;
    assert_eq!(previous["lastCommit"]["id"], "c".repeat(40));
    let none = app.api("GET", "/api/0/organizations/local/releases/1.0/previous-with-commits/", None).await.body;
    assert_eq!(none, json!({}));

    // Refs must name a known repository; a registered one with a URL serves `--auto`.
    let unknown = app
        .api(
            "PUT",
            "/api/0/organizations/local/releases/1.1/",
            Some(json!({ "refs": [{ "repository": "acme/other", "commit": "abc" }] })),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.body["detail"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Invalid repository names: acme/other"))
    );
    let added = app
        .api(
            "POST",
            "/api/0/organizations/local/repos/",
            Some(json!({ "name": "acme/web", "url": "https://github.com/acme/web" })),
        )
        .await;
    assert_eq!((added.status, added.body["provider"]["id"].as_str()), (StatusCode::CREATED, Some("git")));
    let twice = app.api("POST", "/api/0/organizations/local/repos/", Some(json!({ "name": "acme/web" }))).await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    let refs = app
        .api(
            "PUT",
            "/api/0/organizations/local/releases/1.1/",
            Some(json!({ "refs": [{ "repository": "ACME/web", "commit": "d".repeat(40), "previousCommit": null }] })),
        )
        .await;
    assert_eq!(refs.body["lastCommit"]["id"], "d".repeat(40));
    assert_eq!(refs.body["lastCommit"]["repository"]["name"], "acme/web");
}

#[tokio::test]
async fn bad_release_requests_are_refused_with_the_reason() {
    let app = TestApp::new();
    create(&app, json!({ "version": "1.0", "projects": ["default"] })).await;
    let cases: Vec<(&str, &str, Option<Value>, StatusCode, &str)> = vec![
        (
            "POST",
            "/api/0/organizations/local/releases/",
            Some(json!({ "projects": ["default"] })),
            StatusCode::BAD_REQUEST,
            "version: a release version is required",
        ),
        (
            "POST",
            "/api/0/organizations/local/releases/",
            Some(json!({ "version": "latest", "projects": ["default"] })),
            StatusCode::BAD_REQUEST,
            "Invalid release version \"latest\"",
        ),
        (
            "POST",
            "/api/0/organizations/local/releases/",
            Some(json!({ "version": "a\nb", "projects": ["default"] })),
            StatusCode::BAD_REQUEST,
            "line breaks",
        ),
        (
            "POST",
            "/api/0/organizations/local/releases/",
            Some(json!({ "version": "2.0" })),
            StatusCode::BAD_REQUEST,
            "needs at least one project",
        ),
        (
            "POST",
            "/api/0/organizations/local/releases/",
            Some(json!({ "version": "2.0", "projects": ["nope"] })),
            StatusCode::BAD_REQUEST,
            "Invalid project ids or slugs: \"nope\"",
        ),
        (
            "POST",
            "/api/0/organizations/local/releases/",
            Some(json!({ "version": "2.0", "projects": ["default"], "colour": 1 })),
            StatusCode::BAD_REQUEST,
            "unknown field `colour`",
        ),
        (
            "POST",
            "/api/0/organizations/local/releases/",
            Some(json!({ "version": 2, "projects": ["default"] })),
            StatusCode::BAD_REQUEST,
            "Invalid request body",
        ),
        (
            "PUT",
            "/api/0/organizations/local/releases/1.0/",
            Some(json!({ "dateReleased": "tuesday" })),
            StatusCode::BAD_REQUEST,
            "dateReleased: \"tuesday\" is not an RFC 3339 date",
        ),
        (
            "PUT",
            "/api/0/organizations/local/releases/1.0/",
            Some(json!({ "status": "gone" })),
            StatusCode::BAD_REQUEST,
            "valid: open, archived",
        ),
        (
            "PUT",
            "/api/0/organizations/local/releases/1.0/",
            Some(json!({ "commits": [{ "id": "" }] })),
            StatusCode::BAD_REQUEST,
            "invalid commit id",
        ),
        ("PUT", "/api/0/organizations/local/releases/9.9/", Some(json!({})), StatusCode::NOT_FOUND, "does not exist"),
        ("GET", "/api/0/projects/local/default/releases/9.9/", None, StatusCode::NOT_FOUND, "does not exist"),
        ("GET", "/api/0/organizations/local/releases/?status=maybe", None, StatusCode::BAD_REQUEST, "Invalid status"),
        ("GET", "/api/0/organizations/local/releases/?cursor=x", None, StatusCode::BAD_REQUEST, "Invalid cursor"),
        (
            "GET",
            "/api/0/organizations/local/releases/?health=1&healthStatsPeriod=3d",
            None,
            StatusCode::BAD_REQUEST,
            "Invalid healthStatsPeriod",
        ),
        (
            "POST",
            "/api/0/organizations/local/releases/1.0/deploys/",
            Some(json!({ "name": "x" })),
            StatusCode::BAD_REQUEST,
            "environment",
        ),
        (
            "POST",
            "/api/0/organizations/local/releases/9.9/deploys/",
            Some(json!({ "environment": "production" })),
            StatusCode::NOT_FOUND,
            "does not exist",
        ),
        (
            "POST",
            "/api/0/organizations/local/repos/",
            Some(json!({ "name": "a/b", "url": "ftp://x" })),
            StatusCode::BAD_REQUEST,
            "is not a repository URL",
        ),
        ("GET", "/api/0/organizations/nope/releases/", None, StatusCode::NOT_FOUND, "does not exist"),
    ];
    for (method, uri, body, status, detail) in cases {
        let reply = app.api(method, uri, body.clone()).await;
        assert_eq!(reply.status, status, "{method} {uri} {body:?}: {}", reply.body);
        let text = reply.body["detail"].as_str().unwrap_or_default();
        assert!(text.contains(detail), "{method} {uri}: {text:?} lacks {detail:?}");
        assert_eq!(reply.headers["content-type"], "application/json");
    }
    let token_less = app.request("GET", "/api/0/organizations/local/releases/", &[], Vec::new()).await;
    assert_eq!(token_less.status, StatusCode::UNAUTHORIZED);
    // And the server keeps serving.
    assert_eq!(app.api("GET", "/api/0/organizations/local/releases/", None).await.status, StatusCode::OK);
}

/// "Resolve in next release" against releases made and finalized by sentry-cli: an event in the
/// release current when it was resolved does not regress the issue, one in a later release does;
/// the order is the release table's, so a release created before its first event counts.
#[tokio::test]
async fn resolve_in_next_release_follows_the_release_table() {
    let app = TestApp::new();
    create(&app, json!({ "version": "2.0", "projects": ["default"], "dateReleased": "2026-06-29T10:00:00Z" })).await;
    app.send_event(json!({ "message": "checkout failed", "release": "2.0" })).await;
    let id = app.issues()[0].id;
    // 2.1 is created (not yet finalized) before anyone resolves: it is the current release.
    create(&app, json!({ "version": "2.1", "projects": ["default"] })).await;
    let resolve = app
        .api(
            "PUT",
            &format!("/api/0/organizations/local/issues/{id}/"),
            Some(json!({ "status": "resolvedInNextRelease" })),
        )
        .await;
    assert_eq!(resolve.status, StatusCode::OK, "{}", resolve.body);
    let status = |app: &TestApp| app.issues()[0].status.clone();
    app.send_event(json!({ "message": "checkout failed", "release": "2.0" })).await;
    app.send_event(json!({ "message": "checkout failed", "release": "2.1" })).await;
    assert_eq!(status(&app), "resolved", "2.0 and 2.1 are not after the resolution");
    create(&app, json!({ "version": "2.2", "projects": ["default"] })).await;
    app.api("PUT", "/api/0/organizations/local/releases/2.2/", Some(json!({ "dateReleased": "2026-06-30T10:00:00Z" })))
        .await;
    app.send_event(json!({ "message": "checkout failed", "release": "2.2" })).await;
    assert_eq!(status(&app), "unresolved", "2.2 came after: a regression");
    let issue = app.api("GET", &format!("/api/0/organizations/local/issues/{id}/"), None).await.body;
    assert_eq!(issue["substatus"], "regressed");
    assert_eq!(issue["firstRelease"]["version"], "2.0");
    assert_eq!(issue["lastRelease"]["version"], "2.2");
    assert_eq!(issue["firstRelease"]["dateReleased"], "2026-06-29T10:00:00.000Z");
}
