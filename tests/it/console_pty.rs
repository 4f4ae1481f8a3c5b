//! Terminal injection, end to end: hostile events sent over HTTP to a running `sift serve`, the
//! compiled console attached to it inside a real pseudo-terminal, driven by keys through every
//! screen that draws event data (the list, every section of the opened issue, its frames, both
//! of its events, the message issue, help, the environment picker), at 120x40 and at 80x24.
//!
//! Every string field the console can show carries, each behind a unique visible marker
//! (`INJ07c`: field 07, injection c), escape sequences meant for the terminal: CSI window resize
//! and cursor report request, OSC 52 clipboard write, OSC 8 hyperlink, OSC 0 title, bare BEL, C1
//! CSI and OSC, and bidi overrides. Every byte the console writes is kept and checked: none of
//! those sequences, no OSC/DCS/APC at all, no control byte but ESC/CR/LF/BS, only the CSI kinds
//! a full-screen drawer needs, and a terminal emulator (vt100) fed the same bytes was asked for
//! no bell, title, resize, clipboard or hyperlink. So that it cannot pass by drawing nothing,
//! the server is checked to serve the payloads raw, and the screens to show the markers of
//! many fields followed by the visible placeholder (`␛`, `␇`, `�`) drawn in place of the escape.
//! That check is also what catches a broken sanitiser: ratatui itself drops control characters
//! from drawn text, so with `tui::sanitize` made a no-op nothing raw reached the terminal, but
//! the placeholders of 37 of the fields below went missing and this test failed.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::pty::{Console, Recorder, nz};
use super::support::{SiftProcess, dsn_of, envelope, event_id, run_cli};

/// What hostile event data carries: a name, the sequence, and what the console draws in place
/// of its first character.
const INJECTIONS: [(&str, &str, char); 10] = [
    ("CSI window resize", "\x1b[8;1;1t", '␛'),
    ("OSC 52 clipboard write", "\x1b]52;c;SU5KRUNURUQ=\x07", '␛'),
    ("OSC 8 hyperlink", "\x1b]8;;http://evil.example\x1b\\", '␛'),
    ("OSC 0 title", "\x1b]0;PWNED-TITLE\x07", '␛'),
    ("bare BEL", "\x07", '␇'),
    ("CSI cursor report request", "\x1b[6n", '␛'),
    ("C1 CSI", "\u{9b}8;1;1t", '�'),
    ("C1 OSC", "\u{9d}52;c;SU5KRUNURUQ=\u{9c}", '�'),
    ("bidi RLO", "\u{202e}", '�'),
    ("bidi LRI", "\u{2066}", '�'),
];

/// Byte strings that must never reach the terminal, with what they are.
const FORBIDDEN: &[(&[u8], &str)] = &[
    (b"\x1b]52;", "OSC 52 clipboard write"),
    (b"\x1b]8;", "OSC 8 hyperlink"),
    (b"\x1b]0;", "OSC 0 title"),
    (b"\x1b]", "an OSC"),
    (b"\x1b[8;1;1t", "CSI window resize"),
    (b"\x1b[6n", "CSI cursor position report request"),
    (b"\x1bP", "DCS"),
    (b"\x1b_", "APC"),
    (b"\x1b^", "PM"),
    (b"\x1bX", "SOS"),
    (b"\x07", "BEL"),
    (b"\xc2\x9b", "C1 CSI (U+009B)"),
    (b"\xc2\x9c", "C1 ST (U+009C)"),
    (b"\xc2\x9d", "C1 OSC (U+009D)"),
    (b"\xe2\x80\xae", "bidi RLO (U+202E)"),
    (b"\xe2\x81\xa6", "bidi LRI (U+2066)"),
];

/// A field must be seen drawn (its marker, then a placeholder) on some screen.
const DRAWN: bool = true;
/// A field the console may leave off screen (normalised by the server, or shown only in wide
/// panes or unscrolled JSON).
const MAYBE: bool = false;

