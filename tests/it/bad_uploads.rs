//! Malformed source-map uploads, one request each: bad chunk names and hashes, chunks and
//! requests over the limits, things that are not multipart or gzip, assemble bodies Sentry's
//! schema refuses, bundles that are not zips, escape the bundle, carry broken maps, oversized
//! files or compression bombs. Each gets its status and a `detail` that says why; after all of
//! them the server still takes a good upload and a good event.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sift::config::{Limits, ServerConfig};

use super::artifacts::{
    ASSEMBLE, CHUNK, ID_A, assemble_body, bundle, chunks, file, fixture, fixture_event, injected, multipart,
    post_chunks, sha1, upload, zip,
};
use super::support::{TestApp, event_id, gzip};

const MAX_FILE: usize = 64 * 1024;
const MAX_BUNDLE: usize = 512 * 1024;

/// A multipart part: field name, file name, bytes.
type Part<'a> = (&'a str, &'a str, &'a [u8]);

fn app() -> TestApp {
    let limits = Limits { max_artifact_file: MAX_FILE, max_artifact_bundle: MAX_BUNDLE, ..Limits::default() };
    TestApp::with_config(ServerConfig { limits, ..ServerConfig::default() })
}

fn check(what: &str, status: StatusCode, body: &Value, expected: u16, detail: &str) {
    assert_eq!(status.as_u16(), expected, "{what}: {body}");
    let text = body["detail"].as_str().unwrap_or_else(|| panic!("{what}: no detail in {body}"));
    assert!(text.contains(detail), "{what}: {text:?} does not say {detail:?}");
}

/// Uploads `bytes` as one bundle's chunks (all accepted), then assembles it.
async fn assemble_bundle(app: &TestApp, bytes: &[u8]) -> (StatusCode, Value) {
    let pieces = chunks(bytes, 64 * 1024);
    let zipped: Vec<(&str, Vec<u8>)> = pieces.iter().map(|(n, b)| (n.as_str(), gzip(b))).collect();
    let parts: Vec<(&str, &str, &[u8])> = zipped.iter().map(|(n, b)| ("file_gzip", *n, b.as_slice())).collect();
    let posted = post_chunks(app, &parts).await;
    assert_eq!(posted.status, 200, "{:?}", posted.body);
    let reply = app.api("POST", ASSEMBLE, Some(assemble_body(bytes, &pieces, None))).await;
    (reply.status, reply.body)
}

fn one_file(path: &str, entry: Value, bytes: Vec<u8>) -> Vec<u8> {
    bundle(&[file(path, entry, bytes)], None)
}

#[tokio::test]
async fn malformed_chunk_uploads_are_refused() {
    let app = app();
    let small = b"console.log(1)".to_vec();
    let over = vec![0u8; 8 * 1024 * 1024 + 1];
    let gz_over = gzip(&over);
    let (gz_small, name_small, name_over, other) = (gzip(&small), sha1(&small), sha1(&over), sha1(b"other"));
    let many: Vec<(&str, &str, &[u8])> =
        (0..65).map(|_| ("file_gzip", name_small.as_str(), gz_small.as_slice())).collect();
    let cases: Vec<(&str, Vec<Part>, u16, &str)> = vec![
        ("name not a SHA-1", vec![("file_gzip", "chunk.bin", &gz_small)], 400, "is not a SHA-1"),
        ("bad chunk hash", vec![("file_gzip", &other, &gz_small)], 400, "does not match its content"),
        ("chunk too big", vec![("file_gzip", &name_over, &gz_over)], 413, "larger than the chunk size"),
        ("file_gzip that is not gzip", vec![("file_gzip", &name_small, &small)], 400, "is not valid gzip"),
        ("unknown field", vec![("upload", &name_small, &small)], 400, "unexpected form field"),
        ("too many chunks", many, 400, "more than 64 chunks"),
    ];
    for (what, parts, status, detail) in cases {
        let reply = post_chunks(&app, &parts).await;
        check(what, reply.status, &reply.body, status, detail);
    }
    let token = format!("Bearer {}", app.token());
    let reply = app
        .request("POST", CHUNK, &[("authorization", &token), ("content-type", "application/json")], b"{}".to_vec())
        .await;
    check("not multipart", reply.status, &reply.body, 400, "");
    let huge = vec![7u8; 34 * 1024 * 1024];
    let (content_type, body) = multipart(&[("file", &sha1(&huge), &huge)]);
    let reply = app.request("POST", CHUNK, &[("authorization", &token), ("content-type", &content_type)], body).await;
    check("request over the limit", reply.status, &reply.body, 413, "");
    let reply = app.request("GET", CHUNK, &[], Vec::new()).await;
    check("no token", reply.status, &reply.body, 401, "credentials");
    let reply = app.api("GET", "/api/0/organizations/nope/chunk-upload/", None).await;
    check("unknown organization", reply.status, &reply.body, 404, "does not exist");
    let count: i64 = app.conn().query_row("SELECT count(*) FROM upload_chunks", [], |r| r.get(0)).unwrap();
    assert_eq!(count, 0, "nothing of a refused request is kept");
}

