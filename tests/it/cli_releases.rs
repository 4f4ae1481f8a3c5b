//! `sift releases list|show` and the report's "new in release" section as a script runs them:
//! the compiled binary against a running `sift serve`, with releases made by events, sessions
//! and the Web API.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use super::support::{SiftProcess, dsn_of, event_id, sift_bin};

fn sift(dir: &Path, args: &[&str]) -> String {
    let mut command = Command::new(sift_bin());
    command.args(args).arg("--data-dir").arg(dir).env("SIFT_CONFIG_DIR", dir.join("config")).env("HOME", dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("SENTRY_") || key == "SIFT_PROFILE" || key == "COLUMNS" {
            command.env_remove(key);
        }
    }
    let out = command.output().expect("run sift");
    assert!(out.status.success(), "sift {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Posts `body` to `path`: an envelope without `token`, a Web API call with it. The answer must
/// be a success.
fn post(server: &SiftProcess, path: &str, token: Option<&str>, body: String) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut request = reqwest::Client::new().post(server.url(path)).body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token).header("content-type", "application/json");
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.text().await.unwrap());
    });
}

fn item(kind: &str, payload: &Value) -> String {
    let payload = payload.to_string();
    format!("{{\"type\":\"{kind}\",\"length\":{}}}\n{payload}\n", payload.len())
}

#[test]
fn releases_list_show_and_the_report_name_the_newest_release() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = SiftProcess::start(dir.path());
    let token = server.cli(&["token"]).trim().to_string();
    let key = dsn_of(dir.path(), "default").trim_start_matches("http://").split('@').next().unwrap().to_string();
    let envelope_path = format!("/api/1/envelope/?sentry_key={key}");
    for (message, release) in
        [("Cart total mismatch", "shop@1.0"), ("Coupon expired", "shop@1.1"), ("Coupon expired", "shop@1.1")]
    {
        let event = json!({ "event_id": event_id(), "message": message, "release": release, "level": "error" });
        post(&server, &envelope_path, None, format!("{{}}\n{}", item("event", &event)));
    }
    let started = chrono::Utc::now().to_rfc3339();
    let sessions = json!({ "aggregates": [{ "started": started, "did": "u1", "exited": 3, "crashed": 1 }],
                           "attrs": { "release": "shop@1.1", "environment": "production" } });
    post(&server, &envelope_path, None, format!("{{}}\n{}", item("sessions", &sessions)));
    post(
        &server,
        "/api/0/organizations/local/releases/shop@1.1/deploys/",
        Some(&token),
        json!({ "environment": "production", "name": "blue" }).to_string(),
    );

    let table = sift(dir.path(), &["releases", "list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("VERSION") && lines[0].contains("SESSIONS") && lines[0].contains("LAST DEPLOY"),
        "{table}"
    );
    assert!(
        lines[1].starts_with("shop@1.1") && lines[1].contains("75.00%") && lines[1].contains("production"),
        "{table}"
    );
    assert!(lines[2].starts_with("shop@1.0") && lines[2].contains("unreleased"), "{table}");

    let listed: Value = serde_json::from_str(&sift(dir.path(), &["releases", "list", "--json"])).expect("json");
    let newest = &listed[0];
    assert_eq!((newest["version"].as_str(), newest["new_issues"].as_u64()), (Some("shop@1.1"), Some(1)));
    assert_eq!(newest["last_deploy"]["environment"], "production");
    let project = &newest["projects"][0];
    assert_eq!(
        (project["slug"].as_str(), project["events"].as_u64(), project["sessions"].as_u64()),
        (Some("default"), Some(2), Some(4))
    );
    assert_eq!(project["crash_free_sessions"], 75.0);
    let only: Value =
        serde_json::from_str(&sift(dir.path(), &["releases", "list", "--query", "1.0", "--json"])).expect("json");
    assert_eq!(only.as_array().map(Vec::len), Some(1));

    let shown = sift(dir.path(), &["releases", "show", "shop@1.1"]);
    assert!(
        shown.contains("New in shop@1.1 (1)") && shown.contains("Coupon expired") && shown.contains("blue"),
        "{shown}"
    );
    let shown: Value =
        serde_json::from_str(&sift(dir.path(), &["releases", "show", "shop@1.1", "--json"])).expect("json");
    assert_eq!(shown["new_issues"][0]["title"], "Coupon expired");
    assert_eq!(shown["deploys"][0]["name"], "blue");

    let report: Value = serde_json::from_str(&sift(dir.path(), &["report", "--format", "json"])).expect("json");
    assert_eq!(report["new_in_release"]["release"], "shop@1.1");
    assert_eq!(report["new_in_release"]["entries"][0]["title"], "Coupon expired");
    let text = sift(dir.path(), &["report"]);
    assert!(text.contains("New in release shop@1.1 (1)"), "{text}");
}
