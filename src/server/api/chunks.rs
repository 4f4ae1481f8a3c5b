//! Source-map upload as sentry-cli 3.x does it by default: `GET …/chunk-upload/` (the options
//! the client splits its bundle by), `POST …/chunk-upload/` (multipart parts named `file_gzip`
//! or `file`, each part's filename the SHA-1 of its uncompressed chunk), and
//! `POST …/artifactbundle/assemble/`, which lists honestly the chunks it lacks
//! (`missingChunks`; the client uploads only those) and, once it has them all, assembles the
//! bundle synchronously and answers `ok`, or refuses it with a 4xx that says why. Chunks and
//! bundles are stored through the writer; a bundle already stored under the same checksum is
//! linked again, not stored twice.

use std::io::Read;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{PathArgs, both, json_response, org_named};
use crate::server::{ApiError, AppState};
use crate::sourcemaps::assemble::{self, AssembleError, sha1_hex};
use crate::sourcemaps::bundle::BundleError;
use crate::store::bundles::{self, Link, NewChunk};
use crate::store::catalog::{self as cat, Org};
use crate::store::{StoreError, codec, now};

/// Bytes per chunk (Sentry's size; a power of two, as sentry-cli 2.x requires).
pub const CHUNK_SIZE: usize = 8 * 1024 * 1024;
/// Most chunks per request.
pub const CHUNKS_PER_REQUEST: usize = 64;
/// Most uncompressed bytes per request.
pub const MAX_REQUEST_SIZE: usize = 32 * 1024 * 1024;
/// Parallel requests the client should make: the work is CPU-bound, on few cores.
const CONCURRENCY: u8 = 2;

/// The upload routes under `o` (`/api/0/organizations/{org}`).
pub fn routes(api: Router<Arc<AppState>>, o: &str) -> Router<Arc<AppState>> {
    // The multipart body holds up to MAX_REQUEST_SIZE of (compressed) chunks plus part headers.
    let upload = get(options).post(upload).layer(DefaultBodyLimit::max(MAX_REQUEST_SIZE + 1024 * 1024));
    let api = both(api, &format!("{o}/chunk-upload/"), upload);
    both(api, &format!("{o}/artifactbundle/assemble/"), post(assemble_bundle))
}

fn error(status: StatusCode, detail: impl Into<String>) -> ApiError {
    ApiError::new(status, detail)
}

async fn org(state: &AppState, path: PathArgs) -> Result<Org, ApiError> {
    Ok(state.store.read(move |conn| org_named(conn, &path)).await?)
}

/// `GET …/chunk-upload/`: how to upload.
async fn options(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let org = org(&state, path).await?;
    Ok(json_response(
        json!({
            "url": format!("organizations/{}/chunk-upload/", org.slug),
            "chunkSize": CHUNK_SIZE,
            "chunksPerRequest": CHUNKS_PER_REQUEST,
            "maxFileSize": state.sourcemaps_limits.max_bundle,
            "maxRequestSize": MAX_REQUEST_SIZE,
            "concurrency": CONCURRENCY,
            "hashAlgorithm": "sha1",
            "compression": ["gzip"],
            "accept": ["artifact_bundles", "artifact_bundles_v2", "sources"],
        }),
        vec![],
    ))
}

