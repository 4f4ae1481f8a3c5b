//! Feedback, attachments and cron monitors from the real clients, end to end, against the
//! compiled console's embedded server in tmux: @sentry/node sends an error, a feedback linked
//! to it and one on its own; sentry-python sends an error with a text and a binary attachment
//! and a user report about it; `sentry-cli monitors run` runs `true` and `false` on a schedule.
//! Everything is read back through the Web API (with the console's own client), and in the
//! console: the Feedback section, the attachment paged and saved byte for byte, the Feedback
//! and Monitors screens. Run by `.ci/run` after `tests/sdk/install.sh`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use sift::api::{Client, ClientConfig};

use super::console_tmux::{Tmux, embedded_console};
use super::support::sift_bin;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn clients() -> PathBuf {
    repo().join("target/sdk-clients")
}

fn run(command: &mut Command) -> String {
    let out = command.output().expect("run a client");
    assert!(out.status.success(), "{command:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `sentry-cli monitors run`, with the exit status of the job it wraps.
fn monitor_run(dsn: &str, job: &str) -> i32 {
    let cli = clients().join("node/node_modules/.bin/sentry-cli");
    let out = Command::new(cli)
        .args(["monitors", "run", "--schedule", "*/5 * * * *", "--check-in-margin", "2", "my-job", "--", job])
        .env("SENTRY_DSN", dsn)
        .env_remove("SENTRY_AUTH_TOKEN")
        .output()
        .expect("sentry-cli");
    out.status.code().unwrap_or(-1)
}

fn wait_until<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..100 {
        if let Some(found) = probe() {
            return found;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("waited 10 s for {what}");
}

fn resize(tmux: &Tmux, width: u16, height: u16) {
    let (w, h) = (width.to_string(), height.to_string());
    Command::new("tmux").args(["resize-window", "-t", &tmux.session, "-x", &w, "-y", &h]).status().expect("resize");
    std::thread::sleep(Duration::from_millis(400));
}

#[test]
#[ignore = "needs tmux and the SDK clients from tests/sdk/install.sh; .ci/run runs it"]
fn feedback_attachments_and_monitors_from_the_real_clients() {
    let dir = tempfile::tempdir().unwrap();
    let (tmux, dsn) = embedded_console("beside", dir.path());
    let base = dsn
        .split('@')
        .nth(1)
        .and_then(|rest| rest.rsplit_once('/'))
        .map(|(host, _)| format!("http://{host}/"))
        .unwrap();
    let token = run(Command::new(sift_bin()).args(["token", "--data-dir"]).arg(dir.path().join("data")));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let api = Client::new(ClientConfig::new(base.as_str(), "local", token.as_str())).unwrap();

    // The real clients.
    let text: Vec<u8> =
        (1..=80).map(|i| format!("sync step {i}: copied {} files\n", i * 3)).collect::<String>().into_bytes();
    let binary: Vec<u8> = (0..=255u8).cycle().take(4096).chain([0x1b, b'[', b'2', b'J']).collect();
    let (text_file, binary_file) = (dir.path().join("sync.log"), dir.path().join("core.bin"));
    std::fs::write(&text_file, &text).unwrap();
    std::fs::write(&binary_file, &binary).unwrap();
    let python = clients().join("python/bin/python");
    let py_event = run(Command::new(python)
        .arg(repo().join("tests/sdk/beside/report.py"))
        .arg(&dsn)
        .args([&text_file, &binary_file]));
    let js_event = run(Command::new("node")
        .arg(repo().join("tests/sdk/beside/feedback.mjs"))
        .arg(&dsn)
        .env("SIFT_NODE_DIR", clients().join("node")));
    assert_eq!(monitor_run(&dsn, "true"), 0);
    assert_eq!(monitor_run(&dsn, "false"), 1, "sentry-cli exits with the job's status");

    // Through the Web API.
    let issues = wait_until("both errors", || {
        let page = runtime.block_on(api.list_issues(&Default::default())).ok()?;
        (page.items.len() >= 3).then_some(page.items)
    });
    let issue_of = |needle: &str| {
        issues.iter().find(|i| i.title.contains(needle)).unwrap_or_else(|| panic!("{needle}: {issues:?}"))
    };
    let py_issue = issue_of("disk quota exceeded");
    let js_issue = issue_of("pay button handler");
    let cron_issue = issue_of("Cron failure: my-job");
    let reports = runtime.block_on(api.issue_user_reports(&py_issue.id)).unwrap();
    assert_eq!(reports.len(), 1);
    assert!(reports[0].comments.starts_with("The nightly sync stopped halfway"), "{reports:?}");
    assert_eq!(reports[0].event_id, py_event.replace('-', ""));
    let js_reports = runtime.block_on(api.issue_user_reports(&js_issue.id)).unwrap();
    assert_eq!(js_reports.len(), 1, "{js_reports:?}");
    assert_eq!(
        (js_reports[0].comments.as_str(), js_reports[0].name.as_str()),
        ("The pay button does nothing", "Ann Lee")
    );
    assert_eq!(js_reports[0].url.as_deref(), Some("https://shop.example.com/checkout"));
    assert_eq!(js_reports[0].event_id, js_event.replace('-', ""));
    let all = runtime.block_on(api.feedback_issues(None)).unwrap().items;
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all.iter().any(|f| f.message() == "Love the new colours" && f.metadata.associated_event_id.is_none()));
    let listed = runtime.block_on(api.event_attachments("default", &py_event)).unwrap();
    let names: Vec<(&str, u64)> = listed.iter().map(|a| (a.name.as_str(), a.size)).collect();
    assert_eq!(names, [("sync.log", text.len() as u64), ("core.bin", binary.len() as u64)]);
    for (attachment, bytes) in listed.iter().zip([&text, &binary]) {
        assert_eq!(&runtime.block_on(api.download_attachment("default", &py_event, &attachment.id)).unwrap(), bytes);
    }
    let monitors = runtime.block_on(api.monitors()).unwrap();
    assert_eq!(monitors.iter().map(|m| m.slug.as_str()).collect::<Vec<_>>(), ["my-job"]);
    assert_eq!(monitors[0].config.schedule_text(), "*/5 * * * *");
    let check_ins = runtime.block_on(api.check_ins("my-job", 10)).unwrap();
    assert_eq!(check_ins.iter().map(|c| c.status.as_str()).collect::<Vec<_>>(), ["error", "ok"]);
    assert!(check_ins.iter().all(|c| c.duration.is_some()));
    assert_eq!(check_ins[0].groups[0].id, cron_issue.id);
    let listed = run(Command::new(clients().join("node/node_modules/.bin/sentry-cli"))
        .args(["monitors", "list"])
        .env("SENTRY_URL", &base)
        .env("SENTRY_AUTH_TOKEN", &token)
        .env("SENTRY_ORG", "local"));
    assert!(listed.contains("my-job"), "sentry-cli monitors list: {listed}");
    let cli = run(Command::new(sift_bin())
        .args(["monitors", "list", "--json", "--data-dir"])
        .arg(dir.path().join("data"))
        .env("SIFT_CONFIG_DIR", dir.path().join("config")));
    let cli: serde_json::Value = serde_json::from_str(&cli).unwrap();
    assert_eq!(cli[0]["slug"], "my-job");
    assert_eq!(cli[0]["recent"], serde_json::json!(["error", "ok"]));
    assert_eq!(cli[0]["issue"], cron_issue.short_id);

    // In the console: the Python issue, its attachments paged and saved, its feedback.
    tmux.wait_for("disk quota exceeded", Duration::from_secs(10));
    let row = tmux.screen().lines().position(|l| l.contains("disk quota exceeded")).unwrap();
    let first = tmux
        .screen()
        .lines()
        .position(|l| l.contains("OSError") || l.contains("TypeError") || l.contains("Cron failure"))
        .unwrap();
    for _ in first..row {
        tmux.keys(&["j"]);
    }
    tmux.keys(&["Enter"]);
    tmux.wait_for("Attachments", Duration::from_secs(10));
    let screen = tmux.wait_for("Feedback 1", Duration::from_secs(10));
    assert!(screen.contains("sync.log · 80 B") || screen.contains("sync.log ·"), "{screen}");
    tmux.keys(&["|"]);
    let paged = tmux.wait_for("sync step 1: copied 3 files", Duration::from_secs(10));
    assert!(paged.contains("lines 1-"), "{paged}");
    tmux.keys(&["G"]);
    tmux.wait_for("sync step 80: copied 240 files", Duration::from_secs(5));
    tmux.keys(&["Escape", "w"]);
    tmux.wait_for("save the attachment in", Duration::from_secs(5));
    let saved_dir = dir.path().join("saved");
    std::fs::create_dir_all(&saved_dir).unwrap();
    tmux.keys(&["C-u"]);
    Command::new("tmux")
        .args(["send-keys", "-t", &tmux.session, "-l", &saved_dir.display().to_string()])
        .status()
        .unwrap();
    tmux.keys(&["Enter"]);
    tmux.wait_for("saved ", Duration::from_secs(10));
    assert_eq!(std::fs::read(saved_dir.join("sync.log")).unwrap(), text, "saved byte for byte");
    tmux.keys(&[">", "w", "C-u"]);
    Command::new("tmux")
        .args(["send-keys", "-t", &tmux.session, "-l", &saved_dir.display().to_string()])
        .status()
        .unwrap();
    tmux.keys(&["Enter"]);
    wait_until("the binary saved", || std::fs::read(saved_dir.join("core.bin")).ok().filter(|b| *b == binary));
    tmux.keys(&["8"]);
    let section = tmux.wait_for("The nightly sync stopped halfway", Duration::from_secs(5));
    assert!(section.contains("Bob") && section.contains("bob@example.com"), "{section}");
    assert!(section.contains('␛'), "hostile text is shown as pictures: {section}");
    resize(&tmux, 80, 24);
    tmux.wait_for("The nightly sync", Duration::from_secs(5));

    // The Feedback screen, newest first; Enter opens the linked issue.
    resize(&tmux, 120, 40);
    tmux.keys(&["Escape", "!"]);
    let screen = tmux.wait_for("Love the new colours", Duration::from_secs(10));
    assert!(screen.contains("The pay button does nothing") && screen.contains("The nightly sync"), "{screen}");
    let lines: Vec<&str> = screen.lines().collect();
    let at = |t: &str| lines.iter().position(|l| l.contains(t)).unwrap();
    assert!(at("Love the new colours") < at("The nightly sync"), "newest first:\n{screen}");
    // The rows start below the column headings; the cursor is on the first.
    for _ in 0..(at("The pay button does nothing") - at("SEEN FROM") - 1) {
        tmux.keys(&["j"]);
    }
    tmux.keys(&["Enter"]);
    tmux.wait_for("pay button handler is undefined", Duration::from_secs(10));
    tmux.wait_for("Feedback 1", Duration::from_secs(10));
    tmux.keys(&["Escape"]);
    tmux.wait_for("Love the new colours", Duration::from_secs(10));

    // The Monitors screen: the schedule, the strip (ok then error) and the issue.
    tmux.keys(&["M"]);
    let screen = tmux.wait_for("my-job", Duration::from_secs(10));
    assert!(screen.contains("*/5 * * * *"), "{screen}");
    assert!(screen.contains("●✕"), "oldest on the left: {screen}");
    assert!(screen.contains(&cron_issue.short_id), "{screen}");
    resize(&tmux, 80, 24);
    tmux.wait_for("●✕", Duration::from_secs(5));
    tmux.keys(&["Escape", "q"]);
}
