//! Unit tests for frame/stack components: which fields contribute per platform, whole-frame
//! exclusions, recursion, variants and crash-frame selection.

use super::*;
use crate::ingest::tree::tree;

fn kinds(parts: &[Component]) -> Vec<String> {
    parts.iter().map(|c| format!("{}={}", c.kind, c.value)).collect()
}

/// Which variant's components a test looks at.
#[derive(Debug, Clone, Copy)]
enum Variant {
    App,
    System,
}

fn stack(frames: &Value, platform: &str, variant: Variant) -> Vec<String> {
    let list: Vec<&Value> = frames.as_array().map(|a| a.iter().collect()).unwrap_or_default();
    let stack = stack_components(&list, platform);
    kinds(match variant {
        Variant::App => &stack.app,
        Variant::System => &stack.system,
    })
}

#[test]
fn python_frame_uses_module_function_context() {
    let f = tree!({"module": "app.views", "filename": "app/views.py", "function": "index",
                   "context_line": "    raise   ValueError(x)", "lineno": 10});
    assert_eq!(
        kinds(&frame_components(&f, Platform::Python)),
        ["module=app.views", "function=index", "context=raise ValueError(x)"]
    );
}

#[test]
fn filename_used_when_module_missing() {
    let f = tree!({"filename": "/srv/App/Handler.rb", "function": "call", "context_line": "x"});
    assert_eq!(kinds(&frame_components(&f, Platform::Ruby)), ["filename=handler.rb", "function=call", "context=x"]);
}

#[test]
fn context_line_only_on_some_platforms() {
    let f = tree!({"module": "com.x.A", "function": "run", "context_line": "foo();"});
    assert_eq!(kinds(&frame_components(&f, Platform::Java)), ["module=com.x.A", "function=run"]);
    let long = tree!({"module": "m", "function": "f", "context_line": "x".repeat(121)});
    assert_eq!(kinds(&frame_components(&long, Platform::Python)), ["module=m", "function=f"]);
}

#[test]
fn native_frame_uses_function_only() {
    let f = tree!({"function": "myapp::run::h0123456789abcdef", "filename": "src/main.rs", "lineno": 3});
    assert_eq!(kinds(&frame_components(&f, Platform::Native)), ["function=myapp::run"]);
    let nofn = tree!({"filename": "src/Main.rs"});
    assert_eq!(kinds(&frame_components(&nofn, Platform::Native)), ["filename=main.rs"]);
}

#[test]
fn javascript_frame_rules() {
    let url = tree!({"filename": "app.js", "abs_path": "https://x.io/app.js", "function": "Object.load",
                     "context_line": "load()"});
    assert_eq!(kinds(&frame_components(&url, Platform::JavaScript)), ["function=load", "context=load()"]);
    // from a URL and without function: the context line is ignored too
    let anon = tree!({"abs_path": "https://x.io/app.js", "function": "<anonymous>", "context_line": "x()"});
    assert!(frame_components(&anon, Platform::JavaScript).is_empty());
    // source-mapped frame with a context line: function ignored
    let mapped =
        tree!({"filename": "/src/a.js", "function": "a", "context_line": "b()", "data": {"sourcemap": "a.js.map"}});
    assert_eq!(kinds(&frame_components(&mapped, Platform::JavaScript)), ["filename=a.js", "context=b()"]);
    // node module path that is a suffix of abs_path is ignored in favour of the filename
    let node = tree!({"module": "lib/util", "abs_path": "/srv/lib/util", "filename": "/srv/lib/util", "function": "f"});
    assert_eq!(kinds(&frame_components(&node, Platform::JavaScript)), ["filename=util", "function=f"]);
}

#[test]
fn csharp_prefers_raw_function() {
    let f = tree!({"module": "App", "function": "Run", "raw_function": "Run(int)"});
    assert_eq!(kinds(&frame_components(&f, Platform::CSharp)), ["module=App", "function=Run(int)"]);
    assert_eq!(kinds(&frame_components(&f, Platform::Python)), ["module=App", "function=Run"]);
}

#[test]
fn javascript_whole_frame_exclusions() {
    let frames = tree!([
        {"function": "eval", "filename": "a.js"},
        {"function": "f", "abs_path": "[native code]"},
        {"function": "g", "abs_path": "eval code"},
        {"function": "h", "abs_path": "<anonymous>"},
        {"function": "kept", "filename": "b.js"}
    ]);
    assert_eq!(stack(&frames, "javascript", Variant::System), ["frame=", "filename=b.js", "function=kept"]);
}

