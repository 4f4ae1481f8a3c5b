use serde_json::{Value, json};

use super::prepare;
use crate::config::{Limits, PerformanceConfig};
use crate::ingest::normalize::Context;
use crate::ingest::{IngestError, Request};
use crate::store::codec;

pub(super) const TRACE: &str = "e3b0c44298fc1c149afbf4c8996fb924";
pub(super) const ROOT: &str = "a1b2c3d4e5f60718";
const START: f64 = 1_795_348_800.0;

fn request(performance: PerformanceConfig) -> Request {
    Request { project_id: 1, received: START + 5.0, client_ip: None, scrub: true, performance }
}

fn ctx() -> Context {
    Context { received: START + 5.0, transaction: true, ..Context::default() }
}

/// A span id from a number.
fn id(n: usize) -> String {
    format!("{:016x}", n + 0x1000)
}

/// A DB span under `parent`, `start_ms` after the transaction starts.
fn db(n: usize, parent: &str, description: &str, start_ms: f64, ms: f64) -> Value {
    json!({"span_id": id(n), "parent_span_id": parent, "trace_id": TRACE, "op": "db",
           "description": description, "start_timestamp": START + start_ms / 1000.0,
           "timestamp": START + (start_ms + ms) / 1000.0, "data": {"db.system": "sqlite"}})
}

/// An N+1: a source query, then `repeats` identical queries of `ms` each.
fn loop_spans(repeats: usize, ms: f64) -> Vec<Value> {
    let mut spans = vec![db(0, ROOT, "SELECT id, name FROM authors", 1.0, 2.0)];
    for i in 0..repeats {
        spans.push(db(i + 1, ROOT, "SELECT title FROM books WHERE author_id = ?", 4.0 + i as f64 * (ms + 0.5), ms));
    }
    spans
}

fn transaction(spans: Vec<Value>) -> Value {
    json!({"event_id": "4b1c2d3e4f5061728394a5b6c7d8e9f0", "type": "transaction", "platform": "python",
           "transaction": "GET /authors", "start_timestamp": START, "timestamp": START + 0.5,
           "environment": "production", "release": "web@1.0",
           "contexts": {"trace": {"trace_id": TRACE, "span_id": ROOT, "op": "http.server", "status": "ok"}},
           "sdk": {"name": "sentry.python", "version": "2.75.0"}, "user": {"id": "42"}, "spans": spans})
}

fn run(body: &Value) -> Result<super::PreparedTransaction, IngestError> {
    prepare(body.to_string().as_bytes(), &ctx(), &request(PerformanceConfig::default()), &Limits::default())
}

fn stored(prepared: &super::PreparedTransaction) -> Value {
    serde_json::from_slice(&codec::decode(&prepared.transaction.data).unwrap()).unwrap()
}

#[test]
fn a_transaction_gets_its_typed_columns() {
    let prepared = run(&transaction(loop_spans(2, 1.0))).unwrap();
    let t = &prepared.transaction;
    assert_eq!((t.trace_id.as_str(), t.span_id.as_str(), t.name.as_str()), (TRACE, ROOT, "GET /authors"));
    assert_eq!((t.op.as_deref(), t.status.as_str(), t.span_count), (Some("http.server"), "ok", 3));
    assert_eq!(
        (t.environment.as_deref(), t.release.as_deref(), t.user_key.as_deref()),
        (Some("production"), Some("web@1.0"), Some("id:42"))
    );
    assert!((t.duration_ms - 500.0).abs() < 1e-6, "{}", t.duration_ms);
    let json = stored(&prepared);
    assert_eq!(json["spans"][1]["parent_span_id"], ROOT);
    assert_eq!(json["spans"][1]["hash"].as_str().unwrap().len(), 16);
    assert!(prepared.occurrences.is_empty(), "two repeats are no N+1");
}

#[test]
fn an_n_plus_one_loop_makes_one_performance_issue_titled_as_sentry_does() {
    let prepared = run(&transaction(loop_spans(8, 10.0))).unwrap();
    assert_eq!(prepared.occurrences.len(), 1);
    let issue = &prepared.occurrences[0];
    assert_eq!((issue.title.as_str(), issue.culprit.as_deref()), ("N+1 Query", Some("GET /authors")));
    assert_eq!(issue.event_type, "performance_n_plus_one_db_queries");
    assert_eq!((issue.level.as_str(), issue.trace_id.as_deref()), ("info", Some(TRACE)));
    assert_eq!(issue.event_id, prepared.transaction.event_id, "the first problem takes the transaction's id");
    let metadata: Value = serde_json::from_str(&issue.metadata).unwrap();
    assert_eq!(metadata["value"], "SELECT title FROM books WHERE author_id = ?");
    let json: Value = serde_json::from_slice(&codec::decode(&issue.data).unwrap()).unwrap();
    assert_eq!(json["occurrence"]["evidenceData"]["offenderSpanIds"].as_array().unwrap().len(), 8);
    assert_eq!(json["occurrence"]["evidenceData"]["causeSpanIds"][0], id(0));
    assert!(json["logentry"]["formatted"].as_str().unwrap().contains("ran 8 times"), "{}", json["logentry"]);
    assert_eq!(json["spans"].as_array().unwrap().len(), 9, "the cause and the offenders, not the whole transaction");
    // The same loop in another request of the same endpoint is the same issue.
    let mut again = transaction(loop_spans(12, 9.0));
    again["event_id"] = json!("00000000000000000000000000000abc");
    assert_eq!(run(&again).unwrap().occurrences[0].hashes, issue.hashes);
}

