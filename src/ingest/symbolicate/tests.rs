//! Symbolication over the checked-in builds of the shop app (`tests/fixtures/sourcemaps`), with
//! an in-memory [`SourceMaps`] that serves their maps by debug id: what a frame becomes, what a
//! missing or broken map leaves, that grouping sees the original frames, and reprocessing.

use std::sync::Arc;

use super::*;
use crate::ingest::grouping;
use crate::ingest::tree::Value;

const EVENT_A: &str = include_str!("../../../tests/fixtures/sourcemaps/event-a.json");
const EVENT_B: &str = include_str!("../../../tests/fixtures/sourcemaps/event-b.json");
const MAP_A: &[u8] = include_bytes!("../../../tests/fixtures/sourcemaps/a/app.js.map");
const MAP_B: &[u8] = include_bytes!("../../../tests/fixtures/sourcemaps/b/app.js.map");
const JS_A: &str = include_str!("../../../tests/fixtures/sourcemaps/a/app.js");
const ID_A: &str = "c67a8fec-4538-5188-80ed-ba771178a04a";
const ID_B: &str = "593da069-c54a-54f4-bf15-c3f6130977de";

/// Maps by debug id; `broken` answers every lookup with an unreadable map.
#[derive(Default)]
struct Maps {
    by_id: Vec<(&'static str, Arc<MappedFile>)>,
    broken: bool,
}

fn mapped(map: &[u8], url: &str, minified: Option<&str>) -> Arc<MappedFile> {
    let sourcemap::DecodedMap::Regular(map) = sourcemap::decode_slice(map).unwrap() else { panic!("a regular map") };
    Arc::new(MappedFile {
        map,
        url: url.into(),
        resolved_with: "debug-id",
        minified: minified.map(|s| sourcemap::SourceView::from_string(s.to_string())),
    })
}

impl Maps {
    fn both() -> Self {
        Self {
            by_id: vec![
                (ID_A, mapped(MAP_A, "~/a/app.js.map", Some(JS_A))),
                (ID_B, mapped(MAP_B, "~/b/app.js.map", None)),
            ],
            broken: false,
        }
    }
}

impl SourceMaps for Maps {
    fn covers(&self, project_id: i64) -> bool {
        project_id == 1
    }

    fn find(&self, query: &Query<'_>) -> Found {
        if self.broken {
            return Found::Malformed { url: format!("{}.map", query.abs_path) };
        }
        match self.by_id.iter().find(|(id, _)| Some(*id) == query.debug_id) {
            Some((_, map)) => Found::Map(map.clone()),
            None => Found::Missing,
        }
    }
}

fn event(text: &str) -> Value<'static> {
    Value::from(serde_json::from_str::<serde_json::Value>(text).unwrap())
}

fn frames<'v>(event: &'v Value<'v>, key: &str) -> &'v Vec<Value<'v>> {
    event.pointer(&format!("/exception/values/0/{key}/frames")).and_then(Value::as_array).unwrap()
}

fn text<'v>(frame: &'v Value<'v>, key: &str) -> Option<&'v str> {
    frame.get(key).and_then(Value::as_str)
}

#[test]
fn minified_frames_become_the_original_files_functions_and_lines() {
    let mut event = event(EVENT_A);
    let sent = serde_json::to_value(frames(&event, "stacktrace")).unwrap();
    assert!(symbolicate(&mut event, 1, &Maps::both()));
    let frames = frames(&event, "stacktrace");
    let throw = frames.last().unwrap();
    assert_eq!(text(throw, "filename"), Some("../src/cart.js"));
    assert_eq!(text(throw, "abs_path"), Some("~/src/cart.js"));
    assert_eq!(text(throw, "module"), Some("src/cart"));
    assert_eq!(text(throw, "function"), Some("priceOfLine"), "named from its caller's call site");
    assert_eq!((throw.get("lineno"), throw.get("colno")), (Some(&Value::from(12u64)), Some(&Value::from(11u64))));
    assert_eq!(
        text(throw, "context_line"),
        Some("    throw new CheckoutError(`line ${line.sku} has quantity ${line.quantity}`);")
    );
    let pre: Vec<&str> =
        throw.get("pre_context").and_then(Value::as_array).unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(pre.len(), 5);
    assert_eq!(pre[4], "  if (line.quantity <= 0) {");
    let post = throw.get("post_context").and_then(Value::as_array).unwrap();
    assert_eq!(post.first().and_then(Value::as_str), Some("  }"));
    assert_eq!(throw.pointer("/data/sourcemap").and_then(Value::as_str), Some("~/a/app.js.map"));
    assert_eq!(throw.pointer("/data/resolved_with").and_then(Value::as_str), Some("debug-id"));
    assert_eq!(throw.pointer("/data/symbolicated"), Some(&Value::Bool(true)));
    let names: Vec<Option<&str>> = frames.iter().map(|f| text(f, "function")).collect();
    assert_eq!(
        names,
        [
            Some("?"),
            Some("checkout"),
            Some("basketTotal"),
            Some("globalThis.legacyEach"),
            Some("?"),
            Some("priceOfLine")
        ]
    );
    // The oldest frame of the bundle has no caller to name it: the guess over the minified source does.
    assert_eq!(text(&frames[1], "filename"), Some("../src/checkout.js"));
    assert_eq!(text(&frames[1], "context_line"), Some("  const total = basketTotal(basket);"));
    // The SDK's frames are kept as they came.
    assert_eq!(serde_json::to_value(self::frames(&event, "raw_stacktrace")).unwrap(), sent);
}

