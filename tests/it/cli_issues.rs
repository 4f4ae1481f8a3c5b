//! `sift issues`, `sift events tail` and `sift report` as a script runs them: the compiled
//! binary against a running `sift serve` (which it finds through the data directory), and once
//! against a data directory with no server, where the command starts its own.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::support::{SiftProcess, envelope, event_id, python_error, sift_bin};

/// `sift ARGS --data-dir DIR` with nothing from the caller's environment that could point it at
/// another tracker.
fn sift(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(sift_bin());
    command.args(args).arg("--data-dir").arg(dir).env("SIFT_CONFIG_DIR", dir.join("config")).env("HOME", dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("SENTRY_") || key == "SIFT_PROFILE" || key == "COLUMNS" {
            command.env_remove(key);
        }
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run sift")
}

/// Runs sift and returns its stdout, which must be a success.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = sift(dir, args, &[]);
    assert!(out.status.success(), "sift {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn json_of(dir: &Path, args: &[&str]) -> Value {
    let text = ok(dir, args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("sift {args:?}: not JSON ({e}): {text}"))
}

/// Sends `event` to project `project_id` of the running server.
fn send(server: &SiftProcess, project_id: u32, key: &str, event: &Value) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let response = reqwest::Client::new()
            .post(server.url(&format!("/api/{project_id}/envelope/?sentry_key={key}")))
            .body(envelope(event))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.text().await.unwrap());
    });
}

fn key_of(dsn: &str) -> String {
    dsn.trim_start_matches("http://").split('@').next().unwrap().to_string()
}

fn projects(dir: &Path) -> Value {
    json_of(dir, &["projects", "list", "--json"])
}

/// An error from `function` in `module`, in `env`, some seconds ago.
fn error(ty: &str, value: &str, module: &str, function: &str, env: &str, ago: f64) -> Value {
    let mut event = python_error(ty, value, &[("app.main", "main", "main()"), (module, function, "boom()")]);
    event["event_id"] = json!(event_id());
    event["environment"] = json!(env);
    event["timestamp"] = json!(chrono::Utc::now().timestamp_micros() as f64 / 1e6 - ago);
    event["user"] = json!({ "id": format!("user-{}", value.len()) });
    event["breadcrumbs"] =
        json!({ "values": [{ "category": "http", "message": "GET /api/cart 200", "level": "info" }] });
    event
}

/// A server with four issues: three in project `default` (one with two events, in production
/// and staging) and one in project `api`.
fn seeded(dir: &Path) -> SiftProcess {
    let server = SiftProcess::start(dir);
    ok(dir, &["projects", "create", "api", "--platform", "python"]);
    let list = projects(dir);
    let key = |slug: &str| {
        let dsn = list.as_array().unwrap().iter().find(|p| p["slug"] == slug).unwrap()["dsn"].as_str().unwrap();
        key_of(dsn)
    };
    let (default, api) = (key("default"), key("api"));
    send(&server, 1, &default, &error("ValueError", "bad basket", "shop.basket", "add", "production", 300.0));
    send(&server, 1, &default, &error("ValueError", "bad basket", "shop.basket", "add", "production", 60.0));
    send(&server, 1, &default, &error("KeyError", "'tenant'", "shop.tenant", "find", "staging", 120.0));
    send(&server, 1, &default, &error("TimeoutError", "slow upstream", "shop.stock", "reserve", "production", 90.0));
    send(&server, 2, &api, &error("RuntimeError", "api down", "api.routes", "index", "production", 30.0));
    server
}

/// The short id of the issue titled `title`.
fn short_id(dir: &Path, title: &str) -> String {
    let list = json_of(dir, &["issues", "list", "--json", "--query", ""]);
    let issue = list.as_array().unwrap().iter().find(|i| i["title"] == title);
    issue.unwrap_or_else(|| panic!("no issue {title:?} in {list}"))["short_id"].as_str().unwrap().to_string()
}

fn titles(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect()
}

