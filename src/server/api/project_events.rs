//! A project's events: `GET /projects/{org}/{project}/events/` (newest arrival first,
//! `full=true` for whole events, `environment`, `statsPeriod` or `start`/`end`, `Link` paging,
//! 100 a page). An event's attachments are served by `attachments`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use serde_json::Value;

use super::catalog::project_of;
use super::events::event_rows;
use super::params::{Params, link_header};
use super::{PathArgs, both, json_response};
use crate::server::{ApiError, AppState};
use crate::store::events as store_events;
use crate::store::issues::Viewer;

type Api = axum::Router<Arc<AppState>>;

/// The routes of this module.
pub fn routes(api: Api) -> Api {
    both(api, "/api/0/projects/{org}/{project}/events/", get(list))
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
