//! The `Client` handle and its configuration.
//!
//! Contract: a `Client` talks to one server (`base_url`, e.g. `https://sentry.io/` or
//! `http://127.0.0.1:9000/`; a trailing `api/0/` is accepted and stripped; a path prefix such as
//! `https://host/sentry/` is kept) on behalf of one organization, authenticating every request
//! with `Authorization: Bearer <token>`. It applies the configured connect and request timeouts
//! and retry policy (see `retry`), uses rustls for TLS, and is cheap to clone (clones share the
//! connection pool and the learned `Capabilities`). The token never appears in `Debug` output
//! or logs: `Debug` is implemented by hand and the header is marked sensitive.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use super::capabilities::Capabilities;
use super::error::Error;
use super::retry::RetryPolicy;

/// Everything needed to build a [`Client`].
#[derive(Clone)]
pub struct ClientConfig {
    /// Server root, e.g. `https://sentry.io/`.
    pub base_url: String,
    /// Organization slug (or id).
    pub org: String,
    /// Bearer token (user, org or internal-integration token; any opaque string for sift's server).
    pub token: String,
    pub connect_timeout: Duration,
    /// Whole-request timeout (headers and body).
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    pub user_agent: String,
    /// Extra headers sent with every request (proxies, `Prefer:` for mocks...). Values are
    /// treated as secrets in `Debug`.
    pub extra_headers: Vec<(String, String)>,
}

impl ClientConfig {
    /// A configuration with default timeouts (connect 10 s, request 30 s) and retry policy.
    pub fn new(base_url: impl Into<String>, org: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            org: org.into(),
            token: token.into(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            user_agent: concat!("sift/", env!("CARGO_PKG_VERSION")).to_owned(),
            extra_headers: Vec::new(),
        }
    }

    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    pub fn request_timeout(mut self, t: Duration) -> Self {
        self.request_timeout = t;
        self
    }

    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self.extra_headers.iter().map(|(k, _)| (k.as_str(), "<redacted>")).collect();
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("org", &self.org)
            .field("token", &redacted(&self.token))
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("extra_headers", &headers)
            .finish()
    }
}

fn redacted(token: &str) -> &'static str {
    if token.is_empty() { "<empty>" } else { "<redacted>" }
}

/// A Sentry Web API client for one organization.
#[derive(Clone)]
pub struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) org: String,
    pub(crate) headers: HeaderMap,
    pub(crate) retry: RetryPolicy,
    pub(crate) caps: Arc<Mutex<Capabilities>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("org", &self.org)
            .field("token", &"<redacted>")
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client; fails on an unusable base URL, token or header.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let base = normalize_base_url(&config.base_url)?;
        if config.org.trim().is_empty() {
            return Err(Error::Config("organization slug is empty".into()));
        }
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", config.token.trim()))
            .map_err(|_| Error::Config("token contains characters not allowed in a header".into()))?;
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        for (name, value) in &config.extra_headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("invalid header name {name:?}")))?;
            let mut value =
                HeaderValue::from_str(value).map_err(|_| Error::Config(format!("invalid value for header {name}")))?;
            value.set_sensitive(true);
            headers.append(name, value);
        }
        let http = super::tls::http_client()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| Error::Config(format!("cannot build HTTP client: {e}")))?;
        Ok(Self {
            http,
            base,
            org: config.org.trim().to_owned(),
            headers,
            retry: config.retry,
            caps: Arc::new(Mutex::new(Capabilities::default())),
        })
    }

    /// The organization this client works on.
    pub fn org(&self) -> &str {
        &self.org
    }

    /// The normalized server root (always ends with `/`).
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// A client for another organization of the same server, sharing the connection pool
    /// (capabilities start afresh).
    pub fn with_org(&self, org: impl Into<String>) -> Self {
        Self { org: org.into(), caps: Arc::new(Mutex::new(Capabilities::default())), ..self.clone() }
    }

    /// What the server has shown it supports so far.
    pub fn capabilities(&self) -> Capabilities {
        match self.caps.lock() {
            Ok(caps) => *caps,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    pub(crate) fn observe_issues(&self, issues: &[super::models::Issue]) {
        let mut caps = match self.caps.lock() {
            Ok(caps) => caps,
            Err(poisoned) => poisoned.into_inner(),
        };
        caps.observe(issues);
    }
}

/// Parses and normalizes the server root: http(s) only, trailing `/`, no `api/0/` suffix, no
/// query or fragment.
pub(crate) fn normalize_base_url(raw: &str) -> Result<Url, Error> {
    let raw = raw.trim();
    let mut url = Url::parse(raw).map_err(|e| Error::Config(format!("invalid base URL {raw:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::Config(format!("base URL must be http(s)://host/..., got {raw:?}")));
    }
    url.set_query(None);
    url.set_fragment(None);
    let mut path = url.path().trim_end_matches('/').to_owned();
    for suffix in ["/api/0", "/api"] {
        if let Some(stripped) = path.strip_suffix(suffix) {
            path = stripped.to_owned();
            break;
        }
    }
    path.push('/');
    url.set_path(&path);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_normalization() {
        let n = |s: &str| normalize_base_url(s).map(|u| u.to_string());
        assert_eq!(n("https://sentry.io").unwrap(), "https://sentry.io/");
        assert_eq!(n("https://sentry.io/api/0/").unwrap(), "https://sentry.io/");
        assert_eq!(n("http://127.0.0.1:9000/").unwrap(), "http://127.0.0.1:9000/");
        assert_eq!(n("https://h.example/sentry/api/0").unwrap(), "https://h.example/sentry/");
        assert_eq!(n(" https://h.example/sentry?x=1 ").unwrap(), "https://h.example/sentry/");
        assert!(matches!(n("ftp://x/"), Err(Error::Config(_))));
        assert!(matches!(n("not a url"), Err(Error::Config(_))));
    }

    #[test]
    fn debug_never_shows_the_token() {
        let cfg = ClientConfig::new("https://sentry.io/", "acme", "sntryu_supersecret").header("X-Proxy-Auth", "hush");
        let dbg = format!("{cfg:?}");
        assert!(!dbg.contains("supersecret") && !dbg.contains("hush"), "{dbg}");
        let client = Client::new(cfg).unwrap();
        let dbg = format!("{client:?}");
        assert!(!dbg.contains("supersecret") && dbg.contains("acme"), "{dbg}");
        assert!(matches!(
            Client::new(ClientConfig::new("https://sentry.io/", "acme", "bad\ntoken")),
            Err(Error::Config(_))
        ));
        assert!(matches!(Client::new(ClientConfig::new("https://sentry.io/", " ", "t")), Err(Error::Config(_))));
    }
}
