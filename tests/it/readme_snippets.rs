//! README.md's snippets for pointing SDKs at sift, run as written against a fresh `sift serve`.
//!
//! A runnable snippet is the fenced block right below an HTML comment `<!-- snippet: NAME -->`
//! (GitHub does not render the comment). Each test takes its snippet from README.md, puts the
//! server's DSN where the placeholder DSN is, runs it with the real client, then polls the Web
//! API until the issue arrives and checks its title, its count and the SDK that sent it.
//!
//! - `python`: the venv's python from `tests/sdk/install.sh` runs it as a script.
//! - `node`: saved as an ES module (`.mjs`) beside a `node_modules` link to the installed clients,
//!   so the bare `@sentry/node` import resolves as it does in a user's project.
//! - `browser`: no browser is available to CI as a registry package alone: a real one would take
//!   Debian's Chromium plus a bundler to resolve the bare `@sentry/browser` import (the npm package
//!   ships no prebuilt CDN bundle) and a page server. So the snippet runs under Node, preloaded
//!   with `tests/sdk/node/browser-env.mjs`, which makes a jsdom page (window, document, location,
//!   navigator, history, DOM events) the global object. The code that runs is the published
//!   `@sentry/browser` (its ES module build, the one bundlers pick), it takes the page's URL from
//!   `location`, and the event says `sentry.javascript.browser` (checked). Not exercised: a
//!   browser's own `fetch` and CORS enforcement (the SDK sends with Node's `fetch`; sift's CORS
//!   answers are covered by `bad_input`).
//! - `rust`: the snippet cannot be compiled at test time without running cargo inside cargo (a
//!   second target dir and a fresh build of the `sentry` crate). Instead its body is this file's
//!   `readme_rust_main`, which the compiler checks: `readme_matches_the_tested_snippets` asserts
//!   the two texts are equal (with the placeholder DSN literal as the `dsn` parameter), and
//!   `rust_snippet_sends_its_event` runs the function in a child copy of this test binary (the
//!   SDK's hub is process-wide), as `sdk_rust` does. It needs nothing from `install.sh`, so it
//!   is not ignored and `cargo test` runs it.
//! - `sentry-cli`: `sh -c` runs it with the installed sentry-cli first on PATH, and an empty home
//!   and working directory (no `.sentryclirc`).
//!
//! Every client runs without the caller's `SENTRY_*` variables.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::support::{SiftProcess, dsn_of};

/// The DSN the README's snippets use; the tests put the real one in its place.
const PLACEHOLDER_DSN: &str = "http://KEY@127.0.0.1:9000/1";
/// How long a snippet may run, and then how long its issue may take to show in the Web API.
const RUN_DEADLINE: Duration = Duration::from_secs(30);
const ARRIVAL_DEADLINE: Duration = Duration::from_secs(20);

/// Each marked snippet: its name, the fence's language, and what must arrive (issue title, SDK).
const SNIPPETS: &[(&str, &str, &str, &str)] = &[
    ("python", "python", "ZeroDivisionError: division by zero", "sentry.python"),
    ("node", "js", "Error: Hello from @sentry/node", "sentry.javascript.node"),
    ("browser", "js", "Error: Hello from @sentry/browser", "sentry.javascript.browser"),
    ("rust", "rust", "ParseIntError: invalid digit found in string", "sentry.rust"),
    ("sentry-cli", "sh", "Hello from sentry-cli", "sentry-cli"),
];

