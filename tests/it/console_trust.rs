//! The compiled console in tmux, for the things a triager must be able to trust: nothing that
//! matters cut at 80 and 120 columns (the DSN and its port, users and priority, zoom), the
//! embedded server's address kept from one start to the next and a taken port named, breadcrumbs
//! that open to their data and a permalink page that answers, search that behaves as Sentry's
//! (and completes keys and values from the server's tags),
//! and a dead remote that reads as one line. Each test asserts the screen and, where there is
//! one, the server's state. Run by `.ci/run` (needs tmux and the Python SDK from
//! `tests/sdk/install.sh`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::support::sift_bin;

/// A console in a tmux server of its own (so its clipboard setting touches no other test).
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, width: u16, height: u16, command: &str) -> Self {
        let socket = format!("sift-trust-{name}-{}", std::process::id());
        let tmux = Self { socket };
        let (w, h) = (width.to_string(), height.to_string());
        assert!(tmux.run(&["new-session", "-d", "-s", "main", "-x", &w, "-y", &h, command]).success());
        // Applications may set tmux's paste buffer with OSC 52, as `y` does.
        tmux.run(&["set-option", "-s", "set-clipboard", "on"]);
        tmux
    }

    fn run(&self, args: &[&str]) -> std::process::ExitStatus {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).status().expect("tmux")
    }

    fn output(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn screen(&self) -> String {
        // Joined: a message longer than the pane reads as one line.
        self.output(&["capture-pane", "-p", "-J", "-t", "main"])
    }

    fn resize(&self, width: u16, height: u16) {
        self.run(&["resize-window", "-t", "main", "-x", &width.to_string(), "-y", &height.to_string()]);
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", "main", key]);
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "main", "-l", text]);
        std::thread::sleep(Duration::from_millis(150));
    }

    fn wait_for(&self, text: &str, limit: Duration) -> String {
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
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").status();
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// sift with a clean environment (no SENTRY_* settings, a home without `.sentryclirc`); the
/// shell stays after it exits, printing its status, so a refusal can be read off the screen.
fn sift_command(dir: &Path, env: &str, args: &str) -> String {
    format!(
        "env -u DISPLAY -u WAYLAND_DISPLAY -u SENTRY_URL -u SENTRY_AUTH_TOKEN -u SENTRY_ORG -u SENTRY_PROJECT HOME={home} SIFT_CONFIG_DIR={config} \
         TERM=xterm-256color {env} {bin} --data-dir {data} {args}; echo \"sift exited $?\"; sleep 60",
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

fn token(dir: &Path) -> String {
    let out = Command::new(sift_bin()).args(["token", "--data-dir"]).arg(dir.join("data")).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn server_url(dir: &Path) -> String {
    let marker: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("data/server.json")).unwrap()).unwrap();
    marker["url"].as_str().unwrap().to_string()
}

/// GET `url` (with the token when given): status and body.
fn get(url: &str, token: Option<&str>) -> (u16, String) {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut request = reqwest::Client::new().get(url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    })
}

/// The DSN on the status line.
fn dsn_on(screen: &str) -> String {
    screen
        .lines()
        .find_map(|l| l.split("DSN http").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .map(|rest| format!("http{rest}"))
        .unwrap_or_else(|| panic!("no DSN on the status line:\n{screen}"))
}

const APP: &str = r#"import sys
import sentry_sdk

sentry_sdk.init(dsn=sys.argv[1], release="shop@1.0.0", environment="production")


def reserve(order):
    raise RuntimeError(f"inventory refused order {order}")


for order in (1001, 1002):
    sentry_sdk.add_breadcrumb(type="http", category="httplib", level="warning",
        data={"method": "POST", "url": "http://inventory/reserve", "status_code": 503,
              "reason": "Service Unavailable: the inventory service is draining its queue and refuses new reservations"})
    sentry_sdk.add_breadcrumb(category="navigation", type="navigation", data={"from": "/cart", "to": "/checkout"})
    try:
        reserve(order)
    except RuntimeError:
        sentry_sdk.capture_exception()
sentry_sdk.flush()
"#;

/// A console on a fresh embedded server (a free port) with the Python SDK's events of [`APP`].
fn console_with_events(name: &str, dir: &Path, width: u16, height: u16) -> (Tmux, String) {
    write_config(dir, "[server]\nlisten = \"127.0.0.1:0\"\n[console]\npoll_secs = 2\n");
    let tmux = Tmux::start(name, width, height, &sift_command(dir, "", ""));
    let dsn = dsn_on(&tmux.wait_for("DSN http://", Duration::from_secs(30)));
    let app = dir.join("app.py");
    std::fs::write(&app, APP).unwrap();
    let python = repo().join("target/sdk-clients/python/bin/python");
    let sent = Command::new(python).arg(&app).arg(&dsn).output().expect("run the Python SDK");
    assert!(sent.status.success(), "{dsn}: {}", String::from_utf8_lossy(&sent.stderr));
    tmux.wait_for("RuntimeError: inventory refused", Duration::from_secs(15));
    (tmux, dsn)
}

#[test]
#[ignore = "needs tmux and the Python SDK from tests/sdk/install.sh; .ci/run runs it"]
fn nothing_that_matters_is_cut_at_80_and_120_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (tmux, dsn) = console_with_events("cut", dir.path(), 80, 24);
    for (width, height) in [(80, 24), (120, 40)] {
        tmux.resize(width, height);
        let screen = tmux.wait_for(&dsn, Duration::from_secs(15));
        let status = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
        assert!(status.contains(&dsn), "{width}: the DSN with its port is whole: {status}");
        let header = screen.lines().find(|l| l.contains("TITLE")).unwrap();
        assert!(header.contains("USERS") && header.contains("PRI") && header.contains("↓SEEN"), "{width}: {header}");
    }
    // `y d` copies the DSN (OSC 52, which tmux keeps as its paste buffer).
    tmux.keys(&["y", "d"]);
    tmux.wait_for("copied the DSN", Duration::from_secs(15));
    let start = Instant::now();
    while tmux.output(&["show-buffer"]).trim() != dsn {
        assert!(start.elapsed() < Duration::from_secs(15), "the paste buffer: {:?}", tmux.output(&["show-buffer"]));
        std::thread::sleep(Duration::from_millis(200));
    }
    // z: the opened issue takes the whole width at 120 columns, and back.
    tmux.keys(&["Enter"]);
    tmux.wait_for("1 Stack", Duration::from_secs(10));
    tmux.wait_for("    TITLE", Duration::from_secs(10));
    tmux.keys(&["z"]);
    let start = Instant::now();
    while tmux.screen().contains("    TITLE") {
        assert!(start.elapsed() < Duration::from_secs(15), "z zooms:\n{}", tmux.screen());
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux.keys(&["z"]);
    tmux.wait_for("    TITLE", Duration::from_secs(15));
    // At 80 columns the header keeps the state and the assignee (unassigned here).
    tmux.resize(80, 24);
    // The redraw at the new size has the issue alone, its state and assignee whole.
    let start = Instant::now();
    loop {
        let screen = tmux.screen();
        let whole = screen.contains("error unresolved (new)") && !screen.contains("    TITLE");
        if whole && (screen.contains("nobody") || screen.contains("unassigned")) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "at 80 columns:\n{screen}");
        std::thread::sleep(Duration::from_millis(200));
    }
    tmux.keys(&["q"]);
}

#[test]
#[ignore = "needs tmux and the Python SDK from tests/sdk/install.sh; .ci/run runs it"]
fn a_breadcrumb_opens_and_the_permalink_page_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (tmux, _) = console_with_events("crumbs", dir.path(), 120, 40);
    tmux.keys(&["Enter"]);
    tmux.wait_for("1 Stack", Duration::from_secs(10));
    tmux.keys(&["2"]);
    let screen = tmux.wait_for("POST http://inventory/reserve [503]", Duration::from_secs(15));
    assert!(screen.contains("/cart → /checkout"), "{screen}");
    assert!(!screen.contains("-1302036") && !screen.contains("data.reason"), "{screen}");
    // The cursor starts on the newest crumb (navigation); j moves to the HTTP one, Enter opens it.
    tmux.keys(&["j", "Enter"]);
    let screen = tmux.wait_for("data.reason", Duration::from_secs(15));
    assert!(screen.contains("data.status_code 503") || screen.contains("data.status_code"), "{screen}");
    assert!(screen.contains("refuses new reservations"), "the reason is wrapped, not cut:\n{screen}");
    // → scrolls the long lines; ← brings them back.
    tmux.keys(&["Enter", "Right", "Right"]);
    let scrolled = tmux.wait_for("reserve [503]", Duration::from_secs(15));
    assert!(!scrolled.contains("POST http://inventory/reserve [503]"), "{scrolled}");
    tmux.keys(&["Left", "Left"]);
    tmux.wait_for("POST http://inventory/reserve [503]", Duration::from_secs(15));

    // o: no browser in tmux, so the console shows the URL; the page there answers without a
    // token, with the title and the stack trace, and never the token.
    tmux.keys(&["o"]);
    let screen = tmux.wait_for("open http://", Duration::from_secs(15));
    let url = screen.split("open ").nth(1).and_then(|r| r.split_whitespace().next()).unwrap().to_string();
    assert!(url.starts_with(&server_url(dir.path())) && url.contains("/organizations/local/issues/"), "{url}");
    let (status, page) = get(&url, None);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<title>") && page.contains("RuntimeError: inventory refused order"), "{page}");
    assert!(page.contains("in reserve") || page.contains("at reserve"), "the stack trace: {page}");
    assert!(!page.contains(&token(dir.path())), "no token on the page");
    tmux.keys(&["q"]);
}

