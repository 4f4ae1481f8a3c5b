//! Alerts end to end, against the compiled `sift serve`, with real receivers on loopback: the
//! README's Slack, webhook and email snippets run as written (their hosts pointed at the local
//! receiver and at aiosmtpd from PyPI), the real Python SDK sends a new error, the same error
//! eleven times in a minute, and an error after a resolve, and each message's content is
//! checked: the Slack blocks, the webhook body and its HMAC signature, the email's headers and
//! both of its bodies. Then durability: the receiver refuses while new issues arrive, the server
//! is SIGKILLed with deliveries pending and restarted, the receiver comes back, and every due
//! firing arrives once under its own key, except the ones the outbox's bound dropped, which are
//! counted. Last, the console's Alerts screen in tmux: a rule made in the form, a test sent,
//! shown delivered.
//!
//! A README alert snippet is the fenced block right below `<!-- alert-snippet: NAME -->`, as
//! `readme_snippets` marks SDK snippets. Run by `.ci/run` (needs the Python venv from
//! `tests/sdk/install.sh`, with aiosmtpd, and tmux).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::alerts_receiver::{Receiver, Recorded};
use super::console_tmux::Tmux;
use super::support::{SiftProcess, dsn_of, run_cli, sift_bin};

const WAIT: Duration = Duration::from_secs(30);
/// Quick retries, so a receiver that comes back is served within seconds.
const DELIVERY: &str = "[alerts.delivery]\nattempt_timeout_secs = 5\nretry_base_secs = 1\nretry_max_secs = 2\n";
const SIGNING_SECRET: &str = "a-long-random-signing-secret";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> PathBuf {
    std::env::var_os("SIFT_SDK_DIR")
        .map_or_else(|| repo().join("target/sdk-clients"), PathBuf::from)
        .join("python/bin/python")
}

/// The README's alert snippets: (name, code).
fn snippets() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut found = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line.trim().strip_prefix("<!-- alert-snippet:").and_then(|r| r.strip_suffix("-->")) else {
            continue;
        };
        assert!(lines.next().is_some_and(|fence| fence.starts_with("```")), "alert snippet {name}: no fence");
        let code: Vec<&str> = lines.by_ref().take_while(|l| l.trim_end() != "```").collect();
        found.push((name.trim().to_string(), code.join("\n") + "\n"));
    }
    found
}

fn snippet(name: &str) -> String {
    snippets().into_iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("README has no alert snippet {name}")).1
}

#[test]
fn the_readme_has_the_three_alert_snippets() {
    let names: Vec<String> = snippets().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["slack", "webhook", "email"]);
    // What the tests replace must be there to replace.
    assert!(snippet("slack").contains("https://hooks.slack.com/services/T000/B000/XXXXXXXX"));
    assert!(
        snippet("webhook").contains("https://ops.example.com/sentry-hook")
            && snippet("webhook").contains(SIGNING_SECRET)
    );
    let email = snippet("email");
    for part in ["host = \"smtp.example.com\"", "port = 587", "security = \"starttls\"", "username =", "password ="] {
        assert!(email.contains(part), "{part}");
    }
}

