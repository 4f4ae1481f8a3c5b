//! Issue endpoints: the org- and project-scoped lists (search, sort, environments, projects,
//! paging, stats series), the detail, single and bulk updates, and deletes.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::issue_json::{self, IssueJson, iso};
use super::params::{Params, link_header};
use super::update_body::{self, Update};
use super::{PathArgs, assignee_names, issue_of, json_response, org_named, search_filter};
use crate::server::{ApiError, AppState};
use crate::store::catalog::{self as cat, Org};
use crate::store::issue_list::{self, Filter, ListQuery, Sort};
use crate::store::issues::{IssueRecord, Viewer};
use crate::store::triage::{self, Assignee};
use crate::store::{StoreError, notes, projects::public_url};

/// Most issues one bulk update without ids may touch (Sentry's limit).
const BULK_LIMIT: usize = 1000;

/// A stats period: buckets and hours per bucket.
fn period(name: &str) -> Option<(&'static str, usize, i64)> {
    match name {
        "24h" | "auto" => Some(("24h", 24, 1)),
        "14d" => Some(("14d", 14, 24)),
        "30d" => Some(("30d", 30, 24)),
        _ => None,
    }
}

/// Everything a list request asks for, read from its path and parameters.
struct ListRequest {
    org_name: Option<String>,
    project_name: Option<String>,
    params: Params,
    viewer: Viewer,
}

impl ListRequest {
    /// The organization, and the projects the request is scoped to (empty: all of the org's).
    fn scope(&self, conn: &Connection) -> Result<(Org, Vec<i64>), StoreError> {
        let path: HashMap<String, String> = self.org_name.iter().map(|o| ("org".to_string(), o.clone())).collect();
        let org = org_named(conn, &path)?;
        if let Some(name) = &self.project_name {
            let project = cat::find_project(conn, org.id, name)?
                .ok_or_else(|| StoreError::NotFound(format!("project {name}")))?;
            return Ok((org, vec![project.id]));
        }
        let ids = projects_param(conn, &org, &self.params)?;
        Ok((org, ids))
    }

    /// The filters of the query and parameters; `is:unresolved` when `query` is absent.
    fn filters(&self, projects: &[i64]) -> Result<Vec<Filter>, StoreError> {
        let query = if self.params.has("query") { self.params.get("query").unwrap_or("") } else { "is:unresolved" };
        let mut filters =
            search_filter::filters(query, self.viewer).map_err(|err| StoreError::Invalid(err.to_string()))?;
        if !projects.is_empty() {
            filters.push(Filter::Projects(projects.to_vec()));
        }
        if let Some(status) = self.params.get("status").filter(|s| !s.is_empty()) {
            let status = if status == "muted" { "ignored" } else { status };
            filters.push(Filter::Status(vec![status.to_string()]));
        }
        // On the org-scoped list, statsPeriod/start/end restrict by time (the project list uses
        // statsPeriod for the series only).
        if self.project_name.is_none() {
            let window = self.params.time_window(self.viewer.now).map_err(StoreError::Invalid)?;
            if let Some(start) = window.start {
                filters.push(Filter::LastSeen(issue_list::Cmp::Ge, start));
            }
            if let Some(end) = window.end {
                filters.push(Filter::LastSeen(issue_list::Cmp::Le, end));
            }
        }
        Ok(filters)
    }
}

/// The `project` parameters (ids or slugs) as ids; empty for all of the organization's, as
/// when `-1` is among them. An unknown one is a 400.
pub(super) fn projects_param(conn: &Connection, org: &Org, params: &Params) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::new();
    for name in params.all("project") {
        if name == "-1" {
            return Ok(Vec::new());
        }
        let project = cat::find_project(conn, org.id, &name)?.ok_or_else(|| {
            StoreError::Invalid(format!("Invalid project {name:?}: no such project in this organization"))
        })?;
        ids.push(project.id);
    }
    Ok(ids)
}

