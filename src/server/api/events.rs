//! Events of an issue: `latest`, `oldest`, `recommended` or a given id, each with
//! `previousEventID` and `nextEventID` (respecting the `environment` filter), the paged events
//! list (`full` for whole events), and an event by id within a project.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Uri};
use axum::response::Response;
use serde_json::Value;

use super::event_json::{EventContext, full_event, summary_event};
use super::params::{Params, link_header};
use super::{PathArgs, issue_of, json_response, org_named};
use crate::server::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::catalog as cat;
use crate::store::events::{self as store_events, Pick};
use crate::store::issues::{StoredEvent, Viewer};

/// A 32-hex event id from the 32- or 36-character (hyphenated) form, lowercased.
pub fn normalize_event_id(text: &str) -> Option<String> {
    let hex: String = text.chars().filter(|c| *c != '-').collect::<String>().to_ascii_lowercase();
    (hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(hex)
}

fn pick_of(name: &str) -> Result<Pick, ApiError> {
    Ok(match name {
        "latest" => Pick::Latest,
        "oldest" => Pick::Oldest,
        "recommended" | "helpful" => Pick::Recommended,
        other => Pick::Id(normalize_event_id(other).ok_or_else(ApiError::not_found)?),
    })
}

fn context_for(
    conn: &rusqlite::Connection,
    event: &StoredEvent,
    previous: Option<String>,
    next: Option<String>,
) -> Result<EventContext, StoreError> {
    let release = match event.data.get("release").and_then(Value::as_str) {
        Some(version) => cat::release(conn, event.project_id, version)?,
        None => None,
    };
    Ok(EventContext { release, previous, next })
}

/// `GET …/issues/{issue}/events/{latest|oldest|recommended|id}/`.
pub async fn one(State(state): State<Arc<AppState>>, path: PathArgs, uri: Uri) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let pick = pick_of(path.get("event_id").map(String::as_str).unwrap_or_default())?;
    let environments = params.all("environment");
    let viewer = Viewer::local();
    let maps = state.sourcemaps.clone();
    let value = state
        .store
        .read(move |conn| {
            let (_, issue) = issue_of(conn, &path, viewer)?;
            let mut found = store_events::pick_event(conn, issue.id, &pick, &environments)?
                .ok_or_else(|| StoreError::NotFound("event".into()))?;
            maps.reprocess(&mut found.event);
            let ctx = context_for(conn, &found.event, found.previous, found.next)?;
            Ok(full_event(&found.event, &ctx))
        })
        .await?;
    Ok(json_response(value, vec![]))
}

/// `GET …/issues/{issue}/events/`: newest first, `full=true` for whole events.
pub async fn list(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let page = params.page(100, 100)?;
    let full = params.flag("full");
    let environments = params.all("environment");
    let viewer = Viewer::local();
    let window = params.time_window(viewer.now).map_err(ApiError::bad_request)?;
    let maps = state.sourcemaps.clone();
    let (items, more, total) = state
        .store
        .read(move |conn| {
            let (_, issue) = issue_of(conn, &path, viewer)?;
            let (mut events, more) =
                store_events::list_events(conn, issue.id, &environments, window, page.limit, page.offset)?;
            if full {
                events.iter_mut().for_each(|event| maps.reprocess(event));
            }
            let total = store_events::count_events(conn, issue.id, &environments, window)?;
            Ok((event_rows(conn, &events, full)?, more, total))
        })
        .await?;
    let mut extra = vec![("x-hits", HeaderValue::from(total))];
    if let Some(link) = link_header(&uri, &headers, page, more) {
        extra.push(("link", link));
    }
    Ok(json_response(Value::Array(items), extra))
}

/// A list's events: whole (`full=true`) or their summaries.
pub(super) fn event_rows(
    conn: &rusqlite::Connection,
    events: &[StoredEvent],
    full: bool,
) -> Result<Vec<Value>, StoreError> {
    events
        .iter()
        .map(
            |e| {
                if full {
                    context_for(conn, e, None, None).map(|ctx| full_event(e, &ctx))
                } else {
                    Ok(summary_event(e))
                }
            },
        )
        .collect()
}

/// `GET /api/0/projects/{org}/{project}/events/{event_id}/`.
pub async fn project_event(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let wanted = normalize_event_id(path.get("event_id").map(String::as_str).unwrap_or_default())
        .ok_or_else(ApiError::not_found)?;
    let maps = state.sourcemaps.clone();
    let value = state
        .store
        .read(move |conn| {
            let org = org_named(conn, &path)?;
            let name = path.get("project").cloned().unwrap_or_default();
            let project = cat::find_project(conn, org.id, &name)?.ok_or_else(|| StoreError::NotFound(name))?;
            let event = crate::store::issues::get_event(conn, project.id, &wanted)?
                .ok_or_else(|| StoreError::NotFound("event".into()))?;
            let mut found = store_events::pick_event(conn, event.group_id, &Pick::Id(wanted), &[])?
                .ok_or_else(|| StoreError::NotFound("event".into()))?;
            maps.reprocess(&mut found.event);
            let ctx = context_for(conn, &found.event, found.previous, found.next)?;
            Ok(full_event(&found.event, &ctx))
        })
        .await?;
    Ok(json_response(value, vec![]))
}
