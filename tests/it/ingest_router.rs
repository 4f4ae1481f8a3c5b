//! The ingest router driven in-process: real SDK traffic captured from sentry-python,
//! @sentry/node, sentry-cli and the Rust `sentry` crate replayed byte for byte, every content
//! encoding, every auth placement, item types, deduplication and scrubbing.

use std::io::Write;
use std::path::PathBuf;

use axum::http::StatusCode;
use serde_json::{Value, json};
use sift::store::{issues, projects};

use super::support::{TestApp, envelope, event_id, gzip};

/// One captured request: its path, query, headers and raw body.
struct Captured {
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn captures(client: &str) -> Vec<Captured> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sdk").join(client);
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    entries.sort();
    entries
        .into_iter()
        .map(|path| {
            let request: Value = serde_json::from_slice(&std::fs::read(path.join("request.json")).unwrap()).unwrap();
            let headers = request["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h[0].as_str().unwrap().to_string(), h[1].as_str().unwrap().to_string()))
                .filter(|(name, _)| !name.eq_ignore_ascii_case("host") && !name.eq_ignore_ascii_case("content-length"))
                .collect();
            Captured {
                path: request["path"].as_str().unwrap().to_string(),
                query: request["query"].as_str().unwrap_or("").to_string(),
                headers,
                body: std::fs::read(path.join("body.bin")).unwrap(),
            }
        })
        .collect()
}

fn key_of(captured: &Captured) -> String {
    let from_header =
        captured.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("x-sentry-auth")).and_then(|(_, v)| {
            v.split(',')
                .find_map(|p| p.trim().trim_start_matches("Sentry ").strip_prefix("sentry_key=").map(str::to_string))
        });
    from_header
        .or_else(|| {
            form_urlencoded::parse(captured.query.as_bytes())
                .find(|(k, _)| k == "sentry_key")
                .map(|(_, v)| v.into_owned())
        })
        .expect("captured request carries a key")
}

/// Replays a client's captured traffic into project 1 and returns how many requests succeeded.
async fn replay(app: &TestApp, client: &str) -> usize {
    let requests = captures(client);
    assert!(!requests.is_empty(), "no captures for {client}");
    for captured in &requests {
        app.add_key(1, &key_of(captured));
        let uri = if captured.query.is_empty() {
            captured.path.clone()
        } else {
            format!("{}?{}", captured.path, captured.query)
        };
        let headers: Vec<(&str, &str)> = captured.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let reply = app.request("POST", &uri, &headers, captured.body.clone()).await;
        assert_eq!(reply.status, StatusCode::OK, "{client} {uri}: {:?}", reply.body);
    }
    requests.len()
}

fn issue_by_type<'a>(all: &'a [issues::IssueRecord], ty: &str, function: &str) -> Vec<&'a issues::IssueRecord> {
    all.iter().filter(|i| i.metadata["type"] == ty && i.metadata["function"] == function).collect()
}

#[tokio::test]
async fn python_sdk_traffic_groups_like_sentry() {
    let app = TestApp::new();
    replay(&app, "python").await;
    let all = app.issues();
    assert_eq!(all.len(), 9, "{:#?}", all.iter().map(|i| (&i.title, &i.culprit, i.times_seen)).collect::<Vec<_>>());
    let orders = issue_by_type(&all, "OrderError", "process_order");
    assert_eq!(orders.len(), 1);
    let order = orders[0];
    assert_eq!((order.times_seen, order.user_count), (6, 3));
    assert!(order.title.starts_with("OrderError: invalid order 100"), "{}", order.title);
    assert!(order.culprit.as_deref().unwrap().ends_with("in process_order"), "{:?}", order.culprit);
    assert_eq!(order.first_release.as_deref(), Some("shop@1.2.3"));
    let refunds = issue_by_type(&all, "OrderError", "refund_order");
    assert_eq!(refunds.len(), 1, "same type and message from another function is another issue");
    assert_ne!(refunds[0].id, order.id);
    let conn = app.conn();
    let events = issues::issue_events(&conn, order.id).unwrap();
    let event = &events[0].data;
    assert!(event["breadcrumbs"]["values"].as_array().unwrap().len() >= 3);
    assert!(event["contexts"]["runtime"]["name"].is_string());
    assert_eq!(event["environment"], "staging");
}