#[test]
fn single_frame_js_stack_without_function_from_url_is_ignored() {
    let one = tree!([{"abs_path": "https://x.io/app.js", "filename": "app.js", "lineno": 1}]);
    assert!(stack(&one, "javascript", Variant::System).is_empty());
    let two = tree!([{"abs_path": "https://x.io/app.js", "lineno": 1}, {"function": "f", "filename": "a.js"}]);
    assert!(!stack(&two, "javascript", Variant::System).is_empty());
}

#[test]
fn recursion_duplicates_are_dropped() {
    let f = tree!({"module": "m", "function": "walk", "lineno": 5});
    let g = tree!({"module": "m", "function": "walk", "lineno": 6});
    let frames = tree!([f.clone(), f.clone(), f, g]);
    assert_eq!(
        stack(&frames, "python", Variant::System),
        ["frame=", "module=m", "function=walk", "frame=", "module=m", "function=walk"]
    );
}

#[test]
fn app_variant_judges_recursion_against_every_frame() {
    // A system frame between two equal in-app frames breaks the run: both in-app frames count.
    let f = tree!({"module": "app", "function": "walk", "lineno": 5, "in_app": true});
    let lib = tree!({"module": "lib", "function": "call", "lineno": 9, "in_app": false});
    let frames = tree!([f.clone(), lib, f]);
    assert_eq!(
        stack(&frames, "python", Variant::App),
        ["frame=", "module=app", "function=walk", "frame=", "module=app", "function=walk"]
    );
    // An in-app frame equal to the system frame before it is a recursion duplicate, so the
    // app variant gets nothing from this stack (and grouping falls back to every frame).
    let frames = tree!([
        {"module": "app", "function": "walk", "lineno": 5, "in_app": false},
        {"module": "app", "function": "walk", "lineno": 5, "in_app": true}
    ]);
    assert!(stack(&frames, "python", Variant::App).is_empty());
    assert_eq!(stack(&frames, "python", Variant::System), ["frame=", "module=app", "function=walk"]);
}

#[test]
fn app_variant_only_uses_in_app_frames() {
    let frames = tree!([
        {"module": "lib", "function": "call", "in_app": false},
        {"module": "app", "function": "main", "in_app": true},
        {"module": "other", "function": "x"}
    ]);
    assert_eq!(stack(&frames, "python", Variant::App), ["frame=", "module=app", "function=main"]);
    assert_eq!(stack(&frames, "python", Variant::System).len(), 9);
}

#[test]
fn runtime_frames_never_contribute_even_in_app() {
    let frames = tree!([
        {"function": "std::rt::lang_start", "in_app": true},
        {"function": "myapp::main", "in_app": true},
        {"function": "sentry_panic::panic_handler", "in_app": true},
        {"function": "std::panicking::rust_panic_with_hook", "in_app": true},
        {"function": "x", "module": "core::fmt", "in_app": true}
    ]);
    for v in [Variant::App, Variant::System] {
        assert_eq!(stack(&frames, "native", v), ["frame=", "function=myapp::main"]);
    }
}

#[test]
fn frame_platform_overrides_event_platform() {
    let frames = tree!([{"function": "Object.f", "filename": "a.js", "platform": "javascript"}]);
    assert_eq!(stack(&frames, "python", Variant::System), ["frame=", "filename=a.js", "function=f"]);
}

#[test]
fn crash_frame_selection() {
    let ev = tree!({"exception": {"values": [{"stacktrace": {"frames": [
        {"function": "app1", "in_app": true},
        {"function": "lib"},
        {"function": "sentry_panic::panic_handler", "in_app": true}
    ]}}]}});
    assert_eq!(crash_frame(&ev, "native").and_then(|f| str_of(f, "function")), Some("app1"));
    let no_app = tree!({"stacktrace": {"frames": [{"function": "a"}, {"function": "b"}, {"function": "std::x"}]}});
    assert_eq!(crash_frame(&no_app, "native").and_then(|f| str_of(f, "function")), Some("b"));
    let only_rt = tree!({"stacktrace": {"frames": [{"function": "std::x"}]}});
    assert_eq!(crash_frame(&only_rt, "native").and_then(|f| str_of(f, "function")), Some("std::x"));
    assert!(crash_frame(&tree!({}), "native").is_none());
}