/// Every field that carries a payload, and whether it must be seen drawn; the index is the
/// field's number in its markers.
const FIELDS: &[(&str, bool)] = &[
    ("exception type", DRAWN),
    ("exception value", DRAWN),
    ("mechanism type", DRAWN),
    ("frame filename", DRAWN),
    ("frame function", DRAWN),
    ("frame context_line", DRAWN),
    ("frame pre_context", DRAWN),
    ("frame post_context", DRAWN),
    ("frame vars key", DRAWN),
    ("frame vars value", DRAWN),
    ("frame abs_path", DRAWN),
    ("frame module", DRAWN),
    ("frame vars nested", DRAWN),
    ("library frame filename", DRAWN),
    ("breadcrumb message", DRAWN),
    ("breadcrumb category", DRAWN),
    ("breadcrumb data", DRAWN),
    ("breadcrumb level", MAYBE),
    ("request url", DRAWN),
    ("request method", MAYBE),
    ("request query value", DRAWN),
    ("request header name", DRAWN),
    ("request header value", DRAWN),
    ("request cookie", DRAWN),
    ("request body", DRAWN),
    ("request env", DRAWN),
    ("tag key", DRAWN),
    ("tag value", DRAWN),
    ("user id", DRAWN),
    ("user email", DRAWN),
    ("user username", DRAWN),
    ("user ip_address", MAYBE),
    ("user name", MAYBE),
    ("os context", DRAWN),
    ("runtime context", DRAWN),
    ("browser context", DRAWN),
    ("custom context key", DRAWN),
    ("custom context value", DRAWN),
    ("sdk name", DRAWN),
    ("sdk version", MAYBE),
    ("release", DRAWN),
    ("environment", DRAWN),
    ("title", MAYBE),
    ("culprit", MAYBE),
    ("transaction", DRAWN),
    ("thread name", MAYBE),
    ("thread frame", MAYBE),
    ("extra", MAYBE),
    ("logger", MAYBE),
    ("server_name", MAYBE),
    ("message", DRAWN),
    ("second event value", DRAWN),
    ("second event breadcrumb", DRAWN),
    ("comment", DRAWN),
    ("frame2 function", MAYBE),
    ("frame2 context_line", MAYBE),
    ("exception module", MAYBE),
    ("request query key", MAYBE),
    ("custom context nested", MAYBE),
    ("breadcrumb type", MAYBE),
    ("feedback message", DRAWN),
    ("feedback name", DRAWN),
    ("feedback email", DRAWN),
    ("feedback url", DRAWN),
    ("report comments", DRAWN),
    ("report name", DRAWN),
    ("attachment name", DRAWN),
    ("attachment text", DRAWN),
];

fn field(name: &str) -> usize {
    FIELDS.iter().position(|(f, _)| *f == name).unwrap_or_else(|| panic!("unknown field {name:?}"))
}

fn marker(field: usize, injection: usize) -> String {
    format!("INJ{field:02}{}", char::from(b'a' + injection as u8))
}

/// The hostile text of a field: every injection, each behind its marker, starting with a
/// different one per field so that each kind comes first (and so is drawn) somewhere.
fn h(name: &str) -> String {
    hn(name, INJECTIONS.len())
}

/// Like [`h`] with only the first `n` injections, for fields followed on their line by another.
fn hn(name: &str, n: usize) -> String {
    let f = field(name);
    (0..n)
        .map(|k| {
            let j = (f + k) % INJECTIONS.len();
            format!("{}{}", marker(f, j), INJECTIONS[j].1)
        })
        .collect()
}

/// The first marker of a field's text.
fn first_marker(name: &str) -> String {
    let f = field(name);
    marker(f, f % INJECTIONS.len())
}

/// Fields the console shows as JSON (a nested value, a request body), where a C0 control
/// shows as its JSON escape (`\u001b`) rather than as a control picture.
const SHOWN_AS_JSON: &[&str] = &["frame vars nested", "request body", "breadcrumb data"];

/// What the console must draw for a field: its first marker, then the placeholder for the first
/// injection (or, for a field shown as JSON, the JSON escape of its first character).
fn drawn(name: &str) -> String {
    let (_, sequence, placeholder) = INJECTIONS[field(name) % INJECTIONS.len()];
    let first = sequence.chars().next().unwrap_or_default();
    match first {
        c if c < ' ' && SHOWN_AS_JSON.contains(&name) => format!("{}\\u{:04x}", first_marker(name), c as u32),
        _ => format!("{}{placeholder}", first_marker(name)),
    }
}

/// Whether some screen shows `field` drawn.
fn was_drawn(screens: &[String], field: &str) -> bool {
    screens.iter().any(|s| s.contains(&drawn(field)))
}

