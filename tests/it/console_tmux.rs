//! The compiled console in a real terminal (tmux), driven by keys as a person would:
//! embedded mode with an event from the real Python SDK, resolved by key and checked on the
//! server; and a remote server that answers 401, 429, 500 or hangs, with the console staying
//! responsive, saying what happened, and recovering. Run by `.ci/run` (needs tmux and the
//! SDK clients from `tests/sdk/install.sh`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::support::sift_bin;

/// A console running in its own tmux session.
pub(super) struct Tmux {
    pub(super) session: String,
}

impl Tmux {
    pub(super) fn start(name: &str, command: &str) -> Self {
        let session = format!("sift-{name}-{}", std::process::id());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &session, "-x", "120", "-y", "40", command])
            .status()
            .expect("tmux");
        assert!(status.success(), "tmux new-session failed");
        Self { session }
    }

    pub(super) fn screen(&self) -> String {
        let out =
            Command::new("tmux").args(["capture-pane", "-p", "-t", &self.session]).output().expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// The screen with its colours, as SGR escape sequences.
    fn screen_with_colours(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-e", "-t", &self.session])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    pub(super) fn keys(&self, keys: &[&str]) {
        for key in keys {
            Command::new("tmux").args(["send-keys", "-t", &self.session, key]).status().expect("send-keys");
            // Separate keys, so an Esc is never read as the start of an Alt sequence.
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Waits until the screen contains `text`; panics with the screen after `limit`.
    pub(super) fn wait_for(&self, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(start.elapsed() < limit, "waited {limit:?} for {text:?}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn alive(&self) -> bool {
        Command::new("tmux").args(["has-session", "-t", &self.session]).status().is_ok_and(|s| s.success())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.session]).status();
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shell command that runs sift with a clean environment: no SENTRY_* settings and a
/// home without a `.sentryclirc`.
fn sift_command(dir: &Path, extra_env: &str, args: &str) -> String {
    format!(
        "env -u SENTRY_URL -u SENTRY_AUTH_TOKEN -u SENTRY_ORG -u SENTRY_PROJECT HOME={home} SIFT_CONFIG_DIR={config} TERM=xterm-256color {extra_env} {bin} --data-dir {data} {args}",
        home = dir.display(),
        config = dir.join("config").display(),
        bin = sift_bin(),
        data = dir.join("data").display(),
    )
}

fn write_config(dir: &Path, text: &str) {
    std::fs::create_dir_all(dir.join("config")).unwrap();
    std::fs::write(dir.join("config/config.toml"), text).unwrap();
}

/// The console on a fresh embedded server (any free port, polling every 2 s), and the DSN its
/// status line shows.
fn embedded_console(name: &str, dir: &Path) -> (Tmux, String) {
    write_config(dir, "[server]\nlisten = \"127.0.0.1:0\"\n[console]\npoll_secs = 2\n");
    let tmux = Tmux::start(name, &sift_command(dir, "", ""));
    let screen = tmux.wait_for("embedded · DSN http://", Duration::from_secs(30));
    let dsn = screen
        .lines()
        .find_map(|l| l.split("DSN http").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .map(|rest| format!("http{rest}"))
        .expect("the DSN on the status line");
    (tmux, dsn)
}

#[test]
#[ignore = "needs tmux and the Python SDK from tests/sdk/install.sh; .ci/run runs it"]
fn embedded_console_shows_an_sdk_event_and_resolves_it() {
    let dir = tempfile::tempdir().unwrap();
    let (tmux, dsn) = embedded_console("e2e", dir.path());
    // The empty store's first-run hint: the DSN, and a line of Python to run, taken from the
    // screen as a person would copy it.
    let hint = tmux.wait_for("No issues yet.", Duration::from_secs(10));
    assert!(hint.contains(&format!("export SENTRY_DSN={dsn}")), "{hint}");
    let lines: Vec<&str> = hint.lines().collect();
    let at = lines.iter().position(|l| l.trim_start().starts_with("Python")).expect("a Python line in the hint");
    assert!(lines[at].contains("pip install sentry-sdk"), "{hint}");
    let script = lines[at + 1].trim();
    assert!(script.starts_with("import sentry_sdk"), "{hint}");

    let python = repo().join("target/sdk-clients/python/bin/python");
    let sent = Command::new(python).args(["-c", script]).env("SENTRY_DSN", &dsn).output().expect("run the Python SDK");
    // The line ends in an uncaught error: the interpreter exits 1 after the SDK has sent it.
    assert_eq!(sent.status.code(), Some(1), "{dsn}: {}", String::from_utf8_lossy(&sent.stderr));
    // One poll is two seconds; allow a few for a slow machine.
    tmux.wait_for("ZeroDivisionError: division by zero", Duration::from_secs(10));

    tmux.keys(&["r"]);
    tmux.wait_for("RES ", Duration::from_secs(5));
    let token = String::from_utf8(
        Command::new(sift_bin()).args(["token", "--data-dir"]).arg(dir.path().join("data")).output().unwrap().stdout,
    )
    .unwrap();
    let marker: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("data/server.json")).unwrap()).unwrap();
    let url = format!("{}/api/0/organizations/local/issues/?query=is:resolved", marker["url"].as_str().unwrap());
    let start = Instant::now();
    loop {
        let resolved: Value = tokio::runtime::Runtime::new().unwrap().block_on(async {
            reqwest::Client::new().get(&url).bearer_auth(token.trim()).send().await.unwrap().json().await.unwrap()
        });
        if resolved.as_array().is_some_and(|a| a.iter().any(|i| i["title"] == "ZeroDivisionError: division by zero")) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "the server never saw the resolve: {resolved}");
        std::thread::sleep(Duration::from_millis(200));
    }
    tmux.keys(&["q"]);
    let start = Instant::now();
    while tmux.alive() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!tmux.alive(), "q quits");
    assert!(!dir.path().join("data/server.json").exists(), "the embedded server's marker is removed on exit");
}

