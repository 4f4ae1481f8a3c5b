//! Transactions: the `transaction` envelope item in, a [`NewTransaction`] and the occurrences of
//! its performance issues out. After the usual normalization (and scrubbing), the transaction
//! must carry what Relay requires: a start and an end, the end not before the start, and a
//! trace context with a trace id and a span id. Those missing are refused with the reason
//! (400). Its spans are checked one by one ([`check`]): bad spans are dropped and cycles cut,
//! each noted in the event's `errors`, so the stored spans always form a tree. The spans are
//! then searched for performance problems ([`detect`]), and each problem becomes an event of
//! its own issue ([`occurrence`]), grouped by the problem's fingerprint, which joins the usual
//! triage lifecycle. Pure CPU work, linear in the number of spans.

pub mod check;
pub mod detect;
mod occurrence;
pub mod stream;

use super::normalize::{self, Context, time};
use super::tree::{Map, Value};
use super::{IngestError, Request, scrub};
use crate::config::Limits;
use crate::store::transactions::NewTransaction;
use crate::store::{NewEvent, codec};

/// The name Sentry gives a transaction that has none.
pub const UNLABELED: &str = "<unlabeled transaction>";

/// The trace an event belongs to: `contexts.trace.trace_id` as 32 hex digits.
pub fn trace_id(event: &Map<'_>) -> Option<String> {
    check::hex_id(event.get("contexts")?.get("trace")?.get("trace_id"), 32)
}

/// A prepared transaction and the occurrences of the problems found in it.
#[derive(Debug)]
pub struct PreparedTransaction {
    pub transaction: NewTransaction,
    pub occurrences: Vec<NewEvent>,
}

fn refuse(reason: &str) -> IngestError {
    IngestError::bad(format!("transaction refused: {reason}"))
}

/// Prepares one transaction payload.
pub fn prepare(
    payload: &[u8],
    ctx: &Context,
    req: &Request,
    limits: &Limits,
) -> Result<PreparedTransaction, IngestError> {
    let mut event = normalize::normalize(payload, ctx)?;
    let errors = event.get("errors").and_then(Value::as_array).cloned().unwrap_or_default();
    let error_named = |kind: &str| {
        errors.iter().find(|e| {
            e.get("type").and_then(Value::as_str) == Some(kind)
                && e.get("name").and_then(Value::as_str) == Some("timestamp")
        })
    };
    if error_named("missing_attribute").is_some() {
        return Err(refuse("it has no timestamp (its end)"));
    }
    let end = event.get("timestamp").and_then(Value::as_f64).unwrap_or(ctx.received);
    // A start the normalizer could not read (text, a negative or endless number) stayed as sent.
    let mut start = event
        .get("start_timestamp")
        .and_then(time::parse_value)
        .ok_or_else(|| refuse("it has no start_timestamp of a valid time"))?;
    // Times the normalizer moved (a clock in the future or long past) move the start and the
    // spans by as much, after the clock drift every client time gets.
    let replaced = ["future_timestamp", "past_timestamp"]
        .iter()
        .find_map(|kind| error_named(kind))
        .and_then(|e| e.get("value"))
        .and_then(time::parse_value)
        .map(|original| end - (original + time::drift(ctx.sent_at, ctx.received)));
    let shift = time::drift(ctx.sent_at, ctx.received) + replaced.unwrap_or(0.0);
    if let Some(moved) = replaced {
        start += moved;
        event.insert("start_timestamp", Value::from(start));
    }
    if end < start {
        return Err(refuse(&format!("its timestamp is {:.3} ms before its start_timestamp", (start - end) * 1000.0)));
    }
    let trace = event.get("contexts").and_then(|c| c.get("trace")).and_then(Value::as_object);
    let trace_id = trace_id(&event).ok_or_else(|| refuse("contexts.trace.trace_id is missing or not 32 hex digits"))?;
    let span_id = check::hex_id(trace.and_then(|t| t.get("span_id")), 16)
        .ok_or_else(|| refuse("contexts.trace.span_id is missing or not 16 hex digits"))?;
    let parent_span_id = check::hex_id(trace.and_then(|t| t.get("parent_span_id")), 16);
    let text =
        |map: Option<&Map<'_>>, key: &str| map.and_then(|m| m.get(key)).and_then(Value::as_str).map(str::to_owned);
    let op = text(trace, "op");
    let status = text(trace, "status").unwrap_or_else(|| "unknown".into());
    let name = text(Some(&event), "transaction").unwrap_or_else(|| UNLABELED.to_string());

    if req.scrub {
        let mut value = Value::Object(event);
        scrub::scrub_event(&mut value);
        let Value::Object(scrubbed) = value else { return Err(refuse("it is not a JSON object")) };
        event = scrubbed;
    }
    let raw_spans = match event.remove("spans") {
        Some(Value::Array(list)) => list,
        _ => Vec::new(),
    };
    let mut notes = check::Notes::default();
    let spans = check::spans(raw_spans, &span_id, shift, &mut notes);
    let problems = detect::problems(&spans, &span_id, op.as_deref(), &req.performance);
    event.insert("spans", Value::Array(spans.iter().map(|s| span_value(s, &trace_id)).collect()));
    if !notes.is_empty() {
        let mut all = errors;
        all.extend(notes.into_errors());
        event.insert("errors", Value::Array(all));
    }
    let user_key = super::prepare::user_key(&event);
    let occurrences = occurrence::build(&event, &problems, req, ctx, &trace_id, user_key.as_deref(), limits)?;
    let json = serde_json::to_vec(&event).map_err(|err| refuse(&format!("it cannot be serialized: {err}")))?;
    if json.len() > limits.max_event {
        return Err(IngestError::TooLarge(format!(
            "the transaction is {} bytes with {} spans, over the limit of {} bytes",
            json.len(),
            spans.len(),
            limits.max_event
        )));
    }
    let transaction = NewTransaction {
        project_id: req.project_id,
        event_id: event.get("event_id").and_then(Value::as_str).unwrap_or_default().to_string(),
        trace_id,
        span_id,
        parent_span_id,
        name,
        op,
        status,
        environment: text(Some(&event), "environment"),
        release: text(Some(&event), "release"),
        user_key,
        start,
        duration_ms: (end - start) * 1000.0,
        received: ctx.received,
        span_count: spans.len(),
        size: json.len(),
        data: codec::encode(&json).map_err(|err| IngestError::Unavailable(format!("compression failed: {err}")))?,
    };
    Ok(PreparedTransaction { transaction, occurrences })
}

/// A checked span as it is stored.
fn span_value<'a>(span: &check::Span<'a>, trace_id: &str) -> Value<'a> {
    let mut map = Map::new();
    map.push_new("span_id", Value::from(span.span_id.clone()));
    map.push_new("parent_span_id", Value::from(span.parent_span_id.clone()));
    map.push_new("trace_id", Value::from(trace_id.to_string()));
    map.push_new("op", Value::from(span.op.clone()));
    map.push_new("description", Value::from(span.description.clone()));
    map.push_new("start_timestamp", Value::from(span.start));
    map.push_new("timestamp", Value::from(span.end));
    map.push_new("status", Value::from(span.status.clone()));
    map.push_new("hash", Value::from(span.hash.clone()));
    for (key, value) in span.rest.iter() {
        if !map.contains_key(key) {
            map.push_new(key.to_string(), value.clone());
        }
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests;
