//! The ingest endpoints real SDKs post to: `/api/{project_id}/envelope/`, the legacy
//! `/api/{project_id}/store/` and `/api/store/`, with CORS for browser SDKs. Order of checks:
//! size on the wire, credentials, project, rate limit, decompression (bounded), parsing,
//! preparation, then the durable commit; the `200 {"id": ...}` is sent only after the commit.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, Uri, header};
use base64::Engine;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use crate::ingest::decode::{self, Encoding};
use crate::ingest::{self, IngestError, Prepared, auth, envelope};
use crate::store::{WriteJob, now};

/// Bodies larger than this are decoded and prepared on the blocking pool.
const INLINE_WORK_LIMIT: usize = 256 * 1024;

/// Content types the envelope endpoint accepts (browsers use the CORS-safe ones).
const ENVELOPE_TYPES: &[&str] = &[
    "application/x-sentry-envelope",
    "text/plain",
    "application/octet-stream",
    "application/json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
];

pub async fn envelope(
    State(state): State<Arc<AppState>>,
    Path(project): Path<String>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let project_id = parse_project(&project)?;
    let (parts, body) = request.into_parts();
    let (uri, headers, connect) =
        (parts.uri, parts.headers, parts.extensions.get::<ConnectInfo<SocketAddr>>().cloned());
    check_content_type(&headers)?;
    let body = read_body(body, state.limits.max_compressed_body).await?;
    let key = request_key(&headers, &uri)?;
    if let Some(key) = &key {
        // Refuse unknown or over-limit keys before spending time on decompression.
        state.authorize(key, Some(project_id)).await?;
        state.admit(key)?;
    }
    let encoding = Encoding::from_header(header_text(&headers, header::CONTENT_ENCODING))?;
    let limits = state.limits.clone();
    let decode_and_parse = move || -> Result<(Vec<u8>, Option<String>), IngestError> {
        let decoded = decode::decode(&body, encoding, limits.max_envelope)?;
        let dsn_key = envelope::parse(&decoded)?.dsn().and_then(auth::dsn_parts).map(|(k, _)| k);
        Ok((decoded, dsn_key))
    };
    let (decoded, dsn_key) = run_cpu(decode_and_parse, body_len_hint(&headers)).await?;
    let scrub = match (&key, &dsn_key) {
        (Some(key), Some(dsn)) if key != dsn => {
            return Err(
                IngestError::Forbidden("the envelope's dsn names a different key than the request".into()).into()
            );
        }
        (Some(key), _) => state.authorize(key, Some(project_id)).await?,
        (None, Some(dsn)) => {
            let scrub = state.authorize(dsn, Some(project_id)).await?;
            state.admit(dsn)?;
            scrub
        }
        (None, None) => return Err(missing_auth().into()),
    };
    let request =
        ingest::Request { project_id, received: now(), client_ip: client_ip(connect.as_ref(), &headers), scrub };
    let limits = state.limits.clone();
    let len = decoded.len();
    let prepared = run_cpu(
        move || {
            let env = envelope::parse(&decoded)?;
            ingest::prepare_envelope(&env, &request, &limits)
        },
        len,
    )
    .await?;
    commit(&state, prepared).await
}

pub async fn store_for_project(
    State(state): State<Arc<AppState>>,
    Path(project): Path<String>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let project_id = parse_project(&project)?;
    store_event(state, Some(project_id), request).await
}

pub async fn store_without_project(
    State(state): State<Arc<AppState>>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    store_event(state, None, request).await
}

