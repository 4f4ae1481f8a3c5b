//! `/api/0/` and the catalogue around issues: organizations, projects, DSN keys,
//! environments, and short-id and event-id lookups.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::issue_json::{self, IssueJson, iso};
use super::params::link_header;
use super::{PathArgs, assignee_names, json_response, org_of};
use crate::server::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::catalog::{self as cat, Org, Project};
use crate::store::issues::{self as store_issues, Viewer};
use crate::store::projects::public_url;

const SCOPES: [&str; 6] = ["org:read", "project:read", "project:write", "event:read", "event:write", "event:admin"];

/// `GET /api/0/`: who the token belongs to (nulls without a valid token), as sentry-cli reads it.
pub async fn root(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, ApiError> {
    if super::auth::authenticated(&state, &headers).await? {
        let user = state.store.read(|conn| crate::store::notes::user(conn, crate::store::issues::LOCAL_USER)).await?;
        let user =
            user.map(|u| json!({ "id": u.id.to_string(), "username": u.username, "name": u.name, "email": u.email }));
        Ok(json_response(json!({ "version": "0", "user": user, "auth": { "scopes": SCOPES } }), vec![]))
    } else {
        Ok(json_response(json!({ "version": "0", "user": null, "auth": null }), vec![]))
    }
}

fn org_json(org: &Org, base: &str) -> Value {
    json!({
        "id": org.id.to_string(),
        "slug": org.slug,
        "name": org.name,
        "dateCreated": iso(org.date_created),
        "status": { "id": "active", "name": "active" },
        "isEarlyAdopter": false,
        "require2FA": false,
        "avatar": { "avatarType": "letter_avatar", "avatarUuid": null },
        "links": { "organizationUrl": base, "regionUrl": base },
        "hasAuthProvider": false,
        "allowMemberInvite": false,
        "allowMemberProjectCreation": false,
        "allowSuperuserAccess": false,
        "features": [],
        "access": SCOPES,
    })
}

fn project_json(project: &Project, environments: &[String]) -> Value {
    json!({
        "id": project.id.to_string(),
        "slug": project.slug,
        "name": project.name,
        "platform": project.platform,
        "dateCreated": iso(project.date_created),
        "isBookmarked": false,
        "isMember": true,
        "hasAccess": true,
        "isPublic": false,
        "firstEvent": null,
        "firstTransactionEvent": false,
        "hasSessions": false,
        "hasProfiles": false,
        "hasReplays": false,
        "hasMonitors": false,
        "hasMinifiedStackTrace": false,
        "hasFeedbacks": false,
        "hasNewFeedbacks": false,
        "team": null,
        "teams": [],
        "environments": environments,
        "features": [],
        "access": SCOPES,
        "status": "active",
        "organization": null,
    })
}

/// A whole (unpaged) list with Sentry's `Link` header, both directions empty.
fn full_list(items: Vec<Value>, uri: &Uri, headers: &HeaderMap) -> Response {
    let page = super::params::PageRequest { limit: items.len().max(1), offset: 0 };
    let link = link_header(uri, headers, page, false);
    json_response(Value::Array(items), link.map(|l| vec![("link", l)]).unwrap_or_default())
}

pub async fn orgs(State(state): State<Arc<AppState>>, uri: Uri, headers: HeaderMap) -> Result<Response, ApiError> {
    let items = state
        .store
        .read(|conn| {
            let base = public_url(conn)?;
            Ok(cat::orgs(conn)?.iter().map(|o| org_json(o, &base)).collect::<Vec<_>>())
        })
        .await?;
    Ok(full_list(items, &uri, &headers))
}

pub async fn org(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let value = state
        .store
        .read(move |conn| {
            let org = org_of(conn, &path)?.ok_or_else(|| StoreError::NotFound("organization".into()))?;
            Ok(org_json(&org, &public_url(conn)?))
        })
        .await?;
    Ok(json_response(value, vec![]))
}

fn projects_json(conn: &rusqlite::Connection, org_id: Option<i64>) -> Result<Vec<Value>, StoreError> {
    cat::projects(conn, org_id)?
        .iter()
        .map(|p| Ok(project_json(p, &cat::environments(conn, p.org_id, &[p.id])?)))
        .collect()
}

pub async fn org_projects(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state
        .store
        .read(move |conn| {
            let org = org_of(conn, &path)?.ok_or_else(|| StoreError::NotFound("organization".into()))?;
            projects_json(conn, Some(org.id))
        })
        .await?;
    Ok(full_list(items, &uri, &headers))
}

pub async fn all_projects(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state.store.read(|conn| projects_json(conn, None)).await?;
    Ok(full_list(items, &uri, &headers))
}

pub(super) fn project_of(
    conn: &rusqlite::Connection,
    path: &std::collections::HashMap<String, String>,
) -> Result<(Org, Project), StoreError> {
    let org = org_of(conn, path)?.ok_or_else(|| StoreError::NotFound("organization".into()))?;
    let name = path.get("project").map(String::as_str).unwrap_or_default();
    let project =
        cat::find_project(conn, org.id, name)?.ok_or_else(|| StoreError::NotFound(format!("project {name}")))?;
    Ok((org, project))
}

pub async fn project(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let value = state
        .store
        .read(move |conn| {
            let (_, project) = project_of(conn, &path)?;
            Ok(project_json(&project, &cat::environments(conn, project.org_id, &[project.id])?))
        })
        .await?;
    Ok(json_response(value, vec![]))
}

pub async fn keys(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state
        .store
        .read(move |conn| {
            let (_, project) = project_of(conn, &path)?;
            let base = public_url(conn)?;
            let (scheme, host) = base.split_once("://").unwrap_or(("http", base.as_str()));
            let host = host.trim_end_matches('/');
            Ok(cat::keys(conn, project.id)?
                .iter()
                .map(|k| {
                    let public = format!("{scheme}://{}@{host}/{}", k.public_key, project.id);
                    json!({
                        "id": k.public_key,
                        "name": k.label,
                        "label": k.label,
                        "public": k.public_key,
                        "secret": k.secret_key,
                        "projectId": project.id,
                        "isActive": k.is_active,
                        "dateCreated": iso(k.date_created),
                        "rateLimit": null,
                        "browserSdkVersion": "latest",
                        "dynamicSdkLoaderOptions": {},
                        "dsn": {
                            "public": public,
                            "secret": format!("{scheme}://{}:{}@{host}/{}", k.public_key, k.secret_key, project.id),
                            "csp": format!("{base}/api/{}/csp-report/?sentry_key={}", project.id, k.public_key),
                            "security": format!("{base}/api/{}/security/?sentry_key={}", project.id, k.public_key),
                            "minidump": format!("{base}/api/{}/minidump/?sentry_key={}", project.id, k.public_key),
                            "unreal": format!("{base}/api/{}/unreal/{}/", project.id, k.public_key),
                            "cdn": null,
                            "crons": format!("{base}/api/{}/cron/___MONITOR_SLUG___/{}/", project.id, k.public_key),
                        },
                    })
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(full_list(items, &uri, &headers))
}

pub async fn environments(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state
        .store
        .read(move |conn| {
            let (org, projects) = if path.contains_key("project") {
                let (org, project) = project_of(conn, &path)?;
                (org, vec![project.id])
            } else {
                (org_of(conn, &path)?.ok_or_else(|| StoreError::NotFound("organization".into()))?, Vec::new())
            };
            Ok(cat::environments(conn, org.id, &projects)?
                .into_iter()
                .enumerate()
                .map(|(i, name)| json!({ "id": (i + 1).to_string(), "name": name, "isHidden": false }))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(full_list(items, &uri, &headers))
}

/// `GET …/shortids/{short_id}/`: the issue behind a short id.
pub async fn short_id(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let viewer = Viewer::local();
    let value = state
        .store
        .read(move |conn| {
            let org = org_of(conn, &path)?.ok_or_else(|| StoreError::NotFound("organization".into()))?;
            let short = path.get("short_id").cloned().unwrap_or_default();
            let id = store_issues::find_short_id(conn, org.id, &short)?
                .ok_or_else(|| StoreError::NotFound(short.clone()))?;
            let issue = store_issues::issue_for(conn, id, viewer)?.ok_or_else(|| StoreError::NotFound(short))?;
            let base = public_url(conn)?;
            let names = assignee_names(conn, &[&issue])?;
            let opts = IssueJson { base_url: &base, org_slug: &org.slug, ..IssueJson::default() };
            let group = issue_json::issue(&issue, &opts, issue_json::assigned_to(issue.assignee.as_deref(), &names));
            Ok(json!({
                "organizationSlug": org.slug,
                "projectSlug": issue.project_slug,
                "groupId": issue.id.to_string(),
                "shortId": issue.short_id,
                "group": group,
            }))
        })
        .await?;
    Ok(json_response(value, vec![]))
}

/// `GET …/eventids/{event_id}/`: the issue and project of an event.
pub async fn event_id(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let value = state
        .store
        .read(move |conn| {
            let org = org_of(conn, &path)?.ok_or_else(|| StoreError::NotFound("organization".into()))?;
            let wanted =
                super::events::normalize_event_id(path.get("event_id").map(String::as_str).unwrap_or_default())
                    .ok_or_else(|| StoreError::NotFound("event".into()))?;
            let event = crate::store::events::find_event(conn, org.id, &wanted)?
                .ok_or_else(|| StoreError::NotFound("event".into()))?;
            let project = cat::find_project(conn, org.id, &event.project_id.to_string())?
                .ok_or_else(|| StoreError::NotFound("project".into()))?;
            Ok(json!({
                "organizationSlug": org.slug,
                "projectSlug": project.slug,
                "groupId": event.group_id.to_string(),
                "eventId": event.event_id,
                "event": super::event_json::full_event(&event, &super::event_json::EventContext::default()),
            }))
        })
        .await?;
    Ok(json_response(value, vec![]))
}
