//! Bearer-token authentication of the Web API. A token is checked against the store in
//! constant time and remembered for a few seconds, so polling costs no query per request and a
//! revoked token stops working within [`TTL`]. Tokens are never logged.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use subtle::ConstantTimeEq;

use crate::server::{ApiError, AppState};
use crate::store::catalog;

/// How long a verified token is trusted.
const TTL: Duration = Duration::from_secs(5);

/// Verified tokens and when they were checked: a handful at most, each compared with the
/// presented token in constant time (a map lookup would compare strings byte by byte).
#[derive(Default)]
pub struct TokenCache {
    known: RwLock<Vec<(String, Instant)>>,
}

impl TokenCache {
    async fn valid(&self, state: &AppState, token: &str) -> Result<bool, ApiError> {
        if let Ok(known) = self.known.read() {
            let hit = known.iter().fold(false, |hit, (known, at)| {
                hit | (bool::from(known.as_bytes().ct_eq(token.as_bytes())) && at.elapsed() < TTL)
            });
            if hit {
                return Ok(true);
            }
        }
        let candidate = token.to_string();
        let valid = state.store.read(move |conn| catalog::token_valid(conn, &candidate)).await?;
        if valid && let Ok(mut known) = self.known.write() {
            known.retain(|(_, at)| at.elapsed() < TTL);
            known.push((token.to_string(), Instant::now()));
        }
        Ok(valid)
    }
}

/// The Bearer token of a request, if it sent one.
pub fn bearer(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| unauthorized("Invalid token header. Token string should not contain invalid characters."))?;
    let (scheme, token) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(unauthorized("Authentication credentials were not provided."));
    }
    let token = token.trim();
    if token.is_empty() || token.contains(' ') {
        return Err(unauthorized("Invalid token header. No credentials provided."));
    }
    Ok(Some(token.to_string()))
}

fn unauthorized(detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, detail)
}

/// Whether the request carries a valid token (for `/api/0/`, which also answers without one).
pub async fn authenticated(state: &AppState, headers: &HeaderMap) -> Result<bool, ApiError> {
    match bearer(headers)? {
        Some(token) => state.api_tokens.valid(state, &token).await,
        None => Ok(false),
    }
}

/// Middleware: 401 without a token or with a wrong one.
pub async fn require_token(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let Some(token) = bearer(request.headers())? else {
        return Err(unauthorized("Authentication credentials were not provided."));
    };
    if !state.api_tokens.valid(&state, &token).await? {
        return Err(unauthorized("Invalid token"));
    }
    Ok(next.run(request).await)
}
