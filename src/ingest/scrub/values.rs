//! String-value rules: what inside a string is sensitive regardless of its key.
//!
//! Contract: [`scrubbed`] returns `Some(new_text)` when `text` must change, else `None`
//! (on the common no-match path: no allocation and no value regex, only the cheap `scan`
//! pass, which decides which value regexes can possibly match). Two tiers:
//! * [`Tier::Full`] (fields Sentry treats as PII): a string containing a password keyword is
//!   replaced whole by `[Filtered]` (Relay's `@password:filter` matches values as well as
//!   keys); otherwise the pattern rules below apply.
//! * [`Tier::PatternsOnly`] (tags, `request.url`, `logentry.message`): pattern rules only.
//!
//! Pattern rules replace just the sensitive part, like Relay's `@…:filter` rules: card
//! numbers, IBANs, PEM key bodies (armor lines kept), US SSNs, `Bearer <token>` (the phrase),
//! the password of `scheme://user:pass@` (user kept), the account name in home paths.
//! Strings that are empty, `true`, `false`, `null`, `undefined` or already `[Filtered]` are
//! never changed, which also makes scrubbing idempotent.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::FILTERED;
use super::checks;
use super::scan::scan;

/// Which rules apply to a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tier {
    /// Keyword-in-value rule plus all pattern rules.
    Full,
    /// Pattern rules only.
    PatternsOnly,
}

// `(?-u:\b)` is an ASCII word boundary: it keeps the fast DFA engines usable on non-ASCII
// text, and every pattern anchors on ASCII digits/letters anyway. Each regex runs only when
// the facts `scan` reports make a match possible.
const PEM: &str = concat!(
    r"(?s)-----BEGIN [A-Z0-9 ]*?(?:PRIVATE|PUBLIC) KEY-----\s*(.+?)\s*",
    r"-----END [A-Z0-9 ]*?(?:PRIVATE|PUBLIC) KEY-----",
);
const CARD: &str = r"(?-u:\b)[0-9](?:[ -]?[0-9]){12,}(?-u:\b)";
const IBAN: &str = r"(?-u:\b)[A-Z]{2}[0-9]{2}[A-Za-z0-9]{11,30}(?-u:\b)";
const SSN: &str = r"(?-u:\b)[0-9]{3}-[0-9]{2}-[0-9]{4}(?-u:\b)";
const BEARER: &str = r"(?i)(?-u:\b)bearer\s+(\S+)";
const URL_AUTH: &str = r"(?i)(?:(?-u:\b)[a-z][a-z0-9+.-]*:)?//[^\s:@/?#]+:([^\s@/?#]+)@";
const USER_PATH: &str = r#"(?i)(?:^|[\s"'=(,\[])(?:[a-z]:)?[\\/](?:users|home)[\\/]([^/\\\s"'\x00]+)"#;

/// Values that are sensitive as a whole (Relay matches these exactly, not as substrings).
const EXACT_VALUES: &[&str] = &["otp", "two_factor", "two-factor"];

/// Compiles one of the constant patterns above.
#[allow(clippy::expect_used, reason = "static pattern, covered by tests")]
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid value pattern")
}

static PEM_RE: LazyLock<Regex> = LazyLock::new(|| compile(PEM));
static CARD_RE: LazyLock<Regex> = LazyLock::new(|| compile(CARD));
static IBAN_RE: LazyLock<Regex> = LazyLock::new(|| compile(IBAN));
static SSN_RE: LazyLock<Regex> = LazyLock::new(|| compile(SSN));
static BEARER_RE: LazyLock<Regex> = LazyLock::new(|| compile(BEARER));
static URL_AUTH_RE: LazyLock<Regex> = LazyLock::new(|| compile(URL_AUTH));
static USER_PATH_RE: LazyLock<Regex> = LazyLock::new(|| compile(USER_PATH));

/// True for strings no rule may change (Relay skips the first five; the last is ours).
pub(super) fn is_exempt(text: &str) -> bool {
    matches!(text, "" | "true" | "false" | "null" | "undefined") || text == FILTERED
}

/// Applies the rules of `tier` to `text`; returns the replacement if anything matched.
pub(super) fn scrubbed(text: &str, tier: Tier) -> Option<String> {
    if is_exempt(text) {
        return None;
    }
    let found = scan(text);
    if tier == Tier::Full
        && (found.secret || found.token_assign || EXACT_VALUES.iter().any(|v| text.eq_ignore_ascii_case(v)))
    {
        return Some(FILTERED.to_owned());
    }

    let mut current: Option<String> = None;
    let mut step = |possible: bool, rewrite: &dyn Fn(&str) -> Option<String>| {
        if possible {
            let source = current.as_deref().unwrap_or(text);
            if let Some(next) = rewrite(source) {
                current = Some(next);
            }
        }
    };
    // PEM first: key bodies are long base64 runs the other patterns could nibble at.
    step(found.pem, &|s| replace_group(s, &PEM_RE, 1, 1));
    step(found.digit_run >= 13, &replace_cards);
    step(found.iban_head, &|s| {
        replace_matching(s, &IBAN_RE, 0, 0, |c| c.get(0).is_some_and(|m| checks::is_iban(m.as_str())))
    });
    step(found.ssn_shape, &|s| replace_group(s, &SSN_RE, 0, 0));
    step(found.bearer, &|s| replace_group(s, &BEARER_RE, 0, 1));
    step(found.at && found.double_slash, &|s| replace_group(s, &URL_AUTH_RE, 1, 1));
    step(found.home, &|s| replace_group(s, &USER_PATH_RE, 1, 1));
    current
}

/// Replaces group `group` of each match whose group `guard` is not already `[Filtered]`.
fn replace_group(text: &str, re: &Regex, group: usize, guard: usize) -> Option<String> {
    replace_matching(text, re, group, guard, |_| true)
}

/// Replaces group `group` of each match accepted by `accept`, skipping matches whose group
/// `guard` already reads `[Filtered]` (keeps re-scrubbing a no-op).
fn replace_matching(
    text: &str,
    re: &Regex,
    group: usize,
    guard: usize,
    accept: impl Fn(&Captures<'_>) -> bool,
) -> Option<String> {
    let mut out: Option<String> = None;
    let mut copied_to = 0;
    for caps in re.captures_iter(text) {
        let (Some(target), Some(guarded)) = (caps.get(group), caps.get(guard)) else {
            continue;
        };
        if guarded.as_str() == FILTERED || !accept(&caps) {
            continue;
        }
        let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
        buf.push_str(text.get(copied_to..target.start()).unwrap_or_default());
        buf.push_str(FILTERED);
        copied_to = target.end();
    }
    out.map(|mut buf| {
        buf.push_str(text.get(copied_to..).unwrap_or_default());
        buf
    })
}

/// Replaces every card number (see [`checks::card_spans`]) inside digit runs.
fn replace_cards(text: &str) -> Option<String> {
    let mut out: Option<String> = None;
    let mut copied_to = 0;
    for run in CARD_RE.find_iter(text) {
        checks::card_spans(run.as_str(), |start, end| {
            let (start, end) = (run.start() + start, run.start() + end);
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
            buf.push_str(text.get(copied_to..start).unwrap_or_default());
            buf.push_str(FILTERED);
            copied_to = end;
        });
    }
    out.map(|mut buf| {
        buf.push_str(text.get(copied_to..).unwrap_or_default());
        buf
    })
}
