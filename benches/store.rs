//! Store benchmark (`cargo bench --bench store`): fills a store with 1,000,000 events in
//! 10,000 issues (real SDK event shapes, 5-9 KB, spread over 14 days) through the real ingest
//! preparation and the group-commit writer, then measures the issue-list query (25 rows, with
//! each row's 24h hourly series: the default sort and filter, `freq`, `new` and For Review) and
//! the database size against the raw JSON. The queries are planned as sift plans them, without
//! `ANALYZE` statistics, which sift never gathers. `SIFT_BENCH_EVENTS` overrides the event count
//! for a quick run (the list's cost depends on the 10,000 issues, not on the events).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness: a failure aborts the run loudly")]

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Instant;

use serde_json::{Value, json};
use sift::config::Durability;
use sift::ingest::{self, Request};
use sift::store::issue_list::{self, Filter, ListQuery, Sort};
use sift::store::issues::{self, Viewer};
use sift::store::{Store, WriteJob, projects};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ISSUES: usize = 10_000;
const JOB_EVENTS: usize = 256;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let total: usize = std::env::var("SIFT_BENCH_EVENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let work = tempfile::tempdir().expect("tempdir");
    let db = work.path().join("sift.db");
    let mut conn = sift::store::open_admin(&db).expect("db");
    projects::bootstrap(&mut conn).expect("bootstrap");
    let store = Store::open(&db, Durability::Normal).expect("store");
    let templates: Arc<Vec<Value>> = Arc::new(
        common::templates(64)
            .iter()
            .filter_map(|t| serde_json::from_str::<Value>(t).ok())
            .filter(|e| e.get("exception").is_some())
            .collect(),
    );
    assert!(!templates.is_empty());
    let now = sift::store::now();
    let raw_bytes = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (tx, rx) = mpsc::sync_channel::<WriteJob>(8);
    let mut handles = Vec::new();
    for worker in 0..workers {
        let (tx, templates, raw_bytes) = (tx.clone(), templates.clone(), raw_bytes.clone());
        handles.push(std::thread::spawn(move || {
            let request =
                Request { project_id: 1, received: now, client_ip: None, scrub: true, performance: Default::default() };
            let limits = sift::config::Limits::default();
            let mut job = WriteJob::default();
            for n in (worker..total).step_by(workers) {
                let issue = n % ISSUES;
                let mut event = templates[issue % templates.len()].clone();
                // Exactly ISSUES issues: the default grouping still runs, plus the issue index.
                event["fingerprint"] = json!(["{{ default }}", format!("issue-{issue}")]);
                event["event_id"] = json!(format!("{n:032x}"));
                event["timestamp"] = json!(now - (n as f64 * 1_209_600.0 / total as f64));
                if let Some(values) = event["exception"]["values"].as_array_mut()
                    && let Some(last) = values.last_mut()
                {
                    last["type"] = json!(format!("{}{issue}", last["type"].as_str().unwrap_or("Error")));
                }
                event["user"] = json!({ "id": format!("u{}", n % 997) });
                let body = event.to_string();
                raw_bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                let prepared = ingest::prepare_store(body.as_bytes(), &request, &limits).expect("prepare");
                job.events.extend(prepared.job.events);
                if job.events.len() >= JOB_EVENTS {
                    tx.send(std::mem::take(&mut job)).expect("send");
                }
            }
            if !job.events.is_empty() {
                tx.send(job).expect("send");
            }
        }));
    }
    drop(tx);
    for job in rx {
        store.writer().write_blocking(job).expect("write");
    }
    for h in handles {
        h.join().expect("worker");
    }
    let fill_secs = started.elapsed().as_secs_f64();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").expect("checkpoint");
    let db_bytes = std::fs::metadata(&db).expect("size").len();
    let raw = raw_bytes.load(Ordering::Relaxed);
    let stored = issues::event_count(&conn).expect("count");
    let groups = issues::list_issues(&conn, None).expect("issues").len();

    let end_hour = (now / 3600.0).floor() as i64;
    let mut rows = Vec::new();
    let unresolved = || vec![Filter::Status(vec!["unresolved".to_owned()])];
    for (label, sort, filters) in [
        ("date, unresolved (default)", Sort::LastSeen, unresolved()),
        ("freq, unresolved", Sort::Events, unresolved()),
        ("new, all statuses", Sort::FirstSeen, vec![]),
        ("date, for review", Sort::LastSeen, vec![Filter::ForReview]),
    ] {
        let query = ListQuery { filters, sort, limit: 25, ..ListQuery::default() };
        let viewer = Viewer { user_id: issues::LOCAL_USER, now };
        let mut times = Vec::new();
        for _ in 0..200 {
            let t = Instant::now();
            let page = issue_list::list_page(&conn, &query, viewer).expect("page").issues;
            let ids: Vec<i64> = page.iter().map(|i| i.id).collect();
            let series = issue_list::stats_series(&conn, &ids, end_hour, 24, 1).expect("stats");
            assert_eq!(series.len(), page.len());
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        rows.push(format!(
            "| issue list: {label}, 25 rows + 24h series | {:.2} ms | {:.2} ms |",
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        ));
    }
    let table = format!(
        "| query | p50 | p99 |\n|---|---|---|\n{}\n\n{stored} events in {groups} issues, filled in {fill_secs:.0}s ({:.0} events/s through prepare + writer). \
         Raw JSON {:.0} MiB; database {:.0} MiB = {:.1}% of raw.\n",
        rows.join("\n"),
        stored as f64 / fill_secs,
        raw as f64 / 1048576.0,
        db_bytes as f64 / 1048576.0,
        db_bytes as f64 * 100.0 / raw as f64
    );
    println!("\n{table}");
    let out = common::repo().join("target/bench-results");
    std::fs::create_dir_all(&out).expect("results dir");
    std::fs::write(out.join("store.md"), &table).expect("write");
}
