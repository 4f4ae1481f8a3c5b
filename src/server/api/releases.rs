//! Release endpoints as sentry-cli and Sentry's console call them: the organization's and a
//! project's release lists (newest first; `query`, `status`, `project`, `per_page`, `cursor`,
//! and `health=1` for `healthData`) and create; one release's detail, update (finalize, archive,
//! restore, `refs`, `commits`) and delete; its commits, the previous release with commits, and
//! its deploys; the organization's repositories. Create answers 201, or 208 when the version
//! exists (Sentry's "already reported"), each with the release. Every write runs on the store's
//! writer. The sessions endpoint is in [`super::sessions`].

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::params::{Params, link_header};
use super::release_body::{self, ProjectName, ReleaseBody};
use super::release_health::{self, HealthOptions};
use super::release_json::{self as shape, Extras};
use super::{PathArgs, both, json_response, org_of};
use crate::server::{ApiError, AppState};
use crate::store::catalog::{self as cat, Org};
use crate::store::release_writes::{self as writes, NewDeploy, ReleaseFields};
use crate::store::releases::{self, ReleaseFilter, ReleaseRecord, ReleaseSummary};
use crate::store::{StoreError, now};

type AppRouter = Router<Arc<AppState>>;

/// Adds the release, deploy, repository and sessions routes to `api`.
pub fn routes(mut api: AppRouter) -> AppRouter {
    let o = "/api/0/organizations/{org}";
    let p = "/api/0/projects/{org}/{project}";
    for scope in [o, p] {
        api = both(api, &format!("{scope}/releases/"), get(list).post(create));
        api = both(api, &format!("{scope}/releases/{{version}}/"), get(detail).put(update).delete(delete));
        api = both(api, &format!("{scope}/releases/{{version}}/commits/"), get(commits));
    }
    api = both(api, &format!("{o}/releases/{{version}}/previous-with-commits/"), get(previous_with_commits));
    api = both(api, &format!("{o}/releases/{{version}}/deploys/"), get(deploys).post(add_deploy));
    api = both(api, &format!("{o}/repos/"), get(repositories).post(add_repository));
    api = both(api, &format!("{o}/sessions/"), get(super::sessions::query));
    api
}

fn org(conn: &Connection, path: &HashMap<String, String>) -> Result<Org, StoreError> {
    org_of(conn, path)?.ok_or_else(|| StoreError::NotFound("organization".into()))
}

/// The project in the path, if the route has one.
fn path_project(conn: &Connection, org: &Org, path: &HashMap<String, String>) -> Result<Option<i64>, StoreError> {
    match path.get("project") {
        Some(name) => Ok(Some(
            cat::find_project(conn, org.id, name)?.ok_or_else(|| StoreError::NotFound(format!("project {name}")))?.id,
        )),
        None => Ok(None),
    }
}

/// Projects named in a body or query, resolved in `org`; an unknown one is a 400.
fn resolve_projects(conn: &Connection, org: &Org, names: &[String]) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::new();
    for name in names.iter().filter(|n| n.as_str() != "-1") {
        let project = cat::find_project(conn, org.id, name)?
            .ok_or_else(|| StoreError::Invalid(format!("Invalid project ids or slugs: {name:?}")))?;
        if !ids.contains(&project.id) {
            ids.push(project.id);
        }
    }
    Ok(ids)
}

/// The release in the path, within the path's project when there is one.
fn release_of(conn: &Connection, path: &HashMap<String, String>) -> Result<(Org, ReleaseRecord), StoreError> {
    let org = org(conn, path)?;
    let version = path.get("version").map(String::as_str).unwrap_or_default();
    let not_found = || StoreError::NotFound(format!("release {version}"));
    let release = releases::find(conn, org.id, version)?.ok_or_else(not_found)?;
    if let Some(project) = path_project(conn, &org, path)?
        && !releases::has_project(conn, release.id, project)?
    {
        return Err(not_found());
    }
    Ok((org, release))
}

fn summary_of(conn: &Connection, release: &ReleaseRecord) -> Result<ReleaseSummary, StoreError> {
    releases::summaries(conn, std::slice::from_ref(release))?
        .pop()
        .ok_or_else(|| StoreError::NotFound("release".into()))
}

fn one_json(conn: &Connection, release: &ReleaseRecord) -> Result<Value, StoreError> {
    let summary = summary_of(conn, release)?;
    let extras =
        Extras { events: release_health::event_stats(conn, std::slice::from_ref(&summary), now())?, health: None };
    Ok(shape::release_json(&summary, &extras))
}

