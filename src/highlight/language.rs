//! Which grammar a stack frame's source is highlighted with, decided from the frame alone.
//!
//! Pure and cheap: no syntect here. `Language::detect` looks at the frame's file name first (the last
//! component of a path or URL, with any `?query`/`#fragment` removed, extension matched case-insensitively)
//! and only then at the event's Sentry `platform`; anything else is `PlainText`. Languages that syntect's
//! default set lacks map to the nearest grammar it has: TypeScript/TSX/JSX to JavaScript, Kotlin to Java.
//! Extensions we recognise but have no grammar for (Swift, Dart, Elixir, F#, VB) are `PlainText` on
//! purpose, so a Swift file on the `cocoa` platform is not mis-highlighted as Objective-C. A `.h` header
//! follows the platform (C on `c`, Objective-C on `cocoa`/`objc`, else C++). `Language` is `Copy + Hash` so
//! it serves directly as a cache key.

use std::fmt;

/// A grammar in syntect's default syntax set (or plain text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    PlainText,
    Python,
    /// Also TypeScript, TSX and JSX (syntect's default set has no TypeScript grammar).
    JavaScript,
    Rust,
    Go,
    /// Also Kotlin (syntect's default set has no Kotlin grammar).
    Java,
    Scala,
    Groovy,
    Ruby,
    /// Bare PHP code is highlighted without needing a `<?php` opening tag; see `Highlighter`.
    Php,
    CSharp,
    C,
    Cpp,
    ObjectiveC,
    ObjectiveCpp,
    Perl,
    Lua,
    Haskell,
    Erlang,
    Clojure,
    Shell,
    Sql,
    Html,
}

impl Language {
    /// Every variant, for tests and for listing.
    pub const ALL: [Language; 23] = [
        Language::PlainText,
        Language::Python,
        Language::JavaScript,
        Language::Rust,
        Language::Go,
        Language::Java,
        Language::Scala,
        Language::Groovy,
        Language::Ruby,
        Language::Php,
        Language::CSharp,
        Language::C,
        Language::Cpp,
        Language::ObjectiveC,
        Language::ObjectiveCpp,
        Language::Perl,
        Language::Lua,
        Language::Haskell,
        Language::Erlang,
        Language::Clojure,
        Language::Shell,
        Language::Sql,
        Language::Html,
    ];

    /// Picks the language of a frame: by `filename` (or `abs_path`), else by Sentry `platform`, else plain.
    pub fn detect(filename: Option<&str>, platform: Option<&str>) -> Language {
        let platform = platform.map(|p| p.trim().to_ascii_lowercase());
        filename
            .and_then(|f| Language::from_filename(f, platform.as_deref()))
            .or_else(|| platform.as_deref().and_then(Language::from_platform))
            .unwrap_or(Language::PlainText)
    }

