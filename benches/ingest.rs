//! Ingest throughput benchmark (`cargo bench --bench ingest`; `benches/run.sh` installs `wrk`).
//!
//! Replays realistic 5-9 KB error envelopes (real SDK event shapes) with `wrk` over loopback,
//! first at an in-process no-op handler (the ceiling of HTTP on this machine), then at the
//! release `sift serve`, where every 200 means decoded, normalized, scrubbed, grouped and
//! durably committed. Reports requests/s, accepted events/s, p50/p99 latency and the server's
//! CPU time per stored event (user and kernel); then the same for JavaScript events from two
//! minified builds, to a project without source maps and to one with their bundles (every event
//! symbolicated at ingest), and writes the table to
//! `target/bench-results/ingest.md`. `SIFT_BENCH_BIN=path/to/sift` runs another
//! build of the server, for before-and-after runs on the same day.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness: a failure aborts the run loudly")]

mod common;
mod js_events;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;

const DURATION_SECS: u64 = 15;
const CONNECTIONS: usize = 64;

struct WrkResult {
    requests_per_sec: f64,
    non_2xx: u64,
    p50_ms: f64,
    p99_ms: f64,
}

fn parse_latency(text: &str) -> f64 {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(text.len()));
    let value: f64 = number.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => value / 1000.0,
        "ms" => value,
        "s" => value * 1000.0,
        "m" => value * 60_000.0,
        _ => f64::NAN,
    }
}

fn wrk(addr: SocketAddr, template_dir: &Path, templates: usize, key: &str, path: &str) -> WrkResult {
    let script = common::repo().join("benches/ingest.lua");
    let output = Command::new("wrk")
        .args(["-t1", &format!("-c{CONNECTIONS}"), &format!("-d{DURATION_SECS}s"), "--latency", "-s"])
        .arg(&script)
        .arg(format!("http://{addr}"))
        .arg("--")
        .arg(template_dir)
        .arg(templates.to_string())
        .arg(key)
        .arg(path)
        .output()
        .expect("wrk is installed (benches/run.sh installs it)");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "wrk failed: {text}\n{}", String::from_utf8_lossy(&output.stderr));
    let field = |prefix: &str| text.lines().find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_string()));
    WrkResult {
        requests_per_sec: field("Requests/sec:").and_then(|v| v.parse().ok()).unwrap_or(0.0),
        non_2xx: field("Non-2xx or 3xx responses:").and_then(|v| v.parse().ok()).unwrap_or(0),
        p50_ms: field("50%").map(|v| parse_latency(&v)).unwrap_or(f64::NAN),
        p99_ms: field("99%").map(|v| parse_latency(&v)).unwrap_or(f64::NAN),
    }
}

/// User and kernel CPU seconds process `pid` has used, all threads (`/proc/PID/stat`, in the
/// kernel's fixed 100 ticks per second).
fn cpu_seconds(pid: u32) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which ends at the last ')': state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| fields.get(i - 3).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN) / 100.0;
    (ticks(14), ticks(15))
}

fn start_noop() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send addr");
            let app = Router::new().route(
                "/api/{project}/envelope/",
                post(|body: axum::body::Bytes| async move {
                    axum::Json(serde_json::json!({ "id": body.len().to_string() }))
                }),
            );
            axum::serve(listener, app).await.expect("serve");
        });
    });
    rx.recv().expect("noop address")
}

/// One measured server run: wrk's view and what the server stored and spent.
struct ServerRun {
    wrk: WrkResult,
    stored: i64,
    issues: usize,
    elapsed: f64,
    user_us: f64,
    kernel_us: f64,
}

