//! Streamed spans (the `span` envelope item, Span v2: `{"version": 2, "items": [...]}`), which
//! @sentry/node 11 sends by default instead of transactions. Each segment span of the item
//! (`is_segment: true`, a request's root) becomes a transaction, with the spans of the item that
//! name it as their segment (`sentry.segment.id`) as its spans; it then goes through the same
//! checks and detection as a transaction ([`super::prepare`]). Attributes become the span's
//! `data`; the `sentry.*` ones give the op, release, environment, SDK and user. A span whose
//! segment is not in the same item (a request longer than the SDK's five-second flush) cannot
//! be placed and is dropped; a segment sent twice keeps one id, derived from its trace and span
//! ids, so the store keeps it once.

use md5::{Digest, Md5};
use serde_json::{Map, Value, json};

use crate::ingest::IngestError;

/// The span statuses of the transaction protocol (a v2 span says only `ok` or `error`, and may
/// name one of these in `sentry.status.message`).
const STATUSES: [&str; 17] = [
    "ok",
    "deadline_exceeded",
    "unauthenticated",
    "permission_denied",
    "not_found",
    "resource_exhausted",
    "invalid_argument",
    "unimplemented",
    "unavailable",
    "internal_error",
    "unknown_error",
    "cancelled",
    "already_exists",
    "failed_precondition",
    "aborted",
    "out_of_range",
    "data_loss",
];

fn attribute<'a>(span: &'a Value, key: &str) -> Option<&'a Value> {
    span.get("attributes")?.get(key)?.get("value")
}

fn text(span: &Value, key: &str) -> Option<String> {
    attribute(span, key).and_then(Value::as_str).map(str::to_owned)
}

fn status(span: &Value) -> &'static str {
    match span.get("status").and_then(Value::as_str) {
        Some("ok") | None => "ok",
        _ => {
            let named = attribute(span, "sentry.status.message").and_then(Value::as_str);
            STATUSES.iter().find(|s| Some(**s) == named).copied().unwrap_or("unknown_error")
        }
    }
}

