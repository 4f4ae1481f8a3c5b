//! The ingest pipeline: envelope or store-endpoint payload in, a [`WriteJob`] out. For each
//! error event: normalize, symbolicate JavaScript frames (when the project has source maps),
//! scrub (when the project has scrubbing on), compute grouping hashes and the issue summary,
//! derive tags, compress. Transactions get their own rows and their performance problems become
//! events ([`spans`]). Feedback and user reports become feedback records, check-ins monitor
//! check-ins; attachments, sessions and client reports are kept as items, and sessions are also
//! counted for release health (see `session`); unknown item types are
//! skipped, never rejected. Pure CPU work: nothing here performs I/O; the server hands the job
//! to the store's writer.

pub mod auth;
pub mod check_in;
pub mod decode;
pub mod envelope;
pub mod error;
pub mod feedback;
pub mod grouping;
pub mod normalize;
mod prepare;
pub mod scrub;
mod session;
pub mod spans;
pub mod symbolicate;
pub mod tree;

#[cfg(test)]
mod props;

pub use error::IngestError;
use normalize::Context;

use crate::config::Limits;
use crate::store::{NewItem, WriteJob, codec};

/// Item types kept as stored items, with the name they are stored under. Feedback, user
/// reports and check-ins become records of their own ([`feedback`], [`check_in`]).
const KEPT_ITEMS: &[&str] = &["attachment", "session", "sessions", "client_report"];

/// Per-request facts the pipeline needs.
#[derive(Debug, Clone)]
pub struct Request {
    pub project_id: i64,
    pub received: f64,
    pub client_ip: Option<String>,
    /// Server-side scrubbing for this project.
    pub scrub: bool,
    /// Performance-issue detection for transactions.
    pub performance: crate::config::PerformanceConfig,
}

/// A prepared request: what to commit, and the event id to answer with.
#[derive(Debug, Default)]
pub struct Prepared {
    pub job: WriteJob,
    pub event_id: Option<String>,
}

/// Prepares every item of a parsed envelope.
pub fn prepare_envelope(env: &envelope::Envelope<'_>, req: &Request, limits: &Limits) -> Result<Prepared, IngestError> {
    prepare_envelope_with(env, req, limits, &symbolicate::NoSourceMaps)
}

