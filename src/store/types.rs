//! What the writer accepts and answers: fully prepared events and envelope items (already
//! normalized, scrubbed, grouped and compressed by `ingest`), and the outcome of committing them.

/// An error event ready to be committed.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub project_id: i64,
    /// 32 lowercase hex characters.
    pub event_id: String,
    /// Event time (unix seconds), already corrected for clock drift.
    pub timestamp: f64,
    pub received: f64,
    pub level: String,
    pub environment: Option<String>,
    pub release: Option<String>,
    /// Distinct-user key: `id:…`, `email:…`, `username:…` or `ip:…`.
    pub user_key: Option<String>,
    /// Grouping hashes, primary first.
    pub hashes: Vec<String>,
    pub title: String,
    pub culprit: Option<String>,
    pub location: Option<String>,
    pub event_type: String,
    /// Issue metadata as JSON text.
    pub metadata: String,
    pub platform: Option<String>,
    pub logger: Option<String>,
    /// Tags counted into the tag distribution (event tags plus derived ones).
    pub tags: Vec<(String, String)>,
    pub is_unhandled: bool,
    /// Uncompressed JSON size in bytes.
    pub size: usize,
    /// zstd-compressed normalized event JSON.
    pub data: Vec<u8>,
    /// The trace it happened in (`contexts.trace.trace_id`, 32 hex), so the trace finds it.
    pub trace_id: Option<String>,
}

/// Any other envelope item worth keeping (transaction, session, attachment, feedback, ...).
#[derive(Debug, Clone)]
pub struct NewItem {
    pub project_id: i64,
    pub kind: String,
    pub event_id: Option<String>,
    pub received: f64,
    /// The item header as JSON text (filename, content type, ...).
    pub header: String,
    pub size: usize,
    /// zstd-compressed payload bytes.
    pub data: Vec<u8>,
}

/// Everything from one request, committed atomically.
#[derive(Debug, Clone, Default)]
pub struct WriteJob {
    pub events: Vec<NewEvent>,
    pub items: Vec<NewItem>,
    pub feedback: Vec<super::feedback::NewFeedback>,
    /// Check-ins, and the missed and timed-out marks of a monitor sweep.
    pub monitors: Vec<super::monitors::MonitorWrite>,
    /// Release health counted from the job's `session` and `sessions` items.
    pub sessions: Vec<super::sessions::SessionUpdate>,
    pub transactions: Vec<super::transactions::NewTransaction>,
}

/// What happened to one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventOutcome {
    pub event_id: String,
    pub group_id: i64,
    /// The event created a new issue.
    pub new_group: bool,
    /// An event with this id was already stored; nothing changed.
    pub duplicate: bool,
}

/// The writer's answer for one job, sent only after its transaction committed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    pub events: Vec<EventOutcome>,
    pub items: usize,
    /// Why parts of the job were refused while the rest was committed (a check-in for an
    /// unknown monitor).
    pub rejected: Vec<String>,
    /// Monitor failures that opened or regressed an issue.
    pub monitor_failures: Vec<super::monitors::MonitorFailure>,
}

/// A time filter on events: unix seconds, both ends inclusive, either open.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TimeWindow {
    pub start: Option<f64>,
    pub end: Option<f64>,
}
