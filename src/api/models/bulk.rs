//! Response of a bulk issue update (`PUT /api/0/organizations/{org}/issues/?id=..`).
//!
//! Contract: Sentry echoes a partial object with only the members it applied (`status`,
//! `statusDetails`, `substatus`, `priority`, `assignedTo`, `isBookmarked`, `hasSeen`, `inbox`,
//! ...); every member is optional. A `204 No Content` (no issue matched) is reported by the
//! client as `None`, never as this type.

use serde::{Deserialize, Serialize};

use super::de;
use super::enums::{IssueStatus, Priority, Substatus};
use super::issue::{Assignee, StatusDetails};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BulkUpdateResult {
    #[serde(deserialize_with = "de::lenient")]
    pub status: Option<IssueStatus>,
    #[serde(deserialize_with = "de::lenient")]
    pub substatus: Option<Substatus>,
    #[serde(deserialize_with = "de::lenient")]
    pub status_details: Option<StatusDetails>,
    #[serde(deserialize_with = "de::lenient")]
    pub priority: Option<Priority>,
    #[serde(deserialize_with = "de::lenient")]
    pub assigned_to: Option<Assignee>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub is_bookmarked: Option<bool>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub has_seen: Option<bool>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub is_subscribed: Option<bool>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub is_public: Option<bool>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub inbox: Option<bool>,
}
