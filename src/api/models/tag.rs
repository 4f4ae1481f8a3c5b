//! Tag keys and tag values of an issue (`.../tags/`, `.../tags/{key}/`, `.../tags/{key}/values/`).
//!
//! Contract: a `TagKey` carries `key`, `name`, the optional totals and `topValues` (empty when
//! the server sends `null` or omits it, as issue-detail `tags` do). Tag value counts and dates
//! are optional on the wire and decode leniently; `value` may be `null`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::de;

/// A tag key of an issue, with its most common values when the endpoint provides them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TagKey {
    #[serde(deserialize_with = "de::string")]
    pub key: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::opt_u64")]
    pub unique_values: Option<u64>,
    #[serde(deserialize_with = "de::opt_u64")]
    pub total_values: Option<u64>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub top_values: Vec<TagValue>,
}

impl TagKey {
    /// `name` when set, else `key`.
    pub fn label(&self) -> &str {
        if self.name.is_empty() { &self.key } else { &self.name }
    }
}

/// One value of a tag with its count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TagValue {
    #[serde(deserialize_with = "de::string")]
    pub key: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub value: Option<String>,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub count: u64,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub first_seen: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub last_seen: Option<DateTime<Utc>>,
    /// Search expression selecting this value, when the server provides one.
    #[serde(deserialize_with = "de::opt_string")]
    pub query: Option<String>,
}
