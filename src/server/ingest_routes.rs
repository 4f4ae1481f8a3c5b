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
use crate::ingest::symbolicate::SourceMaps;
use crate::ingest::{self, IngestError, Prepared, auth, envelope};
use crate::store::{WriteJob, now};

/// Uncompressed bodies larger than this are prepared on the blocking pool.
const INLINE_WORK_LIMIT: usize = 256 * 1024;
/// How much of a body is inflated to read the envelope header when it carries the credentials.
const HEADER_PROBE: usize = 64 * 1024;

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
    let request_key = request_key(&headers, &uri)?;
    // Unknown or over-limit keys are refused before the body is even read.
    let mut scrub = match &request_key {
        Some(key) => {
            let scrub = state.authorize(key, Some(project_id)).await?;
            state.admit(key)?;
            Some(scrub)
        }
        None => None,
    };
    let body = read_body(body, state.limits.max_compressed_body).await?;
    let encoding = Encoding::from_header(header_text(&headers, header::CONTENT_ENCODING))?;
    if scrub.is_none() {
        // Credentials only in the envelope: inflate just enough to read its header line.
        let prefix = decode::decode_prefix(&body, encoding, HEADER_PROBE)?;
        let line = prefix.split(|&b| b == b'\n').next().unwrap_or_default();
        let dsn_key =
            envelope::parse(line)?.dsn().and_then(auth::dsn_parts).map(|(key, _)| key).ok_or_else(missing_auth)?;
        let allowed = state.authorize(&dsn_key, Some(project_id)).await?;
        state.admit(&dsn_key)?;
        scrub = Some(allowed);
    }
    let request = ingest::Request {
        project_id,
        received: now(),
        client_ip: client_ip(connect.as_ref(), &headers),
        scrub: scrub.unwrap_or(true),
        performance: state.performance,
    };
    let limits = state.limits.clone();
    let size = body.len();
    let maps = state.sourcemaps.clone();
    // Symbolication may read the store: that work never runs on the async threads.
    let blocking = maps.covers(project_id);
    let work = move || -> Result<Prepared, IngestError> {
        let decoded = decode::decode(&body, encoding, limits.max_envelope)?;
        let env = envelope::parse(&decoded)?;
        if let (Some(key), Some((dsn_key, _))) = (&request_key, env.dsn().and_then(auth::dsn_parts))
            && *key != dsn_key
        {
            return Err(IngestError::Forbidden("the envelope's dsn names a different key than the request".into()));
        }
        ingest::prepare_envelope_with(&env, &request, &limits, maps.as_ref())
    };
    let prepared = run_cpu(&state, work, encoding, size, blocking).await?;
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
    let key = request_key(&headers, &uri)?.ok_or_else(missing_auth)?;
    let scrub = state.authorize(&key, project_id).await?;
    state.admit(&key)?;
    let project_id = match project_id {
        Some(id) => id,
        None => state.key_project(&key).await?,
    };
    let body = read_body(body, state.limits.max_compressed_body).await?;
    let encoding = Encoding::from_header(header_text(&headers, header::CONTENT_ENCODING))?;
    let request = ingest::Request {
        project_id,
        received: now(),
        client_ip: client_ip(connect.as_ref(), &headers),
        scrub,
        performance: state.performance,
    };
    let limits = state.limits.clone();
    let size = body.len();
    let maps = state.sourcemaps.clone();
    let blocking = maps.covers(project_id);
    let work = move || {
        let mut decoded = decode::decode(&body, encoding, limits.max_envelope)?;
        if encoding == Encoding::Identity
            && decoded.first().is_some_and(|b| !matches!(b, b'{' | b' ' | b'\n' | b'\r' | b'\t'))
        {
            decoded = legacy_store_body(&decoded, limits.max_envelope)?;
        }
        ingest::prepare_store_with(&decoded, &request, &limits, maps.as_ref())
    };
    let prepared = run_cpu(&state, work, encoding, size, blocking).await?;
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
        let committed = state
            .store
            .writer()
            .write(job)
            .await
            .map_err(|err| IngestError::Unavailable(format!("failed to store the event: {err}")))?;
        if !committed.rejected.is_empty() {
            return Err(IngestError::bad(committed.rejected.join("; ")).into());
        }
    }
    Ok(Json(match event_id {
        Some(id) => json!({ "id": id }),
        None => json!({}),
    }))
}

fn is_empty(job: &WriteJob) -> bool {
    job.events.is_empty()
        && job.items.is_empty()
        && job.feedback.is_empty()
        && job.monitors.is_empty()
        && job.transactions.is_empty()
}

/// Runs CPU-bound work inline for small uncompressed bodies. Anything compressed (whose
/// decoded size the wire size does not bound), large, or `blocking` (it may read the store)
/// goes to the blocking pool, at most [`super::DECODE_SLOTS`] at a time, which also bounds the
/// memory held by decompression.
async fn run_cpu<T, F>(
    state: &AppState,
    work: F,
    encoding: Encoding,
    size: usize,
    blocking: bool,
) -> Result<T, IngestError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, IngestError> + Send + 'static,
{
    if encoding == Encoding::Identity && size <= INLINE_WORK_LIMIT && !blocking {
        return work();
    }
    let _slot =
        state.decode_slots.acquire().await.map_err(|_| IngestError::Unavailable("server is shutting down".into()))?;
    tokio::task::spawn_blocking(work).await.map_err(|_| IngestError::Unavailable("request processing failed".into()))?
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

/// The client address: the peer, or the first `X-Forwarded-For` hop when the peer is a proxy on
/// this machine (loopback); a remote client cannot pick its own address that way.
fn client_ip(connect: Option<&ConnectInfo<SocketAddr>>, headers: &HeaderMap) -> Option<String> {
    let peer = connect.map(|c| c.0.ip());
    let forwarded = || {
        header_text(headers, "x-forwarded-for")
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    match peer {
        Some(ip) if ip.is_loopback() => forwarded().or_else(|| Some(ip.to_string())),
        Some(ip) => Some(ip.to_string()),
        None => forwarded(),
    }
}
