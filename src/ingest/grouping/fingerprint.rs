//! Custom fingerprints (PROTOCOL E.5): parsing `event.fingerprint` and resolving its variables.
//!
//! Contract: [`resolve`] classifies the event's fingerprint as
//! * [`Fingerprint::Default`] — absent, not a list, empty, or consisting only of `{{ default }}`;
//! * [`Fingerprint::Hybrid`] — contains `{{ default }}`: the other entries, resolved;
//! * [`Fingerprint::Custom`] — no `{{ default }}`: every entry, resolved.
//!
//! An entry that is exactly `{{ name }}` (inner whitespace optional, name case-insensitive) is a
//! variable; any other entry is a literal. Unknown variables stay literal. Resolved values are
//! returned as `fingerprint` components in their original order. Non-string entries: numbers
//! and booleans are used as their JSON text, anything else is skipped.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::ingest::tree::Value;

use super::access::{event_platform, exceptions, message_formatted, non_empty, tag_values};
use super::frames::crash_frame;
use super::hash::{Component, comp};

#[allow(clippy::expect_used, reason = "static pattern, covered by tests")]
static VARIABLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}$").expect("valid regex"));

/// How an event's fingerprint asks to be grouped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fingerprint {
    Default,
    Hybrid(Vec<Component>),
    Custom(Vec<Component>),
}

/// The variable name of an entry like `{{ tags.server }}`, if it is one.
fn variable(entry: &str) -> Option<&str> {
    VARIABLE.captures(entry)?.get(1).map(|m| m.as_str())
}

/// What variables read, found once per event however many entries use them: a fingerprint of
/// n variables over n tags costs n log n, not n².
struct Facts<'e> {
    event: &'e Value<'e>,
    last_exc: Option<&'e Value<'e>>,
    frame: Option<&'e Value<'e>>,
    tags: BTreeMap<&'e str, &'e str>,
}

impl<'e> Facts<'e> {
    fn of(event: &'e Value<'e>) -> Self {
        Facts {
            event,
            last_exc: exceptions(event).last().copied(),
            frame: crash_frame(event, event_platform(event)),
            tags: tag_values(event),
        }
    }
}

/// Resolves one variable; `None` for names this implementation does not know.
fn resolve_variable(facts: &Facts<'_>, name: &str) -> Option<String> {
    let Facts { event, last_exc, frame, tags } = facts;
    let from_frame = |key: &str, missing: &str| frame.and_then(|f| non_empty(f, key)).unwrap_or(missing).to_owned();
    let lower = name.to_ascii_lowercase();
    let value = match lower.as_str() {
        "transaction" => non_empty(event, "transaction").unwrap_or("<no-transaction>").to_owned(),
        "message" => message_formatted(event)
            .or_else(|| last_exc.and_then(|e| non_empty(e, "value")))
            .unwrap_or("<no-message>")
            .to_owned(),
        "type" | "error.type" => last_exc.and_then(|e| non_empty(e, "type")).unwrap_or("<no-type>").to_owned(),
        "value" | "error.value" => last_exc.and_then(|e| non_empty(e, "value")).unwrap_or("<no-value>").to_owned(),
        "function" | "stack.function" => from_frame("function", "<no-function>"),
        "module" | "stack.module" => from_frame("module", "<no-module>"),
        "package" | "stack.package" => from_frame("package", "<no-package>"),
        "level" => non_empty(event, "level").unwrap_or("<no-level>").to_owned(),
        "logger" => non_empty(event, "logger").unwrap_or("<no-logger>").to_owned(),
        _ if lower.starts_with("tags.") => {
            let tag = &name["tags.".len()..];
            tags.get(tag).map(|v| (*v).to_owned()).unwrap_or_else(|| format!("<no-value-for-tag-{tag}>"))
        }
        _ => return None,
    };
    Some(value)
}

