//! Shared by the benchmarks: realistic event templates taken from the real SDK captures in
//! `tests/fixtures/sdk`, padded with breadcrumbs into the 5-9 KB range production events have.

#![allow(dead_code, reason = "each benchmark uses part of this module")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Child;

use serde_json::{Value, json};
use sift::ingest::decode::{self, Encoding};
use sift::ingest::envelope;

/// The `sift` a bench runs: this build's, or `SIFT_BENCH_BIN` to compare another build (this
/// build's store code reads its key and event count, so the two must share a schema).
pub fn binary() -> std::ffi::OsString {
    std::env::var_os("SIFT_BENCH_BIN")
        .filter(|path| !path.is_empty())
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_sift").into())
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every error event the real SDKs sent in the recorded scenarios.
pub fn sdk_events() -> Vec<Value> {
    let mut events = Vec::new();
    for client in ["python", "node"] {
        let dir = repo().join("tests/fixtures/sdk").join(client);
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(&dir).expect("fixtures").map(|e| e.expect("entry").path()).collect();
        entries.sort();
        for entry in entries.iter().filter(|p| p.is_dir()) {
            let request: Value =
                serde_json::from_slice(&std::fs::read(entry.join("request.json")).expect("request")).expect("json");
            let encoding = request["headers"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case("content-encoding")))
                .and_then(|h| h[1].as_str())
                .map(str::to_owned);
            let body = std::fs::read(entry.join("body.bin")).expect("body");
            let Ok(encoding) = Encoding::from_header(encoding.as_deref()) else { continue };
            let Ok(decoded) = decode::decode(&body, encoding, 64 << 20) else { continue };
            let Ok(env) = envelope::parse(&decoded) else { continue };
            for item in env.items.iter().filter(|i| i.kind() == "event") {
                if let Ok(event) = serde_json::from_slice::<Value>(item.payload) {
                    events.push(event);
                }
            }
        }
    }
    assert!(!events.is_empty(), "no SDK events in the fixtures");
    events
}

/// `count` templates, 5-9 KB each, with `__EVENT_ID__` where the id goes and `variant` mixed
/// into the message so the templates spread over many issues.
pub fn templates(count: usize) -> Vec<String> {
    padded(&sdk_events(), count)
}

/// `count` templates made from `events` the way [`templates`] makes them.
pub fn padded(events: &[Value], count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let mut event = events[i % events.len()].clone();
            event["event_id"] = json!("__EVENT_ID__");
            event.as_object_mut().map(|o| o.remove("timestamp"));
            let target = 5 * 1024 + (i * 397) % (4 * 1024);
            let mut crumbs: Vec<Value> = event["breadcrumbs"]["values"].as_array().cloned().unwrap_or_default();
            let mut n = 0;
            while event.to_string().len() < target {
                crumbs.push(json!({
                    "type": "http", "category": "httplib", "level": "info",
                    "data": { "method": "GET", "url": format!("https://api.internal/v1/orders/{}/items?page={n}", 1000 + i), "status_code": 200, "reason": "OK" }
                }));
                n += 1;
                event["breadcrumbs"] = json!({ "values": crumbs });
            }
            event.to_string()
        })
        .collect()
}

/// Writes templates as `t1.json`… for the wrk script.
pub fn write_templates(dir: &Path, templates: &[String]) {
    std::fs::create_dir_all(dir).expect("template dir");
    for (i, t) in templates.iter().enumerate() {
        std::fs::write(dir.join(format!("t{}.json", i + 1)), t).expect("write template");
    }
}

/// The envelope an SDK would send for `template` with event id `id` (32 hex digits).
pub fn envelope(template: &str, id: &str) -> String {
    let payload = template.replace("__EVENT_ID__", id);
    format!("{{\"event_id\":\"{id}\"}}\n{{\"type\":\"event\",\"length\":{}}}\n{payload}\n", payload.len())
}

/// Waits for a started `sift serve` (stdout piped) to print its address, keeps draining its
/// output, and returns the address (`127.0.0.1:PORT`) with the DSN key of the first project in
/// `data`. `context` is added to the panic when the server stops before listening.
pub fn wait_for_server(child: &mut Child, data: &Path, context: &str) -> (String, String) {
    let mut lines = BufReader::new(child.stdout.take().expect("stdout piped")).lines();
    let addr = loop {
        let line =
            lines.next().unwrap_or_else(|| panic!("sift serve stopped before listening{context}")).expect("line");
        if let Some(rest) = line.strip_prefix("sift server listening on http://") {
            break rest.trim().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let conn = sift::store::open_connection(&data.join("sift.db"), true).expect("db");
    let key = sift::store::projects::list_projects(&conn).expect("projects")[0].public_key.clone();
    (addr, key)
}
