//! Cron check-ins (`check_in` items) into [`NewCheckIn`]s, validated: a slug (cut to 50
//! characters, never empty), a status a client may send (`in_progress`, `ok`, `error`), a
//! duration in seconds, and an optional `monitor_config` whose schedule and time zone must
//! parse. Every refusal names the field and the value. An `error` check-in carries the event
//! that opens or regresses the monitor's issue; the writer applies it when the monitor's
//! failure threshold is reached. [`monitor_failure`] builds that event, for sweeps too.

use serde_json::Value;

use super::envelope::normalize_event_id;
use super::normalize::Context;
use super::{IngestError, Request, prepare};
use crate::config::Limits;
use crate::monitors::{CheckInStatus, FailureReason, MonitorConfig, config, failure};
use crate::store::{NewCheckIn, NewEvent};

/// A `check_in` item.
pub fn prepare(payload: &[u8], req: &Request, limits: &Limits) -> Result<NewCheckIn, IngestError> {
    if payload.len() > limits.max_event {
        return Err(IngestError::TooLarge(format!(
            "{} bytes, over the limit of {} bytes",
            payload.len(),
            limits.max_event
        )));
    }
    let value: Value = serde_json::from_slice(payload)
        .map_err(|err| IngestError::bad(format!("check-in is not valid JSON: {err}")))?;
    let object = value.as_object().ok_or_else(|| IngestError::bad("check-in must be a JSON object"))?;
    let refuse = |err: config::ConfigError| IngestError::bad(format!("check-in: {err}"));
    let slug = config::slug(object.get("monitor_slug").and_then(Value::as_str).unwrap_or_default()).map_err(refuse)?;
    let status =
        CheckInStatus::from_client(object.get("status").and_then(Value::as_str).unwrap_or_default()).map_err(refuse)?;
    let guid = match object.get("check_in_id").and_then(Value::as_str) {
        Some(id) => normalize_event_id(id).ok_or_else(|| {
            IngestError::bad(format!("check-in: invalid check_in_id {id:?}: expected 32 hex digits or a UUID"))
        })?,
        None => uuid::Uuid::new_v4().simple().to_string(),
    };
    let duration = match object.get("duration") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            value
                .as_f64()
                .filter(|d| d.is_finite() && *d >= 0.0)
                .ok_or_else(|| IngestError::bad(format!("check-in: duration {value} is not a number of seconds")))?,
        ),
    };
    let config = match object.get("monitor_config") {
        None | Some(Value::Null) => None,
        Some(config) => Some(MonitorConfig::parse(config).map_err(refuse)?),
    };
    let environment =
        object.get("environment").and_then(Value::as_str).filter(|e| !e.is_empty()).unwrap_or("production").to_string();
    let failure = match status {
        CheckInStatus::Error => Some(Box::new(monitor_failure(
            req.project_id,
            &slug,
            FailureReason::Error,
            Some(&environment),
            req.received,
            None,
            &guid,
            limits,
        )?)),
        _ => None,
    };
    Ok(NewCheckIn {
        project_id: req.project_id,
        slug,
        guid,
        status,
        environment: Some(environment),
        duration,
        config,
        received: req.received,
        trace_id: value.pointer("/contexts/trace/trace_id").and_then(Value::as_str).map(str::to_owned),
        failure,
    })
}

/// The event recording failure `reason` of monitor `slug` at `at`; `what` (a check-in id, or
/// a missed slot) makes its id, so it is recorded once.
#[allow(clippy::too_many_arguments, reason = "each argument is a distinct fact of the failure")]
pub fn monitor_failure(
    project_id: i64,
    slug: &str,
    reason: FailureReason,
    environment: Option<&str>,
    at: f64,
    expected: Option<f64>,
    what: &str,
    limits: &Limits,
) -> Result<NewEvent, IngestError> {
    let event_id = failure::event_id(project_id, slug, what);
    let payload = failure::payload(&event_id, slug, reason, environment, at, expected);
    let ctx = Context { received: at, ..Context::default() };
    let req = Request { project_id, received: at, client_ip: None, scrub: false, performance: Default::default() };
    // A monitor failure carries no JavaScript frames: nothing to symbolicate.
    prepare::error_event(&payload, &ctx, &req, limits, &super::symbolicate::NoSourceMaps)
}