#[test]
#[ignore = "needs tmux; .ci/run runs it"]
fn the_embedded_servers_address_is_kept_and_a_taken_port_is_named() {
    let dir = tempfile::tempdir().unwrap();
    // Something that is not sift holds the configured port.
    let squatter = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = squatter.local_addr().unwrap().port();
    write_config(dir.path(), &format!("[server]\nlisten = \"127.0.0.1:{port}\"\n"));
    let tmux = Tmux::start("port", 120, 40, &sift_command(dir.path(), "", ""));
    // A data directory that never served moves, and says where and why.
    let screen = tmux.wait_for("is taken by", Duration::from_secs(30));
    assert!(screen.contains(&format!("127.0.0.1:{port} is taken by")) && screen.contains("--listen"), "{screen}");
    let dsn = dsn_on(&tmux.wait_for("DSN http://", Duration::from_secs(15)));
    assert!(!dsn.contains(&format!(":{port}/")), "{dsn}");
    tmux.keys(&["q"]);
    tmux.wait_for("sift exited 0", Duration::from_secs(10));
    drop(tmux);

    // The next start keeps that address, so an SDK set up with the DSN still reaches it.
    let tmux = Tmux::start("port2", 120, 40, &sift_command(dir.path(), "", ""));
    let again = dsn_on(&tmux.wait_for("DSN http://", Duration::from_secs(30)));
    assert_eq!(again, dsn, "the same DSN on the next start");
    tmux.keys(&["q"]);
    tmux.wait_for("sift exited 0", Duration::from_secs(10));
    drop(tmux);

    // When that address is taken too, sift says by whom and how to choose, and does not move.
    let kept: std::net::SocketAddr = dsn.split('@').nth(1).unwrap().trim_end_matches("/1").parse().unwrap();
    let _squatter2 = std::net::TcpListener::bind(kept).unwrap();
    let tmux = Tmux::start("port3", 120, 40, &sift_command(dir.path(), "", ""));
    let screen = tmux.wait_for("sift exited 1", Duration::from_secs(30));
    assert!(screen.contains(&format!("{kept}, where this data directory's DSNs point, is taken by")), "{screen}");
    assert!(screen.contains(&format!("pid {}", std::process::id())), "the holder is named: {screen}");
    assert!(screen.contains("--listen"), "{screen}");
    drop(squatter);
}

