//! Whether a rule fires for what just happened: pure, no I/O and no clock. The store's writer
//! calls [`evaluate`] inside the transaction that stores the event, with the event's facts, the
//! rule's last firing for the issue, and a [`Counts`] that answers from that transaction, so a
//! decision sees every committed event and the firing it makes commits with the event.
//!
//! Cost order: the environment, the filters and the conditions the event answers by itself are
//! checked first; the action interval next; only then the conditions that count events or users
//! ask the store, and each of those reads at most `value + 1` rows. An event that no rule could
//! fire for costs no query at all.

use super::rule::{Category, Condition, Filter, Level, Match, Rule, TagMatch};

/// What an error event did, as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct EventFacts<'a> {
    pub level: &'a str,
    pub environment: Option<&'a str>,
    pub tags: &'a [(String, String)],
    pub category: Category,
    /// The event created its issue.
    pub new_issue: bool,
    /// The event moved its issue from resolved to unresolved.
    pub regressed: bool,
    /// The event moved its issue from archived to escalating.
    pub escalated: bool,
    /// When it arrived (unix seconds): "now" for the rule.
    pub now: f64,
}

/// History the counting conditions ask for; the writer answers from its open transaction.
///
/// Each method answers "at least how many, up to `limit`": a rule only needs to know whether a
/// threshold is passed, so the store never counts further than the threshold.
pub trait Counts {
    /// Events of the issue at or after `since` (the new event included), up to `limit`.
    fn events_since(&self, since: f64, limit: u64) -> u64;
    /// Distinct users of the issue seen at or after `since`, up to `limit`.
    fn users_since(&self, since: f64, limit: u64) -> u64;
}

/// A firing: why the rule fired, in words ("a new issue", "12 events in one minute").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    pub reason: String,
}

/// Whether the action interval still holds a rule back for an issue that last fired at `last`.
pub fn muted(rule: &Rule, last: Option<f64>, now: f64) -> bool {
    last.is_some_and(|at| now < at + f64::from(rule.frequency_mins) * 60.0)
}

/// Decides whether `rule` fires for an event with `facts`. `last_fired` is asked only when the
/// rule would otherwise fire or must count: it is the rule's last firing for this issue.
pub fn evaluate(
    rule: &Rule,
    facts: &EventFacts<'_>,
    last_fired: impl FnOnce() -> Option<f64>,
    counts: &dyn Counts,
) -> Option<Fired> {
    if !rule.enabled {
        return None;
    }
    if let Some(environment) = &rule.environment
        && facts.environment != Some(environment.as_str())
    {
        return None;
    }
    if !combine(rule.filter_match, rule.filters.iter().map(|f| filter_passes(f, facts))) {
        return None;
    }
    let free: Vec<(&Condition, bool)> =
        rule.conditions.iter().filter(|c| !c.counts()).map(|c| (c, condition_passes(c, facts))).collect();
    let counting: Vec<&Condition> = rule.conditions.iter().filter(|c| c.counts()).collect();
    let passed_free: Vec<&Condition> = free.iter().filter(|(_, p)| *p).map(|(c, _)| *c).collect();
    // What the event answers by itself may already decide.
    match rule.action_match {
        Match::All if passed_free.len() < free.len() => return None,
        Match::None if !passed_free.is_empty() => return None,
        Match::Any if passed_free.is_empty() && counting.is_empty() => return None,
        _ => {}
    }
    if muted(rule, last_fired(), facts.now) {
        return None;
    }
    let reason = |conditions: &[String]| Some(Fired { reason: conditions.join(", ") });
    match rule.action_match {
        Match::Any => {
            if let Some(first) = passed_free.first() {
                return reason(&[free_reason(first)]);
            }
            counting.iter().find_map(|c| counted(c, facts, counts)).and_then(|r| reason(&[r]))
        }
        Match::All => {
            let mut reasons: Vec<String> = passed_free.iter().map(|c| free_reason(c)).collect();
            for condition in &counting {
                reasons.push(counted(condition, facts, counts)?);
            }
            reason(&reasons)
        }
        Match::None => {
            if counting.iter().any(|c| counted(c, facts, counts).is_some()) {
                return None;
            }
            reason(&["none of its conditions held".to_string()])
        }
    }
}

fn combine(how: Match, mut results: impl Iterator<Item = bool>) -> bool {
    match how {
        Match::All => results.all(|r| r),
        // No filters at all let everything through.
        Match::Any => {
            let mut any_seen = false;
            for passed in results {
                if passed {
                    return true;
                }
                any_seen = true;
            }
            !any_seen
        }
        Match::None => !results.any(|r| r),
    }
}

fn condition_passes(condition: &Condition, facts: &EventFacts<'_>) -> bool {
    match condition {
        Condition::FirstSeen => facts.new_issue,
        Condition::Regression => facts.regressed,
        Condition::Escalating => facts.escalated,
        Condition::Level { op, level } => op.passes(Level::of_event(facts.level), *level),
        Condition::EventFrequency { .. } | Condition::UniqueUsers { .. } => false,
    }
}

fn free_reason(condition: &Condition) -> String {
    match condition {
        Condition::FirstSeen => "a new issue".into(),
        Condition::Regression => "a regression".into(),
        Condition::Escalating => "escalating".into(),
        Condition::Level { op, level } => format!("level {} {}", op.words(), level.name()),
        Condition::EventFrequency { .. } | Condition::UniqueUsers { .. } => String::new(),
    }
}

/// A counting condition's verdict: its reason when it holds.
fn counted(condition: &Condition, facts: &EventFacts<'_>, counts: &dyn Counts) -> Option<String> {
    match condition {
        Condition::EventFrequency { value, interval } => {
            let seen = counts.events_since(facts.now - interval.seconds(), value + 1);
            (seen > *value).then(|| format!("more than {value} events in {}", interval.words()))
        }
        Condition::UniqueUsers { value, interval } => {
            let seen = counts.users_since(facts.now - interval.seconds(), value + 1);
            (seen > *value).then(|| format!("more than {value} users in {}", interval.words()))
        }
        _ => None,
    }
}

fn filter_passes(filter: &Filter, facts: &EventFacts<'_>) -> bool {
    match filter {
        Filter::Level { op, level } => op.passes(Level::of_event(facts.level), *level),
        Filter::Category(category) => facts.category == *category,
        Filter::Tag { key, op, value } => {
            let mut values = facts.tags.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str());
            match op {
                TagMatch::IsSet => values.next().is_some(),
                TagMatch::NotSet => values.next().is_none(),
                TagMatch::Equals => values.any(|v| v.eq_ignore_ascii_case(value)),
                TagMatch::NotEquals => !values.any(|v| v.eq_ignore_ascii_case(value)),
                TagMatch::Contains => values.any(|v| contains(v, value)),
                TagMatch::NotContains => !values.any(|v| contains(v, value)),
                TagMatch::StartsWith => values.any(|v| v.to_lowercase().starts_with(&value.to_lowercase())),
                TagMatch::EndsWith => values.any(|v| v.to_lowercase().ends_with(&value.to_lowercase())),
            }
        }
    }
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