/// `POST …/chunk-upload/`: stores every part whose content matches its name.
async fn upload(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let org = org(&state, path).await?;
    let mut multipart = multipart.map_err(|rejection| {
        error(rejection.status(), format!("chunks are uploaded as multipart/form-data: {}", rejection.body_text()))
    })?;
    let mut parts: Vec<(String, bool, Bytes)> = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|err| multipart_error(&err))? {
        let gzip = match field.name() {
            Some("file_gzip") => true,
            Some("file") => false,
            other => {
                return Err(ApiError::bad_request(format!(
                    "unexpected form field {other:?}: chunks are sent as `file_gzip` or `file` parts"
                )));
            }
        };
        let name = field.file_name().unwrap_or_default().to_string();
        if !is_sha1(&name) {
            return Err(ApiError::bad_request(format!("chunk name {name:?} is not a SHA-1 (40 lowercase hex digits)")));
        }
        if parts.len() == CHUNKS_PER_REQUEST {
            return Err(ApiError::bad_request(format!("more than {CHUNKS_PER_REQUEST} chunks in one request")));
        }
        let bytes = field.bytes().await.map_err(|err| multipart_error(&err))?;
        parts.push((name, gzip, bytes));
    }
    if parts.is_empty() {
        return Ok(json_response(json!({}), vec![]));
    }
    let _slot = state
        .decode_slots
        .acquire()
        .await
        .map_err(|_| error(StatusCode::SERVICE_UNAVAILABLE, "The server is shutting down"))?;
    let chunks = tokio::task::spawn_blocking(move || read_chunks(parts))
        .await
        .map_err(|_| error(StatusCode::INTERNAL_SERVER_ERROR, "chunk processing failed"))??;
    let at = now();
    state.store.writer().call(move |tx| bundles::put_chunks(tx, org.id, &chunks, at)).await?;
    Ok(json_response(json!({}), vec![]))
}

fn multipart_error(err: &axum::extract::multipart::MultipartError) -> ApiError {
    let status = err.status();
    let status = if status.is_client_error() { status } else { StatusCode::BAD_REQUEST };
    error(status, format!("the chunk upload is not valid multipart/form-data: {}", err.body_text()))
}

/// Inflates and checks each part, then compresses it for storage.
fn read_chunks(parts: Vec<(String, bool, Bytes)>) -> Result<Vec<NewChunk>, ApiError> {
    let mut total = 0usize;
    let mut chunks = Vec::with_capacity(parts.len());
    for (name, gzip, bytes) in parts {
        let data = if gzip {
            let mut out = Vec::with_capacity(bytes.len().min(CHUNK_SIZE));
            flate2::read::GzDecoder::new(&bytes[..])
                .take(CHUNK_SIZE as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|err| ApiError::bad_request(format!("chunk {name} is not valid gzip: {err}")))?;
            out
        } else {
            bytes.to_vec()
        };
        if data.len() > CHUNK_SIZE {
            return Err(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("chunk {name} is larger than the chunk size of {CHUNK_SIZE} bytes"),
            ));
        }
        total += data.len();
        if total > MAX_REQUEST_SIZE {
            return Err(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request's chunks exceed {MAX_REQUEST_SIZE} bytes"),
            ));
        }
        let actual = sha1_hex(&data);
        if actual != name {
            return Err(ApiError::bad_request(format!("chunk {name} does not match its content (SHA-1 {actual})")));
        }
        let compressed = codec::encode(&data)
            .map_err(|err| error(StatusCode::INTERNAL_SERVER_ERROR, format!("compression failed: {err}")))?;
        chunks.push(NewChunk { checksum: name, size: data.len(), data: compressed });
    }
    Ok(chunks)
}

fn is_sha1(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The assemble request, checked as Sentry's JSON schema checks it.
struct AssembleRequest {
    checksum: String,
    chunks: Vec<String>,
    projects: Vec<String>,
    version: Option<String>,
    dist: Option<String>,
}

fn parse_assemble(body: &[u8]) -> Result<AssembleRequest, ApiError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|err| ApiError::bad_request(format!("invalid JSON body: {err}")))?;
    let object = value.as_object().ok_or_else(|| ApiError::bad_request("the body must be a JSON object"))?;
    const FIELDS: &[&str] = &["checksum", "chunks", "projects", "version", "dist"];
    if let Some(unknown) = object.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(ApiError::bad_request(format!("unknown field {unknown:?}; expected {}", FIELDS.join(", "))));
    }
    let checksum = object
        .get("checksum")
        .and_then(Value::as_str)
        .filter(|c| is_sha1(c))
        .ok_or_else(|| ApiError::bad_request("`checksum` must be the bundle's SHA-1 (40 lowercase hex digits)"))?;
    let chunks = object
        .get("chunks")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::bad_request("`chunks` must be a list of SHA-1s"))?
        .iter()
        .map(|c| c.as_str().filter(|c| is_sha1(c)).map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| ApiError::bad_request("every entry of `chunks` must be a SHA-1 (40 lowercase hex digits)"))?;
    let projects = object
        .get("projects")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(|p| p.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>())
        .and_then(|list| list.filter(|l| !l.is_empty()))
        .ok_or_else(|| ApiError::bad_request("`projects` must be a non-empty list of project slugs"))?;
    let text = |key: &str| -> Result<Option<String>, ApiError> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::bad_request(format!("`{key}` must be a string"))),
        }
    };
    let (version, dist) = (text("version")?, text("dist")?);
    if version.as_deref().is_some_and(|v| v.is_empty() || v.contains('/')) {
        return Err(ApiError::bad_request("`version` must be a release name without `/`"));
    }
    if dist.is_some() && version.is_none() {
        return Err(ApiError::bad_request("`dist` needs a `version`"));
    }
    Ok(AssembleRequest { checksum: checksum.to_string(), chunks, projects, version, dist })
}