/// A small application for the detail walk: a real file (so the SDK sends source context),
/// breadcrumbs, and a request on the event.
const SHOP: &str = r#"import sys
import sentry_sdk

sentry_sdk.init(dsn=sys.argv[1], release="shop@1.0.0", environment="production")


def add_request(event, hint):
    event["request"] = {
        "method": "POST",
        "url": "http://shop.local/checkout",
        "headers": {"Content-Type": "application/json", "Authorization": "Bearer secret-token"},
        "data": {"cart": 42},
    }
    return event


def checkout(cart):
    total = sum(cart)
    if total > 10:
        raise ValueError("cart total too high for checkout")
    return total


sentry_sdk.get_global_scope().add_event_processor(add_request)
for attempt in range(2):
    sentry_sdk.get_isolation_scope().clear_breadcrumbs()
    sentry_sdk.add_breadcrumb(category="cart", message=f"cart loaded (attempt {attempt})", level="info")
    sentry_sdk.add_breadcrumb(category="payment", message="card declined", level="warning")
    try:
        checkout([5, 7])
    except ValueError:
        sentry_sdk.capture_exception()
sentry_sdk.flush()
"#;

#[test]
#[ignore = "needs tmux and the Python SDK from tests/sdk/install.sh; .ci/run runs it"]
fn the_opened_issue_walks_frames_breadcrumbs_request_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let (tmux, dsn) = embedded_console("walk", dir.path());
    let app = dir.path().join("shop.py");
    std::fs::write(&app, SHOP).unwrap();
    let python = repo().join("target/sdk-clients/python/bin/python");
    let sent = Command::new(python).arg(&app).arg(&dsn).output().expect("run the Python SDK");
    assert!(sent.status.success(), "{dsn}: {}", String::from_utf8_lossy(&sent.stderr));
    tmux.wait_for("ValueError: cart total too high", Duration::from_secs(10));

    // List → detail: the stack trace, with the crashing frame expanded to its source.
    tmux.keys(&["Enter"]);
    tmux.wait_for("of 2 (recommended)", Duration::from_secs(10));
    tmux.keys(&["L"]);
    tmux.wait_for("event 2 of 2 (latest)", Duration::from_secs(10));
    let screen = tmux.wait_for("raise ValueError(\"cart total too high", Duration::from_secs(10));
    assert!(screen.contains("shop.py in checkout"), "{screen}");
    // Highlighting runs off the UI thread: the source line gains syntax colours shortly after.
    let sgr = regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
    let start = Instant::now();
    loop {
        let coloured = tmux.screen_with_colours();
        let plain = |l: &str| sgr.replace_all(l, "").to_string();
        let line =
            coloured.lines().find(|l| plain(l).contains("raise ValueError(\"cart total too high")).unwrap_or_default();
        let colours: std::collections::BTreeSet<&str> = line
            .split("\u{1b}[")
            .skip(1)
            .filter_map(|seq| seq.split('m').next())
            .filter(|c| c.contains("38;"))
            .collect();
        if colours.len() >= 3 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the crashing line never got syntax colours:\n{line:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
    // Frames: the cursor moves to the calling frame, which expands in turn.
    tmux.keys(&["j"]);
    tmux.wait_for("checkout([5, 7])", Duration::from_secs(5));

    tmux.keys(&["2"]);
    let screen = tmux.wait_for("card declined", Duration::from_secs(5));
    assert!(screen.contains("cart loaded (attempt 1)"), "{screen}");
    assert!(!screen.contains("cart loaded (attempt 0)"), "the latest event carries only its own crumbs: {screen}");

    tmux.keys(&["3"]);
    let screen = tmux.wait_for("POST http://shop.local/checkout", Duration::from_secs(5));
    assert!(screen.contains("[Filtered]"), "the Authorization header is scrubbed: {screen}");
    assert!(!screen.contains("secret-token"), "{screen}");

    // The next event in time order: the older one, with its own breadcrumbs.
    tmux.keys(&["["]);
    tmux.wait_for("event 1 of 2", Duration::from_secs(10));
    tmux.keys(&["2"]);
    tmux.wait_for("cart loaded (attempt 0)", Duration::from_secs(5));
    tmux.keys(&["Escape"]);
    tmux.wait_for("ValueError: cart total too high", Duration::from_secs(5));
    tmux.keys(&["q"]);
}

/// What the fake remote answers, one fault at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Fault {
    None,
    Unauthorized,
    Forbidden,
    NotFound,
    LimitedWithReset,
    LimitedWithRetryAfter,
    LimitedBare,
    Broken,
    BadGateway,
    Hanging,
    TruncatedJson,
    InvalidJson,
    HtmlPage,
    Huge,
    SlowDrip,
}

