//! Cron monitors as Sentry serves them: a monitor (`id`, `slug`, `name`, `status`, `config`
//! with the schedule, `environments` with the health and the last and next check-in) and its
//! check-ins (`status`, `duration` in ms, `dateCreated`, and the issues a failure opened under
//! `groups`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::de;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MonitorConfig {
    #[serde(deserialize_with = "de::string")]
    pub schedule_type: String,
    #[serde(deserialize_with = "de::opt_value")]
    pub schedule: Option<Value>,
    #[serde(deserialize_with = "de::opt_string")]
    pub timezone: Option<String>,
    #[serde(deserialize_with = "de::opt_u64")]
    pub checkin_margin: Option<u64>,
    #[serde(deserialize_with = "de::opt_u64")]
    pub max_runtime: Option<u64>,
}

impl MonitorConfig {
    /// The schedule as people write it: `0 * * * *`, or `every 5 minutes`.
    pub fn schedule_text(&self) -> String {
        match &self.schedule {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Array(parts)) => {
                let n = parts.first().and_then(de::value_to_u64).unwrap_or(1);
                let unit = parts.get(1).and_then(Value::as_str).unwrap_or("minute");
                format!("every {n} {unit}{}", if n == 1 { "" } else { "s" })
            }
            _ => "?".into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MonitorEnvironment {
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::string")]
    pub status: String,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub last_check_in: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub next_check_in: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MonitorProject {
    #[serde(deserialize_with = "de::string")]
    pub slug: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Monitor {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub slug: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::string")]
    pub status: String,
    #[serde(deserialize_with = "de::lenient")]
    pub config: MonitorConfig,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub environments: Vec<MonitorEnvironment>,
    #[serde(deserialize_with = "de::lenient")]
    pub project: Option<MonitorProject>,
}

impl Monitor {
    /// The environment the console shows (the first).
    pub fn environment(&self) -> Option<&MonitorEnvironment> {
        self.environments.first()
    }
}

/// The issue a failed check-in opened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CheckInGroup {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub short_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CheckIn {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    /// `ok`, `error`, `missed`, `timeout`, `in_progress`.
    #[serde(deserialize_with = "de::string")]
    pub status: String,
    /// Milliseconds.
    #[serde(deserialize_with = "de::opt_u64")]
    pub duration: Option<u64>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_created: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub groups: Vec<CheckInGroup>,
}
