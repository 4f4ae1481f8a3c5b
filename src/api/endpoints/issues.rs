//! Issue search, detail, short-id resolution and updates.
//!
//! Contract: `GET /organizations/{org}/issues/` (params: see `IssueListParams`),
//! `GET /organizations/{org}/issues/{id}/` (numeric id or short id),
//! `GET /organizations/{org}/shortids/{short_id}/`, `PUT /organizations/{org}/issues/{id}/` and
//! bulk `PUT /organizations/{org}/issues/?id=1&id=2`. List and detail responses feed the
//! client's `Capabilities`. Bulk updates require at least one numeric id: Sentry applies an
//! id-less status update to every issue matching the query, which the console never wants.

use reqwest::Method;

use crate::api::client::Client;
use crate::api::error::Error;
use crate::api::models::{BulkUpdateResult, Issue, ShortIdLookup};
use crate::api::page::Page;
use crate::api::params::IssueListParams;
use crate::api::update::IssueUpdate;

impl Client {
    /// One page of the organization's issue search.
    pub async fn list_issues(&self, params: &IssueListParams) -> Result<Page<Issue>, Error> {
        let page: Page<Issue> = self.get_page(self.org_url(&["issues"], &params.to_query())).await?;
        self.observe_issues(&page.items);
        Ok(page)
    }

    /// Issue detail by numeric id or short id (`PROJ-1A`); `environments` narrows the counts.
    pub async fn issue(&self, issue_id: &str, environments: &[String]) -> Result<Issue, Error> {
        let query: Vec<(&str, String)> = environments.iter().map(|e| ("environment", e.clone())).collect();
        let issue: Issue = self.get_json(self.org_url(&["issues", issue_id], &query)).await?;
        self.observe_issues(std::slice::from_ref(&issue));
        Ok(issue)
    }

    /// Resolves a short id through `/shortids/{short_id}/`.
    pub async fn resolve_short_id(&self, short_id: &str) -> Result<ShortIdLookup, Error> {
        let lookup: ShortIdLookup = self.get_json(self.org_url(&["shortids", short_id], &[])).await?;
        self.observe_issues(std::slice::from_ref(&lookup.group));
        Ok(lookup)
    }

    /// Finds an issue by short id: `/shortids/` first, then (for servers without that endpoint)
    /// an issue search with `shortIdLookup=1`. `Ok(None)` when neither finds it.
    pub async fn find_issue_by_short_id(&self, short_id: &str) -> Result<Option<Issue>, Error> {
        match self.resolve_short_id(short_id).await {
            Ok(lookup) => return Ok(Some(lookup.group)),
            Err(Error::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
        let params = IssueListParams::new().query(short_id).short_id_lookup(true).limit(25);
        let page = self.list_issues(&params).await?;
        Ok(page.items.into_iter().find(|i| i.short_id.eq_ignore_ascii_case(short_id)))
    }

    /// Updates one issue; returns the issue as the server now sees it.
    pub async fn update_issue(&self, issue_id: &str, update: &IssueUpdate) -> Result<Issue, Error> {
        update.validate()?;
        let url = self.org_url(&["issues", issue_id], &[]);
        let issue: Option<Issue> = self.send_json(Method::PUT, url, update).await?;
        Ok(issue.unwrap_or_default())
    }

    /// Updates several issues at once. `Ok(None)` = 204, nothing matched.
    pub async fn bulk_update_issues(
        &self,
        issue_ids: &[impl AsRef<str>],
        update: &IssueUpdate,
    ) -> Result<Option<BulkUpdateResult>, Error> {
        update.validate()?;
        if issue_ids.is_empty() {
            return Err(Error::InvalidInput("bulk update needs at least one issue id".into()));
        }
        let mut query = Vec::with_capacity(issue_ids.len());
        for id in issue_ids {
            let id = id.as_ref().trim();
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::InvalidInput(format!("bulk update needs numeric issue ids, got {id:?}")));
            }
            query.push(("id", id.to_owned()));
        }
        self.send_json(Method::PUT, self.org_url(&["issues"], &query), update).await
    }
}
