//! Allocation-free scan of a key or string value for everything the rules need.
//!
//! Contract: [`scan`] reports which keywords occur in `text` (ASCII case-insensitively) and
//! the cheap facts (digit runs, `@`, `//`, PEM armor, …) that are *necessary* for each value
//! regex to match. Callers run a value regex only when its facts hold, so the common case — a
//! string with nothing sensitive — costs one keyword pass plus a few memchr-speed checks
//! instead of a set of full regex searches. Keywords are found with a letter-pair table in
//! short texts (typical keys) and with a case-insensitive literal regex, whose prefilter is
//! SIMD-accelerated, in longer ones; both paths agree (tested). No allocation.

use std::sync::LazyLock;

use regex::bytes::Regex;

/// Every keyword any rule looks for; the match is then classified by [`match_keyword`].
/// ASCII-only case folding (`-u`) keeps the literal prefilter fast.
const KEYWORDS: &str = concat!(
    r"(?i-u)pass(?:word|wd)|secret|api[-_]?key|private[-_]?key|auth|credentials|mysql_pwd",
    r"|token|bearer|csrf|xsrf|users|home",
);

#[allow(clippy::expect_used, reason = "static pattern, covered by tests")]
static KEYWORD_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(KEYWORDS).expect("valid keyword pattern"));

/// What [`scan`] found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Scan {
    /// `password`, `secret`, `passwd`, `api_key`/`api-key`/`apikey`, `auth`, `credentials`,
    /// `mysql_pwd`, `privatekey`/`private_key`/`private-key`.
    pub secret: bool,
    /// `token` anywhere.
    pub token: bool,
    /// `token` followed by `:` or `=` before the next whitespace (`token=…`, `x_token: …`).
    pub token_assign: bool,
    /// `bearer` anywhere.
    pub bearer: bool,
    /// `csrf` or `xsrf` anywhere.
    pub csrf: bool,
    /// `users` or `home` anywhere (home-directory paths).
    pub home: bool,
    /// `-----BEGIN ` anywhere (PEM armor).
    pub pem: bool,
    /// Most ASCII digits in one run where single spaces/dashes may separate digits; left at
    /// 0 when the whole text has fewer than 9 digits (no rule needs a shorter run).
    pub digit_run: usize,
    /// Two ASCII uppercase letters followed by two digits (IBAN country + check digits).
    pub iban_head: bool,
    /// A digit run of at least 9 and a `-`: necessary for the US SSN shape `ddd-dd-dddd`.
    pub ssn_shape: bool,
    /// At least one `@`.
    pub at: bool,
    /// At least one `//`.
    pub double_slash: bool,
}

/// True when `rest` starts with `needle` (lowercase ASCII), ignoring ASCII case.
fn starts_ci(rest: &[u8], needle: &[u8]) -> bool {
    rest.get(..needle.len()).is_some_and(|head| head.eq_ignore_ascii_case(needle))
}

/// `{prefix}key`, `{prefix}_key` or `{prefix}-key`.
fn starts_compound(rest: &[u8], prefix: &[u8]) -> bool {
    if !starts_ci(rest, prefix) {
        return false;
    }
    let tail = rest.get(prefix.len()..).unwrap_or_default();
    let tail = match tail.first() {
        Some(b'_' | b'-') => tail.get(1..).unwrap_or_default(),
        _ => tail,
    };
    starts_ci(tail, b"key")
}

/// Bit of an ASCII letter (either case) in a 26-bit set; 0 for other bytes.
const fn letter_bit(b: u8) -> u32 {
    let lower = b | 0x20;
    if lower.is_ascii_lowercase() { 1 << (lower - b'a') } else { 0 }
}

/// For an ASCII letter (either case) that starts a keyword, the set of letters that can
/// follow it in some keyword; 0 for every other byte.
const fn second_letters(b: u8) -> u32 {
    if !b.is_ascii_alphabetic() {
        return 0;
    }
    match b | 0x20 {
        b'a' => letter_bit(b'u') | letter_bit(b'p'),
        b'p' => letter_bit(b'a') | letter_bit(b'r'),
        b'c' => letter_bit(b'r') | letter_bit(b's'),
        b's' | b'b' => letter_bit(b'e'),
        b'h' | b't' => letter_bit(b'o'),
        b'm' => letter_bit(b'y'),
        b'u' | b'x' => letter_bit(b's'),
        _ => 0,
    }
}

/// Builds a 256-entry lookup table from a `const fn(u8) -> u32`.
macro_rules! byte_table {
    ($f:expr) => {{
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            table[i] = $f(i as u8);
            i += 1;
        }
        table
    }};
}

