//! Events as the Web API returns them: the full `Event` (latest / oldest / recommended / by id,
//! and `full=true` lists) and the lighter `EventSummary` of event lists.
//!
//! Contract: top-level keys are camelCase (`eventID`, `groupID`, `dateCreated`), `user` keys stay
//! snake_case (`ip_address`); `release` is an object or null (a bare string is accepted);
//! `environment` is only a tag. Tags decode from `[{key, value}]` or `[[key, value]]`. Every
//! member is optional and lenient; unknown entry types are kept raw (see `entries`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::de;
use super::entries::{BreadcrumbsEntry, Entry, ExceptionEntry, MessageEntry, RequestEntry, Stacktrace};
use super::issue::IssueMetadata;
use super::release::Release;

/// A full event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Event {
    /// Normally equal to `event_id`.
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(rename = "eventID", deserialize_with = "de::string")]
    pub event_id: String,
    #[serde(rename = "groupID", deserialize_with = "de::opt_string")]
    pub group_id: Option<String>,
    #[serde(rename = "projectID", deserialize_with = "de::opt_string")]
    pub project_id: Option<String>,
    #[serde(deserialize_with = "de::string")]
    pub title: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub message: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub platform: Option<String>,
    /// `error`, `default`, `transaction`, ...
    #[serde(rename = "type", deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub location: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub culprit: Option<String>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_created: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_received: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "tags")]
    pub tags: Vec<EventTag>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub entries: Vec<Entry>,
    /// Contexts keyed by alias (`os`, `runtime`, `browser`, `trace`, custom...), raw.
    #[serde(deserialize_with = "de::object")]
    pub contexts: Map<String, Value>,
    /// Legacy `extra` data.
    #[serde(deserialize_with = "de::object")]
    pub context: Map<String, Value>,
    #[serde(deserialize_with = "de::lenient")]
    pub user: Option<EventUser>,
    #[serde(deserialize_with = "de::lenient")]
    pub sdk: Option<Sdk>,
    #[serde(deserialize_with = "de::lenient")]
    pub release: Option<Release>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dist: Option<String>,
    #[serde(deserialize_with = "de::opt_u64")]
    pub size: Option<u64>,
    #[serde(deserialize_with = "de::lenient")]
    pub metadata: IssueMetadata,
    /// Grouping hashes (not the SDK fingerprint).
    #[serde(deserialize_with = "de::lenient_vec")]
    pub fingerprints: Vec<String>,
    /// Processing errors.
    #[serde(deserialize_with = "de::lenient_vec")]
    pub errors: Vec<EventError>,
    #[serde(deserialize_with = "de::object")]
    pub packages: Map<String, Value>,
    #[serde(rename = "previousEventID", deserialize_with = "de::opt_string")]
    pub previous_event_id: Option<String>,
    #[serde(rename = "nextEventID", deserialize_with = "de::opt_string")]
    pub next_event_id: Option<String>,
    /// The event exactly as the server sent it (for the raw JSON view), when known.
    #[serde(skip)]
    pub raw: Option<std::sync::Arc<Value>>,
}

impl Event {
    /// Decodes an event and keeps the JSON it came from.
    pub fn from_json(value: Value) -> Result<Self, serde_json::Error> {
        let mut event = Event::deserialize(&value)?;
        event.raw = Some(std::sync::Arc::new(value));
        Ok(event)
    }

    /// The value of tag `key` (e.g. `environment`, `level`, `release`).
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
    }

    /// The `environment` tag.
    pub fn environment(&self) -> Option<&str> {
        self.tag("environment")
    }

    pub fn exception(&self) -> Option<&ExceptionEntry> {
        self.entries.iter().find_map(|e| if let Entry::Exception(x) = e { Some(x) } else { None })
    }

    /// The top-level `stacktrace` entry (rare; exceptions carry their own).
    pub fn stacktrace(&self) -> Option<&Stacktrace> {
        self.entries.iter().find_map(|e| if let Entry::Stacktrace(x) = e { Some(x) } else { None })
    }

    pub fn breadcrumbs(&self) -> Option<&BreadcrumbsEntry> {
        self.entries.iter().find_map(|e| if let Entry::Breadcrumbs(x) = e { Some(x) } else { None })
    }

    pub fn request(&self) -> Option<&RequestEntry> {
        self.entries.iter().find_map(|e| if let Entry::Request(x) = e { Some(x) } else { None })
    }

    pub fn message_entry(&self) -> Option<&MessageEntry> {
        self.entries.iter().find_map(|e| if let Entry::Message(x) = e { Some(x) } else { None })
    }
}

/// An item of `GET .../issues/{id}/events/` without `full`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EventSummary {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(rename = "eventID", deserialize_with = "de::string")]
    pub event_id: String,
    #[serde(rename = "groupID", deserialize_with = "de::opt_string")]
    pub group_id: Option<String>,
    #[serde(rename = "projectID", deserialize_with = "de::opt_string")]
    pub project_id: Option<String>,
    #[serde(rename = "event.type", deserialize_with = "de::opt_string")]
    pub event_type: Option<String>,
    #[serde(deserialize_with = "de::string")]
    pub title: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub message: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub location: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub culprit: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub platform: Option<String>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_created: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "tags")]
    pub tags: Vec<EventTag>,
    #[serde(deserialize_with = "de::lenient")]
    pub user: Option<EventUser>,
    #[serde(deserialize_with = "de::lenient")]
    pub metadata: IssueMetadata,
}

impl EventSummary {
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
    }
}

/// A `{key, value}` tag of an event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventTag {
    #[serde(deserialize_with = "de::string")]
    pub key: String,
    #[serde(deserialize_with = "de::string")]
    pub value: String,
    #[serde(deserialize_with = "de::opt_string", skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
}

fn tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<EventTag>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::Array(kv) => Some(EventTag {
                    key: kv.first().and_then(de::value_to_string)?,
                    value: kv.get(1).and_then(de::value_to_string).unwrap_or_default(),
                    query: None,
                }),
                obj @ Value::Object(_) => serde_json::from_value(obj).ok(),
                _ => None,
            })
            .collect(),
        Value::Object(map) => map
            .into_iter()
            .map(|(key, v)| EventTag { key, value: de::value_to_string(&v).unwrap_or_default(), query: None })
            .collect(),
        _ => Vec::new(),
    })
}

/// The user an event was captured for. Keys are snake_case on the wire.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventUser {
    #[serde(deserialize_with = "de::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub email: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub username: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub ip_address: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_value")]
    pub geo: Option<Value>,
    #[serde(deserialize_with = "de::opt_value")]
    pub data: Option<Value>,
}

impl EventUser {
    /// Best human label: name, username, email, id, then IP.
    pub fn display_name(&self) -> Option<&str> {
        [&self.name, &self.username, &self.email, &self.id, &self.ip_address]
            .into_iter()
            .find_map(|v| v.as_deref().filter(|s| !s.is_empty()))
    }
}

/// The SDK that sent the event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sdk {
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub version: Option<String>,
}

/// A processing error attached to an event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventError {
    #[serde(rename = "type", deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub message: Option<String>,
    #[serde(deserialize_with = "de::opt_value")]
    pub data: Option<Value>,
}
