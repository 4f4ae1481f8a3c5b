//! Reads a rule from Sentry's JSON shape (the body of `POST /projects/{org}/{project}/rules/`,
//! or a `[[alerts.rules]]` table of config.toml turned into JSON) into a typed [`Rule`] and the
//! secrets its actions were given. Every refusal is a [`RuleError`] whose text names the field,
//! quotes the bad value and lists what is accepted; it never quotes a secret.
//!
//! Condition, filter and action ids are Sentry's (`sentry.rules.conditions.first_seen_event.
//! FirstSeenEventCondition`, …); short names (`first_seen`, `slack`, …) are accepted too, for
//! config files. Secrets: `webhookUrl` (Slack), `url` and `secret` (webhook).

use serde_json::{Map, Value};

use super::rule::{
    Action, ActionSecrets, Category, Condition, FREQUENCY_MINUTES, Filter, Interval, Level, LevelMatch, Match, Rule,
    RuleWithSecrets, TagMatch,
};
use crate::profiles::Secret;

/// Why a rule was refused, for the `detail` of a 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(pub String);

fn err<T>(text: impl Into<String>) -> Result<T, RuleError> {
    Err(RuleError(text.into()))
}

/// Sentry's ids, with the short names accepted beside them.
pub mod ids {
    pub const FIRST_SEEN: (&str, &str) =
        ("sentry.rules.conditions.first_seen_event.FirstSeenEventCondition", "first_seen");
    pub const REGRESSION: (&str, &str) =
        ("sentry.rules.conditions.regression_event.RegressionEventCondition", "regression");
    pub const ESCALATING: (&str, &str) =
        ("sentry.rules.conditions.reappeared_event.ReappearedEventCondition", "escalating");
    pub const EVENT_FREQUENCY: (&str, &str) =
        ("sentry.rules.conditions.event_frequency.EventFrequencyCondition", "event_frequency");
    pub const UNIQUE_USERS: (&str, &str) =
        ("sentry.rules.conditions.event_frequency.EventUniqueUserFrequencyCondition", "unique_users");
    pub const LEVEL_CONDITION: (&str, &str) = ("sentry.rules.conditions.level.LevelCondition", "level");
    pub const LEVEL_FILTER: (&str, &str) = ("sentry.rules.filters.level.LevelFilter", "level");
    pub const TAG_FILTER: (&str, &str) = ("sentry.rules.filters.tagged_event.TaggedEventFilter", "tag");
    pub const CATEGORY_FILTER: (&str, &str) = ("sentry.rules.filters.issue_category.IssueCategoryFilter", "category");
    pub const SLACK: (&str, &str) = ("sentry.integrations.slack.notify_action.SlackNotifyServiceAction", "slack");
    pub const WEBHOOK: (&str, &str) = ("sentry.rules.actions.notify_event_service.NotifyEventServiceAction", "webhook");
    pub const EMAIL: (&str, &str) = ("sentry.mail.actions.NotifyEmailAction", "email");
    pub const CONSOLE: (&str, &str) = ("sift.rules.actions.NotifyConsoleAction", "console");

    pub const CONDITIONS: [(&str, &str); 6] =
        [FIRST_SEEN, REGRESSION, ESCALATING, EVENT_FREQUENCY, UNIQUE_USERS, LEVEL_CONDITION];
    pub const FILTERS: [(&str, &str); 3] = [LEVEL_FILTER, TAG_FILTER, CATEGORY_FILTER];
    pub const ACTIONS: [(&str, &str); 4] = [SLACK, WEBHOOK, EMAIL, CONSOLE];
}

fn is(id: &str, known: (&str, &str)) -> bool {
    id == known.0 || id == known.1
}

fn listed(known: &[(&str, &str)]) -> String {
    known.iter().map(|(long, short)| format!("{long} ({short})")).collect::<Vec<_>>().join(", ")
}