fn frames() -> Value {
    json!([
        // Oldest first, as SDKs send them. A library frame, shown only after `f`.
        { "filename": hn("library frame filename", 1), "function": "dispatch", "lineno": 3, "in_app": false,
          "context_line": "    return handler(request)" },
        // Only a module: the frame is titled by it.
        { "module": hn("frame module", 1), "function": "checkout", "lineno": 30, "in_app": true,
          "context_line": "    total = cart.total()", "vars": { "cart": { "nested": h("frame vars nested") } } },
        // Only an absolute path.
        { "abs_path": hn("frame abs_path", 1), "function": h("frame2 function"), "lineno": 20, "in_app": true,
          "pre_context": ["def pay(order):"], "context_line": h("frame2 context_line"), "post_context": ["    return"] },
        // The crashing frame, selected when the issue opens.
        { "filename": hn("frame filename", 1), "abs_path": "/srv/app/views.py", "module": "app.views",
          "function": h("frame function"), "lineno": 12, "in_app": true,
          "pre_context": [h("frame pre_context"), "    order = load()"],
          "context_line": h("frame context_line"),
          "post_context": [h("frame post_context"), "    return order"],
          "vars": { h("frame vars key"): "1", "value": h("frame vars value") } }
    ])
}

fn exception_event(timestamp: f64, value_field: &str, crumb_field: &str) -> Value {
    json!({
        "event_id": event_id(), "timestamp": timestamp, "platform": "python", "level": "error",
        "fingerprint": ["console-pty-injection"],
        "title": h("title"), "culprit": h("culprit"), "transaction": h("transaction"),
        "release": h("release"), "environment": h("environment"), "logger": h("logger"),
        "server_name": h("server_name"),
        "exception": { "values": [{
            "type": hn("exception type", 1), "value": h(value_field), "module": h("exception module"),
            "mechanism": { "type": h("mechanism type"), "handled": false },
            "stacktrace": { "frames": frames() }
        }] },
        "breadcrumbs": { "values": [
            { "timestamp": timestamp - 5.0, "category": h("breadcrumb category"), "message": h(crumb_field),
              "level": h("breadcrumb level"), "type": h("breadcrumb type") },
            { "timestamp": timestamp - 2.0, "category": "http", "data": { "url": h("breadcrumb data") } }
        ] },
        "request": {
            "url": format!("https://shop.example/{}", h("request url")), "method": hn("request method", 1),
            "query_string": [[h("request query key"), h("request query value")]],
            "headers": [[h("request header name"), "x"], ["X-Plain", h("request header value")]],
            "cookies": [[h("request cookie"), "light"]],
            "data": { "card": h("request body") },
            "env": { "REMOTE_ADDR": h("request env") }
        },
        "tags": { h("tag key"): "v", "plain": h("tag value") },
        "user": { "id": h("user id"), "email": h("user email"), "username": h("user username"),
                  "ip_address": h("user ip_address"), "name": h("user name") },
        "contexts": {
            "os": { "type": "os", "name": h("os context"), "version": "1" },
            "runtime": { "type": "runtime", "name": h("runtime context"), "version": "3.12" },
            "browser": { "type": "browser", "name": h("browser context") },
            "hostile": { h("custom context key"): "k", "detail": h("custom context value"),
                         "nested": { "deep": h("custom context nested") } }
        },
        "sdk": { "name": h("sdk name"), "version": h("sdk version") },
        "extra": { "note": h("extra") },
        "threads": { "values": [{ "id": 1, "name": h("thread name"), "crashed": false, "current": false,
                                   "stacktrace": { "frames": [{ "function": h("thread frame"), "filename": "t.py",
                                                                "lineno": 1, "in_app": true }] } }] }
    })
}

fn message_event(timestamp: f64) -> Value {
    json!({
        "event_id": event_id(), "timestamp": timestamp, "platform": "python", "level": "warning",
        "fingerprint": ["console-pty-message"],
        "logentry": { "formatted": h("message") }
    })
}

/// Where `needle` occurs in `haystack`.
fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i).collect()
}

/// A readable excerpt of the raw output around `at`.
fn around(raw: &[u8], at: usize) -> String {
    let start = at.saturating_sub(80);
    let end = (at + 40).min(raw.len());
    format!("{:?}", String::from_utf8_lossy(&raw[start..end]))
}

