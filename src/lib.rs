//! sift: a keyboard-driven terminal console for triaging errors in Sentry-compatible trackers,
//! and the small Sentry-compatible server it runs when no remote tracker is configured.
//!
//! Dependency direction (see the README's architecture section):
//! `server -> ingest -> store`, with `cli` as thin glue on top. Nothing below `cli` prints to the
//! terminal; logs go to a file through `tracing`.

pub mod alerts;
pub mod api;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod highlight;
pub mod ingest;
pub mod lifecycle;
pub mod local_server;
pub mod logging;
pub mod monitors;
pub mod paths;
pub mod port_holder;
pub mod profiles;
pub mod report;
pub mod search;
pub mod server;
pub mod session;
pub mod sourcemaps;
pub mod store;
pub mod text;
pub mod tui;

#[cfg(test)]
mod test_support;
