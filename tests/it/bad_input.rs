//! Malformed, truncated, oversized, wrongly encoded, unauthenticated and decompression-bomb
//! requests: each gets its documented 4xx with a JSON `detail`, and the server keeps serving.

use std::io::Write;

use axum::http::StatusCode;
use serde_json::json;
use sift::config::{Limits, RateLimit, ServerConfig};

use super::support::{TestApp, envelope, event_id, gzip};

struct Case {
    name: &'static str,
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    status: u16,
    detail: &'static str,
}

fn case(name: &'static str, body: impl Into<Vec<u8>>, status: u16, detail: &'static str) -> Case {
    Case {
        name,
        method: "POST",
        path: "/api/1/envelope/".into(),
        headers: Vec::new(),
        body: body.into(),
        status,
        detail,
    }
}

impl Case {
    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    fn path(mut self, path: &str) -> Self {
        self.path = path.into();
        self
    }
    fn method(mut self, method: &'static str) -> Self {
        self.method = method;
        self
    }
}

fn zeros_zstd(bytes: usize) -> Vec<u8> {
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..bytes / chunk.len() {
        encoder.write_all(&chunk).unwrap();
    }
    encoder.finish().unwrap()
}

fn zeros_brotli(bytes: usize) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 1 << 16, 1, 22);
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..bytes / chunk.len() {
            w.write_all(&chunk).unwrap();
        }
    }
    out
}

#[tokio::test]
async fn every_bad_request_gets_its_status_and_the_server_keeps_serving() {
    let limits = Limits {
        max_compressed_body: 512 * 1024,
        max_envelope: 4 * 1024 * 1024,
        max_event: 64 * 1024,
        max_attachment: 1024 * 1024,
        ..Limits::default()
    };
    let app = TestApp::with_config(ServerConfig { limits, ..ServerConfig::default() });
    let (_, other_key) = app.add_project("other");
    let auth = format!("Sentry sentry_key={}, sentry_version=7", app.key);
    let good = envelope(&json!({ "message": "fine" }));
    let event_item =
        |payload: &str| format!("{{}}\n{{\"type\":\"event\",\"length\":{}}}\n{payload}", payload.len()).into_bytes();

    let cases = vec![
        case("no credentials", good.clone(), 401, "missing authorization"),
        case("unknown key", good.clone(), 403, "unknown DSN key")
            .header("x-sentry-auth", "Sentry sentry_key=0123456789abcdef0123456789abcdef"),
        case("key of another project", good.clone(), 403, "does not belong to project 1")
            .header("x-sentry-auth", &format!("Sentry sentry_key={other_key}")),
        case("unknown project", good.clone(), 404, "project 999 does not exist")
            .path("/api/999/envelope/")
            .header("x-sentry-auth", &auth),
        case("non-numeric project", good.clone(), 404, "does not exist")
            .path("/api/abc/envelope/")
            .header("x-sentry-auth", &auth),
        case("auth header without key", good.clone(), 401, "has no sentry_key")
            .header("x-sentry-auth", "Sentry sentry_version=7"),
        case("conflicting header and query", good.clone(), 400, "different DSN keys")
            .path(&format!("/api/1/envelope/?sentry_key={other_key}"))
            .header("x-sentry-auth", &auth),
        case(
            "envelope dsn names another key",
            format!("{{\"dsn\":\"http://{other_key}@localhost/1\"}}\n{{\"type\":\"event\",\"length\":2}}\n{{}}")
                .into_bytes(),
            403,
            "different key",
        )
        .header("x-sentry-auth", &auth),
        case(
            "envelope dsn with unknown key",
            format!("{{\"dsn\":\"http://{}@localhost/1\"}}\n", "f".repeat(32)).into_bytes(),
            403,
            "unknown DSN key",
        ),
        case("empty body", Vec::new(), 400, "empty envelope").header("x-sentry-auth", &auth),
        case("whitespace body", b"  \n\n".to_vec(), 400, "empty envelope").header("x-sentry-auth", &auth),
        case("header not json", b"hello\n".to_vec(), 400, "envelope header at byte").header("x-sentry-auth", &auth),
        case("header is an array", b"[]\n".to_vec(), 400, "expected a JSON object").header("x-sentry-auth", &auth),
        case("item header not json", b"{}\n{type:event}\n{}".to_vec(), 400, "item 1 header")
            .header("x-sentry-auth", &auth),
        case("item header without type", b"{}\n{\"length\":2}\n{}".to_vec(), 400, "missing \"type\"")
            .header("x-sentry-auth", &auth),
        case(
            "length beyond the body",
            b"{}\n{\"type\":\"event\",\"length\":99}\n{}".to_vec(),
            400,
            "declares length 99",
        )
        .header("x-sentry-auth", &auth),
        case(
            "payload longer than length",
            b"{}\n{\"type\":\"event\",\"length\":1}\n{}".to_vec(),
            400,
            "not followed by a newline",
        )
        .header("x-sentry-auth", &auth),
        case("negative length", b"{}\n{\"type\":\"event\",\"length\":-4}\n{}".to_vec(), 400, "non-negative integer")
            .header("x-sentry-auth", &auth),
        case("bad envelope event_id", b"{\"event_id\":\"xyz\"}\n".to_vec(), 400, "invalid event_id")
            .header("x-sentry-auth", &auth),
        case("bad payload event_id", event_item("{\"event_id\":\"not-an-id\"}"), 400, "invalid event_id")
            .header("x-sentry-auth", &auth),
        case("event payload not json", event_item("{\"message\": nope}"), 400, "not valid JSON (line 1")
            .header("x-sentry-auth", &auth),
        case("event payload not an object", event_item("[1,2,3]"), 400, "must be a JSON object")
            .header("x-sentry-auth", &auth),
        case("truncated gzip", gzip(&good)[..12].to_vec(), 400, "decompress")
            .header("x-sentry-auth", &auth)
            .header("content-encoding", "gzip"),
        case("garbage brotli", b"not brotli at all".to_vec(), 400, "decompress")
            .header("x-sentry-auth", &auth)
            .header("content-encoding", "br"),
        case("garbage zstd", b"not zstd".to_vec(), 400, "decompress")
            .header("x-sentry-auth", &auth)
            .header("content-encoding", "zstd"),
        case("garbage deflate", b"\xff\xfe\xfd".to_vec(), 400, "decompress")
            .header("x-sentry-auth", &auth)
            .header("content-encoding", "deflate"),
        case("plain body labelled gzip", good.clone(), 400, "decompress")
            .header("x-sentry-auth", &auth)
            .header("content-encoding", "gzip"),
        case("unsupported encoding", good.clone(), 400, "unsupported Content-Encoding")
            .header("x-sentry-auth", &auth)
            .header("content-encoding", "lzma"),
        case("wrong content type", good.clone(), 400, "invalid content type")
            .header("x-sentry-auth", &auth)
            .header("content-type", "image/png"),
        case("body over the wire limit", vec![b'{'; 600 * 1024], 413, "exceeds the limit")
            .header("x-sentry-auth", &auth),
        case("gzip bomb", gzip(&vec![0u8; 64 * 1024 * 1024]), 413, "decompressed request body exceeds")
            .header("x-sentry-auth", &auth)
            .header("content-encoding", "gzip"),
        case("zstd bomb", zeros_zstd(256 * 1024 * 1024), 413, "decompressed request body exceeds")
            .header("x-sentry-auth", &auth)
            .header("content-encoding", "zstd"),
        case("brotli bomb", zeros_brotli(64 * 1024 * 1024), 413, "decompressed request body exceeds")
            .header("x-sentry-auth", &auth)
            .header("content-encoding", "br"),
        case(
            "event over the limit even after trimming",
            event_item(&format!(
                "{{\"extra\":{{{}}}}}",
                (0..6).map(|i| format!("\"f{i}\":\"{}\"", "x".repeat(20 * 1024))).collect::<Vec<_>>().join(",")
            )),
            413,
            "after trimming",
        )
        .header("x-sentry-auth", &auth),
        case("store: not json", b"{\"message\": }".to_vec(), 400, "not valid JSON")
            .path("/api/1/store/")
            .header("x-sentry-auth", &auth),
        case("store: neither json nor base64", b"%%%%".to_vec(), 400, "neither JSON nor base64")
            .path("/api/1/store/")
            .header("x-sentry-auth", &auth),
        case("store: no credentials", b"{}".to_vec(), 401, "missing authorization").path("/api/1/store/"),
        case("wrong method", Vec::new(), 405, "Method not allowed").method("GET"),
        case("unknown path", Vec::new(), 404, "does not exist").path("/api/1/nothing-here/"),
    ];
    assert!(cases.len() >= 30);
    for case in &cases {
        let headers: Vec<(&str, &str)> = case.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let reply = app.request(case.method, &case.path, &headers, case.body.clone()).await;
        assert_eq!(reply.status.as_u16(), case.status, "{}: {:?}", case.name, reply.body);
        let detail =
            reply.body["detail"].as_str().unwrap_or_else(|| panic!("{}: no detail in {:?}", case.name, reply.body));
        assert!(detail.contains(case.detail), "{}: detail {detail:?} lacks {:?}", case.name, case.detail);
        assert_eq!(reply.headers["content-type"], "application/json", "{}", case.name);
    }
    assert!(app.issues().is_empty(), "no bad request stored anything");

    let id = app.send_event(json!({ "event_id": event_id(), "message": "still serving" })).await;
    assert_eq!(id.len(), 32);
    assert_eq!(app.issues().len(), 1);
}

