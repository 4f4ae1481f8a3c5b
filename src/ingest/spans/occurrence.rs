//! A performance problem as an event of its own issue: grouped by the problem's fingerprint,
//! titled as Sentry titles it ("N+1 Query", "Slow DB Query"), with the transaction's name as
//! its culprit and the offending query as its value. The stored event is the transaction
//! without its spans, plus the spans in evidence (parent, cause and the first offenders), Sentry's
//! `occurrence` with its evidence, and a message saying what was found, which the console shows.
//! The first problem of a transaction takes the transaction's event id (so the id finds the
//! issue); further ones get ids derived from it and their fingerprint.

use md5::{Digest, Md5};

use super::detect::{Kind, Problem};
use crate::config::Limits;
use crate::ingest::normalize::Context;
use crate::ingest::tree::{Map, Value};
use crate::ingest::{IngestError, Request};
use crate::store::{NewEvent, codec};

/// Offending spans kept as evidence in the occurrence.
const MAX_EVIDENCE_SPANS: usize = 50;

fn md5_hex(parts: &[&str]) -> String {
    let mut hasher = Md5::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// What the occurrence's message says.
fn evidence(problem: &Problem, transaction: &str) -> String {
    match problem.kind {
        Kind::NPlusOneDb => format!(
            "N+1 Query in {transaction}: the same query ran {} times in a row, {:.1} ms in all: {}",
            problem.offender_span_ids.len(),
            problem.duration_ms,
            problem.description
        ),
        Kind::SlowDbQuery => {
            format!("Slow DB Query in {transaction}: {:.1} ms for {}", problem.duration_ms, problem.description)
        }
    }
}

/// The events of `problems` found in the normalized transaction `event`.
pub fn build(
    event: &Map<'_>,
    problems: &[Problem],
    req: &Request,
    ctx: &Context,
    trace_id: &str,
    user_key: Option<&str>,
    limits: &Limits,
) -> Result<Vec<NewEvent>, IngestError> {
    let transaction_id = event.get("event_id").and_then(Value::as_str).unwrap_or_default();
    let name = event.get("transaction").and_then(Value::as_str).unwrap_or(super::UNLABELED);
    let spans = event.get("spans").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut tags = crate::ingest::prepare::derived_tags(event, user_key);
    tags.retain(|(key, _)| key != "level");
    tags.push(("level".into(), "info".into()));
    let mut out = Vec::with_capacity(problems.len());
    for (index, problem) in problems.iter().enumerate() {
        let event_id =
            if index == 0 { transaction_id.to_string() } else { md5_hex(&[transaction_id, ":", &problem.fingerprint]) };
        let wanted = |id: &str| {
            problem.parent_span_ids.iter().chain(&problem.cause_span_ids).any(|p| p == id)
                || problem.offender_span_ids.iter().take(MAX_EVIDENCE_SPANS).any(|o| o == id)
        };
        let kept: Vec<&Value<'_>> =
            spans.iter().filter(|s| s.get("span_id").and_then(Value::as_str).is_some_and(wanted)).collect();
        let message = evidence(problem, name);
        let hash = md5_hex(&[&problem.fingerprint]);
        let metadata = serde_json::json!({ "title": problem.kind.title(), "value": problem.description });
        let mut stored = event.clone();
        stored.insert("event_id", Value::from(event_id.clone()));
        stored.insert("spans", Value::Array(kept.into_iter().cloned().collect()));
        stored.insert("level", Value::from("info"));
        stored.insert("logentry", Value::Object(Map::from_iter([("formatted", Value::from(message))])));
        stored.insert("title", Value::from(problem.kind.title()));
        stored.insert("culprit", Value::from(name));
        stored.insert("metadata", Value::from(metadata.clone()));
        stored.insert("hashes", Value::Array(vec![Value::from(hash.clone())]));
        stored.insert("tags", Value::Array(tags.iter().map(crate::ingest::prepare::tag_pair).collect()));
        stored.insert("occurrence", occurrence(problem, transaction_id, name));
        let json = serde_json::to_vec(&stored)
            .map_err(|err| IngestError::bad(format!("performance issue cannot be serialized: {err}")))?;
        if json.len() > limits.max_event {
            continue;
        }
        out.push(NewEvent {
            project_id: req.project_id,
            event_id,
            timestamp: event.get("timestamp").and_then(Value::as_f64).unwrap_or(ctx.received),
            received: ctx.received,
            level: "info".into(),
            environment: event.get("environment").and_then(Value::as_str).map(str::to_owned),
            release: event.get("release").and_then(Value::as_str).map(str::to_owned),
            user_key: user_key.map(str::to_owned),
            hashes: vec![hash],
            title: problem.kind.title().into(),
            culprit: Some(name.to_string()),
            location: None,
            event_type: problem.kind.slug().into(),
            metadata: metadata.to_string(),
            platform: event.get("platform").and_then(Value::as_str).map(str::to_owned),
            logger: None,
            tags: tags.clone(),
            is_unhandled: false,
            size: json.len(),
            data: codec::encode(&json).map_err(|err| IngestError::Unavailable(format!("compression failed: {err}")))?,
            trace_id: Some(trace_id.to_string()),
        });
    }
    Ok(out)
}

/// Sentry's `occurrence` object for the problem.
fn occurrence(problem: &Problem, transaction_id: &str, name: &str) -> Value<'static> {
    Value::from(serde_json::json!({
        "id": md5_hex(&[&problem.fingerprint, transaction_id]),
        "eventId": transaction_id,
        "fingerprint": [problem.fingerprint],
        "issueTitle": problem.kind.title(),
        "subtitle": problem.description,
        "type": problem.kind.type_id(),
        "level": "info",
        "culprit": name,
        "evidenceData": {
            "parentSpanIds": problem.parent_span_ids,
            "causeSpanIds": problem.cause_span_ids,
            "offenderSpanIds": problem.offender_span_ids,
            "numRepeatingSpans": problem.offender_span_ids.len().to_string(),
            "repeatingSpansCompact": problem.description,
        },
    }))
}
