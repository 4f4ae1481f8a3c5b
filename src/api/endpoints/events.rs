//! Events of an issue.
//!
//! Contract: `GET /organizations/{org}/issues/{id}/events/{latest|oldest|recommended|event_id}/`
//! (optionally narrowed by `environment`) and `GET /organizations/{org}/issues/{id}/events/`
//! (`full=true` for complete events, cursor pagination).

use crate::api::client::Client;
use crate::api::error::Error;
use crate::api::models::{Event, EventSummary};
use crate::api::page::Page;
use crate::api::params::EventListParams;

impl Client {
    /// The most recent event of an issue.
    pub async fn latest_event(&self, issue_id: &str, environments: &[String]) -> Result<Event, Error> {
        self.event(issue_id, "latest", environments).await
    }

    /// The first event of an issue.
    pub async fn oldest_event(&self, issue_id: &str, environments: &[String]) -> Result<Event, Error> {
        self.event(issue_id, "oldest", environments).await
    }

    /// Sentry's pick of the most helpful event.
    pub async fn recommended_event(&self, issue_id: &str, environments: &[String]) -> Result<Event, Error> {
        self.event(issue_id, "recommended", environments).await
    }

    /// An event of an issue by id (32/36 hex), or `latest` / `oldest` / `recommended`.
    pub async fn event(&self, issue_id: &str, event_id: &str, environments: &[String]) -> Result<Event, Error> {
        let query: Vec<(&str, String)> = environments.iter().map(|e| ("environment", e.clone())).collect();
        let url = self.org_url(&["issues", issue_id, "events", event_id], &query);
        let url_path = url.path().to_owned();
        let value: serde_json::Value = self.get_json(url).await?;
        Event::from_json(value).map_err(|e| Error::Decode {
            url_path,
            message: e.to_string(),
            body_snippet: String::new(),
        })
    }

    /// Where an event stands among the issue's events (within `environments`): how many are
    /// at or before `at`, so the oldest is 1. `None` when the server does not count (no
    /// `X-Hits`).
    pub async fn event_position(
        &self,
        issue_id: &str,
        at: chrono::DateTime<chrono::Utc>,
        environments: &[String],
    ) -> Result<Option<u64>, Error> {
        // `end` is compared with the stored time, which the API rounds to milliseconds.
        let params = EventListParams {
            environments: environments.to_vec(),
            // Sentry wants both ends; any start before the first event will do.
            start: chrono::DateTime::from_timestamp(0, 0),
            end: Some(at + chrono::Duration::milliseconds(1)),
            per_page: Some(1),
            ..EventListParams::default()
        };
        Ok(self.list_events(issue_id, &params).await?.hits)
    }

    /// A page of the issue's events (summaries).
    pub async fn list_events(&self, issue_id: &str, params: &EventListParams) -> Result<Page<EventSummary>, Error> {
        self.get_page(self.org_url(&["issues", issue_id, "events"], &params.to_query(false))).await
    }

    /// A page of the issue's events with entries (`full=true`).
    pub async fn list_events_full(&self, issue_id: &str, params: &EventListParams) -> Result<Page<Event>, Error> {
        self.get_page(self.org_url(&["issues", issue_id, "events"], &params.to_query(true))).await
    }
}
