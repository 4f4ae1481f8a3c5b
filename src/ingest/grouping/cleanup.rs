//! Per-platform cleanup of individual frame fields (PROTOCOL E.3), as pure string functions.
//!
//! Contract: each `clean_*` function takes one raw field value plus the frame's platform and
//! returns `Some(value that contributes to the hash)` or `None` when the field must not
//! contribute. [`is_runtime_symbol`] recognises SDK/runtime symbols (Rust `sentry*::`, `std::`,
//! `core::`, panic machinery, libc entry points) that must never contribute in any variant.
//! Nothing here panics, whatever the input.

use std::sync::LazyLock;

use regex::Regex;

/// Platform families that share grouping behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Platform {
    Python,
    JavaScript,
    Php,
    Ruby,
    Java,
    CSharp,
    Native,
    Other,
}

impl Platform {
    pub(super) fn parse(name: &str) -> Self {
        match name.trim().to_ascii_lowercase().as_str() {
            "python" => Self::Python,
            "javascript" | "node" => Self::JavaScript,
            "php" => Self::Php,
            "ruby" => Self::Ruby,
            "java" | "kotlin" | "scala" | "groovy" | "clojure" => Self::Java,
            "csharp" => Self::CSharp,
            "native" | "c" | "cpp" | "cocoa" | "objc" | "swift" | "rust" => Self::Native,
            _ => Self::Other,
        }
    }

    /// Platforms whose frames hash their `context_line`.
    pub(super) fn uses_context_line(self) -> bool {
        matches!(self, Self::Python | Self::JavaScript | Self::Php | Self::Ruby)
    }

    fn is_managed(self) -> bool {
        matches!(self, Self::Python | Self::JavaScript | Self::Php | Self::Ruby | Self::Java | Self::CSharp)
    }
}

#[allow(clippy::expect_used, reason = "static pattern, covered by tests")]
static SENTRY_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^<?sentry(?:_[A-Za-z0-9_]+)?::").expect("valid regex"));

/// Compiler shims of a generic parameter calling a std trait: `<F as core::ops::FnOnce<()>>::call_once`.
#[allow(clippy::expect_used, reason = "static pattern, covered by tests")]
static GENERIC_SHIM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^<[A-Z][A-Za-z0-9]?\s+as\s+(?:core|std|alloc)::").expect("valid regex"));

#[allow(clippy::expect_used, reason = "static pattern, covered by tests")]
static RUST_HASH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"::h[0-9a-f]{16}$").expect("valid regex"));

#[allow(clippy::expect_used, reason = "static pattern, covered by tests")]
static ERB_SUFFIX: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"__[0-9]+_[0-9]+$").expect("valid regex"));

/// Java generated-class rewrites; replacements use `regex` expansion syntax (`$$` is a `$`).
#[allow(clippy::expect_used, reason = "static pattern, covered by tests")]
static JAVA_GENERATED: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"(Generated(?:Serialization)?(?:Method|Constructor)Accessor)[0-9]+", "${1}"),
        (r"\$\$(EnhancerBy[A-Za-z]*|FastClassBy[A-Za-z]*)\$\$[0-9A-Za-z_]+", "$$$$${1}$$$$<auto>"),
        (r"_?\$\$_(?:javassist|jvst)[0-9A-Za-z_$]*", "<auto>"),
        (r"\$(fn__|eval)[0-9]+", "$$${1}<auto>"),
        (r"\$(HibernateProxy|ByteBuddy|MockitoMock)\$[0-9A-Za-z]+", "$$${1}$$<auto>"),
    ]
    .into_iter()
    .map(|(src, with)| (Regex::new(src).expect("valid regex"), with))
    .collect()
});

/// Prefixes of Rust runtime / panic machinery symbols (SDK paths are matched by `SENTRY_PATH`).
const RUNTIME_PREFIXES: [&str; 14] = [
    "std::",
    "core::",
    "alloc::",
    "backtrace::",
    "panic_unwind::",
    "panic_abort::",
    "<std::",
    "<core::",
    "<alloc::",
    "<backtrace::",
    "__rust_",
    "rust_begin_unwind",
    "rust_panic",
    // Rust 1.91+ emits the panic entry points under this path (`__rustc::rust_begin_unwind`).
    "__rustc::",
];

/// True for symbols of the Sentry SDK or the language runtime that must never contribute,
/// including std trait shims on a generic parameter (`<F as core::…>`; a named user type
/// such as `<myapp::Foo as core::fmt::Display>::fmt` is user code and still contributes).
/// `_start` (exact) and `__libc_start*` only count outside managed platforms, where a
/// user function could plausibly be called that.
pub(super) fn is_runtime_symbol(name: &str, platform: Platform) -> bool {
    let name = name.trim_start();
    if SENTRY_PATH.is_match(name) || GENERIC_SHIM.is_match(name) || RUNTIME_PREFIXES.iter().any(|p| name.starts_with(p))
    {
        return true;
    }
    !platform.is_managed() && (name == "_start" || name.starts_with("__libc_start"))
}

