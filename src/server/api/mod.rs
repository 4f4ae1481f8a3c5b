//! sift's Sentry-compatible Web API (`/api/0/…`): the subset of Sentry's API that the console,
//! sentry-cli and people's scripts use, with Sentry's field names, types, errors and `Link`
//! paging. Every route except `/api/0/` needs the server's Bearer token. Reads run on a read
//! connection; every write goes through the store's single writer. Paths are accepted with and
//! without the trailing slash; organizations and projects by slug or numeric id; issues by
//! numeric id or short id.

mod account;
mod attachments;
mod auth;
mod catalog;
mod chunks;
mod disabled;
mod discover;
pub(crate) mod event_json;
mod events;
mod feedback;
mod issue_json;
mod issue_page;
mod issues;
mod members;
mod monitors;
mod notes;
mod org_tags;
mod params;
mod project_events;
mod release_body;
mod release_health;
mod release_json;
mod releases;
mod rules;
mod search_filter;
mod sessions;
mod update_body;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use rusqlite::Connection;
use serde_json::Value;

pub use auth::TokenCache;

use super::AppState;
use crate::store::StoreError;
use crate::store::catalog::{self as cat, Org};
use crate::store::issues::{self as store_issues, IssueRecord, Viewer};

type PathArgs = axum::extract::Path<HashMap<String, String>>;

/// Adds `path` both with and without its trailing slash.
fn both(router: Router<Arc<AppState>>, path: &str, route: MethodRouter<Arc<AppState>>) -> Router<Arc<AppState>> {
    let bare = path.trim_end_matches('/');
    router.route(path, route.clone()).route(bare, route)
}

/// Every Web API route.
pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let mut api = Router::new();
    let o = "/api/0/organizations/{org}";
    api = both(api, "/api/0/organizations/", get(catalog::orgs));
    api = both(api, &format!("{o}/"), get(catalog::org));
    api = both(api, &format!("{o}/projects/"), get(catalog::org_projects));
    api = both(api, &format!("{o}/environments/"), get(catalog::environments));
    api = members::routes(api, o);
    api = org_tags::routes(api, o);
    api = both(api, &format!("{o}/shortids/{{short_id}}/"), get(catalog::short_id));
    api = both(api, &format!("{o}/eventids/{{event_id}}/"), get(catalog::event_id));
    api = chunks::routes(api, o);
    api = both(api, "/api/0/projects/", get(catalog::all_projects));
    api = both(api, "/api/0/projects/{org}/{project}/", get(catalog::project));
    api = both(api, "/api/0/projects/{org}/{project}/keys/", get(catalog::keys));
    api = both(api, "/api/0/projects/{org}/{project}/environments/", get(catalog::environments));
    api = both(api, "/api/0/projects/{org}/{project}/events/{event_id}/", get(events::project_event));
    let list = get(issues::list).put(issues::bulk_update).delete(issues::bulk_delete);
    api = both(api, &format!("{o}/issues/"), list.clone());
    api = both(api, "/api/0/projects/{org}/{project}/issues/", list);
    for prefix in [
        format!("{o}/issues/{{issue}}"),
        format!("{o}/groups/{{issue}}"),
        "/api/0/issues/{issue}".into(),
        "/api/0/groups/{issue}".into(),
    ] {
        api = both(api, &format!("{prefix}/"), get(issues::detail).put(issues::update).delete(issues::delete));
        api = both(api, &format!("{prefix}/events/"), get(events::list));
        api = both(api, &format!("{prefix}/events/{{event_id}}/"), get(events::one));
        api = both(api, &format!("{prefix}/tags/"), get(notes::tag_keys));
        api = both(api, &format!("{prefix}/tags/{{key}}/"), get(notes::tag_key));
        api = both(api, &format!("{prefix}/tags/{{key}}/values/"), get(notes::tag_values));
        api = both(api, &format!("{prefix}/activities/"), get(notes::activities));
        for notes_path in ["comments", "notes"] {
            api = both(api, &format!("{prefix}/{notes_path}/"), get(notes::comments).post(notes::add_comment));
            api = both(
                api,
                &format!("{prefix}/{notes_path}/{{note}}/"),
                axum::routing::put(notes::edit_comment).delete(notes::delete_comment),
            );
        }
    }
    // What the official CLIs call beyond the console's needs: who am I, the implicit team,
    // a project's events and attachments, and the features sift does not have.
    api = project_events::routes(disabled::routes(account::routes(api)));
    api = attachments::routes(feedback::routes(monitors::routes(api)));
    api = releases::routes(api);
    // Performance: the Discover table, its time series and the trace view, for transactions.
    api = discover::routes(api);
    api = rules::routes(api);
    let api = api.layer(axum::middleware::from_fn_with_state(state, auth::require_token));
    both(Router::new(), "/api/0/", get(catalog::root))
        .merge(disabled::public_routes())
        .merge(issue_page::routes())
        .merge(api)
}

