//! Request execution shared by all endpoints: URL building, auth headers, retries, status
//! mapping and JSON decoding.
//!
//! Contract: paths are built from percent-encoded segments under `{base}/api/0/` and always end
//! with `/`; query pairs are appended in order (repeated keys allowed). Every request carries
//! the client's headers (Bearer auth, extras) and `Accept: application/json`; JSON bodies are
//! sent with `Content-Type: application/json`. Idempotent requests are retried per the
//! `RetryPolicy`; any non-2xx ends as a typed `Error`; a body that does not decode as the
//! expected type yields `Error::Decode` with the URL path (no query) and a body snippet. Logs
//! (tracing, debug level) carry method, path, status and timing only.

use std::time::{Instant, SystemTime};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::{Error, snippet};
use super::link::Cursors;
use super::page::Page;
use super::retry::is_idempotent;

/// The largest answer read: Sentry's biggest pages (100 issues with stats, an event with a
/// thousand frames) are a few MiB.
pub const MAX_RESPONSE_BYTES: usize = 32 << 20;

/// A successful (2xx) response, fully read.
pub(crate) struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub path: String,
}

impl RawResponse {
    /// Decodes the body as `T`.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Decode {
            url_path: self.path.clone(),
            message: e.to_string(),
            body_snippet: snippet(&String::from_utf8_lossy(&self.body)),
        })
    }

    /// Decodes a list body into a page, with cursors from `Link` and totals from `X-Hits`.
    pub(crate) fn page<T: DeserializeOwned>(&self) -> Result<Page<T>, Error> {
        let items: Vec<T> = self.json()?;
        let header = |name: &str| self.headers.get(name).and_then(|v| v.to_str().ok());
        let cursors = Cursors::from_link_header(header("link"));
        let number = |name: &str| header(name).and_then(|v| v.trim().parse::<u64>().ok());
        Ok(Page {
            items,
            next_cursor: cursors.next,
            prev_cursor: cursors.previous,
            hits: number("x-hits"),
            max_hits: number("x-max-hits"),
        })
    }

    /// True for 204 or an empty body.
    pub(crate) fn is_empty(&self) -> bool {
        self.status == StatusCode::NO_CONTENT || self.body.iter().all(u8::is_ascii_whitespace)
    }
}

impl Client {
    /// `{base}/api/0/{segments...}/` with `query` appended. Segments are percent-encoded.
    pub(crate) fn api_url(&self, segments: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push("api").push("0");
            path.extend(segments);
            path.push("");
        }
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        url
    }

    /// Segments of an org-scoped path: `organizations/{org}/...`.
    pub(crate) fn org_url(&self, rest: &[&str], query: &[(&str, String)]) -> Url {
        let mut segments = vec!["organizations", self.org.as_str()];
        segments.extend_from_slice(rest);
        self.api_url(&segments, query)
    }

    pub(crate) async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<T, Error> {
        self.execute(Method::GET, url, None).await?.json()
    }

    pub(crate) async fn get_page<T: DeserializeOwned>(&self, url: Url) -> Result<Page<T>, Error> {
        self.execute(Method::GET, url, None).await?.page()
    }

    /// Sends `body` as JSON; `Ok(None)` for 204 / empty bodies.
    pub(crate) async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: &B,
    ) -> Result<Option<T>, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::InvalidInput(format!("cannot encode body: {e}")))?;
        let resp = self.execute(method, url, Some(bytes)).await?;
        if resp.is_empty() { Ok(None) } else { resp.json().map(Some) }
    }

    /// Runs one request with retries; returns the 2xx response or the mapped error.
    pub(crate) async fn execute(&self, method: Method, url: Url, body: Option<Vec<u8>>) -> Result<RawResponse, Error> {
        let path = url.path().to_owned();
        let retries = if is_idempotent(&method) { self.retry.max_retries } else { 0 };
        let mut attempt = 0u32;
        loop {
            let started = Instant::now();
            let result = self.attempt(&method, &url, body.as_deref(), &path).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            match result {
                Ok(resp) => {
                    tracing::debug!(%method, path = %path, status = resp.status.as_u16(), elapsed_ms, attempt, "sentry api");
                    return Ok(resp);
                }
                Err(err) if err.is_transient() && attempt < retries => {
                    let delay = self.retry.delay_for(attempt);
                    tracing::warn!(%method, path = %path, error = %err, attempt, delay_ms = delay.as_millis() as u64, "sentry api: retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(err) => {
                    tracing::debug!(%method, path = %path, error = %err, elapsed_ms, attempt, "sentry api failed");
                    return Err(err);
                }
            }
        }
    }

    async fn attempt(&self, method: &Method, url: &Url, body: Option<&[u8]>, path: &str) -> Result<RawResponse, Error> {
        let mut req = self
            .http
            .request(method.clone(), url.clone())
            .headers(self.headers.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(body) = body {
            req = req.header(CONTENT_TYPE, HeaderValue::from_static("application/json")).body(body.to_vec());
        }
        let mut resp = req.send().await.map_err(|e| Error::from_reqwest(&e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        // Read as it comes, and stop at the cap: a broken proxy or a hostile server must not
        // make the console hold gigabytes.
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| Error::from_reqwest(&e))? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(Error::Decode {
                    url_path: path.to_owned(),
                    message: format!("the answer is larger than {} MiB; not read", MAX_RESPONSE_BYTES >> 20),
                    body_snippet: String::new(),
                });
            }
            body.extend_from_slice(&chunk);
        }
        if status.is_success() {
            Ok(RawResponse { status, headers, body, path: path.to_owned() })
        } else {
            Err(Error::from_response(status, &headers, &body, SystemTime::now()))
        }
    }

    /// Like [`Client::get_json`] but also returns the raw JSON (for diagnostics and tests).
    pub async fn get_raw(&self, segments: &[&str], query: &[(&str, String)]) -> Result<serde_json::Value, Error> {
        self.get_json(self.api_url(segments, query)).await
    }
}

#[cfg(test)]
mod tests {
    use crate::api::{Client, ClientConfig};

    #[test]
    fn urls_are_encoded_and_slash_terminated() {
        let c = Client::new(ClientConfig::new("https://h.example/sentry/", "my org", "t")).unwrap();
        let u = c.org_url(&["issues", "PROJ-1A", "tags", "sentry:user/x"], &[("environment", "a b".into())]);
        assert_eq!(
            u.as_str(),
            "https://h.example/sentry/api/0/organizations/my%20org/issues/PROJ-1A/tags/sentry:user%2Fx/?environment=a+b"
        );
        let u = c.api_url(&["organizations"], &[]);
        assert_eq!(u.as_str(), "https://h.example/sentry/api/0/organizations/");
    }
}
