//! The event a monitor failure records. Sentry opens one issue per monitor for its failures
//! ("Cron failure: <slug>"); sift does the same through the ordinary ingest path: a message
//! event whose fingerprint is the monitor's slug, so every failure of one monitor groups into
//! one issue, a new failure after it was resolved regresses it, and ignore rules apply as to
//! any issue. The event's id is derived from what failed, so a sweep that runs twice, or a
//! client that resends, records it once.

use serde_json::json;
use uuid::Uuid;

/// Why a monitor failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureReason {
    /// The job checked in with `error`.
    Error,
    /// No check-in arrived by the expected time plus the margin.
    Missed,
    /// An `in_progress` check-in ran past the maximum runtime.
    Timeout,
}

impl FailureReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::Error => "error",
            FailureReason::Missed => "missed",
            FailureReason::Timeout => "timeout",
        }
    }

    /// The culprit line, as Sentry words it.
    pub fn sentence(self) -> &'static str {
        match self {
            FailureReason::Error => "An error check-in was detected",
            FailureReason::Missed => "A missed check-in was detected",
            FailureReason::Timeout => "A timeout check-in was detected",
        }
    }
}

/// Namespace of the ids of failure events (any fixed UUID; it only keeps them apart).
const NAMESPACE: Uuid = Uuid::from_u128(0x5f1c_6a34_9d2e_4b7a_8c11_2f0e_d3b4_a901);

/// A stable event id for failure `what` (a check-in's id, or a missed slot) of monitor `slug`.
pub fn event_id(project_id: i64, slug: &str, what: &str) -> String {
    Uuid::new_v5(&NAMESPACE, format!("{project_id}/{slug}/{what}").as_bytes()).simple().to_string()
}

/// The payload of the failure event, ready for the ingest pipeline.
pub fn payload(
    event_id: &str,
    slug: &str,
    reason: FailureReason,
    environment: Option<&str>,
    at: f64,
    expected: Option<f64>,
) -> Vec<u8> {
    json!({
        "event_id": event_id,
        "timestamp": at,
        "level": "error",
        "platform": "other",
        "logger": "monitors",
        "message": format!("Cron failure: {slug}"),
        "culprit": reason.sentence(),
        "environment": environment.unwrap_or("production"),
        "fingerprint": ["sift-monitor-failure", slug],
        "tags": {"monitor.slug": slug, "monitor.status": reason.as_str()},
        "contexts": {"monitor": {"slug": slug, "status": reason.as_str(), "expected_time": expected}},
    })
    .to_string()
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(event_id(1, "job", "a"), event_id(1, "job", "a"));
        assert_ne!(event_id(1, "job", "a"), event_id(1, "job", "b"));
        assert_ne!(event_id(1, "job", "a"), event_id(2, "job", "a"));
        assert_eq!(event_id(1, "job", "a").len(), 32);
    }
}
