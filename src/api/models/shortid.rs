//! Result of `GET /api/0/organizations/{org}/shortids/{short_id}/`.
//!
//! Contract: `{organizationSlug, projectSlug, groupId, shortId, group}` where `group` is a full
//! issue object; every member decodes leniently.

use serde::{Deserialize, Serialize};

use super::de;
use super::issue::Issue;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ShortIdLookup {
    #[serde(deserialize_with = "de::string")]
    pub organization_slug: String,
    #[serde(deserialize_with = "de::string")]
    pub project_slug: String,
    #[serde(deserialize_with = "de::string")]
    pub group_id: String,
    #[serde(deserialize_with = "de::string")]
    pub short_id: String,
    #[serde(deserialize_with = "de::lenient")]
    pub group: Issue,
}