#[test]
#[ignore = "needs tmux and the Python SDK from tests/sdk/install.sh; .ci/run runs it"]
fn search_overrides_the_tab_names_unknown_projects_and_tag_filters_show_in_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let (tmux, _) = console_with_events("search", dir.path(), 120, 40);
    // Tab completes a key from the server's tags, and a release from its values.
    tmux.keys(&["/", "C-u"]);
    tmux.type_text("server_n");
    tmux.keys(&["Tab"]);
    tmux.wait_for("server_name:", Duration::from_secs(10));
    tmux.keys(&["C-u"]);
    tmux.type_text("rel");
    tmux.keys(&["Tab"]);
    tmux.wait_for("release:", Duration::from_secs(10));
    tmux.keys(&["Tab"]);
    let screen = tmux.wait_for("shop@1.0.0", Duration::from_secs(10));
    assert!(screen.contains("the newest release") && screen.contains("2 events"), "{screen}");
    tmux.keys(&["Tab", "Tab"]);
    tmux.wait_for("release:shop@1.0.0", Duration::from_secs(10));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("RuntimeError: inventory refused", Duration::from_secs(10));
    assert!(screen.contains("release:shop@1.0.0") && !screen.contains("tab completes"), "{screen}");
    tmux.keys(&["Escape"]);
    tmux.keys(&["r"]);
    tmux.wait_for("No issues", Duration::from_secs(10));
    // On the Unresolved tab, a search for resolved issues finds the one just resolved.
    tmux.keys(&["/"]);
    tmux.type_text("is:resolved");
    tmux.keys(&["Enter"]);
    tmux.wait_for("RuntimeError: inventory refused", Duration::from_secs(10));
    let (_, resolved) = get(
        &format!("{}/api/0/organizations/local/issues/?query=is:resolved", server_url(dir.path())),
        Some(&token(dir.path())),
    );
    assert!(resolved.contains("inventory refused"), "the server has it resolved: {resolved}");
    // An unknown project is named, with the known ones.
    tmux.keys(&["/", "C-u"]);
    tmux.type_text("project:nope");
    tmux.keys(&["Enter"]);
    tmux.wait_for("no project \"nope\" (known: default)", Duration::from_secs(15));
    tmux.keys(&["Escape"]);
    // Unresolve it, and back to the Unresolved tab without a search (Esc clears it).
    tmux.keys(&["U"]);
    std::thread::sleep(Duration::from_secs(1));
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("RuntimeError: inventory refused", Duration::from_secs(10));
    assert!(screen.contains("env all"), "{screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("1 Stack", Duration::from_secs(10));
    tmux.keys(&["4"]);
    tmux.wait_for("environment", Duration::from_secs(10));
    let screen = tmux.screen();
    let values: Vec<&str> = screen.lines().filter(|l| l.contains('%')).collect();
    let at = values.iter().position(|l| l.contains("production")).expect("the environment value");
    for _ in 0..at {
        tmux.keys(&["j"]);
    }
    tmux.keys(&["Enter"]);
    tmux.wait_for("env production", Duration::from_secs(10));
    tmux.keys(&["q"]);
}

#[test]
#[ignore = "needs tmux; .ci/run runs it"]
fn a_dead_remote_reads_as_one_short_line_and_is_retried_within_seconds() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "[console]\ntimeout_secs = 2\n");
    let env = "SENTRY_URL=http://127.0.0.1:9/ SENTRY_AUTH_TOKEN=fake-token SENTRY_ORG=acme";
    let command = sift_command(dir.path(), "", "")
        .replace("-u SENTRY_URL -u SENTRY_AUTH_TOKEN -u SENTRY_ORG -u SENTRY_PROJECT", env);
    let tmux = Tmux::start("dead", 120, 40, &command);
    let screen =
        tmux.wait_for("cannot reach http://127.0.0.1:9/ (connection refused); retrying in 4s", Duration::from_secs(15));
    let status = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(status.contains("SENTRY_* settings · http://127.0.0.1:9/"), "the mode and URL stay: {status}");
    assert!(!screen.contains("error sending request") && !screen.contains("os error"), "{screen}");
    // The first retry comes within seconds, and the next waits longer.
    tmux.wait_for("retrying in 8s", Duration::from_secs(10));
    tmux.keys(&["q"]);
}
