//! Unit tests for titles, culprits, locations and metadata across platforms.

use super::*;
use serde_json::json;

/// The summary of an event built as a `serde_json` value.
fn summarize(event: &serde_json::Value) -> IssueSummary {
    super::summarize(&crate::ingest::tree::Value::from(event))
}

#[test]
fn truncation_counts_chars() {
    assert_eq!(truncate_chars("short", 200), "short");
    let exact = "é".repeat(200);
    assert_eq!(truncate_chars(&exact, 200), exact);
    let long = "é".repeat(300);
    let cut = truncate_chars(&long, 200);
    assert_eq!(cut.chars().count(), 200);
    assert!(cut.ends_with('…'));
    assert!(cut.starts_with(&"é".repeat(199)));
    assert_eq!(truncate_chars("🎉🎉🎉", 2), "🎉…");
}

#[test]
fn python_error_summary() {
    let ev = json!({"platform": "python", "exception": {"values": [{"type": "ValueError",
    "value": "invalid literal for int()\nsecond line",
    "stacktrace": {"frames": [
        {"module": "django.core", "function": "handle", "filename": "django/core.py", "in_app": false},
        {"module": "app.views", "function": "index", "filename": "app/views.py", "in_app": true},
        {"module": "app.util", "function": "parse", "filename": "app/util.py", "in_app": false}
    ]}}]}});
    let s = summarize(&ev);
    assert_eq!(s.title, "ValueError: invalid literal for int()");
    assert_eq!(s.culprit.as_deref(), Some("app.views in index"));
    assert_eq!(s.location.as_deref(), Some("app/views.py"));
    assert_eq!(s.event_type, "error");
    assert_eq!(
        s.metadata,
        json!({"type": "ValueError", "value": "invalid literal for int()\nsecond line",
               "filename": "app/views.py", "function": "index", "in_app_frame_mix": "mixed"})
    );
}

#[test]
fn javascript_culprit_and_title() {
    let ev = json!({"platform": "javascript", "exception": {"values": [{"type": "TypeError",
    "value": "x is undefined", "stacktrace": {"frames": [
        {"filename": "/static/app.js", "function": "handleClick", "in_app": true}
    ]}}]}});
    let s = summarize(&ev);
    assert_eq!(s.title, "TypeError: x is undefined");
    assert_eq!(s.culprit.as_deref(), Some("handleClick(/static/app.js)"));
    assert_eq!(s.metadata["in_app_frame_mix"], "in-app-only");
    let node = json!({"platform": "node", "exception": {"values": [{"type": "Error", "stacktrace": {"frames": [
        {"module": "server", "filename": "/srv/server.js", "in_app": false}]}}]}});
    let s = summarize(&node);
    assert_eq!(s.title, "Error");
    assert_eq!(s.culprit.as_deref(), Some("?(server)"));
    assert_eq!(s.metadata["in_app_frame_mix"], "system-only");
}

#[test]
fn rust_panic_culprit_skips_sentry_frames() {
    let ev = json!({"platform": "native", "exception": {"values": [{"type": "panic", "value": "boom",
    "mechanism": {"type": "panic", "handled": false}, "stacktrace": {"frames": [
        {"function": "myapp::main::h0123456789abcdef", "filename": "src/main.rs", "in_app": true},
        {"function": "sentry_panic::panic_handler", "filename": "panic.rs", "in_app": true},
        {"function": "std::panicking::begin_panic", "in_app": false}
    ]}}]}});
    let s = summarize(&ev);
    assert_eq!(s.title, "panic: boom");
    assert_eq!(s.culprit.as_deref(), Some("src/main.rs in myapp::main"));
    assert_eq!(s.metadata["function"], "myapp::main");
    assert_eq!(s.location.as_deref(), Some("src/main.rs"));
}

#[test]
fn transaction_wins_for_culprit_but_location_stays() {
    let ev = json!({"transaction": "/api/users", "exception": {"values": [{"type": "E",
        "stacktrace": {"frames": [{"module": "m", "function": "f", "filename": "m.py", "in_app": true}]}}]}});
    let s = summarize(&ev);
    assert_eq!(s.culprit.as_deref(), Some("/api/users"));
    assert_eq!(s.location.as_deref(), Some("m.py"));
}

#[test]
fn message_event_summary() {
    let ev = json!({"logentry": {"message": "User %s failed", "formatted": "\nUser bob failed\nmore"}});
    let s = summarize(&ev);
    assert_eq!(s.title, "User bob failed");
    assert_eq!(s.event_type, "default");
    assert_eq!(s.metadata, json!({"title": "User bob failed"}));
    assert_eq!(s.culprit, None);
    assert_eq!(s.location, None);
}

#[test]
fn fallbacks() {
    let s = summarize(&json!({}));
    assert_eq!(s.title, "<unlabeled event>");
    assert_eq!(s.metadata, json!({"title": "<unlabeled event>"}));
    let only_value = summarize(&json!({"exception": {"values": [{"value": "just text"}]}}));
    assert_eq!(only_value.title, "just text");
    assert_eq!(only_value.metadata, json!({"value": "just text"}));
    let empty = summarize(&json!({"exception": {"values": [{}]}, "logentry": {"formatted": "msg"}}));
    assert_eq!(empty.title, "msg");
    assert_eq!(empty.event_type, "error");
    let nothing = summarize(&json!({"exception": {"values": [{"type": "", "value": ""}]}}));
    assert_eq!(nothing.title, "<unlabeled event>");
}

#[test]
fn long_titles_are_truncated() {
    let ev = json!({"exception": {"values": [{"type": "E", "value": "ü".repeat(2000)}]}});
    let s = summarize(&ev);
    assert_eq!(s.title.chars().count(), 200);
    assert!(s.title.ends_with('…'));
    assert_eq!(s.metadata["value"].as_str().map(|v| v.chars().count()), Some(1024));
}

#[test]
fn culprit_from_thread_stack_for_messages() {
    let ev = json!({"platform": "python", "logentry": {"formatted": "hi"}, "threads": {"values": [
        {"stacktrace": {"frames": [{"module": "app.jobs", "function": "run", "in_app": true}]}}]}});
    assert_eq!(summarize(&ev).culprit.as_deref(), Some("app.jobs in run"));
}

#[test]
fn garbage_never_panics() {
    for ev in [
        json!(null),
        json!(42),
        json!({"exception": "x", "transaction": 5}),
        json!({"exception": {"values": [{"type": 1, "value": [], "stacktrace": {"frames": [null, {"function": 3}]}}]}}),
    ] {
        let s = summarize(&ev);
        assert!(!s.title.is_empty());
    }
}