/// `GET …/releases/`: newest first.
pub async fn list(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let page = params.page(25, 100)?;
    let health = HealthOptions::from_params(&params)?;
    let status = match params.get("status").filter(|s| !s.is_empty()).unwrap_or("open") {
        "open" => Some("open".to_owned()),
        "archived" => Some("archived".to_owned()),
        "all" => None,
        other => return Err(ApiError::bad_request(format!("Invalid status {other:?}; valid: open, archived, all"))),
    };
    let (items, total) = state
        .store
        .read(move |conn| {
            let org = org(conn, &path)?;
            let projects = match path_project(conn, &org, &path)? {
                Some(project) => vec![project],
                None => resolve_projects(conn, &org, &params.all("project"))?,
            };
            let filter = ReleaseFilter { projects, query: params.get("query").map(str::to_owned), status };
            let (records, total) = releases::list(conn, org.id, &filter, page.limit, page.offset)?;
            let summaries = releases::summaries(conn, &records)?;
            let at = now();
            let extras = Extras {
                health: health.map(|h| release_health::health_data(conn, org.id, &summaries, &h, at)).transpose()?,
                events: release_health::event_stats(conn, &summaries, at)?,
            };
            Ok((summaries.iter().map(|s| shape::release_json(s, &extras)).collect::<Vec<_>>(), total))
        })
        .await?;
    let more = (page.offset + items.len()) < total as usize;
    let mut extra = vec![("x-hits", HeaderValue::from(total))];
    if let Some(link) = link_header(&uri, &headers, page, more) {
        extra.push(("link", link));
    }
    Ok(json_response(Value::Array(items), extra))
}

fn fields_of(body: &ReleaseBody, projects: Vec<i64>) -> ReleaseFields {
    ReleaseFields {
        url: body.url.clone(),
        git_ref: body.git_ref.clone(),
        date_started: body.date_started,
        date_released: body.date_released,
        status: body.status.clone(),
        projects,
    }
}

/// Applies a body's `commits` and `refs` to `release`.
fn apply_commits(
    tx: &rusqlite::Transaction<'_>,
    release: &ReleaseRecord,
    body: &ReleaseBody,
) -> Result<(), StoreError> {
    if let Some(refs) = &body.refs {
        writes::set_refs(tx, release, refs, now())?;
    }
    if let Some(commits) = &body.commits {
        writes::set_commits(tx, release, commits, now())?;
    }
    Ok(())
}

/// `POST …/releases/`: 201 with the new release, 208 when the version exists.
pub async fn create(State(state): State<Arc<AppState>>, path: PathArgs, bytes: Bytes) -> Result<Response, ApiError> {
    let body = release_body::release(&bytes)?;
    let Some(version) = body.version.clone().filter(|v| !v.is_empty()) else {
        return Err(ApiError::bad_request("version: a release version is required"));
    };
    let (value, created) = state
        .store
        .writer()
        .call(move |tx| {
            let org = org(tx, &path)?;
            let names: Vec<String> = body.projects.iter().map(ProjectName::text).collect();
            let mut projects = resolve_projects(tx, &org, &names)?;
            if let Some(project) = path_project(tx, &org, &path)? {
                projects.push(project);
            }
            let (release, created) = writes::create(tx, org.id, &version, &fields_of(&body, projects), now())?;
            apply_commits(tx, &release, &body)?;
            Ok((one_json(tx, &release)?, created))
        })
        .await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::ALREADY_REPORTED };
    Ok((status, json_response(value, vec![])).into_response())
}

/// `GET …/releases/{version}/`.
pub async fn detail(State(state): State<Arc<AppState>>, path: PathArgs, uri: Uri) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let health = HealthOptions::from_params(&params)?;
    let value = state
        .store
        .read(move |conn| {
            let (org, release) = release_of(conn, &path)?;
            let summary = summary_of(conn, &release)?;
            let summaries = std::slice::from_ref(&summary);
            let at = now();
            let extras = Extras {
                health: health.map(|h| release_health::health_data(conn, org.id, summaries, &h, at)).transpose()?,
                events: release_health::event_stats(conn, summaries, at)?,
            };
            Ok(shape::release_json(&summary, &extras))
        })
        .await?;
    Ok(json_response(value, vec![]))
}

