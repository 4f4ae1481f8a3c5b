//! Performance benchmark (`cargo bench --bench perf`): ingest of transactions beside errors
//! through the real envelope preparation and the group-commit writer, the Performance query
//! (one row per transaction name with count, failures, p50/p95 and users, as the Discover
//! table asks the store) over 1,000,000 transactions in 500 names spread over 14 days, its
//! sparkline series, and the span waterfall of a 1,000-span trace drawn at 120x40.
//! `SIFT_BENCH_TRANSACTIONS` overrides the transaction count for a quick run. Results go to
//! stdout and `target/bench-results/perf.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness: a failure aborts the run loudly")]

mod common;

use std::sync::mpsc;
use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use sift::api::models::performance::{Trace, TraceSpan};
use sift::config::{Durability, Limits};
use sift::ingest::{self, Request};
use sift::store::transactions::query::{self as tq, Filter, GroupKey};
use sift::store::{Store, WriteJob, projects};
use sift::tui::keymap::Keymap;
use sift::tui::stack::Screen;
use sift::tui::state::{Alerts, Load, Source, State};
use sift::tui::theme::Theme;
use sift::tui::view::draw;
use sift::tui::waterfall::{Flat, Waterfall};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const NAMES: usize = 500;
const JOB_ITEMS: usize = 256;
const ERRORS: usize = 100_000;
const DAYS: f64 = 14.0;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn timed(rounds: usize, mut run: impl FnMut()) -> (f64, f64) {
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

/// A sentry-python-shaped Flask transaction: a middleware span, a query, an N+1 of three and a
/// template render, 6 spans in all.
fn transaction(n: usize, start: f64) -> Value {
    // Ids from n + 1: an all-zero trace id is no id, and the transaction would be refused.
    let n = n + 1;
    let ms = 5.0 + (n * 7919 % 400) as f64;
    let root = format!("{:016x}", n * 8 + 1);
    let span = |k: usize, parent: &str, op: &str, description: &str, from: f64, len: f64| {
        json!({"span_id": format!("{:016x}", n * 8 + k), "parent_span_id": parent, "op": op,
               "description": description, "start_timestamp": start + from * ms / 1000.0,
               "timestamp": start + (from + len) * ms / 1000.0, "status": "ok"})
    };
    let middleware = format!("{:016x}", n * 8 + 2);
    let mut spans = vec![
        span(2, &root, "middleware.flask", "authenticate", 0.02, 0.9),
        span(3, &middleware, "db", "SELECT id, name FROM authors", 0.05, 0.1),
    ];
    for k in 0..3 {
        spans.push(span(
            4 + k,
            &middleware,
            "db",
            "SELECT title FROM books WHERE author_id = ?",
            0.2 + 0.2 * k as f64,
            0.15,
        ));
    }
    spans.push(span(7, &root, "template.render", "authors.html", 0.92, 0.06));
    let status = if n.is_multiple_of(50) { "internal_error" } else { "ok" };
    json!({"event_id": format!("{n:032x}"), "type": "transaction", "platform": "python",
           "transaction": format!("GET /api/endpoint-{}", n % NAMES), "transaction_info": {"source": "route"},
           "start_timestamp": start, "timestamp": start + ms / 1000.0,
           "environment": if n.is_multiple_of(3) { "staging" } else { "production" }, "release": "shop@1.4.2",
           "user": {"id": format!("u{}", n % 997)},
           "contexts": {"trace": {"trace_id": format!("{n:032x}"), "span_id": root, "op": "http.server", "status": status}},
           "sdk": {"name": "sentry.python.flask", "version": "2.19.2"}, "spans": spans})
}

fn envelope(item: &Value, kind: &str) -> Vec<u8> {
    let payload = item.to_string();
    format!(
        "{{\"event_id\":\"{}\"}}\n{{\"type\":\"{kind}\",\"length\":{}}}\n{payload}\n",
        item["event_id"].as_str().unwrap_or(""),
        payload.len()
    )
    .into_bytes()
}

/// Prepares `total` items made by `make` on every core and writes them through one writer;
/// the items per second.
fn fill(
    store: &Store,
    total: usize,
    kind: &'static str,
    make: impl Fn(usize) -> Value + Send + Sync + Copy + 'static,
) -> f64 {
    let now = sift::store::now();
    let started = Instant::now();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (tx, rx) = mpsc::sync_channel::<WriteJob>(8);
    let mut handles = Vec::new();
    for worker in 0..workers {
        let tx = tx.clone();
        handles.push(std::thread::spawn(move || {
            let request =
                Request { project_id: 1, received: now, client_ip: None, scrub: true, performance: Default::default() };
            let limits = Limits::default();
            let mut job = WriteJob::default();
            for n in (worker..total).step_by(workers) {
                let body = envelope(&make(n), kind);
                let parsed = ingest::envelope::parse(&body).expect("envelope");
                let prepared = ingest::prepare_envelope(&parsed, &request, &limits).expect("prepare");
                job.events.extend(prepared.job.events);
                job.transactions.extend(prepared.job.transactions);
                if job.events.len() + job.transactions.len() >= JOB_ITEMS {
                    tx.send(std::mem::take(&mut job)).expect("send");
                }
            }
            tx.send(job).expect("send");
        }));
    }
    drop(tx);
    for job in rx {
        store.writer().write_blocking(job).expect("write");
    }
    for h in handles {
        h.join().expect("worker");
    }
    total as f64 / started.elapsed().as_secs_f64()
}

fn open_store(dir: &std::path::Path) -> (rusqlite::Connection, Store) {
    let db = dir.join("sift.db");
    let mut conn = sift::store::open_admin(&db).expect("db");
    projects::bootstrap(&mut conn).expect("bootstrap");
    (conn, Store::open(&db, Durability::Normal).expect("store"))
}

/// A trace of one transaction with `spans` spans: a root, ten middleware levels, and the rest
/// queries under them.
fn big_trace(spans: usize) -> Trace {
    let t0 = sift::store::now() - 60.0;
    let leaf = |i: usize| TraceSpan {
        span_id: format!("{i:016x}"),
        op: "db".into(),
        description: format!("SELECT title FROM books WHERE author_id = {i}"),
        project_slug: "shop".into(),
        start: t0 + i as f64 * 0.002,
        end: t0 + i as f64 * 0.002 + 0.0015,
        ..TraceSpan::default()
    };
    let levels = 10;
    let mut node = TraceSpan {
        span_id: format!("{:016x}", spans + levels),
        op: "function".into(),
        description: "load".into(),
        start: t0,
        end: t0 + spans as f64 * 0.002,
        children: (0..spans - levels - 1).map(leaf).collect(),
        ..TraceSpan::default()
    };
    for level in 1..levels {
        node = TraceSpan {
            span_id: format!("{:016x}", spans + levels - level),
            op: "middleware".into(),
            description: format!("layer {level}"),
            start: t0,
            end: t0 + spans as f64 * 0.002 + 0.001,
            children: vec![node],
            ..TraceSpan::default()
        };
    }
    let root = TraceSpan {
        span_id: format!("{:016x}", spans + levels + 1),
        op: "http.server".into(),
        description: "GET /authors".into(),
        is_transaction: true,
        transaction: Some("GET /authors".into()),
        start: t0,
        end: t0 + spans as f64 * 0.002 + 0.01,
        children: vec![node],
        ..TraceSpan::default()
    };
    Trace { trace_id: "3f2a9c1b7d4e4a6f8b0c2d4e6f8a0b1c".into(), roots: vec![root], loose: Vec::new() }
}

fn main() {
    let total: usize = std::env::var("SIFT_BENCH_TRANSACTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let now = sift::store::now();
    let mut rows = Vec::new();

    // Errors first, in their own store, through the same path.
    let templates: Vec<Value> = common::templates(64)
        .iter()
        .filter_map(|t| serde_json::from_str::<Value>(t).ok())
        .filter(|e| e.get("exception").is_some())
        .collect();
    assert!(!templates.is_empty());
    let templates: &'static [Value] = Box::leak(templates.into_boxed_slice());
    let errors_dir = tempfile::tempdir().expect("tempdir");
    let (_conn, errors_store) = open_store(errors_dir.path());
    let error_rate = fill(&errors_store, ERRORS, "event", move |n| {
        let mut event = templates[n % templates.len()].clone();
        event["event_id"] = json!(format!("{:032x}", n + 1));
        event["timestamp"] = json!(sift::store::now() - 60.0);
        event
    });
    drop(errors_store);

    let dir = tempfile::tempdir().expect("tempdir");
    let (conn, store) = open_store(dir.path());
    let transaction_rate = fill(&store, total, "transaction", move |n| {
        transaction(n, now - 60.0 - n as f64 * DAYS * 86_400.0 / total as f64)
    });
    rows.push(format!("| error ingest (prepare + writer, {ERRORS} SDK events) | {error_rate:.0} events/s | |"));
    rows.push(format!(
        "| transaction ingest (prepare + writer, {total} transactions of 6 spans) | {transaction_rate:.0} transactions/s | |"
    ));
    drop(store);

    let by = [GroupKey::Transaction, GroupKey::Project];
    for (label, period) in [("24h", 86_400.0), ("14d", DAYS * 86_400.0)] {
        let filter = Filter { start: now - period, end: now, ..Filter::default() };
        let mut names = 0;
        let (p50, p99) = timed(50, || {
            let mut summary = tq::summary(&conn, &filter, &by).expect("summary");
            summary.groups.sort_by(|a, b| {
                let p95 = |g: &tq::Group| g.durations.quantile(0.95).unwrap_or_default();
                p95(b).total_cmp(&p95(a))
            });
            names = summary.groups.len();
        });
        assert_eq!(names, NAMES);
        rows.push(format!("| Performance table, {label}, {NAMES} names, sorted by p95 | {p50:.1} ms | {p99:.1} ms |"));
        let (p50, p99) = timed(20, || {
            let (series, _) = tq::series(&conn, &filter, 3600, true).expect("series");
            assert_eq!(series.len(), NAMES);
        });
        rows.push(format!("| sparkline series, {label}, hourly, {NAMES} names | {p50:.1} ms | {p99:.1} ms |"));
    }

    let trace = big_trace(1_000);
    let (p50, p99) = timed(50, || {
        assert_eq!(Flat::from_trace(&trace).spans, 1_000);
    });
    rows.push(format!("| waterfall: flatten a trace of 1,000 spans | {p50:.2} ms | {p99:.2} ms |"));
    let source =
        Source { label: "embedded".into(), url: "http://127.0.0.1:9000".into(), org: "local".into(), dsn: None };
    let mut state = State::new(source, std::time::Duration::from_secs(15), Alerts::default());
    let flat = Flat::from_trace(&trace);
    let cursor = flat.rows.len() / 2;
    state.screens.stack = vec![Screen::Waterfall(Waterfall {
        trace_id: trace.trace_id.clone(),
        data: Load::Ready(flat),
        cursor,
        ..Waterfall::default()
    })];
    let theme = Theme::builtin("dark").expect("theme");
    let keymap = Keymap::defaults();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let at = chrono::Utc::now();
    let (p50, p99) = timed(500, || {
        terminal.draw(|frame| draw(frame, &state, &theme, &keymap, at)).expect("draw");
    });
    rows.push(format!("| waterfall: draw a frame of a 1,000-span trace, 120x40 | {p50:.2} ms | {p99:.2} ms |"));

    let table = format!("| measure | p50 / rate | p99 |\n|---|---|---|\n{}\n", rows.join("\n"));
    println!("\n{table}");
    let out = common::repo().join("target/bench-results");
    std::fs::create_dir_all(&out).expect("results dir");
    std::fs::write(out.join("perf.md"), &table).expect("write");
}
