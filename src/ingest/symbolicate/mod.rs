//! Symbolication of JavaScript frames: each minified frame (`app.js:1:4521 in n`) is rewritten
//! to its original file, line, column and function, with `pre_context`, `context_line` and
//! `post_context` from the map's `sourcesContent`, before scrubbing and grouping see the event
//! (so two differently minified builds of the same code group as one issue). The frames as the
//! SDK sent them are kept beside the new ones as `raw_stacktrace`, as Sentry keeps them. A frame
//! whose map is missing or broken keeps its minified form, and the event's `errors` gain
//! Sentry's notice for it (`js_no_source`, `js_invalid_source`, ...); an event is never
//! rejected for that.
//!
//! Finding a map is not this module's business: it asks a [`SourceMaps`] (sift's server gives
//! [`crate::sourcemaps::SourceMapService`]) and stays free of I/O itself. Lookup order, per
//! frame: the debug id that `debug_meta.images` gives the frame's file, then the event's
//! release (and dist) with the frame's URL, then bundles without a release by `~/` path.

mod frame;
pub mod urls;

use std::sync::Arc;

use super::tree::{Map, Value};

/// A source map found for a minified file, parsed once and shared.
pub struct MappedFile {
    /// The map (index maps are flattened on load).
    pub map: sourcemap::SourceMap,
    /// The map's URL in its bundle, shown as the frame's `data.sourcemap`.
    pub url: String,
    /// How it was found: `debug-id`, `release` or `url`.
    pub resolved_with: &'static str,
    /// The minified file itself, when the bundle has it (for the function-name fallback).
    pub minified: Option<sourcemap::SourceView>,
}

/// What one lookup found.
#[derive(Clone)]
pub enum Found {
    Map(Arc<MappedFile>),
    /// No bundle has this file or its map.
    Missing,
    /// The map exists but cannot be read.
    Malformed {
        url: String,
    },
}

/// The facts a lookup goes by.
#[derive(Debug, Clone, Copy)]
pub struct Query<'q> {
    pub project_id: i64,
    pub abs_path: &'q str,
    pub debug_id: Option<&'q str>,
    pub release: Option<&'q str>,
    pub dist: Option<&'q str>,
}

/// Where source maps come from.
pub trait SourceMaps: Send + Sync {
    /// Whether the project has any bundle at all; `false` skips symbolication entirely, and
    /// must be cheap (it is asked for every event).
    fn covers(&self, project_id: i64) -> bool;
    /// The map for a minified file.
    fn find(&self, query: &Query<'_>) -> Found;
}

/// No source maps anywhere (command-line tools, benchmarks of plain ingest).
pub struct NoSourceMaps;

impl SourceMaps for NoSourceMaps {
    fn covers(&self, _project_id: i64) -> bool {
        false
    }

    fn find(&self, _query: &Query<'_>) -> Found {
        Found::Missing
    }
}

/// The notice types this module writes into `errors`; read-time reprocessing looks for them.
pub const NOTICES: &[&str] =
    &["js_no_source", "js_invalid_source", "js_invalid_sourcemap_location", "js_missing_sources_content"];

/// A short reason for a notice type, as the console shows it beside a frame.
pub fn notice_reason(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "js_no_source" => "no source map uploaded for this file",
        "js_invalid_source" => "its source map cannot be read",
        "js_invalid_sourcemap_location" => "the position is not in its source map",
        "js_missing_sources_content" => "its source map has no sourcesContent",
        _ => return None,
    })
}

/// Symbolicates every JavaScript stack trace of a normalized event in place. Returns whether
/// any frame was looked up (so the event carries new frames or notices).
pub fn symbolicate(event: &mut Value<'_>, project_id: i64, maps: &dyn SourceMaps) -> bool {
    if !maps.covers(project_id) || !is_javascript(event) {
        return false;
    }
    let text = |key: &str| event.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
    let (release, dist) = (text("release"), text("dist"));
    let images = debug_images(event);
    let platform = text("platform").unwrap_or_default();
    let ctx = frame::Ctx {
        project_id,
        release: release.as_deref(),
        dist: dist.as_deref(),
        images: &images,
        platform: &platform,
        maps,
    };
    let mut notices = Vec::new();
    let mut looked_up = false;
    let Some(object) = event.as_object_mut() else { return false };
    for (container, key) in [("exception", "values"), ("threads", "values")] {
        let list = object.get_mut(container).and_then(|c| c.get_mut(key)).and_then(Value::as_array_mut);
        for holder in list.into_iter().flatten() {
            if let Some(holder) = holder.as_object_mut() {
                looked_up |= symbolicate_holder(holder, &ctx, &mut notices);
            }
        }
    }
    if !notices.is_empty() {
        let errors = object.get_or_insert_with("errors", || Value::Array(Vec::new()));
        if !errors.is_array() {
            *errors = Value::Array(Vec::new());
        }
        if let Some(list) = errors.as_array_mut() {
            for notice in notices {
                if !list.contains(&notice) {
                    list.push(notice);
                }
            }
        }
    }
    looked_up
}

