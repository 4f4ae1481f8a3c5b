//! The real-client suite: sentry-python, @sentry/node and sentry-cli (installed by
//! `tests/sdk/install.sh`) send the shared scenario to the compiled `sift serve`; the stored
//! issues are checked against `tests/sdk/expected.json`. `.ci/run` installs the clients and
//! runs this with `--ignored`.

use std::path::PathBuf;
use std::process::Command;

use regex::Regex;
use serde_json::Value;
use sift::store::{self, issues};

use super::support::{SiftProcess, dsn_of};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn events_of(conn: &rusqlite::Connection, issue: &issues::IssueRecord) -> Vec<Value> {
    issues::issue_events(conn, issue.id).expect("events").into_iter().map(|e| e.data).collect()
}

fn exception_types(event: &Value) -> Vec<String> {
    event["exception"]["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["type"].as_str().map(str::to_owned))
        .collect()
}

/// Does this stored issue match the expectation's identifying fields?
fn matches(conn: &rusqlite::Connection, issue: &issues::IssueRecord, expected: &Value) -> bool {
    let events = events_of(conn, issue);
    if let Some(ty) = expected["exception_type"].as_str()
        && issue.metadata["type"] != ty
    {
        return false;
    }
    if let Some(function) = expected["culprit_function"].as_str()
        && issue.metadata["function"].as_str() != Some(function)
    {
        return false;
    }
    if let Some(template) = expected["logentry_message"].as_str()
        && !events.iter().all(|e| e["logentry"]["message"] == template)
    {
        return false;
    }
    if let Some(types) = expected["exception_types"].as_array() {
        let mut seen: Vec<String> = events.iter().flat_map(exception_types).collect();
        seen.sort();
        seen.dedup();
        let mut wanted: Vec<String> = types.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect();
        wanted.sort();
        if seen != wanted {
            return false;
        }
    }
    if let Some(tags) = expected["tags"].as_object() {
        let stored = issues::issue_tags(conn, issue.id).expect("tags");
        for (key, value) in tags {
            if !stored.iter().any(|(k, v, _)| k == key && Some(v.as_str()) == value.as_str()) {
                return false;
            }
        }
    }
    true
}

fn check_issue(conn: &rusqlite::Connection, client: &str, issue: &issues::IssueRecord, expected: &Value) {
    let key = expected["key"].as_str().unwrap_or("?");
    let what = format!("{client}/{key}");
    assert_eq!(issue.times_seen, expected["events"].as_i64().expect("events"), "{what}: events");
    assert_eq!(issue.user_count, expected["users"].as_i64().expect("users"), "{what}: users");
    if let Some(level) = expected["level"].as_str() {
        assert_eq!(issue.level, level, "{what}: level");
    }
    let events = events_of(conn, issue);
    if let Some(pattern) = expected["value_regex"].as_str() {
        let re = Regex::new(pattern).expect("regex");
        assert!(
            re.is_match(issue.metadata["value"].as_str().unwrap_or("")),
            "{what}: value {:?}",
            issue.metadata["value"]
        );
    }
    if let Some(chain) = expected["chain"].as_array() {
        let wanted: Vec<&str> = chain.iter().filter_map(|c| c["type"].as_str()).collect();
        assert_eq!(exception_types(&events[0]), wanted, "{what}: chain, oldest first");
    }
    if let Some(crumbs) = expected["breadcrumbs"].as_array() {
        for event in &events {
            let stored = event["breadcrumbs"]["values"].as_array().expect("breadcrumbs stored");
            for crumb in crumbs {
                assert!(stored.iter().any(|s| s["category"] == crumb["category"]), "{what}: breadcrumb {crumb}");
            }
        }
    }
    if let Some(ids) = expected["user_ids"].as_array() {
        for id in ids {
            assert!(events.iter().any(|e| e["user"]["id"] == *id), "{what}: user {id}");
        }
    }
    if let Some(request) = expected.get("request") {
        let headers = events[0]["request"]["headers"].as_array().expect("request headers stored");
        let value_of = |name: &str| {
            headers
                .iter()
                .find(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
                .and_then(|h| h[1].as_str())
        };
        for name in request["stored_filtered"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            assert_eq!(value_of(name), Some("[Filtered]"), "{what}: header {name} must be scrubbed");
        }
        for (name, value) in request["stored_kept"].as_object().into_iter().flatten() {
            assert_eq!(value_of(name), value.as_str(), "{what}: header {name} kept");
        }
    }
    let text: String = events.iter().map(Value::to_string).collect();
    for secret in ["sk_live_4f9a8c7e6d5b4a39", "c00k1e-s3cr3t", "ak_test_0123456789abcdef"] {
        assert!(!text.contains(secret), "{what}: secret {secret} stored");
    }
}

#[test]
#[ignore = "needs the real SDK clients from tests/sdk/install.sh; .ci/run runs it"]
fn real_sdk_clients_send_grouped_issues() {
    let expected: Value =
        serde_json::from_slice(&std::fs::read(repo().join("tests/sdk/expected.json")).expect("expected.json"))
            .expect("json");
    let dir = tempfile::tempdir().expect("tempdir");
    let server = SiftProcess::start(dir.path());
    let conn = store::open_connection(&dir.path().join("sift.db"), true).expect("db");
    for (client, spec) in expected["clients"].as_object().expect("clients") {
        let slug = spec["project"].as_str().expect("project");
        server.cli(&["projects", "create", slug]);
        let dsn = dsn_of(dir.path(), slug);
        let output = Command::new(repo().join("tests/sdk/run.sh"))
            .arg(client)
            .env("SIFT_DSN", &dsn)
            .output()
            .expect("run scenario");
        assert!(
            output.status.success(),
            "{client} scenario failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let project_id: i64 = dsn.rsplit('/').next().and_then(|id| id.parse().ok()).expect("project id");
        let stored = issues::list_issues(&conn, Some(project_id)).expect("issues");
        let summary: Vec<_> = stored.iter().map(|i| (i.title.clone(), i.culprit.clone(), i.times_seen)).collect();
        assert_eq!(stored.len() as u64, spec["issues"].as_u64().expect("issues"), "{client}: issues {summary:#?}");
        let total: i64 = stored.iter().map(|i| i.times_seen).sum();
        assert_eq!(total as u64, spec["events"].as_u64().expect("events"), "{client}: events");
        for expected_issue in spec["expected_issues"].as_array().expect("expected issues") {
            let found: Vec<&issues::IssueRecord> =
                stored.iter().filter(|i| matches(&conn, i, expected_issue)).collect();
            assert_eq!(found.len(), 1, "{client}/{}: matching issues {summary:#?}", expected_issue["key"]);
            check_issue(&conn, client, found[0], expected_issue);
        }
    }
}

/// Runs the installed sentry-cli against `server` with sift's token, from an empty folder and
/// home (so no `.sentryclirc` is read), and returns its stdout.
fn sentry_cli(server: &SiftProcess, token: &str, args: &[&str]) -> String {
    let cli = repo().join("target/sdk-clients/node/node_modules/.bin/sentry-cli");
    let empty = tempfile::tempdir().expect("tempdir");
    let output = Command::new(&cli)
        .args(args)
        .current_dir(empty.path())
        .env("HOME", empty.path())
        .env("SENTRY_URL", server.url("/"))
        .env("SENTRY_AUTH_TOKEN", token)
        .env("SENTRY_ORG", "local")
        .env("SENTRY_PROJECT", "default")
        .env("SENTRY_DISABLE_UPDATE_CHECK", "true")
        .env("SENTRY_DSN", dsn_of(&server.data_dir, "default"))
        .output()
        .expect("run sentry-cli");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "sentry-cli {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Status and substatus of an issue, read through the Web API.
fn api_status(server: &SiftProcess, token: &str, id: &str) -> (String, Option<String>) {
    let issue = server.api_get(token, &format!("/api/0/organizations/local/issues/{id}/"));
    (issue["status"].as_str().expect("status").to_string(), issue["substatus"].as_str().map(str::to_owned))
}

#[test]
#[ignore = "needs sentry-cli from tests/sdk/install.sh; .ci/run runs it"]
fn sentry_cli_triages_through_the_web_api() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = SiftProcess::start(dir.path());
    let token = server.cli(&["token"]).trim().to_string();
    sentry_cli(&server, &token, &["send-event", "--no-environ", "-m", "Cache warmup failed"]);
    sentry_cli(
        &server,
        &token,
        &["send-event", "--no-environ", "-m", "Queue backlog over limit", "--level", "warning"],
    );

    let listed = sentry_cli(&server, &token, &["issues", "list"]);
    let conn = store::open_connection(&dir.path().join("sift.db"), true).expect("db");
    let stored = issues::list_issues(&conn, Some(1)).expect("issues");
    assert_eq!(stored.len(), 2, "{listed}");
    for issue in &stored {
        assert!(listed.contains(&issue.short_id) && listed.contains(&issue.title), "{listed}");
    }
    let id = stored[0].id.to_string();

    sentry_cli(&server, &token, &["issues", "resolve", "-i", &id]);
    assert_eq!(api_status(&server, &token, &id), ("resolved".into(), None));
    sentry_cli(&server, &token, &["issues", "mute", "-i", &id]);
    assert_eq!(api_status(&server, &token, &id), ("ignored".into(), Some("archived_forever".into())));
    sentry_cli(&server, &token, &["issues", "unresolve", "-i", &id]);
    assert_eq!(api_status(&server, &token, &id).0, "unresolved");
    // The other issue was never touched.
    let other = stored[1].id.to_string();
    assert_eq!(api_status(&server, &token, &other).0, "unresolved");

    // `--all` with a status filter goes through the bulk endpoint's query path.
    sentry_cli(&server, &token, &["issues", "resolve", "--all"]);
    assert_eq!(api_status(&server, &token, &id).0, "resolved");
    assert_eq!(api_status(&server, &token, &other).0, "resolved");
    let after = sentry_cli(&server, &token, &["issues", "list", "--query", "is:resolved"]);
    assert!(after.contains(&stored[0].short_id) && after.contains(&stored[1].short_id), "{after}");
}
