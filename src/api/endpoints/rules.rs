//! Issue alert rules and, on sift's server, their firing log.
//!
//! Contract: `GET/POST /api/0/projects/{org}/{project}/rules/`, `PUT/DELETE …/rules/{id}/`
//! (Sentry's; POST and PUT send the rule in Sentry's shape and are never retried), and sift's
//! own `POST …/rules/{id}/test/`, `GET /organizations/{org}/alert-firings/` and
//! `GET /organizations/{org}/alert-outbox/`, which a remote Sentry answers with 404.

use reqwest::Method;
use serde_json::Value;

use crate::api::client::Client;
use crate::api::error::Error;
use crate::api::models::de::vec_from_value;
use crate::api::models::{AlertFiring, AlertRule, OutboxSummary};

impl Client {
    /// The project's issue alert rules.
    pub async fn list_rules(&self, project: &str) -> Result<Vec<AlertRule>, Error> {
        let raw: Value = self.get_json(self.api_url(&["projects", self.org.as_str(), project, "rules"], &[])).await?;
        Ok(match raw {
            Value::Array(items) => items.into_iter().filter_map(AlertRule::from_value).collect(),
            _ => Vec::new(),
        })
    }

    /// Creates a rule from Sentry's JSON shape.
    pub async fn create_rule(&self, project: &str, rule: &Value) -> Result<AlertRule, Error> {
        let url = self.api_url(&["projects", self.org.as_str(), project, "rules"], &[]);
        let answer: Option<Value> = self.send_json(Method::POST, url, rule).await?;
        answer.and_then(AlertRule::from_value).ok_or_else(|| Error::InvalidInput("the server answered no rule".into()))
    }

    /// Replaces rule `id` (secrets left out are kept by sift's server).
    pub async fn update_rule(&self, project: &str, id: &str, rule: &Value) -> Result<AlertRule, Error> {
        let url = self.api_url(&["projects", self.org.as_str(), project, "rules", id], &[]);
        let answer: Option<Value> = self.send_json(Method::PUT, url, rule).await?;
        answer.and_then(AlertRule::from_value).ok_or_else(|| Error::InvalidInput("the server answered no rule".into()))
    }

    pub async fn delete_rule(&self, project: &str, id: &str) -> Result<(), Error> {
        let url = self.api_url(&["projects", self.org.as_str(), project, "rules", id], &[]);
        self.execute(Method::DELETE, url, None).await.map(|_| ())
    }

    /// Sends a test notification for rule `id` (sift): the firing, as queued.
    pub async fn test_rule(&self, project: &str, id: &str) -> Result<AlertFiring, Error> {
        let url = self.api_url(&["projects", self.org.as_str(), project, "rules", id, "test"], &[]);
        let answer: Option<AlertFiring> = self.send_json(Method::POST, url, &serde_json::json!({})).await?;
        answer.ok_or_else(|| Error::InvalidInput("the server answered no firing".into()))
    }

    /// Recent firings, newest first (sift); `after` a firing id, for polling.
    pub async fn alert_firings(
        &self,
        project: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AlertFiring>, Error> {
        let mut query = vec![("limit", limit.to_string())];
        if let Some(project) = project {
            query.push(("project", project.to_string()));
        }
        if let Some(after) = after {
            query.push(("after", after.to_string()));
        }
        let raw: Value = self.get_json(self.org_url(&["alert-firings"], &query)).await?;
        Ok(vec_from_value(raw))
    }

    /// The outbox's counts (sift).
    pub async fn alert_outbox(&self) -> Result<OutboxSummary, Error> {
        self.get_json(self.org_url(&["alert-outbox"], &[])).await
    }
}