/// README.md's Rust snippet is `fn main() { BODY }`. This is BODY, with the placeholder DSN
/// literal as the parameter `dsn`; `readme_matches_the_tested_snippets` compares the two texts.
fn readme_rust_main(dsn: &str) {
    let _guard = sentry::init(dsn);

    if let Err(err) = "forty-two".parse::<u32>() {
        sentry::capture_error(&err);
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where `tests/sdk/install.sh` put the clients.
fn sdk_dir() -> PathBuf {
    std::env::var_os("SIFT_SDK_DIR").map_or_else(|| repo().join("target/sdk-clients"), PathBuf::from)
}

struct Snippet {
    name: String,
    lang: String,
    code: String,
}

/// Every marked snippet in README.md, in order.
fn readme_snippets() -> Vec<Snippet> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let mut snippets = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line.trim().strip_prefix("<!-- snippet:").and_then(|rest| rest.strip_suffix("-->")) else {
            continue;
        };
        let name = name.trim().to_string();
        let fence = lines.next().unwrap_or_default();
        let lang = fence
            .strip_prefix("```")
            .unwrap_or_else(|| panic!("README snippet {name}: the line after its marker must open a fence: {fence:?}"))
            .trim()
            .to_string();
        let mut code = String::new();
        let mut closed = false;
        for line in lines.by_ref() {
            if line.trim_end() == "```" {
                closed = true;
                break;
            }
            code.push_str(line);
            code.push('\n');
        }
        assert!(closed, "README snippet {name}: its fence is never closed");
        snippets.push(Snippet { name, lang, code });
    }
    snippets
}

fn readme_snippet(name: &str) -> Snippet {
    readme_snippets().into_iter().find(|s| s.name == name).unwrap_or_else(|| panic!("README.md has no snippet {name}"))
}

/// The README's Rust snippet's body (between `fn main() {` and the closing brace), with the
/// placeholder DSN literal replaced by `dsn`, and `readme_rust_main`'s body from this file.
fn rust_bodies() -> (String, String) {
    let snippet = readme_snippet("rust");
    let lines: Vec<&str> = snippet.code.lines().collect();
    assert_eq!(lines.first(), Some(&"fn main() {"), "README's Rust snippet must be one `fn main`");
    assert!(lines.last().is_some_and(|l| l.starts_with('}')), "README's Rust snippet must end with main's brace");
    let readme = lines[1..lines.len() - 1].join("\n").replace(&format!("\"{PLACEHOLDER_DSN}\""), "dsn");

    let source = include_str!("readme_snippets.rs");
    let tested: Vec<&str> = source
        .lines()
        .skip_while(|l| *l != "fn readme_rust_main(dsn: &str) {")
        .skip(1)
        .take_while(|l| *l != "}")
        .collect();
    (readme, tested.join("\n"))
}

/// A fresh `sift serve` with its default project's DSN and the Web API token.
struct Server {
    process: SiftProcess,
    dsn: String,
    token: String,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let process = SiftProcess::start(dir.path());
        let dsn = dsn_of(dir.path(), "default");
        let token = process.cli(&["token"]).trim().to_string();
        Self { process, dsn, token, _dir: dir }
    }

    fn get(&self, runtime: &tokio::runtime::Runtime, path: &str) -> Value {
        runtime.block_on(async {
            let response = reqwest::Client::new()
                .get(self.process.url(path))
                .bearer_auth(&self.token)
                .send()
                .await
                .unwrap_or_else(|e| panic!("GET {path}: {e}"));
            assert!(response.status().is_success(), "GET {path}: {}", response.status());
            response.json().await.unwrap_or_else(|e| panic!("GET {path}: {e}"))
        })
    }

    /// Polls the default project's issues until one arrives; then it must be the only one,
    /// titled `title`, seen once, with its event sent by the SDK named `sdk`.
    fn expect_issue(&self, what: &str, title: &str, sdk: &str) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let deadline = Instant::now() + ARRIVAL_DEADLINE;
        let issues = loop {
            let issues = self.get(&runtime, "/api/0/projects/local/default/issues/?query=");
            if issues.as_array().is_some_and(|a| !a.is_empty()) {
                break issues;
            }
            assert!(Instant::now() < deadline, "{what}: no issue arrived within {ARRIVAL_DEADLINE:?}");
            std::thread::sleep(Duration::from_millis(200));
        };
        let titles: Vec<&str> = issues.as_array().into_iter().flatten().filter_map(|i| i["title"].as_str()).collect();
        assert_eq!(titles, [title], "{what}: the issues that arrived");
        let issue = &issues[0];
        assert_eq!(issue["count"], "1", "{what}: one event");
        let id = issue["id"].as_str().expect("issue id");
        let event = self.get(&runtime, &format!("/api/0/organizations/local/issues/{id}/events/latest/"));
        // sentry-python names its framework integration when one is importable (the suites' venv
        // has Flask for the performance app): `sentry.python.flask` is still the Python SDK.
        let name = event["sdk"]["name"].as_str().unwrap_or_default();
        assert!(
            name == sdk || name.strip_prefix(sdk).is_some_and(|rest| rest.starts_with('.')),
            "{what}: the SDK that sent it: {}",
            event["sdk"]
        );
    }
}

