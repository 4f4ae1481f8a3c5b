//! The issue ("group") object of list, detail and short-id responses.
//!
//! Contract: every field is optional on the wire. Missing, `null` or mistyped members decode to
//! defaults; `count` is accepted as Sentry's string (`"150"`) or a number; ids as strings or
//! numbers; enums keep unknown values as `Other`. Detail-only members (`activity`, `tags`,
//! `firstRelease`, ...) are empty on list items. Serializing gives camelCase JSON that decodes
//! back to the same value.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::activity::Activity;
use super::de;
use super::enums::{AssigneeKind, IssueStatus, Level, Priority, Substatus};
use super::release::Release;
use super::stats::IssueStats;
use super::tag::TagKey;

/// A Sentry issue (group).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Issue {
    /// Numeric group id, as a string.
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    /// `PROJECT-1A` style id.
    #[serde(deserialize_with = "de::string")]
    pub short_id: String,
    #[serde(deserialize_with = "de::string")]
    pub title: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub culprit: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    pub level: Option<Level>,
    #[serde(deserialize_with = "de::lenient")]
    pub status: Option<IssueStatus>,
    /// `None` when resolved, and always on servers without substatus support.
    #[serde(deserialize_with = "de::lenient")]
    pub substatus: Option<Substatus>,
    #[serde(deserialize_with = "de::lenient")]
    pub status_details: StatusDetails,
    /// `None` on servers without priority support (older Sentry, GlitchTip).
    #[serde(deserialize_with = "de::lenient")]
    pub priority: Option<Priority>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub priority_locked_at: Option<DateTime<Utc>>,
    /// Event count (a string on the wire).
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub count: u64,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub user_count: u64,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub first_seen: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub last_seen: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_string")]
    pub permalink: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub logger: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub platform: Option<String>,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub is_bookmarked: bool,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub has_seen: bool,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub is_subscribed: bool,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub is_public: bool,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub is_unhandled: bool,
    #[serde(deserialize_with = "de::lenient")]
    pub assigned_to: Option<Assignee>,
    #[serde(deserialize_with = "de::lenient")]
    pub project: IssueProject,
    #[serde(deserialize_with = "de::lenient")]
    pub metadata: IssueMetadata,
    /// Sentry's `type` (`error`, `default`, `csp`, `transaction`, `generic`, ...).
    #[serde(rename = "type", deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub issue_type: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub issue_category: Option<String>,
    pub stats: IssueStats,
    #[serde(deserialize_with = "de::lenient")]
    pub lifetime: Option<IssueCounts>,
    #[serde(deserialize_with = "de::lenient")]
    pub filtered: Option<IssueCounts>,
    #[serde(deserialize_with = "de::lenient")]
    pub first_release: Option<Release>,
    #[serde(deserialize_with = "de::lenient")]
    pub last_release: Option<Release>,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub num_comments: u64,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub annotations: Vec<Annotation>,
    #[serde(deserialize_with = "de::opt_string")]
    pub share_id: Option<String>,
    /// Detail only.
    #[serde(deserialize_with = "de::opt_u64")]
    pub user_report_count: Option<u64>,
    /// Detail only: tag keys with `totalValues` (no `topValues`).
    #[serde(deserialize_with = "de::lenient_vec")]
    pub tags: Vec<TagKey>,
    /// Detail only: the activity log.
    #[serde(deserialize_with = "de::lenient_vec")]
    pub activity: Vec<Activity>,
    /// `expand=inbox`: raw inbox object.
    #[serde(deserialize_with = "de::opt_value")]
    pub inbox: Option<Value>,
}

impl Issue {
    /// Lifetime event count when the list count is filtered, else `count`.
    pub fn lifetime_count(&self) -> u64 {
        self.lifetime.as_ref().map_or(self.count, |l| l.count)
    }
}

/// The project reference inside an issue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IssueProject {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub slug: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub platform: Option<String>,
}