#[test]
fn issues_list_filters_sorts_limits_and_gates() {
    let dir = tempfile::tempdir().unwrap();
    let _server = seeded(dir.path());
    let d = dir.path();

    let all = json_of(d, &["issues", "list", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 4, "{all}");
    // The documented shape, field for field.
    let mut keys: Vec<&str> = all[0].as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let documented = [
        "assignee",
        "culprit",
        "events",
        "first_seen",
        "id",
        "last_seen",
        "level",
        "permalink",
        "priority",
        "project",
        "short_id",
        "status",
        "substatus",
        "title",
        "users",
    ];
    assert_eq!(keys, documented);
    assert_eq!(titles(&all)[0], "RuntimeError: api down", "newest activity first");

    let api = json_of(d, &["issues", "list", "--json", "--project", "api"]);
    assert_eq!(titles(&api), ["RuntimeError: api down"]);
    let staging = json_of(d, &["issues", "list", "--json", "--env", "staging"]);
    assert_eq!(titles(&staging), ["KeyError: 'tenant'"]);
    let by_events = json_of(d, &["issues", "list", "--json", "--sort", "freq", "--limit", "1"]);
    assert_eq!(titles(&by_events), ["ValueError: bad basket"]);
    assert_eq!(by_events[0]["events"], 2);
    let found = json_of(d, &["issues", "list", "--json", "--query", "is:unresolved TimeoutError"]);
    assert_eq!(titles(&found), ["TimeoutError: slow upstream"]);

    // A table as wide as COLUMNS, without colour into a pipe.
    let out = sift(d, &["issues", "list"], &[("COLUMNS", "60")]);
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("ID "), "{table}");
    assert_eq!(table.lines().count(), 5, "{table}");
    for line in table.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(line) <= 60, "wider than COLUMNS: {line:?}");
    }
    assert!(!table.contains('\x1b'), "no colour into a pipe");

    // The CI gate: 3 when something matches, 0 when nothing does.
    let gate = sift(d, &["issues", "list", "--fail-if-any", "--query", "is:unresolved TimeoutError"], &[]);
    assert_eq!(gate.status.code(), Some(3));
    let clear = sift(d, &["issues", "list", "--fail-if-any", "--query", "is:unresolved NoSuchThing"], &[]);
    assert_eq!(clear.status.code(), Some(0), "{}", String::from_utf8_lossy(&clear.stderr));
    let bad = sift(d, &["issues", "list", "--project", "nope"], &[]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no project \"nope\""));
}

#[test]
fn issues_show_in_text_markdown_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let _server = seeded(dir.path());
    let d = dir.path();
    let id = short_id(d, "ValueError: bad basket");

    let text = ok(d, &["issues", "show", &id]);
    for part in
        [&id, "ValueError: bad basket", "events  2", "Stack trace", "File \"shop/basket.py\"", "GET /api/cart 200"]
    {
        assert!(text.contains(part), "{part:?} in:\n{text}");
    }
    let markdown = ok(d, &["issues", "show", &id, "--markdown"]);
    assert!(markdown.starts_with(&format!("## [{}](http://", id)), "{markdown}");
    assert!(markdown.contains("### Stack trace\n\n```\nTraceback (most recent call last):"), "{markdown}");

    let latest = json_of(d, &["issues", "show", &id, "--event", "latest", "--json"]);
    let oldest = json_of(d, &["issues", "show", &id, "--event", "oldest", "--json"]);
    assert_eq!(latest["issue"]["short_id"], id.as_str());
    assert_ne!(latest["event"]["eventID"], oldest["event"]["eventID"]);
    let by_id = oldest["event"]["eventID"].as_str().unwrap();
    let picked = json_of(d, &["issues", "show", &id, "--event", by_id, "--json"]);
    assert_eq!(picked["event"]["eventID"], by_id);
    // A numeric id names the same issue.
    let numeric = latest["issue"]["id"].as_str().unwrap();
    assert_eq!(json_of(d, &["issues", "show", numeric, "--json"])["issue"]["short_id"], id.as_str());
}

#[test]
fn every_triage_command_changes_the_issue_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let _server = seeded(dir.path());
    let d = dir.path();
    let value = short_id(d, "ValueError: bad basket");
    let key = short_id(d, "KeyError: 'tenant'");
    let issue = |id: &str| json_of(d, &["issues", "show", id, "--json"])["issue"].clone();

    let said = ok(d, &["issues", "resolve", &value, &key]);
    assert_eq!(said.lines().count(), 2, "{said}");
    assert!(said.contains(&format!("{value} resolved: ValueError: bad basket")), "{said}");
    assert_eq!(issue(&key)["status"], "resolved");
    ok(d, &["issues", "unresolve", &key]);
    assert_eq!(issue(&key)["status"], "unresolved");
    ok(d, &["issues", "resolve", "--next-release", &key]);
    assert_eq!(issue(&key)["status"], "resolved");

    let archived = json_of(d, &["issues", "ignore", "--until", "100x/1h", &value, "--json"]);
    assert_eq!(archived[0]["status"], "ignored");
    assert_eq!(archived[0]["substatus"], "archived_until_condition_met");
    ok(d, &["issues", "archive", "--until", "escalating", &value]);
    assert_eq!(issue(&value)["substatus"], "archived_until_escalating");
    ok(d, &["issues", "ignore", &value]);
    assert_eq!(issue(&value)["substatus"], "archived_forever");

    ok(d, &["issues", "priority", "low", &value]);
    assert_eq!(issue(&value)["priority"], "low");
    ok(d, &["issues", "assign", "me", &value]);
    assert!(issue(&value)["assignee"].is_string(), "{}", issue(&value));
    ok(d, &["issues", "assign", "nobody", &value]);
    assert!(issue(&value)["assignee"].is_null());
    let commented = json_of(d, &["issues", "comment", "Rolled back the basket change", &value, "--json"]);
    assert!(commented[0]["comment_id"].is_string(), "{commented}");
    ok(d, &["issues", "bookmark", &value]);
    ok(d, &["issues", "review", &value]);

    // The server agrees: the comment and the bookmark are there.
    let token = ok(d, &["token"]).trim().to_string();
    let id = issue(&value)["id"].as_str().unwrap().to_string();
    let marker: Value = serde_json::from_str(&std::fs::read_to_string(d.join("server.json")).unwrap()).unwrap();
    let url = marker["url"].as_str().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (comments, detail): (Value, Value) = runtime.block_on(async {
        let http = reqwest::Client::new();
        let get = |path: String| http.get(format!("{url}{path}")).bearer_auth(&token).send();
        let comments = get(format!("/api/0/organizations/local/issues/{id}/comments/")).await.unwrap();
        let detail = get(format!("/api/0/organizations/local/issues/{id}/")).await.unwrap();
        (comments.json().await.unwrap(), detail.json().await.unwrap())
    });
    assert_eq!(comments[0]["data"]["text"], "Rolled back the basket change", "{comments}");
    assert_eq!(detail["isBookmarked"], true);

    // Unknown ids: the others are still done, and the exit status says something failed.
    let partly = sift(d, &["issues", "priority", "high", &value, "NOPE-1", "987654"], &[]);
    assert_eq!(partly.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&partly.stderr);
    assert!(stderr.contains("NOPE-1: no issue with short id NOPE-1") && stderr.contains("987654"), "{stderr}");
    assert!(stderr.contains("2 of 3 issues not changed"), "{stderr}");
    assert_eq!(issue(&value)["priority"], "high");
    let bad_until = sift(d, &["issues", "ignore", "--until", "100x/2w", &value], &[]);
    assert_eq!(bad_until.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&bad_until.stderr).contains("longer than a week"));
}

