//! Keeps stored events bounded without rejecting them: over-long strings are cut with a
//! trailing `...`, very long breadcrumb lists keep their newest entries, huge stack traces keep
//! their outer frames (with `frames_omitted` saying which), and nesting deeper than the limit
//! is replaced by a marker. Every cut is recorded in `_meta`, mirroring the event's structure
//! as Sentry does (`{"": {"len": original, "rem": [["!limit", "s"]]}}`).

use std::borrow::Cow;

use serde_json::json;

use crate::ingest::tree::{Map, Value};

/// Longest string kept, in bytes.
pub const MAX_STRING: usize = 16 * 1024;
/// Most breadcrumbs kept (the newest).
pub const MAX_BREADCRUMBS: usize = 200;
/// Most frames kept per stack trace (half from each end).
pub const MAX_FRAMES: usize = 500;
/// Deepest nesting kept.
pub const MAX_DEPTH: usize = 32;
/// What replaces data nested deeper than [`MAX_DEPTH`].
pub const DEPTH_MARKER: &str = "[truncated: nested too deeply]";

/// Trims `event` in place and merges the record of what was cut into its `_meta`.
pub fn trim(event: &mut Map<'_>) {
    let mut meta: Map<'static> = Map::new();
    if let Some(count) = trim_breadcrumbs(event) {
        meta.insert("breadcrumbs", Value::from(json!({ "values": { "": { "len": count } } })));
    }
    trim_frames(event);
    for (key, value) in event.iter_mut() {
        if key == "_meta" {
            continue;
        }
        if let Some(child) = trim_value(value, 1) {
            // Only the breadcrumbs can already have a record; every other key is new to `meta`.
            match meta.get_mut("breadcrumbs").filter(|_| key == "breadcrumbs") {
                Some(existing) => merge(existing, child),
                None => meta.push_new(key.to_string(), child),
            }
        }
    }
    if !meta.is_empty() {
        event.insert("_meta", Value::Object(meta));
    }
}

fn trim_breadcrumbs(event: &mut Map<'_>) -> Option<usize> {
    let values = event.get_mut("breadcrumbs")?.get_mut("values")?.as_array_mut()?;
    let len = values.len();
    (len > MAX_BREADCRUMBS).then(|| {
        values.drain(..len - MAX_BREADCRUMBS);
        len
    })
}

fn trim_frames(event: &mut Map<'_>) {
    for key in ["exception", "threads"] {
        if let Some(values) = event.get_mut(key).and_then(|e| e.get_mut("values")).and_then(Value::as_array_mut) {
            for st in values.iter_mut().filter_map(|value| value.get_mut("stacktrace")) {
                trim_stack(st);
            }
        }
    }
}

fn trim_stack(st: &mut Value) {
    let Some(frames) = st.get_mut("frames").and_then(Value::as_array_mut) else { return };
    let len = frames.len();
    if len > MAX_FRAMES {
        let half = MAX_FRAMES / 2;
        frames.drain(half..len - half);
        if let Some(obj) = st.as_object_mut() {
            obj.insert("frames_omitted", Value::Array(vec![Value::from(half), Value::from(len - half)]));
        }
    }
}

