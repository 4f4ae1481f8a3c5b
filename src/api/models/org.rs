//! Organizations, projects, project keys (DSNs) and environments.
//!
//! Contract: only the members a console needs are modelled; all are optional on the wire and
//! decode leniently (ids may be strings or numbers, e.g. a key's `projectId`). Unknown members
//! are ignored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::de;

/// An organization the token can see.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Organization {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub slug: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_created: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::lenient")]
    pub status: Option<NamedStatus>,
    #[serde(deserialize_with = "de::lenient")]
    pub links: Option<OrganizationLinks>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub features: Vec<String>,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub is_early_adopter: bool,
    #[serde(rename = "require2FA", deserialize_with = "de::bool_or_false")]
    pub require_2fa: bool,
}

/// `{id, name}` status pair (`{"id": "active", "name": "active"}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NamedStatus {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
}

/// Region routing links of an organization.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OrganizationLinks {
    #[serde(deserialize_with = "de::opt_string")]
    pub organization_url: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub region_url: Option<String>,
}

/// A project of an organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Project {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub slug: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub platform: Option<String>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_created: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub first_event: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub is_bookmarked: bool,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub is_member: bool,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub has_access: bool,
    #[serde(deserialize_with = "de::lenient")]
    pub team: Option<TeamRef>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub teams: Vec<TeamRef>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub environments: Vec<String>,
    #[serde(deserialize_with = "de::lenient_vec")]
    pub features: Vec<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
}

impl Project {
    /// The numeric id, as the issue list's `project` parameter wants it.
    pub fn numeric_id(&self) -> Option<i64> {
        self.id.parse().ok()
    }
}

/// `{id, slug, name}` of a team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamRef {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub slug: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
}

/// A client key of a project, with its DSNs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ProjectKey {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::opt_string")]
    pub label: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub public: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub secret: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub project_id: Option<String>,
    #[serde(deserialize_with = "de::bool_or_false")]
    pub is_active: bool,
    #[serde(deserialize_with = "de::lenient")]
    pub dsn: Dsn,
    #[serde(deserialize_with = "de::opt_timestamp")]
    pub date_created: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "de::lenient")]
    pub rate_limit: Option<KeyRateLimit>,
}

/// The DSN variants of a key. `public` is the one SDKs use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dsn {
    #[serde(deserialize_with = "de::opt_string")]
    pub public: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub secret: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub csp: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub security: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub minidump: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub unreal: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub cdn: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub crons: Option<String>,
}

/// Per-key rate limit: `count` events per `window` seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyRateLimit {
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub window: u64,
    #[serde(deserialize_with = "de::u64_or_zero")]
    pub count: u64,
}

/// An environment of an organization.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Environment {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::opt_bool")]
    pub is_hidden: Option<bool>,
}
