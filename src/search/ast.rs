//! Syntax tree of an issue-search query, as produced by [`parse`](super::parse).
//!
//! Contract: the tree records what the user wrote after validation, but not how it was spelled:
//! quoting, key aliases (`times_seen`/`timesSeen`), keyword case (`is:Resolved`), list spacing
//! and the single-item list `key:[a]` vs `key:a` are normalised away, so `Display` (see
//! `print.rs`) yields a canonical query with `parse(q.to_string()) == Ok(q)`. Values are
//! already typed (levels, `is:` values, numbers, dates), so a tree built by `parse` is always
//! valid and lowering it to predicates cannot fail. Relative times stay relative here; they are
//! resolved against an injected `now` by [`Query::predicates`].
//!
//! Invariants guaranteed by `parse` (a hand-built tree that breaks them still prints and lowers
//! without panicking, but may not round-trip): value vectors are non-empty; `Has::key` and team
//! names are non-empty; `Tag::key` is non-empty and contains no whitespace or `]`;
//! `Assignee::User` is never `me`/`none`/`my_teams` nor starts with `#`; `UserRef::User` is
//! never `me`. Strings may contain `*`, which is a wildcard wherever a value is turned into a
//! [`Pattern`](super::Pattern).

use chrono::{DateTime, NaiveDate, Utc};

use super::values::{CmpOp, Field, HandledField, IsValue, Level, Priority, RelUnit, SeenField, TextField};

/// A parsed query: terms ANDed together, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub terms: Vec<Term>,
}

/// One space-separated term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// Free text (quoted or not), matched against title/message.
    Text(String),
    /// `[!]key:value`.
    Filter(Filter),
}

/// A `key:value` term with its typed value. Lists (`key:[a, b]`) are the `Vec`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// `is:unresolved`, `!is:bookmarked`...
    Is { negated: bool, value: IsValue },
    /// `level:error`, `level:[error, fatal]`.
    Level { negated: bool, levels: Vec<Level> },
    /// `issue.priority:high`, `issue.priority:[high, medium]`.
    Priority { negated: bool, priorities: Vec<Priority> },
    /// `assigned:me` or (`include_suggested`) `assigned_or_suggested:#team`.
    Assigned { negated: bool, include_suggested: bool, to: Vec<Assignee> },
    /// `bookmarks:me`, `bookmarks:jane@example.com`.
    Bookmarks { negated: bool, by: Vec<UserRef> },
    /// `has:browser`, `!has:user.email`.
    Has { negated: bool, key: String },
    /// `release:1.0`, `release:latest`, or (`first`) `firstRelease:...`.
    Release { negated: bool, first: bool, values: Vec<String> },
    /// `issue:APP-1A` (short ids).
    Issue { negated: bool, ids: Vec<String> },
    /// `timesSeen:>10` (also spelled `times_seen`). Not negatable.
    TimesSeen { op: CmpOp, count: u64 },
    /// `lastSeen:-24h`, `firstSeen:>2024-01-01`, `age:+7d`. Not negatable.
    Seen { field: SeenField, value: TimeValue },
    /// `error.handled:true`, `error.unhandled:0`.
    Handled { negated: bool, field: HandledField, value: bool },
    /// `message:timeout`, `title:"connection reset"`.
    Text { negated: bool, field: TextField, values: Vec<String> },
    /// `environment:prod`, `error.type:ValueError`, `user.email:*@example.com`...
    Field { negated: bool, field: Field, values: Vec<String> },
    /// Any other key, or the explicit `tags[key]:value` form.
    Tag { negated: bool, key: String, values: Vec<String> },
}

/// A value of `assigned:` / `assigned_or_suggested:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Assignee {
    /// `me`: the requesting user.
    Me,
    /// `none`: nobody.
    None,
    /// `my_teams`: any team the requesting user belongs to.
    MyTeams,
    /// `#slug`.
    Team(String),
    /// Email or username.
    User(String),
}

/// A value of `bookmarks:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UserRef {
    /// `me`: the requesting user.
    Me,
    /// Email or username.
    User(String),
}

/// Which side of a relative time a filter selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelDirection {
    /// `-24h`: within the last 24 hours (`>= now - 24h`).
    Within,
    /// `+24h`: more than 24 hours ago (`<= now - 24h`).
    OlderThan,
}

/// Value of a timestamp filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeValue {
    /// `-24h`, `+7d`.
    Relative { direction: RelDirection, amount: u32, unit: RelUnit },
    /// `>=2024-01-01`, `<2024-01-01T10:00:00Z`; `op == Eq` (no operator) selects the whole day
    /// for a date and ±5 minutes around a datetime, like Sentry.
    Absolute { op: CmpOp, at: DateLiteral },
}

/// An absolute date as written: a calendar day or an instant (offsets are converted to UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateLiteral {
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

impl Query {
    /// `true` when the query has no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Free-text terms, in order.
    pub fn free_text(&self) -> Vec<&str> {
        self.terms
            .iter()
            .filter_map(|t| match t {
                Term::Text(s) => Some(s.as_str()),
                Term::Filter(_) => None,
            })
            .collect()
    }

    /// Filter terms, in order.
    pub fn filters(&self) -> impl Iterator<Item = &Filter> {
        self.terms.iter().filter_map(|t| match t {
            Term::Filter(f) => Some(f),
            Term::Text(_) => None,
        })
    }
}