async fn store_event(state: Arc<AppState>, project_id: Option<i64>, request: Request) -> Result<Json<Value>, ApiError> {
    let (parts, body) = request.into_parts();
    let (uri, headers, connect) =
        (parts.uri, parts.headers, parts.extensions.get::<ConnectInfo<SocketAddr>>().cloned());
    let body = read_body(body, state.limits.max_compressed_body).await?;
    let key = request_key(&headers, &uri)?.ok_or_else(missing_auth)?;
    let scrub = state.authorize(&key, project_id).await?;
    state.admit(&key)?;
    let project_id = match project_id {
        Some(id) => id,
        None => state.key_project(&key).await?,
    };
    let encoding = Encoding::from_header(header_text(&headers, header::CONTENT_ENCODING))?;
    let request =
        ingest::Request { project_id, received: now(), client_ip: client_ip(connect.as_ref(), &headers), scrub };
    let limits = state.limits.clone();
    let len = body.len();
    let prepared = run_cpu(
        move || {
            let mut decoded = decode::decode(&body, encoding, limits.max_event)?;
            if encoding == Encoding::Identity
                && decoded.first().is_some_and(|b| !matches!(b, b'{' | b' ' | b'\n' | b'\r' | b'\t'))
            {
                decoded = legacy_store_body(&decoded, limits.max_event)?;
            }
            ingest::prepare_store(&decoded, &request)
        },
        len,
    )
    .await?;
    commit(&state, prepared).await
}

/// Old SDKs post `base64(zlib(json))` to the store endpoint without an encoding header.
fn legacy_store_body(body: &[u8], limit: usize) -> Result<Vec<u8>, IngestError> {
    let text: Vec<u8> = body.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    let compressed = base64::engine::general_purpose::STANDARD
        .decode(&text)
        .map_err(|_| IngestError::bad("store body is neither JSON nor base64-encoded zlib data"))?;
    decode::decode(&compressed, Encoding::Deflate, limit)
}

async fn commit(state: &AppState, prepared: Prepared) -> Result<Json<Value>, ApiError> {
    let Prepared { job, event_id } = prepared;
    if !is_empty(&job) {
        state
            .store
            .writer()
            .write(job)
            .await
            .map_err(|err| IngestError::Unavailable(format!("failed to store the event: {err}")))?;
    }
    Ok(Json(match event_id {
        Some(id) => json!({ "id": id }),
        None => json!({}),
    }))
}

fn is_empty(job: &WriteJob) -> bool {
    job.events.is_empty() && job.items.is_empty()
}

/// Runs CPU-bound work inline for small bodies and on the blocking pool for large ones.
async fn run_cpu<T, F>(work: F, size: usize) -> Result<T, IngestError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, IngestError> + Send + 'static,
{
    if size <= INLINE_WORK_LIMIT {
        work()
    } else {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|_| IngestError::Unavailable("request processing failed".into()))?
    }
}

fn body_len_hint(headers: &HeaderMap) -> usize {
    header_text(headers, header::CONTENT_LENGTH).and_then(|v| v.parse().ok()).unwrap_or(usize::MAX)
}

fn parse_project(segment: &str) -> Result<i64, IngestError> {
    segment.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        IngestError::UnknownProject(format!("project {segment:?} does not exist: project ids are positive integers"))
    })
}

fn check_content_type(headers: &HeaderMap) -> Result<(), IngestError> {
    let Some(value) = header_text(headers, header::CONTENT_TYPE) else { return Ok(()) };
    let media = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if media.is_empty() || ENVELOPE_TYPES.contains(&media.as_str()) {
        Ok(())
    } else {
        Err(IngestError::bad(format!(
            "invalid content type {media:?}: send application/x-sentry-envelope (or text/plain)"
        )))
    }
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, IngestError> {
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(bytes),
        Err(err) => {
            let too_large =
                std::error::Error::source(&err).is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
            if too_large {
                Err(IngestError::TooLarge(format!("the request body exceeds the limit of {limit} bytes")))
            } else {
                Err(IngestError::bad(format!("failed to read the request body: {err}")))
            }
        }
    }
}

fn header_text(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn request_key(headers: &HeaderMap, uri: &Uri) -> Result<Option<String>, IngestError> {
    auth::request_key(header_text(headers, "x-sentry-auth"), header_text(headers, header::AUTHORIZATION), uri.query())
}

fn missing_auth() -> IngestError {
    IngestError::Unauthorized(
        "missing authorization information: send X-Sentry-Auth, a sentry_key query parameter, or a dsn in the envelope header".into(),
    )
}

/// The client address: the first `X-Forwarded-For` hop when present, else the peer.
fn client_ip(connect: Option<&ConnectInfo<SocketAddr>>, headers: &HeaderMap) -> Option<String> {
    header_text(headers, "x-forwarded-for")
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .or_else(|| connect.map(|c| c.0.ip().to_string()))
}
