//! The API calls the console makes, grouped by resource; each file adds methods to `Client`.
//!
//! Contract: every method maps to one documented endpoint (org-scoped paths under
//! `/api/0/organizations/{org}/` unless noted), sends only what the caller set, and returns typed
//! models or a typed `Error`. Lists return `Page<T>` with cursors parsed from `Link`.

mod comments;
mod events;
mod feedback;
mod issues;
mod members;
mod orgs;
mod performance;
mod releases;
mod rules;
mod tags;
pub use members::Member;

pub use performance::{PerformanceParams, SERIES_NAMES};
pub use releases::ReleaseListParams;
