//! Performance through the router: transactions posted as real envelopes, then read back by the
//! Discover table, events-stats and the trace endpoint as Sentry's views call them; performance
//! issues in the issue list and the triage lifecycle; refusals with their status and `detail`
//! (malformed transactions are in `perf_bad_input`).

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, event_id, python_error};

/// A transaction envelope item.
pub fn transaction_envelope(transaction: &Value) -> Vec<u8> {
    let payload = transaction.to_string();
    let header = json!({ "event_id": transaction["event_id"] });
    format!("{header}\n{{\"type\":\"transaction\",\"length\":{}}}\n{payload}\n", payload.len()).into_bytes()
}

pub fn span_id() -> String {
    event_id()[..16].to_string()
}

/// A transaction of `ms` that started `ago` seconds back, with `spans` (built with `db`).
pub fn transaction(name: &str, trace: &str, root: &str, ago: f64, ms: f64, status: &str, spans: Vec<Value>) -> Value {
    let start = sift::store::now() - ago;
    json!({"event_id": event_id(), "type": "transaction", "platform": "node", "transaction": name,
           "start_timestamp": start, "timestamp": start + ms / 1000.0, "environment": "production",
           "release": "shop@1.0", "user": {"id": format!("u{}", (ago as i64 / 60) % 3)},
           "contexts": {"trace": {"trace_id": trace, "span_id": root, "op": "http.server", "status": status}},
           "sdk": {"name": "sentry.javascript.node", "version": "11.12.0"},
           "spans": spans.into_iter().map(|mut s| {
               let (a, b) = (s["start_timestamp"].as_f64().unwrap(), s["timestamp"].as_f64().unwrap());
               s["start_timestamp"] = json!(start + a / 1000.0);
               s["timestamp"] = json!(start + b / 1000.0);
               s
           }).collect::<Vec<_>>()})
}

/// A DB span from `at` to `at + ms` milliseconds into the transaction.
pub fn db(id: &str, parent: &str, description: &str, at: f64, ms: f64) -> Value {
    json!({"span_id": id, "parent_span_id": parent, "op": "db", "description": description,
           "start_timestamp": at, "timestamp": at + ms})
}

/// The N+1 of the tests: one query, then ten of another, 8 ms each.
fn n_plus_one(root: &str) -> Vec<Value> {
    let mut spans = vec![db(&span_id(), root, "SELECT id FROM authors", 1.0, 2.0)];
    spans.extend(
        (0..10).map(|i| db(&span_id(), root, "SELECT title FROM books WHERE author_id = ?", 4.0 + 9.0 * i as f64, 8.0)),
    );
    spans
}

pub async fn post(app: &TestApp, transaction: &Value) -> crate::support::Reply {
    app.post_envelope(transaction_envelope(transaction)).await
}

const TABLE: &str = "/api/0/organizations/local/events/?dataset=spans&statsPeriod=24h\
    &field=transaction&field=project&field=count()&field=epm()&field=p50(span.duration)&field=p95(span.duration)\
    &field=failure_rate()&field=count_unique(user)";

