//! User feedback as the console reads it: a user report (`…/issues/{id}/user-reports/`,
//! Sentry's `UserReport` serializer, with sift's `url` when the server sends it) and a
//! feedback issue of the issue stream's feedback category, whose `metadata` carries the
//! message, the contact and the event it is about.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::de;

/// One user report, or a new feedback linked to an issue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserReport {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(rename = "eventID", deserialize_with = "de::string")]
    pub event_id: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::string")]
    pub email: String,
    #[serde(deserialize_with = "de::string")]
    pub comments: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub url: Option<String>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_created: Option<DateTime<Utc>>,
}

/// What a feedback issue's `metadata` says.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedbackMetadata {
    #[serde(deserialize_with = "de::opt_string")]
    pub message: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub value: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub contact_email: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub url: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub associated_event_id: Option<String>,
}

/// The project of a feedback issue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedbackProject {
    #[serde(deserialize_with = "de::string")]
    pub slug: String,
}

/// One item of the issue stream's feedback category.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FeedbackIssue {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::lenient")]
    pub metadata: FeedbackMetadata,
    #[serde(deserialize_with = "de::lenient")]
    pub project: Option<FeedbackProject>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub first_seen: Option<DateTime<Utc>>,
}

impl FeedbackIssue {
    /// The feedback's text.
    pub fn message(&self) -> &str {
        self.metadata.message.as_deref().or(self.metadata.value.as_deref()).unwrap_or_default()
    }
}

/// The answer of `…/eventids/{event_id}/`: where an event lives.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EventLocation {
    #[serde(deserialize_with = "de::string")]
    pub group_id: String,
    #[serde(deserialize_with = "de::string")]
    pub project_slug: String,
}