#[tokio::test]
async fn python_authorization_headers_are_scrubbed_on_arrival() {
    let app = TestApp::new();
    replay(&app, "python").await;
    let conn = app.conn();
    let mut saw_request = false;
    for issue in app.issues() {
        for event in issues::issue_events(&conn, issue.id).unwrap() {
            let text = event.data.to_string();
            for secret in ["sk_live_4f9a8c7e6d5b4a39", "c00k1e-s3cr3t", "ak_test_0123456789abcdef"] {
                assert!(!text.contains(secret), "secret {secret} stored in {}", issue.title);
            }
            if let Some(headers) = event.data["request"]["headers"].as_array() {
                saw_request = true;
                let auth = headers.iter().find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case("authorization"));
                assert_eq!(auth.map(|h| h[1].clone()), Some(json!("[Filtered]")));
            }
        }
    }
    assert!(saw_request, "the python scenario sends a request with headers");
}

#[tokio::test]
async fn node_sdk_traffic_groups_like_sentry() {
    let app = TestApp::new();
    replay(&app, "node").await;
    let all = app.issues();
    assert_eq!(all.len(), 9, "{:#?}", all.iter().map(|i| (&i.title, &i.culprit, i.times_seen)).collect::<Vec<_>>());
    let order = all.iter().find(|i| i.times_seen == 6).expect("the six-times error");
    assert_eq!(order.user_count, 3);
    assert!(
        order.culprit.as_deref().unwrap_or("").contains("processOrder")
            || order.culprit.as_deref().unwrap_or("").contains("process_order"),
        "{:?}",
        order.culprit
    );
    // Sessions and client reports are kept as items.
    let conn = app.conn();
    let kinds: Vec<String> = conn
        .prepare("SELECT DISTINCT kind FROM items ORDER BY kind")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(kinds.iter().any(|k| k.starts_with("session")), "{kinds:?}");
}

#[tokio::test]
async fn sentry_cli_messages_group_by_template() {
    let app = TestApp::new();
    assert_eq!(replay(&app, "cli").await, 2);
    let all = app.issues();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].times_seen, 2);
    assert!(all[0].title.starts_with("Deploy "), "{}", all[0].title);
}

#[tokio::test]
async fn rust_sdk_traffic_groups_like_sentry() {
    let app = TestApp::new();
    assert_eq!(replay(&app, "rust").await, 18);
    let all = app.issues();
    let summary: Vec<_> = all.iter().map(|i| (&i.title, &i.culprit, i.times_seen)).collect();
    assert_eq!(all.len(), 10, "{summary:#?}");
    assert_eq!(all.iter().map(|i| i.times_seen).sum::<i64>(), 18);
    let titled = |title: &str| all.iter().filter(|i| i.title == title).collect::<Vec<_>>();

    let order = all.iter().find(|i| i.title.starts_with("OrderError: invalid order") && i.times_seen == 6);
    let order = order.unwrap_or_else(|| panic!("six occurrences, one issue: {summary:#?}"));
    assert_eq!(order.user_count, 3);
    assert_eq!(order.first_release.as_deref(), Some("shop@1.2.3"));
    let refund = titled("OrderError: invalid order 1001");
    assert!(refund.iter().any(|i| i.times_seen == 1 && i.id != order.id), "refund_order is its own issue");

    let payment = titled("PaymentError: payment refund failed");
    assert_eq!(payment.len(), 1, "{summary:#?}");
    let conn = app.conn();
    let event = &issues::issue_events(&conn, payment[0].id).unwrap()[0].data;
    let chain: Vec<&str> =
        event["exception"]["values"].as_array().unwrap().iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(chain, ["GatewayTimeout", "PaymentError"], "cause first, raised last");
    assert!(event["breadcrumbs"]["values"].as_array().unwrap().len() >= 3);
    assert!(event["contexts"]["rust"]["version"].is_string());

    let logins = all.iter().filter(|i| i.title.contains("failed to log in")).collect::<Vec<_>>();
    assert_eq!(logins.iter().map(|i| i.times_seen).collect::<Vec<_>>(), [2], "grouped by the template");
    let mut tenants: Vec<i64> = titled("OrderError: tenant sync failed").iter().map(|i| i.times_seen).collect();
    tenants.sort();
    assert_eq!(tenants, [1, 2], "{{{{ default }}}} plus the tenant splits");
    let checkout = titled("panic: checkout invariant violated");
    let billing = titled("panic: billing invariant violated");
    assert_eq!((checkout.len(), billing.len()), (1, 1), "two panic sites, two issues: {summary:#?}");
    assert_eq!((checkout[0].times_seen, checkout[0].level.as_str()), (2, "fatal"));
    assert!(checkout[0].culprit.as_deref().unwrap_or("").ends_with("panic_in_checkout"), "{:?}", checkout[0].culprit);

    let rejected = titled("api key rejected");
    assert_eq!(rejected.len(), 1, "{summary:#?}");
    let event = &issues::issue_events(&conn, rejected[0].id).unwrap()[0].data;
    let headers = event["request"]["headers"].as_array().unwrap();
    for (name, value) in
        [("Authorization", "[Filtered]"), ("X-Api-Key", "[Filtered]"), ("User-Agent", "sift-sdk-suite/1.0")]
    {
        assert!(headers.contains(&json!([name, value])), "{headers:?}");
    }
}

