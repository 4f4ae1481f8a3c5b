//! User feedback, attachments and cron monitors: what the console's Feedback section and
//! screen, the Attachments line and the Monitors screen read.
//!
//! Contract:
//! - `GET /organizations/{org}/issues/{id}/user-reports/`: one issue's feedback;
//! - `GET /organizations/{org}/issues/?query=issue.category:feedback`: every feedback, newest
//!   first, as feedback issues; `GET /organizations/{org}/eventids/{id}/`: where an event is;
//! - `GET /projects/{org}/{project}/events/{id}/attachments/` and `…/{attachment}/?download=1`
//!   (the bytes, at most [`crate::api::transport::MAX_RESPONSE_BYTES`]);
//! - `GET /organizations/{org}/monitors/` and `…/monitors/{slug}/checkins/`.

use reqwest::Method;

use crate::api::client::Client;
use crate::api::error::Error;
use crate::api::models::{Attachment, CheckIn, EventLocation, FeedbackIssue, Monitor, UserReport};
use crate::api::page::Page;

impl Client {
    /// The feedback linked to an issue, newest first (one page of up to 100).
    pub async fn issue_user_reports(&self, issue_id: &str) -> Result<Vec<UserReport>, Error> {
        let page: Page<UserReport> =
            self.get_page(self.org_url(&["issues", issue_id, "user-reports"], &[("per_page", "100".into())])).await?;
        Ok(page.items)
    }

    /// Every feedback, newest first: the issue stream's feedback category.
    pub async fn feedback_issues(&self, cursor: Option<&str>) -> Result<Page<FeedbackIssue>, Error> {
        let mut query = vec![
            ("query", "issue.category:feedback".to_string()),
            ("statsPeriod", "90d".to_string()),
            ("limit", "100".to_string()),
        ];
        if let Some(cursor) = cursor.filter(|c| !c.is_empty()) {
            query.push(("cursor", cursor.to_string()));
        }
        self.get_page(self.org_url(&["issues"], &query)).await
    }

    /// Where event `event_id` lives: its issue and project.
    pub async fn locate_event(&self, event_id: &str) -> Result<EventLocation, Error> {
        self.get_json(self.org_url(&["eventids", event_id], &[])).await
    }

    /// The attachments of one event.
    pub async fn event_attachments(&self, project: &str, event_id: &str) -> Result<Vec<Attachment>, Error> {
        let url = self.api_url(&["projects", &self.org, project, "events", event_id, "attachments"], &[]);
        self.get_json(url).await
    }

    /// The bytes of one attachment.
    pub async fn download_attachment(&self, project: &str, event_id: &str, id: &str) -> Result<Vec<u8>, Error> {
        let url = self.api_url(
            &["projects", &self.org, project, "events", event_id, "attachments", id],
            &[("download", "1".into())],
        );
        Ok(self.execute(Method::GET, url, None).await?.body)
    }

    /// Every monitor of the organization (one page of up to 100).
    pub async fn monitors(&self) -> Result<Vec<Monitor>, Error> {
        let page: Page<Monitor> = self.get_page(self.org_url(&["monitors"], &[("per_page", "100".into())])).await?;
        Ok(page.items)
    }

    /// The latest `limit` check-ins of a monitor, newest first.
    pub async fn check_ins(&self, slug: &str, limit: usize) -> Result<Vec<CheckIn>, Error> {
        let page: Page<CheckIn> =
            self.get_page(self.org_url(&["monitors", slug, "checkins"], &[("per_page", limit.to_string())])).await?;
        Ok(page.items)
    }
}
