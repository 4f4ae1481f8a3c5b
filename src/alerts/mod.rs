//! Alerts: sift's server telling people about issues. Rules per project, in Sentry's issue
//! alert model ([`rule`], read by [`parse`], shown by [`render`]), are evaluated by the store's
//! writer for every event, inside the transaction that stores it ([`engine`], called from
//! `store::alerts::fire`); a firing is written there with one outbox row per action. The
//! delivery worker ([`deliver`]) sends them (Slack, signed webhooks, email: [`message`] builds
//! each, `send` carries it), with retries and a bounded outbox; the console rings for firings of
//! rules with the console action. `[alerts]` in config.toml is [`config`].
//!
//! Nothing here reads the clock for a decision: the engine's "now" is the event's arrival time,
//! and the retry policy takes `now` as an argument.

pub mod config;
pub mod deliver;
pub mod engine;
pub mod message;
pub mod parse;
pub mod render;
pub mod rule;
mod send;
pub mod start;

pub use config::AlertsConfig;

/// Wakes the delivery workers of this process: deliveries were just queued.
static SIGNAL: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Tells the delivery worker that the outbox has something new (called after a commit).
pub fn wake() {
    SIGNAL.notify_waiters();
}
