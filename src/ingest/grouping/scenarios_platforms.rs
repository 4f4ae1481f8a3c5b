//! End-to-end grouping scenarios for javascript (browser and node), rust (panics with SDK and
//! runtime frames) and java event shapes, through the public API.

use serde_json::{Value, json};

use super::scenarios::{hashes, shares_hash};

fn js_error(frames: Value) -> Value {
    json!({"platform": "javascript", "exception": {"values": [{"type": "TypeError",
        "value": "Cannot read properties of undefined (reading 'x')", "stacktrace": {"frames": frames}}]}})
}

#[test]
fn javascript_browser_shapes() {
    let frame = |func: &str, host: &str| {
        json!({"filename": "/static/app.min.js", "abs_path": format!("https://{host}/static/app.min.js"),
        "function": func, "lineno": 1, "colno": 2345, "in_app": true})
    };
    // the host of a URL path never matters; the qualifier before the last '.' neither
    let a = js_error(json!([frame("Object.onClick", "a.example.com")]));
    let b = js_error(json!([frame("HTMLButtonElement.onClick", "b.example.com")]));
    assert_eq!(hashes(&a), hashes(&b));
    let c = js_error(json!([frame("onSubmit", "a.example.com")]));
    assert!(!shares_hash(&a, &c));
    // native-code frames are invisible
    let with_native = js_error(json!([{"function": "Array.forEach", "abs_path": "[native code]", "in_app": true},
        frame("Object.onClick", "a.example.com")]));
    assert_eq!(hashes(&a), hashes(&with_native));
}

#[test]
fn node_shapes_use_filename_and_context() {
    let frame = |file: &str, line: &str| {
        json!({"filename": file, "abs_path": file, "module": "handler",
        "function": "Layer.handle", "context_line": line, "lineno": 3, "in_app": true})
    };
    let a = json!({"platform": "node", "exception": {"values": [{"type": "Error", "value": "x",
        "stacktrace": {"frames": [frame("/srv/app/handler.js", "  throw new Error('x')")]}}]}});
    let b = json!({"platform": "node", "exception": {"values": [{"type": "Error", "value": "x",
        "stacktrace": {"frames": [frame("/srv/app/handler.js", "throw   new Error('x')")]}}]}});
    let c = json!({"platform": "node", "exception": {"values": [{"type": "Error", "value": "x",
        "stacktrace": {"frames": [frame("/srv/app/handler.js", "throw new Error('y')")]}}]}});
    assert_eq!(hashes(&a), hashes(&b));
    assert!(!shares_hash(&a, &c));
}

fn rust_panic(user_frames: &[&str], sentry_frames: &[&str]) -> Value {
    let mut frames = vec![
        json!({"function": "std::rt::lang_start_internal", "in_app": false}),
        json!({"function": "<F as core::ops::function::FnOnce<()>>::call_once", "in_app": false}),
    ];
    frames.extend(user_frames.iter().map(|f| json!({"function": f, "filename": "src/main.rs", "in_app": true})));
    frames.push(json!({"function": "std::panicking::rust_panic_with_hook", "in_app": true}));
    frames.extend(sentry_frames.iter().map(|f| json!({"function": f, "filename": "lib.rs", "in_app": true})));
    json!({"platform": "native", "exception": {"values": [{"type": "panic", "value": "called `Option::unwrap()` on a `None` value",
        "mechanism": {"type": "panic", "handled": false}, "stacktrace": {"frames": frames}}]}})
}

const SENTRY_FRAMES: [&str; 3] =
    ["sentry_panic::panic_handler", "sentry_core::hub::Hub::with_active", "sentry::capture_event"];

#[test]
fn rust_panics_with_different_user_frames_split_despite_same_sentry_frames() {
    let a = rust_panic(&["myapp::main", "myapp::load_config"], &SENTRY_FRAMES);
    let b = rust_panic(&["myapp::main", "myapp::connect_db"], &SENTRY_FRAMES);
    assert!(!shares_hash(&a, &b));
}

#[test]
fn rust_panics_differing_only_in_sentry_frames_merge() {
    let a = rust_panic(&["myapp::main::h0123456789abcdef", "myapp::run"], &SENTRY_FRAMES);
    let b = rust_panic(
        &["myapp::main::hfedcba9876543210", "myapp::run"],
        &["sentry_panic::panic_handler::h1111111111111111", "sentry_backtrace::trim"],
    );
    assert_eq!(hashes(&a), hashes(&b));
}

#[test]
fn rust_panic_with_only_runtime_frames_falls_back_to_message() {
    let a = rust_panic(&[], &SENTRY_FRAMES);
    let mut b = rust_panic(&[], &[]);
    b["exception"]["values"][0]["value"] = json!("index out of bounds: the len is 3 but the index is 7");
    assert!(!shares_hash(&a, &b));
}

#[test]
fn java_generated_names_do_not_split() {
    let ev = |accessor: &str, lambda: &str| {
        json!({"platform": "java", "exception": {"values": [{"type": "IllegalStateException",
        "module": "java.lang", "value": "x", "stacktrace": {"frames": [
            {"module": "com.acme.Service", "function": "handle", "filename": "Service.java", "lineno": 10, "in_app": true},
            {"module": lambda, "function": "apply", "in_app": true},
            {"module": "com.acme.Service", "function": "lambda$handle$0", "in_app": true},
            {"module": accessor, "function": "invoke", "in_app": false},
            {"module": "com.acme.Repo$$EnhancerBySpringCGLIB$$a1b2", "function": "save", "in_app": true}
        ]}}]}})
    };
    let a = ev("sun.reflect.GeneratedMethodAccessor12", "com.acme.Service$$Lambda$41/0x0000000800c4");
    let b = ev("sun.reflect.GeneratedMethodAccessor97", "com.acme.Service$$Lambda$77/0x0000000800f9");
    assert_eq!(hashes(&a), hashes(&b));
}