/// Reads the raw output as a terminal would. Returns every CSI sequence's kind (its final
/// byte; private modes with their number) and where it starts, and what no terminal should
/// see: other escape sequences, control bytes outside sequences, invalid UTF-8, and C1 or
/// bidi and other format characters in the text.
fn scan(raw: &[u8]) -> (Vec<(String, usize)>, Vec<String>) {
    let mut csi_kinds = Vec::new();
    let mut bad = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b == 0x1b {
            match raw.get(i + 1) {
                Some(b'[') => {
                    let start = i;
                    let mut j = i + 2;
                    let private = match raw.get(j) {
                        Some(p @ (b'?' | b'>' | b'<' | b'=')) => {
                            j += 1;
                            char::from(*p).to_string()
                        }
                        _ => String::new(),
                    };
                    let params_start = j;
                    while j < raw.len() && (0x20..=0x3f).contains(&raw[j]) {
                        j += 1;
                    }
                    let params = String::from_utf8_lossy(&raw[params_start..j]).to_string();
                    match raw.get(j) {
                        Some(f) if (0x40..=0x7e).contains(f) => {
                            let kind = if private.is_empty() {
                                format!("CSI {}", char::from(*f))
                            } else {
                                format!("CSI {private}{params}{}", char::from(*f))
                            };
                            csi_kinds.push((kind, start));
                            i = j + 1;
                        }
                        _ => {
                            bad.push(format!("an unterminated CSI at {start}: {}", around(raw, start)));
                            i = j;
                        }
                    }
                }
                Some(next) => {
                    bad.push(format!("ESC {:?} at {i}: {}", char::from(*next), around(raw, i)));
                    i += 2;
                }
                None => {
                    bad.push(format!("a trailing ESC at {i}"));
                    i += 1;
                }
            }
            continue;
        }
        if (b < 0x20 && !matches!(b, b'\r' | b'\n' | 0x08)) || b == 0x7f {
            bad.push(format!("control byte {b:#04x} at {i}: {}", around(raw, i)));
        }
        i += 1;
    }
    if let Err(err) = std::str::from_utf8(raw) {
        bad.push(format!("invalid UTF-8 (a raw 8-bit control?): {err}"));
    }
    let text = String::from_utf8_lossy(raw);
    for (at, c) in text.char_indices() {
        let format_char =
            matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}');
        if ('\u{80}'..='\u{9f}').contains(&c) || format_char {
            bad.push(format!("U+{:04X} in the text near {at}: {}", c as u32, around(text.as_bytes(), at)));
        }
    }
    (csi_kinds, bad)
}

/// The CSI kinds a full-screen drawer needs: cursor moves, colours and attributes, erasing, the
/// alternate screen, the cursor's visibility and synchronised updates.
const ALLOWED_CSI: &[&str] = &[
    "CSI H",
    "CSI m",
    "CSI J",
    "CSI K",
    "CSI A",
    "CSI B",
    "CSI C",
    "CSI D",
    "CSI G",
    "CSI ?1049h",
    "CSI ?1049l",
    "CSI ?25h",
    "CSI ?25l",
    "CSI ?2026h",
    "CSI ?2026l",
];

/// Everything in the console's output that is not plain drawing (see [`scan`]), each with where
/// it is.
fn raw_leaks(raw: &[u8]) -> Vec<String> {
    let mut leaks = Vec::new();
    for (bytes, what) in FORBIDDEN {
        for at in find_all(raw, bytes) {
            leaks.push(format!("{what} at byte {at}: {}", around(raw, at)));
        }
    }
    let (csi_kinds, bad) = scan(raw);
    leaks.extend(bad);
    for (kind, at) in &csi_kinds {
        if !ALLOWED_CSI.contains(&kind.as_str()) {
            leaks.push(format!("{kind} at byte {at}: {}", around(raw, *at)));
        }
    }
    leaks
}

fn api(runtime: &tokio::runtime::Runtime, method: &str, url: &str, token: &str, body: Option<Value>) -> Value {
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let request = match body {
            Some(body) => client.post(url).json(&body),
            None => client.get(url),
        };
        let response = request.bearer_auth(token).send().await.expect("api request");
        let status = response.status();
        let text = response.text().await.expect("api body");
        assert!(status.is_success(), "{method} {url}: {status} {text}");
        serde_json::from_str(&text).expect("api json")
    })
}

/// Every string in a JSON value, keys included.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                strings(v, out);
            }
        }
        _ => {}
    }
}