#[tokio::test]
async fn answers_with_the_event_id_and_accepts_hyphenated_ids() {
    let app = TestApp::new();
    let body =
        b"{\"event_id\":\"9EC79C33-EC99-42AB-8353-589FCB2E04DC\"}\n{\"type\":\"event\"}\n{\"message\":\"hi\"}".to_vec();
    let reply = app.post_envelope(body).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!({ "id": "9ec79c33ec9942ab8353589fcb2e04dc" }));
    let stored = issues::get_event(&app.conn(), 1, "9ec79c33ec9942ab8353589fcb2e04dc").unwrap().unwrap();
    assert_eq!(stored.data["logentry"]["formatted"], "hi");
}

#[tokio::test]
async fn every_content_encoding_is_accepted() {
    let app = TestApp::new();
    let body = envelope(&json!({ "message": "compressed" }));
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(&body).unwrap();
    let mut br = Vec::new();
    brotli::CompressorWriter::new(&mut br, 4096, 5, 22).write_all(&body).unwrap();
    let auth = format!("Sentry sentry_key={}", app.key);
    for (encoding, data) in [
        ("identity", body.clone()),
        ("gzip", gzip(&body)),
        ("deflate", zlib.finish().unwrap()),
        ("br", br),
        ("zstd", zstd::encode_all(&body[..], 3).unwrap()),
        ("", body.clone()),
    ] {
        let reply = app
            .request("POST", "/api/1/envelope/", &[("x-sentry-auth", &auth), ("content-encoding", encoding)], data)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{encoding}: {:?}", reply.body);
    }
    assert_eq!(app.issues()[0].times_seen, 6);
}

