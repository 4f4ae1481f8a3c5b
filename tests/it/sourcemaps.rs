//! Source maps in-process: sentry-cli's upload sequence against the router (honest
//! `missingChunks`, synchronous assembly, de-duplication by checksum), then events from the
//! checked-in esbuild builds read back through the Web API with their original frames, by debug
//! id and by release and URL; two builds in one issue; a frame without a map kept minified with
//! its notice; and an event that came before its maps, symbolicated when read.

use serde_json::{Value, json};

use super::artifacts::{
    ASSEMBLE, CHUNK, ID_A, ID_B, assemble_body, bundle, chunks, file, fixture, fixture_event, injected, post_chunks,
    upload,
};
use super::support::{TestApp, event_id, gzip};

async fn latest(app: &TestApp, issue: i64) -> Value {
    let reply = app.api("GET", &format!("/api/0/organizations/local/issues/{issue}/events/latest/"), None).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body
}

fn exception(event: &Value) -> &Value {
    event["entries"].as_array().unwrap().iter().find(|e| e["type"] == "exception").expect("exception entry")["data"]
        ["values"]
        .get(0)
        .expect("one exception")
}

fn frame_line(frame: &Value) -> Option<&str> {
    frame["context"].as_array()?.iter().find(|c| c[0] == frame["lineNo"])?[1].as_str()
}

async fn send(app: &TestApp, mut event: Value) -> i64 {
    event["event_id"] = json!(event_id());
    let id = app.send_event(event).await;
    app.conn().query_row("SELECT group_id FROM events WHERE event_id = ?1", [&id], |row| row.get(0)).unwrap()
}

#[tokio::test]
async fn sentry_clis_upload_sequence_stores_a_bundle_once() {
    let app = TestApp::new();
    let options = app.api("GET", CHUNK, None).await;
    assert_eq!(options.body["hashAlgorithm"], "sha1");
    assert_eq!(options.body["chunkSize"], 8 * 1024 * 1024);
    assert_eq!(options.body["url"], "organizations/local/chunk-upload/");
    assert!(options.body["compression"].as_array().unwrap().contains(&json!("gzip")));

    let bytes = bundle(&injected("a", ID_A), None);
    // Small chunks, so the bundle comes in several.
    let pieces = chunks(&bytes, 1024);
    assert!(pieces.len() > 1);
    let body = assemble_body(&bytes, &pieces, None);
    let first = app.api("POST", ASSEMBLE, Some(body.clone())).await;
    assert_eq!(first.body["state"], "not_found");
    let missing: Vec<&str> = first.body["missingChunks"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(missing, pieces.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), "every chunk, in order");

    // Half the chunks: the rest are still missing, and nothing is assembled.
    let (sent, rest) = pieces.split_at(pieces.len() / 2);
    let zipped: Vec<(&str, Vec<u8>)> = sent.iter().map(|(n, b)| (n.as_str(), gzip(b))).collect();
    let parts: Vec<(&str, &str, &[u8])> = zipped.iter().map(|(n, b)| ("file_gzip", *n, b.as_slice())).collect();
    assert_eq!(post_chunks(&app, &parts).await.status, 200);
    let half = app.api("POST", ASSEMBLE, Some(body.clone())).await;
    assert_eq!(half.body["state"], "not_found");
    assert_eq!(half.body["missingChunks"].as_array().unwrap().len(), rest.len());
    // Raw (`file`) parts are accepted too.
    let raw: Vec<(&str, &str, &[u8])> = rest.iter().map(|(n, b)| ("file", n.as_str(), b.as_slice())).collect();
    assert_eq!(post_chunks(&app, &raw).await.status, 200);
    let done = app.api("POST", ASSEMBLE, Some(body.clone())).await;
    assert_eq!(done.body, json!({"state": "ok", "missingChunks": [], "detail": null}));

    // The same bundle again, as a re-run CI job sends it: ok at once, stored once.
    let again = app.api("POST", ASSEMBLE, Some(body)).await;
    assert_eq!(again.body["state"], "ok");
    assert_eq!(upload(&app, &bytes, None).await.body["state"], "ok");
    let conn = app.conn();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |row| row.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM artifact_bundles"), 1);
    assert_eq!(count("SELECT count(*) FROM artifact_files"), 2);
    assert_eq!(count("SELECT count(*) FROM upload_chunks"), 0, "chunks go once assembled");
    let stored: Vec<u8> =
        conn.query_row("SELECT data FROM artifact_files WHERE kind = 'source_map'", [], |r| r.get(0)).unwrap();
    assert!(stored.len() < fixture("a/app.js.map").len(), "files are stored compressed");
}