#[test]
fn a_frame_without_a_map_keeps_its_minified_form_and_the_event_says_why() {
    let mut event = event(EVENT_A);
    symbolicate(&mut event, 1, &Maps::both());
    let legacy = &frames(&event, "stacktrace")[3];
    assert_eq!(text(legacy, "filename"), Some("/srv/shop/vendor/legacy.min.js"));
    assert_eq!(text(legacy, "function"), Some("globalThis.legacyEach"));
    assert!(legacy.get("data").is_none());
    let errors = event.get("errors").and_then(Value::as_array).unwrap();
    assert!(
        errors.contains(&Value::from(
            serde_json::json!({"type": "js_no_source", "url": "/srv/shop/vendor/legacy.min.js"})
        ))
    );
    assert_eq!(notice_reason("js_no_source"), Some("no source map uploaded for this file"));
}

#[test]
fn a_broken_map_leaves_every_frame_as_sent() {
    let mut event = event(EVENT_A);
    let sent = serde_json::to_value(frames(&event, "stacktrace")).unwrap();
    let broken = Maps { broken: true, ..Maps::default() };
    assert!(symbolicate(&mut event, 1, &broken));
    assert_eq!(serde_json::to_value(frames(&event, "stacktrace")).unwrap(), sent);
    assert!(event.pointer("/exception/values/0/raw_stacktrace").is_none());
    let kinds: Vec<&str> =
        event.get("errors").and_then(Value::as_array).unwrap().iter().filter_map(|e| text(e, "type")).collect();
    assert!(kinds.iter().all(|k| *k == "js_invalid_source") && !kinds.is_empty(), "{kinds:?}");
}

#[test]
fn a_position_outside_the_map_is_reported_not_guessed() {
    let mut event = event(EVENT_A);
    // Line 1 is sentry-cli's injected snippet, which the map does not cover.
    let Some(Value::Object(frame)) = event
        .pointer("/exception/values/0/stacktrace/frames")
        .and_then(Value::as_array)
        .and_then(|f| f.get(5))
        .cloned()
    else {
        panic!("frame")
    };
    let mut frame = frame;
    frame.insert("lineno", Value::from(1u64));
    frame.insert("colno", Value::from(5u64));
    if let Some(Value::Array(list)) = event
        .get_mut("exception")
        .and_then(|e| e.get_mut("values"))
        .and_then(|v| v.get_mut(0))
        .and_then(|x| x.get_mut("stacktrace"))
        .and_then(|s| s.get_mut("frames"))
    {
        list[5] = Value::Object(frame);
    }
    symbolicate(&mut event, 1, &Maps::both());
    assert_eq!(text(&frames(&event, "stacktrace")[5], "function"), Some("u"));
    let located = event
        .get("errors")
        .and_then(Value::as_array)
        .unwrap()
        .iter()
        .find(|e| text(e, "type") == Some("js_invalid_sourcemap_location"))
        .cloned();
    assert_eq!(located.as_ref().and_then(|e| e.get("row")), Some(&Value::from(1u64)));
}

#[test]
fn two_minified_builds_of_the_same_code_group_together() {
    let maps = Maps::both();
    let mut a = event(EVENT_A);
    let mut b = event(EVENT_B);
    assert_ne!(grouping::compute_hashes(&a), grouping::compute_hashes(&b), "minified, they differ");
    symbolicate(&mut a, 1, &maps);
    symbolicate(&mut b, 1, &maps);
    assert_eq!(text(frames(&b, "stacktrace").last().unwrap(), "function"), Some("priceOfLine"));
    assert_eq!(
        text(frames(&b, "stacktrace").last().unwrap(), "context_line"),
        text(frames(&a, "stacktrace").last().unwrap(), "context_line")
    );
    assert_eq!(grouping::compute_hashes(&a), grouping::compute_hashes(&b));
}

#[test]
fn nothing_happens_without_maps_or_javascript() {
    let mut plain = event(EVENT_A);
    let before = plain.clone();
    assert!(!symbolicate(&mut plain, 2, &Maps::both()), "project 2 has no bundles");
    assert!(!symbolicate(&mut plain, 1, &NoSourceMaps));
    assert_eq!(plain, before);
    let mut python = event(&EVENT_A.replace("\"node\"", "\"python\""));
    let before = python.clone();
    assert!(!symbolicate(&mut python, 1, &Maps::both()));
    assert_eq!(python, before);
}

#[test]
fn a_stored_event_reads_with_the_maps_there_are_now() {
    // Stored before any bundle: neither notices nor raw frames.
    let stored = event(EVENT_A);
    assert!(needs_another_look(&stored));
    let mut read = stored.clone();
    assert!(resymbolicate(&mut read, 1, &Maps::both()));
    assert_eq!(text(frames(&read, "stacktrace").last().unwrap(), "function"), Some("priceOfLine"));
    // Symbolicated once with a map missing, then read after it arrived.
    let mut partial = event(EVENT_A);
    symbolicate(&mut partial, 1, &Maps { by_id: vec![(ID_B, mapped(MAP_B, "~/b/app.js.map", None))], broken: false });
    assert!(needs_another_look(&partial));
    assert!(resymbolicate(&mut partial, 1, &Maps::both()));
    assert_eq!(
        partial.pointer("/exception/values/0/raw_stacktrace"),
        read.pointer("/exception/values/0/raw_stacktrace")
    );
    assert_eq!(frames(&partial, "stacktrace"), frames(&read, "stacktrace"));
    // Fully symbolicated but for the map-less vendor file: reading again changes nothing.
    let mut again = read.clone();
    assert!(!resymbolicate(&mut again, 1, &Maps::both()));
    assert_eq!(again, read);
}
