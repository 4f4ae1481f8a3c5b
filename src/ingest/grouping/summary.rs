//! Issue title, culprit, location and metadata for an event (what the issue list shows).
//!
//! Contract: [`summarize`] never panics and always yields a non-empty title of at most 200
//! characters (longer ones end in `…`; truncation counts chars, never splits UTF-8).
//! * Error events (`exception.values` non-empty, last value = the raised one): title
//!   `"{type}: {first line of value}"`, just the type when the value is empty, just the value
//!   when the type is missing; metadata `type`, `value` (≤1024 chars), `filename`, `function`,
//!   `in_app_frame_mix` (keys omitted when unknown).
//! * Other events: title = first non-blank line of the formatted message; metadata `{"title"}`.
//! * Fallback title `<unlabeled event>`.
//!
//! Culprit = `transaction` when set, else derived from the crash frame (see
//! [`super::frames::crash_frame`]): javascript/node `function(module-or-filename)`, everything
//! else `module-or-filename in function`. Location = the crash frame's filename.

use serde_json::json;

use crate::ingest::tree::{Value, first_chars};

use super::IssueSummary;
use super::access::{event_platform, exceptions, frames, in_app, message_formatted, non_empty, str_of};
use super::cleanup::{Platform, strip_rust_hash};
use super::frames::{crash_frame, frame_platform};

const MAX_TITLE: usize = 200;
const MAX_CULPRIT: usize = 200;
const MAX_META_VALUE: usize = 1024;
const UNLABELED: &str = "<unlabeled event>";

/// `s` cut to at most `max` chars; a cut string ends in `…` (which counts toward `max`).
pub(super) fn truncate_chars(s: &str, max: usize) -> String {
    if first_chars(s, max).len() == s.len() {
        s.to_owned()
    } else {
        format!("{}…", first_chars(s, max.saturating_sub(1)))
    }
}

/// The first line with non-whitespace content, trimmed.
fn first_line(s: &str) -> Option<&str> {
    s.lines().map(str::trim).find(|l| !l.is_empty())
}

/// The culprit string of one frame, or `None` when it names nothing.
fn frame_culprit(frame: &Value, platform: Platform) -> Option<String> {
    let function = non_empty(frame, "function").map(|f| strip_rust_hash(f.trim()));
    let fileloc = non_empty(frame, "module").or_else(|| non_empty(frame, "filename"));
    if platform == Platform::JavaScript {
        return Some(format!("{}({})", function.unwrap_or("?"), fileloc?));
    }
    if fileloc.is_none() && function.is_none() {
        return None;
    }
    Some(format!("{} in {}", fileloc.unwrap_or("?"), function.unwrap_or("?")))
}

/// `in-app-only`, `system-only` or `mixed` over all exception frames; `None` without frames.
fn in_app_frame_mix<'e>(excs: &[&'e Value<'e>]) -> Option<&'static str> {
    let all: Vec<bool> = excs.iter().flat_map(|e| frames(e)).map(in_app).collect();
    match (all.iter().any(|&a| a), all.iter().any(|&a| !a)) {
        (true, false) => Some("in-app-only"),
        (false, true) => Some("system-only"),
        (true, true) => Some("mixed"),
        (false, false) => None,
    }
}

/// Title of an error event from its last exception, `None` when it has neither type nor value.
fn error_title(exc: &Value) -> Option<String> {
    let ty = non_empty(exc, "type").map(str::trim);
    let value = str_of(exc, "value").and_then(first_line);
    match (ty, value) {
        (Some(t), Some(v)) => Some(format!("{t}: {v}")),
        (Some(t), None) => Some(t.to_owned()),
        (None, Some(v)) => Some(v.to_owned()),
        (None, None) => None,
    }
}

/// Computes the issue summary of an event (see module docs).
pub(super) fn summarize(event: &Value) -> IssueSummary {
    let platform = event_platform(event);
    let excs = exceptions(event);
    let frame = crash_frame(event, platform);
    let culprit = match non_empty(event, "transaction") {
        Some(t) => Some(t.trim().to_owned()),
        None => frame.and_then(|f| frame_culprit(f, frame_platform(f, platform))),
    }
    .map(|c| truncate_chars(&c, MAX_CULPRIT));
    let location = frame.and_then(|f| non_empty(f, "filename").or_else(|| non_empty(f, "abs_path"))).map(str::to_owned);
    let message_title = message_formatted(event).and_then(first_line).map(str::to_owned);
    let Some(last) = excs.last() else {
        let title = truncate_chars(message_title.as_deref().unwrap_or(UNLABELED), MAX_TITLE);
        return IssueSummary { metadata: json!({ "title": title }), title, culprit, event_type: "default", location };
    };
    let title = error_title(last).or(message_title).unwrap_or_else(|| UNLABELED.to_owned());
    let mut meta = serde_json::Map::new();
    let mut put = |key: &str, v: Option<String>| {
        if let Some(v) = v {
            meta.insert(key.to_owned(), serde_json::Value::String(v));
        }
    };
    put("type", non_empty(last, "type").map(|t| t.trim().to_owned()));
    put("value", str_of(last, "value").filter(|v| !v.is_empty()).map(|v| truncate_chars(v, MAX_META_VALUE)));
    put("filename", frame.and_then(|f| non_empty(f, "filename")).map(str::to_owned));
    put("function", frame.and_then(|f| non_empty(f, "function")).map(|f| strip_rust_hash(f.trim()).to_owned()));
    put("in_app_frame_mix", in_app_frame_mix(&excs).map(str::to_owned));
    IssueSummary {
        title: truncate_chars(&title, MAX_TITLE),
        culprit,
        metadata: serde_json::Value::Object(meta),
        event_type: "error",
        location,
    }
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