#[tokio::test]
async fn node_frames_read_as_their_source_by_debug_id() {
    let app = TestApp::new();
    assert_eq!(upload(&app, &bundle(&injected("a", ID_A), None), None).await.body["state"], "ok");
    let issue = send(&app, fixture_event("event-a.json")).await;
    let event = latest(&app, issue).await;
    let exception = exception(&event);
    let frames = exception["stacktrace"]["frames"].as_array().unwrap();
    let throw = frames.last().unwrap();
    assert_eq!(throw["filename"], "../src/cart.js");
    assert_eq!(throw["function"], "priceOfLine");
    assert_eq!((throw["lineNo"].as_u64(), throw["colNo"].as_u64()), (Some(12), Some(11)));
    assert_eq!(
        frame_line(throw),
        Some("    throw new CheckoutError(`line ${line.sku} has quantity ${line.quantity}`);")
    );
    assert_eq!(throw["context"].as_array().unwrap().len(), 11, "five lines each side");
    assert_eq!(throw["data"]["resolved_with"], "debug-id");
    let names: Vec<&str> = frames.iter().filter_map(|f| f["function"].as_str()).collect();
    assert_eq!(names, ["?", "checkout", "basketTotal", "globalThis.legacyEach", "?", "priceOfLine"]);
    // The minified frames are served beside them.
    let raw = exception["rawStacktrace"]["frames"].as_array().unwrap();
    assert_eq!(raw.last().unwrap()["function"], "u");
    assert_eq!(raw.last().unwrap()["filename"], "/srv/shop/a/app.js");
    // The vendored file has no map: kept minified, with Sentry's notice.
    assert_eq!(frames[3]["filename"], "/srv/shop/vendor/legacy.min.js");
    assert!(event["errors"].as_array().unwrap().contains(&json!({
        "type": "js_no_source",
        "message": "no source map uploaded for this file",
        "data": {"url": "/srv/shop/vendor/legacy.min.js"},
    })));
    let issue = app.api("GET", &format!("/api/0/organizations/local/issues/{issue}/"), None).await;
    assert_eq!(issue.body["culprit"], "priceOfLine(src/cart)");
}

#[tokio::test]
async fn two_differently_minified_builds_make_one_issue() {
    let app = TestApp::new();
    upload(&app, &bundle(&injected("a", ID_A), None), None).await;
    upload(&app, &bundle(&injected("b", ID_B), None), None).await;
    let a = send(&app, fixture_event("event-a.json")).await;
    let b = send(&app, fixture_event("event-b.json")).await;
    assert_eq!(a, b);
    assert_eq!(app.issues().len(), 1);
    assert_eq!(app.issues()[0].times_seen, 2);
}