#[tokio::test]
async fn auth_by_query_envelope_dsn_and_basic() {
    let app = TestApp::new();
    let body = envelope(&json!({ "message": "auth" }));
    let reply = app
        .request("POST", &format!("/api/1/envelope/?sentry_version=7&sentry_key={}", app.key), &[], body.clone())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let with_dsn = format!(
        "{{\"dsn\":\"http://{}@127.0.0.1:9000/1\"}}\n{{\"type\":\"event\"}}\n{{\"message\":\"dsn\"}}\n",
        app.key
    );
    let reply = app.request("POST", "/api/1/envelope/", &[], with_dsn.into_bytes()).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    use base64::Engine;
    let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{}:", app.key)));
    let reply = app.request("POST", "/api/1/envelope", &[("authorization", &basic)], body).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn store_endpoint_accepts_json_and_legacy_base64_zlib() {
    let app = TestApp::new();
    let auth = format!("Sentry sentry_key={}", app.key);
    let event = json!({ "event_id": event_id(), "message": "from store" });
    let reply = app.request("POST", "/api/1/store/", &[("x-sentry-auth", &auth)], event.to_string().into_bytes()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["id"], event["event_id"]);

    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(json!({ "message": "legacy" }).to_string().as_bytes()).unwrap();
    use base64::Engine;
    let legacy = base64::engine::general_purpose::STANDARD.encode(zlib.finish().unwrap());
    let reply = app.request("POST", "/api/1/store/", &[("x-sentry-auth", &auth)], legacy.into_bytes()).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let reply = app
        .request("POST", "/api/store/", &[("x-sentry-auth", &auth)], b"{\"message\":\"no project in path\"}".to_vec())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(app.issues().len(), 3);
}

#[tokio::test]
async fn other_item_types_are_stored_and_unknown_ones_skipped() {
    let app = TestApp::new();
    let id = event_id();
    // An unknown item far over the event limit is skipped, not a reason to refuse the envelope.
    let huge_profile = "p".repeat(3 * 1024 * 1024);
    let transaction = json!({ "type": "transaction", "transaction": "/checkout", "start_timestamp": 1.0, "timestamp": 1.5, "spans": [], "contexts": { "trace": { "trace_id": "a".repeat(32), "span_id": "b".repeat(16) } } }).to_string();
    let body = format!(
        "{{\"event_id\":\"{id}\"}}\n{{\"type\":\"transaction\",\"length\":{}}}\n{transaction}\n{{\"type\":\"attachment\",\"length\":5,\"filename\":\"log.txt\",\"content_type\":\"text/plain\"}}\nhello\n{{\"type\":\"session\"}}\n{{\"sid\":\"s\",\"started\":\"2026-01-01T00:00:00Z\",\"status\":\"ok\",\"attrs\":{{\"release\":\"r\"}}}}\n{{\"type\":\"sessions\"}}\n{{\"aggregates\":[]}}\n{{\"type\":\"client_report\"}}\n{{\"discarded_events\":[]}}\n{{\"type\":\"check_in\"}}\n{{\"check_in_id\":\"{id}\",\"monitor_slug\":\"m\",\"status\":\"ok\",\"monitor_config\":{{\"schedule\":{{\"type\":\"interval\",\"value\":1,\"unit\":\"day\"}}}}}}\n{{\"type\":\"user_report\"}}\n{{\"event_id\":\"{id}\",\"name\":\"n\",\"email\":\"e\",\"comments\":\"c\"}}\n{{\"type\":\"feedback\"}}\n{{\"contexts\":{{\"feedback\":{{\"message\":\"great\"}}}}}}\n{{\"type\":\"replay_recording\",\"length\":3}}\nabc\n{{\"type\":\"brand_new_type\"}}\n{{}}\n{{\"type\":\"profile\",\"length\":{}}}\n{}\n",
        transaction.len(),
        huge_profile.len(),
        huge_profile
    );
    let reply = app.post_envelope(body.into_bytes()).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["id"], id);
    let conn = app.conn();
    // Transactions have their own table; the other kinds are kept as items.
    let transactions: i64 = conn.query_row("SELECT count(*) FROM transactions", [], |r| r.get(0)).unwrap();
    assert_eq!(transactions, 1);
    for kind in ["attachment", "session", "sessions", "client_report"] {
        assert_eq!(issues::items(&conn, 1, kind).unwrap().len(), 1, "{kind}");
    }
    // Feedback, user reports and check-ins become records of their own.
    for kind in ["transaction", "check_in", "user_report", "feedback"] {
        assert!(issues::items(&conn, 1, kind).unwrap().is_empty(), "{kind}");
    }
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |row| row.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM feedback"), 2);
    assert_eq!(count("SELECT count(*) FROM monitor_checkins"), 1);
    assert_eq!(issues::items(&conn, 1, "attachment").unwrap()[0].data, b"hello");
    assert_eq!(issues::items(&conn, 1, "attachment").unwrap()[0].header["filename"], "log.txt");
    assert!(issues::items(&conn, 1, "brand_new_type").unwrap().is_empty());
    assert!(app.issues().is_empty(), "transactions do not make issues");
}