    /// A human-readable name, e.g. "C++".
    pub fn name(self) -> &'static str {
        match self {
            Language::PlainText => "Plain Text",
            Language::Python => "Python",
            Language::JavaScript => "JavaScript",
            Language::Rust => "Rust",
            Language::Go => "Go",
            Language::Java => "Java",
            Language::Scala => "Scala",
            Language::Groovy => "Groovy",
            Language::Ruby => "Ruby",
            Language::Php => "PHP",
            Language::CSharp => "C#",
            Language::C => "C",
            Language::Cpp => "C++",
            Language::ObjectiveC => "Objective-C",
            Language::ObjectiveCpp => "Objective-C++",
            Language::Perl => "Perl",
            Language::Lua => "Lua",
            Language::Haskell => "Haskell",
            Language::Erlang => "Erlang",
            Language::Clojure => "Clojure",
            Language::Shell => "Shell",
            Language::Sql => "SQL",
            Language::Html => "HTML",
        }
    }

    /// The syntect syntax name this language is highlighted with (PHP has a second one, see `Highlighter`).
    pub(super) fn syntect_name(self) -> &'static str {
        match self {
            Language::Php => "PHP Source",
            Language::Shell => "Bourne Again Shell (bash)",
            other => other.name(),
        }
    }

    /// `Some(lang)` when the file name decides, `None` to fall back to the platform.
    fn from_filename(path: &str, platform: Option<&str>) -> Option<Language> {
        let name = file_name(path).to_ascii_lowercase();
        if let Some(lang) = by_whole_name(&name) {
            return Some(lang);
        }
        let (_, ext) = name.rsplit_once('.')?;
        by_extension(ext, platform)
    }

    /// The language for a Sentry event `platform` (already lowercased), if it implies one.
    fn from_platform(platform: &str) -> Option<Language> {
        Some(match platform {
            "python" => Language::Python,
            p if p == "node" || p.starts_with("javascript") || p == "typescript" => Language::JavaScript,
            "rust" => Language::Rust,
            "go" => Language::Go,
            "java" | "kotlin" | "android" => Language::Java,
            "scala" => Language::Scala,
            "groovy" => Language::Groovy,
            "ruby" => Language::Ruby,
            "php" => Language::Php,
            "csharp" | "dotnet" => Language::CSharp,
            "c" => Language::C,
            "native" | "cpp" | "c++" => Language::Cpp,
            "cocoa" | "objc" => Language::ObjectiveC,
            "perl" => Language::Perl,
            "lua" => Language::Lua,
            "haskell" => Language::Haskell,
            "erlang" => Language::Erlang,
            "clojure" => Language::Clojure,
            _ => return None,
        })
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The last component of a path or URL, without query string or fragment.
fn file_name(path: &str) -> &str {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let path = path.trim_end_matches(['/', '\\']);
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Files recognised by their whole (lowercased) name.
fn by_whole_name(name: &str) -> Option<Language> {
    Some(match name {
        "gemfile" | "rakefile" | "podfile" | "vagrantfile" | "fastfile" | "config.ru" => Language::Ruby,
        "sconstruct" | "sconscript" | "wscript" => Language::Python,
        _ => return None,
    })
}

/// A lowercased extension; `Some(PlainText)` for languages we know but cannot highlight.
fn by_extension(ext: &str, platform: Option<&str>) -> Option<Language> {
    Some(match ext {
        "py" | "pyw" | "pyi" | "pyx" | "pxd" => Language::Python,
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx" | "mts" | "cts" => Language::JavaScript,
        "rs" => Language::Rust,
        "go" => Language::Go,
        "java" | "kt" | "kts" => Language::Java,
        "scala" | "sc" | "sbt" => Language::Scala,
        "groovy" | "gvy" | "gradle" => Language::Groovy,
        "rb" | "rake" | "gemspec" | "ru" | "jbuilder" => Language::Ruby,
        "php" | "phtml" | "php3" | "php4" | "php5" | "php7" | "php8" | "phpt" => Language::Php,
        "cs" | "csx" => Language::CSharp,
        "c" => Language::C,
        "cc" | "cpp" | "cxx" | "cp" | "c++" | "hpp" | "hh" | "hxx" | "h++" | "inl" | "ipp" | "tcc" => Language::Cpp,
        "h" => match platform {
            Some("c") => Language::C,
            Some("cocoa" | "objc") => Language::ObjectiveC,
            _ => Language::Cpp,
        },
        "m" => Language::ObjectiveC,
        "mm" => Language::ObjectiveCpp,
        "pl" | "pm" => Language::Perl,
        "lua" => Language::Lua,
        "hs" => Language::Haskell,
        "erl" | "hrl" => Language::Erlang,
        "clj" | "cljs" | "cljc" | "edn" => Language::Clojure,
        "sh" | "bash" | "zsh" => Language::Shell,
        "sql" => Language::Sql,
        "html" | "htm" | "xhtml" => Language::Html,
        "swift" | "dart" | "ex" | "exs" | "fs" | "fsx" | "vb" | "txt" | "log" => Language::PlainText,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::Language::{self, *};

    #[test]
    fn detects_by_file_name_then_platform_then_plain() {
        let table: &[(Option<&str>, Option<&str>, Language)] = &[
            (Some("app/views.py"), None, Python),
            (Some("/usr/lib/python3.12/site-packages/django/core/handlers/base.py"), Some("python"), Python),
            (Some("app.min.js"), None, JavaScript),
            (Some("https://cdn.example.com/static/app.min.js?v=3#L10"), None, JavaScript),
            (Some("webpack:///./src/components/Foo.tsx?5f3a"), None, JavaScript),
            (Some("src/index.ts"), Some("node"), JavaScript),
            (Some("App.jsx"), None, JavaScript),
            (Some("lib.rs"), None, Rust),
            (Some("/home/me/.cargo/registry/src/tokio-1.0/src/runtime/mod.rs"), Some("native"), Rust),
            (Some("main.go"), None, Go),
            (Some("Foo.java"), None, Java),
            (Some("Main.kt"), None, Java),
            (Some("build.gradle.kts"), None, Java),
            (Some("x.rb"), None, Ruby),
            (Some("Gemfile"), None, Ruby),
            (Some("index.php"), None, Php),
            (Some("Program.cs"), None, CSharp),
            (Some(r"C:\src\App\Program.CS"), None, CSharp),
            (Some("x.c"), None, C),
            (Some("x.cpp"), None, Cpp),
            (Some("x.h"), None, Cpp),
            (Some("x.h"), Some("native"), Cpp),
            (Some("x.h"), Some("c"), C),
            (Some("x.h"), Some("cocoa"), ObjectiveC),
            (Some("AppDelegate.m"), None, ObjectiveC),
            (Some("Bridge.mm"), Some("cocoa"), ObjectiveCpp),
            (Some("ViewController.swift"), Some("cocoa"), PlainText),
            (Some("lib/app.ex"), Some("elixir"), PlainText),
            (Some("query.sql"), None, Sql),
            // No usable file name: the platform decides.
            (None, Some("python"), Python),
            (Some("<stdin>"), Some("python"), Python),
            (Some("<anonymous>"), Some("javascript"), JavaScript),
            (Some("app:///"), Some("node"), JavaScript),
            (None, Some("rust"), Rust),
            (None, Some("go"), Go),
            (None, Some("java"), Java),
            (None, Some("kotlin"), Java),
            (None, Some("ruby"), Ruby),
            (None, Some("php"), Php),
            (None, Some("csharp"), CSharp),
            (None, Some("c"), C),
            (None, Some("native"), Cpp),
            (None, Some("cocoa"), ObjectiveC),
            (None, Some(" Python "), Python),
            // Nothing known.
            (None, None, PlainText),
            (Some("README"), None, PlainText),
            (Some("data.xyz"), Some("other"), PlainText),
            (None, Some("elixir"), PlainText),
            (Some(""), Some(""), PlainText),
        ];
        for &(file, platform, want) in table {
            assert_eq!(Language::detect(file, platform), want, "file {file:?}, platform {platform:?}");
        }
    }

    #[test]
    fn all_lists_every_variant_once() {
        let mut names: Vec<&str> = Language::ALL.iter().map(|l| l.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Language::ALL.len());
        assert_eq!(Language::Cpp.to_string(), "C++");
    }
}
