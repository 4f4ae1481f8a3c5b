//! Lenient serde helpers shared by every model.
//!
//! Contract: none of these functions ever fails on a well-formed JSON value of an unexpected
//! shape. Servers differ (sentry.io, self-hosted Sentry of any age, GlitchTip, sift's own
//! server, Prism's random data), so a field that is missing, `null`, or of the wrong type decodes
//! to its default (`None`, `""`, `0`, `false`, empty collection) instead of failing the whole
//! response. Numbers sent as strings (Sentry's `count`) and ids sent as numbers are accepted.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Decodes `T`, falling back to `T::default()` when the value does not fit.
pub(crate) fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    let v = Value::deserialize(d)?;
    Ok(serde_json::from_value(v).unwrap_or_default())
}

/// Decodes a list, dropping the elements that do not fit (a non-array gives an empty list).
pub(crate) fn lenient_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(vec_from_value(Value::deserialize(d)?))
}

pub(crate) fn vec_from_value<T: DeserializeOwned>(v: Value) -> Vec<T> {
    match v {
        Value::Array(items) => items.into_iter().filter_map(|item| serde_json::from_value(item).ok()).collect(),
        _ => Vec::new(),
    }
}

/// Scalar to text: strings as-is, numbers and booleans formatted; anything else is `None`.
pub(crate) fn value_to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(value_to_string(&Value::deserialize(d)?))
}

pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(value_to_string(&Value::deserialize(d)?).unwrap_or_default())
}

/// Non-negative integer from a number (floats truncated) or a numeric string (`"150"`).
pub(crate) fn value_to_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| f.is_finite() && *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<u64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().filter(|f| f.is_finite() && *f >= 0.0).map(|f| f as u64))
        }
        _ => None,
    }
}

pub(crate) fn value_to_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(value_to_u64(&Value::deserialize(d)?))
}

pub(crate) fn u64_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(value_to_u64(&Value::deserialize(d)?).unwrap_or(0))
}

pub(crate) fn value_to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|f| f != 0.0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(value_to_bool(&Value::deserialize(d)?))
}

pub(crate) fn bool_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(value_to_bool(&Value::deserialize(d)?).unwrap_or(false))
}

/// Parses RFC 3339 (`2018-11-06T21:19:55Z`, any fraction, any offset), a zone-less ISO
/// timestamp (taken as UTC, as older servers emit), or epoch seconds as number or string.
pub(crate) fn parse_timestamp(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::String(s) => {
            let s = s.trim();
            if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
                return Some(dt.with_timezone(&Utc));
            }
            for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f%#z"] {
                if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
                    return Some(Utc.from_utc_datetime(&naive));
                }
            }
            s.parse::<f64>().ok().and_then(epoch_to_datetime)
        }
        Value::Number(n) => n.as_f64().and_then(epoch_to_datetime),
        _ => None,
    }
}

fn epoch_to_datetime(secs: f64) -> Option<DateTime<Utc>> {
    if !secs.is_finite() {
        return None;
    }
    let whole = secs.floor();
    let nanos = ((secs - whole) * 1e9).round().clamp(0.0, 999_999_999.0) as u32;
    Utc.timestamp_opt(whole as i64, nanos).single()
}

pub(crate) fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(parse_timestamp(&Value::deserialize(d)?))
}

/// Key/value pairs from `[[k, v], ...]` (Sentry's request headers, query, cookies) or from an
/// object. Values that are not strings are rendered as JSON text; `null` becomes `""`.
pub(crate) fn pairs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    fn text(v: &Value) -> String {
        match v {
            Value::Null => String::new(),
            other => value_to_string(other).unwrap_or_else(|| other.to_string()),
        }
    }
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::Array(kv) if !kv.is_empty() => Some((text(&kv[0]), kv.get(1).map(text).unwrap_or_default())),
                _ => None,
            })
            .collect(),
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
        _ => Vec::new(),
    })
}

/// Any JSON object as a map; anything else gives an empty map.
pub(crate) fn object<'de, D: Deserializer<'de>>(d: D) -> Result<serde_json::Map<String, Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    })
}

/// `Some(value)` unless the value is `null` (keeps arbitrary JSON verbatim).
pub(crate) fn opt_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        v => Some(v),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_strings() {
        assert_eq!(value_to_u64(&json!("150")), Some(150));
        assert_eq!(value_to_u64(&json!(" 7 ")), Some(7));
        assert_eq!(value_to_u64(&json!(12)), Some(12));
        assert_eq!(value_to_u64(&json!(3.9)), Some(3));
        assert_eq!(value_to_u64(&json!(-1)), None);
        assert_eq!(value_to_u64(&json!("string")), None);
        assert_eq!(value_to_u64(&json!(null)), None);
        assert_eq!(value_to_string(&json!(4505281256090153u64)).as_deref(), Some("4505281256090153"));
    }

    #[test]
    fn timestamps() {
        let want = Utc.with_ymd_and_hms(2018, 11, 6, 21, 19, 55).single();
        assert_eq!(parse_timestamp(&json!("2018-11-06T21:19:55Z")), want);
        assert_eq!(parse_timestamp(&json!("2018-11-06T21:19:55")), want);
        assert_eq!(parse_timestamp(&json!("2018-11-06T22:19:55+01:00")), want);
        assert_eq!(parse_timestamp(&json!(1541539195)), want);
        assert!(parse_timestamp(&json!("1900-09-10T16:11:29.0Z")).is_some());
        assert!(parse_timestamp(&json!("2020-06-17T22:26:56.098086Z")).is_some());
        assert_eq!(parse_timestamp(&json!("lorem ipsum")), None);
        assert_eq!(parse_timestamp(&json!(null)), None);
    }

    #[test]
    fn bools() {
        assert_eq!(value_to_bool(&json!(true)), Some(true));
        assert_eq!(value_to_bool(&json!("false")), Some(false));
        assert_eq!(value_to_bool(&json!(1)), Some(true));
        assert_eq!(value_to_bool(&json!({})), None);
    }
}