#[test]
fn loops_under_the_thresholds_or_broken_up_are_no_issue() {
    assert!(run(&transaction(loop_spans(4, 30.0))).unwrap().occurrences.is_empty(), "four repeats");
    assert!(run(&transaction(loop_spans(10, 4.0))).unwrap().occurrences.is_empty(), "40 ms in all");
    let mut spans = loop_spans(8, 10.0);
    spans.insert(
        4,
        json!({"span_id": id(99), "parent_span_id": ROOT, "op": "http.client", "description": "GET /x",
                           "start_timestamp": START + 0.02, "timestamp": START + 0.021}),
    );
    // The HTTP span breaks the run into 3 and 5 repeats; sorted by start it sits in between.
    let broken = run(&transaction(spans)).unwrap();
    assert!(broken.occurrences.iter().all(|o| o.event_type != "performance_n_plus_one_db_queries"));
    let config = PerformanceConfig { detection: false, ..PerformanceConfig::default() };
    let off =
        prepare(transaction(loop_spans(8, 10.0)).to_string().as_bytes(), &ctx(), &request(config), &Limits::default());
    assert!(off.unwrap().occurrences.is_empty());
    let lower =
        PerformanceConfig { n_plus_one_db_count: 3, n_plus_one_db_duration_ms: 1.0, ..PerformanceConfig::default() };
    let found =
        prepare(transaction(loop_spans(4, 1.0)).to_string().as_bytes(), &ctx(), &request(lower), &Limits::default());
    assert_eq!(found.unwrap().occurrences.len(), 1, "thresholds come from the configuration");
}

#[test]
fn one_slow_select_is_a_slow_db_query() {
    let slow = vec![
        db(1, ROOT, "SELECT * FROM orders WHERE total > 10", 1.0, 620.0),
        db(2, ROOT, "UPDATE orders SET x = 1", 1.0, 900.0),
    ];
    let mut body = transaction(slow);
    body["timestamp"] = json!(START + 1.0);
    let prepared = run(&body).unwrap();
    assert_eq!(prepared.occurrences.len(), 1, "the UPDATE is not a SELECT");
    assert_eq!(
        (prepared.occurrences[0].title.as_str(), prepared.occurrences[0].event_type.as_str()),
        ("Slow DB Query", "performance_slow_db_query")
    );
}

