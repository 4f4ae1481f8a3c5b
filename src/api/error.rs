//! The client's error type and the mapping from HTTP responses to it.
//!
//! Contract: 401 → `Unauthorized`, 403 → `Forbidden`, 404 → `NotFound`, 429 → `RateLimited`
//! (wait taken from `X-Sentry-Rate-Limit-Reset` epoch seconds, else `Retry-After` seconds or
//! HTTP date, else the window named in Sentry's 429 text, else 60 s), other 4xx → `BadRequest`, 5xx → `Server`. The `detail` text comes
//! from Sentry's `{"detail": ...}` / `{"error": ...}`, a DRF field dict, Prism's problem JSON or
//! its `sl-violations` header, else a snippet of the body. Messages never contain the token.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

/// Default wait when a 429 carries no usable hint.
pub const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

const SNIPPET_CHARS: usize = 300;

/// Everything a call can fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("unauthorized (401): {detail}")]
    Unauthorized { detail: String },
    #[error("forbidden (403): {detail}")]
    Forbidden { detail: String },
    #[error("not found (404): {detail}")]
    NotFound { detail: String },
    /// The caller decides whether and when to try again.
    #[error("rate limited (429): retry in {}s", retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    #[error("server error ({status}): {detail}")]
    Server { status: u16, detail: String },
    /// Any other 4xx (400 validation, 409, 413, 422 from a mock...).
    #[error("request rejected ({status}): {detail}")]
    BadRequest { status: u16, detail: String },
    #[error("request timed out")]
    Timeout,
    #[error("network error: {0}")]
    Network(String),
    #[error("unexpected response from {url_path}: {message}")]
    Decode { url_path: String, message: String, body_snippet: String },
    #[error("invalid client configuration: {0}")]
    Config(String),
    #[error("invalid request: {0}")]
    InvalidInput(String),
}

impl Error {
    /// The HTTP status behind this error, if it came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Unauthorized { .. } => Some(401),
            Self::Forbidden { .. } => Some(403),
            Self::NotFound { .. } => Some(404),
            Self::RateLimited { .. } => Some(429),
            Self::Server { status, .. } | Self::BadRequest { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the client's own retry loop may repeat an idempotent request after this error.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout | Self::Network(_) => true,
            Self::Server { status, .. } => super::retry::is_retryable_status(*status),
            _ => false,
        }
    }

    /// Builds the error for a non-success response.
    pub(crate) fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8], now: SystemTime) -> Self {
        let code = status.as_u16();
        if code == 429 {
            let wait = rate_limit_wait(headers, now)
                .or_else(|| extract_detail(headers, body).as_deref().and_then(window_from_detail))
                .unwrap_or(DEFAULT_RATE_LIMIT_WAIT);
            return Self::RateLimited { retry_after: wait };
        }
        let detail = extract_detail(headers, body)
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("no detail").to_owned());
        match code {
            401 => Self::Unauthorized { detail },
            403 => Self::Forbidden { detail },
            404 => Self::NotFound { detail },
            500..=599 => Self::Server { status: code, detail },
            _ => Self::BadRequest { status: code, detail },
        }
    }

    pub(crate) fn from_reqwest(err: &reqwest::Error) -> Self {
        if err.is_timeout() {
            return Self::Timeout;
        }
        // Join the source chain (hyper/io reasons); URLs carry no secret, the token is a header.
        let mut msg = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            let text = s.to_string();
            if !msg.contains(&text) {
                msg.push_str(": ");
                msg.push_str(&text);
            }
            source = s.source();
        }
        if msg.contains("timed out") { Self::Timeout } else { Self::Network(msg) }
    }
}

/// Wait before retrying a 429: `X-Sentry-Rate-Limit-Reset` (epoch seconds, Web API) first, then
/// `Retry-After` (seconds or HTTP date, ingest/proxies).
pub(crate) fn rate_limit_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let now_secs = now.duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
    if let Some(reset) = header("x-sentry-rate-limit-reset").and_then(|v| v.parse::<f64>().ok()) {
        let wait = reset - now_secs;
        return Some(Duration::from_secs_f64(wait.clamp(1.0, 86_400.0).ceil()));
    }
    if let Some(v) = header(RETRY_AFTER.as_str()) {
        if let Ok(secs) = v.parse::<f64>() {
            return Some(Duration::from_secs_f64(secs.clamp(0.0, 86_400.0).ceil()));
        }
        if let Ok(date) = chrono::DateTime::parse_from_rfc2822(v) {
            let wait = date.timestamp() as f64 - now_secs;
            return Some(Duration::from_secs_f64(wait.clamp(1.0, 86_400.0).ceil()));
        }
    }
    None
}

