//! What official clients ask of features sift does not have, answered as Sentry answers an
//! organization with the feature switched off, so each client says so in its own words instead
//! of reading a 404 as "this organization or issue does not exist". Replays: sift keeps none, so
//! the replay count is an empty map. Tracker integrations: none installed, so an issue lists
//! none to link. Seer's autofix: 403 "not enabled". Event analytics (outcomes): sift counts no
//! accepted or dropped outcomes, 403. Deleting a project: the token has no `project:admin`
//! scope, Sentry's 403. OAuth's device login (`/oauth/device/code/`, outside `/api/0/` and its
//! token): no OAuth application is registered, so the client is `invalid_client` (RFC 8628),
//! with a description saying how to log in with sift's token instead. Every route still checks its organization (and issue or project), so an
//! unknown one is still a 404.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{delete, get};
use serde_json::json;

use super::catalog::{full_list, project_of};
use super::params::Params;
use super::{PathArgs, both, issue_of, json_response, org_named};
use crate::server::{ApiError, AppState};
use crate::store::issues::Viewer;

type Api = axum::Router<Arc<AppState>>;

/// Seer's answer when AI features are off; clients match "not enabled".
pub const AUTOFIX_OFF: &str = "AI Autofix is not enabled for this organization.";
/// The answer for event analytics.
pub const OUTCOMES_OFF: &str = "Event analytics is not enabled for this organization: this server records no outcomes of accepted or dropped events.";
/// Sentry's answer when the token lacks the scope an action needs.
pub const NO_PERMISSION: &str = "You do not have permission to perform this action.";

/// Why an OAuth device login cannot start here.
pub const NO_OAUTH: &str = "This server has no OAuth applications: log in with its Web API token (`sentry auth login --url URL --token TOKEN`, TOKEN from `sift token`).";

/// The routes that answer without a token.
pub fn public_routes() -> Api {
    both(axum::Router::new(), "/oauth/device/code/", axum::routing::post(device_code))
}

/// `POST /oauth/device/code/`: 401 `invalid_client`.
async fn device_code() -> Response {
    let body = json!({ "error": "invalid_client", "error_description": NO_OAUTH });
    let mut response = json_response(body, vec![]);
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response
}

/// The routes of this module.
pub fn routes(mut api: Api) -> Api {
    let o = "/api/0/organizations/{org}";
    api = both(api, &format!("{o}/replay-count/"), get(replay_count));
    api = both(api, &format!("{o}/events-dropped/"), get(events_dropped));
    for prefix in [format!("{o}/issues/{{issue}}"), format!("{o}/groups/{{issue}}"), "/api/0/issues/{issue}".into()] {
        api = both(api, &format!("{prefix}/autofix/"), get(autofix).post(autofix));
        api = both(api, &format!("{prefix}/integrations/"), get(issue_integrations));
    }
    both(api, "/api/0/projects/{org}/{project}/", delete(delete_project))
}

async fn known_org(state: &AppState, path: PathArgs) -> Result<(), ApiError> {
    state.store.read(move |conn| org_named(conn, &path).map(|_| ())).await?;
    Ok(())
}

/// `GET …/replay-count/`: `{}`, no issue has replays. `query` is required, as in Sentry.
async fn replay_count(State(state): State<Arc<AppState>>, path: PathArgs, uri: Uri) -> Result<Response, ApiError> {
    known_org(&state, path).await?;
    let params = Params::from_uri(&uri);
    let query = params.get("query").unwrap_or_default();
    if !["issue.id:", "transaction:", "replay_id:"].iter().any(|key| query.contains(key)) {
        return Err(ApiError::bad_request("Must provide a query with issue.id, transaction or replay_id"));
    }
    Ok(json_response(json!({}), vec![]))
}

/// `GET …/events-dropped/`: 403, sift records no outcomes.
async fn events_dropped(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    known_org(&state, path).await?;
    Err(ApiError::new(StatusCode::FORBIDDEN, OUTCOMES_OFF))
}

async fn known_issue(state: &AppState, path: PathArgs) -> Result<(), ApiError> {
    let viewer = Viewer::local();
    state.store.read(move |conn| issue_of(conn, &path, viewer).map(|_| ())).await?;
    Ok(())
}

/// `GET` and `POST …/issues/{issue}/autofix/`: 403, Seer is not enabled.
async fn autofix(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    known_issue(&state, path).await?;
    Err(ApiError::new(StatusCode::FORBIDDEN, AUTOFIX_OFF))
}

/// `GET …/issues/{issue}/integrations/`: no tracker integration is installed.
async fn issue_integrations(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    known_issue(&state, path).await?;
    Ok(full_list(Vec::new(), &uri, &headers))
}

/// `DELETE /api/0/projects/{org}/{project}/`: 403, the token has no `project:admin`.
async fn delete_project(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    state.store.read(move |conn| project_of(conn, &path).map(|_| ())).await?;
    Err(ApiError::new(StatusCode::FORBIDDEN, NO_PERMISSION))
}