/// Issue JSON for `issues` with their stats series.
fn issues_json(
    conn: &Connection,
    org: &Org,
    issues: &[IssueRecord],
    periods: &[(&'static str, usize, i64)],
    filtered: &HashMap<i64, i64>,
    viewer: Viewer,
) -> Result<Vec<Value>, StoreError> {
    let base = public_url(conn)?;
    let ids: Vec<i64> = issues.iter().map(|i| i.id).collect();
    let end_hour = (viewer.now / 3600.0).floor() as i64;
    let mut series = Vec::new();
    for &(name, buckets, hours) in periods {
        series.push((name, hours, issue_list::stats_series(conn, &ids, end_hour, buckets, hours)?));
    }
    let names = assignee_names(conn, &issues.iter().collect::<Vec<_>>())?;
    Ok(issues
        .iter()
        .map(|issue| {
            let stats = series
                .iter()
                .map(|(name, hours, by_issue)| {
                    let counts = by_issue.get(&issue.id).cloned().unwrap_or_default();
                    (*name, issue_json::series(&counts, end_hour, *hours))
                })
                .collect();
            let opts = IssueJson {
                base_url: &base,
                org_slug: &org.slug,
                stats,
                filtered_count: filtered.get(&issue.id).copied().or(if filtered.is_empty() { None } else { Some(0) }),
            };
            issue_json::issue(issue, &opts, issue_json::assigned_to(issue.assignee.as_deref(), &names))
        })
        .collect())
}

/// `GET …/issues/` (org- or project-scoped).
pub async fn list(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    if params.get("query").is_some_and(super::feedback::is_feedback_query) {
        return super::feedback::stream(state, path.0, uri, headers).await;
    }
    let page = params.page(100, 100)?;
    let sort = match params.get("sort").filter(|s| !s.is_empty()) {
        None => Sort::default(),
        Some(text) => Sort::parse(text).ok_or_else(|| {
            ApiError::bad_request(format!(
                "Invalid sort {text:?}; valid: date, new, freq, user, priority, trends, inbox, recommended"
            ))
        })?,
    };
    let project_scoped = path.contains_key("project");
    let stats_param = if project_scoped { "statsPeriod" } else { "groupStatsPeriod" };
    let periods: Vec<_> = match params.get(stats_param) {
        None => vec![("24h", 24, 1)],
        Some("") => Vec::new(),
        Some(text) => vec![period(text).ok_or_else(|| {
            ApiError::bad_request(format!("Invalid {stats_param} {text:?}; valid: \"\", 24h, 14d, auto"))
        })?],
    };
    let request = ListRequest {
        org_name: path.get("org").cloned(),
        project_name: path.get("project").cloned(),
        params: params.clone(),
        viewer: Viewer::local(),
    };
    let environments = params.all("environment");
    let short_lookup = params.flag("shortIdLookup");
    let (items, hits, more) = state
        .store
        .read(move |conn| {
            let (org, projects) = request.scope(conn)?;
            let viewer = request.viewer;
            if short_lookup
                && let Some(query) = request.params.get("query").map(str::trim)
                && let Some(id) = crate::store::issues::find_short_id(conn, org.id, query)?
                && let Some(issue) = crate::store::issues::issue_for(conn, id, viewer)?
            {
                let items = issues_json(conn, &org, &[issue], &periods, &HashMap::new(), viewer)?;
                return Ok((items, 1, false));
            }
            let query = ListQuery {
                filters: request.filters(&projects)?,
                environments,
                sort,
                limit: page.limit,
                offset: page.offset,
            };
            let found = issue_list::list_page(conn, &query, viewer)?;
            let more = (page.offset + found.issues.len()) < found.hits as usize;
            let items = issues_json(conn, &org, &found.issues, &periods, &found.filtered_counts, viewer)?;
            Ok((items, found.hits, more))
        })
        .await?;
    let mut extra = vec![("x-hits", HeaderValue::from(hits)), ("x-max-hits", HeaderValue::from(hits))];
    if let Some(link) = link_header(&uri, &headers, page, more) {
        extra.push(("link", link));
    }
    Ok(json_response(Value::Array(items), extra))
}

/// The detail object: the list fields plus releases, tags, activity, 24h and 30d stats.
fn detail_json(conn: &Connection, org: &Org, issue: &IssueRecord, viewer: Viewer) -> Result<Value, StoreError> {
    let periods = [("24h", 24, 1), ("30d", 30, 24)];
    let mut value = issues_json(conn, org, std::slice::from_ref(issue), &periods, &HashMap::new(), viewer)?
        .pop()
        .unwrap_or(Value::Null);
    let release = |version: &Option<String>| -> Result<Value, StoreError> {
        Ok(match version {
            Some(v) => match cat::release(conn, issue.project_id, v)? {
                Some(r) => json!({ "version": r.version, "shortVersion": r.version, "dateCreated": iso(r.date_created),
                                   "dateReleased": r.date_released.map(iso), "ref": r.git_ref, "url": r.url,
                                   "firstEvent": iso(r.first_seen), "lastEvent": iso(r.last_seen) }),
                None => {
                    json!({ "version": v, "shortVersion": v, "dateCreated": null, "dateReleased": null, "ref": null, "url": null })
                }
            },
            None => Value::Null,
        })
    };
    let tags: Vec<Value> = crate::store::tags::tag_keys(conn, issue.id, None)?
        .iter()
        .map(|t| json!({ "key": t.key, "name": t.key, "totalValues": t.total }))
        .collect();
    let (activity, _) = notes::list(conn, issue.id, false, 100, 0)?;
    let activity: Vec<Value> = activity
        .iter()
        .map(|a| json!({ "id": a.id.to_string(), "type": a.kind, "data": a.data, "dateCreated": iso(a.date_created),
                         "user": a.user.as_ref().map(|u| json!({ "id": u.id.to_string(), "username": u.username, "name": u.name })) }))
        .collect();
    if let Some(object) = value.as_object_mut() {
        object.insert("firstRelease".into(), release(&issue.first_release)?);
        object.insert("lastRelease".into(), release(&issue.last_release)?);
        object.insert("tags".into(), json!(tags));
        object.insert("activity".into(), json!(activity));
        object.insert("seenBy".into(), json!([]));
        object.insert("participants".into(), json!([]));
        object.insert("userReportCount".into(), json!(0));
        object.insert("pluginActions".into(), json!([]));
        object.insert("pluginIssues".into(), json!([]));
        object.insert("pluginContexts".into(), json!([]));
    }
    Ok(value)
}

/// `GET …/issues/{issue}/`.
pub async fn detail(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let viewer = Viewer::local();
    let value = state
        .store
        .read(move |conn| {
            let (org, issue) = issue_of(conn, &path, viewer)?;
            detail_json(conn, &org, &issue, viewer)
        })
        .await?;
    Ok(json_response(value, vec![]))
}

/// Resolves `assignedTo` to a user of this server.
fn assignee(conn: &Connection, update: &Update) -> Result<Option<Assignee>, StoreError> {
    match &update.assign_to {
        None => Ok(None),
        Some(None) => Ok(Some(Assignee::Nobody)),
        Some(Some(name)) if name.starts_with("team:") => {
            Err(StoreError::Invalid(format!("assignedTo: unknown team {name:?}; this server has no teams")))
        }
        Some(Some(name)) => match notes::find_user(conn, name)? {
            Some(user) => Ok(Some(Assignee::User(user.id))),
            None => {
                let valid: Vec<String> =
                    notes::users(conn)?.into_iter().map(|(u, _)| format!("{} ({})", u.username, u.name)).collect();
                Err(StoreError::Invalid(format!("assignedTo: unknown user {name:?}; valid: {}", valid.join(", "))))
            }
        },
    }
}

/// Applies a parsed update to `ids` through the writer.
async fn apply(state: &AppState, ids: Vec<i64>, mut update: Update) -> Result<Option<(i64, Vec<i64>)>, ApiError> {
    if update.discard {
        return Err(ApiError::bad_request("discard: not supported; delete the issues with DELETE instead"));
    }
    let update_for_read = Update { assign_to: update.assign_to.clone(), ..Update::default() };
    update.change.assign = state.store.read(move |conn| assignee(conn, &update_for_read)).await?;
    let merge = update.merge;
    let change = update.change;
    Ok(state
        .store
        .writer()
        .call(move |tx| {
            // Taken on the writer: every event committed before this change arrived before it,
            // so an ignore's count starts exactly after the events it could have seen.
            let now = crate::store::now();
            triage::apply_change(tx, &ids, &change, Viewer::local().user_id, now)?;
            if merge {
                if ids.len() < 2 {
                    return Err(StoreError::Invalid("merge: select at least two issues".into()));
                }
                return Ok(Some(triage::merge(tx, &ids, Viewer::local().user_id, now)?));
            }
            Ok(None)
        })
        .await?)
}

/// `PUT …/issues/{issue}/`: answers with the updated issue.
pub async fn update(State(state): State<Arc<AppState>>, path: PathArgs, body: Bytes) -> Result<Response, ApiError> {
    let update = update_body::parse(&body)?;
    if update.merge {
        return Err(ApiError::bad_request("merge: only the bulk update merges issues"));
    }
    let viewer = Viewer::local();
    let lookup = path.clone();
    let id = state.store.read(move |conn| issue_of(conn, &lookup, viewer).map(|(_, i)| i.id)).await?;
    apply(&state, vec![id], update).await?;
    detail(State(state), path).await
}

/// Which issues a bulk request names: its `id`s (within scope), or else everything its
/// filters match (status updates and deletes only, at most [`BULK_LIMIT`]).
async fn bulk_ids(state: &AppState, path: PathArgs, uri: &Uri, status_only: bool) -> Result<Vec<i64>, ApiError> {
    let params = Params::from_uri(uri);
    let ids = params.ids()?;
    if ids.is_empty() && !status_only {
        return Err(ApiError::bad_request("You must specify a list of issue ids (id=...) for this operation"));
    }
    let request = ListRequest {
        org_name: path.get("org").cloned(),
        project_name: path.get("project").cloned(),
        params: params.clone(),
        viewer: Viewer::local(),
    };
    let environments = params.all("environment");
    Ok(state
        .store
        .read(move |conn| {
            let (_, projects) = request.scope(conn)?;
            let mut filters = if ids.is_empty() { request.filters(&projects)? } else { Vec::new() };
            if !ids.is_empty() {
                if !projects.is_empty() {
                    filters.push(Filter::Projects(projects));
                }
                if let Some(status) = request.params.get("status").filter(|s| !s.is_empty()) {
                    filters.push(Filter::Status(vec![if status == "muted" { "ignored" } else { status }.to_string()]));
                }
                filters.push(Filter::Ids(ids));
            }
            let query = ListQuery { filters, environments, sort: Sort::LastSeen, limit: BULK_LIMIT, offset: 0 };
            issue_list::list_ids(conn, &query, request.viewer)
        })
        .await?)
}

/// The partial object a bulk update answers with: what was applied.
fn applied_json(update_body: &[u8], merged: Option<(i64, Vec<i64>)>) -> Value {
    let mut echo: Map<String, Value> =
        serde_json::from_slice::<Value>(update_body).ok().and_then(|v| v.as_object().cloned()).unwrap_or_default();
    echo.remove("snoozeDuration");
    if let Some(status) = echo.get("status").and_then(Value::as_str).map(str::to_owned) {
        let read_status = match status.as_str() {
            "resolvedInNextRelease" => "resolved",
            "muted" => "ignored",
            other => other,
        };
        echo.insert("status".into(), json!(read_status));
        echo.entry("statusDetails").or_insert_with(|| json!({}));
        if status == "resolvedInNextRelease" {
            echo.insert("statusDetails".into(), json!({ "inNextRelease": true }));
        }
    }
    if let Some((parent, children)) = merged {
        echo.insert(
            "merge".into(),
            json!({ "parent": parent.to_string(), "children": children.iter().map(i64::to_string).collect::<Vec<_>>() }),
        );
    }
    Value::Object(echo)
}

fn no_content() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    response
}

/// `PUT …/issues/?id=…`: 204 when nothing matched, else the applied fields.
pub async fn bulk_update(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    body: Bytes,
) -> Result<Response, ApiError> {
    let update = update_body::parse(&body)?;
    if update.empty {
        return Err(ApiError::bad_request("Nothing to update: the body names no known change"));
    }
    let status_only = update.change.status.is_some()
        && update.change.priority.is_none()
        && update.assign_to.is_none()
        && !update.merge;
    let ids = bulk_ids(&state, path, &uri, status_only).await?;
    if ids.is_empty() {
        return Ok(no_content());
    }
    let merged = apply(&state, ids, update).await?;
    Ok(json_response(applied_json(&body, merged), vec![]))
}

/// `DELETE …/issues/{issue}/` → 202.
pub async fn delete(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let viewer = Viewer::local();
    let id = state.store.read(move |conn| issue_of(conn, &path, viewer).map(|(_, i)| i.id)).await?;
    state.store.writer().call(move |tx| triage::delete(tx, &[id])).await?;
    let mut response = StatusCode::ACCEPTED.into_response();
    response.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    Ok(response)
}

/// `DELETE …/issues/?id=…` → 204.
pub async fn bulk_delete(State(state): State<Arc<AppState>>, path: PathArgs, uri: Uri) -> Result<Response, ApiError> {
    let ids = bulk_ids(&state, path, &uri, true).await?;
    if !ids.is_empty() {
        state.store.writer().call(move |tx| triage::delete(tx, &ids)).await?;
    }
    Ok(no_content())
}
