//! The Web API driven in-process: Sentry's shapes and types, Bearer auth, `Link` paging,
//! search, every update kind read back, events with neighbours, tags, comments, and refusals.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, event_id, python_error};

/// Sends `n` distinct errors (one issue each) to project 1.
async fn distinct_issues(app: &TestApp, n: usize) {
    for i in 0..n {
        let mut event = python_error(&format!("Error{i}"), "boom", &[("app.mod", &format!("handler_{i}"), "raise")]);
        event["event_id"] = json!(event_id());
        app.send_event(event).await;
    }
}

fn link(reply: &crate::support::Reply) -> String {
    reply.headers.get("link").expect("a Link header").to_str().unwrap().to_string()
}

/// The `cursor` of the `rel` entry of a Link header, and its `results` flag.
fn cursor(link: &str, rel: &str) -> (String, bool) {
    let entry = link.split(", <").find(|e| e.contains(&format!("rel=\"{rel}\""))).expect("entry");
    let results = entry.contains("results=\"true\"");
    let cursor = entry.split("cursor=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    (cursor, results)
}

#[tokio::test]
async fn token_is_required_and_checked() {
    let app = TestApp::new();
    let none = app.request("GET", "/api/0/organizations/", &[], vec![]).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.body["detail"], "Authentication credentials were not provided.");
    assert_eq!(none.headers["content-type"], "application/json");
    let wrong = app.request("GET", "/api/0/organizations/", &[("authorization", "Bearer sntryu_nope")], vec![]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["detail"], "Invalid token");
    let ok = app.api("GET", "/api/0/organizations/", None).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.body[0]["slug"], "local");
    assert_eq!(ok.body[0]["id"], "1");

    let anonymous = app.request("GET", "/api/0/", &[], vec![]).await;
    assert_eq!(anonymous.body["user"], Value::Null);
    let known = app.api("GET", "/api/0/", None).await;
    assert_eq!(known.body["user"]["username"], "local");
    assert!(known.body["auth"]["scopes"].as_array().unwrap().contains(&json!("event:write")));
}

#[tokio::test]
async fn catalogue_has_sentry_shapes() {
    let app = TestApp::new();
    let mut event = python_error("KeyError", "'x'", &[("app.views", "index", "x['x']")]);
    event["environment"] = json!("staging");
    app.send_event(event).await;

    let projects = app.api("GET", "/api/0/organizations/local/projects/", None).await;
    assert_eq!(projects.body[0]["id"], "1");
    assert_eq!(projects.body[0]["slug"], "default");
    assert!(link(&projects).contains("rel=\"next\"; results=\"false\""));
    let all = app.api("GET", "/api/0/projects/", None).await;
    assert_eq!(all.body.as_array().unwrap().len(), 1);

    let keys = app.api("GET", "/api/0/projects/local/default/keys/", None).await;
    let dsn = keys.body[0]["dsn"]["public"].as_str().unwrap();
    assert!(dsn.starts_with("http://") && dsn.ends_with("/1") && dsn.contains(&app.key), "{dsn}");

    let envs = app.api("GET", "/api/0/organizations/local/environments/", None).await;
    assert_eq!(envs.body, json!([{ "id": "1", "name": "staging", "isHidden": false }]));
    let by_id = app.api("GET", "/api/0/organizations/1/", None).await;
    assert_eq!(by_id.body["slug"], "local");
    let unknown = app.api("GET", "/api/0/organizations/nope/projects/", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["detail"], "The requested resource does not exist");
}

