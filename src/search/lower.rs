//! Lowering: syntax tree ([`Query`]) → [`Predicate`]s, given an injected `now`.
//!
//! Contract: infallible and deterministic (no clock reads); one term yields one predicate except
//! an operator-less absolute date/datetime, which yields a lower and an upper bound. Output order
//! follows term order.

use chrono::{DateTime, Utc};

use super::ast::{Assignee, Filter, Query, Term, UserRef};
use super::pattern::Pattern;
use super::predicate::{IssueStatus, Predicate, ReleaseMatch, Substatus};
use super::time::resolve;
use super::values::{HandledField, IsValue, SeenField, TextField};

impl Query {
    /// Typed predicates of all terms (ANDed), with relative times resolved against `now`.
    pub fn predicates(&self, now: DateTime<Utc>) -> Vec<Predicate> {
        let mut out = Vec::with_capacity(self.terms.len());
        for term in &self.terms {
            match term {
                Term::Text(text) => {
                    out.push(Predicate::Text {
                        field: TextField::Message,
                        pattern: Pattern::contains(text),
                        negated: false,
                    });
                }
                Term::Filter(filter) => lower_filter(filter, now, &mut out),
            }
        }
        out
    }
}

fn release_match(values: &[String]) -> ReleaseMatch {
    let others: Vec<&String> = values.iter().filter(|v| v.as_str() != "latest").collect();
    ReleaseMatch {
        latest: others.len() != values.len(),
        pattern: (!others.is_empty()).then(|| Pattern::from_values(&others)),
    }
}

fn lower_is(value: IsValue, negated: bool) -> Predicate {
    let status = |status| Predicate::Status { status, negated };
    let substatus = |substatus| Predicate::Substatus { substatus, negated };
    let unassigned = |negated| Predicate::Assigned { to: vec![Assignee::None], include_suggested: false, negated };
    match value {
        IsValue::Unresolved => status(IssueStatus::Unresolved),
        IsValue::Resolved => status(IssueStatus::Resolved),
        IsValue::Ignored | IsValue::Archived => status(IssueStatus::Ignored),
        IsValue::New => substatus(Substatus::New),
        IsValue::Ongoing => substatus(Substatus::Ongoing),
        IsValue::Regressed => substatus(Substatus::Regressed),
        IsValue::Escalating => substatus(Substatus::Escalating),
        IsValue::ForReview => Predicate::ForReview { negated },
        IsValue::Assigned => unassigned(!negated),
        IsValue::Unassigned => unassigned(negated),
        IsValue::Bookmarked => Predicate::Bookmarked { by: vec![UserRef::Me], negated },
        IsValue::Linked => Predicate::Linked { linked: !negated },
        IsValue::Unlinked => Predicate::Linked { linked: negated },
    }
}

fn lower_filter(filter: &Filter, now: DateTime<Utc>, out: &mut Vec<Predicate>) {
    let predicate = match filter {
        Filter::Is { negated, value } => lower_is(*value, *negated),
        Filter::Level { negated, levels } => Predicate::Level { levels: levels.clone(), negated: *negated },
        Filter::Priority { negated, priorities } => {
            Predicate::Priority { priorities: priorities.clone(), negated: *negated }
        }
        Filter::Assigned { negated, include_suggested, to } => {
            Predicate::Assigned { to: to.clone(), include_suggested: *include_suggested, negated: *negated }
        }
        Filter::Bookmarks { negated, by } => Predicate::Bookmarked { by: by.clone(), negated: *negated },
        Filter::Has { negated, key } => Predicate::Has { key: key.clone(), negated: *negated },
        Filter::Release { negated, first: false, values } => {
            Predicate::Release { release: release_match(values), negated: *negated }
        }
        Filter::Release { negated, first: true, values } => {
            Predicate::FirstRelease { release: release_match(values), negated: *negated }
        }
        Filter::Issue { negated, ids } => {
            Predicate::ShortId { ids: ids.iter().map(|id| id.to_uppercase()).collect(), negated: *negated }
        }
        Filter::TimesSeen { op, count } => Predicate::TimesSeen { op: *op, count: *count },
        Filter::Seen { field, value } => {
            for (op, at) in resolve(value, now) {
                out.push(match field {
                    SeenField::LastSeen => Predicate::LastSeen { op, at },
                    SeenField::FirstSeen | SeenField::Age => Predicate::FirstSeen { op, at },
                });
            }
            return;
        }
        Filter::Handled { negated, field, value } => {
            let unhandled = match field {
                HandledField::Handled => !*value,
                HandledField::Unhandled => *value,
            };
            Predicate::Unhandled { unhandled: unhandled != *negated }
        }
        Filter::Text { negated, field, values } => {
            Predicate::Text { field: *field, pattern: Pattern::contains_any(values), negated: *negated }
        }
        Filter::Field { negated, field, values } => {
            Predicate::Field { field: *field, pattern: Pattern::from_values(values), negated: *negated }
        }
        Filter::Tag { negated, key, values } => {
            Predicate::Tag { key: key.clone(), pattern: Pattern::from_values(values), negated: *negated }
        }
    };
    out.push(predicate);
}
