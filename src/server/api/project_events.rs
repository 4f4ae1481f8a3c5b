//! A project's events and an event's attachments: `GET /projects/{org}/{project}/events/`
//! (newest arrival first, `full=true` for whole events, `environment`, `statsPeriod` or
//! `start`/`end`, `Link` paging, 100 a page) and `…/events/{event_id}/attachments/` (the
//! attachment items stored with the event: name, type, content type, size, arrival time; sift
//! keeps no SHA-1, so `sha1` is null).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use super::catalog::{full_list, project_of};
use super::events::{event_rows, normalize_event_id};
use super::issue_json::iso;
use super::params::{Params, link_header};
use super::{PathArgs, both, json_response};
use crate::server::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::events::{self as store_events, Attachment};
use crate::store::issues::Viewer;

type Api = axum::Router<Arc<AppState>>;

/// The routes of this module.
pub fn routes(mut api: Api) -> Api {
    api = both(api, "/api/0/projects/{org}/{project}/events/", get(list));
    both(api, "/api/0/projects/{org}/{project}/events/{event_id}/attachments/", get(attachments))
}

/// `GET /api/0/projects/{org}/{project}/events/`.
async fn list(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let page = params.page(100, 100)?;
    let full = params.flag("full");
    let environments = params.all("environment");
    let window = params.time_window(Viewer::local().now).map_err(ApiError::bad_request)?;
    let (items, more) = state
        .store
        .read(move |conn| {
            let (_, project) = project_of(conn, &path)?;
            let (events, more) =
                store_events::project_events(conn, project.id, &environments, window, page.limit, page.offset)?;
            Ok((event_rows(conn, &events, full)?, more))
        })
        .await?;
    let extra = link_header(&uri, &headers, page, more).map(|l| vec![("link", l)]).unwrap_or_default();
    Ok(json_response(Value::Array(items), extra))
}

fn attachment_json(attachment: &Attachment) -> Value {
    let header = |key: &str| attachment.header.get(key).and_then(Value::as_str);
    let mimetype = header("content_type");
    json!({
        "id": attachment.id.to_string(),
        "event_id": attachment.event_id,
        "type": header("attachment_type").unwrap_or("event.attachment"),
        "name": header("filename").unwrap_or("attachment"),
        "mimetype": mimetype,
        "dateCreated": iso(attachment.received),
        "size": attachment.size,
        "headers": { "Content-Type": mimetype },
        "sha1": null,
    })
}

/// `GET /api/0/projects/{org}/{project}/events/{event_id}/attachments/`: 404 for an unknown
/// event, else its attachments (often none).
async fn attachments(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let wanted = normalize_event_id(path.get("event_id").map(String::as_str).unwrap_or_default())
        .ok_or_else(ApiError::not_found)?;
    let items = state
        .store
        .read(move |conn| {
            let (_, project) = project_of(conn, &path)?;
            if crate::store::issues::get_event(conn, project.id, &wanted)?.is_none() {
                return Err(StoreError::NotFound("event".into()));
            }
            Ok(store_events::event_attachments(conn, project.id, &wanted)?.iter().map(attachment_json).collect())
        })
        .await?;
    Ok(full_list(items, &uri, &headers))
}
