//! Release health in-process: `session` and `sessions` items sent through the envelope endpoint
//! are counted by Sentry's rules and read back through `GET …/sessions/` (fields, groupings, the
//! five statuses, query, intervals) and through the release list's `healthData` (crash-free
//! sessions and users, adoption, the series); and the endpoint's refusals.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::support::TestApp;

/// An envelope of session items (`(type, payload)`).
fn envelope(items: &[(&str, Value)]) -> Vec<u8> {
    let mut body = String::from("{}\n");
    for (kind, payload) in items {
        let payload = payload.to_string();
        body.push_str(&format!("{{\"type\":\"{kind}\",\"length\":{}}}\n{payload}\n", payload.len()));
    }
    body.into_bytes()
}

fn started_ago(minutes: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339()
}

fn session(sid: &str, did: &str, init: bool, status: &str, errors: u64, release: &str) -> (&'static str, Value) {
    (
        "session",
        json!({ "sid": sid, "did": did, "init": init, "started": started_ago(5), "status": status, "errors": errors,
                "attrs": { "release": release, "environment": "production" } }),
    )
}

async fn sessions(app: &TestApp, query: &str) -> Value {
    let reply = app.api("GET", &format!("/api/0/organizations/local/sessions/?{query}"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
    reply.body
}

fn group<'a>(answer: &'a Value, key: &str, value: &str) -> &'a Value {
    answer["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["by"][key] == value)
        .unwrap_or_else(|| panic!("{key}={value} in {answer}"))
}

/// Ten sessions of release 1.0 by five users: one crashed (user u1, who also had a healthy
/// one), one abnormal, one errored (sent as an `ok` update with errors, then exited), seven
/// healthy; and release 0.9's aggregates from a server SDK.
async fn send_traffic(app: &TestApp) {
    let mut items = Vec::new();
    for i in 0..10 {
        let sid = format!("{i:032x}");
        let did = format!("u{}", i % 5);
        items.push(session(&sid, &did, true, "ok", 0, "1.0"));
        match i {
            0 => items.push(session(&sid, &did, false, "crashed", 1, "1.0")),
            1 => items.push(session(&sid, &did, false, "abnormal", 0, "1.0")),
            2 => {
                items.push(session(&sid, &did, false, "ok", 1, "1.0"));
                items.push(session(&sid, &did, false, "exited", 1, "1.0"));
            }
            _ => items.push(session(&sid, &did, false, "exited", 0, "1.0")),
        }
    }
    let reply = app.post_envelope(envelope(&items)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let aggregates = json!({
        "aggregates": [{ "started": started_ago(30), "exited": 18, "errored": 1, "crashed": 1 }],
        "attrs": { "release": "0.9", "environment": "staging" }
    });
    assert_eq!(app.post_envelope(envelope(&[("sessions", aggregates)])).await.status, StatusCode::OK);
}

#[tokio::test]
async fn sessions_are_counted_by_sentrys_rules() {
    let app = TestApp::new();
    send_traffic(&app).await;

    let by_release = sessions(
        &app,
        "field=sum(session)&field=count_unique(user)&field=crash_free_rate(session)&field=crash_free_rate(user)&groupBy=release&statsPeriod=24h",
    )
    .await;
    assert_eq!(by_release["intervals"].as_array().unwrap().len(), 24);
    let current = group(&by_release, "release", "1.0");
    assert_eq!(current["totals"]["sum(session)"], 10);
    assert_eq!(current["totals"]["count_unique(user)"], 5);
    assert_eq!(current["totals"]["crash_free_rate(session)"], 0.9, "1 - 1/10");
    assert_eq!(current["totals"]["crash_free_rate(user)"], 0.8, "1 - 1/5");
    assert_eq!(current["series"]["sum(session)"].as_array().unwrap().len(), 24);
    let older = group(&by_release, "release", "0.9");
    assert_eq!(
        (older["totals"]["sum(session)"].as_u64(), older["totals"]["crash_free_rate(session)"].as_f64()),
        (Some(20), Some(0.95))
    );

    let statuses =
        sessions(&app, "field=sum(session)&groupBy=session.status&query=release:1.0&interval=1d&statsPeriod=1d").await;
    let count = |status: &str| group(&statuses, "session.status", status)["totals"]["sum(session)"].as_u64();
    assert_eq!(
        ["healthy", "errored", "crashed", "abnormal", "unhandled"].map(count),
        [Some(7), Some(1), Some(1), Some(1), Some(0)],
        "the errored session counts once however many updates said so"
    );
    let staging = sessions(&app, "field=sum(session)&groupBy=environment&environment=staging").await;
    assert_eq!(staging["groups"].as_array().unwrap().len(), 1);
    let not_latest = sessions(&app, "field=sum(session)&groupBy=release&query=!release:latest").await;
    assert_eq!(not_latest["groups"].as_array().unwrap().len(), 1, "{not_latest}");
    let ordered = sessions(&app, "field=sum(session)&groupBy=release&orderBy=-sum(session)&per_page=1").await;
    assert_eq!(ordered["groups"][0]["by"]["release"], "0.9");
}

#[tokio::test]
async fn the_release_list_carries_health_data() {
    let app = TestApp::new();
    send_traffic(&app).await;
    let list = app.api("GET", "/api/0/organizations/local/releases/?health=1&healthStatsPeriod=24h", None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let release =
        list.body.as_array().unwrap().iter().find(|r| r["version"] == "1.0").expect("sessions make the release");
    let health = &release["projects"][0]["healthData"];
    assert_eq!(health["crashFreeSessions"], 90.0);
    assert_eq!(health["crashFreeUsers"], 80.0);
    assert_eq!((health["totalSessions"].as_u64(), health["totalUsers"].as_u64()), (Some(10), Some(5)));
    assert_eq!(health["totalProjectSessions24h"], 30);
    assert!((health["sessionsAdoption"].as_f64().unwrap() - 100.0 / 3.0).abs() < 0.001, "{health}");
    assert_eq!((health["sessionsCrashed"].as_u64(), health["hasHealthData"].as_bool()), (Some(1), Some(true)));
    assert_eq!(health["stats"]["24h"].as_array().unwrap().len(), 24);
    assert_eq!(release["projects"][0]["hasHealthData"], true);
    let plain = app.api("GET", "/api/0/organizations/local/releases/", None).await.body;
    assert!(plain[0]["projects"][0].get("healthData").is_none(), "only with health=1");
}

#[tokio::test]
async fn bad_session_queries_are_refused() {
    let app = TestApp::new();
    for (query, detail) in [
        ("", "missing a \"field\""),
        ("field=sum(sessions)", "Invalid field"),
        ("field=sum(session)&groupBy=browser", "Invalid groupBy"),
        ("field=crash_free_rate(session)&groupBy=session.status", "Cannot group"),
        ("field=sum(session)&interval=7m", "Invalid interval"),
        ("field=sum(session)&interval=5h", "Invalid interval"),
        ("field=sum(session)&statsPeriod=90d&interval=1h", "too many results"),
        ("field=sum(session)&statsPeriod=soon", "Invalid statsPeriod"),
        ("field=sum(session)&start=2026-06-01T00:00:00Z", "together"),
        ("field=sum(session)&query=is:unresolved", "Invalid query"),
        ("field=sum(session)&query=release:\"x", "Invalid query"),
        ("field=sum(session)&project=nope", "Invalid project"),
        ("field=sum(session)&orderBy=-count_unique(user)", "orderBy must be one of the fields"),
    ] {
        let uri = format!("/api/0/organizations/local/sessions/?{}", query.replace('"', "%22"));
        let reply = app.api("GET", &uri, None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}: {}", reply.body);
        assert!(reply.body["detail"].as_str().unwrap_or_default().contains(detail), "{query}: {}", reply.body);
    }
    // Uncountable sessions are dropped, never rejected; the envelope is still accepted.
    let reply = app.post_envelope(envelope(&[("session", json!({ "started": started_ago(1), "attrs": {} }))])).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(sessions(&app, "field=sum(session)").await["groups"], json!([]));
}
