//! Fixtures of performance data for the console's tests: a Performance table, a
//! transaction's samples, and traces (with DB spans, an error on one span, a performance issue
//! and an error on no span), timed from [`super::fixtures::now`].

use crate::api::models::performance::{Trace, TraceIssue, TraceSpan, TransactionSample, TransactionSummary};

pub const TRACE_ID: &str = "3f2a9c1b7d4e4a6f8b0c2d4e6f8a0b1c";

fn t0() -> f64 {
    super::fixtures::now().timestamp() as f64 - 120.0
}

pub fn summaries() -> Vec<TransactionSummary> {
    let row = |name: &str, count: u64, p50: f64, p95: f64, failure_rate: f64, users: u64| TransactionSummary {
        transaction: name.into(),
        project: Some("shop".into()),
        count,
        throughput: count as f64 / 1440.0,
        p50: Some(p50),
        p95: Some(p95),
        failure_rate,
        users,
    };
    vec![
        row("GET /api/products", 48_210, 21.0, 88.0, 0.0, 1_204),
        row("GET /authors", 9_512, 96.5, 412.0, 0.0013, 380),
        row("POST /checkout", 2_204, 340.0, 1_850.0, 0.042, 611),
        row("GET /users/:id/orders/export-with-a-very-long-route-name-that-gets-cut", 75, 2_400.0, 9_800.0, 0.12, 9),
        row("café ☕ /menü", 12, 4.2, 5.1, 0.0, 2),
    ]
}

pub fn samples() -> Vec<TransactionSample> {
    let at = |ago: i64| Some(super::fixtures::now() - chrono::Duration::seconds(ago));
    [(412.3, 30), (388.0, 95), (251.7, 400), (96.1, 3_700), (12.9, 90_000)]
        .iter()
        .enumerate()
        .map(|(i, (ms, ago))| TransactionSample {
            span_id: format!("{:016x}", i + 1),
            trace_id: format!("{:x}{}", i + 1, &TRACE_ID[1..]),
            duration_ms: *ms,
            timestamp: at(*ago),
            transaction: "GET /authors".into(),
            project: Some("shop".into()),
        })
        .collect()
}

fn span(id: usize, op: &str, description: &str, from_ms: f64, ms: f64, children: Vec<TraceSpan>) -> TraceSpan {
    let start = t0() + from_ms / 1000.0;
    TraceSpan {
        span_id: format!("{id:016x}"),
        op: op.into(),
        description: description.into(),
        project_slug: "shop".into(),
        start,
        end: start + ms / 1000.0,
        children,
        ..TraceSpan::default()
    }
}

fn issue(kind: &str, short: &str, title: &str) -> TraceIssue {
    TraceIssue {
        event_id: "4b1c2d3e4f5061728394a5b6c7d8e9f0".into(),
        issue_id: "7".into(),
        short_id: Some(short.into()),
        title: title.into(),
        level: "error".into(),
        kind: kind.into(),
        project_slug: "shop".into(),
        ..TraceIssue::default()
    }
}

/// A Flask request: a source query, an N+1 of `repeats` queries (the first carrying the
/// performance issue), a template render, and an error on the last query.
pub fn trace(repeats: usize) -> Trace {
    let mut queries = vec![span(2, "db", "SELECT id, name FROM authors", 3.0, 4.0, Vec::new())];
    for i in 0..repeats {
        let at = 8.0 + i as f64 * 6.0;
        let mut query = span(10 + i, "db", "SELECT title FROM books WHERE author_id = ?", at, 5.5, Vec::new());
        if i == 0 {
            query.issues.push(issue("occurrence", "SHOP-4", "N+1 Query"));
        }
        queries.push(query);
    }
    let end = 8.0 + repeats as f64 * 6.0;
    let mut failing = span(9, "db", "SELECT * FROM stock WHERE sku = ?", end, 3.0, Vec::new());
    failing.issues.push(issue("error", "SHOP-1", "OperationalError: no such column: sku"));
    queries.push(failing);
    let render = span(8, "template.render", "authors.html", end + 4.0, 12.0, Vec::new());
    let mut middleware = span(3, "middleware.flask", "authenticate\u{1b}[31m", 1.0, end + 2.0, queries);
    middleware.children.sort_by(|a, b| a.start.total_cmp(&b.start));
    let mut root = span(1, "http.server", "GET /authors", 0.0, end + 20.0, vec![middleware, render]);
    root.is_transaction = true;
    root.transaction = Some("GET /authors".into());
    Trace { trace_id: TRACE_ID.into(), roots: vec![root], loose: vec![issue("error", "SHOP-2", "KeyError: 'cart'")] }
}