/// Parses a whole rule. `secrets` has one entry per action: what the body gave (a PUT may leave
/// them out to keep the stored ones; see [`require_secrets`]).
pub fn rule(body: &Value) -> Result<RuleWithSecrets, RuleError> {
    let Some(obj) = body.as_object() else {
        return err("a rule is a JSON object with name, conditions and actions");
    };
    let name = match obj.get("name") {
        Some(Value::String(name)) if !name.trim().is_empty() => name.trim().to_string(),
        Some(Value::String(_)) | None | Some(Value::Null) => return err("name: a rule needs a name"),
        Some(other) => return err(format!("name: expected text, got {other}")),
    };
    if name.chars().count() > 256 {
        return err("name: at most 256 characters");
    }
    let action_match = matching(obj, "actionMatch", Match::Any)?;
    let filter_match = matching(obj, "filterMatch", Match::All)?;
    let frequency_mins = frequency(obj.get("frequency"))?;
    let environment = match obj.get("environment") {
        None | Some(Value::Null) => None,
        Some(Value::String(env)) if env.is_empty() => None,
        Some(Value::String(env)) => Some(env.clone()),
        Some(other) => return err(format!("environment: expected text or null, got {other}")),
    };
    let enabled = match obj.get("status") {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) if s == "active" => true,
        Some(Value::String(s)) if s == "disabled" => false,
        Some(other) => return err(format!("status: expected \"active\" or \"disabled\", got {other}")),
    };
    let conditions = list(obj, "conditions")?
        .iter()
        .enumerate()
        .map(|(i, c)| condition(c).map_err(|e| RuleError(format!("conditions[{i}]: {}", e.0))))
        .collect::<Result<Vec<_>, _>>()?;
    if conditions.is_empty() {
        return err(format!("conditions: a rule needs at least one condition: {}", listed(&ids::CONDITIONS)));
    }
    let filters = list(obj, "filters")?
        .iter()
        .enumerate()
        .map(|(i, f)| filter(f).map_err(|e| RuleError(format!("filters[{i}]: {}", e.0))))
        .collect::<Result<Vec<_>, _>>()?;
    let mut actions = Vec::new();
    let mut secrets = Vec::new();
    for (i, a) in list(obj, "actions")?.iter().enumerate() {
        let (parsed, secret) = action(a).map_err(|e| RuleError(format!("actions[{i}]: {}", e.0)))?;
        actions.push(parsed);
        secrets.push(secret);
    }
    if actions.is_empty() {
        return err(format!("actions: a rule needs at least one action: {}", listed(&ids::ACTIONS)));
    }
    let rule =
        Rule { name, enabled, action_match, filter_match, frequency_mins, environment, conditions, filters, actions };
    Ok(RuleWithSecrets { rule, secrets })
}

/// Fills the secrets a body left out from `stored` (the rule's secrets before this change,
/// action by action while the kind is the same), then checks that every action has what it
/// needs to deliver.
pub fn require_secrets(with: &mut RuleWithSecrets, stored: Option<&RuleWithSecrets>) -> Result<(), RuleError> {
    for (i, action) in with.rule.actions.iter().enumerate() {
        let given = &mut with.secrets[i];
        if let Some(old) = stored
            .and_then(|s| s.rule.actions.get(i).zip(s.secrets.get(i)))
            .filter(|(old_action, _)| old_action.kind() == action.kind())
            .map(|(_, secrets)| secrets)
        {
            if given.url.is_none() {
                given.url.clone_from(&old.url);
            }
            if given.signing_secret.is_none() {
                given.signing_secret.clone_from(&old.signing_secret);
            }
        }
        match action {
            Action::Slack { .. } if given.url.is_none() => {
                return err(format!(
                    "actions[{i}]: a Slack action needs webhookUrl, the channel's incoming webhook URL"
                ));
            }
            Action::Webhook if given.url.is_none() => {
                return err(format!("actions[{i}]: a webhook action needs url, where to POST the alert"));
            }
            Action::Webhook if given.signing_secret.is_none() => {
                return err(format!(
                    "actions[{i}]: a webhook action needs secret, the key its Sentry-Hook-Signature is signed with"
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn matching(obj: &Map<String, Value>, key: &str, default: Match) -> Result<Match, RuleError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::String(text)) => {
            Match::parse(text).ok_or_else(|| RuleError(format!("{key}: expected all, any or none, got {text:?}")))
        }
        Some(other) => err(format!("{key}: expected all, any or none, got {other}")),
    }
}

fn frequency(value: Option<&Value>) -> Result<u32, RuleError> {
    let bad = |shown: String| {
        RuleError(format!(
            "frequency: the action interval is in minutes, from {} (5 minutes) to {} (30 days), got {shown}",
            FREQUENCY_MINUTES.start(),
            FREQUENCY_MINUTES.end()
        ))
    };
    let minutes = match value {
        None | Some(Value::Null) => return Ok(30),
        Some(value) => number(value).ok_or_else(|| bad(value.to_string()))?,
    };
    u32::try_from(minutes).ok().filter(|m| FREQUENCY_MINUTES.contains(m)).ok_or_else(|| bad(minutes.to_string()))
}

/// A whole number given as a number or as digits in a string (Sentry's forms send both).
fn number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => {
            n.as_u64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64))
        }
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn list<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], RuleError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => err(format!("{key}: expected a list, got {other}")),
    }
}

