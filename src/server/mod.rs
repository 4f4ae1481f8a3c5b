//! sift's HTTP server. [`router`] builds the axum router from shared state, so tests drive it
//! in-process with `oneshot`; [`Server`] binds a listener and serves it with graceful shutdown.
//! It serves the ingest endpoints SDKs post to and the Web API (`/api/0/…`) the console and
//! sentry-cli read; JSON errors everywhere, including unknown paths and wrong methods.

pub(crate) mod api;
mod error;
mod ingest_routes;
mod keys;
mod ratelimit;
pub mod retention;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, Method, StatusCode};
use axum::routing::post;
use tower_http::cors::{Any, CorsLayer};

pub use error::ApiError;
use keys::KeyCache;
use ratelimit::KeyLimiter;

use crate::config::{Limits, ServerConfig};
use crate::ingest::IngestError;
use crate::store::Store;

/// Shared state of every request.
pub struct AppState {
    pub store: Store,
    pub limits: Limits,
    /// Transaction retention and performance-issue thresholds.
    pub performance: crate::config::PerformanceConfig,
    keys: KeyCache,
    api_tokens: api::TokenCache,
    limiter: KeyLimiter,
    /// Compressed or large bodies being decoded and prepared at once.
    decode_slots: tokio::sync::Semaphore,
    /// Uploaded source maps, for symbolication at ingest and when events are read.
    pub sourcemaps: Arc<crate::sourcemaps::SourceMapService>,
    sourcemaps_limits: crate::sourcemaps::bundle::BundleLimits,
    /// `[alerts]` from config.toml: what rules may use (an SMTP server) and how they deliver.
    pub alerts: Arc<crate::alerts::AlertsConfig>,
}

/// Concurrent decodes of compressed or large bodies: the work is CPU-bound, and each may hold
/// up to `max_envelope` bytes while it runs.
pub const DECODE_SLOTS: usize = 4;

impl AppState {
    pub fn new(store: Store, config: &ServerConfig) -> Arc<Self> {
        Self::with_alerts(store, config, Arc::default())
    }

    /// [`Self::new`] with config.toml's `[alerts]`.
    pub fn with_alerts(store: Store, config: &ServerConfig, alerts: Arc<crate::alerts::AlertsConfig>) -> Arc<Self> {
        Arc::new(Self {
            store: store.clone(),
            limits: config.limits.clone(),
            performance: config.performance,
            keys: KeyCache::default(),
            api_tokens: api::TokenCache::default(),
            limiter: KeyLimiter::new(&config.rate_limit),
            decode_slots: tokio::sync::Semaphore::new(DECODE_SLOTS),
            sourcemaps: Arc::new(crate::sourcemaps::SourceMapService::new(store.clone())),
            sourcemaps_limits: crate::sourcemaps::bundle::BundleLimits::from(&config.limits),
            alerts,
        })
    }

    /// Checks that `key` is a known, active key of `project_id` (when given). Returns whether
    /// the project scrubs data. Call [`Self::admit`] once per request for the rate limit.
    async fn authorize(&self, key: &str, project_id: Option<i64>) -> Result<bool, IngestError> {
        let info = self.keys.lookup(&self.store, key).await.map_err(|err| IngestError::Unavailable(err.to_string()))?;
        if let Some(project_id) = project_id
            && info.as_ref().map(|i| i.project_id) != Some(project_id)
        {
            let exists = self
                .store
                .read(move |conn| crate::store::projects::project_exists(conn, project_id))
                .await
                .map_err(|err| IngestError::Unavailable(err.to_string()))?;
            if !exists {
                return Err(IngestError::UnknownProject(format!("project {project_id} does not exist")));
            }
        }
        let info = info.ok_or_else(|| IngestError::Forbidden(format!("unknown DSN key {:?}", abbreviate(key))))?;
        if !info.is_active {
            return Err(IngestError::Forbidden("this DSN key is disabled".into()));
        }
        if let Some(project_id) = project_id
            && info.project_id != project_id
        {
            return Err(IngestError::Forbidden(format!("this DSN key does not belong to project {project_id}")));
        }
        Ok(info.scrub_data)
    }

    /// Counts one request against `key`'s rate limit.
    fn admit(&self, key: &str) -> Result<(), IngestError> {
        self.limiter.check(key).map_err(|retry_after| IngestError::RateLimited { retry_after })
    }

    async fn key_project(&self, key: &str) -> Result<i64, IngestError> {
        let info = self.keys.lookup(&self.store, key).await.map_err(|err| IngestError::Unavailable(err.to_string()))?;
        info.map(|i| i.project_id).ok_or_else(|| IngestError::Forbidden("unknown DSN key".into()))
    }
}

/// Keys are not secret, but there is no reason to echo more than their start.
fn abbreviate(key: &str) -> String {
    let short: String = key.chars().take(8).collect();
    if short.len() < key.len() { format!("{short}…") } else { short }
}

/// The whole application router.
pub fn router(state: Arc<AppState>) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::POST, Method::OPTIONS])
        .allow_headers(
            [
                "x-sentry-auth",
                "x-requested-with",
                "x-forwarded-for",
                "origin",
                "referer",
                "accept",
                "authentication",
                "authorization",
                "content-encoding",
                "transfer-encoding",
                "content-type",
            ]
            .map(HeaderName::from_static),
        )
        .expose_headers(["x-sentry-error", "x-sentry-rate-limits", "retry-after"].map(HeaderName::from_static))
        .max_age(std::time::Duration::from_secs(3600));
    let ingest = Router::new()
        .route("/api/{project_id}/envelope/", post(ingest_routes::envelope).options(preflight))
        .route("/api/{project_id}/envelope", post(ingest_routes::envelope).options(preflight))
        .route("/api/{project_id}/store/", post(ingest_routes::store_for_project).options(preflight))
        .route("/api/{project_id}/store", post(ingest_routes::store_for_project).options(preflight))
        .route("/api/store/", post(ingest_routes::store_without_project).options(preflight))
        .layer(cors);
    Router::new()
        .merge(ingest)
        .merge(api::routes(state.clone()))
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed on this endpoint")
        })
        .with_state(state)
}

/// CORS preflights are answered by the CORS layer; this only makes OPTIONS a routed method.
async fn preflight() -> StatusCode {
    StatusCode::OK
}

/// A bound server, ready to run.
pub struct Server {
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port).
    pub async fn bind(addr: SocketAddr, state: Arc<AppState>) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(Self { listener, state })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests (and their commits).
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let scheduler = crate::monitors::scheduler::Scheduler::new(
            self.state.store.clone(),
            self.state.limits.clone(),
            Arc::new(crate::monitors::scheduler::WallClock),
        )
        .spawn(crate::monitors::scheduler::SWEEP_PERIOD);
        let retention = retention::spawn(self.state.store.clone(), self.state.performance);
        let app = router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, app).with_graceful_shutdown(shutdown).await;
        scheduler.abort();
        retention.abort();
        served
    }
}
