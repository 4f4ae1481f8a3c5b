//! Typed event `entries` (`[{"type": ..., "data": ...}]`): exception, stacktrace, breadcrumbs,
//! request, message and threads, with a raw fallback.
//!
//! Contract: an entry of a known type whose `data` decodes becomes the typed variant; any other
//! entry (unknown type such as `debugmeta`/`spans`, or data of an unexpected shape) becomes
//! `Entry::Other` holding the raw JSON, so nothing is lost and decoding never fails on an
//! object. Entries serialize back to `{"type", "data"}`. Frames are in wire order (oldest
//! first, crashing frame last); frame `context` is `[[lineNo, "line"], ...]`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::de;

/// One entry of an event.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Exception(ExceptionEntry),
    Stacktrace(Stacktrace),
    Breadcrumbs(BreadcrumbsEntry),
    Request(RequestEntry),
    Message(MessageEntry),
    Threads(ThreadsEntry),
    /// Unknown type, or known type whose data did not decode.
    Other {
        kind: String,
        data: Value,
    },
}

impl Entry {
    /// The wire `type`.
    pub fn kind(&self) -> &str {
        match self {
            Self::Exception(_) => "exception",
            Self::Stacktrace(_) => "stacktrace",
            Self::Breadcrumbs(_) => "breadcrumbs",
            Self::Request(_) => "request",
            Self::Message(_) => "message",
            Self::Threads(_) => "threads",
            Self::Other { kind, .. } => kind,
        }
    }

    fn from_value(v: Value) -> Option<Self> {
        let Value::Object(mut obj) = v else { return None };
        let kind = obj.get("type").and_then(de::value_to_string).unwrap_or_default();
        let data = obj.remove("data").unwrap_or(Value::Null);
        fn typed<T: for<'a> Deserialize<'a>>(data: &Value) -> Option<T> {
            if data.is_object() { serde_json::from_value(data.clone()).ok() } else { None }
        }
        let entry = match kind.as_str() {
            "exception" => typed(&data).map(Self::Exception),
            "stacktrace" => typed(&data).map(Self::Stacktrace),
            "breadcrumbs" => typed(&data).map(Self::Breadcrumbs),
            "request" => typed(&data).map(Self::Request),
            "message" => typed(&data).map(Self::Message),
            "threads" => typed(&data).map(Self::Threads),
            _ => None,
        };
        Some(entry.unwrap_or(Self::Other { kind, data }))
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::from_value(Value::deserialize(d)?).ok_or_else(|| serde::de::Error::custom("entry must be an object"))
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let data = match self {
            Self::Exception(x) => serde_json::to_value(x),
            Self::Stacktrace(x) => serde_json::to_value(x),
            Self::Breadcrumbs(x) => serde_json::to_value(x),
            Self::Request(x) => serde_json::to_value(x),
            Self::Message(x) => serde_json::to_value(x),
            Self::Threads(x) => serde_json::to_value(x),
            Self::Other { data, .. } => Ok(data.clone()),
        }
        .map_err(serde::ser::Error::custom)?;
        json!({"type": self.kind(), "data": data}).serialize(s)
    }
}

/// `exception` entry: chained exceptions, oldest first (the last one was raised).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExceptionEntry {
    #[serde(deserialize_with = "de::lenient_vec")]
    pub values: Vec<ExceptionValue>,
    #[serde(deserialize_with = "de::opt_u64")]
    pub exc_omitted: Option<u64>,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub has_system_frames: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExceptionValue {
    #[serde(rename = "type", deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub value: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub module: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub thread_id: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    pub mechanism: Option<Mechanism>,
    #[serde(deserialize_with = "de::lenient")]
    pub stacktrace: Option<Stacktrace>,
    #[serde(deserialize_with = "de::lenient")]
    pub raw_stacktrace: Option<Stacktrace>,
}

/// How the exception was captured (`handled: false` = crash / unhandled).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mechanism {
    #[serde(rename = "type", deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub handled: Option<bool>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub synthetic: Option<bool>,
    #[serde(deserialize_with = "de::opt_string")]
    pub description: Option<String>,
    #[serde(deserialize_with = "de::opt_value")]
    pub data: Option<Value>,
    /// How a chained exception relates to the one before it (Python: `__cause__` or `__context__`).
    #[serde(deserialize_with = "de::opt_string")]
    pub source: Option<String>,
}

