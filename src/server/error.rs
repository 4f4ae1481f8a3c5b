//! Error responses: every failure leaves as `application/json` `{"detail": "..."}` with the right
//! status, plus `X-Sentry-Error` (ingest clients log it) and, for 429, `Retry-After` and
//! `X-Sentry-Rate-Limits`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::ingest::IngestError;
use crate::store::StoreError;

/// An HTTP error with a JSON body.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self { status, detail: detail.into(), retry_after: None }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "The requested resource does not exist")
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(_) => Self::not_found(),
            StoreError::Invalid(detail) => Self::bad_request(detail),
            StoreError::WriterGone => Self::new(StatusCode::SERVICE_UNAVAILABLE, "The server is shutting down"),
            other => Self::new(StatusCode::INTERNAL_SERVER_ERROR, format!("Internal error: {other}")),
        }
    }
}

impl From<IngestError> for ApiError {
    fn from(err: IngestError) -> Self {
        let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let retry_after = match err {
            IngestError::RateLimited { retry_after } => Some(retry_after),
            _ => None,
        };
        Self { status, detail: err.to_string(), retry_after }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(status = %self.status, detail = %self.detail, "request failed");
        } else {
            tracing::debug!(status = %self.status, detail = %self.detail, "request refused");
        }
        let mut response = (self.status, axum::Json(json!({ "detail": self.detail }))).into_response();
        let headers = response.headers_mut();
        let one_line: String =
            self.detail.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).collect();
        if let Ok(value) = HeaderValue::from_str(&one_line) {
            headers.insert("x-sentry-error", value);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"api\""));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            if let Ok(value) = HeaderValue::from_str(&format!("{seconds}::key:key_quota")) {
                headers.insert("x-sentry-rate-limits", value);
            }
        }
        response
    }
}
