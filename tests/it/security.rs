//! Security of the compiled server and its files: loopback unless asked, a warning for plain
//! HTTP beyond it, CORS on the ingest endpoints only, no secret in any log line, and files and
//! directories readable by their owner alone. (Tokens are compared in constant time: see
//! `store::catalog::token_valid` and the token cache in `server::api::auth`.)

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;

use super::support::{SiftProcess, TestApp, dsn_of, envelope, event_id, sift_bin};

#[test]
fn the_default_address_is_loopback() {
    let config = sift::config::Config::default();
    assert!(config.server.listen.ip().is_loopback(), "{}", config.server.listen);
}

#[test]
fn serving_beyond_loopback_warns_about_plain_http() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(sift_bin())
        .args(["serve", "--listen", "0.0.0.0:0", "--data-dir"])
        .arg(dir.path())
        .env("SIFT_CONFIG_DIR", dir.path().join("config"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = lines.next().unwrap().unwrap();
    assert!(listening.starts_with("sift server listening on http://0.0.0.0:"), "{listening}");
    let _ = child.kill();
    let _ = child.wait();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(stderr.contains("warning: serving plain HTTP") && stderr.contains("put TLS in front"), "{stderr}");

    // On loopback: no warning.
    let quiet = tempfile::tempdir().unwrap();
    let server = SiftProcess::start(quiet.path());
    assert!(server.addr.ip().is_loopback());
}

#[tokio::test]
async fn cors_answers_only_on_the_ingest_endpoints() {
    let app = TestApp::new();
    let origin = ("origin", "https://shop.example");
    let token = app.token();
    let bearer = format!("Bearer {token}");
    // The Web API: no CORS headers on answers, and no preflight.
    let api = app.request("GET", "/api/0/organizations/", &[origin, ("authorization", &bearer)], Vec::new()).await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(!api.headers.contains_key("access-control-allow-origin"), "{:?}", api.headers);
    let preflight = app
        .request(
            "OPTIONS",
            "/api/0/organizations/local/issues/",
            &[origin, ("access-control-request-method", "PUT"), ("access-control-request-headers", "authorization")],
            Vec::new(),
        )
        .await;
    assert!(!preflight.headers.contains_key("access-control-allow-origin"), "{:?}", preflight.headers);
    assert!(!preflight.status.is_success(), "{}", preflight.status);
    // Ingest: answered for browsers.
    let id = app.send_event(json!({ "message": "cors" })).await;
    assert_eq!(id.len(), 32);
    let key =
        app.conn().query_row("SELECT public_key FROM project_keys LIMIT 1", [], |r| r.get::<_, String>(0)).unwrap();
    let sent = app
        .request("POST", &format!("/api/1/envelope/?sentry_key={key}"), &[origin], envelope(&json!({ "message": "x" })))
        .await;
    assert_eq!(sent.status, StatusCode::OK);
    assert_eq!(sent.headers["access-control-allow-origin"], "*");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

/// Every file and directory under `dir`, with its mode.
fn tree(dir: &Path, out: &mut Vec<(std::path::PathBuf, u32)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        out.push((path.clone(), mode(&path)));
        if path.is_dir() {
            tree(&path, out);
        }
    }
}

#[test]
fn no_secret_reaches_the_logs_and_every_file_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Everything the server does, logged at the most detailed level.
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    let mut child = Command::new(sift_bin())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("SIFT_CONFIG_DIR", dir.path().join("config"))
        .env("SIFT_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = lines.next().unwrap().unwrap().trim_start_matches("sift server listening on ").to_string();
    std::thread::spawn(move || for _ in lines {});
    let dsn = dsn_of(&data, "default");
    let key = dsn.trim_start_matches("http://").split('@').next().unwrap().to_string();
    let token =
        String::from_utf8(Command::new(sift_bin()).args(["token", "--data-dir"]).arg(&data).output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
    let password = "hunter2-correct-horse";
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let event = json!({
            "event_id": event_id(), "message": "login failed",
            "request": { "url": "https://shop.example/login", "headers": { "Authorization": format!("Bearer {password}") },
                         "data": { "password": password } },
            "extra": { "api_key": password }
        });
        let by_header = http
            .post(format!("{addr}/api/1/envelope/"))
            .header("x-sentry-auth", format!("Sentry sentry_key={key}, sentry_version=7"))
            .body(envelope(&event))
            .send()
            .await
            .unwrap();
        assert!(by_header.status().is_success());
        let by_query =
            http.post(format!("{addr}/api/1/store/?sentry_key={key}")).body(event.to_string()).send().await.unwrap();
        assert!(by_query.status().is_success());
        let wrong = http.post(format!("{addr}/api/1/store/?sentry_key={token}")).body("{}").send().await.unwrap();
        assert!(matches!(wrong.status().as_u16(), 401 | 403), "a token is not a DSN key: {}", wrong.status());
        for path in ["/api/0/organizations/local/issues/", "/api/0/projects/"] {
            let api = http.get(format!("{addr}{path}")).bearer_auth(&token).send().await.unwrap();
            assert!(api.status().is_success());
        }
        let refused = http.get(format!("{addr}/api/0/projects/")).bearer_auth(password).send().await.unwrap();
        assert_eq!(refused.status(), 401);
    });
    // The log writer flushes on exit: stop the server the way a person would.
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(start.elapsed() < Duration::from_secs(10), "sift serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }

    let mut logs = String::new();
    for entry in std::fs::read_dir(data.join("logs")).unwrap() {
        logs.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(logs.lines().count() > 10, "trace logging wrote something:\n{logs}");
    for (what, secret) in [("the API token", token.as_str()), ("the DSN key", key.as_str()), ("a password", password)] {
        assert!(!logs.contains(secret), "{what} is in the logs");
    }

    let mut files = Vec::new();
    tree(&data, &mut files);
    assert!(
        files.iter().any(|(p, _)| p.ends_with("sift.db"))
            && files.iter().any(|(p, _)| p.starts_with(data.join("logs")))
    );
    assert_eq!(mode(&data), 0o700);
    for (path, mode) in files {
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, want, "{} is {mode:o}", path.display());
    }
}