/// A shell snippet as a person runs it: `sift` on PATH, for this data directory.
fn run_shell(code: &str, server: &SiftProcess) -> String {
    let bin_dir = Path::new(sift_bin()).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let code = code.replace("http://127.0.0.1:9000", &server.url(""));
    let out = Command::new("sh")
        .args(["-c", &code])
        .env("PATH", path)
        .env("SIFT_DATA_DIR", &server.data_dir)
        .env("SIFT_CONFIG_DIR", server.data_dir.join("config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{code}\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// aiosmtpd, storing what it receives in a Maildir.
struct Smtp {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl Smtp {
    fn start(dir: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let maildir = dir.join("maildir");
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd from tests/sdk/install.sh");
        let until = Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "aiosmtpd never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port, maildir }
    }

    /// The messages received, parsed by Python's own `email` package.
    fn wait_for(&self, n: usize) -> Vec<Value> {
        let until = Instant::now() + WAIT;
        loop {
            let files: Vec<PathBuf> = std::fs::read_dir(self.maildir.join("new"))
                .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            if files.len() >= n || Instant::now() > until {
                return files.iter().map(|f| parse_email(f)).collect();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_email(path: &Path) -> Value {
    const PARSE: &str = r#"
import email, email.policy, json, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
parts = [{"type": p.get_content_type(), "text": p.get_content()} for p in msg.walk() if not p.is_multipart()]
print(json.dumps({"subject": msg["subject"], "from": msg["from"], "to": msg["to"],
                  "message_id": msg["message-id"], "type": msg.get_content_type(), "parts": parts}))
"#;
    let out = Command::new(python()).args(["-c", PARSE]).arg(path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The Python SDK sends `times` errors of `kind` (`first`, `storm`, or `many`: that many
/// different new issues).
fn sdk_sends(dsn: &str, kind: &str, times: u32) {
    const SCRIPT: &str = r#"
import sys
import sentry_sdk

sentry_sdk.init(dsn=sys.argv[1], environment="production", release="shop@2.0.1")


def first_visit():
    raise KeyError("missing sku")


def checkout():
    raise TypeError("cart total is undefined")


kind, times = sys.argv[2], int(sys.argv[3])
for i in range(times):
    try:
        if kind == "first":
            first_visit()
        elif kind == "storm":
            checkout()
        else:
            raise type(f"Outage{i}Error", (Exception,), {})("service unavailable")
    except Exception as error:
        sentry_sdk.capture_exception(error)
sentry_sdk.flush()
"#;
    let out = Command::new(python()).args(["-c", SCRIPT, dsn, kind, &times.to_string()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn api(server: &SiftProcess, method: &str, path: &str, body: Option<Value>) -> Value {
    let token = run_cli(&server.data_dir, &["token"]).trim().to_string();
    let url = server.url(path);
    tokio::runtime::Runtime::new().unwrap().block_on(async move {
        let client = reqwest::Client::new();
        let mut request = client.request(method.parse().unwrap(), &url).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{method} {url}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    })
}

/// The firing log, oldest first.
fn firings(server: &SiftProcess) -> Vec<Value> {
    let mut log =
        api(server, "GET", "/api/0/organizations/local/alert-firings/?limit=1000", None).as_array().unwrap().clone();
    log.reverse();
    log
}

fn of_rule(log: &[Value], name: &str) -> Vec<Value> {
    log.iter().filter(|f| f["rule"]["name"] == name).cloned().collect()
}

/// Waits until the server has stored `n` events.
fn wait_events(server: &SiftProcess, n: u64) {
    let until = Instant::now() + WAIT;
    loop {
        let issues = api(server, "GET", "/api/0/organizations/local/issues/?query=", None);
        let count: u64 =
            issues.as_array().unwrap().iter().map(|i| i["count"].as_str().unwrap().parse::<u64>().unwrap()).sum();
        if count >= n {
            return;
        }
        assert!(Instant::now() < until, "only {count} of {n} events arrived");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn verify_signature(hook: &Recorded) {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SIGNING_SECRET.as_bytes());
    let signature = hex::decode(hook.header("sentry-hook-signature").expect("signed")).unwrap();
    ring::hmac::verify(&key, &hook.body, &signature).expect("the signature is the body's HMAC-SHA256");
}

#[test]
#[ignore = "needs the Python SDK and aiosmtpd from tests/sdk/install.sh; .ci/run runs it"]
fn the_readme_rules_deliver_slack_webhook_and_email_for_real_sdk_events() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start();
    let smtp = Smtp::start(dir.path());
    // The README's email snippet, pointed at aiosmtpd: it has no TLS and no accounts.
    let email = snippet("email")
        .replace("host = \"smtp.example.com\"", "host = \"127.0.0.1\"")
        .replace("port = 587", &format!("port = {}", smtp.port))
        .replace("security = \"starttls\"", "security = \"none\"")
        .lines()
        .filter(|l| !l.starts_with("username =") && !l.starts_with("password ="))
        .collect::<Vec<_>>()
        .join("\n");
    let data = dir.path().join("data");
    let server = SiftProcess::start_with_env(&data, &format!("{DELIVERY}\n{email}\n"), &[("SIFT_LOG", "trace")]);
    let slack_url = receiver.url("/slack");
    let hook_url = receiver.url("/hook");
    run_shell(&snippet("slack").replace("https://hooks.slack.com/services/T000/B000/XXXXXXXX", &slack_url), &server);
    run_shell(&snippet("webhook").replace("https://ops.example.com/sentry-hook", &hook_url), &server);
    let dsn = dsn_of(&data, "default");
    let link = |id: &str| server.url(&format!("/organizations/local/issues/{id}/"));

    // A new error: the Slack rule fires once.
    sdk_sends(&dsn, "first", 1);
    let slack = receiver.wait_for("/slack", 1, WAIT);
    assert_eq!(slack.len(), 1);
    let message = slack[0].json();
    let head = message["blocks"][0]["text"]["text"].as_str().unwrap();
    assert!(head.starts_with(&format!("*<{}|DEFAULT-1: KeyError: 'missing sku'>*", link("1"))), "{head}");
    assert!(head.contains("first_visit"), "the culprit: {head}");
    let fields: Vec<&str> =
        message["blocks"][1]["fields"].as_array().unwrap().iter().map(|f| f["text"].as_str().unwrap()).collect();
    for field in ["*Short ID*\nDEFAULT-1", "*Events*\n1", "*Environment*\nproduction", "*Release*\nshop@2.0.1"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    assert!(message["text"].as_str().unwrap().contains(&link("1")));

    // The same error eleven times in a minute: the frequency rule fires once, and again not
    // for three more inside its action interval.
    sdk_sends(&dsn, "storm", 11);
    let hooks = receiver.wait_for("/hook", 1, WAIT);
    sdk_sends(&dsn, "storm", 3);
    wait_events(&server, 15);
    assert_eq!(of_rule(&firings(&server), "More than 10 in a minute").len(), 1);
    assert_eq!(receiver.to("/hook").len(), 1);
    let hook = &hooks[0];
    verify_signature(hook);
    let payload = hook.json();
    assert_eq!(payload["triggering_rules"], json!(["More than 10 in a minute"]));
    assert_eq!((payload["id"].clone(), payload["url"].clone()), (json!("2"), json!(link("2"))));
    assert_eq!(payload["message"], "TypeError: cart total is undefined");
    assert_eq!(payload["event"]["exception"]["values"][0]["type"], "TypeError");
    // `sentry.python`, or `sentry.python.flask` where Flask is importable (the suites' venv has it).
    assert!(payload["event"]["sdk"]["name"].as_str().is_some_and(|n| n.starts_with("sentry.python")), "{payload}");
    assert_eq!(hook.header("sentry-hook-resource"), Some("event_alert"));
    assert_eq!(hook.header("idempotency-key"), payload["idempotency_key"].as_str());
    // The storm's issue was new too.
    assert_eq!(receiver.wait_for("/slack", 2, WAIT).len(), 2);

    // Resolved, then the error again: the regression rule from config.toml emails.
    api(&server, "PUT", "/api/0/issues/2/", Some(json!({ "status": "resolved" })));
    sdk_sends(&dsn, "storm", 1);
    let mails = smtp.wait_for(1);
    assert_eq!(mails.len(), 1, "one regression email");
    let mail = &mails[0];
    let firing = of_rule(&firings(&server), "Regressions by email").pop().expect("the regression fired");
    assert_eq!(mail["subject"], "[sift] DEFAULT-2: TypeError: cart total is undefined");
    assert_eq!(
        (mail["from"].clone(), mail["to"].clone()),
        (json!("sift <alerts@example.com>"), json!("oncall@example.com"))
    );
    assert_eq!(mail["message_id"], format!("<{}@sift>", firing["idempotencyKey"].as_str().unwrap()));
    assert_eq!(mail["type"], "multipart/alternative");
    let (text, html) = (&mail["parts"][0], &mail["parts"][1]);
    assert_eq!((text["type"].clone(), html["type"].clone()), (json!("text/plain"), json!("text/html")));
    let text = text["text"].as_str().unwrap();
    for line in [
        "DEFAULT-2: TypeError: cart total is undefined",
        "Short ID: DEFAULT-2",
        "Environment: production",
        "Release: shop@2.0.1",
        "Rule: Regressions by email (a regression)",
        &format!("Open the issue: {}", link("2")),
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    assert!(
        html["text"]
            .as_str()
            .unwrap()
            .contains(&format!("<a href=\"{}\">DEFAULT-2: TypeError: cart total is undefined</a>", link("2")))
    );

    // Secrets never reach the logs or the API's answers.
    let rules = api(&server, "GET", "/api/0/projects/local/default/rules/", None).to_string();
    let logs: String = std::fs::read_dir(data.join("logs"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .collect();
    for secret in [SIGNING_SECRET, "/slack", "/hook"] {
        assert!(!rules.contains(secret), "{secret} in the rules' JSON");
        assert!(
            !logs.contains(&format!("{}{secret}", receiver.url(""))) && !logs.contains(SIGNING_SECRET),
            "{secret} in the log"
        );
    }
    let list = run_cli(&data, &["alerts", "list"]);
    assert!(list.contains("More than 10 in a minute") && list.contains("sent"), "{list}");
    let log = run_cli(&data, &["alerts", "log"]);
    assert!(log.contains("Regressions by email") && log.contains("outbox: 0 pending"), "{log}");
}

#[test]
#[ignore = "needs the Python SDK from tests/sdk/install.sh; .ci/run runs it"]
fn pending_deliveries_survive_a_sigkill_and_reach_a_receiver_that_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A port nobody listens on yet: the receiver refuses until it starts there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = format!("{DELIVERY}outbox_limit = 15\n");
    let mut server = SiftProcess::start_with_config(&data, &config);
    let rule = json!({ "name": "Outages", "conditions": [{ "id": "first_seen" }],
        "actions": [{ "id": "webhook", "url": format!("http://127.0.0.1:{port}/hook"), "secret": SIGNING_SECRET }] });
    api(&server, "POST", "/api/0/projects/local/default/rules/", Some(rule));
    sdk_sends(&dsn_of(&data, "default"), "many", 20);
    let until = Instant::now() + WAIT;
    while of_rule(&firings(&server), "Outages").len() < 20 {
        assert!(Instant::now() < until, "the firings never all arrived");
        std::thread::sleep(Duration::from_millis(100));
    }
    let outbox = api(&server, "GET", "/api/0/organizations/local/alert-outbox/", None);
    assert_eq!((outbox["sent"].clone(), outbox["dropped"].clone()), (json!(0), json!(5)), "{outbox}");
    server.kill();

    let server = SiftProcess::start_with_config(&data, &config);
    let receiver = Receiver::start_on(port);
    let got = receiver.wait_for("/hook", 15, WAIT);
    let log = of_rule(&firings(&server), "Outages");
    let due: Vec<&str> = log
        .iter()
        .filter(|f| f["deliveries"][0]["state"] != "dropped")
        .map(|f| f["idempotencyKey"].as_str().unwrap())
        .collect();
    assert_eq!(due.len(), 15, "the bound dropped the five oldest");
    let mut keys: Vec<&str> = got.iter().map(|r| r.header("idempotency-key").unwrap()).collect();
    keys.sort_unstable();
    let mut expected = due.clone();
    expected.sort_unstable();
    // The receiver refused while the server ran, so no attempt was cut short: each one once.
    assert_eq!(keys, expected);
    for hook in &got {
        verify_signature(hook);
    }
    let until = Instant::now() + WAIT;
    loop {
        let outbox = api(&server, "GET", "/api/0/organizations/local/alert-outbox/", None);
        if outbox["sent"] == 15 {
            assert_eq!(
                (outbox["pending"].clone(), outbox["retrying"].clone(), outbox["dropped"].clone()),
                (json!(0), json!(0), json!(5))
            );
            break;
        }
        assert!(Instant::now() < until, "{outbox}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
#[ignore = "needs tmux; .ci/run runs it"]
fn the_alerts_screen_makes_a_rule_sends_a_test_and_shows_it_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let receiver = Receiver::start();
    let server = SiftProcess::start_with_config(&data, &format!("{DELIVERY}[console]\npoll_secs = 2\n"));
    let command = format!(
        "env -u SENTRY_URL -u SENTRY_AUTH_TOKEN -u SENTRY_ORG -u SENTRY_PROJECT HOME={home} SIFT_CONFIG_DIR={config} TERM=xterm-256color {bin} --data-dir {data}",
        home = dir.path().display(),
        config = data.join("config").display(),
        bin = sift_bin(),
        data = data.display(),
    );
    let tmux = Tmux::start("alerts", &command);
    tmux.wait_for("attached to sift serve", WAIT);
    tmux.keys(&["N"]);
    tmux.wait_for("New or regressed issues", WAIT);
    // A rule in the form: a name, then to the target (Slack is the default action).
    tmux.keys(&["n"]);
    tmux.wait_for("New rule", WAIT);
    tmux.keys(&["From tmux"]);
    tmux.keys(&["Tab", "Tab", "Tab", "Tab", "Tab", "Tab"]);
    tmux.keys(&[&receiver.url("/tmux")]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("rule From tmux saved (active)", WAIT);
    let screen = tmux.wait_for("From tmux", WAIT);
    assert!(screen.contains("new issue → slack"), "{screen}");
    tmux.keys(&["j", "t"]);
    tmux.wait_for("test notification queued", WAIT);
    let delivered = receiver.wait_for("/tmux", 1, WAIT);
    assert_eq!(
        delivered[0].json()["text"].as_str().map(|t| t.starts_with("[test] Test notification from sift")),
        Some(true)
    );
    let screen = tmux.wait_for("test: a test notification", WAIT);
    let line = screen.lines().find(|l| l.contains("test: a test notification")).unwrap().to_string();
    let until = Instant::now() + WAIT;
    let mut line = line;
    while !line.contains("sent") {
        assert!(Instant::now() < until, "never shown delivered: {line}");
        std::thread::sleep(Duration::from_millis(200));
        line = tmux.screen().lines().find(|l| l.contains("test: a test notification")).unwrap_or_default().to_string();
    }
    // The same at 80x24.
    let _ = Command::new("tmux").args(["resize-window", "-t", &tmux.session, "-x", "80", "-y", "24"]).status();
    tmux.keys(&["C-r"]);
    let screen = tmux.wait_for("Recent firings", WAIT);
    assert!(screen.contains("From tmux") && screen.contains("sent"), "{screen}");
    drop(server);
}