/// Classifies and resolves `event.fingerprint`.
pub(super) fn resolve(event: &Value) -> Fingerprint {
    let Some(list) = event.get("fingerprint").and_then(Value::as_array) else {
        return Fingerprint::Default;
    };
    let entries: Vec<String> = list
        .iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.to_string()),
            Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
            _ => None,
        })
        .collect();
    let mut has_default = false;
    let mut extra = Vec::new();
    let mut facts = None;
    for entry in &entries {
        match variable(entry) {
            Some(name) if name.eq_ignore_ascii_case("default") => has_default = true,
            Some(name) => {
                let facts = facts.get_or_insert_with(|| Facts::of(event));
                let resolved = resolve_variable(facts, name).unwrap_or_else(|| entry.clone());
                extra.push(comp("fingerprint", resolved));
            }
            None => extra.push(comp("fingerprint", entry.as_str())),
        }
    }
    // An empty `extra` means the list was empty or held only `{{ default }}` entries.
    if extra.is_empty() {
        Fingerprint::Default
    } else if has_default {
        Fingerprint::Hybrid(extra)
    } else {
        Fingerprint::Custom(extra)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::tree::tree;

    fn values(fp: &Fingerprint) -> Vec<String> {
        match fp {
            Fingerprint::Default => Vec::new(),
            Fingerprint::Hybrid(v) | Fingerprint::Custom(v) => v.iter().map(|c| c.value.clone()).collect(),
        }
    }

    #[test]
    fn absent_empty_or_default_only_is_default() {
        for fp in [
            tree!(null),
            tree!("x"),
            tree!([]),
            tree!(["{{ default }}"]),
            tree!(["{{default}}", "{{  DEFAULT }}"]),
            tree!([null, {}]),
        ] {
            assert_eq!(resolve(&tree!({"fingerprint": fp})), Fingerprint::Default, "{fp}");
        }
        assert_eq!(resolve(&tree!({})), Fingerprint::Default);
    }

    #[test]
    fn many_tag_variables_over_many_tags() {
        // 50,000 variables over 50,000 tags: a scan of the tags per variable would take minutes.
        let n = 50_000;
        let tags: Vec<serde_json::Value> =
            (0..n).map(|i| serde_json::json!([format!("k{i}"), format!("v{i}")])).collect();
        let fingerprint: Vec<String> = (0..n).rev().map(|i| format!("{{{{ tags.k{i} }}}}")).collect();
        let fp = resolve(&tree!({"tags": tags, "fingerprint": fingerprint}));
        let got = values(&fp);
        assert_eq!(got.len(), n);
        assert_eq!((got[0].as_str(), got[n - 1].as_str()), ("v49999", "v0"));
        let missing = resolve(&tree!({"tags": [["a", "1"]], "fingerprint": ["{{ tags.b }}", "{{ tags.a }}"]}));
        assert_eq!(values(&missing), ["<no-value-for-tag-b>", "1"]);
    }

    #[test]
    fn hybrid_and_custom() {
        let hybrid = resolve(&tree!({"fingerprint": ["{{ default }}", "db-timeout"]}));
        assert!(matches!(hybrid, Fingerprint::Hybrid(_)));
        assert_eq!(values(&hybrid), ["db-timeout"]);
        let custom = resolve(&tree!({"fingerprint": ["a", 5, true, null]}));
        assert!(matches!(custom, Fingerprint::Custom(_)));
        assert_eq!(values(&custom), ["a", "5", "true"]);
    }

    #[test]
    fn whitespace_inside_braces_is_tolerated() {
        let ev = tree!({"transaction": "/api", "fingerprint": ["{{transaction}}", "{{   transaction   }}", "{{ Transaction }}"]});
        assert_eq!(values(&resolve(&ev)), ["/api", "/api", "/api"]);
    }

    #[test]
    fn every_variable_resolves() {
        let ev = tree!({
            "transaction": "GET /users", "level": "error", "logger": "app.db",
            "tags": [["server", "web-1"]],
            "logentry": {"formatted": "formatted msg"},
            "exception": {"values": [{"type": "Old", "value": "old"}, {"type": "DbError", "value": "timeout",
                "stacktrace": {"frames": [{"function": "q", "module": "app.db", "package": "app", "in_app": true}]}}]},
            "fingerprint": ["{{ transaction }}", "{{ message }}", "{{ type }}", "{{ error.type }}", "{{ value }}",
                "{{ error.value }}", "{{ function }}", "{{ stack.function }}", "{{ module }}", "{{ stack.module }}",
                "{{ package }}", "{{ level }}", "{{ logger }}", "{{ tags.server }}", "{{ unknown }}", "lit {{ type }}"]
        });
        assert_eq!(
            values(&resolve(&ev)),
            [
                "GET /users",
                "formatted msg",
                "DbError",
                "DbError",
                "timeout",
                "timeout",
                "q",
                "q",
                "app.db",
                "app.db",
                "app",
                "error",
                "app.db",
                "web-1",
                "{{ unknown }}",
                "lit {{ type }}"
            ]
        );
    }

    #[test]
    fn missing_values_get_placeholders() {
        let ev = tree!({"fingerprint": ["{{ transaction }}", "{{ message }}", "{{ type }}", "{{ value }}",
            "{{ function }}", "{{ module }}", "{{ package }}", "{{ level }}", "{{ logger }}", "{{ tags.Missing }}"]});
        assert_eq!(
            values(&resolve(&ev)),
            [
                "<no-transaction>",
                "<no-message>",
                "<no-type>",
                "<no-value>",
                "<no-function>",
                "<no-module>",
                "<no-package>",
                "<no-level>",
                "<no-logger>",
                "<no-value-for-tag-Missing>"
            ]
        );
    }

    #[test]
    fn message_falls_back_to_exception_value() {
        let ev = tree!({"exception": {"values": [{"type": "E", "value": "v"}]}, "fingerprint": ["{{ message }}"]});
        assert_eq!(values(&resolve(&ev)), ["v"]);
        let ev = tree!({"logentry": {"message": "tmpl %s"}, "fingerprint": ["{{ message }}"]});
        assert_eq!(values(&resolve(&ev)), ["tmpl %s"]);
    }
}
