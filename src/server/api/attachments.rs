//! Event attachments, as Sentry serves them: `GET /api/0/projects/{org}/{project}/events/
//! {event_id}/attachments/` lists them (id, name, mimetype, size, type, date; 404 for an event
//! sift never stored), and
//! `…/attachments/{id}/` describes one, or with `?download=1` sends its bytes, as stored, with
//! a `Content-Disposition` whose file name is reduced to safe characters (a name from an SDK
//! may hold `../`, NUL or control characters).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::events::normalize_event_id;
use super::issue_json::iso;
use super::params::Params;
use super::{PathArgs, json_response};
use crate::server::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::attachments::{self as store_attachments, AttachmentRecord};

/// Attachment routes, added to the Web API's table.
pub fn routes(api: axum::Router<Arc<AppState>>) -> axum::Router<Arc<AppState>> {
    let base = "/api/0/projects/{org}/{project}/events/{event_id}/attachments";
    let api = super::both(api, &format!("{base}/"), axum::routing::get(list));
    super::both(api, &format!("{base}/{{attachment_id}}/"), axum::routing::get(one))
}

fn attachment_json(record: &AttachmentRecord) -> Value {
    json!({
        "id": record.id.to_string(),
        "event_id": record.event_id,
        "name": record.name,
        "mimetype": record.content_type,
        "headers": {"Content-Type": record.content_type},
        "size": record.size,
        "type": record.attachment_type,
        "dateCreated": iso(record.received),
        "sha1": null,
    })
}

/// The project and event id the path names.
fn scope(conn: &Connection, path: &std::collections::HashMap<String, String>) -> Result<(i64, String), StoreError> {
    let (_, project) = super::catalog::project_of(conn, path)?;
    let event_id = normalize_event_id(path.get("event_id").map(String::as_str).unwrap_or_default())
        .ok_or_else(|| StoreError::NotFound("event".into()))?;
    Ok((project.id, event_id))
}

/// `GET …/events/{event_id}/attachments/`.
pub async fn list(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let items = state
        .store
        .read(move |conn| {
            let (project, event_id) = scope(conn, &path)?;
            // An event sift never stored is a 404, as in Sentry; a stored one may have none.
            if crate::store::issues::get_event(conn, project, &event_id)?.is_none() {
                return Err(StoreError::NotFound("event".into()));
            }
            Ok(store_attachments::list(conn, project, &event_id)?.iter().map(attachment_json).collect::<Vec<_>>())
        })
        .await?;
    Ok(json_response(Value::Array(items), vec![]))
}

/// `GET …/attachments/{id}/`, and its bytes with `?download=1`.
pub async fn one(State(state): State<Arc<AppState>>, path: PathArgs, uri: Uri) -> Result<Response, ApiError> {
    let download = Params::from_uri(&uri).flag("download");
    let id = path.get("attachment_id").and_then(|id| id.parse::<i64>().ok()).ok_or_else(ApiError::not_found)?;
    let (record, bytes) = state
        .store
        .read(move |conn| {
            let (project, event_id) = scope(conn, &path)?;
            store_attachments::get(conn, project, &event_id, id)?
                .ok_or_else(|| StoreError::NotFound(format!("attachment {id}")))
        })
        .await?;
    if !download {
        return Ok(json_response(attachment_json(&record), vec![]));
    }
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", disposition_name(&record.name))) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// A file name for `Content-Disposition`: its last path part, ASCII letters, digits and
/// `._-` only, never empty or a dot name.
pub fn disposition_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let safe: String =
        last.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' }).collect();
    let safe = safe.trim_start_matches('.').to_string();
    if safe.is_empty() { "attachment".into() } else { safe }
}

#[cfg(test)]
mod tests {
    #[test]
    fn download_names_cannot_climb_or_inject() {
        assert_eq!(super::disposition_name("../../etc/passwd"), "passwd");
        assert_eq!(super::disposition_name("log\u{0}\r\n.txt"), "log___.txt");
        assert_eq!(super::disposition_name(".."), "attachment");
        assert_eq!(super::disposition_name("a\"b.txt"), "a_b.txt");
    }
}