/// A stack trace (also the `data` of a top-level `stacktrace` entry).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Stacktrace {
    #[serde(deserialize_with = "de::lenient_vec")]
    pub frames: Vec<Frame>,
    #[serde(deserialize_with = "de::opt_value")]
    pub frames_omitted: Option<Value>,
    #[serde(deserialize_with = "de::opt_value")]
    pub registers: Option<Value>,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub has_system_frames: bool,
}

/// One stack frame (API spelling: camelCase).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Frame {
    #[serde(deserialize_with = "de::opt_string")]
    pub filename: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub abs_path: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub module: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub package: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub platform: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub function: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub raw_function: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub symbol: Option<String>,
    #[serde(deserialize_with = "de::opt_u64")]
    pub line_no: Option<u64>,
    #[serde(deserialize_with = "de::opt_u64")]
    pub col_no: Option<u64>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub in_app: Option<bool>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub context: Vec<ContextLine>,
    #[serde(deserialize_with = "de::opt_value")]
    pub vars: Option<Value>,
    #[serde(deserialize_with = "de::opt_string")]
    pub instruction_addr: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub symbol_addr: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub trust: Option<String>,
}

/// A source line around a frame: `[lineNo, "text"]` on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContextLine {
    pub line_no: u64,
    pub text: String,
}

impl Serialize for ContextLine {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.line_no, &self.text).serialize(s)
    }
}

impl<'de> Deserialize<'de> for ContextLine {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let arr = v.as_array().ok_or_else(|| serde::de::Error::custom("expected [lineNo, text]"))?;
        let line_no = arr.first().and_then(de::value_to_u64).ok_or_else(|| serde::de::Error::custom("bad lineNo"))?;
        let text = arr.get(1).and_then(de::value_to_string).unwrap_or_default();
        Ok(Self { line_no, text })
    }
}

/// `breadcrumbs` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BreadcrumbsEntry {
    #[serde(deserialize_with = "de::lenient_vec")]
    pub values: Vec<Breadcrumb>,
}

/// One breadcrumb (keys stay snake_case in the API, e.g. `event_id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Breadcrumb {
    #[serde(rename = "type", deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub category: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub level: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub message: Option<String>,
    #[serde(deserialize_with = "de::opt_value")]
    pub data: Option<Value>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub timestamp: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_string")]
    pub event_id: Option<String>,
}

/// `request` entry. `query`, `headers` and `cookies` are `[[name, value], ...]` on the wire.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RequestEntry {
    #[serde(deserialize_with = "de::opt_string")]
    pub url: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub method: Option<String>,
    #[serde(deserialize_with = "de::pairs")]
    pub query: Vec<(String, String)>,
    #[serde(deserialize_with = "de::opt_string")]
    pub fragment: Option<String>,
    #[serde(deserialize_with = "de::opt_value")]
    pub data: Option<Value>,
    #[serde(deserialize_with = "de::pairs")]
    pub headers: Vec<(String, String)>,
    #[serde(deserialize_with = "de::pairs")]
    pub cookies: Vec<(String, String)>,
    #[serde(deserialize_with = "de::object")]
    pub env: Map<String, Value>,
    #[serde(deserialize_with = "de::opt_string")]
    pub inferred_content_type: Option<String>,
}

/// `message` entry (SDK `logentry`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MessageEntry {
    #[serde(deserialize_with = "de::opt_string")]
    pub formatted: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub message: Option<String>,
    #[serde(deserialize_with = "de::opt_value")]
    pub params: Option<Value>,
}

impl MessageEntry {
    /// `formatted`, else the raw `message`.
    pub fn text(&self) -> Option<&str> {
        self.formatted.as_deref().or(self.message.as_deref())
    }
}

/// `threads` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ThreadsEntry {
    #[serde(deserialize_with = "de::lenient_vec")]
    pub values: Vec<Thread>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Thread {
    #[serde(deserialize_with = "de::opt_string")]
    pub id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub crashed: bool,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub current: bool,
    #[serde(deserialize_with = "de::lenient")]
    pub stacktrace: Option<Stacktrace>,
    #[serde(deserialize_with = "de::lenient")]
    pub raw_stacktrace: Option<Stacktrace>,
}