fn object(value: &Value) -> Result<(&Map<String, Value>, &str), RuleError> {
    let obj = value.as_object().ok_or_else(|| RuleError(format!("expected an object with an id, got {value}")))?;
    match obj.get("id") {
        Some(Value::String(id)) => Ok((obj, id.as_str())),
        _ => err("missing id"),
    }
}

fn interval(obj: &Map<String, Value>) -> Result<Interval, RuleError> {
    let all: Vec<&str> = Interval::ALL.iter().map(|i| i.as_str()).collect();
    match obj.get("interval") {
        Some(Value::String(text)) => Interval::parse(text)
            .ok_or_else(|| RuleError(format!("interval must be one of {}, got {text:?}", all.join(", ")))),
        Some(other) => err(format!("interval must be one of {}, got {other}", all.join(", "))),
        None => err(format!("interval is required: one of {}", all.join(", "))),
    }
}

fn level_test(obj: &Map<String, Value>) -> Result<(LevelMatch, Level), RuleError> {
    let op = match obj.get("match") {
        None | Some(Value::Null) => LevelMatch::AtLeast,
        Some(value) => text(value)
            .as_deref()
            .and_then(LevelMatch::parse)
            .ok_or_else(|| RuleError(format!("match must be eq, gte or lte, got {value}")))?,
    };
    let names = "50 (fatal), 40 (error), 30 (warning), 20 (info), 10 (debug)";
    let level = match obj.get("level") {
        Some(value) => text(value)
            .as_deref()
            .and_then(Level::parse)
            .ok_or_else(|| RuleError(format!("level must be one of {names}, got {value}")))?,
        None => return err(format!("level is required: one of {names}")),
    };
    Ok((op, level))
}

fn count(obj: &Map<String, Value>) -> Result<u64, RuleError> {
    match obj.get("value") {
        Some(value) => number(value)
            .filter(|n| *n <= 1_000_000_000)
            .ok_or_else(|| RuleError(format!("value must be a whole number from 0 to 1000000000, got {value}"))),
        None => err("value is required: more than how many"),
    }
}

fn condition(value: &Value) -> Result<Condition, RuleError> {
    let (obj, id) = object(value)?;
    Ok(match id {
        _ if is(id, ids::FIRST_SEEN) => Condition::FirstSeen,
        _ if is(id, ids::REGRESSION) => Condition::Regression,
        _ if is(id, ids::ESCALATING) => Condition::Escalating,
        _ if is(id, ids::EVENT_FREQUENCY) => Condition::EventFrequency { value: count(obj)?, interval: interval(obj)? },
        _ if is(id, ids::UNIQUE_USERS) => Condition::UniqueUsers { value: count(obj)?, interval: interval(obj)? },
        _ if is(id, ids::LEVEL_CONDITION) => {
            let (op, level) = level_test(obj)?;
            Condition::Level { op, level }
        }
        other => return err(format!("unknown condition {other:?}; sift knows {}", listed(&ids::CONDITIONS))),
    })
}