/// The browser flow: no debug ids, the release and `--url-prefix '~/assets'`, and frames whose
/// URLs are the page's.
#[tokio::test]
async fn browser_frames_read_as_their_source_by_release_and_url() {
    let app = TestApp::new();
    let files = vec![
        file(
            "files/_/_/assets/app.js",
            json!({"type": "minified_source", "url": "~/assets/app.js",
              "headers": {"sourcemap": "app.js.map"}}),
            fixture("a/app.js"),
        ),
        file(
            "files/_/_/assets/app.js.map",
            json!({"type": "source_map", "url": "~/assets/app.js.map"}),
            fixture("a/app.js.map"),
        ),
    ];
    assert_eq!(upload(&app, &bundle(&files, Some("shop@1.0.0")), Some("shop@1.0.0")).await.body["state"], "ok");
    let mut event = fixture_event("event-a.json");
    event["platform"] = json!("javascript");
    event["release"] = json!("shop@1.0.0");
    event.as_object_mut().unwrap().remove("debug_meta");
    for frame in event["exception"]["values"][0]["stacktrace"]["frames"].as_array_mut().unwrap() {
        let name = frame["filename"].as_str().unwrap().replace("/srv/shop/a/", "http://localhost:5173/assets/");
        frame["abs_path"] = json!(format!("{name}?v=3"));
        frame["filename"] = json!(name);
    }
    let issue = send(&app, event.clone()).await;
    let served = latest(&app, issue).await;
    let throw = exception(&served)["stacktrace"]["frames"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(throw["function"], "priceOfLine");
    assert_eq!(throw["data"]["resolved_with"], "release");
    assert_eq!(throw["data"]["sourcemap"], "~/assets/app.js.map");

    // Another release has no maps: the same frames stay minified, with notices.
    event["release"] = json!("shop@2.0.0");
    let other = send(&app, event).await;
    let served = latest(&app, other).await;
    let throw = exception(&served)["stacktrace"]["frames"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(throw["function"], "u");
    assert!(served["errors"].as_array().unwrap().iter().any(|e| e["type"] == "js_no_source"));
}

#[tokio::test]
async fn an_event_before_its_maps_reads_symbolicated_once_they_arrive() {
    let app = TestApp::new();
    let issue = send(&app, fixture_event("event-a.json")).await;
    let before = latest(&app, issue).await;
    assert_eq!(exception(&before)["stacktrace"]["frames"].as_array().unwrap().last().unwrap()["function"], "u");
    assert!(exception(&before)["rawStacktrace"].is_null());

    upload(&app, &bundle(&injected("a", ID_A), None), None).await;
    let after = latest(&app, issue).await;
    let frames = exception(&after)["stacktrace"]["frames"].as_array().unwrap();
    assert_eq!(frames.last().unwrap()["function"], "priceOfLine");
    assert_eq!(exception(&after)["rawStacktrace"]["frames"].as_array().unwrap().last().unwrap()["function"], "u");
    // Reading does not rewrite what was stored.
    let stored: i64 =
        app.conn().query_row("SELECT count(*) FROM events WHERE group_id = ?1", [issue], |row| row.get(0)).unwrap();
    assert_eq!(stored, 1);
    let list = app.api("GET", &format!("/api/0/organizations/local/issues/{issue}/events/?full=true"), None).await;
    assert_eq!(
        exception(&list.body[0])["stacktrace"]["frames"].as_array().unwrap().last().unwrap()["function"],
        "priceOfLine"
    );
}

#[tokio::test]
async fn events_of_projects_without_maps_are_left_alone() {
    let app = TestApp::new();
    let (_, key) = app.add_project("other");
    upload(&app, &bundle(&injected("a", ID_A), None), None).await;
    let mut event = fixture_event("event-a.json");
    event["event_id"] = json!(event_id());
    let auth = format!("Sentry sentry_key={key}, sentry_version=7");
    let reply =
        app.request("POST", "/api/2/envelope/", &[("x-sentry-auth", &auth)], super::support::envelope(&event)).await;
    assert_eq!(reply.status, 200);
    let issue = app.issues().into_iter().find(|i| i.project_id == 2).unwrap();
    let served = latest(&app, issue.id).await;
    assert_eq!(exception(&served)["stacktrace"]["frames"].as_array().unwrap().last().unwrap()["function"], "u");
    assert_eq!(served["errors"], json!([]));
}