#[tokio::test]
async fn rate_limited_keys_get_429_with_retry_headers() {
    let app = TestApp::with_config(ServerConfig {
        rate_limit: RateLimit { per_key: 2, window_secs: 60 },
        ..ServerConfig::default()
    });
    for _ in 0..2 {
        app.send_event(json!({ "message": "ok" })).await;
    }
    let reply = app.post_envelope(envelope(&json!({ "message": "too many" }))).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = reply.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after));
    let limits = reply.headers["x-sentry-rate-limits"].to_str().unwrap();
    assert_eq!(limits, format!("{retry_after}::key:key_quota"));
    assert!(reply.body["detail"].as_str().unwrap().contains("rate limit"));
    // Another project's key is unaffected.
    let (id, key) = app.add_project("other");
    let auth = format!("Sentry sentry_key={key}");
    let reply =
        app.request("POST", &format!("/api/{id}/envelope/"), &[("x-sentry-auth", &auth)], envelope(&json!({}))).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn cors_preflight_is_answered_for_ingest() {
    let app = TestApp::new();
    let reply = app
        .request(
            "OPTIONS",
            "/api/1/envelope/",
            &[
                ("origin", "https://shop.example"),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "content-type,x-sentry-auth"),
            ],
            Vec::new(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["access-control-allow-origin"], "*");
    let allowed = reply.headers["access-control-allow-headers"].to_str().unwrap().to_ascii_lowercase();
    assert!(allowed.contains("x-sentry-auth") && allowed.contains("content-type"), "{allowed}");
}
