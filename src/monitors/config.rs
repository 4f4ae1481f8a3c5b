//! A monitor's configuration as a check-in's `monitor_config` carries it, validated: the
//! schedule parses (five-field crontab, or a positive interval in a known unit), the time zone
//! is a tz database name, the margins are whole minutes. Every refusal says which field was
//! wrong, quotes the value and says what is accepted. Defaults follow Sentry: a margin of one
//! minute, a runtime of thirty, thresholds of one.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The longest slug kept; longer ones are cut, as Relay does.
pub const MAX_SLUG: usize = 50;

/// Minutes a check-in may be late when no margin is given.
pub const DEFAULT_MARGIN: u32 = 1;
/// Minutes an `in_progress` check-in may run when no maximum is given.
pub const DEFAULT_MAX_RUNTIME: u32 = 30;

/// A refused `monitor_config` or check-in, with the reason people read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// When a monitor expects its check-ins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Schedule {
    /// A five-field crontab (`12 0 * * *`), evaluated in the monitor's time zone.
    Crontab { value: String },
    /// Every `value` units after the last check-in.
    Interval { value: u32, unit: IntervalUnit },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntervalUnit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl IntervalUnit {
    const NAMES: [(&'static str, IntervalUnit); 6] = [
        ("minute", IntervalUnit::Minute),
        ("hour", IntervalUnit::Hour),
        ("day", IntervalUnit::Day),
        ("week", IntervalUnit::Week),
        ("month", IntervalUnit::Month),
        ("year", IntervalUnit::Year),
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES.iter().find(|(_, u)| *u == self).map_or("minute", |(n, _)| n)
    }

    fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_end_matches('s');
        Self::NAMES.iter().find(|(n, _)| *n == text).map(|(_, u)| *u)
    }
}

/// A validated monitor configuration, stored as JSON with the monitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorConfig {
    pub schedule: Schedule,
    /// Minutes a check-in may arrive after its expected time before it counts as missed.
    pub checkin_margin: u32,
    /// Minutes an `in_progress` check-in may run before it counts as timed out.
    pub max_runtime: u32,
    pub timezone: String,
    /// Consecutive failures before an issue is opened.
    pub failure_issue_threshold: u32,
    /// Consecutive successes that end a failure (shown; the issue is resolved by people).
    pub recovery_threshold: u32,
}

impl MonitorConfig {
    /// Reads and validates a check-in's `monitor_config` object.
    pub fn parse(value: &Value) -> Result<Self, ConfigError> {
        let object = value.as_object().ok_or_else(|| ConfigError("monitor_config must be a JSON object".into()))?;
        let schedule = parse_schedule(object.get("schedule"))?;
        let timezone = match object.get("timezone") {
            None | Some(Value::Null) => "UTC".to_string(),
            Some(Value::String(name)) => {
                chrono_tz::Tz::from_str(name).map_err(|_| {
                    ConfigError(format!(
                        "monitor_config.timezone: {name:?} is not a tz database time zone (such as \"UTC\" or \"Europe/Vienna\")"
                    ))
                })?;
                name.clone()
            }
            Some(other) => return Err(ConfigError(format!("monitor_config.timezone must be a string, not {other}"))),
        };
        let minutes = |field: &str, default: u32| -> Result<u32, ConfigError> {
            match object.get(field) {
                None | Some(Value::Null) => Ok(default),
                Some(value) => value
                    .as_u64()
                    .or_else(|| value.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| {
                        ConfigError(format!("monitor_config.{field}: {value} is not a whole number of minutes"))
                    }),
            }
        };
        Ok(Self {
            schedule,
            checkin_margin: minutes("checkin_margin", DEFAULT_MARGIN)?.max(1),
            max_runtime: minutes("max_runtime", DEFAULT_MAX_RUNTIME)?.max(1),
            timezone,
            failure_issue_threshold: minutes("failure_issue_threshold", 1)?.max(1),
            recovery_threshold: minutes("recovery_threshold", 1)?.max(1),
        })
    }

    /// The time zone (validated when the config was read; UTC if a stored one no longer parses).
    pub fn tz(&self) -> chrono_tz::Tz {
        chrono_tz::Tz::from_str(&self.timezone).unwrap_or(chrono_tz::UTC)
    }

    /// The schedule as people write it: `12 0 * * *` or `every 5 minutes`.
    pub fn schedule_text(&self) -> String {
        match &self.schedule {
            Schedule::Crontab { value } => value.clone(),
            Schedule::Interval { value, unit } => {
                format!("every {value} {}{}", unit.as_str(), if *value == 1 { "" } else { "s" })
            }
        }
    }
}

fn parse_schedule(value: Option<&Value>) -> Result<Schedule, ConfigError> {
    let object = value.and_then(Value::as_object).ok_or_else(|| {
        ConfigError(
            "monitor_config.schedule is missing: send {\"type\":\"crontab\",\"value\":\"0 * * * *\"} or \
             {\"type\":\"interval\",\"value\":5,\"unit\":\"minute\"}"
                .into(),
        )
    })?;
    match object.get("type").and_then(Value::as_str) {
        Some("crontab") => {
            let text = object.get("value").and_then(Value::as_str).unwrap_or_default().trim();
            super::schedule::crontab(text)?;
            Ok(Schedule::Crontab { value: text.to_string() })
        }
        Some("interval") => {
            let amount =
                object.get("value").and_then(Value::as_u64).filter(|n| *n > 0).and_then(|n| u32::try_from(n).ok());
            let amount = amount.ok_or_else(|| {
                ConfigError(format!(
                    "monitor_config.schedule.value: {} is not a positive whole number of units",
                    object.get("value").map_or_else(|| "nothing".to_string(), Value::to_string)
                ))
            })?;
            let unit_text = object.get("unit").and_then(Value::as_str).unwrap_or_default();
            let unit = IntervalUnit::parse(unit_text).ok_or_else(|| {
                ConfigError(format!(
                    "monitor_config.schedule.unit: {unit_text:?} is not one of minute, hour, day, week, month, year"
                ))
            })?;
            Ok(Schedule::Interval { value: amount, unit })
        }
        other => Err(ConfigError(format!(
            "monitor_config.schedule.type: {} is not \"crontab\" or \"interval\"",
            other.map_or_else(|| "nothing".to_string(), |t| format!("{t:?}"))
        ))),
    }
}