#[tokio::test]
async fn issue_objects_use_sentry_types() {
    let app = TestApp::new();
    for _ in 0..3 {
        let mut event = python_error("ValueError", "bad input", &[("app.views", "handler", "raise ValueError")]);
        event["user"] = json!({ "id": "7" });
        app.send_event(event).await;
    }
    let list = app.api("GET", "/api/0/organizations/local/issues/", None).await;
    assert_eq!(list.status, StatusCode::OK);
    let issue = &list.body[0];
    assert_eq!(issue["count"], "3");
    assert_eq!(issue["userCount"], 1);
    assert!(issue["id"].is_string() && issue["project"]["id"].is_string());
    assert_eq!(issue["shortId"], "DEFAULT-1");
    assert_eq!(issue["title"], "ValueError: bad input");
    assert_eq!(issue["status"], "unresolved");
    assert_eq!(issue["substatus"], "new");
    assert_eq!(issue["priority"], "high");
    assert_eq!(issue["statusDetails"], json!({}));
    assert_eq!(issue["assignedTo"], Value::Null);
    assert!(issue["lastSeen"].as_str().unwrap().ends_with('Z'));
    let stats = issue["stats"]["24h"].as_array().unwrap();
    assert_eq!(stats.len(), 24);
    assert_eq!(stats.iter().map(|p| p[1].as_i64().unwrap()).sum::<i64>(), 3);
    assert_eq!(list.headers["x-hits"], "1");

    let fourteen = app.api("GET", "/api/0/organizations/local/issues/?groupStatsPeriod=14d", None).await;
    assert_eq!(fourteen.body[0]["stats"]["14d"].as_array().unwrap().len(), 14);
    let by_short = app.api("GET", "/api/0/organizations/local/issues/DEFAULT-1/", None).await;
    assert_eq!(by_short.body["id"], issue["id"]);
    assert_eq!(by_short.body["stats"]["30d"].as_array().unwrap().len(), 30);
    let lookup = app.api("GET", "/api/0/organizations/local/issues/?query=DEFAULT-1&shortIdLookup=1", None).await;
    assert_eq!(lookup.body[0]["id"], issue["id"]);
    let resolved = app.api("GET", "/api/0/organizations/local/shortids/default-1/", None).await;
    assert_eq!(resolved.body["groupId"], issue["id"]);
}

#[tokio::test]
async fn paging_follows_link_cursors() {
    let app = TestApp::new();
    distinct_issues(&app, 250).await;
    let mut seen = std::collections::HashSet::new();
    let mut url = "/api/0/projects/local/default/issues/?query=&cursor=".to_string();
    let mut pages = 0;
    loop {
        let page = app.api("GET", &url, None).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
        pages += 1;
        for issue in page.body.as_array().unwrap() {
            assert!(seen.insert(issue["id"].as_str().unwrap().to_string()), "no issue twice");
        }
        let (next, more) = cursor(&link(&page), "next");
        if !more {
            break;
        }
        url = format!("/api/0/projects/local/default/issues/?query=&cursor={next}");
    }
    assert_eq!((seen.len(), pages), (250, 3));
    let small = app.api("GET", "/api/0/organizations/local/issues/?limit=25&cursor=0:25:0", None).await;
    assert_eq!(small.body.as_array().unwrap().len(), 25);
    let (previous, has_previous) = cursor(&link(&small), "previous");
    assert_eq!((previous.as_str(), has_previous), ("0:0:1", true));
}

/// Every sort orders the whole list, the same one page at a time as all at once, with ties
/// broken newest issue first.
#[tokio::test]
async fn each_sort_orders_the_pages() {
    let app = TestApp::new();
    let now = chrono::Utc::now().timestamp() as f64;
    // (event ages in seconds, one user each by index): issues 0..5 in creation order.
    let issues: [(&[f64], &[&str]); 5] = [
        (&[50.0], &["a"]),
        (&[400.0, 300.0, 200.0, 10.0], &["a", "a", "a", "a"]),
        (&[300.0, 250.0], &["a", "b"]),
        (&[100.0, 90.0, 80.0], &["a", "b", "c"]),
        (&[600.0, 580.0, 560.0, 540.0, 500.0], &["a", "a", "a", "a", "a"]),
    ];
    for (i, (ages, users)) in issues.iter().enumerate() {
        for (age, user) in ages.iter().zip(users.iter()) {
            let mut event = python_error(&format!("Sorted{i}"), "x", &[("app.sorts", &format!("f{i}"), "raise")]);
            event["event_id"] = json!(event_id());
            event["timestamp"] = json!(now - age);
            event["user"] = json!({ "id": user });
            app.send_event(event).await;
        }
    }
    let order = |reply: &crate::support::Reply| -> Vec<String> {
        reply
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let title = i["title"].as_str().unwrap();
                title.trim_start_matches("Sorted").split(':').next().unwrap().to_string()
            })
            .collect()
    };
    for (sort, expected) in [
        ("date", ["1", "0", "3", "2", "4"]),
        ("new", ["0", "3", "2", "1", "4"]),
        ("freq", ["4", "1", "3", "2", "0"]),
        ("user", ["3", "2", "4", "1", "0"]),
    ] {
        let all = app.api("GET", &format!("/api/0/organizations/local/issues/?query=&sort={sort}"), None).await;
        assert_eq!(order(&all), expected, "{sort}: one page");
        let mut paged = Vec::new();
        for offset in [0, 2, 4] {
            let url = format!("/api/0/organizations/local/issues/?query=&sort={sort}&limit=2&cursor=0:{offset}:0");
            paged.extend(order(&app.api("GET", &url, None).await));
        }
        assert_eq!(paged, expected, "{sort}: two at a time");
    }
}