#[test]
fn a_command_with_no_server_running_starts_its_own_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = projects(d);
    assert_eq!(json_of(d, &["issues", "list", "--json"]), json!([]));
    assert!(!d.join("server.json").exists(), "a command's server leaves no marker");
    assert_eq!(projects(d), before, "nor does it change the DSNs");
}

#[test]
fn events_tail_prints_events_as_they_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let server = seeded(dir.path());
    let d = dir.path();
    let key = key_of(projects(d)[0]["dsn"].as_str().unwrap());

    // The last ten minutes first: the five seeded events, oldest first.
    let history = ok(d, &["events", "tail", "--since", "10m", "--count", "5", "--json"]);
    let lines: Vec<Value> = history.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5, "{history}");
    assert_eq!(lines[0]["title"], "ValueError: bad basket");
    assert_eq!(lines[4]["title"], "RuntimeError: api down");

    // Then only what arrives.
    let mut tail = Command::new(sift_bin())
        .args(["events", "tail", "--json", "--count", "2", "--interval", "1", "--data-dir"])
        .arg(d)
        .env("SIFT_CONFIG_DIR", d.join("config"))
        .env("HOME", d)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let sent = [error("ZeroDivisionError", "division by zero", "shop.tax", "rate", "production", 1.0), {
        error("ValueError", "bad basket", "shop.basket", "add", "staging", 0.0)
    }];
    for event in &sent {
        send(&server, 1, &key, event);
    }
    let reader = BufReader::new(tail.stdout.take().unwrap());
    let got: Vec<Value> = reader.lines().map(|l| serde_json::from_str(&l.unwrap()).unwrap()).collect();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = tail.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "tail did not stop after --count");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    let ids: Vec<&str> = got.iter().map(|e| e["event_id"].as_str().unwrap()).collect();
    let sent_ids: Vec<&str> = sent.iter().map(|e| e["event_id"].as_str().unwrap()).collect();
    assert_eq!(ids, sent_ids, "{got:?}");
    assert_eq!(got[1]["environment"], "staging");
    assert!(got[0]["short_id"].as_str().unwrap().starts_with("DEFAULT-"));
}

#[test]
fn report_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let _server = seeded(dir.path());
    let d = dir.path();

    let digest = json_of(d, &["report", "--format", "json"]);
    assert_eq!(digest["version"], 1);
    let kinds: Vec<&str> = digest["sections"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["new", "regressed", "escalating", "top_by_events", "top_by_users", "resolved", "unassigned_high_priority"]
    );
    let new: Vec<&str> =
        digest["sections"][0]["entries"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap()).collect();
    assert_eq!(new.len(), 4, "every seeded issue is new today: {new:?}");
    let projects: Vec<&str> =
        digest["projects"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(projects, ["api", "default"]);

    let markdown = ok(d, &["report", "--format", "markdown"]);
    assert!(markdown.contains("ValueError: bad basket") && markdown.contains("](http://"), "{markdown}");
    let slack: Value = serde_json::from_str(&ok(d, &["report", "--format", "slack"])).unwrap();
    assert!(slack["text"].is_string() && slack["blocks"].as_array().is_some_and(|b| !b.is_empty()), "{slack}");
    let out = sift(d, &["report", "--since", "7d"], &[("COLUMNS", "72")]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("last 7d") || text.contains("7d"), "{text}");
    assert!(text.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 72), "{text}");
    let bad = sift(d, &["report", "--since", "soon"], &[]);
    assert_eq!(bad.status.code(), Some(2));
}
