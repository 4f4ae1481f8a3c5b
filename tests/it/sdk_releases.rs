//! The release workflow with the real clients against the compiled `sift serve`: the official
//! sentry-cli creates, lists, shows, finalizes, archives and deletes releases, sets commits
//! (`--local`, `--commit REPO@SHA`, `--auto`) in a real git repository, and records and lists
//! deploys; each effect is read back through the Web API. Then sentry-python sends sessions of a
//! release (one crashed, the rest healthy), and the crash-free rates Sentry's rule gives for
//! them are what the sessions endpoint, the release list and the console's releases screen (in
//! tmux, at 120x40 and 80x24) show. Run by `.ci/run` after `tests/sdk/install.sh`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use super::console_tmux::{Tmux, sift_command, write_config};
use super::support::{SiftProcess, dsn_of};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the installed sentry-cli in `dir` against `server`, and returns its stdout.
fn sentry_cli(server: &SiftProcess, token: &str, dir: &Path, args: &[&str]) -> String {
    let output = Command::new(repo().join("target/sdk-clients/node/node_modules/.bin/sentry-cli"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("SENTRY_URL", server.url("/"))
        .env("SENTRY_AUTH_TOKEN", token)
        .env("SENTRY_ORG", "local")
        .env("SENTRY_PROJECT", "default")
        .env("SENTRY_DISABLE_UPDATE_CHECK", "true")
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

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git").args(args).current_dir(dir).output().expect("git");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// A git repository with three commits and a GitHub remote.
fn checkout(dir: &Path) -> Vec<String> {
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.email", "dev@example.com"]);
    git(dir, &["config", "user.name", "Dev"]);
    git(dir, &["remote", "add", "origin", "https://github.com/acme/shop.git"]);
    for n in 1..=3 {
        std::fs::write(dir.join(format!("file{n}.txt")), n.to_string()).expect("write");
        git(dir, &["add", "."]);
        git(dir, &["commit", "-qm", &format!("change {n}")]);
    }
    git(dir, &["log", "--format=%H"]).lines().map(str::to_owned).collect()
}

fn api(server: &SiftProcess, token: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let url = server.url(&format!("/api/0/{path}"));
        let mut request = client.request(method.parse().expect("method"), url).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    })
}

fn get(server: &SiftProcess, token: &str, path: &str) -> Value {
    let (status, body) = api(server, token, "GET", path, None);
    assert_eq!(status, 200, "{path}: {body}");
    body
}

#[test]
#[ignore = "needs sentry-cli from tests/sdk/install.sh and git; .ci/run runs it"]
fn sentry_cli_runs_the_release_workflow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = SiftProcess::start(&dir.path().join("data"));
    let token = server.cli(&["token"]).trim().to_string();
    let work = dir.path().join("shop");
    std::fs::create_dir_all(&work).expect("checkout dir");
    let commits = checkout(&work);
    let cli = |args: &[&str]| sentry_cli(&server, &token, &work, args);
    let release = |version: &str| get(&server, &token, &format!("organizations/local/releases/{version}/"));

    assert!(cli(&["releases", "new", "1.0.0"]).contains("Created release 1.0.0"));
    let created = release("1.0.0");
    assert_eq!((created["projects"][0]["slug"].as_str(), created["dateReleased"].as_str()), (Some("default"), None));
    let listed = cli(&["releases", "list"]);
    assert!(listed.contains("1.0.0") && listed.contains("(unreleased)"), "{listed}");
    assert!(cli(&["releases", "info", "1.0.0"]).contains("1.0.0"));

    // --local: the commits of the checkout, walked back 20 at most.
    assert!(cli(&["releases", "set-commits", "1.0.0", "--local"]).contains("Success! Set commits for release 1.0.0"));
    let local = release("1.0.0");
    assert_eq!(
        (local["commitCount"].as_u64(), local["lastCommit"]["id"].as_str()),
        (Some(3), Some(commits[0].as_str()))
    );
    let info = cli(&["releases", "info", "1.0.0", "--show-commits"]);
    assert!(commits.iter().all(|c| info.contains(c.as_str())), "{info}");

    // With a registered repository, --commit names it and --auto finds it from the remote.
    let (status, repo_json) = api(
        &server,
        &token,
        "POST",
        "organizations/local/repos/",
        Some(json!({ "name": "acme/shop", "url": "https://github.com/acme/shop" })),
    );
    assert_eq!(status, 201, "{repo_json}");
    let pinned = cli(&["releases", "set-commits", "1.0.0", "--commit", &format!("acme/shop@{}", commits[1])]);
    assert!(pinned.contains("acme/shop"), "{pinned}");
    assert_eq!(release("1.0.0")["lastCommit"]["id"], commits[1]);
    let auto = cli(&["releases", "set-commits", "1.0.0", "--auto"]);
    assert!(auto.contains("acme/shop") && auto.contains(&commits[0][..12]), "{auto}");
    assert_eq!(release("1.0.0")["lastCommit"]["id"], commits[0]);

    assert!(cli(&["releases", "finalize", "1.0.0"]).contains("Finalized release 1.0.0"));
    assert!(release("1.0.0")["dateReleased"].is_string());
    assert!(cli(&["deploys", "new", "-r", "1.0.0", "-e", "production", "-n", "blue"]).contains("production"));
    let deploys = cli(&["deploys", "list", "-r", "1.0.0"]);
    assert!(deploys.contains("production") && deploys.contains("blue"), "{deploys}");
    let deployed = release("1.0.0");
    assert_eq!(
        (deployed["deployCount"].as_u64(), deployed["lastDeploy"]["environment"].as_str()),
        (Some(1), Some("production"))
    );

    cli(&["releases", "archive", "1.0.0"]);
    assert_eq!(release("1.0.0")["status"], "archived");
    assert!(!cli(&["releases", "list"]).contains("1.0.0"), "archived releases are not listed");
    cli(&["releases", "restore", "1.0.0"]);
    assert_eq!(release("1.0.0")["status"], "open");

    cli(&["releases", "new", "1.1.0"]);
    assert!(cli(&["releases", "delete", "1.1.0"]).contains("Deleted release 1.1.0"));
    let (status, _) = api(&server, &token, "GET", "organizations/local/releases/1.1.0/", None);
    assert_eq!(status, 404);
    let versions: Vec<Value> = get(&server, &token, "organizations/local/releases/")
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["version"].clone())
        .collect();
    assert_eq!(versions, [json!("1.0.0")]);
}

