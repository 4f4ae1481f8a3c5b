//! Activity entries of an issue, including comments ("notes").
//!
//! Contract: an `Activity` is `{id, type, data, dateCreated, user}`; `type == "note"` marks a
//! comment whose text is `data.text`. `data` is kept as a raw object because its members depend
//! on the activity type. A `Note` is an `Activity` (alias).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de;

/// One entry of an issue's activity log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Activity {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    /// `note`, `set_resolved`, `set_ignored`, `assigned`, `first_seen`, ... (kept verbatim).
    #[serde(rename = "type", deserialize_with = "de::string")]
    pub kind: String,
    #[serde(deserialize_with = "de::object")]
    pub data: Map<String, Value>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_created: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::lenient")]
    pub user: Option<ActivityUser>,
}

/// A comment on an issue.
pub type Note = Activity;

impl Activity {
    pub fn is_note(&self) -> bool {
        self.kind == "note"
    }

    /// The comment text (`data.text`), if any.
    pub fn text(&self) -> Option<&str> {
        self.data.get("text").and_then(Value::as_str)
    }
}

/// The user behind an activity (absent for system activity).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ActivityUser {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub username: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub email: Option<String>,
}

impl ActivityUser {
    /// Name, else username, else email, else id.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .filter(|s| !s.is_empty())
            .or(self.username.as_deref())
            .or(self.email.as_deref())
            .unwrap_or(&self.id)
    }
}