#[test]
fn hostile_event_data_never_reaches_the_terminal_raw() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    // The defaults, spelled out: no bell, no desktop notification (both write BEL), no mouse.
    std::fs::write(
        dir.path().join("config/config.toml"),
        "[console]\npoll_secs = 3\nbell = false\nnotify = false\nmouse = false\n",
    )
    .unwrap();
    let server = SiftProcess::start_with_config(&data, "");

    // The events, over real HTTP to the DSN's envelope endpoint.
    let dsn = dsn_of(&data, "default");
    let (key, rest) = dsn.strip_prefix("http://").and_then(|r| r.split_once('@')).expect("an http DSN");
    let (host, project) = rest.split_once('/').expect("a DSN with a project");
    assert_eq!(host, server.addr.to_string(), "the DSN names the running server: {dsn}");
    let envelope_url = format!("http://{host}/api/{project}/envelope/");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let now = chrono::Utc::now().timestamp() as f64;
    let events = [
        message_event(now - 120.0),
        exception_event(now - 90.0, "exception value", "breadcrumb message"),
        exception_event(now - 30.0, "second event value", "second event breadcrumb"),
    ];
    for event in &events {
        let status = runtime.block_on(async {
            reqwest::Client::new()
                .post(&envelope_url)
                .header("x-sentry-auth", format!("Sentry sentry_key={key}, sentry_version=7"))
                .body(envelope(event))
                .send()
                .await
                .expect("send the event")
                .status()
        });
        assert!(status.is_success(), "the server took the event: {status}");
    }

    // The server keeps the payloads raw (so the console is what must clean them) ...
    let token = run_cli(&data, &["token"]).trim().to_string();
    let base = server.url("/api/0/organizations/local");
    let start = Instant::now();
    let issues = loop {
        let issues = api(&runtime, "GET", &format!("{base}/issues/"), &token, None);
        if issues.as_array().is_some_and(|a| a.len() == 2) {
            break issues;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "two issues expected: {issues}");
        std::thread::sleep(Duration::from_millis(100));
    };
    let issue = issues
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"].as_str().is_some_and(|t| t.contains(&first_marker("exception type"))))
        .and_then(|i| i["id"].as_str())
        .unwrap_or_else(|| panic!("the exception issue: {issues}"))
        .to_string();
    let served = api(&runtime, "GET", &format!("{base}/issues/{issue}/events/latest/"), &token, None);
    let mut texts = Vec::new();
    strings(&served, &mut texts);
    for (name, sequence, _) in INJECTIONS {
        let carrying = texts.iter().filter(|t| t.contains(sequence)).count();
        assert!(carrying >= 10, "the served event carries {name} raw in only {carrying} strings");
    }
    // ... and so does a comment on the issue.
    api(&runtime, "POST", &format!("{base}/issues/{issue}/comments/"), &token, Some(json!({ "text": h("comment") })));
    // Feedback about the issue's latest event (a widget feedback, a user report) and a text
    // attachment of it, each in its own envelope as the SDKs send them.
    let latest = events[2]["event_id"].as_str().unwrap().to_string();
    let feedback_id = event_id();
    let feedback = json!({"event_id": feedback_id, "type": "feedback", "timestamp": now, "contexts": {"feedback": {
        "message": h("feedback message"), "name": hn("feedback name", 2), "contact_email": hn("feedback email", 2),
        "url": hn("feedback url", 2), "associated_event_id": latest}}})
    .to_string();
    let report = json!({"event_id": latest, "name": hn("report name", 2), "email": "r@example.com",
                        "comments": h("report comments")})
    .to_string();
    let text = h("attachment text");
    let attachment_header = json!({"type": "attachment", "length": text.len(), "filename": hn("attachment name", 2),
                                   "content_type": "text/plain"});
    for body in [
        format!(
            "{{\"event_id\":\"{feedback_id}\"}}\n{{\"type\":\"feedback\",\"length\":{}}}\n{feedback}\n",
            feedback.len()
        ),
        format!("{{}}\n{{\"type\":\"user_report\",\"length\":{}}}\n{report}\n", report.len()),
        format!("{{\"event_id\":\"{latest}\"}}\n{attachment_header}\n{text}\n"),
    ] {
        let status = runtime.block_on(async {
            reqwest::Client::new()
                .post(&envelope_url)
                .header("x-sentry-auth", format!("Sentry sentry_key={key}, sentry_version=7"))
                .body(body)
                .send()
                .await
                .expect("send the feedback")
                .status()
        });
        assert!(status.is_success(), "the server took the feedback: {status}");
    }

    // The console, attached to the server through the data directory's server.json.
    let mut console = Console::start(dir.path(), 40, 120);
    console.wait_for("attached to sift serve");
    console.wait_for(&first_marker("exception type"));
    console.wait_for(&first_marker("message"));

    // The exception issue (seen last, so first in the list): frames, every section, both events.
    let [older, newer] = [&events[1], &events[2]].map(|e| e["event_id"].as_str().unwrap()[..8].to_string());
    console.keys(&["\r"]);
    console.wait_for(&first_marker("frame function"));
    console.wait_for(&first_marker("frame vars key"));
    console.keys(&["j"]);
    console.wait_for(&first_marker("frame2 function"));
    console.keys(&["j"]);
    console.wait_for(&first_marker("frame vars nested"));
    console.keys(&["j", "f"]);
    console.wait_for(&first_marker("library frame filename"));
    console.keys(&["j", "j", "j", "j", "k", "f"]);
    // The sections in tab order, scrolling the long ones, and round to the stack again.
    let scroll = ["j"; 10];
    // The selected crashing frame: only the stack section shows it.
    let stack = format!("▾ {}", first_marker("frame filename"));
    console.tab_until(&first_marker("breadcrumb category"), &[]);
    console.tab_until(&first_marker("request header value"), &[]);
    console.keys(&scroll);
    console.tab_until(&first_marker("tag value"), &scroll);
    console.keys(&scroll);
    console.tab_until(&first_marker("user email"), &scroll);
    console.keys(&scroll);
    console.keys(&scroll);
    console.keys(&scroll);
    console.tab_until(&first_marker("comment"), &scroll);
    console.tab_until(&first_marker("report comments"), &scroll);
    console.wait_for(&first_marker("feedback message"));
    // Whatever sections come next, scrolled, until the stack.
    console.tab_until(&stack, &scroll);
    // The latest event's attachment: its name on the header, its text in the pager.
    console.wait_for(&first_marker("attachment name"));
    console.keys(&["|"]);
    console.wait_for(&first_marker("attachment text"));
    console.keys(&["\x1b"]);
    // To the other event of the issue and back ([ older, ] newer), waiting each time for the
    // event's id on the header line.
    console.keys(&["["]);
    console.wait_for(&older);
    console.keys(&["]"]);
    console.wait_for(&newer);
    console.wait_for(&first_marker("second event value"));
    console.tab_until(&first_marker("second event breadcrumb"), &[]);
    console.keys(&["["]);
    console.wait_for(&older);
    console.wait_for(&first_marker("breadcrumb message"));
    console.tab_until(&stack, &scroll);
    console.wait_for(&first_marker("exception value"));
    console.keys(&["\x1b"]);

    // The message issue, every section.
    console.wait_for(&first_marker("message"));
    console.keys(&["j", "\r"]);
    console.wait_for(&events[0]["event_id"].as_str().unwrap()[..8]);
    for _ in 0..8 {
        console.keys(&["\t", "j", "j"]);
    }
    console.keys(&["\x1b"]);
    console.wait_for(&first_marker("exception type"));
    console.keys(&["k"]);

    // The Feedback screen.
    console.keys(&["!"]);
    console.wait_for("newest first");
    console.wait_for(&first_marker("feedback message"));
    console.keys(&["\x1b"]);

    // Help; the environment picker (environment names are event data), then the list filtered.
    console.keys(&["?"]);
    console.wait_for("esc close");
    console.keys(&["\x1b", "e"]);
    let picker = console.wait_for("all environments");
    let choice = picker
        .lines()
        .find_map(|l| l.split_once(&first_marker("environment")))
        .and_then(|(before, _)| before.chars().rev().find(char::is_ascii_digit))
        .unwrap_or_else(|| panic!("the hostile environment in the picker:\n{picker}"))
        .to_string();
    console.keys(&[choice.as_str()]);
    console.wait_for(&format!("env {}", first_marker("environment")));

    // Smaller, 80x24: the issue again through every section, help, then quit.
    console.resize(24, 80);
    console.wait_for(&first_marker("exception type"));
    console.keys(&["\r"]);
    console.wait_for(&first_marker("frame function"));
    console.keys(&["j", "j", "f", "j"]);
    for _ in 0..8 {
        console.keys(&["\t", "j", "j", "j"]);
    }
    console.keys(&["]", "[", "\x1b", "?", "\x1b"]);
    let status = console.quit();
    assert!(status.success(), "the console exits cleanly: {status:?}");

    let raw = console.raw();
    // 1. None of the injected sequences, nor anything like them, reached the terminal; and 2.
    // a terminal fed the same bytes was asked for nothing but drawing.
    let mut leaks = raw_leaks(&raw);
    leaks.extend(console.emulator.callbacks().effects.iter().map(|e| format!("the terminal saw: {e}")));
    assert!(
        leaks.is_empty(),
        "{} escapes reached the terminal raw, e.g.:\n{}",
        leaks.len(),
        leaks.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );

    // 3. Not vacuous: the fields were drawn, with visible placeholders where the escapes were.
    let missing: Vec<&str> =
        FIELDS.iter().filter(|(f, drawn)| *drawn && !was_drawn(&console.screens, f)).map(|(f, _)| *f).collect();
    assert!(
        missing.is_empty(),
        "never drawn with its placeholder: {missing:?}\n(the last screen:\n{})",
        console.screens.last().cloned().unwrap_or_default()
    );
    // Each kind of injection was drawn, as its placeholder, right behind some field's marker.
    for (j, (name, _, _)) in INJECTIONS.iter().enumerate() {
        let fields: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).skip(j).step_by(INJECTIONS.len()).collect();
        assert!(
            fields.iter().any(|f| !SHOWN_AS_JSON.contains(f) && was_drawn(&console.screens, f)),
            "{name} was never drawn first in any of {fields:?}"
        );
    }
    assert_eq!(find_all(&raw, b"\x1b[?1049l").len(), 1, "the terminal is restored once, on quit");
    let shown: Vec<&str> = FIELDS
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| console.screens.iter().any(|s| s.contains(&first_marker(f))))
        .collect();
    eprintln!(
        "console_pty: {} bytes, {} screens, {}/{} fields drawn; not on screen: {:?}; CSI kinds: {:?}; {:.1}s",
        raw.len(),
        console.screens.len(),
        shown.len(),
        FIELDS.len(),
        FIELDS.iter().map(|(f, _)| f).filter(|f| !shown.contains(f)).collect::<Vec<_>>(),
        {
            let mut kinds: Vec<String> = scan(&raw).0.into_iter().map(|(k, _)| k).collect();
            kinds.sort_unstable();
            kinds.dedup();
            kinds
        },
        started.elapsed().as_secs_f64()
    );
    drop(server);
}