impl Fault {
    const ALL: [Fault; 15] = [
        Fault::None,
        Fault::Unauthorized,
        Fault::Forbidden,
        Fault::NotFound,
        Fault::LimitedWithReset,
        Fault::LimitedWithRetryAfter,
        Fault::LimitedBare,
        Fault::Broken,
        Fault::BadGateway,
        Fault::Hanging,
        Fault::TruncatedJson,
        Fault::InvalidJson,
        Fault::HtmlPage,
        Fault::Huge,
        Fault::SlowDrip,
    ];

    fn from(n: u8) -> Fault {
        Fault::ALL[usize::from(n)]
    }
}

async fn fault(mode: &AtomicU8, ok: Value) -> Response {
    let error = |status: StatusCode, detail: &str| (status, axum::Json(json!({ "detail": detail }))).into_response();
    let html = |status: StatusCode| {
        let page =
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>";
        (status, [("content-type", "text/html")], page).into_response()
    };
    match Fault::from(mode.load(Ordering::SeqCst)) {
        Fault::None => axum::Json(ok).into_response(),
        Fault::Unauthorized => error(StatusCode::UNAUTHORIZED, "Invalid token"),
        Fault::Forbidden => error(StatusCode::FORBIDDEN, "You do not have permission to perform this action."),
        Fault::NotFound => error(StatusCode::NOT_FOUND, "The requested resource does not exist"),
        Fault::LimitedWithReset => {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "slow down");
            let reset = (chrono::Utc::now().timestamp() + 3).to_string();
            response.headers_mut().insert("x-sentry-rate-limit-reset", reset.parse().unwrap());
            response
        }
        Fault::LimitedWithRetryAfter => {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "slow down");
            response.headers_mut().insert("retry-after", "2".parse().unwrap());
            response
        }
        Fault::LimitedBare => error(StatusCode::TOO_MANY_REQUESTS, "slow down"),
        Fault::Broken => (StatusCode::INTERNAL_SERVER_ERROR, "<html>oops</html>").into_response(),
        Fault::BadGateway => html(StatusCode::BAD_GATEWAY),
        Fault::Hanging => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::OK.into_response()
        }
        Fault::TruncatedJson => {
            let text = ok.to_string();
            ([("content-type", "application/json")], text[..text.len() / 2].to_string()).into_response()
        }
        Fault::InvalidJson => ([("content-type", "application/json")], "{\"detail\": nope}").into_response(),
        Fault::HtmlPage => html(StatusCode::OK),
        Fault::Huge => {
            // 40 MiB of JSON, more than the client reads.
            let body = format!("[{}\"{}\"]", "\"x\",".repeat(8 << 20), "end");
            ([("content-type", "application/json")], body).into_response()
        }
        Fault::SlowDrip => {
            let text = ok.to_string().into_bytes();
            let drip = futures_util::stream::unfold(0usize, move |at| {
                let text = text.clone();
                async move {
                    if at >= text.len() {
                        return None;
                    }
                    tokio::time::sleep(Duration::from_millis(400)).await;
                    Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(text[at..at + 1].to_vec())), at + 1))
                }
            });
            ([("content-type", "application/json")], axum::body::Body::from_stream(drip)).into_response()
        }
    }
}