#[tokio::test]
async fn search_filters_and_sorts() {
    let app = TestApp::new();
    let mut prod = python_error("TimeoutError", "upstream slow", &[("app.net", "fetch", "raise")]);
    prod["environment"] = json!("production");
    prod["tags"] = json!({ "server": "web-8" });
    prod["user"] = json!({ "id": "42", "email": "ops@example.com" });
    for _ in 0..4 {
        app.send_event(prod.clone()).await;
    }
    let mut warn = python_error("DeprecationWarning", "old api", &[("app.legacy", "call", "warn")]);
    warn["level"] = json!("warning");
    warn["environment"] = json!("staging");
    app.send_event(warn).await;

    let titles = |reply: &crate::support::Reply| -> Vec<String> {
        reply.body.as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_string()).collect()
    };
    let q = |query: &str| format!("/api/0/organizations/local/issues/?query={}", urlencode(query));
    let cases = [
        ("level:warning", vec!["DeprecationWarning: old api"]),
        ("!level:warning", vec!["TimeoutError: upstream slow"]),
        ("server:web-8", vec!["TimeoutError: upstream slow"]),
        ("has:server", vec!["TimeoutError: upstream slow"]),
        ("times_seen:>2", vec!["TimeoutError: upstream slow"]),
        ("upstream", vec!["TimeoutError: upstream slow"]),
        ("error.type:Deprecation*", vec!["DeprecationWarning: old api"]),
        ("issue.priority:medium", vec!["DeprecationWarning: old api"]),
        ("is:resolved", vec![]),
        ("lastSeen:-1h is:unresolved", vec!["DeprecationWarning: old api", "TimeoutError: upstream slow"]),
        ("user.email:ops@example.com", vec!["TimeoutError: upstream slow"]),
        ("user.id:42", vec!["TimeoutError: upstream slow"]),
        ("project:default", vec!["DeprecationWarning: old api", "TimeoutError: upstream slow"]),
        ("project:other", vec![]),
    ];
    for (query, expected) in cases {
        let reply = app.api("GET", &q(query), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}: {:?}", reply.body);
        let mut got = titles(&reply);
        got.sort();
        assert_eq!(got, expected, "{query}");
    }
    let env = app.api("GET", "/api/0/organizations/local/issues/?environment=staging", None).await;
    assert_eq!(titles(&env), vec!["DeprecationWarning: old api"]);
    let by_freq = app.api("GET", "/api/0/organizations/local/issues/?sort=freq", None).await;
    assert_eq!(titles(&by_freq)[0], "TimeoutError: upstream slow");
    let bad = app.api("GET", &q("times_seen:>abc"), None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body["detail"].as_str().unwrap().starts_with("Error parsing search query:"), "{:?}", bad.body);
    assert!(bad.body["detail"].as_str().unwrap().contains("position"));
    let bad_sort = app.api("GET", "/api/0/organizations/local/issues/?sort=loudest", None).await;
    assert_eq!(bad_sort.status, StatusCode::BAD_REQUEST);
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Updates issue 1 with `body` and returns the issue as read back.
async fn update(app: &TestApp, body: Value) -> Value {
    let reply = app.api("PUT", "/api/0/organizations/local/issues/1/", Some(body.clone())).await;
    assert_eq!(reply.status, StatusCode::OK, "{body}: {:?}", reply.body);
    let read = app.api("GET", "/api/0/organizations/local/issues/1/", None).await;
    assert_eq!(reply.body["status"], read.body["status"]);
    read.body
}

