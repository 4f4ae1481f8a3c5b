//! Building and uploading artifact bundles in-process, byte for byte as sentry-cli 3.x does:
//! a `SYSB` zip with a manifest, split into chunks named by their SHA-1, gzip multipart parts,
//! and the two assemble calls around the chunk upload.

#![allow(dead_code, reason = "each test module uses a different part of the helpers")]

use std::io::Write;

use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use super::support::{Reply, TestApp, gzip};

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sourcemaps");
pub const ID_A: &str = "c67a8fec-4538-5188-80ed-ba771178a04a";
pub const ID_B: &str = "593da069-c54a-54f4-bf15-c3f6130977de";
pub const CHUNK: &str = "/api/0/organizations/local/chunk-upload/";
pub const ASSEMBLE: &str = "/api/0/organizations/local/artifactbundle/assemble/";

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture")
}

pub fn fixture_event(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).expect("event fixture")
}

pub fn sha1(bytes: &[u8]) -> String {
    hex::encode(Sha1::digest(bytes))
}

/// One file of a bundle: its archive path, manifest entry and bytes.
pub struct File {
    pub path: String,
    pub entry: Value,
    pub bytes: Vec<u8>,
}

pub fn file(path: &str, entry: Value, bytes: Vec<u8>) -> File {
    File { path: path.into(), entry, bytes }
}

/// The JS file and map of fixture build `build` (`a` or `b`) as `sourcemaps upload` names them
/// after `sourcemaps inject` (debug ids in both headers).
pub fn injected(build: &str, debug_id: &str) -> Vec<File> {
    vec![
        file(
            &format!("files/_/_/{build}/app.js"),
            json!({"type": "minified_source", "url": format!("~/{build}/app.js"),
                   "headers": {"debug-id": debug_id, "sourcemap": "app.js.map"}}),
            fixture(&format!("{build}/app.js")),
        ),
        file(
            &format!("files/_/_/{build}/app.js.map"),
            json!({"type": "source_map", "url": format!("~/{build}/app.js.map"), "headers": {"debug-id": debug_id}}),
            fixture(&format!("{build}/app.js.map")),
        ),
    ]
}

/// A bundle: the `SYSB` header, version 2, and a zip whose offsets count from the file start.
pub fn bundle(files: &[File], release: Option<&str>) -> Vec<u8> {
    let mut manifest = json!({"files": {}, "org": "local", "project": "default"});
    for f in files {
        manifest["files"][&f.path] = f.entry.clone();
    }
    if let Some(release) = release {
        manifest["release"] = json!(release);
    }
    let manifest = manifest.to_string().into_bytes();
    let mut entries: Vec<(&str, &[u8])> = files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())).collect();
    entries.push(("manifest.json", &manifest));
    zip(&entries)
}

/// A `SYSB` zip of raw entries.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(b"SYSB\x02\x00\x00\x00".to_vec());
    out.set_position(8);
    let mut writer = zip::ZipWriter::new(out);
    for (name, bytes) in entries {
        writer.start_file(*name, zip::write::SimpleFileOptions::default()).expect("zip entry");
        writer.write_all(bytes).expect("zip write");
    }
    writer.finish().expect("zip").into_inner()
}

/// A multipart/form-data body of `(field, filename, bytes)` parts, and its content type.
pub fn multipart(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "sift-test-boundary-5f3a";
    let mut body = Vec::new();
    for (field, filename, bytes) in parts {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .expect("write");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{boundary}--\r\n").expect("write");
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts multipart chunks with the server's token.
pub async fn post_chunks(app: &TestApp, parts: &[(&str, &str, &[u8])]) -> Reply {
    let (content_type, body) = multipart(parts);
    let auth = format!("Bearer {}", app.token());
    app.request("POST", CHUNK, &[("authorization", &auth), ("content-type", &content_type)], body).await
}

/// Splits `bundle` as the client does (`chunk_size` bytes each) and names each part.
pub fn chunks(bundle: &[u8], chunk_size: usize) -> Vec<(String, Vec<u8>)> {
    bundle.chunks(chunk_size).map(|c| (sha1(c), c.to_vec())).collect()
}

pub fn assemble_body(bundle: &[u8], chunks: &[(String, Vec<u8>)], release: Option<&str>) -> Value {
    let mut body = json!({
        "checksum": sha1(bundle),
        "chunks": chunks.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        "projects": ["default"],
    });
    if let Some(release) = release {
        body["version"] = json!(release);
    }
    body
}

/// sentry-cli's sequence: options, assemble (lists what is missing), the missing chunks
/// gzipped, assemble again. Returns the second assemble's reply.
pub async fn upload(app: &TestApp, bundle: &[u8], release: Option<&str>) -> Reply {
    let options = app.api("GET", CHUNK, None).await;
    assert_eq!(options.status, 200, "{:?}", options.body);
    let chunk_size = options.body["chunkSize"].as_u64().expect("chunkSize") as usize;
    let pieces = chunks(bundle, chunk_size);
    let body = assemble_body(bundle, &pieces, release);
    let first = app.api("POST", ASSEMBLE, Some(body.clone())).await;
    assert_eq!(first.status, 200, "{:?}", first.body);
    let missing: Vec<String> = first.body["missingChunks"]
        .as_array()
        .expect("missingChunks")
        .iter()
        .map(|m| m.as_str().unwrap().into())
        .collect();
    let zipped: Vec<(&str, Vec<u8>)> = pieces
        .iter()
        .filter(|(name, _)| missing.contains(name))
        .map(|(name, bytes)| (name.as_str(), gzip(bytes)))
        .collect();
    let parts: Vec<(&str, &str, &[u8])> =
        zipped.iter().map(|(name, bytes)| ("file_gzip", *name, bytes.as_slice())).collect();
    if !parts.is_empty() {
        let posted = post_chunks(app, &parts).await;
        assert_eq!(posted.status, 200, "{:?}", posted.body);
    }
    app.api("POST", ASSEMBLE, Some(body)).await
}