#[tokio::test]
async fn the_table_groups_transactions_by_name_with_sentrys_keys_and_meta() {
    let app = TestApp::new();
    let trace = event_id();
    for (i, ms) in [100.0, 200.0, 300.0, 400.0].iter().enumerate() {
        let status = if i == 3 { "internal_error" } else { "ok" };
        let reply =
            post(&app, &transaction("GET /books", &trace, &span_id(), 60.0 * i as f64, *ms, status, Vec::new())).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    }
    post(&app, &transaction("POST /cart", &trace, &span_id(), 30.0, 50.0, "ok", Vec::new())).await;

    let reply = app.api("GET", &format!("{TABLE}&query=is_transaction:true&sort=-p95(span.duration)"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let rows = reply.body["data"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let books = &rows[0];
    assert_eq!((books["transaction"].as_str(), books["project"].as_str()), (Some("GET /books"), Some("default")));
    assert_eq!(books["count()"], 4);
    assert_eq!(books["count_unique(user)"], 3);
    assert_eq!(books["failure_rate()"], 0.25);
    let p50 = books["p50(span.duration)"].as_f64().unwrap();
    let p95 = books["p95(span.duration)"].as_f64().unwrap();
    assert!((p50 - 250.0).abs() / 250.0 < 0.011, "{p50}");
    assert!((p95 - 385.0).abs() / 385.0 < 0.011, "{p95}");
    let epm = books["epm()"].as_f64().unwrap();
    assert!((epm - 4.0 / 1440.0).abs() < 1e-9, "{epm}");
    let meta = &reply.body["meta"];
    assert_eq!(meta["fields"]["count()"], "integer");
    assert_eq!(meta["fields"]["p95(span.duration)"], "duration");
    assert_eq!(meta["fields"]["failure_rate()"], "percentage");
    assert_eq!(meta["fields"]["epm()"], "rate");
    assert_eq!(meta["units"]["p95(span.duration)"], "millisecond");
    assert_eq!(meta["units"]["transaction"], Value::Null);
    assert_eq!((meta["dataset"].as_str(), meta["isMetricsData"].as_bool()), (Some("spans"), Some(true)));

    // Sorted the other way, filtered, paged.
    let reply = app.api("GET", &format!("{TABLE}&query=is_transaction:true&sort=count()&per_page=1"), None).await;
    assert_eq!(reply.body["data"][0]["transaction"], "POST /cart");
    assert!(reply.headers["link"].to_str().unwrap().contains("rel=\"next\"; results=\"true\""));
    let reply =
        app.api("GET", &format!("{TABLE}&query=is_transaction:true%20transaction.status:internal_error"), None).await;
    assert_eq!(reply.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(reply.body["meta"]["isMetricsData"], false, "status is read from the transactions themselves");
    assert_eq!(reply.body["data"][0]["count()"], 1);
    let reply = app.api("GET", &format!("{TABLE}&query=is_transaction:true%20cart&environment=production"), None).await;
    assert_eq!(reply.body["data"].as_array().unwrap().len(), 1);
    let reply = app.api("GET", &format!("{TABLE}&query=is_transaction:true&environment=staging"), None).await;
    assert_eq!(reply.body["data"], json!([]));

    // The transactions dataset answers the same, under Sentry's older names.
    let older = "/api/0/organizations/local/events/?dataset=transactions&field=transaction&field=p50(transaction.duration)\
                 &field=avg(transaction.duration)&query=event.type:transaction%20transaction:%22GET%20/books%22";
    let reply = app.api("GET", older, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["data"][0]["avg(transaction.duration)"], 250.0);
}

#[tokio::test]
async fn samples_come_slowest_first_and_events_stats_count_per_bucket() {
    let app = TestApp::new();
    for (ago, ms) in [(10.0, 30.0), (20.0, 90.0), (30.0, 60.0)] {
        post(&app, &transaction("GET /slow", &event_id(), &span_id(), ago, ms, "ok", Vec::new())).await;
    }
    let samples = "/api/0/organizations/local/events/?dataset=spans&statsPeriod=1h&field=id&field=trace\
                   &field=span.duration&field=timestamp&field=transaction&field=project\
                   &query=is_transaction:true%20transaction:%22GET%20/slow%22&sort=-span.duration&per_page=2";
    let reply = app.api("GET", samples, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let durations: Vec<f64> =
        reply.body["data"].as_array().unwrap().iter().map(|r| r["span.duration"].as_f64().unwrap()).collect();
    assert_eq!(durations, [90.0, 60.0]);
    assert_eq!(reply.body["data"][0]["id"].as_str().unwrap().len(), 16, "in the spans dataset, id is the span");
    assert_eq!(reply.body["data"][0]["trace"].as_str().unwrap().len(), 32);
    assert_eq!(reply.body["meta"]["fields"]["timestamp"], "date");

    let stats = "/api/0/organizations/local/events-stats/?dataset=spans&statsPeriod=24h&interval=1h&yAxis=count()\
                 &query=is_transaction:true&field=transaction&field=count()&topEvents=5&excludeOther=1";
    let reply = app.api("GET", stats, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let series = reply.body["GET /slow"]["data"].as_array().unwrap();
    assert!((24..=25).contains(&series.len()), "{}", series.len());
    let total: f64 = series.iter().map(|p| p[1][0]["count"].as_f64().unwrap()).sum();
    assert_eq!(total, 3.0);
    assert_eq!(reply.body["GET /slow"]["order"], 0);
    let both = "/api/0/organizations/local/events-stats/?statsPeriod=2h&interval=30m&yAxis=count()&yAxis=p95()";
    let reply = app.api("GET", both, None).await;
    assert_eq!(reply.body["count()"]["data"].as_array().unwrap().len(), 5);
    assert!(reply.body["p95()"]["data"].is_array());
}

#[tokio::test]
async fn the_trace_nests_spans_and_transactions_and_hangs_errors_on_their_spans() {
    let app = TestApp::new();
    let trace = event_id();
    let (front_root, call, back_root, query) = (span_id(), span_id(), span_id(), span_id());
    let front = transaction(
        "GET /checkout",
        &trace,
        &front_root,
        5.0,
        300.0,
        "ok",
        vec![json!({
        "span_id": call, "parent_span_id": front_root, "op": "http.client", "description": "POST /api/pay",
        "start_timestamp": 10.0, "timestamp": 200.0})],
    );
    let mut back = transaction(
        "POST /api/pay",
        &trace,
        &back_root,
        4.9,
        150.0,
        "internal_error",
        vec![db(&query, &back_root, "SELECT * FROM cards", 5.0, 20.0)],
    );
    back["contexts"]["trace"]["parent_span_id"] = json!(call);
    post(&app, &front).await;
    post(&app, &back).await;
    let mut error = python_error("CardDeclined", "card 4242 was declined", &[("pay.py", "charge", "app")]);
    error["contexts"] = json!({"trace": {"trace_id": trace, "span_id": query}});
    let error_id = app.send_event(error).await;
    let mut stray = python_error("KeyError", "'x'", &[("x.py", "f", "app")]);
    stray["contexts"] = json!({"trace": {"trace_id": trace, "span_id": "00000000000000ff"}});
    app.send_event(stray).await;

    let reply = app.api("GET", &format!("/api/0/organizations/local/trace/{trace}/"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let items = reply.body.as_array().unwrap();
    assert_eq!(items.len(), 2, "one root transaction, one error on no span");
    let root = &items[0];
    assert_eq!((root["event_id"].as_str(), root["is_transaction"].as_bool()), (Some(front_root.as_str()), Some(true)));
    assert_eq!(root["description"], "GET /checkout");
    let http = &root["children"][0];
    assert_eq!(
        (http["event_id"].as_str(), http["parent_span_id"].as_str()),
        (Some(call.as_str()), Some(front_root.as_str()))
    );
    let backend = &http["children"][0];
    assert_eq!(
        (backend["event_id"].as_str(), backend["transaction"].as_str()),
        (Some(back_root.as_str()), Some("POST /api/pay"))
    );
    let db_span = &backend["children"][0];
    assert_eq!(db_span["op"], "db");
    assert_eq!(db_span["errors"][0]["event_id"], error_id.as_str());
    assert_eq!(db_span["errors"][0]["description"], "CardDeclined: card 4242 was declined");
    assert!(db_span["errors"][0]["short_id"].as_str().unwrap().starts_with("DEFAULT-"));
    assert_eq!(db_span["errors"][0]["issue_type"], 1);
    assert_eq!(items[1]["event_type"], "error");
    assert_eq!(db_span["duration"], 20.0);

    let reply = app.api("GET", &format!("/api/0/organizations/local/trace/{}/", event_id()), None).await;
    assert_eq!(reply.body, json!([]));
    let reply = app.api("GET", "/api/0/organizations/local/trace/nothex/", None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body["detail"].as_str().unwrap().contains("32 hex digits"));
}

#[tokio::test]
async fn an_n_plus_one_makes_one_performance_issue_that_joins_triage() {
    let app = TestApp::new();
    let trace = event_id();
    let root = span_id();
    let first = transaction("GET /authors", &trace, &root, 20.0, 120.0, "ok", n_plus_one(&root));
    assert_eq!(post(&app, &first).await.status, StatusCode::OK);
    let other_root = span_id();
    post(&app, &transaction("GET /authors", &event_id(), &other_root, 10.0, 130.0, "ok", n_plus_one(&other_root)))
        .await;
    let clean_root = span_id();
    let clean = vec![db(&span_id(), &clean_root, "SELECT id FROM authors", 1.0, 2.0)];
    post(&app, &transaction("GET /authors/1", &event_id(), &clean_root, 5.0, 20.0, "ok", clean)).await;

    let issues = app.issues();
    assert_eq!(issues.len(), 1, "the same loop twice is one issue; the clean request makes none");
    let issue = &issues[0];
    assert_eq!((issue.title.as_str(), issue.culprit.as_deref()), ("N+1 Query", Some("GET /authors")));
    assert_eq!(issue.times_seen, 2);
    let reply = app.api("GET", &format!("/api/0/issues/{}/", issue.id), None).await;
    assert_eq!(
        (reply.body["issueCategory"].as_str(), reply.body["issueType"].as_str()),
        (Some("performance"), Some("performance_n_plus_one_db_queries"))
    );
    assert_eq!(reply.body["metadata"]["value"], "SELECT title FROM books WHERE author_id = ?");
    assert_eq!(reply.body["priority"], "low");
    let listed = app.api("GET", "/api/0/organizations/local/issues/?query=issue.category:performance", None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    let errors_only = app.api("GET", "/api/0/organizations/local/issues/?query=issue.category:error", None).await;
    assert_eq!(errors_only.body, json!([]));

    // Resolved, it regresses when the loop comes back.
    let reply = app.api("PUT", &format!("/api/0/issues/{}/", issue.id), Some(json!({"status": "resolved"}))).await;
    assert_eq!(reply.status, StatusCode::OK);
    let again_root = span_id();
    post(&app, &transaction("GET /authors", &event_id(), &again_root, 1.0, 110.0, "ok", n_plus_one(&again_root))).await;
    let issue = &app.issues()[0];
    assert_eq!((issue.status.as_str(), issue.substatus.as_deref()), ("unresolved", Some("regressed")));

    // The trace shows the issue on its first repeated query.
    let reply = app.api("GET", &format!("/api/0/organizations/local/trace/{trace}/"), None).await;
    let children = reply.body[0]["children"].as_array().unwrap();
    assert_eq!(children.len(), 11);
    assert_eq!(children[1]["occurrences"][0]["description"], "N+1 Query");
    assert_eq!(children[1]["occurrences"][0]["issue_type"], 1006);
}

#[tokio::test]
async fn unknown_fields_functions_and_datasets_are_400_with_a_detail() {
    let app = TestApp::new();
    let base = "/api/0/organizations/local/events/?per_page=5";
    let cases = [
        ("", "No columns selected"),
        ("&field=flavour", "Unknown field: \"flavour\""),
        ("&field=p42()", "p42() is not a valid function"),
        ("&field=p95(measurements.lcp)", "takes transaction.duration"),
        ("&field=count()&sort=-p95()", "not selected"),
        ("&field=id&field=count()", "cannot be grouped by"),
        ("&field=count()&dataset=errors", "dataset \"errors\" is not kept"),
        ("&field=count()&dataset=spans", "add is_transaction:true"),
        ("&field=count()&query=is:unresolved", "\"is\" is not a field"),
        ("&field=count()&query=transaction:%22open", "Invalid query"),
        ("&field=count()&statsPeriod=forever", "Invalid statsPeriod"),
        ("&field=count()&project=999", "project 999 is not in organization"),
        ("&field=transaction&sort=transaction", "sorted by transaction.duration or timestamp"),
    ];
    for (query, detail) in cases {
        let reply = app.api("GET", &format!("{base}{query}"), None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}: {:?}", reply.body);
        let got = reply.body["detail"].as_str().unwrap_or_default();
        assert!(got.contains(detail), "{query}: {got}");
    }
    let stats = app.api("GET", "/api/0/organizations/local/events-stats/?yAxis=count_unique(user)", None).await;
    assert_eq!(stats.status, StatusCode::BAD_REQUEST);
    let stats = app.api("GET", "/api/0/organizations/local/events-stats/?interval=1m&statsPeriod=90d", None).await;
    assert!(stats.body["detail"].as_str().unwrap().contains("buckets"), "{:?}", stats.body);
    let stats = app.api("GET", "/api/0/organizations/local/events-stats/?topEvents=50&field=transaction", None).await;
    assert!(stats.body["detail"].as_str().unwrap().contains("topEvents"), "{:?}", stats.body);
    assert_eq!(
        app.api("GET", "/api/0/organizations/nope/events/?field=count()", None).await.status,
        StatusCode::NOT_FOUND
    );
}