/// Runs `command` in `work` without the caller's `SENTRY_*` variables (those it sets itself
/// stay), with output to a file, and asserts that it exits 0 within [`RUN_DEADLINE`].
fn run(mut command: Command, what: &str, work: &Path) {
    let set: Vec<_> = command.get_envs().map(|(key, _)| key.to_owned()).collect();
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("SENTRY_") && !set.contains(&key) {
            command.env_remove(key);
        }
    }
    let log_path = work.join("output.log");
    let log = File::create(&log_path).expect("log file");
    command.current_dir(work).stdin(Stdio::null()).stdout(log.try_clone().expect("log file")).stderr(log);
    let mut child = command.spawn().unwrap_or_else(|e| panic!("{what}: cannot start {command:?}: {e}"));
    let deadline = Instant::now() + RUN_DEADLINE;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {RUN_DEADLINE:?}:\n{}", read_log(&log_path));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{what} exited with {status}:\n{}", read_log(&log_path));
}

fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The snippet `name` from README.md with `dsn` in place of the placeholder; its fence must say
/// `lang`.
fn snippet_code(name: &str, dsn: &str) -> String {
    let snippet = readme_snippet(name);
    let lang = SNIPPETS.iter().find(|s| s.0 == name).map(|s| s.1).expect("known snippet");
    assert_eq!(snippet.lang, lang, "README snippet {name}: fence language");
    assert!(snippet.code.contains(PLACEHOLDER_DSN), "README snippet {name} must use {PLACEHOLDER_DSN}");
    snippet.code.replace(PLACEHOLDER_DSN, dsn)
}

/// Starts a server, lets `run_snippet(code, dsn, work dir)` run snippet `name` (`code` has the
/// server's DSN in it), and waits for its issue.
fn check_snippet(name: &str, run_snippet: impl FnOnce(&str, &str, &Path)) {
    let (_, _, title, sdk) = *SNIPPETS.iter().find(|s| s.0 == name).expect("known snippet");
    let server = Server::start();
    let code = snippet_code(name, &server.dsn);
    let work = tempfile::tempdir().expect("tempdir");
    run_snippet(&code, &server.dsn, work.path());
    server.expect_issue(&format!("README snippet {name}"), title, sdk);
}

/// Points `work/node_modules` at the installed JavaScript clients.
fn link_node_modules(work: &Path) {
    let modules = sdk_dir().join("node/node_modules");
    assert!(modules.is_dir(), "{} missing: run tests/sdk/install.sh", modules.display());
    std::os::unix::fs::symlink(&modules, work.join("node_modules")).expect("symlink node_modules");
}

#[test]
fn readme_matches_the_tested_snippets() {
    let found: Vec<String> = readme_snippets().into_iter().map(|s| s.name).collect();
    let known: Vec<&str> = SNIPPETS.iter().map(|s| s.0).collect();
    assert_eq!(found, known, "README.md's marked snippets, each needs a test here");
    for (name, ..) in SNIPPETS {
        snippet_code(name, "http://test@127.0.0.1:1/1");
    }
    let (readme, tested) = rust_bodies();
    assert_eq!(readme, tested, "README's Rust snippet and readme_rust_main must be the same code");
}

