//! The writer's cost per event (`cargo bench --bench writer`): the ingest bench's templates are
//! prepared up front, then committed through the real group-commit writer in batches of a fixed
//! size, one batch at a time. For each batch size it reports the time per event (the writer's
//! own, since nothing else runs; it includes waiting on the disk, so it moves with the machine's
//! I/O) and the bytes the process wrote per event (WAL and checkpoints, from `/proc/self/io`,
//! repeatable), on a store already holding `PREFILL` events. Under wrk's 64 connections the
//! writer's batches hold 4-8 events; the 6-event row is the one ingest feels. For that size it
//! also reads the WAL after a few batches and counts, by b-tree (SQLite's `dbstat`), the pages
//! each event dirtied. Writes the tables to `target/bench-results/writer.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness: a failure aborts the run loudly")]

mod common;

use std::time::Instant;

use sift::config::Durability;
use sift::ingest::{self, Request};
use sift::store::{NewEvent, Store, WriteJob, projects};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PREFILL: usize = 50_000;
const MEASURED: usize = 20_000;
const BATCHES: [usize; 4] = [1, 6, 32, 256];

/// Bytes this process has written through `write(2)` and friends so far.
fn written() -> u64 {
    let io = std::fs::read_to_string("/proc/self/io").unwrap_or_default();
    io.lines().find_map(|l| l.strip_prefix("wchar: ")).and_then(|v| v.trim().parse().ok()).unwrap_or(0)
}

/// `count` prepared events from the templates, with sequential ids from `first` as wrk sends.
fn prepare(templates: &[String], first: usize, count: usize) -> Vec<NewEvent> {
    let request = Request {
        project_id: 1,
        received: sift::store::now(),
        client_ip: None,
        scrub: true,
        performance: Default::default(),
    };
    let limits = sift::config::Limits::default();
    (first..first + count)
        .map(|n| {
            let body = templates[n % templates.len()].replace("__EVENT_ID__", &format!("{n:032x}"));
            let mut prepared = ingest::prepare_store(body.as_bytes(), &request, &limits).expect("prepare");
            prepared.job.events.remove(0)
        })
        .collect()
}

fn commit(store: &Store, events: Vec<NewEvent>, batch: usize) {
    let mut events = events.into_iter().peekable();
    while events.peek().is_some() {
        let job = WriteJob { events: events.by_ref().take(batch).collect(), ..WriteJob::default() };
        store.writer().write_blocking(job).expect("write");
    }
}

/// Commits `events` in batches of `batch` on a just-emptied WAL, then reads which b-tree each
/// WAL frame's page belongs to (SQLite's `dbstat`), and prints pages written per event by tree.
fn pages_by_tree(store: &Store, db: &std::path::Path, events: Vec<NewEvent>, batch: usize) -> String {
    let count = events.len();
    let conn = sift::store::open_connection(db, false).expect("db");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").expect("checkpoint");
    commit(store, events, batch);
    let wal = std::fs::read(db.with_extension("db-wal")).expect("wal");
    // Frames of the current WAL carry the header's salts; later bytes are left from before a
    // restart.
    let salts = &wal[16..24];
    let mut pages = Vec::new();
    let mut at = 32;
    while at + 24 + 4096 <= wal.len() && &wal[at + 8..at + 16] == salts {
        pages.push(u32::from_be_bytes(wal[at..at + 4].try_into().expect("4 bytes")));
        at += 24 + 4096;
    }
    let mut owner = std::collections::HashMap::new();
    let mut stmt = conn.prepare("SELECT name, pageno FROM dbstat").expect("dbstat");
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))).expect("dbstat");
    for row in rows {
        let (name, page) = row.expect("row");
        owner.insert(page, name);
    }
    let mut by_tree: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for page in &pages {
        *by_tree.entry(owner.get(page).cloned().unwrap_or_else(|| "(free or new)".into())).or_default() += 1;
    }
    let mut sorted: Vec<_> = by_tree.into_iter().collect();
    sorted.sort_by_key(|b| std::cmp::Reverse(b.1));
    let mut table = format!(
        "| b-tree | pages written per event |\n|---|---|\n| all ({} pages for {count} events in batches of {batch}) | {:.2} |\n",
        pages.len(),
        pages.len() as f64 / count as f64
    );
    for (name, n) in sorted {
        table.push_str(&format!("| `{name}` | {:.2} |\n", n as f64 / count as f64));
    }
    table
}

fn main() {
    let templates = common::templates(64);
    let mut rows = Vec::new();
    let mut trees = String::new();
    for batch in BATCHES {
        let work = tempfile::tempdir().expect("tempdir");
        let db = work.path().join("sift.db");
        let mut conn = sift::store::open_admin(&db).expect("db");
        projects::bootstrap(&mut conn).expect("bootstrap");
        drop(conn);
        let store = Store::open(&db, Durability::Normal).expect("store");
        commit(&store, prepare(&templates, 0, PREFILL), 256);
        let events = prepare(&templates, PREFILL, MEASURED);
        let before = written();
        let started = Instant::now();
        commit(&store, events, batch);
        let secs = started.elapsed().as_secs_f64();
        let bytes = written() - before;
        if batch == 6 {
            trees = pages_by_tree(&store, &db, prepare(&templates, PREFILL + MEASURED, 180), batch);
        }
        rows.push(format!(
            "| {batch} | {:.1} µs | {:.1} KB |",
            secs * 1e6 / MEASURED as f64,
            bytes as f64 / 1024.0 / MEASURED as f64
        ));
        eprintln!("{}", rows.last().expect("row"));
    }
    let table = format!(
        "| events per commit | writer time per event | bytes written per event |\n|---|---|---|\n{}\n\n\
         {MEASURED} events committed one batch at a time onto a store of {PREFILL}, {} templates.\n\n{trees}",
        rows.join("\n"),
        templates.len()
    );
    println!("\n{table}");
    let out = common::repo().join("target/bench-results");
    std::fs::create_dir_all(&out).expect("results dir");
    std::fs::write(out.join("writer.md"), &table).expect("write");
}
