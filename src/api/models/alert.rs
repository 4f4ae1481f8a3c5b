//! Issue alert rules (`GET /projects/{org}/{project}/rules/`), and, from sift's server only,
//! the firing log with each delivery's state and the outbox's counts.
//!
//! Contract: Sentry's rule shape (`id`, `name`, `status`, `frequency`, `environment`,
//! `actionMatch`, `conditions`/`filters`/`actions` as `{id, name, …}`), every member optional;
//! sift adds `origin` and `lastFiring`. The rule's whole JSON is kept in `raw`, so an edit can
//! send back what it did not change.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::de;

/// One condition, filter or action of a rule.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RulePart {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
}

impl RulePart {
    /// The name, or the last part of the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().filter(|n| !n.is_empty()).unwrap_or_else(|| self.id.rsplit('.').next().unwrap_or(&self.id))
    }
}

/// A rule as a server describes it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AlertRule {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_u64")]
    pub frequency: Option<u64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub environment: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub action_match: Option<String>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub conditions: Vec<RulePart>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub filters: Vec<RulePart>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub actions: Vec<RulePart>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub projects: Vec<String>,
    /// sift: `api`, `config` (read-only) or `default`.
    #[serde(deserialize_with = "de::opt_string")]
    pub origin: Option<String>,
    /// sift: the rule's latest firing.
    #[serde(deserialize_with = "de::lenient")]
    pub last_firing: Option<AlertFiring>,
    #[serde(skip)]
    pub raw: Value,
}

impl AlertRule {
    pub fn enabled(&self) -> bool {
        self.status.as_deref() != Some("disabled")
    }

    /// Decodes one rule, keeping its JSON.
    pub fn from_value(value: Value) -> Option<Self> {
        let mut rule: AlertRule = serde_json::from_value(value.clone()).ok()?;
        rule.raw = value;
        Some(rule)
    }
}

/// The issue a firing is about.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FiringIssue {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub short_id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub title: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub permalink: Option<String>,
}

/// One delivery of a firing.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Delivery {
    #[serde(deserialize_with = "de::string")]
    pub kind: String,
    /// `pending`, `retrying`, `sent`, `failed` or `dropped`.
    #[serde(deserialize_with = "de::string")]
    pub state: String,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub attempts: u64,
    #[serde(deserialize_with = "de::opt_string")]
    pub last_error: Option<String>,
}

/// The rule a firing came from.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct FiringRule {
    #[serde(deserialize_with = "de::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
}

/// A firing of a rule (sift's log).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AlertFiring {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub idempotency_key: String,
    #[serde(deserialize_with = "de::lenient")]
    pub rule: FiringRule,
    #[serde(deserialize_with = "de::opt_string")]
    pub project: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    pub issue: Option<FiringIssue>,
    #[serde(deserialize_with = "de::string")]
    pub reason: String,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub test: bool,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_fired: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub actions: Vec<String>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub deliveries: Vec<Delivery>,
}

impl AlertFiring {
    /// The state of all deliveries in one word: `failed` or `retrying` when any is, `pending`
    /// while any waits, `sent` when all went out, `console` when there was nothing to send.
    pub fn state(&self) -> &str {
        let states: Vec<&str> = self.deliveries.iter().map(|d| d.state.as_str()).collect();
        for worst in ["failed", "dropped", "retrying", "pending"] {
            if states.contains(&worst) {
                return worst;
            }
        }
        if states.is_empty() { "console" } else { "sent" }
    }

    /// The first failure's reason, if any delivery failed or is retrying.
    pub fn problem(&self) -> Option<&str> {
        self.deliveries
            .iter()
            .filter(|d| matches!(d.state.as_str(), "failed" | "retrying" | "dropped"))
            .find_map(|d| d.last_error.as_deref())
    }

    /// Whether the console should ring for it.
    pub fn rings_console(&self) -> bool {
        self.actions.iter().any(|a| a == "console")
    }
}

/// The outbox's counts (sift).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct OutboxSummary {
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub pending: u64,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub retrying: u64,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub sent: u64,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub failed: u64,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub dropped: u64,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub limit: u64,
}