fn remote_issue() -> Value {
    json!([{
        "id": "42", "shortId": "ACME-1", "title": "RemoteError: served by the fake remote", "culprit": "acme.api",
        "level": "error", "status": "unresolved", "substatus": "ongoing", "priority": "high", "count": "3",
        "userCount": 1, "firstSeen": "2026-11-20T10:00:00Z", "lastSeen": "2026-11-22T10:00:00Z",
        "project": { "id": "1", "slug": "acme", "name": "Acme" }, "stats": { "24h": [] }
    }])
}

/// The API fault suite, in a real terminal: a remote answers every kind of failure in turn
/// (401, 403, 404, 429 with a reset header, with Retry-After and bare, 500, 502 with an HTML
/// page, a hang, truncated and invalid JSON, an HTML page with 200, 40 MiB, and a slow drip).
/// For each, the status line says what happened, the console answers keys while the request is
/// in flight, and it recovers when the server does; a resolve the server refuses is rolled back.
#[test]
#[ignore = "needs tmux; .ci/run runs it"]
fn console_survives_a_failing_remote() {
    let mode = Arc::new(AtomicU8::new(Fault::Unauthorized as u8));
    let updates = Arc::new(AtomicU8::new(Fault::None as u8));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let app = {
        let (m1, m2, m3, u) = (mode.clone(), mode.clone(), mode.clone(), updates.clone());
        Router::new()
            .route("/api/0/organizations/acme/issues/", get(move || async move { fault(&m1, remote_issue()).await }))
            .route("/api/0/organizations/acme/environments/", get(move || async move { fault(&m2, json!([])).await }))
            .route("/api/0/organizations/acme/projects/", get(move || async move { fault(&m3, json!([])).await }))
            .route(
                "/api/0/organizations/acme/issues/42/",
                axum::routing::put(move || async move { fault(&u, remote_issue()[0].clone()).await }),
            )
    };
    runtime.spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "[console]\npoll_secs = 1\ntimeout_secs = 2\n");
    let env = format!("SENTRY_URL=http://{addr}/ SENTRY_AUTH_TOKEN=fake-token SENTRY_ORG=acme");
    let command = sift_command(dir.path(), "", "")
        .replace("env -u SENTRY_URL -u SENTRY_AUTH_TOKEN -u SENTRY_ORG -u SENTRY_PROJECT", &format!("env {env}"));
    let tmux = Tmux::start("faults", &command);
    tmux.wait_for("token rejected (401)", Duration::from_secs(15));

    let table = [
        (Fault::Forbidden, "not allowed (403)"),
        (Fault::NotFound, "not found (404)"),
        (Fault::LimitedWithReset, "rate limited (429)"),
        (Fault::LimitedWithRetryAfter, "rate limited (429): waiting 2s"),
        (Fault::LimitedBare, "rate limited (429)"),
        (Fault::Broken, "server error (500)"),
        (Fault::BadGateway, "server error (502)"),
        (Fault::Hanging, "did not answer in time"),
        (Fault::TruncatedJson, "unexpected response"),
        (Fault::InvalidJson, "unexpected response"),
        (Fault::HtmlPage, "unexpected response"),
        (Fault::Huge, "larger than 32 MiB"),
        (Fault::SlowDrip, "did not answer in time"),
    ];
    for (next, says) in table {
        // Back to a clean screen first, so each fault's words are its own.
        mode.store(Fault::None as u8, Ordering::SeqCst);
        tmux.keys(&["C-r"]);
        tmux.wait_for("● live", Duration::from_secs(20));
        mode.store(next as u8, Ordering::SeqCst);
        tmux.keys(&["C-r"]);
        // Responsive while the request is in flight (or failing): help opens and closes.
        tmux.keys(&["?"]);
        tmux.wait_for("Keys (Esc to close)", Duration::from_secs(3));
        tmux.keys(&["Escape"]);
        let screen = tmux.wait_for(says, Duration::from_secs(20));
        assert!(screen.contains("RemoteError: served by the fake remote"), "{next:?}: the rows stay:\n{screen}");
        assert!(!screen.contains('\u{1b}'), "{next:?}");
    }
    mode.store(Fault::None as u8, Ordering::SeqCst);
    tmux.keys(&["C-r"]);
    let screen = tmux.wait_for("● live", Duration::from_secs(20));
    assert!(screen.contains("SENTRY_* settings"), "the status line names the source:\n{screen}");

    // An optimistic resolve that the server refuses is put back.
    updates.store(Fault::Broken as u8, Ordering::SeqCst);
    tmux.keys(&["r"]);
    tmux.wait_for("resolve failed: server error (500)", Duration::from_secs(10));
    let screen = tmux.wait_for("RemoteError", Duration::from_secs(5));
    let row = screen.lines().find(|l| l.contains("ACME-1")).unwrap();
    assert!(!row.contains("RES") && !row.contains("..."), "the row is as it was: {row}");
    tmux.keys(&["q"]);
}