/// The checks above are not blind: each injection, written raw amid ordinary drawing, is
/// caught (by the byte checks, and by the emulator where it implements the sequence), while
/// the same text as the sanitiser draws it passes.
#[test]
fn the_checks_catch_every_injection_written_raw() {
    let picture = |c: char| match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap(),
        c if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') => '\u{fffd}',
        c => c,
    };
    for (j, (name, sequence, _)) in INJECTIONS.iter().enumerate() {
        let frame = |text: &str| {
            format!("\x1b[?1049h\x1b[?25l\x1b[3;7H\x1b[38;5;203;49m{}{text}x\x1b[0m\x1b[?1049l", marker(1, j))
        };
        let raw = frame(sequence);
        assert!(!raw_leaks(raw.as_bytes()).is_empty(), "{name} written raw goes unnoticed");
        let mut emulator = vt100::Parser::new_with_callbacks(nz(24), nz(80), 0, Recorder::default());
        emulator.process(raw.as_bytes());
        let effects = &emulator.callbacks().effects;
        if j < 5 {
            assert!(!effects.is_empty(), "the emulator does not see {name}");
        }
        let sanitised = frame(&sequence.chars().map(picture).collect::<String>());
        assert_eq!(raw_leaks(sanitised.as_bytes()), Vec::<String>::new(), "{name}, sanitised");
        let mut emulator = vt100::Parser::new_with_callbacks(nz(24), nz(80), 0, Recorder::default());
        emulator.process(sanitised.as_bytes());
        assert!(emulator.callbacks().effects.is_empty(), "{name}, sanitised: {:?}", emulator.callbacks().effects);
    }
}
