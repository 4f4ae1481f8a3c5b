//! Per-event CPU cost of ingest preparation (`cargo bench --bench prepare`): envelope parsing,
//! normalization, scrubbing, grouping, tags, serialization and compression of realistic 5-9 KB
//! SDK events, single-threaded and without HTTP or SQLite. Uses the same allocator as the binary.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness: a failure aborts the run loudly")]

mod common;

use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EVENTS: usize = 40_000;

fn main() {
    let templates = common::templates(64);
    let request = sift::ingest::Request {
        project_id: 1,
        received: sift::store::now(),
        client_ip: None,
        scrub: true,
        performance: Default::default(),
    };
    let limits = sift::config::Limits::default();
    let bodies: Vec<Vec<u8>> = templates
        .iter()
        .enumerate()
        .map(|(i, template)| common::envelope(template, &format!("{i:032x}")).into_bytes())
        .collect();
    let started = Instant::now();
    for i in 0..EVENTS {
        let env = sift::ingest::envelope::parse(&bodies[i % bodies.len()]).unwrap();
        let text = std::str::from_utf8(env.items[0].payload).unwrap();
        std::hint::black_box(sift::ingest::tree::parse(text).unwrap());
    }
    let parse = started.elapsed().as_secs_f64() * 1e6 / EVENTS as f64;
    let started = Instant::now();
    let (mut raw, mut stored) = (0usize, 0usize);
    for i in 0..EVENTS {
        let env = sift::ingest::envelope::parse(&bodies[i % bodies.len()]).unwrap();
        let prepared = sift::ingest::prepare_envelope(&env, &request, &limits).unwrap();
        raw += env.items[0].payload.len();
        stored += prepared.job.events.iter().map(|e| e.data.len()).sum::<usize>();
        std::hint::black_box(prepared);
    }
    let full = started.elapsed().as_secs_f64() * 1e6 / EVENTS as f64;
    let ratio = stored as f64 * 100.0 / raw as f64;
    let table = format!(
        "| stage | µs per event |\n|---|---|\n| JSON parse only (into ingest's tree) | {parse:.1} |\n| full preparation (parse, normalize, scrub, group, serialize, compress) | {full:.1} |\n\nStored event blobs are {ratio:.1}% of the received JSON.\n"
    );
    println!("\n{table}");
    let out = common::repo().join("target/bench-results");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("prepare.md"), &table).unwrap();
}