/// The README's first command, as written under "Two commands".
fn readme_first_command() -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let block = readme.split("## Two commands").nth(1).and_then(|rest| rest.split("```sh\n").nth(1)).unwrap();
    block.lines().next().unwrap().split('#').next().unwrap().trim().to_string()
}

/// A fresh machine, as far as sift can tell: a new home with nothing in it (no data, no config,
/// no `.sentryclirc`, no SENTRY_* settings), where the README's first command opens the console
/// on the embedded server with the demo data set loaded into the platform's data directory.
/// Cargo and rustup keep their own homes (a fresh machine would download the toolchain and the
/// crates; CI builds the release binary in the step before).
#[test]
#[ignore = "needs tmux and a release build; .ci/run runs it"]
fn the_readmes_first_command_on_a_fresh_machine_shows_the_demo() {
    let command = readme_first_command();
    assert_eq!(command, "cargo run --release", "the README's first command");
    let home = tempfile::tempdir().unwrap();
    let real_home = PathBuf::from(std::env::var_os("HOME").expect("HOME"));
    let cargo_home = std::env::var_os("CARGO_HOME").map_or_else(|| real_home.join(".cargo"), PathBuf::from);
    let rustup_home = std::env::var_os("RUSTUP_HOME").map_or_else(|| real_home.join(".rustup"), PathBuf::from);
    let path = std::env::var("PATH").unwrap();
    let shell = format!(
        "cd {repo} && env -i HOME={home} PATH={path} CARGO_HOME={cargo} RUSTUP_HOME={rustup} TERM=xterm-256color LANG=C.UTF-8 {command}; sleep 30",
        repo = repo().display(),
        home = home.path().display(),
        cargo = cargo_home.display(),
        rustup = rustup_home.display(),
    );
    let tmux = Tmux::start("first-run", &shell);
    // Built by CI's step before; loading the demo's thousands of events takes a few seconds.
    let screen = tmux.wait_for("LEDGER-WORKER-", Duration::from_secs(600));
    for text in ["embedded · DSN http://", "SHOP-BACKEND-", "SHOP-API-", " REG ", " ESC ", " NEW "] {
        assert!(screen.contains(text), "the demo's list shows {text:?}:\n{screen}");
    }
    // The opened issue: its header and a stack trace from the recorded SDK events.
    tmux.keys(&["Enter"]);
    let opened = tmux.wait_for("1 Stack", Duration::from_secs(10));
    assert!(opened.contains(" events · ") && opened.contains(" at line "), "{opened}");
    tmux.keys(&["Escape", "q"]);
    let data = home.path().join(".local/share/sift");
    let start = Instant::now();
    while data.join("server.json").exists() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(data.join("sift.db").exists(), "the platform data directory under the fresh home holds the store");
    assert!(!data.join("server.json").exists(), "the console quit and took its server down");
}

