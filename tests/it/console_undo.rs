//! The compiled console on the demo data set in tmux, checked on the screen and through the
//! Web API: undoing resolve, resolve in the next release, archive and priority on an
//! escalating issue brings `escalating` back on the server; the cursor stays on the issue
//! acted on (`x j x` selects adjacent rows, and `g R u i f` archives the restored issue); `?`
//! in the opened issue lists its keys first and scrolls at 80x24. Run by `.ci/run` (needs tmux).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::console_tmux::{Tmux, sift_command, write_config};
use super::support::sift_bin;

const WAIT: Duration = Duration::from_secs(10);

/// `sift demo` on a fresh data directory, polling every 2 s, at `columns` x `rows`.
fn demo(name: &str, dir: &Path, columns: u16, rows: u16) -> Tmux {
    write_config(dir, "[server]\nlisten = \"127.0.0.1:0\"\n[console]\npoll_secs = 2\n");
    let tmux = Tmux::sized(name, &sift_command(dir, "", "demo"), columns, rows);
    // Loading sends every event through the ingest endpoint first.
    tmux.wait_for("SHOP-API", Duration::from_secs(120));
    tmux
}

/// The demo's Web API: (base URL, token).
fn web_api(dir: &Path) -> (String, String) {
    let data = dir.join("data/demo");
    let token = Command::new(sift_bin()).args(["token", "--data-dir"]).arg(&data).output().unwrap().stdout;
    let marker: Value = serde_json::from_str(&std::fs::read_to_string(data.join("server.json")).unwrap()).unwrap();
    (marker["url"].as_str().unwrap().to_string(), String::from_utf8(token).unwrap().trim().to_string())
}

fn issue(api: &(String, String), short_id: &str) -> Value {
    let url = format!("{}/api/0/organizations/local/issues/{short_id}/", api.0);
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        reqwest::Client::new().get(&url).bearer_auth(&api.1).send().await.unwrap().json().await.unwrap()
    })
}

/// Waits until the server's issue satisfies `ok`; panics with it after a few seconds.
fn server_until(api: &(String, String), short_id: &str, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let got = issue(api, short_id);
        if ok(&got) {
            return got;
        }
        assert!(start.elapsed() < WAIT, "{short_id} never became {what}: {got}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `SHOP-API-5`, `LEDGER-WORKER-7`: a project slug in capitals, a dash, a base-32 number.
fn is_short_id(word: &str) -> bool {
    let Some((project, number)) = word.rsplit_once('-') else { return false };
    project.starts_with(|c: char| c.is_ascii_uppercase())
        && project.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The short id of the cursor's issue, read off the opened issue's header (Enter, read, Esc):
/// the list beside it shows titles only, so the header's is the first on the screen.
fn short_id_at_cursor(tmux: &Tmux) -> String {
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("1 Stack", WAIT);
    tmux.keys(&["Escape"]);
    tmux.wait_for("EVENTS", WAIT);
    screen
        .lines()
        .flat_map(str::split_whitespace)
        .map(|w| w.trim_start_matches('★'))
        .find(|w| is_short_id(w))
        .unwrap_or_else(|| panic!("a short id in the opened issue's header:\n{screen}"))
        .to_string()
}

#[test]
#[ignore = "needs tmux; .ci/run runs it"]
fn undo_restores_escalating_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = demo("undo", dir.path(), 120, 40);
    let api = web_api(dir.path());
    // The Escalating tab: every row there is escalating.
    tmux.keys(&["Tab", "Tab", "Tab"]);
    tmux.wait_for("ESC ", WAIT);
    let short_id = short_id_at_cursor(&tmux);
    let before = issue(&api, &short_id);
    assert_eq!(before["substatus"], "escalating", "{before}");
    for (keys, said) in [
        (&["r"][..], format!("resolved {short_id}")),
        (&["R"][..], format!("resolved {short_id} in the next release")),
        (&["i", "f"][..], format!("archived {short_id} forever")),
        (&["p", "l"][..], format!("set priority low on {short_id}")),
    ] {
        tmux.keys(&["g"]);
        tmux.keys(keys);
        tmux.wait_for(&said, WAIT);
        server_until(&api, &short_id, "changed", |i| i["status"] != "unresolved" || i["priority"] == "low");
        tmux.keys(&["u"]);
        let screen = tmux.wait_for("undid: ", WAIT);
        assert!(!screen.contains("could not restore"), "{screen}");
        let after = server_until(&api, &short_id, "escalating again", |i| {
            i["status"] == "unresolved" && i["substatus"] == "escalating" && i["priority"] == before["priority"]
        });
        assert_eq!(after["statusDetails"], before["statusDetails"], "{keys:?}");
        let row = tmux.wait_for(&short_id, WAIT);
        assert!(
            row.lines().any(|l| l.contains(&short_id) && l.contains("ESC")),
            "{keys:?}: the row reads ESC again\n{row}"
        );
    }
    // The standup's Escalating count is whole again.
    let escalating = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let url = format!("{}/api/0/organizations/local/issues/?query=is:escalating", api.0);
        let list: Value =
            reqwest::Client::new().get(&url).bearer_auth(&api.1).send().await.unwrap().json().await.unwrap();
        list.as_array().map_or(0, Vec::len)
    });
    assert_eq!(escalating, 3, "the demo's three escalating issues are escalating again");
}