/// Symbolicates a stored event again, from the frames its SDK sent: what [`symbolicate`] did
/// at ingest (new frames, its notices) is undone first. Only events that may gain from it are
/// touched ([`needs_another_look`]). Returns whether anything changed, so a caller can keep the
/// stored form when nothing did.
pub fn resymbolicate(event: &mut Value<'_>, project_id: i64, maps: &dyn SourceMaps) -> bool {
    if !maps.covers(project_id) || !needs_another_look(event) {
        return false;
    }
    let before = event.clone();
    if let Some(object) = event.as_object_mut() {
        for container in ["exception", "threads"] {
            let list = object.get_mut(container).and_then(|c| c.get_mut("values")).and_then(Value::as_array_mut);
            for holder in list.into_iter().flatten().filter_map(Value::as_object_mut) {
                if let Some(raw) = holder.remove("raw_stacktrace") {
                    holder.insert("stacktrace", raw);
                }
            }
        }
        if let Some(errors) = object.get_mut("errors").and_then(Value::as_array_mut) {
            errors.retain(|e| !e.get("type").and_then(Value::as_str).is_some_and(|t| NOTICES.contains(&t)));
        }
    }
    symbolicate(event, project_id, maps);
    *event != before
}

/// Whether a stored JavaScript event may read better with the maps there are now: a frame was
/// left minified with a notice, or it was never looked at (its project had no bundle when it
/// arrived, so it carries neither notices nor `raw_stacktrace`).
pub fn needs_another_look(event: &Value<'_>) -> bool {
    if !is_javascript(event) {
        return false;
    }
    let notices = event
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|e| e.get("type").and_then(Value::as_str).is_some_and(|t| NOTICES.contains(&t)));
    let raw = holders(event).any(|holder| holder.get("raw_stacktrace").is_some());
    notices || !raw
}

/// Every exception and thread of the event: what carries a stack trace.
fn holders<'e>(event: &'e Value<'e>) -> impl Iterator<Item = &'e Value<'e>> {
    ["exception", "threads"]
        .into_iter()
        .filter_map(|container| event.get(container)?.get("values")?.as_array())
        .flatten()
}

/// Rewrites one stack trace holder (an exception or a thread): its frames, and
/// `raw_stacktrace` with the frames as sent when any frame changed.
fn symbolicate_holder(holder: &mut Map<'_>, ctx: &frame::Ctx<'_>, notices: &mut Vec<Value<'static>>) -> bool {
    if holder.contains_key("raw_stacktrace") {
        return false;
    }
    let Some(frames) = holder.get_mut("stacktrace").and_then(|s| s.get_mut("frames")).and_then(Value::as_array_mut)
    else {
        return false;
    };
    let raw = frames.clone();
    let (mut looked_up, mut mapped) = (false, false);
    let mut caller: Option<String> = None;
    for frame in frames.iter_mut() {
        match frame::symbolicate_frame(frame, ctx, caller.take()) {
            frame::Outcome::Skipped => {}
            frame::Outcome::Mapped { token_name, notice } => {
                (looked_up, mapped) = (true, true);
                caller = token_name;
                notices.extend(notice);
            }
            frame::Outcome::Failed(notice) => {
                looked_up = true;
                notices.push(notice);
            }
        }
    }
    if mapped {
        let mut trace = Map::new();
        trace.insert("frames", Value::Array(raw));
        holder.insert("raw_stacktrace", Value::Object(trace));
    }
    looked_up
}

/// Whether the event, or any frame of it, is JavaScript (browser or Node).
fn is_javascript(event: &Value<'_>) -> bool {
    let js = |p: Option<&str>| matches!(p, Some("javascript" | "node"));
    js(event.get("platform").and_then(Value::as_str))
        || holders(event)
            .filter_map(|h| h.get("stacktrace")?.get("frames")?.as_array())
            .flatten()
            .any(|f| js(f.get("platform").and_then(Value::as_str)))
}

/// `(code_file, debug_id)` of every `sourcemap` image in `debug_meta`.
fn debug_images(event: &Value<'_>) -> Vec<(String, String)> {
    event
        .get("debug_meta")
        .and_then(|d| d.get("images"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|image| image.get("type").and_then(Value::as_str) == Some("sourcemap"))
        .filter_map(|image| {
            let code_file = image.get("code_file").and_then(Value::as_str)?;
            let debug_id = image.get("debug_id").and_then(Value::as_str)?;
            Some((code_file.to_string(), normalize_debug_id(debug_id)?))
        })
        .collect()
}

/// A debug id as sift stores and compares it: a UUID, lowercase and hyphenated (sentry-cli
/// writes them so; SDKs and older tools may not).
pub fn normalize_debug_id(text: &str) -> Option<String> {
    let text = text.trim();
    let uuid = uuid::Uuid::parse_str(text.get(..36).unwrap_or(text)).ok()?;
    Some(uuid.hyphenated().to_string())
}

#[cfg(test)]
mod tests;
