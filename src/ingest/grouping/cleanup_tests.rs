//! Unit tests for the per-field frame cleanups: one case per E.3 rule and per runtime prefix.

use super::*;

const JS: Platform = Platform::JavaScript;

#[test]
fn platform_parse() {
    assert_eq!(Platform::parse("node"), JS);
    assert_eq!(Platform::parse(" Python "), Platform::Python);
    assert_eq!(Platform::parse("native"), Platform::Native);
    assert_eq!(Platform::parse("go"), Platform::Other);
    assert!(Platform::Ruby.uses_context_line());
    assert!(!Platform::Java.uses_context_line());
    assert!(!Platform::Native.uses_context_line());
}

#[test]
fn runtime_symbols_from_the_brief() {
    for name in [
        "sentry::capture_error",
        "sentry_core::hub::Hub::capture_event",
        "sentry_panic::panic_handler",
        "sentry_backtrace::backtrace_to_stacktrace",
        "sentry_tracing::layer::on_event",
        "<sentry_panic::PanicIntegration as sentry_core::Integration>::setup",
        "std::panicking::begin_panic_handler",
        "core::panicking::panic_fmt",
        "alloc::boxed::Box<F>::call_once",
        "backtrace::capture::Backtrace::new",
        "<core::option::Option<T>>::unwrap",
        "<alloc::vec::Vec<T>>::push",
        "<std::thread::Builder>::spawn",
        "__rust_start_panic",
        "rust_begin_unwind",
        "rust_panic",
        "_start",
        "__libc_start_main",
        "__libc_start_call_main",
        "<F as core::ops::function::FnOnce<()>>::call_once",
        "<T as alloc::string::ToString>::to_string",
    ] {
        assert!(is_runtime_symbol(name, Platform::Native), "{name}");
    }
}

#[test]
fn user_symbols_are_not_runtime() {
    for name in [
        "myapp::main",
        "sentryish::run",
        "<myapp::Foo as core::fmt::Display>::fmt",
        "start",
        "_start_worker",
        "stdx::f",
    ] {
        assert!(!is_runtime_symbol(name, Platform::Native), "{name}");
    }
    // `_start` is only a runtime symbol outside managed platforms
    assert!(!is_runtime_symbol("_start", Platform::Python));
    assert!(is_runtime_symbol("_start", Platform::Other));
    assert!(is_runtime_symbol("std::rt::lang_start", Platform::Python));
}

#[test]
fn rust_hash_suffix_is_stripped() {
    assert_eq!(strip_rust_hash("myapp::main::h0123456789abcdef"), "myapp::main");
    assert_eq!(strip_rust_hash("myapp::main::hzz23456789abcdef"), "myapp::main::hzz23456789abcdef");
    assert_eq!(clean_function("myapp::run::h0123456789abcdef", Platform::Native).as_deref(), Some("myapp::run"));
    assert_eq!(clean_function("myapp::run::h0123456789abcdef", Platform::Other).as_deref(), Some("myapp::run"));
}

#[test]
fn native_function_cleanup() {
    let f = |s| clean_function(s, Platform::Native);
    assert_eq!(f("ns::Foo::bar(int, char const*) const").as_deref(), Some("ns::Foo::bar"));
    assert_eq!(f("Foo::operator()()").as_deref(), Some("Foo::operator()"));
    assert_eq!(f("myapp::main::{{closure}}").as_deref(), Some("myapp::main::{{closure}}"));
    assert_eq!(f("(anonymous)"), Some("(anonymous)".to_owned()));
    assert_eq!(f("<redacted>"), None);
    assert_eq!(f("<unknown>"), None);
    assert_eq!(f("  "), None);
}

#[test]
fn javascript_function_cleanup() {
    let f = |s| clean_function(s, JS);
    assert_eq!(f("Object.foo").as_deref(), Some("foo"));
    assert_eq!(f("a.b.c.handleClick").as_deref(), Some("handleClick"));
    assert_eq!(f("render").as_deref(), Some("render"));
    for ignored in
        ["?", "<anonymous>", "<anonymous function>", "Anonymous function", "Object.<anonymous>", "foo/<", "bar/</baz/<"]
    {
        assert_eq!(f(ignored), None, "{ignored}");
    }
}

#[test]
fn ruby_function_cleanup() {
    let f = |s| clean_function(s, Platform::Ruby);
    assert_eq!(f("block in process").as_deref(), Some("block"));
    assert_eq!(f("block (2 levels) in process").as_deref(), Some("block"));
    assert_eq!(f("_app_views_users_show_html_erb__1234_5678").as_deref(), Some("_app_views_users_show_html_erb"));
    assert_eq!(f("perform").as_deref(), Some("perform"));
}