/// The span's attributes, without the `sentry.*` ones, as plain values.
fn data(span: &Value) -> Map<String, Value> {
    span.get("attributes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(key, _)| !key.starts_with("sentry."))
        .filter_map(|(key, attr)| Some((key.clone(), attr.get("value")?.clone())))
        .collect()
}

fn child(span: &Value) -> Value {
    json!({
        "span_id": span.get("span_id"),
        "parent_span_id": span.get("parent_span_id"),
        "trace_id": span.get("trace_id"),
        "op": text(span, "sentry.op"),
        "description": span.get("name"),
        "start_timestamp": span.get("start_timestamp"),
        "timestamp": span.get("end_timestamp"),
        "status": status(span),
        "origin": text(span, "sentry.origin"),
        "data": data(span),
    })
}

fn event_id(trace_id: &str, span_id: &str) -> String {
    let mut hasher = Md5::new();
    hasher.update(trace_id.as_bytes());
    hasher.update(b":");
    hasher.update(span_id.as_bytes());
    hex::encode(hasher.finalize())
}

/// The transaction of `segment`, with `spans` under it.
fn transaction(segment: &Value, spans: Vec<Value>) -> Value {
    let trace_id = segment.get("trace_id").and_then(Value::as_str).unwrap_or_default();
    let span_id = segment.get("span_id").and_then(Value::as_str).unwrap_or_default();
    let name =
        text(segment, "sentry.segment.name").or_else(|| segment.get("name").and_then(Value::as_str).map(str::to_owned));
    let sdk = text(segment, "sentry.sdk.name");
    let platform = match sdk.as_deref() {
        Some(name) if name.contains("node") => "node",
        Some(name) if name.contains("javascript") => "javascript",
        Some(name) if name.contains("python") => "python",
        _ => "other",
    };
    let mut user = Map::new();
    for (attribute_key, field) in
        [("user.id", "id"), ("user.email", "email"), ("user.name", "username"), ("user.ip_address", "ip_address")]
    {
        if let Some(value) = text(segment, attribute_key) {
            user.insert(field.into(), json!(value));
        }
    }
    json!({
        "event_id": event_id(trace_id, span_id),
        "type": "transaction",
        "platform": platform,
        "transaction": name,
        "transaction_info": {"source": text(segment, "sentry.span.source")},
        "start_timestamp": segment.get("start_timestamp"),
        "timestamp": segment.get("end_timestamp"),
        "release": text(segment, "sentry.release"),
        "environment": text(segment, "sentry.environment"),
        "user": if user.is_empty() { Value::Null } else { Value::Object(user) },
        "contexts": {"trace": {
            "trace_id": trace_id,
            "span_id": span_id,
            "parent_span_id": segment.get("parent_span_id"),
            "op": text(segment, "sentry.op"),
            "status": status(segment),
            "origin": text(segment, "sentry.origin"),
            "data": data(segment),
        }},
        "sdk": {"name": sdk, "version": text(segment, "sentry.sdk.version")},
        "spans": spans,
    })
}

/// The transactions of one `span` item, as transaction payloads.
pub fn transactions(payload: &[u8]) -> Result<Vec<Vec<u8>>, IngestError> {
    let container: Value = serde_json::from_slice(payload)
        .map_err(|err| IngestError::bad(format!("span item is not valid JSON: {err}")))?;
    let items = match container.get("items").and_then(Value::as_array) {
        Some(items) => items.as_slice(),
        None => return Err(IngestError::bad("span item has no \"items\" list (Span v2)")),
    };
    let mut out = Vec::new();
    let mut placed = 0;
    let segments = items.iter().filter(|s| s.get("is_segment").and_then(Value::as_bool) == Some(true));
    for segment in segments {
        let Some(id) = segment.get("span_id").and_then(Value::as_str).map(str::to_ascii_lowercase) else { continue };
        let spans: Vec<Value> = items
            .iter()
            .filter(|s| s.get("is_segment").and_then(Value::as_bool) != Some(true))
            .filter(|s| text(s, "sentry.segment.id").map(|seg| seg.to_ascii_lowercase()).as_deref() == Some(&id))
            .map(child)
            .collect();
        placed += spans.len() + 1;
        out.push(serde_json::to_vec(&transaction(segment, spans)).unwrap_or_default());
    }
    if placed < items.len() {
        tracing::debug!(spans = items.len() - placed, "streamed spans whose segment was not in their item: dropped");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: &str, parent: Option<&str>, name: &str, op: &str, segment: &str, status: &str) -> Value {
        json!({"name": name, "span_id": id, "trace_id": "81c361c0a55e41789aa1b05c109a5d70", "parent_span_id": parent,
               "start_timestamp": 1796647051.37, "end_timestamp": 1796647051.64, "is_segment": id == segment,
               "status": status, "attributes": {
                   "sentry.op": {"value": op, "type": "string"}, "sentry.segment.id": {"value": segment, "type": "string"},
                   "sentry.segment.name": {"value": "GET /checkout", "type": "string"},
                   "sentry.status.message": {"value": "internal_error", "type": "string"},
                   "sentry.release": {"value": "shop@1.0", "type": "string"},
                   "sentry.environment": {"value": "e2e", "type": "string"},
                   "sentry.sdk.name": {"value": "sentry.javascript.node", "type": "string"},
                   "db.system": {"value": "sqlite", "type": "string"}}})
    }

    #[test]
    fn each_segment_becomes_a_transaction_with_its_spans() {
        let root = "b687d5e04f77531b";
        let items = json!({"version": 2, "items": [
            span("b099f32436a3d0bc", Some(root), "SELECT 1", "db", root, "ok"),
            span(root, None, "GET /checkout", "http.server", root, "error"),
            span("c099f32436a3d0bc", Some("ffffffffffffffff"), "elsewhere", "db", "eeeeeeeeeeeeeeee", "ok"),
        ]});
        let out = transactions(items.to_string().as_bytes()).unwrap();
        assert_eq!(out.len(), 1);
        let t: Value = serde_json::from_slice(&out[0]).unwrap();
        assert_eq!(
            (t["transaction"].as_str(), t["contexts"]["trace"]["op"].as_str()),
            (Some("GET /checkout"), Some("http.server"))
        );
        assert_eq!(t["contexts"]["trace"]["status"], "internal_error");
        assert_eq!(
            (t["release"].as_str(), t["environment"].as_str(), t["platform"].as_str()),
            (Some("shop@1.0"), Some("e2e"), Some("node"))
        );
        assert_eq!(t["spans"].as_array().unwrap().len(), 1, "the span of another segment is not placed");
        assert_eq!(t["spans"][0]["op"], "db");
        assert_eq!(t["spans"][0]["data"]["db.system"], "sqlite");
        assert_eq!(t["event_id"].as_str().unwrap().len(), 32);
        let again = transactions(items.to_string().as_bytes()).unwrap();
        assert_eq!(again, out, "the same segment keeps its id");
        assert!(transactions(b"{\"version\": 2}").is_err());
        assert!(transactions(b"not json").is_err());
    }
}