#[test]
fn transactions_without_what_relay_requires_are_refused_with_the_reason() {
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"start_timestamp": START, "contexts": {"trace": {"trace_id": TRACE, "span_id": ROOT}}}),
            "no timestamp",
        ),
        (
            json!({"timestamp": START, "contexts": {"trace": {"trace_id": TRACE, "span_id": ROOT}}}),
            "no start_timestamp",
        ),
        (
            json!({"start_timestamp": -1.0, "timestamp": START, "contexts": {"trace": {"trace_id": TRACE, "span_id": ROOT}}}),
            "no start_timestamp of a valid time",
        ),
        (
            json!({"start_timestamp": START + 1.0, "timestamp": START, "contexts": {"trace": {"trace_id": TRACE, "span_id": ROOT}}}),
            "before its start_timestamp",
        ),
        (json!({"start_timestamp": START, "timestamp": START + 1.0}), "contexts.trace.trace_id"),
        (
            json!({"start_timestamp": START, "timestamp": START + 1.0, "contexts": {"trace": {"trace_id": "xyz", "span_id": ROOT}}}),
            "trace_id",
        ),
        (
            json!({"start_timestamp": START, "timestamp": START + 1.0, "contexts": {"trace": {"trace_id": TRACE}}}),
            "span_id",
        ),
    ];
    for (body, reason) in cases {
        match run(&body) {
            Err(IngestError::BadRequest(message)) => {
                assert!(message.starts_with("transaction refused") && message.contains(reason), "{message}")
            }
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[test]
fn malformed_spans_are_dropped_or_mended_with_a_note_each() {
    let spans = vec![
        json!("not a span"),
        json!({"op": "db", "description": "no id", "start_timestamp": START, "timestamp": START + 0.1}),
        db(1, ROOT, "SELECT 1", 1.0, 1.0),
        db(1, ROOT, "SELECT 1 again", 1.0, 1.0),
        json!({"span_id": id(2), "parent_span_id": ROOT, "op": "x", "start_timestamp": START + 0.2, "timestamp": START + 0.1}),
        json!({"span_id": id(3), "parent_span_id": ROOT, "op": "x", "start_timestamp": START}),
        // 4 → 5 → 6 → 4: a loop of parents.
        json!({"span_id": id(4), "parent_span_id": id(6), "op": "a", "start_timestamp": START, "timestamp": START + 0.1}),
        json!({"span_id": id(5), "parent_span_id": id(4), "op": "b", "start_timestamp": START, "timestamp": START + 0.1}),
        json!({"span_id": id(6), "parent_span_id": id(5), "op": "c", "start_timestamp": START, "timestamp": START + 0.1}),
        json!({"span_id": id(7), "parent_span_id": id(7), "op": "self", "start_timestamp": START, "timestamp": START + 0.1}),
    ];
    let prepared = run(&transaction(spans)).unwrap();
    let json = stored(&prepared);
    let kept: Vec<&str> = json["spans"].as_array().unwrap().iter().map(|s| s["span_id"].as_str().unwrap()).collect();
    assert_eq!(kept, [id(1), id(4), id(5), id(6), id(7)]);
    let reasons: Vec<String> =
        json["errors"].as_array().unwrap().iter().map(|e| e["reason"].as_str().unwrap().to_string()).collect();
    for expected in
        ["not an object", "no span_id", "used twice", "before it starts", "no start_timestamp", "makes a cycle"]
    {
        assert!(reasons.iter().any(|r| r.contains(expected)), "{expected} in {reasons:?}");
    }
    // Every kept span now reaches the root.
    let parents: std::collections::HashMap<&str, Option<&str>> = json["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["span_id"].as_str().unwrap(), s["parent_span_id"].as_str()))
        .collect();
    for start in parents.keys() {
        let mut at = Some(*start);
        for _ in 0..=parents.len() {
            at = at.and_then(|a| parents.get(a).copied().flatten());
        }
        assert!(at.is_none_or(|a| a == ROOT), "{start} never reaches the root");
    }
    assert_eq!(json["spans"][4]["parent_span_id"], Value::Null, "a span naming itself has no parent");
}

#[test]
fn a_transaction_of_100000_spans_is_refused_by_size_or_stored_whole() {
    let mut spans: Vec<Value> = vec![db(0, ROOT, "SELECT k FROM t", 0.0, 0.001)];
    spans.extend((1..100_000).map(|i| db(i, ROOT, "SELECT v FROM t WHERE k = ?", i as f64 * 0.004, 0.003)));
    let body = transaction(spans).to_string();
    match prepare(body.as_bytes(), &ctx(), &request(PerformanceConfig::default()), &Limits::default()) {
        Err(IngestError::TooLarge(message)) => assert!(message.contains("100000 spans"), "{message}"),
        other => panic!("{other:?}"),
    }
    let roomy = Limits { max_event: 64 * 1024 * 1024, ..Limits::default() };
    let lower = PerformanceConfig { n_plus_one_db_duration_ms: 1.0, ..PerformanceConfig::default() };
    let prepared = prepare(body.as_bytes(), &ctx(), &request(lower), &roomy).unwrap();
    assert_eq!(prepared.transaction.span_count, 100_000);
    let occurrence: Value = serde_json::from_slice(&codec::decode(&prepared.occurrences[0].data).unwrap()).unwrap();
    assert_eq!(occurrence["spans"].as_array().unwrap().len(), 51, "the cause and the first 50 offenders");
}

#[test]
fn a_client_clock_off_by_hours_moves_the_spans_with_the_transaction() {
    let sent_at = START + 5.0 - 3.0 * 3600.0;
    let mut body = transaction(loop_spans(1, 1.0));
    for key in ["start_timestamp", "timestamp"] {
        body[key] = json!(body[key].as_f64().unwrap() - 3.0 * 3600.0);
    }
    for span in body["spans"].as_array_mut().unwrap() {
        for key in ["start_timestamp", "timestamp"] {
            span[key] = json!(span[key].as_f64().unwrap() - 3.0 * 3600.0);
        }
    }
    let ctx = Context { sent_at: Some(sent_at), ..ctx() };
    let prepared =
        prepare(body.to_string().as_bytes(), &ctx, &request(PerformanceConfig::default()), &Limits::default()).unwrap();
    assert!((prepared.transaction.start - START).abs() < 0.01, "{}", prepared.transaction.start);
    let json = stored(&prepared);
    let first = json["spans"][0]["start_timestamp"].as_f64().unwrap();
    assert!((first - (START + 0.001)).abs() < 0.01, "{first}");
}
