//! Timestamps: SDKs send unix seconds (float or int) or RFC 3339 strings (with or without a
//! zone; none means UTC). Relay's clock rules apply: a client clock off by 55 minutes or more
//! (judged by the envelope's `sent_at`) shifts every event time by the drift, then a time more
//! than 60 s in the future or older than 30 days is replaced by the arrival time.

use chrono::{DateTime, NaiveDateTime};

use crate::ingest::tree::Value;

const DRIFT_THRESHOLD: f64 = 55.0 * 60.0;
const MAX_FUTURE: f64 = 60.0;
const MAX_AGE: f64 = 30.0 * 24.0 * 3600.0;

/// Parses a JSON timestamp into unix seconds.
pub fn parse(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => parse_number(n),
        serde_json::Value::String(text) => parse_text(text),
        _ => None,
    }
}

/// [`parse`] for the ingest tree.
pub fn parse_value(value: &Value<'_>) -> Option<f64> {
    match value {
        Value::Number(n) => parse_number(n),
        Value::String(text) => parse_text(text),
        _ => None,
    }
}

fn parse_number(n: &serde_json::Number) -> Option<f64> {
    n.as_f64().filter(|t| t.is_finite() && *t >= 0.0)
}

fn parse_text(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then_some(seconds);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.timestamp_micros() as f64 / 1e6);
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"].iter().find_map(|format| {
        NaiveDateTime::parse_from_str(text, format).ok().map(|dt| dt.and_utc().timestamp_micros() as f64 / 1e6)
    })
}

/// How far to shift client times: `received - sent_at` when the client clock is off by
/// 55 minutes or more, else zero.
pub fn drift(sent_at: Option<f64>, received: f64) -> f64 {
    match sent_at {
        Some(sent) if (received - sent).abs() >= DRIFT_THRESHOLD => received - sent,
        _ => 0.0,
    }
}

/// A client time corrected by `drift` and clamped into the accepted window, and whether it had
/// to be replaced by the arrival time.
pub fn correct(time: Option<f64>, drift: f64, received: f64) -> (f64, Option<&'static str>) {
    match time {
        None => (received, None),
        Some(t) => {
            let t = t + drift;
            if t > received + MAX_FUTURE {
                (received, Some("future_timestamp"))
            } else if t < received - MAX_AGE {
                (received, Some("past_timestamp"))
            } else {
                (t, None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn formats() {
        assert_eq!(parse(&json!(1767428000.5)), Some(1767428000.5));
        assert_eq!(parse(&json!(1767428000)), Some(1767428000.0));
        assert_eq!(parse(&json!("1767428000.25")), Some(1767428000.25));
        assert_eq!(parse(&json!("2026-01-03T08:13:20Z")), Some(1767428000.0));
        assert_eq!(parse(&json!("2026-01-03T09:13:20+01:00")), Some(1767428000.0));
        assert_eq!(parse(&json!("2026-01-03T08:13:20.500000")), Some(1767428000.5));
        assert_eq!(parse(&json!("2026-01-03T08:13:20.5+00:00")), Some(1767428000.5));
        assert_eq!(parse(&json!("yesterday")), None);
        assert_eq!(parse(&json!(-5)), None);
        assert_eq!(parse(&json!(null)), None);
        for value in [json!(1767428000.5), json!("2026-01-03T08:13:20Z"), json!(-5), json!("yesterday"), json!([])] {
            assert_eq!(parse_value(&Value::from(&value)), parse(&value), "{value}");
        }
    }

    #[test]
    fn drift_rules() {
        let now = 1_000_000.0;
        assert_eq!(drift(None, now), 0.0);
        assert_eq!(drift(Some(now - 54.0 * 60.0), now), 0.0);
        assert_eq!(drift(Some(now - 3600.0), now), 3600.0);
        assert_eq!(correct(Some(now - 3600.0 - 5.0), 3600.0, now), (now - 5.0, None));
    }

    #[test]
    fn clamping() {
        let now = 10_000_000.0;
        assert_eq!(correct(None, 0.0, now), (now, None));
        assert_eq!(correct(Some(now + 30.0), 0.0, now), (now + 30.0, None));
        assert_eq!(correct(Some(now + 61.0), 0.0, now), (now, Some("future_timestamp")));
        assert_eq!(correct(Some(now - 31.0 * 86400.0), 0.0, now), (now, Some("past_timestamp")));
    }
}
