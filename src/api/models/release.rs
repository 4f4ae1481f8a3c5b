//! Release references: an issue's `firstRelease` / `lastRelease` and an event's `release`.
//!
//! Contract: Sentry sends an object (`{version, shortVersion, dateCreated, dateReleased, ref,
//! url, ...}`) or `null`; some servers send the bare version string. Both decode; a string
//! becomes a `Release` with only `version` set. Unknown members are ignored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::de;

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ReleaseFields {
    #[serde(deserialize_with = "de::string")]
    version: String,
    #[serde(deserialize_with = "de::opt_string")]
    short_version: Option<String>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    date_created: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    date_released: Option<DateTime<Utc>>,
    #[serde(rename = "ref", deserialize_with = "de::opt_string")]
    git_ref: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    url: Option<String>,
}

/// A release as referenced from an issue or an event.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    pub version: String,
    pub short_version: Option<String>,
    pub date_created: Option<DateTime<Utc>>,
    pub date_released: Option<DateTime<Utc>>,
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    pub url: Option<String>,
}

impl Release {
    /// `shortVersion` when present, else `version`.
    pub fn display_version(&self) -> &str {
        self.short_version.as_deref().filter(|s| !s.is_empty()).unwrap_or(&self.version)
    }
}

impl<'de> Deserialize<'de> for Release {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(version) => Ok(Self { version, ..Self::default() }),
            v @ Value::Object(_) => {
                let f: ReleaseFields = serde_json::from_value(v).map_err(serde::de::Error::custom)?;
                Ok(Self {
                    version: f.version,
                    short_version: f.short_version,
                    date_created: f.date_created,
                    date_released: f.date_released,
                    git_ref: f.git_ref,
                    url: f.url,
                })
            }
            _ => Err(serde::de::Error::custom("expected a release object or version string")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn object_string_and_null() {
        let r: Option<Release> = serde_json::from_value(json!({
            "version": "17642328ead24b51867165985996d04b29310337", "shortVersion": "1764232",
            "dateCreated": "2018-11-06T21:19:55.146Z", "dateReleased": null, "ref": null, "url": null, "extra": 1
        }))
        .unwrap();
        let r = r.unwrap();
        assert_eq!(r.display_version(), "1764232");
        assert!(r.date_created.is_some());
        let s: Release = serde_json::from_value(json!("1.2.3")).unwrap();
        assert_eq!(s.version, "1.2.3");
        let n: Option<Release> = serde_json::from_value(json!(null)).unwrap();
        assert!(n.is_none());
        let back: Release = serde_json::from_value(serde_json::to_value(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }
}
