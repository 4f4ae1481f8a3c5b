//! From Sentry search (`query=`) to the store's issue filters: parses with [`crate::search`]
//! and maps each predicate onto what the tables can answer. Names that cannot exist on this
//! server (teams, linked tracker issues) match nothing rather than erroring, as a Sentry
//! organization without them would.

use chrono::DateTime;

use crate::search::{self, Assignee, CmpOp, Field, IssueStatus, Pattern, Predicate, ReleaseMatch, TextField, UserRef};
use crate::store::issue_list::{Cmp, Filter, Match};
use crate::store::issues::Viewer;
use crate::store::short_id;

/// The filters of `query` as `viewer` means it (`me`, relative times).
pub fn filters(query: &str, viewer: Viewer) -> Result<Vec<Filter>, search::ParseError> {
    let parsed = search::parse(query)?;
    let now = DateTime::from_timestamp_micros((viewer.now * 1e6) as i64).unwrap_or_default();
    Ok(parsed.predicates(now).into_iter().filter_map(|p| filter(p, viewer)).collect())
}

fn cmp(op: CmpOp) -> Cmp {
    match op {
        CmpOp::Eq => Cmp::Eq,
        CmpOp::Gt => Cmp::Gt,
        CmpOp::Ge => Cmp::Ge,
        CmpOp::Lt => Cmp::Lt,
        CmpOp::Le => Cmp::Le,
    }
}

fn negate(filter: Filter, negated: bool) -> Filter {
    if negated { Filter::Not(Box::new(filter)) } else { filter }
}

/// One filter per alternative of `pattern`, OR-ed when there are several.
fn matching(pattern: &Pattern, make: &dyn Fn(Match) -> Filter) -> Filter {
    let alternatives = pattern.alternatives();
    if alternatives.iter().all(|p| matches!(p, Pattern::Exact(_))) {
        let values = alternatives
            .iter()
            .filter_map(|p| match p {
                Pattern::Exact(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        return make(Match::AnyOf(values));
    }
    let parts: Vec<Filter> = alternatives
        .iter()
        .map(|p| match p {
            Pattern::Exact(v) => make(Match::AnyOf(vec![v.clone()])),
            other => make(Match::Like(other.to_sql_like().unwrap_or_default())),
        })
        .collect();
    if parts.len() == 1 { parts.into_iter().next().unwrap_or(Filter::Nothing) } else { Filter::Any(parts) }
}

fn tag(key: &str, pattern: &Pattern) -> Filter {
    matching(pattern, &|value| Filter::Tag { key: key.to_string(), value })
}

fn release(release: &ReleaseMatch, first: bool) -> Filter {
    let mut parts = Vec::new();
    if release.latest {
        parts.push(if first { Filter::FirstReleaseLatest } else { Filter::LatestRelease });
    }
    if let Some(pattern) = &release.pattern {
        parts.push(if first { matching(pattern, &Filter::FirstRelease) } else { tag("release", pattern) });
    }
    if parts.len() == 1 { parts.into_iter().next().unwrap_or(Filter::Nothing) } else { Filter::Any(parts) }
}

fn filter(predicate: Predicate, viewer: Viewer) -> Option<Filter> {
    Some(match predicate {
        Predicate::Status { status, negated } => {
            let name = match status {
                IssueStatus::Unresolved => "unresolved",
                IssueStatus::Resolved => "resolved",
                IssueStatus::Ignored => "ignored",
            };
            negate(Filter::Status(vec![name.into()]), negated)
        }
        Predicate::Substatus { substatus, negated } => {
            negate(Filter::Substatus(vec![substatus.as_str().into()]), negated)
        }
        Predicate::ForReview { negated } => negate(Filter::ForReview, negated),
        Predicate::Assigned { to, negated, .. } => {
            let parts: Vec<Filter> = to
                .iter()
                .map(|a| match a {
                    Assignee::Me => Filter::Assigned(Some(viewer.user_id)),
                    Assignee::None => Filter::Unassigned,
                    Assignee::MyTeams | Assignee::Team(_) => Filter::Nothing,
                    Assignee::User(name) => Filter::AssignedToName(name.clone()),
                })
                .collect();
            negate(Filter::Any(parts), negated)
        }
        Predicate::Bookmarked { by, negated } => {
            let parts: Vec<Filter> = by
                .iter()
                .map(|u| match u {
                    UserRef::Me => Filter::BookmarkedBy(viewer.user_id),
                    UserRef::User(name) => Filter::BookmarkedByName(name.clone()),
                })
                .collect();
            negate(Filter::Any(parts), negated)
        }
        // No tracker integrations here: nothing is linked, everything is unlinked.
        Predicate::Linked { linked: true } => Filter::Nothing,
        Predicate::Linked { linked: false } => return None,
        Predicate::Level { levels, negated } => {
            negate(Filter::Level(levels.iter().map(|l| l.as_str().to_string()).collect()), negated)
        }
        Predicate::Priority { priorities, negated } => {
            let values = priorities
                .iter()
                .map(|p| match p.as_str() {
                    "high" => 75,
                    "medium" => 50,
                    _ => 25,
                })
                .collect();
            negate(Filter::Priority(values), negated)
        }
        Predicate::Release { release: r, negated } => negate(release(&r, false), negated),
        Predicate::FirstRelease { release: r, negated } => negate(release(&r, true), negated),
        Predicate::Has { key, negated } => negate(Filter::HasTag(key), negated),
        Predicate::ShortId { ids, negated } => {
            let parts = ids
                .iter()
                .map(|id| match short_id::parse(id) {
                    Some((slug, counter)) => Filter::ShortId(slug, counter as i64),
                    None => Filter::Nothing,
                })
                .collect();
            negate(Filter::Any(parts), negated)
        }
        Predicate::TimesSeen { op, count } => Filter::TimesSeen(cmp(op), count.min(i64::MAX as u64) as i64),
        Predicate::LastSeen { op, at } => Filter::LastSeen(cmp(op), at.timestamp_micros() as f64 / 1e6),
        Predicate::FirstSeen { op, at } => Filter::FirstSeen(cmp(op), at.timestamp_micros() as f64 / 1e6),
        Predicate::Unhandled { unhandled } => Filter::Unhandled(unhandled),
        Predicate::Text { field, pattern, negated } => {
            let make: &dyn Fn(Match) -> Filter = match field {
                TextField::Message => &Filter::Text,
                TextField::Title => &Filter::Title,
            };
            negate(matching(&pattern, make), negated)
        }
        Predicate::Field { field, pattern, negated } => {
            let filter = match field {
                Field::Environment => tag("environment", &pattern),
                Field::ErrorType => matching(&pattern, &Filter::ErrorType),
                Field::ErrorValue => matching(&pattern, &Filter::ErrorValue),
                Field::Transaction => tag("transaction", &pattern),
                Field::UserId => tag("user.id", &pattern),
                Field::UserEmail => tag("user.email", &pattern),
                Field::UserUsername => tag("user.username", &pattern),
                Field::UserIp => tag("user.ip", &pattern),
                // Error issues, and the performance issues found in transactions.
                Field::IssueCategory => matching(&pattern, &Filter::IssueCategory),
                Field::IssueType => matching(&pattern, &Filter::IssueType),
            };
            negate(filter, negated)
        }
        // `project:` names projects by slug (Sentry's spelling); everything else is a tag.
        Predicate::Tag { key, pattern, negated } if key == "project" => {
            negate(matching(&pattern, &Filter::ProjectSlug), negated)
        }
        Predicate::Tag { key, pattern, negated } => negate(tag(&key, &pattern), negated),
    })
}
