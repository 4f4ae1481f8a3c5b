//! End-to-end scenarios for custom and hybrid fingerprints, and robustness of the public API
//! against arbitrary JSON (wrong types, nulls, huge strings, maximal nesting).

use serde_json::{Value, json};

use super::scenarios::{hashes, primary, py_error, py_frame, shares_hash};

#[test]
fn custom_fingerprint_replaces_default_grouping() {
    let mut a = py_error("A", "x", vec![py_frame("app.a", "f", "f()", true), py_frame("lib", "g", "g()", false)]);
    let mut b = py_error("B", "y", vec![py_frame("app.b", "g", "g()", true)]);
    let default_a = hashes(&a);
    a["fingerprint"] = json!(["db-timeout"]);
    b["fingerprint"] = json!(["db-timeout"]);
    assert_eq!(hashes(&a), hashes(&b));
    assert_eq!(hashes(&a).len(), 1);
    assert!(!default_a.contains(&primary(&a)));
    let split = |fp: Value| json!({"fingerprint": fp});
    assert_ne!(hashes(&split(json!(["ab", "c"]))), hashes(&split(json!(["a", "bc"]))));
}

#[test]
fn hybrid_fingerprint_extends_default_and_returns_one_hash() {
    let base =
        py_error("E", "v", vec![py_frame("django.core", "h", "h()", false), py_frame("app.a", "f", "f()", true)]);
    let with = |fp: Value| {
        let mut e = base.clone();
        e["fingerprint"] = fp;
        e
    };
    let a = with(json!(["{{ default }}", "a"]));
    let b = with(json!(["{{default}}", "b"]));
    assert_eq!(hashes(&a).len(), 1);
    assert!(!shares_hash(&a, &b));
    assert!(!shares_hash(&a, &base));
    assert_eq!(hashes(&a), hashes(&with(json!(["{{  default  }}", "a"]))));
    // only {{ default }} is the same as no fingerprint at all
    assert_eq!(hashes(&with(json!(["{{ default }}"]))), hashes(&base));
    // the default part still splits: other code with the same extra value is another issue
    let mut elsewhere = py_error("E", "v", vec![py_frame("app.b", "g", "g()", true)]);
    elsewhere["fingerprint"] = json!(["{{ default }}", "a"]);
    assert!(!shares_hash(&a, &elsewhere));
}

#[test]
fn fingerprint_variables_group_by_resolved_values() {
    let ev = |tx: &str, ty: &str| {
        json!({"transaction": tx, "exception": {"values": [{"type": ty, "value": "v"}]},
        "fingerprint": ["{{ transaction }}", "{{ type }}"]})
    };
    assert_eq!(hashes(&ev("/a", "E")), hashes(&ev("/a", "E")));
    assert!(!shares_hash(&ev("/a", "E"), &ev("/b", "E")));
    assert!(!shares_hash(&ev("/a", "E"), &ev("/a", "F")));
}

/// The deepest nesting serde_json's parser accepts by default (its recursion limit is 128).
fn deep() -> Value {
    let text = format!("{}{}", "[".repeat(127), "]".repeat(127));
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

#[test]
fn arbitrary_json_never_panics() {
    assert!(deep().is_array(), "the nested fixture must really be nested");
    let huge = "9".repeat(1_000_000);
    let cases = vec![
        json!(null),
        json!(true),
        json!(3.5),
        json!("str"),
        json!([1, {"a": null}]),
        json!({"exception": null, "logentry": 5, "fingerprint": {"a": 1}, "threads": [1]}),
        json!({"exception": {"values": {"type": "E"}}}),
        json!({"exception": {"values": [{"type": ["E"], "value": {"x": 1}, "mechanism": "m",
            "stacktrace": {"frames": [null, 1, "f", {"function": null, "in_app": "yes", "context_line": 7}]}}]}}),
        json!({"exception": {"values": [{"type": "E", "value": huge}]}, "fingerprint": ["{{ value }}", "{{ tags.x }}"]}),
        json!({"logentry": {"message": huge.clone() + "\n\u{0}\n" + &"🦀".repeat(50_000)}}),
        json!({"exception": {"values": [deep()]}, "stacktrace": deep(), "fingerprint": [deep()], "tags": deep(),
               "threads": {"values": deep()}, "logentry": {"message": deep()}}),
        json!({"fingerprint": [], "threads": {"values": [{"crashed": true, "stacktrace": {"frames": [{"function": "x"}]}}]}}),
    ];
    for ev in &cases {
        let hs = hashes(ev);
        assert!(!hs.is_empty());
        assert!(hs.iter().all(|h| h.len() == 32));
        assert!(!super::summarize(&crate::ingest::tree::Value::from(ev)).title.is_empty());
    }
}
