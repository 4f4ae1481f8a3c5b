//! The phrases every renderer shares: the window, the scope, how many a section shows, and the
//! counts of an entry.
//!
//! Contract: plain words with no markup; text from outside (environment names) goes through the
//! escape function the caller passes, so each format applies its own.

use super::digest::{Digest, Entry, Section};
use super::escape::{count, thousands};
use super::window::span_label;

/// `last 24h · 2024-05-01 09:00 → 2024-05-02 09:00 UTC`.
pub(crate) fn window(digest: &Digest) -> String {
    let at = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    format!("last {} · {} → {} UTC", span_label(digest.until - digest.since), at(digest.since), at(digest.until))
}

/// `all environments · projects 3, 7`.
pub(crate) fn scope(digest: &Digest, escape: impl Fn(&str) -> String) -> String {
    let environments = match digest.scope.environments.as_slice() {
        [] => "all environments".to_owned(),
        [one] => format!("environment {}", escape(one)),
        many => format!("environments {}", many.iter().map(|e| escape(e)).collect::<Vec<_>>().join(", ")),
    };
    let projects = match digest.scope.projects.as_slice() {
        [] => "all projects".to_owned(),
        [one] => format!("project {one}"),
        many => format!("projects {}", many.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")),
    };
    format!("{environments} · {projects}")
}

/// How many a section shows: `10 of 12`, `3`, or nothing when the total is unknown or the
/// section is empty.
pub(crate) fn shown(section: &Section) -> Option<String> {
    let n = section.entries.len() as u64;
    match section.total {
        _ if n == 0 => None,
        Some(total) if total > n => Some(format!("{n} of {}", thousands(total))),
        Some(_) => Some(n.to_string()),
        None => None,
    }
}

/// `1,204 events, 401 users`.
pub(crate) fn counts(entry: &Entry) -> String {
    format!("{}, {}", count(entry.events, "event", "events"), count(entry.users, "user", "users"))
}
