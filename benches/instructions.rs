//! Instructions per ingested event (`cargo bench --bench instructions`; `benches/run.sh`
//! installs valgrind).
//!
//! Throughput on shared vCPUs moves by a quarter between runs of one build, so changes of a few
//! percent cannot be seen in events/s. Instruction counts can: the release `sift serve` runs
//! under `valgrind --tool=cachegrind --cache-sim=no`, the ingest bench's templates are posted,
//! and the count for a short run is subtracted from the count for a long one, which removes
//! start-up and shutdown. Posted one at a time, every event is its own commit and the same build
//! counts the same to within 0.1%; posted 32 at a time, the writer groups commits as it does
//! under load, and repeats spread by about 1.5% because the batches differ. User space only: the kernel's share (TCP, WAL writes) is
//! not counted. Compare builds with it, not with throughput.
//! `SIFT_BENCH_BIN=path/to/sift` measures another build, for before-and-after comparisons; this
//! build's store code reads its key and event count, so the two must share a schema.
//! Writes the table to `target/bench-results/instructions.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness: a failure aborts the run loudly")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;

const SHORT: usize = 200;
const LONG: usize = 2_200;
/// Requests in flight: one at a time (every event its own commit, the most repeatable count),
/// and enough that the writer groups commits as it does under load.
const IN_FLIGHT: [usize; 2] = [1, 32];

/// `sift serve` under valgrind. Dropped without [`Valgrind::stop`] (a failed run), it is killed,
/// so no server outlives the bench.
struct Valgrind {
    child: Child,
    log: PathBuf,
}

impl Valgrind {
    /// Stops the server gracefully, so cachegrind writes its totals, and returns the
    /// instructions the whole process executed.
    fn stop(mut self) -> u64 {
        let status = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status().expect("kill");
        assert!(status.success(), "could not signal sift serve");
        let deadline = Instant::now() + Duration::from_secs(120);
        let exit = loop {
            if let Some(exit) = self.child.try_wait().expect("wait") {
                break exit;
            }
            assert!(Instant::now() < deadline, "sift serve did not stop; see {}", self.log.display());
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(exit.success(), "sift serve exited with {exit}; see {}", self.log.display());
        let text = std::fs::read_to_string(&self.log).expect("valgrind log");
        // `==PID== I   refs:   1,234` (older valgrind) or `==PID== I refs: 1,234` (newer).
        let refs = text.lines().find_map(|line| {
            let tokens: Vec<&str> = line.split_whitespace().collect();
            tokens.windows(3).find(|w| w[0] == "I" && w[1] == "refs:").map(|w| w[2].replace(',', ""))
        });
        refs.unwrap_or_else(|| panic!("no instruction count in {}", self.log.display()))
            .parse()
            .expect("instruction count")
    }
}

impl Drop for Valgrind {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `sift serve` under cachegrind, posts `events` envelopes with `in_flight` requests at
/// a time, and returns the instructions the whole process executed.
fn count(work: &Path, templates: &[String], events: usize, in_flight: usize) -> u64 {
    let dir = work.join(format!("run-{events}-{in_flight}"));
    let data = dir.join("data");
    let log = dir.join("valgrind.log");
    std::fs::create_dir_all(&dir).expect("run dir");
    let child = Command::new("valgrind")
        .args(["--tool=cachegrind", "--cache-sim=no"])
        .arg(format!("--cachegrind-out-file={}", dir.join("cachegrind.out").display()))
        .arg(format!("--log-file={}", log.display()))
        .arg(common::binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("SIFT_CONFIG_DIR", dir.join("config"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("start valgrind (benches/run.sh installs it)");
    let mut server = Valgrind { child, log };
    let (addr, key) = common::wait_for_server(&mut server.child, &data, &format!("; see {}", server.log.display()));
    let conn = sift::store::open_connection(&data.join("sift.db"), true).expect("db");

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let url = format!("http://{addr}/api/1/envelope/?sentry_key={key}");
        let post = |i: usize| {
            let body = common::envelope(&templates[i % templates.len()], &format!("{:032x}", i + 1));
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
    server.stop()
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
        common::binary().to_string_lossy()
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
