//! Malformed transactions through the router, one case a test: ends before starts (the
//! transaction's or a span's, by either protocol), starts at no valid time, spans without ids,
//! loops of parent ids within one transaction and across two, and 100,000 spans. Each is
//! refused with its status and `detail`, or stored with the bad spans dropped (and noted in the
//! event's `errors`) so the trace endpoint answers a tree: every node once, none with a negative
//! duration. After each the server still takes a good transaction.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::performance_api::{db, post, span_id, transaction};
use crate::support::{TestApp, event_id};

/// The stored transaction's JSON (project 1).
fn stored(app: &TestApp, event_id: &str) -> Value {
    let json = sift::store::transactions::event_json(&app.conn(), 1, event_id).unwrap().expect("stored");
    serde_json::from_slice(&json).unwrap()
}

fn reasons(stored: &Value) -> Vec<String> {
    stored["errors"].as_array().into_iter().flatten().filter_map(|e| e["reason"].as_str()).map(String::from).collect()
}

fn transactions_stored(app: &TestApp) -> i64 {
    app.conn().query_row("SELECT count(*) FROM transactions", [], |r| r.get(0)).unwrap()
}

/// The trace endpoint's nodes, depth first, with their depth.
async fn trace_nodes(app: &TestApp, trace: &str) -> Vec<(usize, Value)> {
    let reply = app.api("GET", &format!("/api/0/organizations/local/trace/{trace}/"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let mut out = Vec::new();
    let mut stack: Vec<(usize, Value)> =
        reply.body.as_array().unwrap().iter().rev().map(|node| (0, node.clone())).collect();
    while let Some((depth, node)) = stack.pop() {
        for child in node["children"].as_array().into_iter().flatten().rev() {
            stack.push((depth + 1, child.clone()));
        }
        out.push((depth, node));
    }
    out
}

/// Asserts the trace is a tree of `expected` nodes: each span id once, no negative duration.
fn assert_a_tree(nodes: &[(usize, Value)], expected: usize) {
    let mut ids: Vec<&str> = nodes.iter().map(|(_, n)| n["event_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), expected, "{ids:?}");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), expected, "a node shown twice");
    for (_, node) in nodes {
        assert!(node["duration"].as_f64().unwrap() >= 0.0, "{node}");
    }
}

async fn assert_still_serving(app: &TestApp) {
    let ok = post(app, &transaction("GET /fine", &event_id(), &span_id(), 1.0, 10.0, "ok", Vec::new())).await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
}

/// A Span v2 envelope item (`{"version": 2, "items": [...]}`).
fn span_envelope(items: Vec<Value>) -> Vec<u8> {
    let payload = json!({"version": 2, "items": items}).to_string();
    format!("{{}}\n{{\"type\":\"span\",\"length\":{}}}\n{payload}\n", payload.len()).into_bytes()
}

fn v2_span(trace: &str, id: &str, segment: &str, start: f64, end: f64) -> Value {
    json!({"trace_id": trace, "span_id": id, "parent_span_id": if id == segment { Value::Null } else { json!(segment) },
           "name": "GET /v2", "start_timestamp": start, "end_timestamp": end, "is_segment": id == segment,
           "status": "ok", "attributes": {"sentry.op": {"value": "http.server", "type": "string"},
                                          "sentry.segment.id": {"value": segment, "type": "string"}}})
}

#[tokio::test]
async fn a_transaction_with_a_negative_duration_or_no_valid_start_is_refused_with_the_reason() {
    let app = TestApp::new();
    let mut backwards = transaction("GET /bad", &event_id(), &span_id(), 5.0, 100.0, "ok", Vec::new());
    backwards["timestamp"] = json!(backwards["start_timestamp"].as_f64().unwrap() - 1.0);
    let mut negative = transaction("GET /bad", &event_id(), &span_id(), 5.0, 100.0, "ok", Vec::new());
    negative["start_timestamp"] = json!(-5.0);
    let mut words = transaction("GET /bad", &event_id(), &span_id(), 5.0, 100.0, "ok", Vec::new());
    words["start_timestamp"] = json!("yesterday");
    for (body, reason) in [
        (backwards, "before its start_timestamp"),
        (negative, "no start_timestamp of a valid time"),
        (words, "no start_timestamp of a valid time"),
    ] {
        let reply = post(&app, &body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        let detail = reply.body["detail"].as_str().unwrap();
        assert!(detail.contains("transaction refused") && detail.contains(reason), "{detail}");
    }
    // The same by the streamed-span protocol: a segment that ends before it starts.
    let (trace, root) = (event_id(), span_id());
    let now = sift::store::now();
    let reply = app.post_envelope(span_envelope(vec![v2_span(&trace, &root, &root, now, now - 0.2)])).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body["detail"].as_str().unwrap().contains("before its start_timestamp"), "{:?}", reply.body);
    assert_eq!(transactions_stored(&app), 0, "nothing refused was stored");
    assert_still_serving(&app).await;
}

#[tokio::test]
async fn spans_with_negative_durations_or_no_ids_are_dropped_with_a_note_and_the_rest_kept() {
    let app = TestApp::new();
    let (trace, root, good) = (event_id(), span_id(), span_id());
    let spans = vec![
        db(&good, &root, "SELECT 1", 1.0, 2.0),
        // Ends 3 ms before it starts.
        json!({"span_id": span_id(), "parent_span_id": root, "op": "db", "start_timestamp": 5.0, "timestamp": 2.0}),
        json!({"op": "db", "description": "no id", "start_timestamp": 1.0, "timestamp": 2.0}),
        json!({"span_id": "", "op": "db", "description": "empty id", "start_timestamp": 1.0, "timestamp": 2.0}),
        json!({"span_id": "0000000000000000", "op": "db", "start_timestamp": 1.0, "timestamp": 2.0}),
    ];
    let body = transaction("GET /mended", &trace, &root, 5.0, 100.0, "ok", spans);
    let reply = post(&app, &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let stored = stored(&app, body["event_id"].as_str().unwrap());
    let kept: Vec<&str> = stored["spans"].as_array().unwrap().iter().map(|s| s["span_id"].as_str().unwrap()).collect();
    assert_eq!(kept, [good.as_str()]);
    let reasons = reasons(&stored);
    assert!(reasons.iter().any(|r| r.contains("ends 3.000 ms before it starts")), "{reasons:?}");
    assert_eq!(reasons.iter().filter(|r| r.contains("no span_id")).count(), 3, "{reasons:?}");
    assert_a_tree(&trace_nodes(&app, &trace).await, 2);

    // A streamed child span that ends before it starts is dropped the same way.
    let (trace, root, child) = (event_id(), span_id(), span_id());
    let now = sift::store::now() - 1.0;
    let items =
        vec![v2_span(&trace, &root, &root, now, now + 0.5), v2_span(&trace, &child, &root, now + 0.3, now + 0.1)];
    let reply = app.post_envelope(span_envelope(items)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_a_tree(&trace_nodes(&app, &trace).await, 1);
    assert_still_serving(&app).await;
}

#[tokio::test]
async fn loops_of_parent_ids_in_one_transaction_or_across_two_still_make_a_tree() {
    let app = TestApp::new();
    let (trace, root) = (event_id(), span_id());
    let (a, b, c) = (span_id(), span_id(), span_id());
    let spans = vec![
        json!({"span_id": a, "parent_span_id": c, "op": "a", "start_timestamp": 1.0, "timestamp": 2.0}),
        json!({"span_id": b, "parent_span_id": a, "op": "b", "start_timestamp": 1.0, "timestamp": 2.0}),
        json!({"span_id": c, "parent_span_id": b, "op": "c", "start_timestamp": 1.0, "timestamp": 2.0}),
        json!({"span_id": span_id(), "parent_span_id": root, "op": "d", "start_timestamp": 1.0, "timestamp": 2.0}),
    ];
    let body = transaction("GET /loop", &trace, &root, 5.0, 100.0, "ok", spans);
    assert_eq!(post(&app, &body).await.status, StatusCode::OK);
    let reasons = reasons(&stored(&app, body["event_id"].as_str().unwrap()));
    assert_eq!(reasons.iter().filter(|r| r.contains("makes a cycle")).count(), 1, "{reasons:?}");
    let nodes = trace_nodes(&app, &trace).await;
    assert_a_tree(&nodes, 5);
    assert_eq!(nodes.iter().filter(|(depth, _)| *depth == 0).count(), 1, "one root, the transaction");
    assert_eq!(nodes.iter().map(|(depth, _)| *depth).max(), Some(3), "the cut loop hangs as a chain of three");

    // Two transactions, each continuing a span of the other: each is checked alone, so the
    // loop is only seen when the trace is built.
    let trace = event_id();
    let (root_a, root_b, span_a, span_b) = (span_id(), span_id(), span_id(), span_id());
    let mut first =
        transaction("GET /a", &trace, &root_a, 5.0, 100.0, "ok", vec![db(&span_a, &root_a, "SELECT a", 1.0, 2.0)]);
    first["contexts"]["trace"]["parent_span_id"] = json!(span_b);
    let mut second =
        transaction("GET /b", &trace, &root_b, 4.0, 100.0, "ok", vec![db(&span_b, &root_b, "SELECT b", 1.0, 2.0)]);
    second["contexts"]["trace"]["parent_span_id"] = json!(span_a);
    for body in [&first, &second] {
        assert_eq!(post(&app, body).await.status, StatusCode::OK);
    }
    let nodes = trace_nodes(&app, &trace).await;
    assert_a_tree(&nodes, 4);
    assert_eq!(nodes[0].1["event_id"], root_a, "the loop's earliest node is the root");
    assert_still_serving(&app).await;
}

#[tokio::test]
async fn a_transaction_of_100000_spans_is_refused_by_size_and_the_server_keeps_serving() {
    let app = TestApp::new();
    let root = span_id();
    let huge: Vec<Value> =
        (0..100_000).map(|i| db(&format!("{:016x}", i + 1), &root, "SELECT 1", i as f64 * 0.01, 0.005)).collect();
    let reply = post(&app, &transaction("GET /huge", &event_id(), &root, 5.0, 1000.0, "ok", huge)).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.body["detail"].as_str().unwrap().contains("100000 spans"), "{:?}", reply.body);
    assert_eq!(transactions_stored(&app), 0);
    assert_still_serving(&app).await;
}

/// With room for it (a larger `max_event`), the same transaction is stored whole and the trace
/// endpoint answers its 100,001 nodes as a tree.
#[tokio::test]
async fn a_transaction_of_100000_spans_within_the_limits_is_stored_whole() {
    let limits = sift::config::Limits { max_event: 64 * 1024 * 1024, ..sift::config::Limits::default() };
    let app = TestApp::with_config(sift::config::ServerConfig { limits, ..sift::config::ServerConfig::default() });
    let (trace, root) = (event_id(), span_id());
    let huge: Vec<Value> =
        (0..100_000).map(|i| db(&format!("{:016x}", i + 1), &root, "SELECT 1", i as f64 * 0.01, 0.005)).collect();
    let reply = post(&app, &transaction("GET /huge", &trace, &root, 5.0, 1000.0, "ok", huge)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_a_tree(&trace_nodes(&app, &trace).await, 100_001);
    assert_still_serving(&app).await;
}
