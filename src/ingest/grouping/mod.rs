//! Sentry-like grouping: event hashes (fingerprints) plus issue titles, culprits and metadata.
//!
//! Contract (PROTOCOL Part E): [`compute_hashes`] returns one or more 32-char lowercase md5
//! hashes; the first keys a new issue, and an event joins an existing issue when any of its
//! hashes is already known. Without a custom fingerprint the primary hash covers the `app`
//! variant (in-app frames, per-exception fallback to all frames, else type + normalized
//! value; message events use the normalized template) and a second hash over all frames
//! (`system` variant) follows when it differs. A custom `fingerprint` yields exactly one hash.
//! [`summarize`] derives the issue's title, culprit, location and metadata. All functions accept
//! any JSON and never panic. Submodules reference each other only through `super::`.

mod access;
mod cleanup;
mod components;
mod fingerprint;
mod frames;
mod hash;
mod parameterize;
mod summary;

#[cfg(test)]
mod scenarios;
#[cfg(test)]
mod scenarios_fingerprint;
#[cfg(test)]
mod scenarios_platforms;

use fingerprint::Fingerprint;
use hash::hash_components;

/// Hashes for one event: the first is the primary hash (what a new issue is keyed by); any later
/// ones are secondary (e.g. the "system" variant over all frames). An event joins an existing
/// issue if ANY of its hashes is already known. 32-char lowercase md5 hex each. Never empty.
pub fn compute_hashes(event: &crate::ingest::tree::Value<'_>) -> Vec<String> {
    match fingerprint::resolve(event) {
        Fingerprint::Custom(values) => vec![hash_components(&values)],
        Fingerprint::Hybrid(extra) => {
            let mut parts = components::default_components(event).app;
            parts.extend(extra);
            vec![hash_components(&parts)]
        }
        Fingerprint::Default => {
            let grouping = components::default_components(event);
            let primary = hash_components(&grouping.app);
            let system = hash_components(&grouping.system);
            if primary == system { vec![primary] } else { vec![primary, system] }
        }
    }
}

/// Sentry's message normalization for grouping (E.4): placeholders `<email>`, `<url>`, `<ip>`,
/// `<uuid>`, `<sha1>`, `<md5>`, `<date>`, `<duration>`, `<hex>`, `<float>`, `<int>`,
/// `key=<quoted_str>`/`<bool>`, first two non-empty lines (also `<hostname>`, `<traceparent>`,
/// `<git_sha>`; see the `parameterize` submodule for the exact rules).
pub fn normalize_message(s: &str) -> String {
    parameterize::normalize_message(s)
}

/// What the issue list shows for an event.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueSummary {
    /// Error: `"{type}: {first line of value}"` (just type when value empty); message events: first
    /// line of the formatted message; fallback `"<unlabeled event>"`. At most 200 chars.
    pub title: String,
    /// Transaction if set; else from the crash frame: `"module in function"`, or for
    /// javascript/node `"function(module-or-filename)"`.
    pub culprit: Option<String>,
    /// Error: `{"type","value","filename","function","in_app_frame_mix"}` (missing keys omitted);
    /// otherwise `{"title": ...}`.
    pub metadata: serde_json::Value,
    /// `"error"` when there are exceptions, else `"default"`.
    pub event_type: &'static str,
    /// Filename of the culprit frame.
    pub location: Option<String>,
}

/// Title, culprit, metadata, type and location of an event (see [`IssueSummary`]).
pub fn summarize(event: &crate::ingest::tree::Value<'_>) -> IssueSummary {
    summary::summarize(event)
}
