//! Performance data as the console reads it: the rows of the transactions table and the
//! samples of one transaction (Discover's `data`, keyed by field names), time series
//! (`events-stats` with top events) and one trace's tree (`trace/{id}/`). Decoding is as
//! lenient as every model's: a missing, `null` or odd member gives its default, never an error;
//! nesting in a trace is bounded by the JSON parser's own limit.

use std::collections::BTreeMap;

use serde_json::Value;

use super::de::{value_to_string, value_to_u64};

/// The fields the Performance table asks for, in the `spans` dataset's spelling that Sentry's
/// published schema documents.
pub const TABLE_FIELDS: [&str; 8] = [
    "transaction",
    "project",
    "count()",
    "epm()",
    "p50(span.duration)",
    "p95(span.duration)",
    "failure_rate()",
    "count_unique(user)",
];

/// The fields of a sample.
pub const SAMPLE_FIELDS: [&str; 6] = ["id", "trace", "span.duration", "timestamp", "transaction", "project"];

fn number(row: &Value, key: &str) -> Option<f64> {
    match row.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .filter(|n: &f64| n.is_finite())
}

fn text(row: &Value, key: &str) -> Option<String> {
    row.get(key).and_then(value_to_string)
}

/// One transaction name's figures over the window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TransactionSummary {
    pub transaction: String,
    pub project: Option<String>,
    pub count: u64,
    /// Per minute.
    pub throughput: f64,
    /// Milliseconds.
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    /// 0 to 1.
    pub failure_rate: f64,
    pub users: u64,
}

impl TransactionSummary {
    pub fn from_row(row: &Value) -> Self {
        Self {
            transaction: text(row, "transaction").unwrap_or_default(),
            project: text(row, "project").or_else(|| text(row, "project.name")),
            count: row.get("count()").and_then(value_to_u64).unwrap_or_default(),
            throughput: number(row, "epm()").unwrap_or_default(),
            p50: number(row, "p50(span.duration)").or_else(|| number(row, "p50(transaction.duration)")),
            p95: number(row, "p95(span.duration)").or_else(|| number(row, "p95(transaction.duration)")),
            failure_rate: number(row, "failure_rate()").unwrap_or_default(),
            users: row.get("count_unique(user)").and_then(value_to_u64).unwrap_or_default(),
        }
    }
}

/// One transaction of a name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TransactionSample {
    /// The transaction's root span id.
    pub span_id: String,
    pub trace_id: String,
    pub duration_ms: f64,
    pub timestamp: Option<chrono::DateTime<chrono::Utc>>,
    pub transaction: String,
    pub project: Option<String>,
}

impl TransactionSample {
    pub fn from_row(row: &Value) -> Self {
        Self {
            span_id: text(row, "id").unwrap_or_default(),
            trace_id: text(row, "trace").unwrap_or_default(),
            duration_ms: number(row, "span.duration")
                .or_else(|| number(row, "transaction.duration"))
                .unwrap_or_default(),
            timestamp: row.get("timestamp").and_then(super::de::parse_timestamp),
            transaction: text(row, "transaction").unwrap_or_default(),
            project: text(row, "project").or_else(|| text(row, "project.name")),
        }
    }
}

/// Counts per bucket for each transaction name (`events-stats` with top events).
pub fn series_by_name(body: &Value) -> BTreeMap<String, Vec<f64>> {
    let values = |series: &Value| -> Vec<f64> {
        series
            .get("data")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|point| point.pointer("/1/0/count").and_then(Value::as_f64).unwrap_or_default())
            .collect()
    };
    body.as_object()
        .into_iter()
        .flatten()
        .filter(|(_, series)| series.get("data").is_some())
        .map(|(name, series)| (name.clone(), values(series)))
        .collect()
}

/// An error or performance issue in a trace.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TraceIssue {
    pub event_id: String,
    pub issue_id: String,
    pub short_id: Option<String>,
    pub title: String,
    pub level: String,
    pub culprit: Option<String>,
    /// `error` or `occurrence` (a performance issue).
    pub kind: String,
    pub project_slug: String,
    /// The span it hangs on, when the server says.
    pub span: Option<String>,
}

impl TraceIssue {
    fn from_value(value: &Value) -> Self {
        Self {
            event_id: text(value, "event_id").unwrap_or_default(),
            issue_id: text(value, "issue_id").unwrap_or_default(),
            short_id: text(value, "short_id"),
            title: text(value, "title").or_else(|| text(value, "description")).unwrap_or_default(),
            level: text(value, "level").unwrap_or_else(|| "error".into()),
            culprit: text(value, "culprit"),
            kind: text(value, "event_type").unwrap_or_else(|| "error".into()),
            project_slug: text(value, "project_slug").unwrap_or_default(),
            span: text(value, "span"),
        }
    }
}

/// A span of a trace, with what hangs under it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TraceSpan {
    pub span_id: String,
    pub parent_span_id: Option<String>,
    /// The transaction event it belongs to.
    pub transaction_id: Option<String>,
    pub transaction: Option<String>,
    pub op: String,
    pub description: String,
    pub project_slug: String,
    pub is_transaction: bool,
    /// Unix seconds.
    pub start: f64,
    pub end: f64,
    pub issues: Vec<TraceIssue>,
    pub children: Vec<TraceSpan>,
}

impl TraceSpan {
    fn from_value(value: &Value) -> Self {
        let list = |key: &str| value.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let start = number(value, "start_timestamp").unwrap_or_default();
        let end = number(value, "end_timestamp")
            .or_else(|| number(value, "timestamp"))
            .or_else(|| number(value, "duration").map(|ms| start + ms / 1000.0))
            .unwrap_or(start);
        Self {
            span_id: text(value, "event_id").unwrap_or_default(),
            parent_span_id: text(value, "parent_span_id"),
            transaction_id: text(value, "transaction_id"),
            transaction: text(value, "transaction"),
            op: text(value, "op").unwrap_or_default(),
            description: text(value, "description").unwrap_or_default(),
            project_slug: text(value, "project_slug").unwrap_or_default(),
            is_transaction: value.get("is_transaction").and_then(Value::as_bool).unwrap_or(false),
            start,
            end: end.max(start),
            issues: list("errors").iter().chain(list("occurrences")).map(TraceIssue::from_value).collect(),
            children: list("children").iter().filter(|c| c.is_object()).map(TraceSpan::from_value).collect(),
        }
    }
}

/// One trace: its root spans, and the errors that hang on no span.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trace {
    pub trace_id: String,
    pub roots: Vec<TraceSpan>,
    pub loose: Vec<TraceIssue>,
}

impl Trace {
    pub fn from_json(trace_id: &str, body: &Value) -> Self {
        let mut trace = Trace { trace_id: trace_id.to_string(), ..Trace::default() };
        for item in body.as_array().into_iter().flatten() {
            match item.get("event_type").and_then(Value::as_str) {
                Some("error" | "occurrence") => trace.loose.push(TraceIssue::from_value(item)),
                Some("span") | None if item.get("children").is_some() || item.get("op").is_some() => {
                    trace.roots.push(TraceSpan::from_value(item));
                }
                _ => {}
            }
        }
        trace
    }
}