#[test]
#[ignore = "needs tmux; .ci/run runs it"]
fn the_cursor_stays_on_the_issue_acted_on() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = demo("cursor", dir.path(), 120, 40);
    let api = web_api(dir.path());
    tmux.keys(&["g", "x", "j", "x"]);
    let screen = tmux.wait_for("2 selected", WAIT);
    let marked: Vec<usize> =
        screen.lines().enumerate().filter(|(_, l)| l.starts_with(" +") || l.starts_with("+")).map(|(i, _)| i).collect();
    assert_eq!(marked.len(), 2, "{screen}");
    assert_eq!(marked[1], marked[0] + 1, "x j x selects adjacent rows:\n{screen}");
    tmux.keys(&["Escape"]);

    tmux.keys(&["g"]);
    let first = short_id_at_cursor(&tmux);
    tmux.keys(&["j"]);
    let second = short_id_at_cursor(&tmux);
    assert_ne!(first, second);
    tmux.keys(&["g", "R"]);
    tmux.wait_for(&format!("resolved {first} in the next release"), WAIT);
    // Let a poll take the resolved issue out of Unresolved before undoing.
    std::thread::sleep(Duration::from_secs(3));
    tmux.keys(&["u"]);
    tmux.wait_for(&format!("undid: resolve in the next release on {first}"), WAIT);
    tmux.keys(&["i", "f"]);
    tmux.wait_for(&format!("archived {first} forever"), WAIT);
    server_until(&api, &first, "archived", |i| i["status"] == "ignored");
    assert_eq!(issue(&api, &second)["status"], "unresolved", "the issue below was left alone");
}

#[test]
#[ignore = "needs tmux; .ci/run runs it"]
fn help_in_the_opened_issue_lists_its_keys_and_scrolls_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = demo("help", dir.path(), 80, 24);
    tmux.keys(&["Enter"]);
    tmux.wait_for("1 Stack", WAIT);
    tmux.keys(&["?"]);
    let top = tmux.wait_for("The opened issue", WAIT);
    assert!(top.contains("older event") && top.contains("lines 1–"), "{top}");
    tmux.keys(&["Space"]);
    let lower = tmux.screen();
    assert!(lower.contains("Stack trace section") || lower.contains("Breadcrumbs section"), "{lower}");
    tmux.keys(&["G"]);
    let bottom = tmux.wait_for("sparkline counts events", WAIT);
    assert!(!bottom.contains("lines 1–"), "{bottom}");
    tmux.keys(&["/", "b", "r", "e", "a", "d", "Enter"]);
    let found = tmux.wait_for("Breadcrumbs section", WAIT);
    assert!(!found.contains("Undo the last action"), "the filter keeps only matching keys:\n{found}");
    tmux.keys(&["Escape"]);
    tmux.keys(&["q"]);
    tmux.wait_for("EVENTS", WAIT);
    tmux.keys(&["q"]);
    let start = Instant::now();
    while tmux.alive() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!tmux.alive(), "q in the opened issue went back, and q on the list quit without asking");
}
