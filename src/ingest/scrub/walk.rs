//! The event-level walk: which parts of an event are scrubbed, and how.
//!
//! Contract: [`scrub_root`] visits only the fields Relay marks as PII-bearing (the ones its
//! default `$string || $number || $array || $object` selector reaches) and returns the
//! number of values replaced; any other JSON shape (non-object root, wrong field types) is
//! skipped without panicking.
//!
//! * `extra`, `user`, `server_name`, unknown top-level keys: data bag (key + value rules).
//! * `request`: see `http`.
//! * `contexts`: custom contexts are data bags; `response` is handled like a request; the
//!   typed contexts Sentry knows (`os`, `trace`, `app`, …) are left alone, as in Sentry.
//! * `breadcrumbs`: `message` (full value rules) and `data` (data bag) only.
//! * `exception`, `threads`, `stacktrace`: frame `vars` and mechanism `data` only.
//! * `logentry`: `params` is a data bag, `message` gets pattern rules only, `formatted` is
//!   left alone.
//! * `tags`: key rule + pattern rules. `spans`: span `data` only.
//! * Untouched: ids, timestamps, release, dist, environment, platform, level, logger,
//!   transaction, fingerprint, `sdk`, `debug_meta`, `modules`, … (see `STRUCTURAL`).
//!
//! `logentry.message` is only pattern-scrubbed (Sentry would filter it whole on a keyword):
//! it is the message-grouping input and the issue title, and filtering it whole would merge
//! unrelated message events into one `[Filtered]` issue.

use crate::ingest::tree::{Map, Value};

use super::bag::{filter_value, scrub_bag, scrub_tags, scrub_text};
use super::http;
use super::keys;
use super::values::Tier;

/// Top-level fields that carry no user data and are never scrubbed.
const STRUCTURAL: &[&str] = &[
    "event_id",
    "level",
    "version",
    "type",
    "fingerprint",
    "culprit",
    "transaction",
    "transaction_info",
    "time_spent",
    "message",
    "logger",
    "modules",
    "platform",
    "timestamp",
    "start_timestamp",
    "received",
    "release",
    "dist",
    "environment",
    "site",
    "debug_meta",
    "sdk",
    "ingest_path",
    "errors",
    "key_id",
    "project",
    "grouping_config",
    "checksum",
    "csp",
    "hpkp",
    "expectct",
    "expectstaple",
    "nel",
    "measurements",
    "breakdowns",
    "scraping_attempts",
    "title",
    "location",
    "metadata",
    "hashes",
    "template",
    "_meta",
    "_metrics",
    "_dsc",
];

/// Context types with a fixed schema that Sentry's default scrubbing leaves alone.
const TYPED_CONTEXTS: &[&str] = &[
    "app",
    "browser",
    "device",
    "gpu",
    "monitor",
    "os",
    "runtime",
    "trace",
    "profile",
    "replay",
    "culture",
    "cloud_resource",
    "otel",
    "ota_updates",
    "expo_updates",
    "flags",
    "spring",
    "unity",
    "memory_info",
    "threadpool_info",
    "performance_score",
    "chromium_stability_report",
    "reprocessing",
];

/// Scrubs a whole event; see the module docs.
pub(super) fn scrub_root(event: &mut Value) -> usize {
    let mut n = 0;
    let Value::Object(map) = event else {
        return n;
    };
    for (key, value) in map.iter_mut() {
        let n = &mut n;
        match key {
            "request" => http::scrub_request(value, 1, n),
            "user" => scrub_user(value, n),
            "extra" | "server_name" => scrub_bag(value, 1, n),
            "contexts" => scrub_contexts(value, n),
            "breadcrumbs" => scrub_breadcrumbs(value, n),
            "exception" => for_each_item(value, |item| scrub_exception(item, n)),
            "threads" => for_each_item(value, |item| scrub_thread(item, n)),
            "stacktrace" => scrub_stacktrace(value, 1, n),
            "logentry" => scrub_logentry(value, n),
            "tags" => scrub_tags(value, n),
            "spans" => for_each_item(value, |span| scrub_field(span, "data", 3, n)),
            other if STRUCTURAL.contains(&other) => {}
            other if keys::is_sensitive_key(other) => filter_value(value, n),
            _ => scrub_bag(value, 1, n),
        }
    }
    n
}