/// [`prepare_envelope`], symbolicating JavaScript frames with the maps `maps` finds.
pub fn prepare_envelope_with(
    env: &envelope::Envelope<'_>,
    req: &Request,
    limits: &Limits,
    maps: &dyn symbolicate::SourceMaps,
) -> Result<Prepared, IngestError> {
    let header_id = env.event_id()?;
    let sent_at = env.header.get("sent_at").and_then(normalize::time::parse);
    let mut prepared = Prepared { event_id: header_id.clone(), ..Prepared::default() };
    let mut attachments_total = 0usize;
    for (index, item) in env.items.iter().enumerate() {
        let kind = item.kind();
        let at = |err: IngestError| within_item(index, kind, err);
        let ctx = Context {
            event_id: header_id.clone(),
            sent_at,
            received: req.received,
            client_ip: req.client_ip.clone(),
            transaction: kind == "transaction",
        };
        match kind {
            // Events are trimmed, never rejected for one big field; their stored size is
            // checked after trimming.
            "event" => {
                let event = prepare::error_event(item.payload, &ctx, req, limits, maps).map_err(at)?;
                prepared.event_id.get_or_insert_with(|| event.event_id.clone());
                prepared.job.events.push(event);
            }
            "feedback" => {
                let feedback = feedback::from_event(item.payload, &ctx, req, limits).map_err(at)?;
                prepared.event_id = prepared.event_id.or_else(|| Some(feedback.feedback_id.clone()));
                prepared.job.feedback.push(feedback);
            }
            "user_report" => {
                let report = feedback::from_user_report(item.payload, req, req.received, limits).map_err(at)?;
                prepared.job.feedback.push(report);
            }
            "check_in" => {
                let check_in = check_in::prepare(item.payload, req, limits).map_err(at)?;
                prepared.job.monitors.push(crate::store::MonitorWrite::CheckIn(check_in));
            }
            "transaction" => {
                let prepared_transaction = spans::prepare(item.payload, &ctx, req, limits).map_err(at)?;
                let event_id = prepared_transaction.transaction.event_id.clone();
                prepared.event_id.get_or_insert(event_id);
                prepared.job.transactions.push(prepared_transaction.transaction);
                prepared.job.events.extend(prepared_transaction.occurrences);
            }
            // Streamed spans (Span v2, @sentry/node 11's default): each segment a transaction.
            "span" => {
                let ctx = Context { event_id: None, transaction: true, ..ctx };
                for payload in spans::stream::transactions(item.payload).map_err(at)? {
                    let prepared_transaction = spans::prepare(&payload, &ctx, req, limits).map_err(at)?;
                    prepared.job.transactions.push(prepared_transaction.transaction);
                    prepared.job.events.extend(prepared_transaction.occurrences);
                }
            }
            "attachment" => {
                check_size(item.payload.len(), limits.max_attachment).map_err(at)?;
                attachments_total += item.payload.len();
                if attachments_total > limits.max_attachment {
                    return Err(IngestError::TooLarge(format!(
                        "attachments in this envelope exceed the limit of {} bytes",
                        limits.max_attachment
                    )));
                }
                prepared.job.items.push(item_row(req, kind, header_id.clone(), &item.header, item.payload)?);
            }
            kind if KEPT_ITEMS.contains(&kind) => {
                check_size(item.payload.len(), limits.max_event).map_err(at)?;
                if matches!(kind, "session" | "sessions") {
                    let skew = normalize::time::drift(sent_at, req.received);
                    prepared.job.sessions.extend(session::parse(
                        kind,
                        item.payload,
                        req.project_id,
                        req.received,
                        skew,
                    ));
                }
                prepared.job.items.push(item_row(req, kind, header_id.clone(), &item.header, item.payload)?);
            }
            other => tracing::debug!(item_type = other, "skipping envelope item of unknown type"),
        }
    }
    Ok(prepared)
}

/// Prepares a legacy store-endpoint body: one JSON event.
pub fn prepare_store(body: &[u8], req: &Request, limits: &Limits) -> Result<Prepared, IngestError> {
    prepare_store_with(body, req, limits, &symbolicate::NoSourceMaps)
}

/// [`prepare_store`], symbolicating JavaScript frames with the maps `maps` finds.
pub fn prepare_store_with(
    body: &[u8],
    req: &Request,
    limits: &Limits,
    maps: &dyn symbolicate::SourceMaps,
) -> Result<Prepared, IngestError> {
    let ctx = Context { received: req.received, client_ip: req.client_ip.clone(), ..Context::default() };
    let event = prepare::error_event(body, &ctx, req, limits, maps)?;
    Ok(Prepared {
        event_id: Some(event.event_id.clone()),
        job: WriteJob { events: vec![event], ..WriteJob::default() },
    })
}

/// Refuses an item whose stored form exceeds `limit` bytes.
fn check_size(size: usize, limit: usize) -> Result<(), IngestError> {
    if size > limit {
        return Err(IngestError::TooLarge(format!("{size} bytes, over the limit of {limit} bytes")));
    }
    Ok(())
}

/// Says which item an error is about, keeping its status.
fn within_item(index: usize, kind: &str, err: IngestError) -> IngestError {
    let place = |message: String| format!("envelope item {} ({kind}): {message}", index + 1);
    match err {
        IngestError::BadRequest(m) => IngestError::BadRequest(place(m)),
        IngestError::TooLarge(m) => IngestError::TooLarge(place(m)),
        IngestError::Unavailable(m) => IngestError::Unavailable(place(m)),
        other => other,
    }
}

fn item_row(
    req: &Request,
    kind: &str,
    event_id: Option<String>,
    header: &serde_json::Map<String, serde_json::Value>,
    payload: &[u8],
) -> Result<NewItem, IngestError> {
    Ok(NewItem {
        project_id: req.project_id,
        kind: kind.to_string(),
        event_id,
        received: req.received,
        header: serde_json::to_string(header).unwrap_or_default(),
        size: payload.len(),
        data: codec::encode(payload).map_err(|err| IngestError::Unavailable(format!("compression failed: {err}")))?,
    })
}
