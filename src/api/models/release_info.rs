//! Releases as the release list and detail return them (`GET …/releases/`,
//! `…/releases/{version}/`), with each project's `healthData` when asked for (`health=1`) and
//! sift's per-project `eventCount` and `eventStats`, and deploys.
//!
//! Contract: lenient like every model here; a release needs only its `version`. Crash-free rates
//! and adoption are percentages (0-100) as Sentry sends them, `None` where the server has no
//! sessions or sent none; a server without sift's event fields leaves `event_count` `None`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::de;
use super::stats::IssueStats;

fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
        Value::String(s) => s.parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    })
}

/// A deploy of a release.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Deploy {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub environment: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub url: Option<String>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_started: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_finished: Option<DateTime<Utc>>,
}

/// Release health of one project in one release.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HealthData {
    #[serde(deserialize_with = "opt_f64")]
    pub crash_free_sessions: Option<f64>,
    #[serde(deserialize_with = "opt_f64")]
    pub crash_free_users: Option<f64>,
    /// Share of the project's users in the last 24 hours, in percent.
    #[serde(deserialize_with = "opt_f64")]
    pub adoption: Option<f64>,
    #[serde(deserialize_with = "opt_f64")]
    pub sessions_adoption: Option<f64>,
    #[serde(deserialize_with = "de::opt_u64")]
    pub total_sessions: Option<u64>,
    #[serde(deserialize_with = "de::opt_u64")]
    pub total_users: Option<u64>,
    #[serde(deserialize_with = "de::opt_u64")]
    pub total_sessions_24h: Option<u64>,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub sessions_crashed: u64,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub sessions_errored: u64,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub has_health_data: bool,
    #[serde(deserialize_with = "de::lenient")]
    pub stats: IssueStats,
}

/// One project of a release.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReleaseProject {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub slug: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub platform: Option<String>,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub new_groups: u64,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub has_health_data: bool,
    #[serde(deserialize_with = "de::lenient")]
    pub health_data: Option<HealthData>,
    /// sift's extension: events in this release (absent from Sentry).
    #[serde(deserialize_with = "de::opt_u64")]
    pub event_count: Option<u64>,
    /// sift's extension: those events per hour (`24h`) and per day (`14d`).
    #[serde(deserialize_with = "de::lenient")]
    pub event_stats: IssueStats,
}

/// A release with its projects and deploys.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReleaseInfo {
    #[serde(deserialize_with = "de::string")]
    pub version: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub short_version: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub url: Option<String>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_created: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_released: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub first_event: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub last_event: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub new_groups: u64,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub commit_count: u64,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub deploy_count: u64,
    #[serde(deserialize_with = "de::lenient")]
    pub last_deploy: Option<Deploy>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub projects: Vec<ReleaseProject>,
}

impl ReleaseInfo {
    /// `shortVersion` when present, else `version`.
    pub fn display_version(&self) -> &str {
        self.short_version.as_deref().filter(|s| !s.is_empty()).unwrap_or(&self.version)
    }

    /// The project `slug` of this release.
    pub fn project(&self, slug: &str) -> Option<&ReleaseProject> {
        self.projects.iter().find(|p| p.slug == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sentrys_release_and_sifts_extensions_decode() {
        let r: ReleaseInfo = serde_json::from_value(json!({
            "version": "web@1.2.3", "shortVersion": "1.2.3", "dateCreated": "2026-06-29T11:36:59.612687Z",
            "dateReleased": null, "newGroups": "4", "deployCount": 1,
            "lastDeploy": { "id": "3", "environment": "production", "dateFinished": "2026-06-29T12:00:00Z", "name": null },
            "projects": [{ "id": 1, "slug": "web", "name": "Web", "newGroups": 4, "platform": "javascript",
                "hasHealthData": true, "eventCount": 12, "eventStats": { "24h": [[1782727200, 3]] },
                "healthData": { "crashFreeSessions": 99.5, "crashFreeUsers": null, "adoption": 40,
                                "sessionsCrashed": 1, "hasHealthData": true, "stats": { "24h": [[1782727200, 20]] } } },
                "not a project"],
            "extra": {}
        }))
        .unwrap();
        assert_eq!((r.display_version(), r.new_groups), ("1.2.3", 4));
        assert_eq!(r.last_deploy.as_ref().map(|d| d.environment.as_str()), Some("production"));
        let web = r.project("web").unwrap();
        assert_eq!((web.id.as_str(), web.event_count), ("1", Some(12)));
        let health = web.health_data.as_ref().unwrap();
        assert_eq!(
            (health.crash_free_sessions, health.crash_free_users, health.adoption),
            (Some(99.5), None, Some(40.0))
        );
        assert_eq!(health.stats.series("24h").map(<[_]>::len), Some(1));
        let bare: ReleaseInfo = serde_json::from_value(json!({ "version": "x", "projects": null })).unwrap();
        assert!(bare.projects.is_empty() && bare.date_created.is_none());
    }
}
