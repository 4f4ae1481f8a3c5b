//! Ingest throughput benchmark (`cargo bench --bench ingest`; `benches/run.sh` installs `wrk`).
//!
//! Replays realistic 5-9 KB error envelopes (real SDK event shapes) with `wrk` over loopback,
//! first at an in-process no-op handler (the ceiling of HTTP on this machine), then at the
//! release `sift serve`, where every 200 means decoded, normalized, scrubbed, grouped and
//! durably committed. Reports requests/s, accepted events/s, p50/p99 latency and the server's
//! CPU time per stored event (user and kernel), and writes the table to
//! `target/bench-results/ingest.md`. `SIFT_BENCH_BIN=path/to/sift` runs another
//! build of the server, for before-and-after runs on the same day.
//!
//! `cargo bench --bench ingest -- --rules 10` runs the server with that many alert rules active
//! (up to 10: new issue, regression, escalating, three frequency and a unique-users condition,
//! level, environment, tag and level filters; webhook, Slack and console actions, delivered to
//! the no-op server's `/hook`), besides the console rule every project has, and writes
//! `ingest-rules-N.md`. Run it in pairs with and without, alternating, to see what rules cost.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness: a failure aborts the run loudly")]

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;

const DURATION_SECS: u64 = 15;

/// The rules `--rules N` takes the first N of, as `[[alerts.rules]]` tables (`HOOK` is the
/// no-op server's receiver).
const RULES: [&str; 10] = [
    r#"name = "new issues"
conditions = [{ id = "first_seen" }]
actions = [{ id = "webhook", url = "HOOK", secret = "bench-signing-secret" }]"#,
    r#"name = "regressions"
conditions = [{ id = "regression" }]
actions = [{ id = "slack", webhookUrl = "HOOK" }]"#,
    r#"name = "escalating"
conditions = [{ id = "escalating" }]
actions = [{ id = "webhook", url = "HOOK", secret = "bench-signing-secret" }]"#,
    r#"name = "storms"
conditions = [{ id = "event_frequency", value = 100, interval = "1m" }]
actions = [{ id = "webhook", url = "HOOK", secret = "bench-signing-secret" }]"#,
    r#"name = "busy hour"
conditions = [{ id = "event_frequency", value = 1000, interval = "1h" }]
actions = [{ id = "slack", webhookUrl = "HOOK" }]"#,
    r#"name = "many users"
conditions = [{ id = "unique_users", value = 50, interval = "1h" }]
actions = [{ id = "webhook", url = "HOOK", secret = "bench-signing-secret" }]"#,
    r#"name = "fatals"
conditions = [{ id = "level", match = "gte", level = "50" }]
actions = [{ id = "slack", webhookUrl = "HOOK" }]"#,
    r#"name = "production checkout"
environment = "production"
conditions = [{ id = "first_seen" }]
filters = [{ id = "tag", key = "url", match = "co", value = "checkout" }]
actions = [{ id = "webhook", url = "HOOK", secret = "bench-signing-secret" }]"#,
    r#"name = "new errors"
conditions = [{ id = "first_seen" }]
filters = [{ id = "level", match = "gte", level = "40" }]
actions = [{ id = "console" }]"#,
    r#"name = "checkout storms"
conditions = [{ id = "event_frequency", value = 10, interval = "1m" }]
filters = [{ id = "tag", key = "url", match = "co", value = "checkout" }]
actions = [{ id = "webhook", url = "HOOK", secret = "bench-signing-secret" }]"#,
];

/// config.toml with the first `n` of [`RULES`], delivering to `hook`.
fn rules_config(n: usize, hook: &str) -> String {
    RULES
        .iter()
        .take(n)
        .map(|rule| format!("[[alerts.rules]]\nproject = \"default\"\n{}\n\n", rule.replace("HOOK", hook)))
        .collect()
}

/// `--rules N`, 0 without it.
fn rules_wanted() -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--rules")
        .and_then(|i| args.get(i + 1))
        .map(|n| n.parse::<usize>().expect("--rules takes a number").min(RULES.len()))
        .unwrap_or(0)
}
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
            let app = Router::new()
                .route(
                    "/api/{project}/envelope/",
                    post(|body: axum::body::Bytes| async move {
                        axum::Json(serde_json::json!({ "id": body.len().to_string() }))
                    }),
                )
                .route("/hook", post(|| async { "ok" }));
            axum::serve(listener, app).await.expect("serve");
        });
    });
    rx.recv().expect("noop address")
}