/// Removes a Rust legacy-mangling hash suffix (`::h0123456789abcdef`).
pub(super) fn strip_rust_hash(name: &str) -> &str {
    match RUST_HASH.find(name) {
        Some(m) => &name[..m.start()],
        None => name,
    }
}

/// Drops a trailing C/C++ parameter list (and ` const`): `ns::f(int, char) const` → `ns::f`.
fn strip_native_params(name: &str) -> &str {
    let name = name.trim_end();
    let name = name.strip_suffix(" const").unwrap_or(name).trim_end();
    if !name.ends_with(')') {
        return name;
    }
    let mut depth = 0usize;
    for (i, ch) in name.char_indices().rev() {
        match ch {
            ')' => depth += 1,
            '(' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let head = name[..i].trim_end();
                    return if head.is_empty() { name } else { head };
                }
            }
            _ => {}
        }
    }
    name
}

const JS_IGNORED_FUNCTIONS: [&str; 4] = ["?", "<anonymous>", "<anonymous function>", "Anonymous function"];

fn js_function(name: &str) -> Option<String> {
    let ignored = |s: &str| s.is_empty() || JS_IGNORED_FUNCTIONS.contains(&s) || s.ends_with("/<");
    if ignored(name) {
        return None;
    }
    let last = name.rsplit('.').next().unwrap_or(name).trim();
    if ignored(last) { None } else { Some(last.to_owned()) }
}

/// The contributing function name, or `None` when the platform ignores it.
pub(super) fn clean_function(raw: &str, platform: Platform) -> Option<String> {
    let name = strip_rust_hash(raw.trim()).trim();
    if name.is_empty() || matches!(name, "<unknown>" | "<redacted>" | "??") {
        return None;
    }
    match platform {
        Platform::JavaScript => js_function(name),
        Platform::Ruby if name == "block" || name.starts_with("block ") => Some("block".to_owned()),
        Platform::Ruby => Some(ERB_SUFFIX.replace(name, "").into_owned()),
        Platform::Php if name.starts_with("[Anonymous") || name.contains("class@anonymous") => None,
        Platform::Java if name.contains("lambda$") => None,
        Platform::Native => Some(strip_native_params(name).to_owned()),
        _ if name == "?" => None,
        _ => Some(name.to_owned()),
    }
}

fn java_generated(text: &str) -> String {
    JAVA_GENERATED.iter().fold(text.to_owned(), |acc, (re, with)| re.replace_all(&acc, *with).into_owned())
}

/// The contributing module, or `None` (empty, Java lambda, JS path-like module of `abs_path`).
pub(super) fn clean_module(module: &str, abs_path: Option<&str>, platform: Platform) -> Option<String> {
    let module = module.trim();
    if module.is_empty() {
        return None;
    }
    match platform {
        Platform::JavaScript if module.contains('/') && abs_path.is_some_and(|p| p.ends_with(module)) => None,
        Platform::Java if module.contains("$$Lambda$") => None,
        Platform::Java => Some(java_generated(module)),
        _ => Some(module.to_owned()),
    }
}

/// True when `path` is a URL; JavaScript also treats `file:` paths as URLs.
pub(super) fn is_url(path: &str, platform: Platform) -> bool {
    let lower = path.trim_start().to_ascii_lowercase();
    ["http://", "https://", "blob:", "ftp://"].iter().any(|p| lower.starts_with(p))
        || (platform == Platform::JavaScript && lower.starts_with("file:"))
}

/// Lower-cased basename of `filename`, or `None` when it must not contribute.
pub(super) fn clean_filename(filename: &str, abs_path: Option<&str>, platform: Platform) -> Option<String> {
    let filename = filename.trim();
    if matches!(filename, "" | "<anonymous>" | "[native code]") || is_url(abs_path.unwrap_or(filename), platform) {
        return None;
    }
    let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    if base.is_empty() {
        return None;
    }
    let base = base.to_lowercase();
    Some(if platform == Platform::Java { java_generated(&base) } else { base })
}

/// The context line with whitespace runs collapsed and trimmed; `None` when the raw line is
/// longer than 120 characters or blank.
pub(super) fn clean_context_line(raw: &str) -> Option<String> {
    if raw.chars().nth(120).is_some() {
        return None;
    }
    let line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() { None } else { Some(line) }
}

#[cfg(test)]
#[path = "cleanup_tests.rs"]
mod tests;