/// User interface: the identity fields (`id`, `email`, `username`, `ip_address`, `name`) get
/// the pattern rules only. They identify a person rather than hold a secret, and the keyword
/// rule would turn ids like `auth0|5f8a…` or an address like `author@example.com` into
/// `[Filtered]`, collapsing distinct users into one. Everything else (`data`, `geo`, custom
/// keys) is a data bag.
fn scrub_user(value: &mut Value, n: &mut usize) {
    let Value::Object(user) = value else {
        scrub_bag(value, 1, n);
        return;
    };
    for (key, field) in user.iter_mut() {
        match key {
            "id" | "email" | "username" | "ip_address" | "name" => {
                super::bag::scrub_text(field, super::values::Tier::PatternsOnly, n)
            }
            other if keys::is_sensitive_key(other) => filter_value(field, n),
            _ => scrub_bag(field, 2, n),
        }
    }
}

/// Calls `f` on each object element of `{"values": [...]}` or of a bare list. Depths passed
/// below assume the `{"values": [...]}` form (one level deeper than a bare list), so the cap
/// is reached no later than [`super::bag::MAX_DEPTH`] either way.
fn for_each_item(value: &mut Value, mut f: impl FnMut(&mut Map<'_>)) {
    let items = match value {
        Value::Object(map) => match map.get_mut("values") {
            Some(Value::Array(items)) => items,
            _ => return,
        },
        Value::Array(items) => items,
        _ => return,
    };
    for item in items {
        if let Value::Object(map) = item {
            f(map);
        }
    }
}

/// Scrubs `map[key]` as a data bag at nesting level `depth`.
fn scrub_field(map: &mut Map<'_>, key: &str, depth: usize, n: &mut usize) {
    if let Some(value) = map.get_mut(key) {
        scrub_bag(value, depth, n);
    }
}

fn scrub_contexts(contexts: &mut Value, n: &mut usize) {
    let Value::Object(map) = contexts else {
        return;
    };
    for (name, context) in map.iter_mut() {
        if keys::is_sensitive_key(name) {
            filter_value(context, n);
            continue;
        }
        // The context type is its `type` field, defaulting to the key (as in Sentry).
        let ty = match context.get("type") {
            Some(Value::String(ty)) => ty.as_ref(),
            _ => name,
        };
        let (is_response, is_typed) = (ty == "response", TYPED_CONTEXTS.contains(&ty));
        if is_response {
            http::scrub_response(context, 2, n);
        } else if !is_typed {
            scrub_bag(context, 2, n);
        }
    }
}

fn scrub_breadcrumbs(breadcrumbs: &mut Value, n: &mut usize) {
    for_each_item(breadcrumbs, |crumb| {
        if let Some(message) = crumb.get_mut("message") {
            scrub_text(message, Tier::Full, n);
        }
        scrub_field(crumb, "data", 4, n);
    });
}

fn scrub_exception(exception: &mut Map<'_>, n: &mut usize) {
    for key in ["stacktrace", "raw_stacktrace"] {
        if let Some(stacktrace) = exception.get_mut(key) {
            scrub_stacktrace(stacktrace, 4, n);
        }
    }
    if let Some(Value::Object(mechanism)) = exception.get_mut("mechanism") {
        scrub_field(mechanism, "data", 5, n);
    }
}

fn scrub_thread(thread: &mut Map<'_>, n: &mut usize) {
    for key in ["stacktrace", "raw_stacktrace"] {
        if let Some(stacktrace) = thread.get_mut(key) {
            scrub_stacktrace(stacktrace, 4, n);
        }
    }
}

/// Scrubs the `vars` of every frame of a stacktrace found at nesting level `depth`.
fn scrub_stacktrace(stacktrace: &mut Value, depth: usize, n: &mut usize) {
    let Some(Value::Array(frames)) = stacktrace.get_mut("frames") else {
        return;
    };
    for frame in frames {
        if let Value::Object(frame) = frame {
            scrub_field(frame, "vars", depth + 3, n);
        }
    }
}

fn scrub_logentry(logentry: &mut Value, n: &mut usize) {
    let Value::Object(map) = logentry else {
        return;
    };
    if let Some(message) = map.get_mut("message") {
        scrub_text(message, Tier::PatternsOnly, n);
    }
    scrub_field(map, "params", 2, n);
}