/// `PUT …/releases/{version}/`: finalize (`dateReleased`), `status`, `url`, `ref`, `refs`, `commits`.
pub async fn update(State(state): State<Arc<AppState>>, path: PathArgs, bytes: Bytes) -> Result<Response, ApiError> {
    let body = release_body::release(&bytes)?;
    let value = state
        .store
        .writer()
        .call(move |tx| {
            let (org, release) = release_of(tx, &path)?;
            let names: Vec<String> = body.projects.iter().map(ProjectName::text).collect();
            let projects = resolve_projects(tx, &org, &names)?;
            let release = writes::update(tx, &release, &fields_of(&body, projects))?;
            apply_commits(tx, &release, &body)?;
            one_json(tx, &release)
        })
        .await?;
    Ok(json_response(value, vec![]))
}

/// `DELETE …/releases/{version}/`: 204; 400 while an issue was first seen in it.
pub async fn delete(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    state
        .store
        .writer()
        .call(move |tx| {
            let (_, release) = release_of(tx, &path)?;
            writes::delete(tx, &release)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A whole list with Sentry's `Link` header, both directions empty.
fn full_list(items: Vec<Value>, uri: &Uri, headers: &HeaderMap) -> Response {
    let page = super::params::PageRequest { limit: items.len().max(1), offset: 0 };
    let mut extra = vec![("x-hits", HeaderValue::from(items.len()))];
    if let Some(link) = link_header(uri, headers, page, false) {
        extra.push(("link", link));
    }
    json_response(Value::Array(items), extra)
}

/// `GET …/releases/{version}/commits/`: newest first.
pub async fn commits(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state
        .store
        .read(move |conn| {
            let (_, release) = release_of(conn, &path)?;
            Ok(releases::commits(conn, release.id)?.iter().map(shape::commit_json).collect::<Vec<_>>())
        })
        .await?;
    Ok(full_list(items, &uri, &headers))
}

/// `GET …/releases/{version}/previous-with-commits/`: the release, or `{}` when there is none.
pub async fn previous_with_commits(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let value = state
        .store
        .read(move |conn| {
            let (_, release) = release_of(conn, &path)?;
            match releases::previous_with_commits(conn, &release)? {
                Some(previous) => one_json(conn, &previous),
                None => Ok(json!({})),
            }
        })
        .await?;
    Ok(json_response(value, vec![]))
}

/// `GET …/releases/{version}/deploys/`: oldest first.
pub async fn deploys(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state
        .store
        .read(move |conn| {
            let (_, release) = release_of(conn, &path)?;
            Ok(releases::deploys(conn, release.id)?.iter().map(shape::deploy_json).collect::<Vec<_>>())
        })
        .await?;
    Ok(full_list(items, &uri, &headers))
}

/// `POST …/releases/{version}/deploys/`: 201 with the deploy.
pub async fn add_deploy(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let body = release_body::deploy(&bytes, now())?;
    let value = state
        .store
        .writer()
        .call(move |tx| {
            let (org, release) = release_of(tx, &path)?;
            let names: Vec<String> = body.projects.iter().map(ProjectName::text).collect();
            let deploy = NewDeploy {
                environment: body.environment,
                name: body.name,
                url: body.url,
                date_started: body.date_started,
                date_finished: body.date_finished,
                projects: resolve_projects(tx, &org, &names)?,
            };
            Ok(shape::deploy_json(&writes::add_deploy(tx, &release, &deploy)?))
        })
        .await?;
    Ok((StatusCode::CREATED, json_response(value, vec![])).into_response())
}

/// `GET …/repos/`.
pub async fn repositories(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state
        .store
        .read(move |conn| {
            let org = org(conn, &path)?;
            Ok(releases::repositories(conn, org.id)?.iter().map(shape::repo_json).collect::<Vec<_>>())
        })
        .await?;
    Ok(full_list(items, &uri, &headers))
}

/// `POST …/repos/` with `{"name", "url", "provider"}`: 201 with the repository.
pub async fn add_repository(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let (name, url, provider) = release_body::repository(&bytes)?;
    let value = state
        .store
        .writer()
        .call(move |tx| {
            let org = org(tx, &path)?;
            let repo = writes::add_repository(tx, org.id, &name, url.as_deref(), provider.as_deref(), now())?;
            Ok(shape::repo_json(&repo))
        })
        .await?;
    Ok((StatusCode::CREATED, json_response(value, vec![])).into_response())
}