fn trim_value(value: &mut Value<'_>, depth: usize) -> Option<Value<'static>> {
    match value {
        Value::String(text) if text.len() > MAX_STRING => {
            let original = text.len();
            let mut cut = MAX_STRING - 3;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            *text = Cow::Owned(format!("{}...", &text[..cut]));
            Some(Value::from(json!({ "": { "len": original, "rem": [["!limit", "s"]] } })))
        }
        Value::Array(_) | Value::Object(_) if depth >= MAX_DEPTH => {
            *value = Value::from(DEPTH_MARKER);
            Some(Value::from(json!({ "": { "rem": [["!limitdepth", "x"]] } })))
        }
        Value::Array(list) => {
            let mut meta = Map::new();
            for (i, item) in list.iter_mut().enumerate() {
                if let Some(child) = trim_value(item, depth + 1) {
                    meta.push_new(i.to_string(), child);
                }
            }
            (!meta.is_empty()).then_some(Value::Object(meta))
        }
        Value::Object(map) => {
            let mut meta = Map::new();
            for (key, item) in map.iter_mut() {
                if let Some(child) = trim_value(item, depth + 1) {
                    meta.push_new(key.to_string(), child);
                }
            }
            (!meta.is_empty()).then_some(Value::Object(meta))
        }
        _ => None,
    }
}

/// Merges the record `addition` into `target`. Each of `target`'s few keys is looked up in
/// `addition` once and the rest is appended, so a wide `addition` costs linear time.
fn merge<'a>(target: &mut Value<'a>, addition: Value<'a>) {
    match (target, addition) {
        (Value::Object(target), Value::Object(mut addition)) => {
            for (key, existing) in target.iter_mut() {
                if let Some(value) = addition.remove(key) {
                    merge(existing, value);
                }
            }
            for (key, value) in addition {
                target.push_new(key, value);
            }
        }
        (target, addition) => *target = addition,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value as Json;

    use super::*;

    /// `value` trimmed, as the JSON it serializes to.
    fn trimmed(value: Json) -> Json {
        let mut event = match Value::from(value) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        trim(&mut event);
        Json::from(Value::Object(event))
    }

    #[test]
    fn long_strings_are_cut_and_recorded() {
        let e = trimmed(json!({ "extra": { "blob": "é".repeat(20_000) }, "short": "ok" }));
        let blob = e["extra"]["blob"].as_str().unwrap();
        assert!(blob.len() <= MAX_STRING && blob.ends_with("..."));
        assert_eq!(e["_meta"]["extra"]["blob"][""]["len"], 40_000);
        assert_eq!(e["short"], "ok");
        assert!(e["_meta"].get("short").is_none());
    }

    #[test]
    fn wide_containers_are_recorded_in_linear_time() {
        // 100,000 children cut at the depth limit, each a new key of the record: adding them with
        // a search per key would take minutes.
        let wide = Json::Array((0..100_000).map(|_| json!([])).collect());
        let mut deep = wide;
        for _ in 0..MAX_DEPTH - 2 {
            deep = json!([deep]);
        }
        let e = trimmed(json!({ "extra": deep }));
        let mut record = &e["_meta"]["extra"];
        for _ in 0..MAX_DEPTH - 2 {
            record = &record["0"];
        }
        assert_eq!(record.as_object().map(serde_json::Map::len), Some(100_000));
        assert_eq!(record["99999"][""]["rem"], json!([["!limitdepth", "x"]]));
    }

    #[test]
    fn breadcrumb_records_merge() {
        let mut crumbs: Vec<Json> = (0..250).map(|i| json!({ "message": i.to_string() })).collect();
        crumbs[249] = json!({ "message": "x".repeat(MAX_STRING + 10) });
        let e = trimmed(json!({ "breadcrumbs": { "values": crumbs } }));
        let record = &e["_meta"]["breadcrumbs"]["values"];
        assert_eq!(record[""]["len"], 250);
        assert_eq!(record["199"]["message"][""]["len"], MAX_STRING + 10);
    }

    #[test]
    fn breadcrumbs_keep_the_newest() {
        let crumbs: Vec<Json> = (0..250).map(|i| json!({ "message": i.to_string() })).collect();
        let e = trimmed(json!({ "breadcrumbs": { "values": crumbs } }));
        let values = e["breadcrumbs"]["values"].as_array().unwrap();
        assert_eq!(values.len(), MAX_BREADCRUMBS);
        assert_eq!(values[0]["message"], "50");
        assert_eq!(e["_meta"]["breadcrumbs"]["values"][""]["len"], 250);
    }

    #[test]
    fn huge_stacks_keep_both_ends() {
        let frames: Vec<Json> = (0..1000).map(|i| json!({ "function": format!("f{i}") })).collect();
        let e = trimmed(json!({ "exception": { "values": [{ "type": "E", "stacktrace": { "frames": frames } }] } }));
        let st = &e["exception"]["values"][0]["stacktrace"];
        let frames = st["frames"].as_array().unwrap();
        assert_eq!(frames.len(), MAX_FRAMES);
        assert_eq!(frames[0]["function"], "f0");
        assert_eq!(frames[MAX_FRAMES - 1]["function"], "f999");
        assert_eq!(st["frames_omitted"], json!([250, 750]));
    }

    #[test]
    fn deep_nesting_is_replaced() {
        let mut deep = json!("leaf");
        for _ in 0..100 {
            deep = json!({ "x": deep });
        }
        let e = trimmed(json!({ "extra": deep }));
        let mut node = &e["extra"];
        let mut depth = 1;
        while let Some(next) = node.get("x") {
            node = next;
            depth += 1;
        }
        assert_eq!(node, DEPTH_MARKER);
        assert_eq!(depth, MAX_DEPTH);
        assert!(e.get("_meta").is_some());
    }
}
