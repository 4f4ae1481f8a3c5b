//! The daily standup digest: what happened to a tracker's issues over a time window (new,
//! regressed, escalating, the busiest, resolved, unassigned high priority, and counts per
//! environment and per project), gathered through the Web API client and rendered as Markdown,
//! JSON, plain text or a Slack Block Kit payload.
//!
//! Contract: [`gather`] only reads, through calls that exist on sentry.io, self-hosted Sentry,
//! GlitchTip and sift's own server (issue search with queries both Sentry and sift understand,
//! environments, activity logs); it makes a bounded number of calls, takes the clock as an
//! argument, and passes every API error through untouched. [`render`] is a pure function of a
//! [`Digest`]: the same digest gives the same bytes. Text that came from a tracker (titles,
//! project and environment names) is cleaned of control characters and escaped for the target
//! format before it is written; only the JSON output carries it verbatim (JSON-escaped). Nothing
//! here prints or touches the terminal.

mod digest;
mod entry;
mod escape;
mod format;
mod gather;
mod markdown;
mod resolved;
mod slack;
mod tally;
mod text;
mod window;
mod wording;

pub use digest::{Digest, Entry, SCHEMA_VERSION, Scope, Section, SectionKind, Tally};
pub use format::{Format, render};
pub use gather::{ReportOptions, gather};

#[cfg(test)]
pub(crate) mod tests;
