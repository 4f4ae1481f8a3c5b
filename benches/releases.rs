//! Release list benchmark (`cargo bench --bench releases`): a store with 1,000 releases over
//! three projects, made the way SDK traffic makes them (events naming each release, through
//! the real ingest preparation and the writer: 30 events in 2 issues per release, spread over
//! 14 days), with sessions for every release (the SDK's aggregates: 20 buckets of a few hundred
//! sessions, some crashed, and a user each), and deploys and commits for every fourth release.
//! It then times the release list as the console's releases screen asks for it, through the
//! in-process router: `GET /api/0/organizations/local/releases/?health=1&per_page=50` (page one,
//! a page deep in the list, one project's), and without `health`, as sentry-cli lists them.
//! `SIFT_BENCH_RELEASES` overrides the release count.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness: a failure aborts the run loudly")]

mod common;

use std::time::Instant;

use axum::body::Body;
use axum::http::Request as HttpRequest;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sift::config::{Durability, ServerConfig};
use sift::ingest::{self, Request};
use sift::server::{AppState, router};
use sift::store::release_writes::{self, NewCommit, NewDeploy, ReleaseFields};
use sift::store::sessions::SessionUpdate;
use sift::store::{Store, WriteJob, projects, releases};
use tower::ServiceExt;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EVENTS_PER_RELEASE: usize = 30;
const SESSION_BUCKETS: usize = 20;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn fill(store: &Store, conn: &mut rusqlite::Connection, count: usize, now: f64) {
    let limits = sift::config::Limits::default();
    for n in 0..count {
        let project_id = 1 + (n % 3) as i64;
        let version = format!("shop@1.{}.{}", n / 100, n % 100);
        // Oldest first, so the newest release is the last one made, as in a real history.
        let age = (count - n) as f64 * 1_209_600.0 / count as f64;
        let request =
            Request { project_id, received: now - age, client_ip: None, scrub: true, performance: Default::default() };
        let mut job = WriteJob::default();
        for e in 0..EVENTS_PER_RELEASE {
            let body = json!({
                "event_id": format!("{:016x}{:016x}", n, e),
                "message": format!("checkout failed in step {} of release {n}", e % 2),
                "release": version,
                "environment": "production",
                "timestamp": now - age + e as f64 * 60.0,
                "user": { "id": format!("u{}", e % 7) },
            })
            .to_string();
            job.events.extend(ingest::prepare_store(body.as_bytes(), &request, &limits).expect("prepare").job.events);
        }
        let hour = ((now - age) / 3600.0).floor() as i64;
        job.sessions = (0..SESSION_BUCKETS)
            .map(|b| SessionUpdate {
                project_id,
                release: version.clone(),
                environment: "production".into(),
                hour: hour + (b % 12) as i64,
                received: now - age,
                did: Some(format!("user-{b}")),
                started: 300,
                errored: 6,
                crashed: (b % 3) as u64,
                ..SessionUpdate::default()
            })
            .collect();
        store.writer().write_blocking(job).expect("write");
    }
    let tx = conn.transaction().expect("transaction");
    for n in (0..count).step_by(4) {
        let version = format!("shop@1.{}.{}", n / 100, n % 100);
        let release = releases::find(&tx, 1, &version).expect("find").expect("made by its events");
        let fields = ReleaseFields { date_released: Some(Some(now)), ..ReleaseFields::default() };
        release_writes::update(&tx, &release, &fields).expect("finalize");
        let deploy = NewDeploy { environment: "production".into(), date_finished: now, ..NewDeploy::default() };
        release_writes::add_deploy(&tx, &release, &deploy).expect("deploy");
        let commits: Vec<NewCommit> = (0..5)
            .map(|c| NewCommit {
                sha: format!("{n:020x}{c:020x}"),
                repository: Some("acme/shop".into()),
                author_email: Some(format!("dev{c}@example.com")),
                ..NewCommit::default()
            })
            .collect();
        release_writes::set_commits(&tx, &release, &commits, now).expect("commits");
    }
    tx.commit().expect("commit");
}

fn main() {
    let count: usize = std::env::var("SIFT_BENCH_RELEASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000);
    let work = tempfile::tempdir().expect("tempdir");
    let db = work.path().join("sift.db");
    let mut conn = sift::store::open_admin(&db).expect("db");
    projects::bootstrap(&mut conn).expect("bootstrap");
    for slug in ["web", "worker"] {
        projects::create_project(&mut conn, slug, None).expect("project");
    }
    let store = Store::open(&db, Durability::Normal).expect("store");
    let now = sift::store::now();
    let started = Instant::now();
    fill(&store, &mut conn, count, now);
    let fill_secs = started.elapsed().as_secs_f64();
    let token = projects::api_token(&conn).expect("token").expect("a token");
    let app = router(AppState::new(store.clone(), &ServerConfig::default()));

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut rows = Vec::new();
    let last_page = format!("0:{}:0", count.saturating_sub(50));
    for (label, query) in [
        ("health, page 1 (the releases screen)", "health=1&per_page=50".to_string()),
        ("health, the last page", format!("health=1&per_page=50&cursor={last_page}")),
        ("health, one project's page 1", "health=1&per_page=50&project=2".to_string()),
        ("no health, 25 rows (sentry-cli releases list)", String::new()),
    ] {
        let uri = format!("/api/0/organizations/local/releases/?{query}");
        let mut times = Vec::new();
        for _ in 0..100 {
            let request = HttpRequest::get(&uri)
                .header("authorization", format!("Bearer {token}"))
                .header("host", "127.0.0.1")
                .body(Body::empty())
                .expect("request");
            let t = Instant::now();
            let response = runtime.block_on(app.clone().oneshot(request)).expect("infallible");
            assert!(response.status().is_success(), "{uri}: {}", response.status());
            let body = runtime.block_on(response.into_body().collect()).expect("body").to_bytes();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            let list: Value = serde_json::from_slice(&body).expect("json");
            assert!(!list.as_array().expect("a list").is_empty(), "{uri}");
        }
        times.sort_by(f64::total_cmp);
        rows.push(format!(
            "| release list: {label} | {:.2} ms | {:.2} ms |",
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        ));
    }
    let events = count * EVENTS_PER_RELEASE;
    let table = format!(
        "| query | p50 | p99 |\n|---|---|---|\n{}\n\n{count} releases over 3 projects with {events} events, {} session buckets, \
         deploys and commits for every fourth; filled in {fill_secs:.0}s. Times include routing, the queries and the JSON.\n",
        rows.join("\n"),
        count * SESSION_BUCKETS
    );
    println!("\n{table}");
    let out = common::repo().join("target/bench-results");
    std::fs::create_dir_all(&out).expect("results dir");
    std::fs::write(out.join("releases.md"), &table).expect("write");
}
