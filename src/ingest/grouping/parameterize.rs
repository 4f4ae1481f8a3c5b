//! Message normalization for grouping (PROTOCOL E.4).
//!
//! Contract: [`normalize_message`] keeps the first two non-blank lines (adding `...` when further
//! non-blank lines were dropped) and then replaces variable parts with placeholders, one pattern
//! after another in this priority order: `<email>`, `<url>`, `<hostname>`, `<ip>`, `<traceparent>`,
//! `<uuid>`, `<sha1>`, `<md5>`, `<date>`, `<duration>`, `<hex>`, `<git_sha>`, `<float>`, `<int>`,
//! then `=<quoted_str>` and `=<bool>` after a `key=`. The function is total: any input string
//! (empty, huge, non-ASCII) gives a string back, and placeholders are never rewritten again.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// How a matched span is rewritten.
#[derive(Clone, Copy)]
enum Rewrite {
    /// Always this placeholder.
    Fixed(&'static str),
    /// `<ip>` when the IPv6 candidate (group 2, after prefix group 1) has a digit and ends cleanly.
    Ipv6,
    /// `<hex>` for `0x…`, or 8–128 single-case hex chars containing a digit.
    Hex,
    /// `<git_sha>` for 7 single-case hex chars with both a digit and a letter.
    GitSha,
}

const MONTH: &str = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const DAY: &str = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";

fn date_pattern() -> String {
    let iso = r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?: ?(?:Z|[+-][0-9]{2}:?[0-9]{2}))?)?";
    let rfc822 = format!(
        r"\b{DAY},\s[0-9]{{1,2}}\s{MONTH}\s[0-9]{{2,4}}\s[0-9]{{2}}:[0-9]{{2}}(?::[0-9]{{2}})?\s(?:[+-][0-9]{{4}}|[A-Z]{{1,5}})"
    );
    let rfc850 = format!(
        r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,\s[0-9]{{2}}-{MONTH}-[0-9]{{2}}\s[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}\s[A-Z]{{1,5}}"
    );
    let js = format!(
        r"\b{DAY}\s{MONTH}\s[0-9]{{1,2}}\s[0-9]{{4}}\s[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}(?:\sGMT[+-][0-9]{{4}})?(?:\s\([^)]*\))?"
    );
    let ctime = format!(r"\b{DAY}\s{MONTH}\s+[0-9]{{1,2}}\s[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}\s[0-9]{{4}}");
    let slashed = r"\b[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}\b";
    let time = r"\b[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?\b";
    format!("{iso}|{rfc822}|{rfc850}|{js}|{ctime}|{slashed}|{time}")
}

fn pattern_table() -> Vec<(String, Rewrite)> {
    let h4 = "[0-9A-Fa-f]{1,4}";
    let octet = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    vec![
        (
            r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b".into(),
            Rewrite::Fixed("<email>"),
        ),
        (
            r#"\b(?i:https?|wss?|ftp)://[^\s"'<>]+"#.into(),
            Rewrite::Fixed("<url>"),
        ),
        (
            r"\b(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+(?i:com|net|org|edu|gov|mil|io|co|uk|de|fr|jp|ru|cn|nl|br|au|ca|eu|us|info|biz|dev|cloud|xyz)\b"
                .into(),
            Rewrite::Fixed("<hostname>"),
        ),
        (
            format!(
                r"(^|[^0-9A-Za-z_:.])((?:{h4}:){{7}}{h4}|(?:{h4}(?::{h4}){{0,6}})?::(?:{h4}(?::{h4}){{0,6}})?)"
            ),
            Rewrite::Ipv6,
        ),
        (
            format!(r"\b(?:{octet}\.){{3}}{octet}\b"),
            Rewrite::Fixed("<ip>"),
        ),
        (
            r"\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-9a-f]\b".into(),
            Rewrite::Fixed("<traceparent>"),
        ),
        (
            r"\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b".into(),
            Rewrite::Fixed("<uuid>"),
        ),
        (r"\b[0-9A-Fa-f]{40}\b".into(), Rewrite::Fixed("<sha1>")),
        (r"\b[0-9A-Fa-f]{32}\b".into(), Rewrite::Fixed("<md5>")),
        (date_pattern(), Rewrite::Fixed("<date>")),
        (
            r"\b[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h|d)\b|\b[0-9]+(?:\.[0-9]+)? ?(?:nanosecond|microsecond|millisecond|second|sec|minute|min|hour|hr|day)s?\b"
                .into(),
            Rewrite::Fixed("<duration>"),
        ),
        (
            r"\b0[xX][0-9A-Fa-f]+\b|\b[0-9A-Fa-f]{8,128}\b".into(),
            Rewrite::Hex,
        ),
        (r"\b[0-9A-Fa-f]{7}\b".into(), Rewrite::GitSha),
        (
            r"\b[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?\b".into(),
            Rewrite::Fixed("<float>"),
        ),
        (r"\b[0-9]+\b".into(), Rewrite::Fixed("<int>")),
        (
            r#"="[^"]*"|='[^']*'"#.into(),
            Rewrite::Fixed("=<quoted_str>"),
        ),
        (
            r"=(?:true|false|True|False|TRUE|FALSE)\b".into(),
            Rewrite::Fixed("=<bool>"),
        ),
    ]
}