const LETTER_BIT: [u32; 256] = byte_table!(letter_bit);
const SECOND_LETTERS: [u32; 256] = byte_table!(second_letters);

/// Texts up to this length find keywords with the letter-pair tables (no per-call regex
/// overhead); longer ones use the SIMD-prefiltered keyword regex.
const SHORT: usize = 48;

/// Calls `found(i)` for every byte offset where a keyword may start.
fn keyword_candidates(bytes: &[u8], mut found: impl FnMut(usize)) {
    if bytes.len() <= SHORT {
        for (i, pair) in bytes.windows(2).enumerate() {
            if let [first, second] = pair
                && SECOND_LETTERS[usize::from(*first)] & LETTER_BIT[usize::from(*second)] != 0
            {
                found(i);
            }
        }
    } else {
        // Keywords can overlap (`usersecret`), so each search resumes one byte after the
        // start of the previous match rather than after its end.
        let mut from = 0;
        while let Some(m) = KEYWORD_RE.find_at(bytes, from) {
            found(m.start());
            from = m.start() + 1;
        }
    }
}

/// Finds the keywords of `text` only (the keyword fields of [`Scan`]); enough for keys.
pub(super) fn keywords(text: &str) -> Scan {
    let mut found = Scan::default();
    let mut token_run_end = 0;
    keyword_candidates(text.as_bytes(), |i| {
        match_keyword(text, i, &mut found, &mut token_run_end);
    });
    found
}

/// Scans `text`; see [`Scan`].
pub(super) fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut found = keywords(text);

    found.at = bytes.contains(&b'@');
    found.double_slash = found.at && text.contains("//");
    found.pem = bytes.contains(&b'-') && text.contains("-----BEGIN ");
    let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    if digits >= 2 {
        found.iban_head = bytes.windows(4).any(|w| {
            matches!(w, [a, b, c, d] if a.is_ascii_uppercase()
                && b.is_ascii_uppercase() && c.is_ascii_digit() && d.is_ascii_digit())
        });
    }
    if digits >= 9 {
        found.digit_run = longest_digit_run(bytes);
        // Nine digits joined by dashes; the regex confirms the exact `ddd-dd-dddd` shape.
        found.ssn_shape = found.digit_run >= 9 && bytes.contains(&b'-');
    }
    found
}

/// Most digits in one run of ASCII digits where single spaces or dashes may separate digits.
fn longest_digit_run(bytes: &[u8]) -> usize {
    let (mut longest, mut run) = (0, 0);
    for (i, b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() {
            run += 1;
            longest = longest.max(run);
        } else {
            let joins = matches!(b, b' ' | b'-') && run > 0 && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !joins {
                run = 0;
            }
        }
    }
    longest
}

/// Records the keyword starting at byte `i` of `text`, if any (the regex only proposes
/// candidates; `api`/`private` still need their `key` and `pass` its `word`/`wd`).
fn match_keyword(text: &str, i: usize, found: &mut Scan, token_run_end: &mut usize) {
    let rest = text.as_bytes().get(i..).unwrap_or_default();
    match rest.first().map_or(0, |b| b | 0x20) {
        b'p' => {
            found.secret |=
                starts_ci(rest, b"password") || starts_ci(rest, b"passwd") || starts_compound(rest, b"private");
        }
        b'a' => found.secret |= starts_ci(rest, b"auth") || starts_compound(rest, b"api"),
        b's' => found.secret |= starts_ci(rest, b"secret"),
        b'c' => {
            found.secret |= starts_ci(rest, b"credentials");
            found.csrf |= starts_ci(rest, b"csrf");
        }
        b'm' => found.secret |= starts_ci(rest, b"mysql_pwd"),
        b'x' => found.csrf |= starts_ci(rest, b"xsrf"),
        b'b' => found.bearer |= starts_ci(rest, b"bearer"),
        b'u' => found.home |= starts_ci(rest, b"users"),
        b'h' => found.home |= starts_ci(rest, b"home"),
        b't' if starts_ci(rest, b"token") => {
            found.token = true;
            let after = i + 5;
            if !found.token_assign && after >= *token_run_end {
                let (assign, run_len) = assignment_follows(text.get(after..).unwrap_or(""));
                found.token_assign = assign;
                *token_run_end = after + run_len;
            }
        }
        _ => {}
    }
}

/// Whether a `:` or `=` occurs in `text` before the first whitespace; also returns the byte
/// length of the whitespace-free run that was searched.
fn assignment_follows(text: &str) -> (bool, usize) {
    for (i, c) in text.char_indices() {
        if c == ':' || c == '=' {
            return (true, i);
        }
        if c.is_whitespace() {
            return (false, i);
        }
    }
    (false, text.len())
}