#[test]
#[ignore = "needs the SDK clients from tests/sdk/install.sh; .ci/run runs it"]
fn python_snippet_sends_its_event() {
    check_snippet("python", |code, _dsn, work| {
        let python = sdk_dir().join("python/bin/python");
        assert!(python.exists(), "{} missing: run tests/sdk/install.sh", python.display());
        std::fs::write(work.join("first_event.py"), code).expect("write snippet");
        let mut command = Command::new(python);
        command.arg("first_event.py");
        run(command, "python first_event.py", work);
    });
}

#[test]
#[ignore = "needs the SDK clients from tests/sdk/install.sh; .ci/run runs it"]
fn node_snippet_sends_its_event() {
    check_snippet("node", |code, _dsn, work| {
        link_node_modules(work);
        std::fs::write(work.join("first-event.mjs"), code).expect("write snippet");
        let mut command = Command::new("node");
        command.arg("first-event.mjs");
        run(command, "node first-event.mjs", work);
    });
}

#[test]
#[ignore = "needs the SDK clients from tests/sdk/install.sh; .ci/run runs it"]
fn browser_snippet_sends_its_event() {
    // Under Node with a jsdom page as the global object: see the module docs for why.
    check_snippet("browser", |code, _dsn, work| {
        link_node_modules(work);
        std::fs::copy(repo().join("tests/sdk/node/browser-env.mjs"), work.join("browser-env.mjs"))
            .expect("copy browser-env.mjs");
        std::fs::write(work.join("main.mjs"), code).expect("write snippet");
        let mut command = Command::new("node");
        command.args(["--import", "./browser-env.mjs", "main.mjs"]);
        run(command, "node --import ./browser-env.mjs main.mjs", work);
    });
}

#[test]
#[ignore = "needs the SDK clients from tests/sdk/install.sh; .ci/run runs it"]
fn sentry_cli_snippet_sends_its_event() {
    check_snippet("sentry-cli", |code, _dsn, work| {
        let bin = sdk_dir().join("node/node_modules/.bin");
        assert!(bin.join("sentry-cli").exists(), "sentry-cli missing in {}: run tests/sdk/install.sh", bin.display());
        let path = std::env::join_paths(
            std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
        )
        .expect("PATH");
        let mut command = Command::new("sh");
        command
            .args(["-eu", "-c", code])
            .env("PATH", path)
            .env("HOME", work)
            .env("SENTRY_DISABLE_UPDATE_CHECK", "true");
        run(command, "the sentry-cli snippet", work);
    });
}

/// The child half of [`rust_snippet_sends_its_event`]; on its own (no DSN given) it does nothing.
#[test]
#[ignore = "runs only as the child process of rust_snippet_sends_its_event"]
fn rust_snippet_child() {
    match std::env::var("SIFT_README_RUST_DSN") {
        Ok(dsn) => readme_rust_main(&dsn),
        Err(_) => eprintln!("rust_snippet_child: no SIFT_README_RUST_DSN; run rust_snippet_sends_its_event"),
    }
}

#[test]
fn rust_snippet_sends_its_event() {
    let (readme, tested) = rust_bodies();
    assert_eq!(readme, tested, "README's Rust snippet and readme_rust_main must be the same code");
    check_snippet("rust", |_code, dsn, work| {
        let mut command = Command::new(std::env::current_exe().expect("test binary"));
        command
            .args(["--exact", "readme_snippets::rust_snippet_child", "--ignored", "--nocapture", "--test-threads", "1"])
            .env("SIFT_README_RUST_DSN", dsn);
        run(command, "readme_rust_main in a child test process", work);
    });
}

/// The console's first-run hint (`sift::tui::view::FIRST_RUN`): each SDK's second line, run as
/// shown with `SENTRY_DSN` set, sends an event that arrives. Each ends in an uncaught error, so
/// its process exits non-zero after the SDK has sent it.
mod first_run_hint {
    use super::*;

