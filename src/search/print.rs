//! Canonical printing of the syntax tree (`Display` for [`Query`], [`Term`], [`Filter`]).
//!
//! Contract: for every `q` returned by [`parse`](super::parse), `parse(&q.to_string()) == Ok(q)`.
//! Terms are separated by one space; keys use their canonical spelling (`timesSeen`,
//! `firstRelease`); a tag key is printed bare when it is a valid plain key that is not a known
//! key, and as `tags[key]` otherwise; one-element lists print as a single value; lists print as
//! `[a, b]`. Values are quoted only when needed: empty, containing whitespace or `"`, starting
//! with `[`, `>` or `<` (single values), containing `,` `[` or `]` (list items), or, for free
//! text, when the bare text would be read as a filter. Inside quotes `"` and `\` are escaped.

use std::fmt::{self, Display, Formatter};

use super::ast::{Assignee, Filter, Query, Term, UserRef};
use super::interpret::is_known_key;
use super::lexer::{is_key_char, looks_like_filter};

fn write_quoted(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("\"")
}

fn common_needs_quotes(s: &str) -> bool {
    s.is_empty() || s.chars().any(|c| c.is_whitespace() || c == '"')
}

fn write_text(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    if common_needs_quotes(s) || looks_like_filter(s) { write_quoted(f, s) } else { f.write_str(s) }
}

fn write_single(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    if common_needs_quotes(s) || s.starts_with(['[', '>', '<']) { write_quoted(f, s) } else { f.write_str(s) }
}

/// `text` as the value of one `key:value` filter (`firstRelease:VALUE`), quoted and escaped
/// only when the syntax needs it.
pub fn filter_value(text: &str) -> String {
    struct Single<'a>(&'a str);
    impl Display for Single<'_> {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            write_single(f, self.0)
        }
    }
    Single(text).to_string()
}

fn write_item(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    if common_needs_quotes(s) || s.contains([',', '[', ']']) { write_quoted(f, s) } else { f.write_str(s) }
}

/// One value bare, several as `[a, b]`.
fn write_values<T, W>(f: &mut Formatter<'_>, values: &[T], write: W) -> fmt::Result
where
    W: Fn(&mut Formatter<'_>, &T, bool) -> fmt::Result,
{
    if let [one] = values {
        return write(f, one, false);
    }
    f.write_str("[")?;
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write(f, v, true)?;
    }
    f.write_str("]")
}

fn write_str_value(f: &mut Formatter<'_>, s: &str, in_list: bool) -> fmt::Result {
    if in_list { write_item(f, s) } else { write_single(f, s) }
}

fn write_strings(f: &mut Formatter<'_>, values: &[String]) -> fmt::Result {
    write_values(f, values, |f, s, in_list| write_str_value(f, s, in_list))
}

fn write_keywords<T: Display>(f: &mut Formatter<'_>, values: &[T]) -> fmt::Result {
    write_values(f, values, |f, v, _| write!(f, "{v}"))
}

fn head(f: &mut Formatter<'_>, negated: bool, key: &str) -> fmt::Result {
    write!(f, "{}{key}:", if negated { "!" } else { "" })
}

impl Display for Assignee {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Assignee::Me => f.write_str("me"),
            Assignee::None => f.write_str("none"),
            Assignee::MyTeams => f.write_str("my_teams"),
            Assignee::Team(team) => write!(f, "#{team}"),
            Assignee::User(user) => f.write_str(user),
        }
    }
}

impl Display for UserRef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            UserRef::Me => f.write_str("me"),
            UserRef::User(user) => f.write_str(user),
        }
    }
}

impl Display for Filter {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Is { negated, value } => {
                head(f, *negated, "is")?;
                write!(f, "{value}")
            }
            Filter::Level { negated, levels } => {
                head(f, *negated, "level")?;
                write_keywords(f, levels)
            }
            Filter::Priority { negated, priorities } => {
                head(f, *negated, "issue.priority")?;
                write_keywords(f, priorities)
            }
            Filter::Assigned { negated, include_suggested, to } => {
                head(f, *negated, if *include_suggested { "assigned_or_suggested" } else { "assigned" })?;
                write_values(f, to, |f, a, in_list| write_str_value(f, &a.to_string(), in_list))
            }
            Filter::Bookmarks { negated, by } => {
                head(f, *negated, "bookmarks")?;
                write_values(f, by, |f, u, in_list| write_str_value(f, &u.to_string(), in_list))
            }
            Filter::Has { negated, key } => {
                head(f, *negated, "has")?;
                write_single(f, key)
            }
            Filter::Release { negated, first, values } => {
                head(f, *negated, if *first { "firstRelease" } else { "release" })?;
                write_strings(f, values)
            }
            Filter::Issue { negated, ids } => {
                head(f, *negated, "issue")?;
                write_strings(f, ids)
            }
            Filter::TimesSeen { op, count } => write!(f, "timesSeen:{}{count}", op.prefix()),
            Filter::Seen { field, value } => write!(f, "{field}:{value}"),
            Filter::Handled { negated, field, value } => {
                head(f, *negated, field.as_str())?;
                write!(f, "{value}")
            }
            Filter::Text { negated, field, values } => {
                head(f, *negated, field.as_str())?;
                write_strings(f, values)
            }
            Filter::Field { negated, field, values } => {
                head(f, *negated, field.as_str())?;
                write_strings(f, values)
            }
            Filter::Tag { negated, key, values } => {
                let plain = !key.is_empty() && key.chars().all(is_key_char) && !is_known_key(key);
                if plain {
                    head(f, *negated, key)?;
                } else {
                    head(f, *negated, &format!("tags[{key}]"))?;
                }
                write_strings(f, values)
            }
        }
    }
}

impl Display for Term {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Term::Text(text) => write_text(f, text),
            Term::Filter(filter) => filter.fmt(f),
        }
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, term) in self.terms.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            term.fmt(f)?;
        }
        Ok(())
    }
}
