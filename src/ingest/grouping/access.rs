//! Defensive read access to the normalized event JSON.
//!
//! Contract: every accessor accepts any JSON tree (`tree::Value`) (objects, arrays, nulls, wrong types)
//! and returns `None`/empty instead of panicking. Strings are only returned when the field really
//! is a JSON string. Exceptions, frames and thread stacks are returned oldest first, exactly as
//! they appear in the event, with non-object entries skipped.

use std::collections::BTreeMap;

use crate::ingest::tree::Value;

/// The field `key` when it is a string.
pub(super) fn str_of<'e>(v: &'e Value<'e>, key: &str) -> Option<&'e str> {
    v.get(key)?.as_str()
}

/// The field `key` when it is a string with at least one non-whitespace character.
pub(super) fn non_empty<'e>(v: &'e Value<'e>, key: &str) -> Option<&'e str> {
    str_of(v, key).filter(|s| !s.trim().is_empty())
}

/// True only for a JSON `true`.
pub(super) fn is_true(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true)))
}

/// `frame.in_app == true` (absent or non-bool counts as not in-app).
pub(super) fn in_app(frame: &Value) -> bool {
    is_true(frame.get("in_app"))
}

/// The event's `platform`, `"other"` when missing.
pub(super) fn event_platform<'e>(event: &'e Value<'e>) -> &'e str {
    non_empty(event, "platform").unwrap_or("other")
}

/// All exception values (oldest first); tolerates a bare list instead of `{"values": [...]}`.
pub(super) fn exceptions<'e>(event: &'e Value<'e>) -> Vec<&'e Value<'e>> {
    let list = match event.get("exception") {
        Some(Value::Array(list)) => list,
        Some(other) => match other.get("values") {
            Some(Value::Array(list)) => list,
            _ => return Vec::new(),
        },
        None => return Vec::new(),
    };
    list.iter().filter(|v| v.is_object()).collect()
}

/// Exceptions that take part in grouping: exception-group wrappers
/// (`mechanism.is_exception_group`) are skipped unless nothing else would remain.
pub(super) fn grouping_exceptions<'e>(event: &'e Value<'e>) -> Vec<&'e Value<'e>> {
    let all = exceptions(event);
    let kept: Vec<&Value> = all
        .iter()
        .copied()
        .filter(|e| !is_true(e.get("mechanism").and_then(|m| m.get("is_exception_group"))))
        .collect();
    if kept.is_empty() { all } else { kept }
}

/// `holder.stacktrace.frames` (object entries only).
pub(super) fn frames<'e>(holder: &'e Value<'e>) -> Vec<&'e Value<'e>> {
    holder
        .get("stacktrace")
        .and_then(|s| s.get("frames"))
        .and_then(Value::as_array)
        .map(|list| list.iter().filter(|f| f.is_object()).collect())
        .unwrap_or_default()
}

/// The stack of an event without exceptions: the top-level `stacktrace`, else the crashed
/// thread's, else the only thread that has frames. Empty when none applies.
pub(super) fn standalone_frames<'e>(event: &'e Value<'e>) -> Vec<&'e Value<'e>> {
    let top = frames(event);
    if !top.is_empty() {
        return top;
    }
    let threads: Vec<&Value> = event
        .get("threads")
        .and_then(|t| t.get("values").or(Some(t)))
        .and_then(Value::as_array)
        .map(|list| list.iter().filter(|t| !frames(t).is_empty()).collect())
        .unwrap_or_default();
    if let Some(crashed) = threads.iter().find(|t| is_true(t.get("crashed"))) {
        return frames(crashed);
    }
    match threads.as_slice() {
        [only] => frames(only),
        _ => Vec::new(),
    }
}

/// The frames that describe where the event happened: the last exception's, else the
/// standalone stack.
pub(super) fn primary_frames<'e>(event: &'e Value<'e>) -> Vec<&'e Value<'e>> {
    match exceptions(event).last() {
        Some(last) => frames(last),
        None => standalone_frames(event),
    }
}

/// The log entry object: `logentry`, else a top-level `message` object (legacy shape).
fn logentry<'e>(event: &'e Value<'e>) -> Option<&'e Value<'e>> {
    event.get("logentry").filter(|v| v.is_object()).or_else(|| event.get("message").filter(|v| v.is_object()))
}

/// The message used for grouping: the unformatted template (`logentry.message`) if present,
/// else `logentry.formatted`, else a top-level string `message`.
pub(super) fn message_template<'e>(event: &'e Value<'e>) -> Option<&'e str> {
    let entry = logentry(event);
    entry
        .and_then(|l| non_empty(l, "message"))
        .or_else(|| entry.and_then(|l| non_empty(l, "formatted")))
        .or_else(|| non_empty(event, "message"))
}

/// The human-readable message: `logentry.formatted`, else the template, else a top-level string.
pub(super) fn message_formatted<'e>(event: &'e Value<'e>) -> Option<&'e str> {
    let entry = logentry(event);
    entry
        .and_then(|l| non_empty(l, "formatted"))
        .or_else(|| entry.and_then(|l| non_empty(l, "message")))
        .or_else(|| non_empty(event, "message"))
}

