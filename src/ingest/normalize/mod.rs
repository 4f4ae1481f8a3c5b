//! Event normalization, after Relay's store normalization: the event id (the envelope header
//! wins), timestamps with clock-drift correction, defaults for level, platform and environment,
//! every accepted interface shape brought to one form ([`shapes`]), and oversized data trimmed
//! with a record in `_meta` ([`trim`]). The result is the shape grouping, scrubbing and the
//! store rely on. A payload is rejected only when it is not UTF-8, not a JSON object, or has an
//! invalid `event_id`; the error says where.

pub mod shapes;
pub mod time;
pub mod trim;

use super::tree::{self, Map, Value, first_chars, narrow};

use super::envelope::normalize_event_id;
use super::error::IngestError;

/// What normalization needs besides the payload.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The envelope header's event id, which overrides the payload's.
    pub event_id: Option<String>,
    /// The envelope's `sent_at`, for clock-drift correction.
    pub sent_at: Option<f64>,
    /// Arrival time (unix seconds).
    pub received: f64,
    /// The client's address, for `{{auto}}` user IPs.
    pub client_ip: Option<String>,
    /// The item is a transaction rather than an error event.
    pub transaction: bool,
}

/// Parses and normalizes an event payload.
pub fn normalize<'a>(payload: &'a [u8], ctx: &Context) -> Result<Map<'a>, IngestError> {
    let what = if ctx.transaction { "transaction" } else { "event" };
    // One UTF-8 check of the whole payload, so the parser reads it as text and does not
    // re-check every string it meets (3% of the server's instructions per event).
    let text = std::str::from_utf8(payload).map_err(|err| {
        let (line, column) = position(payload, err.valid_up_to());
        IngestError::bad(format!("{what} payload is not valid UTF-8 (line {line}, column {column})"))
    })?;
    let mut event = match tree::parse(text) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(IngestError::bad(format!("{what} payload must be a JSON object"))),
        Err(err) => {
            return Err(IngestError::bad(format!(
                "{what} payload is not valid JSON (line {}, column {}): {err}",
                err.line(),
                err.column()
            )));
        }
    };
    let mut errors: Vec<Value<'a>> = Vec::new();

    let event_id = match (&ctx.event_id, event.get("event_id")) {
        (Some(id), _) => id.clone(),
        (None, Some(Value::String(id))) => normalize_event_id(id).ok_or_else(|| {
            IngestError::bad(format!("{what} payload: invalid event_id {id:?}: expected 32 hex digits or a UUID"))
        })?,
        _ => uuid::Uuid::new_v4().simple().to_string(),
    };
    event.insert("event_id", Value::from(event_id));

    let drift = time::drift(ctx.sent_at, ctx.received);
    if drift != 0.0 {
        errors.push(Value::Object(Map::from_iter([
            ("type", Value::from("clock_drift")),
            ("sdk_time", Value::from(ctx.sent_at)),
            ("server_time", Value::from(ctx.received)),
        ])));
    }
    if ctx.transaction && event.get("timestamp").and_then(time::parse_value).is_none() {
        // A transaction's end is not guessed: the arrival time would make up its duration.
        errors.push(Value::Object(Map::from_iter([
            ("type", Value::from("missing_attribute")),
            ("name", Value::from("timestamp")),
        ])));
    }
    let (timestamp, problem) = time::correct(event.get("timestamp").and_then(time::parse_value), drift, ctx.received);
    if let Some(problem) = problem {
        let value = event.get("timestamp").cloned().unwrap_or_default();
        errors.push(Value::Object(Map::from_iter([
            ("type", Value::from(problem)),
            ("name", Value::from("timestamp")),
            ("value", value),
        ])));
    }
    event.insert("timestamp", Value::from(timestamp));
    if let Some(start) = event.get("start_timestamp").and_then(time::parse_value) {
        event.insert("start_timestamp", Value::from(start + drift));
    }
    event.insert("received", Value::from(ctx.received));

    let level = match event.get("level") {
        Some(Value::String(level)) => shapes::normalize_level(level),
        _ if ctx.transaction => "info",
        _ => "error",
    };
    event.insert("level", level.into());

    if !event.get("platform").and_then(Value::as_str).is_some_and(valid_platform) {
        event.insert("platform", Value::from("other"));
    }

    for field in ["release", "dist", "environment", "logger", "transaction", "server_name", "culprit"] {
        match event.get_mut(field) {
            Some(Value::String(text)) if !text.trim().is_empty() => {
                *text = narrow(std::mem::take(text), |t| first_chars(t.trim(), 200));
            }
            Some(value @ Value::Number(_)) if matches!(field, "release" | "dist") => {
                *value = Value::from(value.to_string());
            }
            _ => {
                event.remove(field);
            }
        }
    }

    shapes::stacktraces(&mut event);
    shapes::logentry(&mut event);
    shapes::breadcrumbs(&mut event, drift);
    shapes::request(&mut event);
    shapes::tags(&mut event);
    shapes::user(&mut event, ctx.client_ip.as_deref());
    shapes::fingerprint(&mut event);
    if !event.contains_key("environment") {
        event.insert("environment", "production".into());
    }
    for field in ["contexts", "extra", "sdk", "modules"] {
        if event.get(field).is_some_and(|v| !v.is_object()) {
            event.remove(field);
        }
    }
    let event_type = if ctx.transaction {
        "transaction"
    } else if event.contains_key("exception") {
        "error"
    } else {
        "default"
    };
    event.insert("type", event_type.into());
    if !errors.is_empty() {
        event.insert("errors", Value::Array(errors));
    }
    trim::trim(&mut event);
    Ok(event)
}

/// Line and column (both from 1, the column in bytes) of byte `offset` in `bytes`.
fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (before.iter().filter(|&&b| b == b'\n').count() + 1, before.len() - line_start + 1)
}

fn valid_platform(platform: &str) -> bool {
    !platform.is_empty()
        && platform.len() <= 64
        && platform.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests;
