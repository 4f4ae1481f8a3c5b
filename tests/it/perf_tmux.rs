//! The Performance screen and the span waterfall in a real terminal (tmux), with a real SDK's
//! transactions: a Flask app traced by sentry-python sends an N+1 request, a clean one and a
//! failing checkout to the embedded server, then, at 120x40 and again at 80x24, `w` opens
//! Performance, `s` sorts by p95, Enter opens the slowest transaction's samples and Enter its
//! waterfall with the DB spans; a search finds the checkout, whose waterfall marks the error on
//! its span, tab goes to it, Enter opens its issue and Esc comes back to the waterfall.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::console_tmux::{Tmux, sift_command, write_config};

const WAIT: Duration = Duration::from_secs(20);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Starts the Flask app on `dsn`, sends its requests, and stops it (SIGINT flushes the SDK).
fn traffic(dsn: &str) {
    let python = repo().join("target/sdk-clients/python/bin/python");
    assert!(python.exists(), "run tests/sdk/install.sh first");
    let mut app = Command::new(python)
        .arg(repo().join("tests/sdk/perf/flask_app.py"))
        .env("SENTRY_DSN", dsn)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the Flask app");
    let mut lines = BufReader::new(app.stdout.take().expect("stdout")).lines();
    let port: u16 = loop {
        let line = lines.next().expect("the app exited before listening").expect("stdout");
        if let Some(port) = line.strip_prefix("listening on ") {
            break port.trim().parse().expect("port");
        }
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let http = reqwest::Client::new();
        for path in ["/authors", "/authors", "/authors/3", "/checkout"] {
            http.get(format!("http://127.0.0.1:{port}{path}")).send().await.expect("request");
        }
    });
    let _ = Command::new("kill").args(["-INT", &app.id().to_string()]).status();
    let _ = app.wait();
}

/// The walk, at whatever size the terminal has.
fn walk(tmux: &Tmux) {
    tmux.keys(&["w"]);
    tmux.wait_for("TRANSACTION", WAIT);
    tmux.wait_for("/checkout", WAIT);
    tmux.keys(&["s"]);
    let screen = tmux.wait_for("P95▼", WAIT);
    let first = screen.lines().find(|l| l.starts_with("▸ ")).expect("the cursor's row");
    assert!(first.contains("/authors") || first.contains("/checkout"), "the slowest first: {screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("DURATION▼", WAIT);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for(" spans · ", WAIT);
    assert!(screen.contains("http.server"), "{screen}");
    tmux.keys(&["Escape", "Escape", "/"]);
    tmux.keys(&["checkout", "Enter"]);
    tmux.wait_for("search checkout", WAIT);
    tmux.keys(&["Enter"]);
    tmux.wait_for("DURATION▼", WAIT);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("✖", WAIT);
    assert!(screen.contains("db SELECT count(*) FROM authors"), "DB spans in the waterfall: {screen}");
    tmux.keys(&["Tab"]);
    // The line under the rows tells the marked span's issue (cut at 80 columns).
    tmux.wait_for(" OperationalError", WAIT);
    tmux.keys(&["Enter"]);
    tmux.wait_for("no such table: carts", WAIT);
    tmux.wait_for("1 Stack", WAIT);
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for(" spans · ", WAIT);
    assert!(screen.contains("✖"), "back on the waterfall: {screen}");
    tmux.keys(&["Escape", "Escape", "Escape"]);
    tmux.wait_for("Unresolved", WAIT);
}

#[test]
#[ignore = "needs tmux and sentry-python with Flask from tests/sdk/install.sh; .ci/run runs it"]
fn performance_sorted_by_p95_to_the_waterfall_and_an_error_and_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_config(
        dir.path(),
        "[server]\nlisten = \"127.0.0.1:0\"\n[console]\npoll_secs = 2\n[server.performance]\nn_plus_one_db_duration_ms = 5.0\n",
    );
    let tmux = Tmux::sized("perf", &sift_command(dir.path(), "", ""), 120, 40);
    let screen = tmux.wait_for("embedded · DSN http://", Duration::from_secs(30));
    let dsn = screen
        .lines()
        .find_map(|l| l.split("DSN http").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .map(|rest| format!("http{rest}"))
        .expect("the DSN on the status line");
    traffic(&dsn);
    tmux.wait_for("N+1 Query", WAIT);
    walk(&tmux);
    let status = Command::new("tmux").args(["resize-window", "-t", tmux.session(), "-x", "80", "-y", "24"]).status();
    assert!(status.is_ok_and(|s| s.success()), "resize to 80x24");
    walk(&tmux);
    tmux.keys(&["q"]);
}
