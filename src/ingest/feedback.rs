//! User feedback items into feedback records. The `feedback` item is an event (normalized and
//! scrubbed like any) whose `contexts.feedback` carries `message`, `contact_email`, `name`,
//! `url` and `associated_event_id`; the legacy `user_report` is `{event_id, name, email,
//! comments}`, where a missing or null field reads as empty. The whole feedback event is kept
//! compressed beside the record, for its tags and contexts.

use super::envelope::normalize_event_id;
use super::normalize::{self, Context};
use super::tree::{self, Value};
use super::{IngestError, Request, scrub};
use crate::config::Limits;
use crate::store::{NewFeedback, codec};

/// A `feedback` item: an event with a `contexts.feedback` message.
pub fn from_event(payload: &[u8], ctx: &Context, req: &Request, limits: &Limits) -> Result<NewFeedback, IngestError> {
    let mut event = Value::Object(normalize::normalize(payload, ctx)?);
    if req.scrub {
        scrub::scrub_event(&mut event);
    }
    let text = |pointer: &str| event.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
    let message = text("/contexts/feedback/message").unwrap_or_default();
    if message.trim().is_empty() {
        return Err(IngestError::bad("feedback has no message: send contexts.feedback.message"));
    }
    let associated = match text("/contexts/feedback/associated_event_id") {
        Some(id) if !id.is_empty() => Some(normalize_event_id(&id).ok_or_else(|| {
            IngestError::bad(format!(
                "feedback: invalid contexts.feedback.associated_event_id {id:?}: expected 32 hex digits or a UUID"
            ))
        })?),
        _ => None,
    };
    let json = event.to_string();
    check_size(json.len(), limits.max_event)?;
    Ok(NewFeedback {
        project_id: req.project_id,
        kind: "feedback".into(),
        feedback_id: text("/event_id").unwrap_or_default(),
        associated_event_id: associated,
        name: text("/contexts/feedback/name")
            .or_else(|| text("/user/name"))
            .or_else(|| text("/user/username"))
            .unwrap_or_default(),
        email: text("/contexts/feedback/contact_email").or_else(|| text("/user/email")).unwrap_or_default(),
        message,
        url: text("/contexts/feedback/url").or_else(|| text("/request/url")),
        environment: text("/environment"),
        timestamp: event.get("timestamp").and_then(Value::as_f64).unwrap_or(ctx.received),
        received: ctx.received,
        data: encode(json.as_bytes())?,
    })
}

/// A legacy `user_report` item, about the event it names.
pub fn from_user_report(
    payload: &[u8],
    req: &Request,
    received: f64,
    limits: &Limits,
) -> Result<NewFeedback, IngestError> {
    check_size(payload.len(), limits.max_event)?;
    let text = std::str::from_utf8(payload).map_err(|_| IngestError::bad("user report is not valid UTF-8"))?;
    let mut report =
        tree::parse(text).map_err(|err| IngestError::bad(format!("user report is not valid JSON: {err}")))?;
    if !report.is_object() {
        return Err(IngestError::bad("user report must be a JSON object"));
    }
    if req.scrub {
        scrub::scrub_event(&mut report);
    }
    let field = |key: &str| report.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
    let raw_id = field("event_id");
    let event_id = normalize_event_id(&raw_id).ok_or_else(|| {
        IngestError::bad(format!("user report: invalid event_id {raw_id:?}: expected 32 hex digits or a UUID"))
    })?;
    Ok(NewFeedback {
        project_id: req.project_id,
        kind: "user_report".into(),
        feedback_id: event_id.clone(),
        associated_event_id: Some(event_id),
        name: field("name"),
        email: field("email"),
        message: field("comments"),
        url: None,
        environment: None,
        timestamp: received,
        received,
        data: encode(report.to_string().as_bytes())?,
    })
}

fn check_size(size: usize, limit: usize) -> Result<(), IngestError> {
    if size > limit {
        return Err(IngestError::TooLarge(format!("{size} bytes, over the limit of {limit} bytes")));
    }
    Ok(())
}

fn encode(bytes: &[u8]) -> Result<Vec<u8>, IngestError> {
    codec::encode(bytes).map_err(|err| IngestError::Unavailable(format!("compression failed: {err}")))
}
