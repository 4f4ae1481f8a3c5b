//! Tags of an issue, and of the whole organization (for search completion).
//!
//! Contract: `GET /organizations/{org}/issues/{id}/tags/` (all keys with top values; served by
//! Sentry but absent from its public schema), `GET .../tags/{key}/` (one key with top values)
//! and `GET .../tags/{key}/values/` (paginated values; see `TagValuesParams`);
//! `GET /organizations/{org}/tags/` (the organization's keys, in the schema) and
//! `GET /organizations/{org}/tags/{key}/values/?query=` (the first page of a key's values
//! containing `query`; served by Sentry, absent from the schema). Both take the projects
//! (`project`, ids) and environments (`environment`) to look in.

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

/// The `project` and `environment` parameters of the organization's tag reads.
fn scope_query(projects: &[i64], environments: &[String]) -> Vec<(&'static str, String)> {
    let mut query: Vec<(&str, String)> = projects.iter().map(|p| ("project", p.to_string())).collect();
    query.extend(environments.iter().map(|e| ("environment", e.clone())));
    query
}

impl Client {
    /// The organization's tag keys (in `projects` and `environments`; empty for all).
    pub async fn org_tags(&self, projects: &[i64], environments: &[String]) -> Result<Vec<TagKey>, Error> {
        self.get_json(self.org_url(&["tags"], &scope_query(projects, environments))).await
    }

    /// The first page of the organization's values of tag `key` that contain `contains`.
    pub async fn org_tag_values(
        &self,
        key: &str,
        contains: &str,
        projects: &[i64],
        environments: &[String],
    ) -> Result<Vec<TagValue>, Error> {
        let mut query = scope_query(projects, environments);
        if !contains.is_empty() {
            query.push(("query", contains.to_string()));
        }
        Ok(self.get_page(self.org_url(&["tags", key, "values"], &query)).await?.items)
    }
}