/// What a check-in says about its run. `missed` and `timeout` are decided by the server only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInStatus {
    InProgress,
    Ok,
    Error,
    Missed,
    Timeout,
}

impl CheckInStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckInStatus::InProgress => "in_progress",
            CheckInStatus::Ok => "ok",
            CheckInStatus::Error => "error",
            CheckInStatus::Missed => "missed",
            CheckInStatus::Timeout => "timeout",
        }
    }

    /// A status a client may send; `missed`, `timeout` and anything else are refused.
    pub fn from_client(text: &str) -> Result<Self, ConfigError> {
        match text {
            "in_progress" => Ok(CheckInStatus::InProgress),
            "ok" => Ok(CheckInStatus::Ok),
            "error" => Ok(CheckInStatus::Error),
            other => Err(ConfigError(format!("check-in status {other:?} is not one of in_progress, ok, error"))),
        }
    }

    pub fn from_stored(text: &str) -> Self {
        match text {
            "in_progress" => CheckInStatus::InProgress,
            "ok" => CheckInStatus::Ok,
            "missed" => CheckInStatus::Missed,
            "timeout" => CheckInStatus::Timeout,
            _ => CheckInStatus::Error,
        }
    }

    pub fn is_failure(self) -> bool {
        matches!(self, CheckInStatus::Error | CheckInStatus::Missed | CheckInStatus::Timeout)
    }
}

/// Cuts a slug to [`MAX_SLUG`] characters; an empty one is refused.
pub fn slug(text: &str) -> Result<String, ConfigError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ConfigError("monitor_slug is empty: name the monitor (sentry-cli: monitors run <slug>)".into()));
    }
    Ok(text.chars().take(MAX_SLUG).collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_full_crontab_config_is_read_with_its_fields() {
        let config = MonitorConfig::parse(&json!({
            "schedule": {"type": "crontab", "value": "12 0 * * *"},
            "checkin_margin": 5, "max_runtime": 30, "timezone": "Europe/Vienna",
            "failure_issue_threshold": 4, "recovery_threshold": 7
        }))
        .unwrap();
        assert_eq!(config.schedule, Schedule::Crontab { value: "12 0 * * *".into() });
        assert_eq!((config.checkin_margin, config.max_runtime, config.failure_issue_threshold), (5, 30, 4));
        assert_eq!(config.timezone, "Europe/Vienna");
    }

    #[test]
    fn an_interval_takes_defaults_for_what_is_missing() {
        let config =
            MonitorConfig::parse(&json!({"schedule": {"type": "interval", "value": 5, "unit": "minute"}})).unwrap();
        assert_eq!(config.schedule, Schedule::Interval { value: 5, unit: IntervalUnit::Minute });
        assert_eq!((config.checkin_margin, config.max_runtime, config.timezone.as_str()), (1, 30, "UTC"));
        assert_eq!(config.schedule_text(), "every 5 minutes");
    }

    #[test]
    fn bad_configs_say_which_field_and_value() {
        let cases = [
            (json!({"schedule": {"type": "crontab", "value": "61 * * * *"}}), "\"61 * * * *\" is not a crontab"),
            (json!({"schedule": {"type": "crontab", "value": "* * *"}}), "\"* * *\" is not a crontab"),
            (
                json!({"schedule": {"type": "interval", "value": 0, "unit": "day"}}),
                "schedule.value: 0 is not a positive",
            ),
            (json!({"schedule": {"type": "interval", "value": 3, "unit": "fortnight"}}), "\"fortnight\" is not one of"),
            (json!({"schedule": {"type": "weekly"}}), "\"weekly\" is not \"crontab\" or \"interval\""),
            (json!({}), "monitor_config.schedule is missing"),
            (
                json!({"schedule": {"type": "crontab", "value": "0 * * * *"}, "timezone": "Mars/Olympus"}),
                "\"Mars/Olympus\" is not a tz database time zone",
            ),
            (
                json!({"schedule": {"type": "crontab", "value": "0 * * * *"}, "checkin_margin": -3}),
                "checkin_margin: -3 is not a whole number",
            ),
            (json!("nope"), "must be a JSON object"),
        ];
        for (config, expected) in cases {
            let err = MonitorConfig::parse(&config).unwrap_err().to_string();
            assert!(err.contains(expected), "{config}: {err}");
        }
    }

    #[test]
    fn statuses_from_clients_exclude_the_server_side_ones() {
        assert_eq!(CheckInStatus::from_client("ok").unwrap(), CheckInStatus::Ok);
        assert!(CheckInStatus::from_client("missed").unwrap_err().to_string().contains("not one of"));
        assert!(slug("  ").is_err());
        assert_eq!(slug(&"x".repeat(80)).unwrap().len(), MAX_SLUG);
    }
}