    fn line(sdk: &str) -> &'static str {
        sift::tui::view::FIRST_RUN.iter().find(|l| l.0 == sdk).map(|l| l.2).expect("an SDK in the hint")
    }

    /// Runs `command` (which must fail, as an uncaught error makes it) and waits for `title`.
    fn check(sdk: &str, title: &str, sent_by: &str, make: impl FnOnce(&Path, &str) -> Command) {
        let server = Server::start();
        let work = tempfile::tempdir().expect("tempdir");
        let mut command = make(work.path(), &server.dsn);
        command.env("SENTRY_DSN", &server.dsn);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("SENTRY_") && key != "SENTRY_DSN" {
                command.env_remove(key);
            }
        }
        let output = command.current_dir(work.path()).stdin(Stdio::null()).output().expect("run the hint's line");
        assert!(!output.status.success(), "{sdk}: the line ends in an uncaught error");
        server.expect_issue(&format!("first-run hint, {sdk}"), title, sent_by);
    }

    #[test]
    #[ignore = "needs the SDK clients from tests/sdk/install.sh; .ci/run runs it"]
    fn python_line_sends_its_event() {
        check("Python", "ZeroDivisionError: division by zero", "sentry.python", |_, _| {
            let mut command = Command::new(sdk_dir().join("python/bin/python"));
            command.args(["-c", line("Python")]);
            command
        });
    }

    #[test]
    #[ignore = "needs the SDK clients from tests/sdk/install.sh; .ci/run runs it"]
    fn node_line_sends_its_event() {
        let title = "TypeError: Cannot read properties of null (reading 'boom')";
        check("Node", title, "sentry.javascript.node", |work, _| {
            link_node_modules(work);
            let mut command = Command::new("node");
            command.args(["-e", line("Node")]);
            command
        });
    }

    #[test]
    #[ignore = "needs the SDK clients from tests/sdk/install.sh; .ci/run runs it"]
    fn cli_line_sends_its_event() {
        check("CLI", "hello from the shell", "sentry-cli", |work, _| {
            let bin = sdk_dir().join("node/node_modules/.bin");
            link_node_modules(work);
            let path = std::env::join_paths(
                std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
            )
            .expect("PATH");
            // `npx` finds the linked package's binary; an uncaught error is what the other lines
            // end with, so the line is followed by `false` to share their exit check.
            let mut command = Command::new("sh");
            command
                .args(["-eu", "-c", &format!("{}; false", line("CLI"))])
                .env("PATH", path)
                .env("HOME", work)
                .env("SENTRY_DISABLE_UPDATE_CHECK", "true");
            command
        });
    }

    /// The Rust line is this function's body: `rust_line_matches_the_hint` compares the texts.
    #[rustfmt::skip]
    fn rust_line() {
        let _sentry = sentry::init(()); panic!("boom");
    }

    #[test]
    fn rust_line_matches_the_hint() {
        let source = include_str!("readme_snippets.rs");
        let body: Vec<&str> =
            source.lines().skip_while(|l| l.trim() != "fn rust_line() {").skip(1).take(1).map(str::trim).collect();
        assert_eq!(body, [line("Rust")]);
    }

    /// The child half of [`rust_line_sends_its_event`]: panics only when given a DSN.
    #[test]
    #[ignore = "runs only as the child process of rust_line_sends_its_event"]
    fn rust_line_child() {
        if std::env::var_os("SIFT_FIRST_RUN_CHILD").is_some() {
            rust_line();
        }
    }

    #[test]
    fn rust_line_sends_its_event() {
        check("Rust", "panic: boom", "sentry.rust", |_, _| {
            let mut command = Command::new(std::env::current_exe().expect("test binary"));
            command
                .args([
                    "--exact",
                    "readme_snippets::first_run_hint::rust_line_child",
                    "--ignored",
                    "--test-threads",
                    "1",
                ])
                .env("SIFT_FIRST_RUN_CHILD", "1");
            command
        });
    }
}