fn state_json(state: &str, missing: &[String], detail: Option<&str>) -> Value {
    json!({ "state": state, "missingChunks": missing, "detail": detail })
}

/// `POST …/artifactbundle/assemble/`.
async fn assemble_bundle(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = parse_assemble(&body)?;
    let names = request.projects.clone();
    let (org, projects, existing, missing) = state
        .store
        .read({
            let (checksum, chunks) = (request.checksum.clone(), request.chunks.clone());
            move |conn| {
                let org = org_named(conn, &path)?;
                let mut projects = Vec::with_capacity(names.len());
                for name in &names {
                    let project = cat::find_project(conn, org.id, name)?.ok_or_else(|| {
                        StoreError::Invalid(format!("project {name:?} does not exist in organization {}", org.slug))
                    })?;
                    projects.push(project.id);
                }
                let existing = bundles::find_bundle(conn, org.id, &checksum)?;
                let missing =
                    if existing.is_some() { Vec::new() } else { bundles::missing_chunks(conn, org.id, &chunks)? };
                Ok((org, projects, existing, missing))
            }
        })
        .await?;
    let link = Link { projects: projects.clone(), release: request.version.clone(), dist: request.dist.clone() };
    if let Some(bundle) = existing {
        state.store.writer().call(move |tx| bundles::link_bundle(tx, bundle, &link, now())).await?;
        state.sourcemaps.bundle_added(&projects);
        return Ok(json_response(state_json("ok", &[], None), vec![]));
    }
    if !missing.is_empty() || request.chunks.is_empty() {
        return Ok(json_response(state_json("not_found", &missing, None), vec![]));
    }
    let limits = state.sourcemaps_limits;
    let store = state.store.clone();
    let _slot = state
        .decode_slots
        .acquire()
        .await
        .map_err(|_| error(StatusCode::SERVICE_UNAVAILABLE, "The server is shutting down"))?;
    let (checksum, chunks) = (request.checksum.clone(), request.chunks.clone());
    let assembled = tokio::task::spawn_blocking(move || {
        let conn = store.connection().map_err(AssembleError::from)?;
        assemble::assemble(&conn, org.id, &checksum, &chunks, link, &limits)
    })
    .await
    .map_err(|_| error(StatusCode::INTERNAL_SERVER_ERROR, "bundle assembly failed"))?;
    let (bundle, link) = assembled.map_err(|err| match err {
        AssembleError::Bundle(BundleError::TooLarge(detail)) => error(StatusCode::PAYLOAD_TOO_LARGE, detail),
        AssembleError::Bundle(BundleError::Invalid(detail)) => ApiError::bad_request(detail),
        AssembleError::Store(err) => ApiError::from(err),
    })?;
    let chunks = request.chunks;
    state.store.writer().call(move |tx| bundles::insert_bundle(tx, &bundle, &chunks, &link, now())).await?;
    state.sourcemaps.bundle_added(&projects);
    Ok(json_response(state_json("ok", &[], None), vec![]))
}
