//! End-to-end grouping scenarios through the public API with python-shaped events: which
//! events must merge, which must split, the secondary system hash, chained exceptions and
//! message events. Sibling files hold the other SDK shapes and the fingerprint/robustness cases;
//! they share the helpers defined here.

use serde_json::{Value, json};

use crate::ingest::tree;

/// The event's hashes (the scenarios build events as `serde_json` values).
pub(super) fn hashes(ev: &Value) -> Vec<String> {
    super::compute_hashes(&tree::Value::from(ev))
}

/// The primary hash of an event.
pub(super) fn primary(ev: &Value) -> String {
    hashes(ev).remove(0)
}

/// True when the two events would land in the same issue (any hash in common).
pub(super) fn shares_hash(a: &Value, b: &Value) -> bool {
    let hb = hashes(b);
    hashes(a).iter().any(|h| hb.contains(h))
}

/// A python-SDK frame.
pub(super) fn py_frame(module: &str, function: &str, line: &str, in_app: bool) -> Value {
    json!({"module": module, "function": function, "context_line": line, "filename": format!("{module}.py"),
           "abs_path": format!("/srv/{module}.py"), "lineno": 10, "in_app": in_app})
}

/// A python-SDK error event with one exception.
pub(super) fn py_error(ty: &str, value: &str, frames: Vec<Value>) -> Value {
    json!({"platform": "python", "level": "error",
           "exception": {"values": [{"type": ty, "value": value, "module": "builtins",
               "mechanism": {"type": "generic", "handled": true}, "stacktrace": {"frames": frames}}]}})
}

#[test]
fn hashes_are_md5_hex_and_never_empty() {
    for ev in [json!({}), py_error("E", "v", vec![]), json!({"logentry": {"formatted": "x"}})] {
        let hs = hashes(&ev);
        assert!(!hs.is_empty());
        for h in hs {
            assert_eq!(h.len(), 32);
            assert!(h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        }
    }
}

#[test]
fn python_same_error_merges_even_with_other_line_numbers_and_values() {
    let a = py_error("KeyError", "'user_1'", vec![py_frame("app.views", "get", "return d[k]", true)]);
    let mut b = py_error("KeyError", "'user_2'", vec![py_frame("app.views", "get", "return d[k]", true)]);
    b["exception"]["values"][0]["stacktrace"]["frames"][0]["lineno"] = json!(99);
    assert_eq!(hashes(&a), hashes(&b));
}

#[test]
fn python_context_line_and_function_split() {
    let base = py_error("E", "v", vec![py_frame("app.views", "get", "return d[k]", true)]);
    let other_line = py_error("E", "v", vec![py_frame("app.views", "get", "return d[j]", true)]);
    let other_fn = py_error("E", "v", vec![py_frame("app.views", "post", "return d[k]", true)]);
    assert!(!shares_hash(&base, &other_line));
    assert!(!shares_hash(&base, &other_fn));
}

#[test]
fn same_raise_site_from_different_callers_splits() {
    let raise = py_frame("app.db", "fetch", "raise NotFound(id)", true);
    let a = py_error("NotFound", "x", vec![py_frame("app.api", "users", "fetch(1)", true), raise.clone()]);
    let b = py_error("NotFound", "x", vec![py_frame("app.api", "orders", "fetch(2)", true), raise]);
    assert!(!shares_hash(&a, &b));
}

#[test]
fn same_type_and_message_from_different_functions_never_merge() {
    let a =
        py_error("ValueError", "bad input", vec![py_frame("app.a", "parse", "raise ValueError('bad input')", true)]);
    let b = py_error("ValueError", "bad input", vec![py_frame("app.b", "load", "raise ValueError('bad input')", true)]);
    assert!(!shares_hash(&a, &b));
    // also when every frame is a library frame (fallback to all frames)
    let c = py_error("ValueError", "bad input", vec![py_frame("lib.a", "parse", "raise X", false)]);
    let d = py_error("ValueError", "bad input", vec![py_frame("lib.b", "parse", "raise X", false)]);
    assert!(!shares_hash(&c, &d));
}

#[test]
fn library_frames_only_affect_the_secondary_hash() {
    let app = py_frame("app.views", "index", "do()", true);
    let a = py_error("E", "v", vec![py_frame("django.core", "handle", "h()", false), app.clone()]);
    let b = py_error("E", "v", vec![py_frame("flask.app", "dispatch", "d()", false), app.clone()]);
    let (ha, hb) = (hashes(&a), hashes(&b));
    assert_eq!(ha.len(), 2);
    assert_eq!(ha[0], hb[0]);
    assert_ne!(ha[1], hb[1]);
    // an all-in-app stack has identical variants: a single hash
    assert_eq!(hashes(&py_error("E", "v", vec![app])).len(), 1);
}

#[test]
fn marking_a_frame_not_in_app_keeps_matching_via_system_hash() {
    let f1 = py_frame("app.a", "f", "f()", true);
    let f2 = py_frame("app.b", "g", "g()", true);
    let before = py_error("E", "v", vec![f1.clone(), f2.clone()]);
    let mut f1_lib = f1;
    f1_lib["in_app"] = json!(false);
    let after = py_error("E", "v", vec![f1_lib, f2]);
    assert_ne!(primary(&before), primary(&after));
    assert!(shares_hash(&before, &after));
}

#[test]
fn stack_without_any_frames_uses_type_and_normalized_value() {
    let a = py_error("TimeoutError", "timed out after 30s talking to 10.0.0.1", vec![]);
    let b = py_error("TimeoutError", "timed out after 5s talking to 10.0.0.7", vec![]);
    let c = py_error("TimeoutError", "connection refused", vec![]);
    let d = py_error("OSError", "timed out after 30s talking to 10.0.0.1", vec![]);
    assert_eq!(hashes(&a), hashes(&b));
    assert!(!shares_hash(&a, &c));
    assert!(!shares_hash(&a, &d));
}

#[test]
fn chained_exceptions_all_contribute() {
    let ex = |cause: &str| {
        json!({"platform": "python", "exception": {"values": [
            {"type": cause, "value": "inner", "stacktrace": {"frames": [py_frame("app.db", "q", "q()", true)]}},
            {"type": "RuntimeError", "value": "outer", "stacktrace": {"frames": [py_frame("app.api", "h", "h()", true)]}}
        ]}})
    };
    assert_eq!(hashes(&ex("IOError")), hashes(&ex("IOError")));
    assert!(!shares_hash(&ex("IOError"), &ex("KeyError")));
    // order matters: oldest -> newest
    let ev = ex("IOError");
    let mut swapped = ev.clone();
    if let Some(v) = swapped["exception"]["values"].as_array_mut() {
        v.reverse();
    }
    assert_ne!(primary(&ev), primary(&swapped));
}

#[test]
fn message_events_group_by_template() {
    let msg = |tmpl: &str, formatted: &str| json!({"platform": "python", "logentry": {"message": tmpl, "formatted": formatted}});
    assert_eq!(hashes(&msg("User %s failed", "User bob failed")), hashes(&msg("User %s failed", "User amy failed")));
    assert!(!shares_hash(&msg("User %s failed", "x"), &msg("Group %s failed", "x")));
    let formatted = |f: &str| json!({"logentry": {"formatted": f}});
    assert_eq!(hashes(&formatted("job 17 took 30ms")), hashes(&formatted("job 99 took 12ms")));
    assert!(!shares_hash(&formatted("job failed"), &formatted("job started")));
}
