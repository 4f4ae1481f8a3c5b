//! A rule back in Sentry's JSON shape, as the Web API answers it: Sentry's ids, each condition,
//! filter and action with its `name` in words, and never a secret. An action lists which of its
//! secrets are stored (`"secretsSet": ["url", "secret"]`), so a client can tell a webhook that
//! is ready from one that is not without seeing either.

use serde_json::{Value, json};

use super::parse::ids;
use super::rule::{Action, ActionSecrets, Condition, Filter, Rule};

/// The rule's conditions, filters and actions, and its settings, in Sentry's field names.
pub fn rule(rule: &Rule, secrets: &[ActionSecrets]) -> Value {
    json!({
        "name": rule.name,
        "actionMatch": rule.action_match.as_str(),
        "filterMatch": rule.filter_match.as_str(),
        "frequency": rule.frequency_mins,
        "environment": rule.environment,
        "status": if rule.enabled { "active" } else { "disabled" },
        "conditions": rule.conditions.iter().map(condition).collect::<Vec<_>>(),
        "filters": rule.filters.iter().map(filter).collect::<Vec<_>>(),
        "actions": rule
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| action(a, secrets.get(i)))
            .collect::<Vec<_>>(),
    })
}

/// A condition in words, as Sentry names it.
pub fn condition_name(condition: &Condition) -> String {
    match condition {
        Condition::FirstSeen => "A new issue is created".into(),
        Condition::Regression => "The issue changes state from resolved to unresolved".into(),
        Condition::Escalating => "The issue changes state from archived to escalating".into(),
        Condition::EventFrequency { value, interval } => {
            format!("The issue is seen more than {value} times in {}", interval.words())
        }
        Condition::UniqueUsers { value, interval } => {
            format!("The issue is seen by more than {value} users in {}", interval.words())
        }
        Condition::Level { op, level } => format!("The event's level is {} {}", op.words(), level.name()),
    }
}

/// A short label for narrow screens: "new issue", "> 10 events / 1m".
pub fn condition_label(condition: &Condition) -> String {
    match condition {
        Condition::FirstSeen => "new issue".into(),
        Condition::Regression => "regression".into(),
        Condition::Escalating => "escalating".into(),
        Condition::EventFrequency { value, interval } => format!("> {value} events / {}", interval.as_str()),
        Condition::UniqueUsers { value, interval } => format!("> {value} users / {}", interval.as_str()),
        Condition::Level { op, level } => {
            let sign = match op {
                super::rule::LevelMatch::Equal => "=",
                super::rule::LevelMatch::AtLeast => ">=",
                super::rule::LevelMatch::AtMost => "<=",
            };
            format!("level {sign} {}", level.name())
        }
    }
}

fn condition(condition: &Condition) -> Value {
    let name = condition_name(condition);
    match condition {
        Condition::FirstSeen => json!({ "id": ids::FIRST_SEEN.0, "name": name }),
        Condition::Regression => json!({ "id": ids::REGRESSION.0, "name": name }),
        Condition::Escalating => json!({ "id": ids::ESCALATING.0, "name": name }),
        Condition::EventFrequency { value, interval } => {
            json!({ "id": ids::EVENT_FREQUENCY.0, "value": value, "interval": interval.as_str(), "name": name })
        }
        Condition::UniqueUsers { value, interval } => {
            json!({ "id": ids::UNIQUE_USERS.0, "value": value, "interval": interval.as_str(), "name": name })
        }
        Condition::Level { op, level } => json!({
            "id": ids::LEVEL_CONDITION.0, "match": op.as_str(), "level": (*level as i64).to_string(), "name": name
        }),
    }
}

fn filter(filter: &Filter) -> Value {
    match filter {
        Filter::Level { op, level } => json!({
            "id": ids::LEVEL_FILTER.0,
            "match": op.as_str(),
            "level": (*level as i64).to_string(),
            "name": format!("The event's level is {} {}", op.words(), level.name()),
        }),
        Filter::Tag { key, op, value } => json!({
            "id": ids::TAG_FILTER.0,
            "key": key,
            "match": op.as_str(),
            "value": value,
            "name": if op.takes_value() {
                format!("The event's tags match {key} {} {value}", op.words())
            } else {
                format!("The event's tag {key} {}", op.words())
            },
        }),
        Filter::Category(category) => json!({
            "id": ids::CATEGORY_FILTER.0,
            "value": (*category as i64).to_string(),
            "name": format!("The issue's category is equal to {}", category.name()),
        }),
    }
}

/// Which secrets an action has stored, by their field names.
fn secrets_set(action: &Action, secrets: Option<&ActionSecrets>) -> Vec<&'static str> {
    let Some(secrets) = secrets else { return Vec::new() };
    let mut set = Vec::new();
    if secrets.url.is_some() {
        set.push(if matches!(action, Action::Slack { .. }) { "webhookUrl" } else { "url" });
    }
    if secrets.signing_secret.is_some() {
        set.push("secret");
    }
    set
}

fn action(action: &Action, secrets: Option<&ActionSecrets>) -> Value {
    let set = secrets_set(action, secrets);
    match action {
        Action::Slack { channel, tags } => json!({
            "id": ids::SLACK.0,
            "channel": channel,
            "tags": tags.join(","),
            "name": match channel {
                Some(channel) => format!("Send a notification to the Slack channel {channel}"),
                None => "Send a notification to Slack".to_string(),
            },
            "secretsSet": set,
        }),
        Action::Webhook => json!({
            "id": ids::WEBHOOK.0,
            "service": "webhooks",
            "name": "Send a notification via webhooks",
            "secretsSet": set,
        }),
        Action::Email { to } => json!({
            "id": ids::EMAIL.0,
            "targetType": "Email",
            "targetIdentifier": to.join(", "),
            "name": format!("Send an email to {}", to.join(", ")),
        }),
        Action::Console => json!({
            "id": ids::CONSOLE.0,
            "name": "Ring the sift console (bell and desktop notification)",
        }),
    }
}

/// A short label for an action: "slack #alerts", "webhook", "email a@b".
pub fn action_label(action: &Action) -> String {
    match action {
        Action::Slack { channel: Some(channel), .. } => format!("slack {channel}"),
        Action::Slack { channel: None, .. } => "slack".into(),
        Action::Webhook => "webhook".into(),
        Action::Email { to } => format!("email {}", to.join(",")),
        Action::Console => "console".into(),
    }
}