#[tokio::test]
async fn malformed_assemble_requests_are_refused() {
    let app = app();
    let good = bundle(&injected("a", ID_A), None);
    let pieces = chunks(&good, 1 << 20);
    let body = assemble_body(&good, &pieces, None);
    let with = |key: &str, value: Value| {
        let mut body = body.clone();
        body[key] = value;
        body
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        ("checksum not hex", with("checksum", json!("zz")), "`checksum` must be"),
        ("chunk not hex", with("chunks", json!(["ABC"])), "every entry of `chunks`"),
        ("no projects", with("projects", json!([])), "`projects` must be"),
        ("unknown project", with("projects", json!(["nope"])), "does not exist in organization"),
        ("dist without version", with("dist", json!("web")), "`dist` needs a `version`"),
        ("version with a slash", with("version", json!("a/b")), "without `/`"),
        ("unknown field", with("wait", json!(true)), "unknown field \"wait\""),
    ];
    for (what, body, detail) in cases {
        let reply = app.api("POST", ASSEMBLE, Some(body)).await;
        check(what, reply.status, &reply.body, 400, detail);
    }
    let token = format!("Bearer {}", app.token());
    let reply = app
        .request(
            "POST",
            ASSEMBLE,
            &[("authorization", &token), ("content-type", "application/json")],
            b"{chunks".to_vec(),
        )
        .await;
    check("invalid JSON", reply.status, &reply.body, 400, "invalid JSON body");
    let reply = app.api("PUT", ASSEMBLE, Some(body.clone())).await;
    check("wrong method", reply.status, &reply.body, 405, "Method not allowed");

    // Chunks the server has never seen: the protocol's answer, not an error. sentry-cli uploads
    // exactly these.
    let reply = app.api("POST", ASSEMBLE, Some(body)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["state"], "not_found");
    assert_eq!(reply.body["missingChunks"], json!(pieces.iter().map(|(n, _)| n).collect::<Vec<_>>()));
}

#[tokio::test]
async fn bad_bundles_are_refused_at_assembly() {
    let app = app();
    let map_entry = json!({"type": "source_map", "url": "~/app.js.map"});
    let big = vec![b'a'; MAX_FILE + 1];
    let bomb_source = vec![0u8; 16 * 1024 * 1024];
    let mut lying = one_file("files/big.js", json!({"type": "source"}), big.clone());
    for (signature, offset, name_at) in [(&b"PK\x03\x04"[..], 22, 30), (&b"PK\x01\x02"[..], 24, 46)] {
        let found: Vec<usize> = lying.windows(4).enumerate().filter(|(_, w)| *w == signature).map(|(i, _)| i).collect();
        for start in found {
            if lying[start + name_at..].starts_with(b"files/big.js") {
                lying[start + offset..start + offset + 4].copy_from_slice(&1000u32.to_le_bytes());
            }
        }
    }
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("not a zip", b"this is not an archive at all".to_vec(), 400, "not a valid zip archive"),
        ("no manifest", zip(&[("files/a.js", b"x")]), 400, "no readable manifest.json"),
        (
            "../ in the manifest",
            one_file("files/../../../etc/passwd", map_entry.clone(), fixture("a/app.js.map")),
            400,
            "escapes the bundle",
        ),
        (
            "absolute path",
            one_file("/etc/shadow", map_entry.clone(), fixture("a/app.js.map")),
            400,
            "escapes the bundle",
        ),
        (
            "unknown file type",
            one_file("files/a.bin", json!({"type": "binary"}), b"x".to_vec()),
            400,
            "has type \"binary\"",
        ),
        (
            "invalid mappings",
            one_file(
                "files/a.map",
                map_entry.clone(),
                br#"{"version":3,"sources":["a.js"],"names":[],"mappings":"A!!"}"#.to_vec(),
            ),
            400,
            "is not a valid source map",
        ),
        ("oversized file", one_file("files/big.js", json!({"type": "source"}), big), 413, "per file"),
        ("zip bomb", one_file("files/zeros.js", json!({"type": "source"}), bomb_source), 413, "per file"),
        ("zip bomb with a lying size", lying, 400, "cannot be inflated"),
    ];
    for (what, bytes, status, detail) in cases {
        let (code, body) = assemble_bundle(&app, &bytes).await;
        check(what, code, &body, status, detail);
    }

    // Chunks that do not add up to the checksum named.
    let good = bundle(&injected("a", ID_A), None);
    let pieces = chunks(&good, 64 * 1024);
    let zipped: Vec<(&str, Vec<u8>)> = pieces.iter().map(|(n, b)| (n.as_str(), gzip(b))).collect();
    let parts: Vec<(&str, &str, &[u8])> = zipped.iter().map(|(n, b)| ("file_gzip", *n, b.as_slice())).collect();
    post_chunks(&app, &parts).await;
    let mut body = assemble_body(&good, &pieces, None);
    body["checksum"] = json!(sha1(b"something else"));
    let reply = app.api("POST", ASSEMBLE, Some(body)).await;
    check("checksum mismatch", reply.status, &reply.body, 400, "not the checksum");

    // A bundle over the size limit, in chunks that are each fine.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let noise: Vec<u8> = (0..MAX_BUNDLE + 4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let (code, body) = assemble_bundle(&app, &zip(&[("files/noise.bin", &noise)])).await;
    check("bundle over the limit", code, &body, 413, "more than the limit");

    // The server still serves: a good upload assembles and an event symbolicates.
    assert_eq!(upload(&app, &good, None).await.body["state"], "ok");
    let mut event = fixture_event("event-a.json");
    event["event_id"] = json!(event_id());
    app.send_event(event).await;
    let issue = &app.issues()[0];
    assert_eq!(issue.culprit.as_deref(), Some("priceOfLine(src/cart)"));
    let bundles: i64 = app.conn().query_row("SELECT count(*) FROM artifact_bundles", [], |r| r.get(0)).unwrap();
    assert_eq!(bundles, 1, "no refused bundle was stored");
}
