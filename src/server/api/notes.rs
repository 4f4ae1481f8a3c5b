//! An issue's tags (keys with top values, one key, its values page by page), its comments
//! (list, add, edit, delete) and its activity log.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::issue_json::iso;
use super::params::{Params, link_header};
use super::{PathArgs, issue_of, json_response};
use crate::server::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::issues::{LOCAL_USER, Viewer};
use crate::store::notes::{self as store_notes, Activity};
use crate::store::tags::{self as store_tags, TagKeySummary, TagValueCount, ValueOrder};

/// Sentry's display names of the tags it knows.
pub(super) fn tag_name(key: &str) -> String {
    match key {
        "environment" => "Environment".into(),
        "level" => "Level".into(),
        "release" => "Release".into(),
        "user" => "User".into(),
        "url" => "URL".into(),
        "os" => "OS".into(),
        "os.name" => "OS Name".into(),
        "browser" => "Browser".into(),
        "browser.name" => "Browser Name".into(),
        "runtime" => "Runtime".into(),
        "runtime.name" => "Runtime Name".into(),
        "server_name" => "Server".into(),
        "transaction" => "Transaction".into(),
        "handled" => "Handled".into(),
        "mechanism" => "Mechanism".into(),
        other => other.to_string(),
    }
}

pub(super) fn value_json(key: &str, value: &TagValueCount) -> Value {
    json!({
        "key": key,
        "name": value.value,
        "value": value.value,
        "count": value.count,
        "firstSeen": iso(value.first_seen),
        "lastSeen": iso(value.last_seen),
        "query": format!("{key}:\"{}\"", value.value.replace('\\', "\\\\").replace('"', "\\\"")),
    })
}

pub(super) fn key_json(summary: &TagKeySummary) -> Value {
    json!({
        "key": summary.key,
        "name": tag_name(&summary.key),
        "totalValues": summary.total,
        "uniqueValues": summary.unique,
        "topValues": summary.top.iter().map(|v| value_json(&summary.key, v)).collect::<Vec<_>>(),
    })
}

/// `GET …/tags/`: every key with its top values (one page: an issue has few keys).
pub async fn tag_keys(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let viewer = Viewer::local();
    let value = state
        .store
        .read(move |conn| {
            let (_, issue) = issue_of(conn, &path, viewer)?;
            Ok(store_tags::tag_keys(conn, issue.id, None)?.iter().map(key_json).collect::<Vec<_>>())
        })
        .await?;
    let page = super::params::PageRequest { limit: value.len().max(1), offset: 0 };
    let extra = link_header(&uri, &headers, page, false).map(|l| vec![("link", l)]).unwrap_or_default();
    Ok(json_response(Value::Array(value), extra))
}

/// `GET …/tags/{key}/`.
pub async fn tag_key(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let viewer = Viewer::local();
    let value = state
        .store
        .read(move |conn| {
            let (_, issue) = issue_of(conn, &path, viewer)?;
            let key = path.get("key").cloned().unwrap_or_default();
            let summary = store_tags::tag_keys(conn, issue.id, Some(&key))?.into_iter().next();
            summary.map(|s| key_json(&s)).ok_or_else(|| StoreError::NotFound(format!("tag {key}")))
        })
        .await?;
    Ok(json_response(value, vec![]))
}

/// The values' `sort`: `-count` (the default), `-date`, `-age` or `id`.
pub(super) fn value_order(params: &Params) -> Result<ValueOrder, ApiError> {
    Ok(match params.get("sort").unwrap_or("-count") {
        "-count" | "count" => ValueOrder::Count,
        "-date" | "date" | "-last_seen" => ValueOrder::LastSeen,
        "-age" | "age" | "-first_seen" => ValueOrder::FirstSeen,
        "id" | "-id" => ValueOrder::Value,
        other => return Err(ApiError::bad_request(format!("Invalid sort {other:?}; valid: -count, -date, -age, id"))),
    })
}