#[tokio::test]
async fn every_update_kind_reads_back() {
    let app = TestApp::new();
    let mut event = python_error("RuntimeError", "x", &[("app.jobs", "run", "raise")]);
    event["release"] = json!("app@1.0.0");
    app.send_event(event).await;

    let issue = update(&app, json!({ "status": "resolved" })).await;
    assert_eq!((issue["status"].as_str(), issue["substatus"].as_str()), (Some("resolved"), None));
    let issue = update(&app, json!({ "status": "resolvedInNextRelease" })).await;
    assert_eq!(issue["statusDetails"], json!({ "inNextRelease": true }));
    let issue = update(&app, json!({ "status": "resolved", "statusDetails": { "inRelease": "latest" } })).await;
    assert_eq!(issue["statusDetails"], json!({ "inRelease": "app@1.0.0" }));
    let issue = update(&app, json!({ "status": "unresolved" })).await;
    assert_eq!((issue["status"].as_str(), issue["substatus"].as_str()), (Some("unresolved"), Some("new")));
    let issue = update(&app, json!({ "status": "ignored" })).await;
    assert_eq!(issue["substatus"], "archived_forever");
    let issue = update(&app, json!({ "status": "ignored", "statusDetails": { "ignoreDuration": 30 } })).await;
    assert_eq!(issue["substatus"], "archived_until_condition_met");
    assert!(issue["statusDetails"]["ignoreUntil"].is_string());
    let issue =
        update(&app, json!({ "status": "ignored", "statusDetails": { "ignoreCount": 100, "ignoreWindow": 60 } })).await;
    assert_eq!(issue["statusDetails"]["ignoreCount"], 100);
    assert_eq!(issue["statusDetails"]["ignoreWindow"], 60);
    let issue = update(&app, json!({ "status": "ignored", "statusDetails": { "ignoreUserCount": 5 } })).await;
    assert_eq!(issue["statusDetails"]["ignoreUserCount"], 5);
    let issue =
        update(&app, json!({ "status": "ignored", "substatus": "archived_until_escalating", "statusDetails": {} }))
            .await;
    assert_eq!(issue["substatus"], "archived_until_escalating");
    assert_eq!(issue["statusDetails"]["ignoreUntilEscalating"], true);
    let issue = update(&app, json!({ "status": "unresolved", "substatus": "ongoing" })).await;
    assert_eq!(issue["substatus"], "ongoing");

    let issue = update(&app, json!({ "priority": "low" })).await;
    assert_eq!(issue["priority"], "low");
    assert!(issue["priorityLockedAt"].is_string());
    let issue = update(&app, json!({ "assignedTo": "user:1" })).await;
    assert_eq!(issue["assignedTo"]["id"], "1");
    assert_eq!(issue["assignedTo"]["type"], "user");
    let issue = update(&app, json!({ "assignedTo": "local" })).await;
    assert_eq!(issue["assignedTo"]["id"], "1");
    let issue = update(&app, json!({ "assignedTo": "" })).await;
    assert_eq!(issue["assignedTo"], Value::Null);
    let issue = update(&app, json!({ "isBookmarked": true })).await;
    assert_eq!(issue["isBookmarked"], true);
    let issue = update(&app, json!({ "hasSeen": true })).await;
    assert_eq!(issue["hasSeen"], true);
    let issue = update(&app, json!({ "isBookmarked": false, "hasSeen": false })).await;
    assert_eq!((issue["isBookmarked"].as_bool(), issue["hasSeen"].as_bool()), (Some(false), Some(false)));

    let activity = app.api("GET", "/api/0/organizations/local/issues/1/activities/", None).await;
    let kinds: Vec<&str> = activity.body.as_array().unwrap().iter().map(|a| a["type"].as_str().unwrap()).collect();
    for kind in [
        "set_resolved",
        "set_resolved_in_release",
        "set_unresolved",
        "set_ignored",
        "set_priority",
        "assigned",
        "unassigned",
        "first_seen",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let mine = app.api("GET", "/api/0/organizations/local/issues/?query=is:bookmarked", None).await;
    assert_eq!(mine.body.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn bulk_updates_merge_and_delete() {
    let app = TestApp::new();
    distinct_issues(&app, 4).await;
    let resolved =
        app.api("PUT", "/api/0/organizations/local/issues/?id=1&id=2", Some(json!({ "status": "resolved" }))).await;
    assert_eq!(resolved.status, StatusCode::OK);
    assert_eq!(resolved.body["status"], "resolved");
    let list = app.api("GET", "/api/0/organizations/local/issues/?query=is:resolved", None).await;
    assert_eq!(list.body.as_array().unwrap().len(), 2);
    let nothing =
        app.api("PUT", "/api/0/organizations/local/issues/?id=999", Some(json!({ "status": "resolved" }))).await;
    assert_eq!(nothing.status, StatusCode::NO_CONTENT);
    // sentry-cli's shapes: project-scoped, muted, with a null snoozeDuration.
    let muted = app
        .api(
            "PUT",
            "/api/0/projects/local/default/issues/?id=3",
            Some(json!({ "status": "muted", "snoozeDuration": null })),
        )
        .await;
    assert_eq!(muted.status, StatusCode::OK);
    assert_eq!(app.api("GET", "/api/0/issues/3/", None).await.body["status"], "ignored");
    let needs_ids = app.api("PUT", "/api/0/organizations/local/issues/", Some(json!({ "priority": "low" }))).await;
    assert_eq!(needs_ids.status, StatusCode::BAD_REQUEST);

    let merged = app.api("PUT", "/api/0/organizations/local/issues/?id=3&id=4", Some(json!({ "merge": true }))).await;
    assert_eq!(merged.status, StatusCode::OK, "{:?}", merged.body);
    let parent = merged.body["merge"]["parent"].as_str().unwrap().to_string();
    let child = merged.body["merge"]["children"][0].as_str().unwrap().to_string();
    let parent_issue = app.api("GET", &format!("/api/0/issues/{parent}/"), None).await;
    assert_eq!(parent_issue.body["count"], "2");
    assert_eq!(app.api("GET", &format!("/api/0/issues/{child}/"), None).await.status, StatusCode::NOT_FOUND);

    let deleted = app.api("DELETE", "/api/0/organizations/local/issues/1/", None).await;
    assert_eq!(deleted.status, StatusCode::ACCEPTED);
    assert_eq!(app.api("GET", "/api/0/issues/1/", None).await.status, StatusCode::NOT_FOUND);
    let bulk = app.api("DELETE", "/api/0/organizations/local/issues/?id=2", None).await;
    assert_eq!(bulk.status, StatusCode::NO_CONTENT);
    assert_eq!(app.issues().len(), 1);
}

#[tokio::test]
async fn events_step_through_neighbours() {
    let app = TestApp::new();
    let mut ids = Vec::new();
    for (i, env) in ["production", "staging", "production"].iter().enumerate() {
        let mut event = python_error("IOError", "disk", &[("app.io", "write", "raise")]);
        let id = event_id();
        event["event_id"] = json!(id);
        event["environment"] = json!(env);
        event["timestamp"] =
            json!(1_700_000_000.0 + i as f64 + chrono::Utc::now().timestamp() as f64 - 1_700_000_000.0 - 10.0);
        event["request"] = json!({ "url": "http://x/y?a=1", "method": "POST", "headers": { "Content-Type": "application/json" }, "query_string": "a=1" });
        app.send_event(event).await;
        ids.push(id);
    }
    let base = "/api/0/organizations/local/issues/1/events";
    let latest = app.api("GET", &format!("{base}/latest/"), None).await;
    assert_eq!(latest.body["eventID"], ids[2]);
    assert_eq!(latest.body["previousEventID"], ids[1]);
    assert_eq!(latest.body["nextEventID"], Value::Null);
    let oldest = app.api("GET", &format!("{base}/oldest/"), None).await;
    assert_eq!(oldest.body["eventID"], ids[0]);
    assert_eq!(oldest.body["nextEventID"], ids[1]);
    let filtered = app.api("GET", &format!("{base}/latest/?environment=production"), None).await;
    assert_eq!(filtered.body["previousEventID"], ids[0]);
    let recommended = app.api("GET", &format!("{base}/recommended/"), None).await;
    assert_eq!(recommended.status, StatusCode::OK);
    let hyphenated = uuid::Uuid::parse_str(&ids[1]).unwrap().hyphenated().to_string();
    let one = app.api("GET", &format!("{base}/{hyphenated}/"), None).await;
    assert_eq!(one.body["id"], ids[1]);
    assert!(one.body["tags"].as_array().unwrap().contains(&json!({ "key": "environment", "value": "staging" })));
    let entries: Vec<&str> =
        one.body["entries"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(entries, ["exception", "request"]);
    let frame = &one.body["entries"][0]["data"]["values"][0]["stacktrace"]["frames"][0];
    assert_eq!(frame["lineNo"], 10);
    assert_eq!(frame["context"][1], json!([10, "raise"]));
    assert_eq!(one.body["entries"][1]["data"]["query"], json!([["a", "1"]]));
    assert!(one.body.get("environment").is_none(), "environment is only a tag");

    let list = app.api("GET", &format!("{base}/?full=true"), None).await;
    assert_eq!(list.body.as_array().unwrap().len(), 3);
    assert!(list.body[0]["entries"].is_array());
    let short = app.api("GET", &format!("{base}/"), None).await;
    assert!(short.body[0].get("entries").is_none());
    // A time window counts the events in it: how the console finds "event 2 of 3".
    let middle = app.api("GET", &format!("{base}/{}/", ids[1]), None).await;
    let at = chrono::DateTime::parse_from_rfc3339(middle.body["dateCreated"].as_str().unwrap()).unwrap();
    let end = (at + chrono::Duration::milliseconds(1)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let window = app.api("GET", &format!("{base}/?start=1970-01-01T00:00:00Z&end={end}&per_page=1"), None).await;
    assert_eq!(window.headers["x-hits"], "2", "the oldest two are at or before the middle one");
    assert_eq!(window.body[0]["eventID"], ids[1]);
    let recent = app.api("GET", &format!("{base}/?statsPeriod=1h"), None).await;
    assert_eq!(recent.headers["x-hits"], "3");
    let bad = app.api("GET", &format!("{base}/?end=yesterday"), None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["detail"], "Invalid end \"yesterday\"");
    let project = app.api("GET", &format!("/api/0/projects/local/default/events/{}/", ids[0]), None).await;
    assert_eq!(project.body["groupID"], "1");
    let missing = app.api("GET", &format!("{base}/{}/", event_id()), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// What search completion reads: the organization's tag keys and a key's values, summed over
/// its issues, narrowed by project and by the text typed.
#[tokio::test]
async fn organization_tags_for_search_completion() {
    let app = TestApp::new();
    for (kind, browser) in [("TypeError", "Chrome 120"), ("TypeError", "Chrome 120"), ("KeyError", "Firefox 121")] {
        let mut event = python_error(kind, "undefined", &[("app.ui", "render", "x.y")]);
        event["tags"] = json!({ "browser": browser });
        app.send_event(event).await;
    }
    let keys = app.api("GET", "/api/0/organizations/local/tags/", None).await;
    assert_eq!(keys.status, StatusCode::OK);
    let browser = keys.body.as_array().unwrap().iter().find(|k| k["key"] == "browser").unwrap().clone();
    assert_eq!((browser["name"].clone(), browser["totalValues"].clone()), (json!("Browser"), json!(3)));
    assert_eq!(browser["uniqueValues"], 2, "summed over both issues");
    assert!(keys.body.as_array().unwrap().iter().any(|k| k["key"] == "level"));
    let scoped = app.api("GET", "/api/0/organizations/local/tags/?project=default&project=-1", None).await;
    assert_eq!(scoped.body, keys.body);
    let flags = app.api("GET", "/api/0/organizations/local/tags/?useFlagsBackend=1", None).await;
    assert_eq!(flags.body, json!([]), "sift has no feature flags");

    let values = app.api("GET", "/api/0/organizations/local/tags/browser/values/", None).await;
    let listed: Vec<(Value, Value)> =
        values.body.as_array().unwrap().iter().map(|v| (v["value"].clone(), v["count"].clone())).collect();
    assert_eq!(listed, [(json!("Chrome 120"), json!(2)), (json!("Firefox 121"), json!(1))], "most common first");
    assert_eq!(values.body[0]["key"], "browser");
    assert_eq!(values.body[0]["query"], "browser:\"Chrome 120\"");
    assert!(values.body[0]["lastSeen"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert!(link(&values).contains("rel=\"next\"; results=\"false\""));
    let typed = app.api("GET", "/api/0/organizations/local/tags/browser/values/?query=FIRE", None).await;
    assert_eq!(typed.body.as_array().unwrap().len(), 1, "contains, ignoring case");
    assert_eq!(typed.body[0]["value"], "Firefox 121");
    let paged = app.api("GET", "/api/0/organizations/local/tags/browser/values/?per_page=1", None).await;
    assert!(cursor(&link(&paged), "next").1, "a second page");
    let nothing = app.api("GET", "/api/0/organizations/local/tags/nope/values/", None).await;
    assert_eq!((nothing.status, nothing.body.clone()), (StatusCode::OK, json!([])));

    for (path, status, detail) in [
        (
            "/api/0/organizations/local/tags/bad%20key/values/",
            StatusCode::BAD_REQUEST,
            "Invalid tag key format for \"bad key\"",
        ),
        (
            "/api/0/organizations/local/tags/?project=nope",
            StatusCode::BAD_REQUEST,
            "Invalid project \"nope\": no such project in this organization",
        ),
        (
            "/api/0/organizations/local/tags/browser/values/?sort=weird",
            StatusCode::BAD_REQUEST,
            "Invalid sort \"weird\"; valid: -count, -date, -age, id",
        ),
        ("/api/0/organizations/nope/tags/", StatusCode::NOT_FOUND, "The requested resource does not exist"),
    ] {
        let reply = app.api("GET", path, None).await;
        assert_eq!((reply.status, reply.body["detail"].as_str().unwrap()), (status, detail), "{path}");
    }
    let bare = app.request("GET", "/api/0/organizations/local/tags/", &[], vec![]).await;
    assert_eq!(bare.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn tags_and_comments() {
    let app = TestApp::new();
    for browser in ["Chrome", "Chrome", "Firefox"] {
        let mut event = python_error("TypeError", "undefined", &[("app.ui", "render", "x.y")]);
        event["tags"] = json!({ "browser.name": browser });
        app.send_event(event).await;
    }
    let keys = app.api("GET", "/api/0/organizations/local/issues/1/tags/", None).await;
    let browser = keys.body.as_array().unwrap().iter().find(|k| k["key"] == "browser.name").unwrap().clone();
    assert_eq!(browser["totalValues"], 3);
    assert_eq!(browser["topValues"][0]["value"], "Chrome");
    assert_eq!(browser["topValues"][0]["count"], 2);
    let values = app.api("GET", "/api/0/organizations/local/issues/1/tags/browser.name/values/", None).await;
    assert_eq!(values.body.as_array().unwrap().len(), 2);
    assert!(link(&values).contains("rel=\"next\""));
    let missing = app.api("GET", "/api/0/organizations/local/issues/1/tags/nope/values/", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let comments = "/api/0/organizations/local/issues/1/comments/";
    let added = app.api("POST", comments, Some(json!({ "text": "looking into it" }))).await;
    assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    assert_eq!(added.body["type"], "note");
    assert_eq!(added.body["data"]["text"], "looking into it");
    let again = app.api("POST", comments, Some(json!({ "text": "looking into it" }))).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.body["detail"], "You have already posted that comment.");
    let id = added.body["id"].as_str().unwrap();
    let edited = app.api("PUT", &format!("{comments}{id}/"), Some(json!({ "text": "fixed in #42" }))).await;
    assert_eq!(edited.body["data"]["text"], "fixed in #42");
    let listed = app.api("GET", comments, None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    let detail = app.api("GET", "/api/0/organizations/local/issues/1/", None).await;
    assert_eq!(detail.body["numComments"], 1);
    let deleted = app.api("DELETE", &format!("{comments}{id}/"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(app.api("GET", comments, None).await.body, json!([]));
}

#[tokio::test]
async fn bad_input_gets_clear_refusals() {
    let app = TestApp::new();
    distinct_issues(&app, 1).await;
    let issue = "/api/0/organizations/local/issues/1/";
    type Case<'a> = (&'a str, &'a str, Option<Vec<u8>>, StatusCode, &'a str);
    let cases: Vec<Case> = vec![
        ("PUT", issue, Some(b"{\"status\":".to_vec()), StatusCode::BAD_REQUEST, "Invalid request body"),
        ("PUT", issue, Some(br#"{"colour":"red"}"#.to_vec()), StatusCode::BAD_REQUEST, "unknown field `colour`"),
        ("PUT", issue, Some(br#"{"hasSeen":"yes"}"#.to_vec()), StatusCode::BAD_REQUEST, "invalid type"),
        ("PUT", issue, Some(br#"{"status":"fixed"}"#.to_vec()), StatusCode::BAD_REQUEST, "valid: resolved"),
        (
            "PUT",
            issue,
            Some(br#"{"assignedTo":"nobody@example.com"}"#.to_vec()),
            StatusCode::BAD_REQUEST,
            "unknown user",
        ),
        ("PUT", issue, Some(br#"{"assignedTo":"team:3"}"#.to_vec()), StatusCode::BAD_REQUEST, "no teams"),
        (
            "PUT",
            "/api/0/organizations/local/issues/999/",
            Some(br#"{"status":"resolved"}"#.to_vec()),
            StatusCode::NOT_FOUND,
            "does not exist",
        ),
        ("GET", "/api/0/organizations/acme/issues/", None, StatusCode::NOT_FOUND, "does not exist"),
        ("GET", "/api/0/organizations/local/issues/NOPE-1/", None, StatusCode::NOT_FOUND, "does not exist"),
        ("GET", "/api/0/organizations/local/issues/?cursor=garbage", None, StatusCode::BAD_REQUEST, "Invalid cursor"),
        ("GET", "/api/0/organizations/local/issues/?limit=-3", None, StatusCode::BAD_REQUEST, "Invalid limit"),
        ("GET", "/api/0/organizations/local/issues/?project=nope", None, StatusCode::BAD_REQUEST, "Invalid project"),
        (
            "GET",
            "/api/0/organizations/local/issues/?query=is:sleeping",
            None,
            StatusCode::BAD_REQUEST,
            "Error parsing search query",
        ),
        (
            "POST",
            "/api/0/organizations/local/issues/1/comments/",
            Some(br#"{"text":""}"#.to_vec()),
            StatusCode::BAD_REQUEST,
            "may not be blank",
        ),
        (
            "POST",
            "/api/0/organizations/local/issues/1/comments/",
            Some(br#"{"txt":"x"}"#.to_vec()),
            StatusCode::BAD_REQUEST,
            "unknown field",
        ),
        ("DELETE", "/api/0/organizations/local/issues/1/comments/77/", None, StatusCode::NOT_FOUND, "does not exist"),
        ("PATCH", issue, None, StatusCode::METHOD_NOT_ALLOWED, "Method not allowed"),
    ];
    for (method, uri, body, status, needle) in cases {
        let token = format!("Bearer {}", app.token());
        let reply = app.request(method, uri, &[("authorization", &token)], body.unwrap_or_default()).await;
        assert_eq!(reply.status, status, "{method} {uri}: {:?}", reply.body);
        let detail = reply.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(needle), "{method} {uri}: {detail:?} lacks {needle:?}");
        assert_eq!(reply.headers["content-type"], "application/json");
    }
    // Still serving, nothing lost.
    assert_eq!(app.api("GET", issue, None).await.body["count"], "1");
}

#[tokio::test]
async fn every_list_sends_a_link_header() {
    let app = TestApp::new();
    distinct_issues(&app, 1).await;
    app.api("POST", "/api/0/organizations/local/issues/1/comments/", Some(json!({ "text": "hi" }))).await;
    for list in [
        "/api/0/organizations/",
        "/api/0/organizations/local/projects/",
        "/api/0/projects/",
        "/api/0/projects/local/default/keys/",
        "/api/0/organizations/local/environments/",
        "/api/0/organizations/local/issues/",
        "/api/0/projects/local/default/issues/",
        "/api/0/organizations/local/issues/1/events/",
        "/api/0/organizations/local/issues/1/tags/",
        "/api/0/organizations/local/issues/1/tags/level/values/",
        "/api/0/organizations/local/issues/1/comments/",
        "/api/0/organizations/local/issues/1/activities/",
    ] {
        let reply = app.api("GET", list, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{list}");
        assert!(reply.body.is_array(), "{list}");
        let link = link(&reply);
        assert!(link.contains("rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\""), "{list}: {link}");
        assert!(link.contains("; rel=\"next\"; results=\""), "{list}: {link}");
    }
}
