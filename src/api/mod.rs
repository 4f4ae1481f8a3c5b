//! Client for the Sentry Web API (`/api/0/`) as spoken by sentry.io, self-hosted Sentry,
//! GlitchTip and sift's own embedded server.
//!
//! Contract: [`Client`] offers one async method per call the console makes (organizations,
//! projects, keys, environments, issue search/detail/updates, events, tags, comments); results
//! are lenient typed [`models`], lists come as [`Page`]s with cursors from the `Link` header,
//! and every failure is a typed [`Error`] (auth, not found, rate limit with wait time, server,
//! bad request, timeout, network, decode). Idempotent calls retry transient failures with
//! bounded backoff. [`Capabilities`] records which optional features (priority, substatus) the
//! server has shown. Depends only on reqwest (rustls with ring, see [`http_client`]), tokio, serde, chrono, thiserror, tracing.

mod capabilities;
mod client;
mod endpoints;
pub use endpoints::ReleaseListParams;
mod error;
mod link;
pub mod models;
mod page;
mod params;
mod retry;
pub(crate) mod tls;
mod transport;
mod update;

pub use capabilities::{Capabilities, Support};
pub use client::{Client, ClientConfig};
pub use endpoints::Member;
pub use endpoints::{PerformanceParams, SERIES_NAMES};
pub use error::{DEFAULT_RATE_LIMIT_WAIT, Error};
pub use link::{Cursors, LinkEntry, parse_link_header};
pub use models::{
    Activity, AlertFiring, AlertRule, Assignee, AssigneeKind, BulkUpdateResult, Entry, Environment, Event,
    EventSummary, Issue, IssueStatus, Level, Note, Organization, OutboxSummary, Priority, Project, ProjectKey,
    ReleaseInfo, ShortIdLookup, Substatus, TagKey, TagValue, UpdateStatus,
};
pub use page::Page;
pub use params::{EventListParams, GroupStatsPeriod, IssueListParams, IssueSort, TagValueSort, TagValuesParams};
pub use retry::RetryPolicy;
pub use tls::http_client;
pub use update::{AssignTarget, InCommit, IssueUpdate, MAX_IGNORE_WINDOW_MINUTES, StatusDetailsUpdate};

#[cfg(test)]
mod tests;
