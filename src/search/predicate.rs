//! Semantic layer: [`Predicate`]s are what the server translates to SQL (or evaluates in memory).
//!
//! Contract: predicates are ANDed. They carry no syntax (aliases, quoting, relative times are
//! gone): `is:` values are split into status/substatus/assignment/bookmark/link predicates,
//! relative times are resolved to instants against the `now` passed to
//! [`Query::predicates`](super::Query::predicates), `age` becomes `FirstSeen`, string values
//! become [`Pattern`]s. `negated` always means "the issue does NOT match the rest of the
//! predicate" (so `!level:[error, fatal]` excludes both levels); boolean predicates fold the
//! negation into their value instead.

use chrono::{DateTime, Utc};

use super::ast::{Assignee, UserRef};
use super::pattern::Pattern;
use super::values::{CmpOp, Field, Level, Priority, TextField};

/// `issues.status` values selectable with `is:` (`archived` is folded into `Ignored`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueStatus {
    Unresolved,
    Resolved,
    Ignored,
}

/// `issues.substatus` values selectable with `is:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Substatus {
    New,
    Ongoing,
    Regressed,
    Escalating,
}

impl IssueStatus {
    /// Wire spelling (A.9 `status`).
    pub fn as_str(self) -> &'static str {
        match self {
            IssueStatus::Unresolved => "unresolved",
            IssueStatus::Resolved => "resolved",
            IssueStatus::Ignored => "ignored",
        }
    }
}

impl Substatus {
    /// Wire spelling (A.9 `substatus`).
    pub fn as_str(self) -> &'static str {
        match self {
            Substatus::New => "new",
            Substatus::Ongoing => "ongoing",
            Substatus::Regressed => "regressed",
            Substatus::Escalating => "escalating",
        }
    }
}

/// Release selection: the issue matches if `latest` is set and it has events in the project's
/// most recent release, or if a release of it matches `pattern`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReleaseMatch {
    /// The value `latest` was given (the server resolves which release that is).
    pub latest: bool,
    /// The other values, if any.
    pub pattern: Option<Pattern>,
}

/// One typed condition on an issue.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Predicate {
    /// `status = ?` (`is:unresolved|resolved|ignored|archived`).
    Status { status: IssueStatus, negated: bool },
    /// `substatus = ?` (`is:new|ongoing|regressed|escalating`).
    Substatus { substatus: Substatus, negated: bool },
    /// `is:for_review`: in Sentry, unresolved issues in the review inbox. The embedded server
    /// should treat it as `status = unresolved AND substatus IN (new, regressed, escalating)`.
    ForReview { negated: bool },
    /// Assignee is any of `to` (`Assignee::None` = unassigned); with `include_suggested`, a
    /// suggested owner also counts. `is:assigned` is `!assigned:none`, `is:unassigned` is
    /// `assigned:none`. `Me`/`MyTeams` are resolved by the server from the requesting user.
    Assigned { to: Vec<Assignee>, include_suggested: bool, negated: bool },
    /// Bookmarked by any of `by` (`is:bookmarked` is `bookmarks:me`).
    Bookmarked { by: Vec<UserRef>, negated: bool },
    /// `is:linked` (`linked: true`) / `is:unlinked` (`linked: false`): the issue has (no) link to
    /// an external issue tracker. The embedded server has no tracker integrations, so every issue
    /// is unlinked: `linked: true` matches nothing and `linked: false` matches everything.
    Linked { linked: bool },
    /// `level IN (...)`.
    Level { levels: Vec<Level>, negated: bool },
    /// `priority IN (...)`.
    Priority { priorities: Vec<Priority>, negated: bool },
    /// Issue has events in a matching release.
    Release { release: ReleaseMatch, negated: bool },
    /// Issue's first release matches.
    FirstRelease { release: ReleaseMatch, negated: bool },
    /// Issue has (an event with) tag or attribute `key` set.
    Has { key: String, negated: bool },
    /// Short id is one of `ids` (uppercased; compare case-insensitively).
    ShortId { ids: Vec<String>, negated: bool },
    /// `times_seen <op> count`.
    TimesSeen { op: CmpOp, count: u64 },
    /// `last_seen <op> at`.
    LastSeen { op: CmpOp, at: DateTime<Utc> },
    /// `first_seen <op> at` (also `age:`).
    FirstSeen { op: CmpOp, at: DateTime<Utc> },
    /// The issue has (`true`) / has no (`false`) unhandled events (A.9 `isUnhandled`).
    Unhandled { unhandled: bool },
    /// Case-insensitive match of title+message (`Message`, also free text) or title. Values
    /// without `*` already arrive wrapped as `*value*` ("contains").
    Text { field: TextField, pattern: Pattern, negated: bool },
    /// Case-sensitive match of a plain attribute (see [`Field`]).
    Field { field: Field, pattern: Pattern, negated: bool },
    /// Some event of the issue has tag `key` with a matching value; negated: none has.
    Tag { key: String, pattern: Pattern, negated: bool },
}