/// Sends `event` to the project of `dsn`, as an SDK would.
fn send_to(dsn: &str, event: &Value) {
    let (key, rest) = dsn.trim_start_matches("http://").split_once('@').unwrap();
    let (host, project) = rest.rsplit_once('/').unwrap();
    let url = format!("http://{host}/api/{project}/envelope/?sentry_key={key}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let response = reqwest::Client::new().post(url).body(super::support::envelope(event)).send().await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
    });
}

#[test]
#[ignore = "needs tmux; .ci/run runs it"]
fn the_standup_screen_opens_an_entry_and_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let (tmux, dsn) = embedded_console("standup", dir.path());
    for (ty, value, function) in
        [("ValueError", "bad basket", "add"), ("KeyError", "'tenant'", "find"), ("OSError", "disk full", "save")]
    {
        let mut event = super::support::python_error(
            ty,
            value,
            &[("app.main", "main", "main()"), ("app.shop", function, "boom()")],
        );
        event["event_id"] = json!(super::support::event_id());
        send_to(&dsn, &event);
    }
    tmux.wait_for("OSError: disk full", Duration::from_secs(10));

    tmux.keys(&["S"]);
    let screen = tmux.wait_for("New issues (3)", Duration::from_secs(10));
    assert!(screen.contains("Standup") && screen.contains("Environments"), "{screen}");
    tmux.keys(&["j"]);
    let screen = tmux.wait_for("▸ ", Duration::from_secs(5));
    let chosen = screen.lines().find(|l| l.trim_start().starts_with("▸ ")).unwrap();
    let short_id = chosen.split_whitespace().nth(1).unwrap().to_string();
    let title_start = chosen.find(&short_id).unwrap() + short_id.len();
    let title: String = chosen[title_start..].split("  ").find(|p| !p.trim().is_empty()).unwrap().trim().to_string();

    tmux.keys(&["Enter"]);
    let opened = tmux.wait_for("1 Stack", Duration::from_secs(10));
    let header = opened.lines().find(|l| l.contains(&format!("{short_id} {title}"))).unwrap_or_else(|| {
        panic!("the opened issue is {short_id} {title:?}:\n{opened}");
    });
    assert!(header.contains(&title));
    assert!(opened.contains(&format!("issue:{short_id}")), "the list shows that one issue:\n{opened}");

    tmux.keys(&["Escape"]);
    let back = tmux.wait_for("Standup", Duration::from_secs(10));
    assert!(back.contains("New issues (3)") && back.contains("search (none)"), "{back}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("ID ", Duration::from_secs(5));
}