fn filter(value: &Value) -> Result<Filter, RuleError> {
    let (obj, id) = object(value)?;
    Ok(match id {
        _ if is(id, ids::LEVEL_FILTER) => {
            let (op, level) = level_test(obj)?;
            Filter::Level { op, level }
        }
        _ if is(id, ids::TAG_FILTER) => {
            let key = obj.get("key").and_then(text).filter(|k| !k.is_empty());
            let key = key.ok_or_else(|| RuleError("key is required: the tag's name".into()))?;
            let all: Vec<&str> = TagMatch::ALL.iter().map(|m| m.as_str()).collect();
            let op = match obj.get("match") {
                None | Some(Value::Null) => TagMatch::Equals,
                Some(value) => text(value)
                    .as_deref()
                    .and_then(TagMatch::parse)
                    .ok_or_else(|| RuleError(format!("match must be one of {}, got {value}", all.join(", "))))?,
            };
            let value = obj.get("value").and_then(text).unwrap_or_default();
            if op.takes_value() && value.is_empty() {
                return err(format!("value is required for match {:?}", op.as_str()));
            }
            Filter::Tag { key, op, value }
        }
        _ if is(id, ids::CATEGORY_FILTER) => {
            let names: Vec<String> = Category::ALL.iter().map(|c| format!("{} ({})", *c as i64, c.name())).collect();
            let category = obj.get("value").and_then(text).as_deref().and_then(Category::parse);
            Filter::Category(
                category.ok_or_else(|| RuleError(format!("value must be an issue category: {}", names.join(", "))))?,
            )
        }
        other => return err(format!("unknown filter {other:?}; sift knows {}", listed(&ids::FILTERS))),
    })
}

/// An http(s) URL with a host, as a secret; the message never quotes it.
fn url(obj: &Map<String, Value>, key: &str) -> Result<Option<Secret>, RuleError> {
    let raw = match obj.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(raw)) => raw.trim(),
        Some(_) => return err(format!("{key} must be an http(s) URL")),
    };
    match reqwest::Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()) => {
            Ok(Some(Secret::new(raw)))
        }
        Ok(url) => err(format!("{key} must be an http(s) URL with a host, not a {} URL", url.scheme())),
        Err(problem) => err(format!("{key} is not a valid URL ({problem})")),
    }
}

fn action(value: &Value) -> Result<(Action, ActionSecrets), RuleError> {
    let (obj, id) = object(value)?;
    let mut secrets = ActionSecrets::default();
    let action = match id {
        _ if is(id, ids::SLACK) => {
            secrets.url = url(obj, "webhookUrl")?;
            let channel = obj.get("channel").and_then(text).filter(|c| !c.is_empty());
            let tags = obj
                .get("tags")
                .and_then(text)
                .map(|t| t.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
                .unwrap_or_default();
            Action::Slack { channel, tags }
        }
        _ if is(id, ids::WEBHOOK) => {
            match obj.get("service") {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) if s == "webhooks" => {}
                Some(other) => {
                    return err(format!(
                        "service must be \"webhooks\" (the only event service sift sends to), got {other}"
                    ));
                }
            }
            secrets.url = url(obj, "url")?;
            secrets.signing_secret = match obj.get("secret") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if s.len() >= 8 => Some(Secret::new(s.clone())),
                Some(_) => return err("secret must be text of at least 8 characters"),
            };
            Action::Webhook
        }
        _ if is(id, ids::EMAIL) => {
            match obj.get("targetType") {
                None | Some(Value::Null) => {}
                Some(Value::String(t)) if t == "Email" => {}
                Some(other) => {
                    return err(format!(
                        "targetType must be \"Email\" (sift has no members or teams: give addresses in \
                         targetIdentifier), got {other}"
                    ));
                }
            }
            let raw = obj.get("targetIdentifier").and_then(text).unwrap_or_default();
            let to: Vec<String> = raw.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            if to.is_empty() {
                return err("targetIdentifier is required: the addresses to write to, separated by commas");
            }
            for address in &to {
                if address.parse::<lettre::Address>().is_err() {
                    return err(format!("targetIdentifier: {address:?} is not an email address"));
                }
            }
            Action::Email { to }
        }
        _ if is(id, ids::CONSOLE) => Action::Console,
        other => return err(format!("unknown action {other:?}; sift knows {}", listed(&ids::ACTIONS))),
    };
    Ok((action, secrets))
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
