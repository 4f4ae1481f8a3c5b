//! Generic scrubbing of free-form data ("data bags") and of single values.
//!
//! Contract: every function adds the number of values it replaced to `n` and never panics.
//! * [`filter_value`] replaces one value whose key was sensitive: strings (unless exempt, see
//!   [`values::is_exempt`]), numbers, objects and arrays become `[Filtered]`; booleans and
//!   nulls are kept, as in Relay (they carry no secret).
//! * [`scrub_bag`] walks arbitrary JSON with the key rule on object keys and on the first
//!   element of any two-element array whose first element is a string (Relay treats those as
//!   `[key, value]` pairs), and the full value rules on strings.
//! * [`scrub_tags`] handles `tags` (pairs or object): key rule plus pattern rules only.
//! * [`scrub_text`] applies the value rules of a tier to one string value.
//!
//! Depth: `depth` is the nesting level of `value` below the event root. A container at
//! [`MAX_DEPTH`] or deeper is replaced whole instead of being walked: recursion stays bounded
//! (no stack overflow on hostile input), and data we did not inspect is not kept (fail
//! closed). Sentry itself trims data bags far shallower than this, so nothing legitimate is
//! lost. Replaced containers are dropped iteratively, so even a subtree nested thousands of
//! levels deep is released without deep recursion.

use crate::ingest::tree::Value;

use super::FILTERED;
use super::keys;
use super::values::{self, Tier};

/// Containers at this nesting level (root = 0) or deeper are filtered without inspection.
pub(super) const MAX_DEPTH: usize = 64;

/// Replaces a value stored under a sensitive key.
pub(super) fn filter_value(value: &mut Value, n: &mut usize) {
    let replace = match value {
        Value::String(s) => !values::is_exempt(s),
        Value::Number(_) | Value::Array(_) | Value::Object(_) => true,
        Value::Bool(_) | Value::Null => false,
    };
    if replace {
        let old = std::mem::replace(value, Value::from(FILTERED));
        drop_iteratively(old);
        *n += 1;
    }
}

/// Drops a value without recursion: a container replaced at the depth cap may be nested far
/// deeper than the stack allows `Value`'s recursive destructor to go.
fn drop_iteratively(value: Value) {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => pending.extend(map.into_iter().map(|(_, v)| v)),
            Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null => {}
        }
    }
}

/// Applies the value rules of `tier` if `value` is a string; other types are left alone.
pub(super) fn scrub_text(value: &mut Value, tier: Tier, n: &mut usize) {
    if let Value::String(s) = value
        && let Some(new) = values::scrubbed(s, tier)
    {
        *s = new.into();
        *n += 1;
    }
}

/// Walks free-form data with the key rule and the full value rules.
pub(super) fn scrub_bag(value: &mut Value, depth: usize, n: &mut usize) {
    match value {
        Value::String(_) => scrub_text(value, Tier::Full, n),
        Value::Array(_) | Value::Object(_) if depth >= MAX_DEPTH => filter_value(value, n),
        Value::Array(items) => {
            if let [Value::String(key), item] = items.as_mut_slice()
                && keys::is_sensitive_key(key)
            {
                let before = *n;
                filter_value(item, n);
                if *n > before {
                    return;
                }
            }
            for item in items {
                scrub_bag(item, depth + 1, n);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if keys::is_sensitive_key(key) {
                    filter_value(item, n);
                } else {
                    scrub_bag(item, depth + 1, n);
                }
            }
        }
        Value::Number(_) | Value::Bool(_) | Value::Null => {}
    }
}

/// Scrubs `tags`: pairs `[key, value]` or an object. Key rule, then pattern rules only.
pub(super) fn scrub_tags(tags: &mut Value, n: &mut usize) {
    let mut entry = |key: &str, value: &mut Value| {
        if keys::is_sensitive_key(key) {
            filter_value(value, n);
        } else {
            scrub_text(value, Tier::PatternsOnly, n);
        }
    };
    match tags {
        Value::Array(pairs) => {
            for pair in pairs {
                if let Value::Array(kv) = pair
                    && let [Value::String(key), value, ..] = kv.as_mut_slice()
                {
                    entry(key, value);
                }
            }
        }
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                entry(key, value);
            }
        }
        _ => {}
    }
}
