//! Releases and their deploys.
//!
//! Contract: `GET /organizations/{org}/releases/` (params: see [`ReleaseListParams`]),
//! `GET /organizations/{org}/releases/{version}/` and `…/{version}/deploys/`. The version is
//! one path segment, percent-encoded by the URL builder. `health=1` asks for each project's
//! `healthData`; servers that do not know it answer without.

use crate::api::client::Client;
use crate::api::error::Error;
use crate::api::models::{Deploy, ReleaseInfo};
use crate::api::page::Page;

/// What a release list asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseListParams {
    /// Project ids; empty: every project.
    pub projects: Vec<i64>,
    pub environments: Vec<String>,
    /// Part of the version.
    pub query: Option<String>,
    pub per_page: Option<u32>,
    pub cursor: Option<String>,
    /// Ask for `healthData`.
    pub health: bool,
    /// `24h` or `14d` for the health series.
    pub health_stats_period: Option<String>,
}

impl ReleaseListParams {
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut query: Vec<(&'static str, String)> = self.projects.iter().map(|p| ("project", p.to_string())).collect();
        query.extend(self.environments.iter().map(|e| ("environment", e.clone())));
        if let Some(text) = self.query.as_ref().filter(|q| !q.is_empty()) {
            query.push(("query", text.clone()));
        }
        if let Some(n) = self.per_page {
            query.push(("per_page", n.to_string()));
        }
        if let Some(cursor) = self.cursor.as_ref().filter(|c| !c.is_empty()) {
            query.push(("cursor", cursor.clone()));
        }
        if self.health {
            query.push(("health", "1".into()));
            query.push(("summaryStatsPeriod", "14d".into()));
            query.push(("healthStatsPeriod", self.health_stats_period.clone().unwrap_or_else(|| "24h".into())));
        }
        query
    }
}

impl Client {
    /// One page of the organization's releases, newest first.
    pub async fn list_releases(&self, params: &ReleaseListParams) -> Result<Page<ReleaseInfo>, Error> {
        self.get_page(self.org_url(&["releases"], &params.to_query())).await
    }

    /// One release, with its projects' health (`health=true`: the detail's parameter is a
    /// boolean in Sentry's schema; the list's is undocumented and Sentry's web app sends `1`).
    pub async fn release(&self, version: &str) -> Result<ReleaseInfo, Error> {
        let query = [("health", "true".to_owned())];
        self.get_json(self.org_url(&["releases", version], &query)).await
    }

    /// The deploys of a release, oldest first.
    pub async fn release_deploys(&self, version: &str) -> Result<Vec<Deploy>, Error> {
        self.get_json(self.org_url(&["releases", version, "deploys"], &[])).await
    }
}