/// `GET …/tags/{key}/values/`, `sort` one of `-count` (default), `-date`, `-age`, `id`.
pub async fn tag_values(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let page = params.page(100, 1000)?;
    let order = value_order(&params)?;
    let viewer = Viewer::local();
    let (items, more) = state
        .store
        .read(move |conn| {
            let (_, issue) = issue_of(conn, &path, viewer)?;
            let key = path.get("key").cloned().unwrap_or_default();
            let (values, more) = store_tags::tag_values(conn, issue.id, &key, order, page.limit, page.offset)?;
            if values.is_empty() && page.offset == 0 && store_tags::tag_keys(conn, issue.id, Some(&key))?.is_empty() {
                return Err(StoreError::NotFound(format!("tag {key}")));
            }
            Ok((values.iter().map(|v| value_json(&key, v)).collect::<Vec<_>>(), more))
        })
        .await?;
    let extra = link_header(&uri, &headers, page, more).map(|l| vec![("link", l)]).unwrap_or_default();
    Ok(json_response(Value::Array(items), extra))
}

fn activity_json(activity: &Activity) -> Value {
    let user = activity
        .user
        .as_ref()
        .map(|u| json!({ "id": u.id.to_string(), "username": u.username, "name": u.name, "email": u.email }));
    json!({
        "id": activity.id.to_string(),
        "type": activity.kind,
        "data": activity.data,
        "user": user,
        "dateCreated": iso(activity.date_created),
    })
}

async fn activity_list(
    state: Arc<AppState>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
    notes_only: bool,
) -> Result<Response, ApiError> {
    let page = Params::from_uri(&uri).page(100, 100)?;
    let viewer = Viewer::local();
    let (items, more) = state
        .store
        .read(move |conn| {
            let (_, issue) = issue_of(conn, &path, viewer)?;
            let (activities, more) = store_notes::list(conn, issue.id, notes_only, page.limit, page.offset)?;
            Ok((activities.iter().map(activity_json).collect::<Vec<_>>(), more))
        })
        .await?;
    let extra = link_header(&uri, &headers, page, more).map(|l| vec![("link", l)]).unwrap_or_default();
    Ok(json_response(Value::Array(items), extra))
}

/// `GET …/comments/`: notes, newest first.
pub async fn comments(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    activity_list(state, path, uri, headers, true).await
}

/// `GET …/activities/`: the whole activity log, newest first.
pub async fn activities(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    activity_list(state, path, uri, headers, false).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    text: String,
    #[serde(default)]
    mentions: Vec<String>,
    #[serde(default)]
    external_id: Option<String>,
}

fn note_body(bytes: &[u8]) -> Result<String, ApiError> {
    let body: NoteBody =
        serde_json::from_slice(bytes).map_err(|err| ApiError::bad_request(format!("Invalid request body: {err}")))?;
    let _ = (&body.mentions, &body.external_id);
    Ok(body.text)
}

/// Resolves the issue for a write, off the async threads.
async fn issue_id(state: &AppState, path: PathArgs) -> Result<i64, ApiError> {
    let viewer = Viewer::local();
    Ok(state.store.read(move |conn| issue_of(conn, &path, viewer).map(|(_, i)| i.id)).await?)
}

fn note_id(path: &PathArgs) -> Result<i64, ApiError> {
    path.get("note").and_then(|n| n.parse().ok()).ok_or_else(ApiError::not_found)
}

/// `POST …/comments/` → 201 with the note.
pub async fn add_comment(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    body: Bytes,
) -> Result<Response, ApiError> {
    let text = note_body(&body)?;
    let group_id = issue_id(&state, path).await?;
    let now = crate::store::now();
    let id = state.store.writer().call(move |tx| store_notes::add(tx, group_id, LOCAL_USER, &text, now)).await?;
    let note =
        state.store.read(move |conn| store_notes::get(conn, group_id, id)).await?.ok_or_else(ApiError::not_found)?;
    let mut response = json_response(activity_json(&note), vec![]);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `PUT …/comments/{note}/`.
pub async fn edit_comment(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    body: Bytes,
) -> Result<Response, ApiError> {
    let text = note_body(&body)?;
    let note = note_id(&path)?;
    let group_id = issue_id(&state, path).await?;
    state.store.writer().call(move |tx| store_notes::edit(tx, group_id, note, &text)).await?;
    let note =
        state.store.read(move |conn| store_notes::get(conn, group_id, note)).await?.ok_or_else(ApiError::not_found)?;
    Ok(json_response(activity_json(&note), vec![]))
}

/// `DELETE …/comments/{note}/` → 204.
pub async fn delete_comment(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let note = note_id(&path)?;
    let group_id = issue_id(&state, path).await?;
    state.store.writer().call(move |tx| store_notes::delete(tx, group_id, note)).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    Ok(response)
}