#[test]
fn php_and_java_function_cleanup() {
    assert_eq!(clean_function("[Anonymous function]", Platform::Php), None);
    assert_eq!(clean_function("class@anonymous/in/x.php:3$0::handle", Platform::Php), None);
    assert_eq!(clean_function("handle", Platform::Php).as_deref(), Some("handle"));
    assert_eq!(clean_function("lambda$main$0", Platform::Java), None);
    assert_eq!(clean_function("run", Platform::Java).as_deref(), Some("run"));
}

#[test]
fn module_cleanup() {
    assert_eq!(clean_module("app/components/x", Some("https://cdn/app/components/x"), JS), None);
    assert_eq!(clean_module("app/components/x", Some("/srv/other.js"), JS).as_deref(), Some("app/components/x"));
    assert_eq!(clean_module("myapp.views", None, Platform::Python).as_deref(), Some("myapp.views"));
    assert_eq!(clean_module("  ", None, Platform::Python), None);
    let j = |m| clean_module(m, None, Platform::Java);
    assert_eq!(j("com.x.Foo$$Lambda$12/0x0000000800c0"), None);
    assert_eq!(j("sun.reflect.GeneratedMethodAccessor123").as_deref(), Some("sun.reflect.GeneratedMethodAccessor"));
    assert_eq!(
        j("jdk.internal.reflect.GeneratedConstructorAccessor7").as_deref(),
        Some("jdk.internal.reflect.GeneratedConstructorAccessor")
    );
    assert_eq!(j("com.x.Svc$$EnhancerByCGLIB$$a1b2c3").as_deref(), Some("com.x.Svc$$EnhancerByCGLIB$$<auto>"));
    assert_eq!(
        j("com.x.Svc$$FastClassBySpringCGLIB$$9f").as_deref(),
        Some("com.x.Svc$$FastClassBySpringCGLIB$$<auto>")
    );
    assert_eq!(j("com.x.Svc$$EnhancerByGuice$$1a2b").as_deref(), Some("com.x.Svc$$EnhancerByGuice$$<auto>"));
    assert_eq!(j("com.x.Entity_$$_javassist_42").as_deref(), Some("com.x.Entity<auto>"));
    assert_eq!(j("my.ns$handler$fn__1234").as_deref(), Some("my.ns$handler$fn__<auto>"));
    assert_eq!(j("com.x.User$HibernateProxy$Ab12Cd").as_deref(), Some("com.x.User$HibernateProxy$<auto>"));
    // the same rewrites are not applied to other platforms
    assert_eq!(clean_module("a$fn__12", None, Platform::Python).as_deref(), Some("a$fn__12"));
}

#[test]
fn filename_cleanup() {
    let py = Platform::Python;
    assert_eq!(clean_filename("/srv/App/Views.py", None, py).as_deref(), Some("views.py"));
    assert_eq!(clean_filename(r"C:\Code\App\Main.cs", None, Platform::CSharp).as_deref(), Some("main.cs"));
    assert_eq!(clean_filename("<anonymous>", None, JS), None);
    assert_eq!(clean_filename("[native code]", None, JS), None);
    assert_eq!(clean_filename("app.js", Some("https://example.com/static/app.js"), JS), None);
    assert_eq!(clean_filename("app.js", Some("blob:https://x/1"), JS), None);
    assert_eq!(clean_filename("app.js", Some("file:///srv/app.js"), JS), None);
    // file: is only a URL for JavaScript
    assert_eq!(clean_filename("app.py", Some("file:///srv/app.py"), py).as_deref(), Some("app.py"));
    assert_eq!(clean_filename("dir/", None, py), None);
    assert_eq!(clean_filename("Foo_$$_javassist_12.java", None, Platform::Java).as_deref(), Some("foo<auto>.java"));
}

#[test]
fn context_line_cleanup() {
    assert_eq!(clean_context_line("\t  x =\t\t1   +  2  ").as_deref(), Some("x = 1 + 2"));
    assert_eq!(clean_context_line("   "), None);
    let at_limit = "a".repeat(120);
    assert_eq!(clean_context_line(&at_limit).as_deref(), Some(at_limit.as_str()));
    assert_eq!(clean_context_line(&"a".repeat(121)), None);
    // counted in chars: 120 multibyte chars is still fine
    assert!(clean_context_line(&"é".repeat(120)).is_some());
    // raw length counts, including indentation
    assert_eq!(clean_context_line(&format!("{}x", " ".repeat(120))), None);
}

#[test]
fn url_detection() {
    assert!(is_url("https://a/b.js", Platform::Python));
    assert!(is_url("HTTP://A/B", Platform::Other));
    assert!(!is_url("/srv/x.py", Platform::Python));
    assert!(is_url("file:///x.js", JS));
    assert!(!is_url("file:///x.js", Platform::Python));
}

#[test]
fn newer_rustc_panic_entry_points_are_runtime() {
    assert!(is_runtime_symbol("__rustc::rust_begin_unwind", Platform::Native));
    assert!(!is_runtime_symbol("rustc_driver_user::main", Platform::Native));
}