fn main() {
    let work = tempfile::tempdir().expect("tempdir");
    let templates = common::templates(64);
    let sizes: Vec<usize> = templates.iter().map(String::len).collect();
    let avg = sizes.iter().sum::<usize>() / sizes.len();
    let template_dir = work.path().join("templates");
    common::write_templates(&template_dir, &templates);
    println!(
        "{} templates from real SDK events, {}-{} bytes (avg {avg})",
        templates.len(),
        sizes.iter().min().unwrap_or(&0),
        sizes.iter().max().unwrap_or(&0)
    );

    println!("Measured: `{}`", common::binary().to_string_lossy());
    let noop_addr = start_noop();
    let noop = wrk(noop_addr, &template_dir, templates.len(), "k", "/api/1/envelope/");

    let rules = rules_wanted();
    std::fs::create_dir_all(work.path().join("config")).expect("config dir");
    std::fs::write(work.path().join("config/config.toml"), rules_config(rules, &format!("http://{noop_addr}/hook")))
        .expect("config.toml");
    let data = work.path().join("data");
    let mut child = Command::new(common::binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("SIFT_CONFIG_DIR", work.path().join("config"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("start sift serve");
    let (addr, key) = common::wait_for_server(&mut child, &data, "");
    let addr: SocketAddr = addr.parse().expect("addr");
    let conn = sift::store::open_connection(&data.join("sift.db"), true).expect("db");
    let stored_before = sift::store::issues::event_count(&conn).expect("count");
    let cpu_before = cpu_seconds(child.id());
    let started = Instant::now();
    let sift = wrk(addr, &template_dir, templates.len(), &key, "/api/1/envelope/");
    let elapsed = started.elapsed().as_secs_f64().min(DURATION_SECS as f64 + 1.0);
    std::thread::sleep(Duration::from_millis(500));
    let cpu_after = cpu_seconds(child.id());
    let stored = sift::store::issues::event_count(&conn).expect("count");
    let per_event = |before: f64, after: f64| (after - before) * 1e6 / (stored - stored_before).max(1) as f64;
    let (user_us, kernel_us) = (per_event(cpu_before.0, cpu_after.0), per_event(cpu_before.1, cpu_after.1));
    let issues = sift::store::issues::list_issues(&conn, None).expect("issues").len();
    let firings: i64 = conn.query_row("SELECT count(*) FROM alert_firings", [], |r| r.get(0)).expect("firings");
    let sent: i64 =
        conn.query_row("SELECT count(*) FROM alert_deliveries WHERE state = 'sent'", [], |r| r.get(0)).expect("sent");
    let _ = child.kill();
    let _ = child.wait();

    let accepted_per_sec = stored as f64 / DURATION_SECS as f64;
    let table = format!(
        "| target | requests/s | accepted events/s | p50 | p99 | non-2xx |\n|---|---|---|---|---|---|\n\
         | no-op handler (ceiling) | {:.0} | - | {:.2} ms | {:.2} ms | {} |\n\
         | sift serve (durable, grouped) | {:.0} | {:.0} | {:.2} ms | {:.2} ms | {} |\n\n\
         {} events stored in {} issues; envelopes {}-{} bytes (avg {avg}); wrk -t1 -c{CONNECTIONS} -d{DURATION_SECS}s on {} cores; measured over {:.1}s.\n\n\
         sift serve's CPU per stored event: {:.0} µs ({:.0} µs user, {:.0} µs kernel).\n\n\
         Alert rules active: {rules} besides the console rule every project has; {firings} firings, {sent} deliveries sent.\n",
        noop.requests_per_sec,
        noop.p50_ms,
        noop.p99_ms,
        noop.non_2xx,
        sift.requests_per_sec,
        accepted_per_sec,
        sift.p50_ms,
        sift.p99_ms,
        sift.non_2xx,
        stored,
        issues,
        sizes.iter().min().unwrap_or(&0),
        sizes.iter().max().unwrap_or(&0),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        elapsed,
        user_us + kernel_us,
        user_us,
        kernel_us,
    );
    println!("\n{table}");
    let out = common::repo().join("target/bench-results");
    std::fs::create_dir_all(&out).expect("results dir");
    let name = if rules == 0 { "ingest.md".to_string() } else { format!("ingest-rules-{rules}.md") };
    std::fs::write(out.join(name), &table).expect("write results");
}