/// A JSON answer with Sentry's content type and optional extra headers.
fn json_response(value: Value, extra: Vec<(&'static str, HeaderValue)>) -> Response {
    let mut response = axum::Json(value).into_response();
    for (name, value) in extra {
        response.headers_mut().insert(name, value);
    }
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The organization a route under `{org}` names: 404 when there is none.
fn org_named(conn: &Connection, path: &HashMap<String, String>) -> Result<Org, StoreError> {
    org_of(conn, path)?.ok_or_else(|| StoreError::NotFound("organization".into()))
}

fn org_of(conn: &Connection, path: &HashMap<String, String>) -> Result<Option<Org>, StoreError> {
    match path.get("org") {
        Some(name) => {
            cat::find_org(conn, name)?.map(Some).ok_or_else(|| StoreError::NotFound(format!("organization {name}")))
        }
        None => Ok(None),
    }
}

/// The issue named in the path (numeric id or short id), within the path's organization when
/// there is one, and that organization.
fn issue_of(
    conn: &Connection,
    path: &HashMap<String, String>,
    viewer: Viewer,
) -> Result<(Org, IssueRecord), StoreError> {
    let named = path.get("issue").map(String::as_str).unwrap_or_default();
    let not_found = || StoreError::NotFound(format!("issue {named}"));
    let org = org_of(conn, path)?;
    let id = match named.parse::<i64>() {
        Ok(id) => id,
        Err(_) => {
            // Short ids need an organization; the top-level routes use the local one.
            let org_id = org.as_ref().map_or(1, |o| o.id);
            store_issues::find_short_id(conn, org_id, named)?.ok_or_else(not_found)?
        }
    };
    let issue = store_issues::issue_for(conn, id, viewer)?.ok_or_else(not_found)?;
    let issue_org = cat::projects(conn, None)?
        .into_iter()
        .find(|p| p.id == issue.project_id)
        .map(|p| p.org_id)
        .ok_or_else(not_found)?;
    let org = match org {
        Some(org) if org.id != issue_org => return Err(not_found()),
        Some(org) => org,
        None => cat::orgs(conn)?.into_iter().find(|o| o.id == issue_org).ok_or_else(not_found)?,
    };
    Ok((org, issue))
}

/// Names of users for `assignedTo`, for the assignees among `issues`.
fn assignee_names(
    conn: &Connection,
    issues: &[&IssueRecord],
) -> Result<HashMap<i64, (String, Option<String>)>, StoreError> {
    let mut names = HashMap::new();
    for issue in issues {
        if let Some(id) = issue.assignee.as_deref().and_then(|a| a.strip_prefix("user:")).and_then(|i| i.parse().ok())
            && !names.contains_key(&id)
            && let Some(user) = crate::store::notes::user(conn, id)?
        {
            names.insert(id, (user.name, user.email));
        }
    }
    Ok(names)
}
