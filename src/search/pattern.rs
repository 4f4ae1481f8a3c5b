//! [`Pattern`]: how a string value is matched, with an in-memory matcher and a SQL `LIKE` form.
//!
//! Contract: `*` is the only wildcard and matches any run of characters (including none); there
//! is no escape for a literal `*` in queries (as in Sentry issue search). `Exact` never treats
//! `*` specially. [`Pattern::to_sql_like`] escapes `\`, `%` and `_` with a backslash and turns
//! `*` into `%`, for use as `col LIKE ? ESCAPE '\'`. Matching is case-sensitive unless the
//! `_ignore_case` variant is used (which lowercases both sides with Unicode rules).

/// How a string attribute is matched.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// Equal to the string.
    Exact(String),
    /// Glob with at least one `*`.
    Wildcard(String),
    /// Any of the alternatives (each `Exact` or `Wildcard` when built by this module).
    AnyOf(Vec<Pattern>),
}

impl Pattern {
    /// `Wildcard` when `value` contains `*`, `Exact` otherwise.
    pub fn from_value(value: &str) -> Pattern {
        if value.contains('*') { Pattern::Wildcard(value.to_owned()) } else { Pattern::Exact(value.to_owned()) }
    }

    /// The single pattern of a one-element list, `AnyOf` otherwise.
    pub fn from_values<S: AsRef<str>>(values: &[S]) -> Pattern {
        match values {
            [one] => Pattern::from_value(one.as_ref()),
            many => Pattern::AnyOf(many.iter().map(|v| Pattern::from_value(v.as_ref())).collect()),
        }
    }

    /// "Contains" semantics: `value` wrapped in `*` on each side that lacks one.
    pub fn contains(value: &str) -> Pattern {
        let mut glob = String::with_capacity(value.len() + 2);
        if !value.starts_with('*') {
            glob.push('*');
        }
        glob.push_str(value);
        if !value.ends_with('*') {
            glob.push('*');
        }
        Pattern::Wildcard(glob)
    }

    /// `AnyOf` of [`Pattern::contains`] for several values (plain `contains` for one).
    pub fn contains_any<S: AsRef<str>>(values: &[S]) -> Pattern {
        match values {
            [one] => Pattern::contains(one.as_ref()),
            many => Pattern::AnyOf(many.iter().map(|v| Pattern::contains(v.as_ref())).collect()),
        }
    }

    /// Case-sensitive match of the whole of `s`.
    pub fn matches(&self, s: &str) -> bool {
        match self {
            Pattern::Exact(e) => e == s,
            Pattern::Wildcard(glob) => {
                let (p, t): (Vec<char>, Vec<char>) = (glob.chars().collect(), s.chars().collect());
                glob_match(&p, &t)
            }
            Pattern::AnyOf(alts) => alts.iter().any(|p| p.matches(s)),
        }
    }

    /// Like [`Pattern::matches`] after lowercasing the pattern and `s`.
    pub fn matches_ignore_case(&self, s: &str) -> bool {
        self.to_lowercase().matches(&s.to_lowercase())
    }

    fn to_lowercase(&self) -> Pattern {
        match self {
            Pattern::Exact(e) => Pattern::Exact(e.to_lowercase()),
            Pattern::Wildcard(w) => Pattern::Wildcard(w.to_lowercase()),
            Pattern::AnyOf(alts) => Pattern::AnyOf(alts.iter().map(Pattern::to_lowercase).collect()),
        }
    }

    /// `LIKE` pattern (escape character `\`) for `Exact` and `Wildcard`; `None` for `AnyOf`
    /// (use [`Pattern::alternatives`] and OR them). Prefer `=` for `Exact` when the database's
    /// `LIKE` is case-insensitive (SQLite's is, for ASCII).
    pub fn to_sql_like(&self) -> Option<String> {
        let (text, wildcard) = match self {
            Pattern::Exact(e) => (e, false),
            Pattern::Wildcard(w) => (w, true),
            Pattern::AnyOf(_) => return None,
        };
        let mut out = String::with_capacity(text.len() + 4);
        for c in text.chars() {
            match c {
                '\\' | '%' | '_' => {
                    out.push('\\');
                    out.push(c);
                }
                '*' if wildcard => out.push('%'),
                other => out.push(other),
            }
        }
        Some(out)
    }

    /// The alternatives of an `AnyOf`, or `self` alone.
    pub fn alternatives(&self) -> Vec<&Pattern> {
        match self {
            Pattern::AnyOf(alts) => alts.iter().collect(),
            other => vec![other],
        }
    }
}

/// Iterative glob matching with single-star backtracking: O(|p|·|t|) worst case.
fn glob_match(p: &[char], t: &[char]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}