/// The window of Sentry's 429 text "... Limit is 40 requests in 1 seconds" (self-hosted setups
/// behind proxies may drop the headers but keep the body).
fn window_from_detail(detail: &str) -> Option<Duration> {
    let rest = &detail[detail.find("requests in ")? + "requests in ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let secs: u64 = digits.parse().ok()?;
    rest[digits.len()..].trim_start().starts_with("second").then(|| Duration::from_secs(secs.clamp(1, 86_400)))
}

/// Human text for an error response, or `None` when neither body nor headers say anything.
pub(crate) fn extract_detail(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let from_body = match serde_json::from_slice::<Value>(body) {
        Ok(v) => detail_from_json(&v),
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            (!text.is_empty()).then(|| snippet(text))
        }
    };
    let violations = headers.get("sl-violations").and_then(|v| v.to_str().ok()).map(prism_violations);
    match (from_body, violations) {
        (Some(b), Some(v)) => Some(format!("{b}; {v}")),
        (b, v) => b.or(v),
    }
}

fn detail_from_json(v: &Value) -> Option<String> {
    let obj = match v {
        Value::Object(obj) => obj,
        Value::String(s) => return Some(s.clone()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect();
            return (!parts.is_empty()).then(|| parts.join("; "));
        }
        _ => return None,
    };
    let mut parts = Vec::new();
    for key in ["detail", "error", "title"] {
        if let Some(text) = obj.get(key).and_then(Value::as_str) {
            parts.push(text.to_owned());
            break;
        }
    }
    // Prism problem JSON carries `validation: [{location, message}]`.
    if let Some(Value::Array(items)) = obj.get("validation") {
        parts.extend(items.iter().filter_map(|i| i.get("message").and_then(Value::as_str)).map(str::to_owned));
    }
    if parts.is_empty() {
        // DRF validation dict: {"field": ["message", ...]}.
        for (field, msgs) in obj {
            let msgs = match msgs {
                Value::Array(list) => list.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" "),
                Value::String(s) => s.clone(),
                _ => continue,
            };
            parts.push(format!("{field}: {msgs}"));
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn prism_violations(header: &str) -> String {
    match serde_json::from_str::<Value>(header) {
        Ok(Value::Array(items)) => items
            .iter()
            .map(|i| i.get("message").and_then(Value::as_str).map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join("; "),
        _ => snippet(header),
    }
}

/// The first characters of `text`, cut on a char boundary.
pub(crate) fn snippet(text: &str) -> String {
    match text.char_indices().nth(SNIPPET_CHARS) {
        Some((idx, _)) => format!("{}…", &text[..idx]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn maps_statuses_and_details() {
        let now = SystemTime::now();
        let e =
            Error::from_response(StatusCode::UNAUTHORIZED, &HeaderMap::new(), br#"{"detail":"Invalid token"}"#, now);
        assert_eq!(e, Error::Unauthorized { detail: "Invalid token".into() });
        let e = Error::from_response(StatusCode::BAD_REQUEST, &HeaderMap::new(), br#"{"status":["bad value"]}"#, now);
        assert_eq!(e, Error::BadRequest { status: 400, detail: "status: bad value".into() });
        let e = Error::from_response(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"<html>bad gateway</html>", now);
        assert_eq!(e, Error::Server { status: 502, detail: "<html>bad gateway</html>".into() });
        let h = headers(&[("sl-violations", r#"[{"location":["request","query","sort"],"message":"bad sort"}]"#)]);
        let e = Error::from_response(StatusCode::UNPROCESSABLE_ENTITY, &h, b"", now);
        assert_eq!(e, Error::BadRequest { status: 422, detail: "bad sort".into() });
        let e = Error::from_response(StatusCode::NOT_FOUND, &HeaderMap::new(), b"", now);
        assert_eq!(e, Error::NotFound { detail: "Not Found".into() });
    }

    #[test]
    fn rate_limit_headers() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let h = headers(&[("X-Sentry-Rate-Limit-Reset", "1000042"), ("Retry-After", "5")]);
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(42)));
        assert_eq!(rate_limit_wait(&headers(&[("Retry-After", "7")]), now), Some(Duration::from_secs(7)));
        let past = headers(&[("X-Sentry-Rate-Limit-Reset", "10")]);
        assert_eq!(rate_limit_wait(&past, now), Some(Duration::from_secs(1)));
        assert_eq!(rate_limit_wait(&HeaderMap::new(), now), None);
        let e = Error::from_response(StatusCode::TOO_MANY_REQUESTS, &headers(&[("Retry-After", "3")]), b"{}", now);
        assert_eq!(e, Error::RateLimited { retry_after: Duration::from_secs(3) });
        let body = br#"{"detail": "You are attempting to use this endpoint too frequently. Limit is 40 requests in 10 seconds"}"#;
        let e = Error::from_response(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), body, now);
        assert_eq!(e, Error::RateLimited { retry_after: Duration::from_secs(10) });
        let e = Error::from_response(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), b"", now);
        assert_eq!(e, Error::RateLimited { retry_after: DEFAULT_RATE_LIMIT_WAIT });
    }

    #[test]
    fn snippet_cuts_on_char_boundary() {
        let long = "é".repeat(500);
        let s = snippet(&long);
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
    }
}