/// Compiled table. Word boundaries are made ASCII-only (`(?-u:\b)`): Unicode-aware `\b` keeps
/// the regex engine off its fast DFA path on non-ASCII text, which is far slower on long lines.
#[allow(clippy::expect_used, reason = "static pattern, covered by tests")]
static PATTERNS: LazyLock<Vec<(Regex, Rewrite)>> = LazyLock::new(|| {
    pattern_table()
        .into_iter()
        .map(|(src, rw)| (src.replace(r"\b", r"(?-u:\b)"), rw))
        .map(|(src, rw)| (Regex::new(&src).expect("valid parameterization regex"), rw))
        .collect()
});

fn single_case(s: &str) -> bool {
    !(s.bytes().any(|b| b.is_ascii_lowercase()) && s.bytes().any(|b| b.is_ascii_uppercase()))
}

fn rewrite(kind: Rewrite, caps: &Captures<'_>, haystack: &str) -> String {
    let whole = caps.get(0).map_or("", |m| m.as_str());
    match kind {
        Rewrite::Fixed(p) => p.to_owned(),
        Rewrite::Ipv6 => {
            let prefix = caps.get(1).map_or("", |m| m.as_str());
            let addr = caps.get(2).map_or("", |m| m.as_str());
            let end = caps.get(0).map_or(0, |m| m.end());
            let next = haystack[end..].chars().next();
            let clean_end = !next.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
            if addr.bytes().any(|b| b.is_ascii_digit()) && clean_end {
                format!("{prefix}<ip>")
            } else {
                whole.to_owned()
            }
        }
        Rewrite::Hex => {
            let is_prefixed = whole.starts_with("0x") || whole.starts_with("0X");
            if is_prefixed || (whole.bytes().any(|b| b.is_ascii_digit()) && single_case(whole)) {
                "<hex>".to_owned()
            } else {
                whole.to_owned()
            }
        }
        Rewrite::GitSha => {
            let digit = whole.bytes().any(|b| b.is_ascii_digit());
            let letter = whole.bytes().any(|b| b.is_ascii_alphabetic());
            if digit && letter && single_case(whole) { "<git_sha>".to_owned() } else { whole.to_owned() }
        }
    }
}

/// Sentry-style message normalization for grouping; see the module docs for the rules.
pub(super) fn normalize_message(s: &str) -> String {
    let mut lines = s.lines().filter(|l| !l.trim().is_empty());
    let kept: Vec<&str> = lines.by_ref().take(2).collect();
    let mut text = kept.join("\n");
    if lines.next().is_some() {
        text.push_str("...");
    }
    for (re, kind) in PATTERNS.iter() {
        if !re.is_match(&text) {
            continue;
        }
        let current = text.clone();
        text = re.replace_all(&current, |caps: &Captures<'_>| rewrite(*kind, caps, &current)).into_owned();
    }
    text
}

#[cfg(test)]
#[path = "parameterize_tests.rs"]
mod tests;