/// The event's tags by key, each with its first string value; tags are `[[k, v], ...]`,
/// tolerating an object or `{key, value}` items. Built once, so resolving many tag variables
/// costs n log n, not a scan per variable.
pub(super) fn tag_values<'e>(event: &'e Value<'e>) -> BTreeMap<&'e str, &'e str> {
    let mut tags = BTreeMap::new();
    match event.get("tags") {
        Some(Value::Array(items)) => {
            for item in items {
                let pair = match item {
                    Value::Array(pair) => pair.first().and_then(Value::as_str).zip(pair.get(1).and_then(Value::as_str)),
                    Value::Object(_) => str_of(item, "key").zip(str_of(item, "value")),
                    _ => None,
                };
                if let Some((key, value)) = pair {
                    tags.entry(key).or_insert(value);
                }
            }
        }
        Some(Value::Object(map)) => {
            for (key, value) in map.iter() {
                if let Some(value) = value.as_str() {
                    tags.entry(key).or_insert(value);
                }
            }
        }
        _ => {}
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::tree::tree;

    #[test]
    fn wrong_types_yield_nothing() {
        for bad in [tree!(null), tree!(1), tree!("x"), tree!([1, 2]), tree!({"exception": 5})] {
            assert!(exceptions(&bad).is_empty());
            assert!(frames(&bad).is_empty());
            assert!(standalone_frames(&bad).is_empty());
            assert_eq!(message_template(&bad), None);
            assert!(tag_values(&bad).is_empty());
            assert_eq!(event_platform(&bad), "other");
        }
    }

    #[test]
    fn exceptions_accept_wrapped_and_bare_lists() {
        let wrapped = tree!({"exception": {"values": [{"type": "A"}, 3, {"type": "B"}]}});
        let bare = tree!({"exception": [{"type": "A"}]});
        assert_eq!(exceptions(&wrapped).len(), 2);
        assert_eq!(exceptions(&bare).len(), 1);
    }

    #[test]
    fn exception_group_wrappers_are_skipped() {
        let ev = tree!({"exception": {"values": [
            {"type": "ExceptionGroup", "mechanism": {"is_exception_group": true}},
            {"type": "ValueError"}
        ]}});
        let got = grouping_exceptions(&ev);
        assert_eq!(got.len(), 1);
        assert_eq!(str_of(got[0], "type"), Some("ValueError"));
        let only = tree!({"exception": {"values": [{"type": "G", "mechanism": {"is_exception_group": true}}]}});
        assert_eq!(grouping_exceptions(&only).len(), 1);
    }

    #[test]
    fn standalone_frames_prefers_top_level_then_crashed_then_single_thread() {
        let f = |n: &str| tree!({"stacktrace": {"frames": [{"function": n}]}});
        let top = tree!({"stacktrace": {"frames": [{"function": "top"}]}, "threads": {"values": [f("t")]}});
        assert_eq!(str_of(standalone_frames(&top)[0], "function"), Some("top"));
        let mut crashed = f("crashed");
        if let Some(thread) = crashed.as_object_mut() {
            thread.insert("crashed", tree!(true));
        }
        let ev = tree!({"threads": {"values": [f("a"), crashed]}});
        assert_eq!(str_of(standalone_frames(&ev)[0], "function"), Some("crashed"));
        let single = tree!({"threads": {"values": [{"id": 1}, f("only")]}});
        assert_eq!(str_of(standalone_frames(&single)[0], "function"), Some("only"));
        let ambiguous = tree!({"threads": {"values": [f("a"), f("b")]}});
        assert!(standalone_frames(&ambiguous).is_empty());
    }

    #[test]
    fn message_template_prefers_unformatted() {
        let ev = tree!({"logentry": {"message": "User %s failed", "formatted": "User bob failed"}});
        assert_eq!(message_template(&ev), Some("User %s failed"));
        assert_eq!(message_formatted(&ev), Some("User bob failed"));
        let only_formatted = tree!({"logentry": {"formatted": "hi", "message": ""}});
        assert_eq!(message_template(&only_formatted), Some("hi"));
        let legacy = tree!({"message": "plain"});
        assert_eq!(message_template(&legacy), Some("plain"));
    }

    #[test]
    fn tags_in_every_shape() {
        let pairs = tree!({"tags": [["a", "1"], ["b", 5], ["b", "2"], "junk", [3], ["b", "later"]]});
        let tags = tag_values(&pairs);
        assert_eq!(tags.get("b"), Some(&"2"));
        assert_eq!(tags.get("c"), None);
        assert_eq!(tags.len(), 2);
        assert_eq!(tag_values(&tree!({"tags": {"b": "x", "n": 1}})).into_iter().collect::<Vec<_>>(), [("b", "x")]);
        assert_eq!(tag_values(&tree!({"tags": [{"key": "b", "value": "y"}]})).get("b"), Some(&"y"));
    }

    #[test]
    fn in_app_requires_real_true() {
        assert!(in_app(&tree!({"in_app": true})));
        assert!(!in_app(&tree!({"in_app": "true"})));
        assert!(!in_app(&tree!({})));
    }
}