/// Starts a fresh `sift serve` in `dir`, lets `prepare` set it up (address, token), then
/// measures it under wrk with the templates in `template_dir`.
fn measure(dir: &Path, template_dir: &Path, templates: usize, prepare: impl FnOnce(SocketAddr, &str)) -> ServerRun {
    let data = dir.join("data");
    let mut child = Command::new(common::binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("SIFT_CONFIG_DIR", dir.join("config"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("start sift serve");
    let (addr, key) = common::wait_for_server(&mut child, &data, "");
    let addr: SocketAddr = addr.parse().expect("addr");
    let conn = sift::store::open_connection(&data.join("sift.db"), true).expect("db");
    let token = sift::store::projects::api_token(&conn).expect("token").expect("a token");
    prepare(addr, &token);
    let stored_before = sift::store::issues::event_count(&conn).expect("count");
    let cpu_before = cpu_seconds(child.id());
    let started = Instant::now();
    let wrk = wrk(addr, template_dir, templates, &key, "/api/1/envelope/");
    let elapsed = started.elapsed().as_secs_f64().min(DURATION_SECS as f64 + 1.0);
    std::thread::sleep(Duration::from_millis(500));
    let cpu_after = cpu_seconds(child.id());
    let stored = sift::store::issues::event_count(&conn).expect("count") - stored_before;
    let per_event = |before: f64, after: f64| (after - before) * 1e6 / stored.max(1) as f64;
    let (user_us, kernel_us) = (per_event(cpu_before.0, cpu_after.0), per_event(cpu_before.1, cpu_after.1));
    let issues = sift::store::issues::list_issues(&conn, None).expect("issues").len();
    let _ = child.kill();
    let _ = child.wait();
    ServerRun { wrk, stored, issues, elapsed, user_us, kernel_us }
}

fn write_templates(dir: &Path, templates: &[String]) -> (usize, usize, usize) {
    common::write_templates(dir, templates);
    let sizes: Vec<usize> = templates.iter().map(String::len).collect();
    (
        sizes.iter().copied().min().unwrap_or(0),
        sizes.iter().copied().max().unwrap_or(0),
        sizes.iter().sum::<usize>() / sizes.len(),
    )
}

fn main() {
    let work = tempfile::tempdir().expect("tempdir");
    let template_dir = work.path().join("templates");
    let (min, max, avg) = write_templates(&template_dir, &common::templates(64));
    println!("64 templates from real SDK events, {min}-{max} bytes (avg {avg})");
    let js_dir = work.path().join("js-templates");
    let (js_min, js_max, js_avg) = write_templates(&js_dir, &js_events::templates(64));

    println!("Measured: `{}`", common::binary().to_string_lossy());
    let noop = wrk(start_noop(), &template_dir, 64, "k", "/api/1/envelope/");
    let sift = measure(&work.path().join("plain"), &template_dir, 64, |_, _| {});
    // The same JavaScript events twice: to a project without source maps, then to one with the
    // bundles of both builds, where every event is symbolicated before it is grouped.
    let js_plain = measure(&work.path().join("js-plain"), &js_dir, 64, |_, _| {});
    let js_mapped = measure(&work.path().join("js-mapped"), &js_dir, 64, js_events::upload_bundles);

    let row = |label: &str, run: &ServerRun| {
        format!(
            "| {label} | {:.0} | {:.0} | {:.2} ms | {:.2} ms | {} | {:.0} µs |\n",
            run.wrk.requests_per_sec,
            run.stored as f64 / DURATION_SECS as f64,
            run.wrk.p50_ms,
            run.wrk.p99_ms,
            run.wrk.non_2xx,
            run.user_us + run.kernel_us,
        )
    };
    let table = format!(
        "| target | requests/s | accepted events/s | p50 | p99 | non-2xx | server CPU per event |\n|---|---|---|---|---|---|---|\n\
         | no-op handler (ceiling) | {:.0} | - | {:.2} ms | {:.2} ms | {} | - |\n\
         {}{}{}\n\
         SDK mix: {} events stored in {} issues; envelopes {min}-{max} bytes (avg {avg}); measured over {:.1}s; \
         CPU per stored event {:.0} µs user, {:.0} µs kernel.\n\
         JavaScript: two esbuild builds of one app (tests/fixtures/sourcemaps), envelopes {js_min}-{js_max} bytes \
         (avg {js_avg}); {} and {} events stored in {} and {} issues.\n\
         wrk -t1 -c{CONNECTIONS} -d{DURATION_SECS}s on {} cores.\n",
        noop.requests_per_sec,
        noop.p50_ms,
        noop.p99_ms,
        noop.non_2xx,
        row("sift serve (durable, grouped), SDK mix", &sift),
        row("JavaScript events, project without source maps", &js_plain),
        row("JavaScript events, symbolicated (two bundles)", &js_mapped),
        sift.stored,
        sift.issues,
        sift.elapsed,
        sift.user_us,
        sift.kernel_us,
        js_plain.stored,
        js_mapped.stored,
        js_plain.issues,
        js_mapped.issues,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    println!("\n{table}");
    let out = common::repo().join("target/bench-results");
    std::fs::create_dir_all(&out).expect("results dir");
    std::fs::write(out.join("ingest.md"), &table).expect("write results");
}
