//! Comments (notes) and the activity log of an issue.
//!
//! Contract (Sentry source; not in the public schema): `GET/POST
//! /organizations/{org}/issues/{id}/comments/` (POST body `{"text", "mentions"?}` → 201 with the
//! activity), `PUT/DELETE .../comments/{note_id}/`, and `GET .../activities/` (which answers
//! `{"activity": [...]}`; a bare list is accepted too). POST is never retried.

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use crate::api::client::Client;
use crate::api::error::Error;
use crate::api::models::{Activity, Note};
use crate::api::page::Page;

#[derive(Serialize)]
struct NoteBody<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "no_mentions")]
    mentions: &'a [String],
}

fn no_mentions(m: &&[String]) -> bool {
    m.is_empty()
}

impl Client {
    /// A page of the issue's comments (newest first).
    pub async fn list_comments(&self, issue_id: &str, cursor: Option<&str>) -> Result<Page<Note>, Error> {
        let query: Vec<(&str, String)> =
            cursor.filter(|c| !c.is_empty()).map(|c| vec![("cursor", c.to_owned())]).unwrap_or_default();
        self.get_page(self.org_url(&["issues", issue_id, "comments"], &query)).await
    }

    /// Posts a comment; `mentions` are `user:<id>` / `team:<id>` actors.
    pub async fn add_comment(&self, issue_id: &str, text: &str, mentions: &[String]) -> Result<Note, Error> {
        if text.trim().is_empty() {
            return Err(Error::InvalidInput("comment text is empty".into()));
        }
        let url = self.org_url(&["issues", issue_id, "comments"], &[]);
        let note: Option<Note> = self.send_json(Method::POST, url, &NoteBody { text, mentions }).await?;
        Ok(note.unwrap_or_default())
    }

    /// Replaces the text of a comment.
    pub async fn edit_comment(&self, issue_id: &str, note_id: &str, text: &str) -> Result<Note, Error> {
        if text.trim().is_empty() {
            return Err(Error::InvalidInput("comment text is empty".into()));
        }
        let url = self.org_url(&["issues", issue_id, "comments", note_id], &[]);
        let note: Option<Note> = self.send_json(Method::PUT, url, &NoteBody { text, mentions: &[] }).await?;
        Ok(note.unwrap_or_default())
    }

    /// Deletes a comment.
    pub async fn delete_comment(&self, issue_id: &str, note_id: &str) -> Result<(), Error> {
        let url = self.org_url(&["issues", issue_id, "comments", note_id], &[]);
        self.execute(Method::DELETE, url, None).await.map(|_| ())
    }

    /// The issue's activity log.
    pub async fn list_activity(&self, issue_id: &str) -> Result<Vec<Activity>, Error> {
        let raw: Value = self.get_json(self.org_url(&["issues", issue_id, "activities"], &[])).await?;
        let list = match raw {
            Value::Object(mut obj) => obj.remove("activity").unwrap_or(Value::Null),
            other => other,
        };
        Ok(crate::api::models::de::vec_from_value(list))
    }
}