/// `assignedTo`: a user or a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignee {
    #[serde(rename = "type")]
    pub kind: AssigneeKind,
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

impl<'de> Deserialize<'de> for Assignee {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            // Some servers send only the username/email.
            Value::String(s) => Ok(Self { kind: AssigneeKind::User, id: s.clone(), name: Some(s), email: None }),
            Value::Object(map) => {
                let text = |k: &str| map.get(k).and_then(de::value_to_string);
                let kind = text("type").map_or(AssigneeKind::User, |t| AssigneeKind::parse(&t));
                let id = text("id").or_else(|| text("username")).unwrap_or_default();
                let name = text("name").or_else(|| text("username"));
                Ok(Self { kind, id, name, email: text("email") })
            }
            _ => Err(serde::de::Error::custom("expected an assignee object")),
        }
    }
}

impl Assignee {
    /// Name, else email, else id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().or(self.email.as_deref()).unwrap_or(&self.id)
    }
}

/// `statusDetails`: `{}` when nothing applies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StatusDetails {
    #[serde(deserialize_with = "de::opt_bool", skip_serializing_if = "Option::is_none")]
    pub in_next_release: Option<bool>,
    #[serde(deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub in_release: Option<String>,
    #[serde(deserialize_with = "de::opt_value", skip_serializing_if = "Option::is_none")]
    pub in_commit: Option<Value>,
    #[serde(deserialize_with = "de::opt_u64", skip_serializing_if = "Option::is_none")]
    pub ignore_count: Option<u64>,
    #[serde(deserialize_with = "de::opt_u64", skip_serializing_if = "Option::is_none")]
    pub ignore_window: Option<u64>,
    #[serde(deserialize_with = "de::opt_u64", skip_serializing_if = "Option::is_none")]
    pub ignore_user_count: Option<u64>,
    #[serde(deserialize_with = "de::opt_u64", skip_serializing_if = "Option::is_none")]
    pub ignore_user_window: Option<u64>,
    #[serde(deserialize_with = "de::opt_u64", skip_serializing_if = "Option::is_none")]
    pub ignore_duration: Option<u64>,
    #[serde(deserialize_with = "de::opt_timestamp", skip_serializing_if = "Option::is_none")]
    pub ignore_until: Option<DateTime<Utc>>,
    /// Appears in activity data for "archive until escalating".
    #[serde(deserialize_with = "de::opt_bool", skip_serializing_if = "Option::is_none")]
    pub ignore_until_escalating: Option<bool>,
    #[serde(deserialize_with = "de::opt_u64", skip_serializing_if = "Option::is_none")]
    pub pending_events: Option<u64>,
    #[serde(deserialize_with = "de::opt_value", skip_serializing_if = "Option::is_none")]
    pub actor: Option<Value>,
    #[serde(deserialize_with = "de::opt_value", skip_serializing_if = "Option::is_none")]
    pub info: Option<Value>,
}

/// `metadata`: what the title was built from. Unknown members are kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IssueMetadata {
    /// Exception type.
    #[serde(rename = "type", deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Exception value (message).
    #[serde(deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    #[serde(deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    #[serde(deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `lifetime` / `filtered`: counts over a different window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IssueCounts {
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub count: u64,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub user_count: u64,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub first_seen: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub last_seen: Option<DateTime<Utc>>,
    pub stats: IssueStats,
}

/// A link shown with an issue (external tracker ticket...). Old servers send plain strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation {
    pub display_name: String,
    pub url: Option<String>,
}

impl<'de> Deserialize<'de> for Annotation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Self { display_name: s, url: None }),
            Value::Object(map) => Ok(Self {
                display_name: map.get("displayName").and_then(de::value_to_string).unwrap_or_default(),
                url: map.get("url").and_then(de::value_to_string),
            }),
            _ => Err(serde::de::Error::custom("expected an annotation")),
        }
    }
}