/// Each session: (user, crashed).
const SESSIONS: [(&str, bool); 7] =
    [("u0", true), ("u0", false), ("u1", false), ("u1", false), ("u2", false), ("u3", false), ("u3", false)];

#[test]
#[ignore = "needs sentry-python from tests/sdk/install.sh and tmux; .ci/run runs it"]
fn python_sessions_give_the_crash_free_rates_in_the_api_and_on_the_releases_screen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = SiftProcess::start(&dir.path().join("data"));
    let token = server.cli(&["token"]).trim().to_string();
    let lines: Vec<String> = SESSIONS
        .iter()
        .map(|(user, crashed)| format!("{user} {}", if *crashed { "crashed" } else { "healthy" }))
        .collect();
    let output = Command::new(repo().join("target/sdk-clients/python/bin/python"))
        .arg(repo().join("tests/sdk/python/release_health.py"))
        .env("SIFT_DSN", dsn_of(&server.data_dir, "default"))
        .env("SIFT_RELEASE", "shop@1.4.0")
        .env("SIFT_SESSIONS", lines.join("\n"))
        .output()
        .expect("run python");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    // Sentry's rule: crash-free = 1 - crashed / all, for sessions and for distinct users.
    let sessions = SESSIONS.len() as f64;
    let crashed = SESSIONS.iter().filter(|(_, c)| *c).count() as f64;
    let mut users: Vec<&str> = SESSIONS.iter().map(|(u, _)| *u).collect();
    users.sort_unstable();
    users.dedup();
    let mut crashed_users: Vec<&str> = SESSIONS.iter().filter(|(_, c)| *c).map(|(u, _)| *u).collect();
    crashed_users.dedup();
    let session_rate = 1.0 - crashed / sessions;
    let user_rate = 1.0 - crashed_users.len() as f64 / users.len() as f64;

    let answer = get(
        &server,
        &token,
        "organizations/local/sessions/?field=sum(session)&field=count_unique(user)&field=crash_free_rate(session)\
         &field=crash_free_rate(user)&groupBy=release&statsPeriod=24h",
    );
    let totals = &answer["groups"][0]["totals"];
    assert_eq!(answer["groups"][0]["by"]["release"], "shop@1.4.0");
    assert_eq!(
        (totals["sum(session)"].as_f64(), totals["count_unique(user)"].as_f64()),
        (Some(sessions), Some(users.len() as f64))
    );
    assert!((totals["crash_free_rate(session)"].as_f64().unwrap() - session_rate).abs() < 1e-9, "{totals}");
    assert!((totals["crash_free_rate(user)"].as_f64().unwrap() - user_rate).abs() < 1e-9, "{totals}");
    let statuses = get(&server, &token, "organizations/local/sessions/?field=sum(session)&groupBy=session.status");
    let crashed_group =
        statuses["groups"].as_array().unwrap().iter().find(|g| g["by"]["session.status"] == "crashed").unwrap();
    assert_eq!(crashed_group["totals"]["sum(session)"].as_f64(), Some(crashed));
    let list = get(&server, &token, "organizations/local/releases/?health=1");
    let health = &list[0]["projects"][0]["healthData"];
    let percent = |rate: f64| (rate * 100.0 * 10_000.0).round() / 10_000.0;
    assert_eq!(
        (health["crashFreeSessions"].as_f64(), health["crashFreeUsers"].as_f64()),
        (Some(percent(session_rate)), Some(percent(user_rate)))
    );
    assert_eq!(list[0]["newGroups"], 1, "the crash made an issue");

    // The console, attached to this server: the releases screen shows the same rates.
    write_config(dir.path(), "[console]\npoll_secs = 2\n");
    let tmux = Tmux::start("releases", &sift_command(dir.path(), "", ""));
    tmux.wait_for("attached to sift serve", Duration::from_secs(30));
    tmux.keys(&["H"]);
    let shown = |rate: f64| format!("{:.2}%", rate * 100.0);
    let screen = tmux.wait_for(&shown(session_rate), Duration::from_secs(15));
    assert!(screen.contains("Releases") && screen.contains(&shown(user_rate)) && screen.contains("1.4.0"), "{screen}");
    assert!(screen.contains("7 sessions, 1 crashed"), "{screen}");
    tmux.resize(80, 24);
    std::thread::sleep(Duration::from_millis(500));
    let narrow = tmux.wait_for(&shown(user_rate), Duration::from_secs(5));
    assert!(narrow.contains(&shown(session_rate)), "{narrow}");
    // Enter: the release's new issue in the list; esc comes back.
    tmux.keys(&["Enter"]);
    tmux.wait_for("firstRelease:shop@1.4.0", Duration::from_secs(10));
    tmux.wait_for("RuntimeError: checkout crashed", Duration::from_secs(10));
    tmux.keys(&["Escape"]);
    tmux.wait_for("crash-free over 14d", Duration::from_secs(10));
    tmux.keys(&["q"]);
}
