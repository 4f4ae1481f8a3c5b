//! The ingest bench's JavaScript load: events thrown by the two checked-in esbuild builds of the
//! shop app (`tests/fixtures/sourcemaps`, frames where @sentry/node reported them, debug ids in
//! `debug_meta`), padded like the other templates, and the artifact bundles sentry-cli would
//! upload for those builds, sent through the chunk-upload and assemble endpoints.

use std::io::Write;
use std::net::SocketAddr;

use serde_json::{Value, json};
use sha1::{Digest, Sha1};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(super::common::repo().join("tests/fixtures/sourcemaps").join(name)).expect("fixture")
}

/// `count` 5-9 KB templates of both builds' events.
pub fn templates(count: usize) -> Vec<String> {
    let events: Vec<Value> = ["event-a.json", "event-b.json"]
        .iter()
        .map(|name| serde_json::from_slice(&fixture(name)).expect("event fixture"))
        .collect();
    super::common::padded(&events, count)
}

fn bundle(build: &str, debug_id: &str) -> Vec<u8> {
    let js = format!("files/_/_/{build}/app.js");
    let map = format!("{js}.map");
    let manifest = json!({"files": {
        &js: {"type": "minified_source", "url": format!("~/{build}/app.js"),
              "headers": {"debug-id": debug_id, "sourcemap": "app.js.map"}},
        &map: {"type": "source_map", "url": format!("~/{build}/app.js.map"), "headers": {"debug-id": debug_id}},
    }});
    let mut out = std::io::Cursor::new(b"SYSB\x02\x00\x00\x00".to_vec());
    out.set_position(8);
    let mut zip = zip::ZipWriter::new(out);
    for (name, bytes) in [
        (js, fixture(&format!("{build}/app.js"))),
        (map, fixture(&format!("{build}/app.js.map"))),
        ("manifest.json".into(), manifest.to_string().into_bytes()),
    ] {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).expect("zip entry");
        zip.write_all(&bytes).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

/// Uploads both builds' bundles to the server at `addr`, as one chunk each.
pub fn upload_bundles(addr: SocketAddr, token: &str) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let base = format!("http://{addr}/api/0/organizations/local");
        for (build, debug_id) in
            [("a", "c67a8fec-4538-5188-80ed-ba771178a04a"), ("b", "593da069-c54a-54f4-bf15-c3f6130977de")]
        {
            let bytes = bundle(build, debug_id);
            let checksum = hex::encode(Sha1::digest(&bytes));
            let boundary = "sift-bench-5f3a";
            let mut form = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{checksum}\"\r\n\r\n"
            )
            .into_bytes();
            form.extend_from_slice(&bytes);
            form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            let posted = client
                .post(format!("{base}/chunk-upload/"))
                .bearer_auth(token)
                .header("content-type", format!("multipart/form-data; boundary={boundary}"))
                .body(form)
                .send()
                .await;
            assert!(posted.expect("chunk upload").status().is_success());
            let body = json!({"checksum": checksum, "chunks": [checksum], "projects": ["default"]});
            let answer: Value = client
                .post(format!("{base}/artifactbundle/assemble/"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("assemble")
                .json()
                .await
                .expect("json");
            assert_eq!(answer["state"], "ok", "{answer}");
        }
    });
}
