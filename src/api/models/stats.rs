//! Issue sparkline series: Sentry's `stats` object, `{"24h": [[unix_ts, n], ...], "14d": ...}`.
//!
//! Contract: decodes any object whose values are lists of `[timestamp, count]` pairs; keys whose
//! value is not a list are dropped, malformed points are skipped, counts given as strings or
//! floats are accepted. Serializes back to the same wire shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::de::{value_to_i64, value_to_u64};

/// One bucket of a series: start of the bucket (epoch seconds) and the number of events in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatPoint {
    pub timestamp: i64,
    pub count: u64,
}

impl StatPoint {
    fn from_value(v: &Value) -> Option<Self> {
        let arr = v.as_array()?;
        let timestamp = value_to_i64(arr.first()?)?;
        // Some series carry `[ts, [{"count": n}]]` (grouped stats); sum those.
        let count = match arr.get(1)? {
            Value::Array(items) => items.iter().filter_map(|i| i.get("count").and_then(value_to_u64)).sum(),
            other => value_to_u64(other).unwrap_or(0),
        };
        Some(Self { timestamp, count })
    }
}

impl Serialize for StatPoint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.timestamp, self.count).serialize(s)
    }
}

impl<'de> Deserialize<'de> for StatPoint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Self::from_value(&v).ok_or_else(|| serde::de::Error::custom("expected [timestamp, count]"))
    }
}

/// All series of an issue keyed by period (`"24h"`, `"14d"`, `"30d"`, `"auto"`...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct IssueStats(pub BTreeMap<String, Vec<StatPoint>>);

impl IssueStats {
    /// The series for `period`, if the server sent it.
    pub fn series(&self, period: &str) -> Option<&[StatPoint]> {
        self.0.get(period).map(Vec::as_slice)
    }

    /// The first series in preference order `24h`, `14d`, `30d`, then any.
    pub fn primary(&self) -> Option<(&str, &[StatPoint])> {
        ["24h", "14d", "30d", "auto"]
            .iter()
            .find_map(|k| self.0.get_key_value(*k))
            .or_else(|| self.0.iter().next())
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for IssueStats {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = match Value::deserialize(d)? {
            Value::Object(map) => map
                .into_iter()
                .filter_map(|(k, v)| match v {
                    Value::Array(points) => Some((k, points.iter().filter_map(StatPoint::from_value).collect())),
                    _ => None,
                })
                .collect(),
            _ => BTreeMap::new(),
        };
        Ok(Self(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_series_and_skips_garbage() {
        let stats: IssueStats = serde_json::from_value(json!({
            "24h": [[1541455200, 473], [1541458800, "914"], ["bad"], [1541462400]],
            "30d": [[1538870400, 565.0]],
            "weird": {"x": 1},
        }))
        .unwrap();
        assert_eq!(
            stats.series("24h").unwrap(),
            &[StatPoint { timestamp: 1541455200, count: 473 }, StatPoint { timestamp: 1541458800, count: 914 }]
        );
        assert_eq!(stats.series("30d").unwrap().len(), 1);
        assert!(stats.series("weird").is_none());
        assert_eq!(stats.primary().unwrap().0, "24h");
        let back = serde_json::to_value(&stats).unwrap();
        assert_eq!(back["24h"][0], json!([1541455200, 473]));
        let empty: IssueStats = serde_json::from_value(json!("nope")).unwrap();
        assert!(empty.is_empty());
    }
}
