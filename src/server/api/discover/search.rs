//! `query=` of the Discover endpoints, for transactions: Sentry's search syntax, parsed by
//! [`crate::search`], mapped onto the columns transactions have. Free text matches the
//! transaction name; `transaction:`, `transaction.op:`, `transaction.status:`, `environment:`,
//! `release:`, `project:`, `trace:`, `user:` (and `user.id:`, `user.email:`...), `has:` of
//! those, and `event.type:transaction` are understood. Anything else is refused with the list
//! of what is, because a filter silently ignored would answer a different question.

use crate::search::{self, Field, Pattern, Predicate, TextField};
use crate::store::transactions::query::{Column, Cond, Match};

/// The keys this endpoint can search transactions by.
pub const KEYS: &str = "transaction, transaction.op (span.op), transaction.status (span.status), environment, \
                        release, project, trace, user, user.id, user.email, user.username, user.ip, has:, \
                        event.type:transaction, is_transaction:true, and free text";

fn matching(pattern: &Pattern, column: Column) -> Cond {
    let alternatives = pattern.alternatives();
    if alternatives.iter().all(|p| matches!(p, Pattern::Exact(_))) {
        let values = alternatives
            .iter()
            .filter_map(|p| if let Pattern::Exact(v) = p { Some(v.clone()) } else { None })
            .collect();
        return Cond::Is(column, Match::AnyOf(values));
    }
    let mut parts: Vec<Cond> = alternatives
        .iter()
        .map(|p| match p {
            Pattern::Exact(v) => Cond::Is(column, Match::AnyOf(vec![v.clone()])),
            other => Cond::Is(column, Match::Like(other.to_sql_like().unwrap_or_default())),
        })
        .collect();
    if parts.len() == 1 { parts.remove(0) } else { Cond::Any(parts) }
}

fn negate(cond: Cond, negated: bool) -> Cond {
    if negated { Cond::Not(Box::new(cond)) } else { cond }
}

/// `pattern` with `f` applied to every value.
fn map_values(pattern: &Pattern, f: &dyn Fn(&str) -> String) -> Pattern {
    match pattern {
        Pattern::Exact(v) => Pattern::Exact(f(v)),
        Pattern::Wildcard(v) => Pattern::Wildcard(f(v)),
        Pattern::AnyOf(all) => Pattern::AnyOf(all.iter().map(|p| map_values(p, f)).collect()),
    }
}

/// A user filter: the stored key is `id:…`, `email:…`, `username:…` or `ip:…`.
fn user(prefix: Option<&str>, pattern: &Pattern) -> Cond {
    let keyed = |value: &str| match prefix {
        Some(prefix) => format!("{prefix}:{value}"),
        None if value.contains(':') => value.to_string(),
        None => format!("id:{value}"),
    };
    matching(&map_values(pattern, &keyed), Column::User)
}

fn column_of(key: &str) -> Option<Column> {
    Some(match key {
        "transaction" | "title" => Column::Name,
        "transaction.op" | "span.op" => Column::Op,
        "transaction.status" | "span.status" => Column::Status,
        "environment" => Column::Environment,
        "release" => Column::Release,
        "project" => Column::ProjectSlug,
        "trace" => Column::Trace,
        "user" | "user.id" | "user.email" | "user.username" | "user.ip" => Column::User,
        _ => return None,
    })
}

fn unknown(key: &str) -> String {
    format!("Invalid query: {key:?} is not a field transactions can be searched by here; use {KEYS}")
}

