//! Behaviour tests for the scrubber, grouped by concept (scanner, value rules, HTTP data,
//! event walk, per-field treatment, a realistic full event). Unit tests of pure helpers live
//! next to them (`keys`, `checks`).
//! Helpers here avoid `unwrap`: a missing path reads as JSON `null`.

mod event;
mod fields;
mod http;
mod realistic;
mod scan;
mod values;

use serde_json::Value;

use super::scrub_event;

/// Scrubs a copy of `event`; returns the result and the reported count.
fn scrubbed(event: &Value) -> (Value, usize) {
    let mut copy = crate::ingest::tree::Value::from(event);
    let count = scrub_event(&mut copy);
    (Value::from(copy), count)
}

/// The value at JSON pointer `path`, or `null` when absent.
fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    value.pointer(path).unwrap_or(&Value::Null)
}
