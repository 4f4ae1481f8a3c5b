//! Instructions per ingested event (`cargo bench --bench instructions`; `benches/run.sh`
//! installs valgrind).
//!
//! Throughput on shared vCPUs moves by a quarter between runs of one build, so changes of a few
//! percent cannot be seen in events/s. Instruction counts can: the release `sift serve` runs
//! under `valgrind --tool=cachegrind --cache-sim=no`, the ingest bench's templates are posted,
//! and the count for a short run is subtracted from the count for a long one, which removes
//! start-up and shutdown. Posted one at a time, every event is its own commit and the same build
//! counts the same to within 0.01%; posted 32 at a time, the writer groups commits as it does
//! under load. User space only: the kernel's share (TCP, WAL writes) is not counted. Compare
//! builds with it, not with throughput.
//! `SIFT_BENCH_BIN=path/to/sift` measures another build, for before-and-after comparisons.
//! Writes the table to `target/bench-results/instructions.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness: a failure aborts the run loudly")]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use futures_util::StreamExt;

const SHORT: usize = 200;
const LONG: usize = 2_200;
/// Requests in flight: one at a time (every event its own commit, the most repeatable count),
/// and enough that the writer groups commits as it does under load.
const IN_FLIGHT: [usize; 2] = [1, 32];

/// The `sift` to measure: this build's, or `SIFT_BENCH_BIN` to compare another build.
fn binary() -> std::ffi::OsString {
    std::env::var_os("SIFT_BENCH_BIN")
        .filter(|path| !path.is_empty())
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_sift").into())
}

/// Runs `sift serve` under cachegrind, posts `events` envelopes with `in_flight` requests at
/// a time, and returns the instructions the whole process executed.
fn count(work: &Path, templates: &[String], events: usize, in_flight: usize) -> u64 {
    let dir = work.join(format!("run-{events}-{in_flight}"));
    let data = dir.join("data");
    let log = dir.join("valgrind.log");
    std::fs::create_dir_all(&dir).expect("run dir");
    let mut child = Command::new("valgrind")
        .args(["--tool=cachegrind", "--cache-sim=no"])
        .arg(format!("--cachegrind-out-file={}", dir.join("cachegrind.out").display()))
        .arg(format!("--log-file={}", log.display()))
        .arg(binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("SIFT_CONFIG_DIR", dir.join("config"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("start valgrind (benches/run.sh installs it)");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let addr = loop {
        let line = lines.next().expect("sift serve output").expect("line");
        if let Some(rest) = line.strip_prefix("sift server listening on http://") {
            break rest.trim().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let conn = sift::store::open_connection(&data.join("sift.db"), false).expect("db");
    let key = sift::store::projects::list_projects(&conn).expect("projects")[0].public_key.clone();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let url = format!("http://{addr}/api/1/envelope/?sentry_key={key}");
        let post = |i: usize| {
            let id = format!("{:032x}", i + 1);
            let payload = templates[i % templates.len()].replace("__EVENT_ID__", &id);
            let body =
                format!("{{\"event_id\":\"{id}\"}}\n{{\"type\":\"event\",\"length\":{}}}\n{payload}\n", payload.len());
            let request = client.post(&url).body(body);
            async move {
                let response = request.send().await.expect("post");
                assert!(response.status().is_success(), "event {i}: {}", response.status());
            }
        };
        futures_util::stream::iter(0..events).map(post).buffer_unordered(in_flight).collect::<Vec<()>>().await;
    });
    assert_eq!(sift::store::issues::event_count(&conn).expect("count"), events as i64);
    drop(conn);

    // A graceful stop, so cachegrind writes its totals.
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    child.wait().expect("wait");
    let text = std::fs::read_to_string(&log).expect("valgrind log");
    let refs = text
        .lines()
        .find_map(|line| line.split_once("I   refs:").map(|(_, n)| n.trim().replace(',', "")))
        .expect("cachegrind's I refs line");
    refs.parse().expect("instruction count")
}

fn main() {
    let version = Command::new("valgrind").arg("--version").output();
    if !version.is_ok_and(|out| out.status.success()) {
        eprintln!("valgrind is not installed: benches/run.sh instructions installs it");
        std::process::exit(1);
    }
    let work = tempfile::tempdir().expect("tempdir");
    let templates = common::templates(64);
    let mut table = format!(
        "Measured: `{}`\n\n| requests in flight | instructions, {SHORT} events | instructions, {LONG} events | per event |\n|---|---|---|---|\n",
        binary().to_string_lossy()
    );
    for in_flight in IN_FLIGHT {
        let short = count(work.path(), &templates, SHORT, in_flight);
        let long = count(work.path(), &templates, LONG, in_flight);
        let per_event = long.saturating_sub(short) as f64 / (LONG - SHORT) as f64;
        table.push_str(&format!("| {in_flight} | {short} | {long} | **{per_event:.0}** |\n"));
    }
    table.push_str(&format!(
        "\nPer event: the difference over {} events, user space only. One request in flight commits every \
         event on its own; with {} in flight the writer groups commits as under load.\n",
        LONG - SHORT,
        IN_FLIGHT[1]
    ));
    println!("\n{table}");
    let out = common::repo().join("target/bench-results");
    std::fs::create_dir_all(&out).expect("results dir");
    std::fs::write(out.join("instructions.md"), &table).expect("write results");
}
