//! Tags of an issue.
//!
//! Contract: `GET /organizations/{org}/issues/{id}/tags/` (all keys with top values; served by
//! Sentry but absent from its public schema), `GET .../tags/{key}/` (one key with top values)
//! and `GET .../tags/{key}/values/` (paginated values; see `TagValuesParams`).

use crate::api::client::Client;
use crate::api::error::Error;
use crate::api::models::{TagKey, TagValue};
use crate::api::page::Page;
use crate::api::params::TagValuesParams;

impl Client {
    /// All tag keys of an issue with their top values.
    pub async fn issue_tags(&self, issue_id: &str, environments: &[String]) -> Result<Vec<TagKey>, Error> {
        let query: Vec<(&str, String)> = environments.iter().map(|e| ("environment", e.clone())).collect();
        self.get_json(self.org_url(&["issues", issue_id, "tags"], &query)).await
    }

    /// One tag key of an issue with its top values.
    pub async fn issue_tag(&self, issue_id: &str, key: &str, environments: &[String]) -> Result<TagKey, Error> {
        let query: Vec<(&str, String)> = environments.iter().map(|e| ("environment", e.clone())).collect();
        self.get_json(self.org_url(&["issues", issue_id, "tags", key], &query)).await
    }

    /// A page of the values of one tag key.
    pub async fn issue_tag_values(
        &self,
        issue_id: &str,
        key: &str,
        params: &TagValuesParams,
    ) -> Result<Page<TagValue>, Error> {
        self.get_page(self.org_url(&["issues", issue_id, "tags", key, "values"], &params.to_query())).await
    }
}