#[tokio::test]
async fn duplicate_event_ids_are_stored_once() {
    let app = TestApp::new();
    let event = json!({ "event_id": event_id(), "message": "once" });
    app.send_event(event.clone()).await;
    app.send_event(event).await;
    assert_eq!(app.issues()[0].times_seen, 1);
    assert_eq!(issues::event_count(&app.conn()).unwrap(), 1);
}

#[tokio::test]
async fn scrubbing_is_on_by_default_and_can_be_turned_off() {
    let app = TestApp::new();
    let event = |id: &str| {
        json!({ "event_id": id, "message": "login", "request": { "url": "https://shop.example/login", "headers": { "Authorization": "Bearer abc.def", "Accept": "text/html" } },
                "extra": { "password": "hunter2", "card": "4111 1111 1111 1111" } })
    };
    let first = event_id();
    app.send_event(event(&first)).await;
    let stored = issues::get_event(&app.conn(), 1, &first).unwrap().unwrap().data;
    assert_eq!(stored["request"]["headers"], json!([["Authorization", "[Filtered]"], ["Accept", "text/html"]]));
    assert_eq!(stored["extra"]["password"], "[Filtered]");
    assert!(!stored.to_string().contains("4111 1111 1111 1111"));

    projects::set_scrubbing(&app.conn(), 1, false).unwrap();
    let second = event_id();
    // The key cache holds the old setting only for keys already seen; use a fresh project key.
    let (id, key) = app.add_project("raw");
    projects::set_scrubbing(&app.conn(), id, false).unwrap();
    let auth = format!("Sentry sentry_key={key}");
    let reply = app
        .request("POST", &format!("/api/{id}/envelope/"), &[("x-sentry-auth", &auth)], envelope(&event(&second)))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let stored = issues::get_event(&app.conn(), id, &second).unwrap().unwrap().data;
    assert_eq!(stored["extra"]["password"], "hunter2");
}

#[tokio::test]
async fn one_huge_field_is_trimmed_not_rejected() {
    let app = TestApp::new();
    let id = event_id();
    app.send_event(json!({ "event_id": id, "message": "big", "extra": { "dump": "d".repeat(1_500_000) } })).await;
    let stored = issues::get_event(&app.conn(), 1, &id).unwrap().unwrap().data;
    assert!(stored["extra"]["dump"].as_str().unwrap().ends_with("..."));
    assert_eq!(stored["_meta"]["extra"]["dump"][""]["len"], 1_500_000);
}

#[tokio::test]
async fn user_identities_survive_scrubbing_so_users_stay_distinct() {
    let app = TestApp::new();
    for user in ["auth0|5f8a01", "auth0|77b2c3", "author@example.com"] {
        app.send_event(json!({ "message": "login failed", "user": { "id": user, "password": "hunter2" } })).await;
    }
    let issue = &app.issues()[0];
    assert_eq!(issue.user_count, 3);
    let events = issues::issue_events(&app.conn(), issue.id).unwrap();
    assert_eq!(events[0].data["user"]["id"], "auth0|5f8a01");
    assert_eq!(events[0].data["user"]["password"], "[Filtered]");
}

#[tokio::test]
async fn retried_envelopes_store_their_items_once() {
    let app = TestApp::new();
    let id = event_id();
    let body = format!(
        "{{\"event_id\":\"{id}\"}}\n{{\"type\":\"event\"}}\n{{\"message\":\"with log\"}}\n{{\"type\":\"attachment\",\"length\":5,\"filename\":\"log.txt\"}}\nhello\n"
    );
    for _ in 0..2 {
        assert_eq!(app.post_envelope(body.clone().into_bytes()).await.status, StatusCode::OK);
    }
    assert_eq!(issues::items(&app.conn(), 1, "attachment").unwrap().len(), 1);
    assert_eq!(app.issues()[0].times_seen, 1);
}