/// The conditions of `query` against `now`; an error says which term cannot be answered.
pub fn conditions(query: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Vec<Cond>, String> {
    let parsed = search::parse(query).map_err(|err| format!("Invalid query: {err}"))?;
    parsed.predicates(now).into_iter().map(condition).collect()
}

fn condition(predicate: Predicate) -> Result<Cond, String> {
    Ok(match predicate {
        Predicate::Text { field: TextField::Message | TextField::Title, pattern, negated } => {
            negate(matching(&pattern, Column::Name), negated)
        }
        Predicate::Field { field: Field::Transaction, pattern, negated } => {
            negate(matching(&pattern, Column::Name), negated)
        }
        Predicate::Field { field: Field::Environment, pattern, negated } => {
            negate(matching(&pattern, Column::Environment), negated)
        }
        Predicate::Field { field: Field::UserId, pattern, negated } => negate(user(Some("id"), &pattern), negated),
        Predicate::Field { field: Field::UserEmail, pattern, negated } => {
            negate(user(Some("email"), &pattern), negated)
        }
        Predicate::Field { field: Field::UserUsername, pattern, negated } => {
            negate(user(Some("username"), &pattern), negated)
        }
        Predicate::Field { field: Field::UserIp, pattern, negated } => negate(user(Some("ip"), &pattern), negated),
        Predicate::Release { release, negated } => {
            if release.latest {
                return Err("Invalid query: release:latest is not supported for transactions; name the release".into());
            }
            let pattern = release.pattern.unwrap_or(Pattern::AnyOf(Vec::new()));
            negate(matching(&pattern, Column::Release), negated)
        }
        Predicate::Has { key, negated } => match column_of(&key) {
            Some(column) => negate(Cond::Has(column), negated),
            None => return Err(unknown(&key)),
        },
        Predicate::Tag { key, pattern, negated } if key == "event.type" => {
            if pattern.matches("transaction") {
                // Every row here is a transaction.
                if negated { Cond::Nothing } else { Cond::Not(Box::new(Cond::Nothing)) }
            } else {
                return Err(format!(
                    "Invalid query: event.type {pattern:?} is not kept here; this endpoint answers event.type:transaction"
                ));
            }
        }
        Predicate::Tag { key, pattern, negated } if key == "is_transaction" => {
            // Only transactions are kept: every row is one.
            let yes = pattern.matches("true") || pattern.matches("1");
            if yes != negated { Cond::Not(Box::new(Cond::Nothing)) } else { Cond::Nothing }
        }
        Predicate::Tag { key, pattern, negated } if key == "user" => negate(user(None, &pattern), negated),
        Predicate::Tag { key, pattern, negated } => match column_of(&key) {
            Some(column) => negate(matching(&pattern, column), negated),
            None => return Err(unknown(&key)),
        },
        other => return Err(unknown(&describe(&other))),
    })
}

/// The search key an issue-only predicate came from.
fn describe(predicate: &Predicate) -> String {
    match predicate {
        Predicate::Status { .. } | Predicate::Substatus { .. } | Predicate::ForReview { .. } => "is".into(),
        Predicate::Assigned { .. } => "assigned".into(),
        Predicate::Bookmarked { .. } => "bookmarks".into(),
        Predicate::Linked { .. } => "is".into(),
        Predicate::Level { .. } => "level".into(),
        Predicate::Priority { .. } => "issue.priority".into(),
        Predicate::FirstRelease { .. } => "firstRelease".into(),
        Predicate::ShortId { .. } => "issue".into(),
        Predicate::TimesSeen { .. } => "timesSeen".into(),
        Predicate::LastSeen { .. } => "lastSeen".into(),
        Predicate::FirstSeen { .. } => "firstSeen".into(),
        Predicate::Unhandled { .. } => "error.unhandled".into(),
        Predicate::Field { field, .. } => format!("{field:?}"),
        _ => "this term".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn transaction_fields_become_conditions() {
        let conds = conditions("event.type:transaction transaction:\"GET /a\" !transaction.status:ok checkout", now());
        let conds = conds.unwrap();
        assert_eq!(conds.len(), 4, "{conds:?}");
        assert!(conds.contains(&Cond::Is(Column::Name, Match::AnyOf(vec!["GET /a".into()]))));
        assert!(conds.contains(&Cond::Not(Box::new(Cond::Is(Column::Status, Match::AnyOf(vec!["ok".into()]))))));
        assert!(conds.contains(&Cond::Is(Column::Name, Match::Like("%checkout%".into()))), "{conds:?}");
        let users = conditions("user.email:a@b.c", now()).unwrap();
        assert_eq!(users, [Cond::Is(Column::User, Match::AnyOf(vec!["email:a@b.c".into()]))]);
    }

    #[test]
    fn issue_fields_and_unknown_keys_are_refused_by_name() {
        for (query, key) in
            [("is:unresolved", "\"is\""), ("flavour:mint", "\"flavour\""), ("has:flavour", "\"flavour\"")]
        {
            let err = conditions(query, now()).unwrap_err();
            assert!(err.contains(key) && err.contains("transaction.op"), "{query}: {err}");
        }
        assert!(conditions("event.type:error", now()).unwrap_err().contains("event.type"));
        assert!(conditions("transaction:\"open", now()).unwrap_err().starts_with("Invalid query"));
    }
}
