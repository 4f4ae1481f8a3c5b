//! A transaction's spans, checked: each span is read into a typed [`Span`] or dropped with a
//! reason (not an object, no valid `span_id`, a `span_id` seen before, no start or end, an end
//! before its start). Parents that would close a cycle are cut, and the span re-hung under the
//! transaction's root span, so every stored tree is a tree. Reasons are kept in the event's
//! `errors`, as Relay records what it changed, and capped so a pathological transaction cannot
//! grow them without bound. Everything is linear in the number of spans.

use std::collections::HashMap;

use crate::ingest::normalize::time;
use crate::ingest::tree::{Map, Value};

/// Reasons kept per transaction; the rest are counted in one more entry.
const MAX_NOTES: usize = 20;

/// A checked span.
#[derive(Debug, Clone, PartialEq)]
pub struct Span<'a> {
    pub span_id: String,
    /// `None` when the span named no parent (it hangs under the transaction).
    pub parent_span_id: Option<String>,
    pub op: Option<String>,
    pub description: Option<String>,
    /// Unix seconds.
    pub start: f64,
    pub end: f64,
    pub status: Option<String>,
    /// The span's other fields (`data`, `tags`, `origin`, ...), kept as sent.
    pub rest: Map<'a>,
    /// Sentry's span hash: what the detectors compare (see [`super::detect::span_hash`]).
    pub hash: String,
}

impl Span<'_> {
    pub fn duration_ms(&self) -> f64 {
        (self.end - self.start) * 1000.0
    }
}

/// Why spans were dropped or changed, for the event's `errors`.
#[derive(Debug, Default)]
pub struct Notes {
    entries: Vec<(String, String)>,
    more: usize,
}

impl Notes {
    pub fn add(&mut self, name: String, reason: impl Into<String>) {
        if self.entries.len() < MAX_NOTES {
            self.entries.push((name, reason.into()));
        } else {
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Relay-style entries: `{"type": "invalid_data", "name": "spans.3", "reason": ...}`.
    pub fn into_errors(self) -> Vec<Value<'static>> {
        let mut errors: Vec<Value<'static>> = self
            .entries
            .into_iter()
            .map(|(name, reason)| {
                Value::Object(Map::from_iter([
                    ("type", Value::from("invalid_data")),
                    ("name", Value::from(name)),
                    ("reason", Value::from(reason)),
                ]))
            })
            .collect();
        if self.more > 0 {
            errors.push(Value::Object(Map::from_iter([
                ("type", Value::from("invalid_data")),
                ("name", Value::from("spans")),
                ("reason", Value::from(format!("{} more spans dropped or changed", self.more))),
            ])));
        }
        errors
    }
}

/// A span or trace id: `len` hex digits (dashes allowed, as in UUIDs), lowercased; all zeros
/// is no id.
pub fn hex_id(value: Option<&Value<'_>>, len: usize) -> Option<String> {
    let text = value?.as_str()?;
    let id: String = text.chars().filter(|c| *c != '-').map(|c| c.to_ascii_lowercase()).collect();
    (id.len() == len && id.bytes().all(|b| b.is_ascii_hexdigit()) && id.bytes().any(|b| b != b'0')).then_some(id)
}

fn text(map: &Map<'_>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// Reads and checks `spans` (shifted by `shift` seconds, as the transaction's own times were),
/// for the transaction whose root span is `root`.
pub fn spans<'a>(spans: Vec<Value<'a>>, root: &str, shift: f64, notes: &mut Notes) -> Vec<Span<'a>> {
    let mut out: Vec<Span<'a>> = Vec::with_capacity(spans.len());
    let mut seen: HashMap<String, ()> = HashMap::with_capacity(spans.len());
    for (index, value) in spans.into_iter().enumerate() {
        let name = format!("spans.{index}");
        let Value::Object(mut map) = value else {
            notes.add(name, "not an object: dropped");
            continue;
        };
        let Some(span_id) = hex_id(map.get("span_id"), 16) else {
            notes.add(name, "no span_id of 16 hex digits: dropped");
            continue;
        };
        if span_id == root || seen.contains_key(&span_id) {
            notes.add(name, format!("span_id {span_id} is used twice: dropped"));
            continue;
        }
        let times =
            (map.get("start_timestamp").and_then(time::parse_value), map.get("timestamp").and_then(time::parse_value));
        let (start, end) = match times {
            (Some(start), Some(end)) => (start + shift, end + shift),
            _ => {
                notes.add(name, "no start_timestamp or timestamp: dropped");
                continue;
            }
        };
        if end < start {
            notes.add(name, format!("ends {:.3} ms before it starts: dropped", (start - end) * 1000.0));
            continue;
        }
        let parent_span_id = hex_id(map.get("parent_span_id"), 16).filter(|parent| *parent != span_id);
        let (op, description, status) = (text(&map, "op"), text(&map, "description"), text(&map, "status"));
        for key in ["span_id", "parent_span_id", "trace_id", "op", "description", "start_timestamp", "timestamp"] {
            map.remove(key);
        }
        map.remove("status");
        map.remove("hash");
        seen.insert(span_id.clone(), ());
        let hash = super::detect::span_hash(op.as_deref(), description.as_deref());
        out.push(Span { span_id, parent_span_id, op, description, start, end, status, rest: map, hash });
    }
    break_cycles(&mut out, root, notes);
    out
}

/// Re-hangs under `root` every span whose parent chain comes back to itself.
fn break_cycles(spans: &mut [Span<'_>], root: &str, notes: &mut Notes) {
    let index: HashMap<&str, usize> = spans.iter().enumerate().map(|(i, s)| (s.span_id.as_str(), i)).collect();
    let parents: Vec<Option<usize>> =
        spans.iter().map(|s| s.parent_span_id.as_deref().and_then(|p| index.get(p).copied())).collect();
    drop(index);
    // 0: not yet seen, 1: on the walk now, 2: known to reach the root or an unknown parent.
    let mut state = vec![0u8; spans.len()];
    let mut cut = Vec::new();
    for first in 0..spans.len() {
        let mut walk = Vec::new();
        let mut at = Some(first);
        while let Some(i) = at {
            match state[i] {
                2 => break,
                1 => {
                    // The walk came back to `i`: cut the link that closed the loop.
                    if let Some(&last) = walk.last() {
                        cut.push(last);
                    }
                    break;
                }
                _ => {
                    state[i] = 1;
                    walk.push(i);
                    at = parents[i];
                }
            }
        }
        for i in walk {
            state[i] = 2;
        }
    }
    for i in cut {
        let span = &mut spans[i];
        notes.add(
            format!("spans.{}", span.span_id),
            format!(
                "parent_span_id {} makes a cycle: hung under the transaction",
                span.parent_span_id.as_deref().unwrap_or("")
            ),
        );
        span.parent_span_id = Some(root.to_string());
    }
}

#[cfg(test)]
mod tests;
