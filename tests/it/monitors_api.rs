//! Cron monitors through the router and the scheduler: check-ins with a config create the
//! monitor, close their run with a status and duration, an `error` opens the monitor's issue;
//! on a controlled clock a sweep turns a slot nobody checked in for into `missed` (and
//! regresses the resolved issue) and a run past its maximum into `timeout`; bad check-ins get a
//! reason, and a broken monitor never stops the sweep.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{Value, json};
use sift::monitors::scheduler::{ManualClock, Scheduler};

use super::feedback_api::items_envelope;
use super::support::{Reply, TestApp, event_id};

async fn check_in(app: &TestApp, payload: Value) -> Reply {
    app.post_envelope(items_envelope(json!({}), &[("check_in", payload.to_string().into_bytes(), json!({}))])).await
}

fn config() -> Value {
    json!({"schedule": {"type": "crontab", "value": "0 * * * *"}, "checkin_margin": 5, "max_runtime": 10, "timezone": "UTC"})
}

fn next_expected(app: &TestApp) -> f64 {
    app.conn().query_row("SELECT next_expected FROM monitors WHERE slug = 'my-job'", [], |row| row.get(0)).unwrap()
}

async fn check_ins(app: &TestApp) -> Vec<Value> {
    let reply = app.api("GET", "/api/0/organizations/local/monitors/my-job/checkins/", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body.as_array().unwrap().clone()
}

#[tokio::test]
async fn check_ins_sweeps_and_the_monitors_issue() {
    let app = TestApp::new();
    let run = event_id();
    let started = json!({"check_in_id": run, "monitor_slug": "my-job", "status": "in_progress",
                         "environment": "production", "monitor_config": config()});
    assert_eq!(check_in(&app, started).await.status, StatusCode::OK);
    let closed = json!({"check_in_id": run, "monitor_slug": "my-job", "status": "ok", "duration": 1.5});
    assert_eq!(check_in(&app, closed).await.status, StatusCode::OK);

    let monitors = app.api("GET", "/api/0/organizations/local/monitors/", None).await;
    assert_eq!(monitors.status, StatusCode::OK);
    let monitor = &monitors.body[0];
    assert_eq!(
        (monitor["slug"].as_str(), monitor["name"].as_str(), monitor["status"].as_str()),
        (Some("my-job"), Some("my-job"), Some("active"))
    );
    assert!(monitor["id"].is_string());
    assert_eq!(monitor["config"]["schedule_type"], "crontab");
    assert_eq!(monitor["config"]["schedule"], "0 * * * *");
    assert_eq!(monitor["config"]["checkin_margin"], 5);
    assert_eq!(monitor["environments"][0]["status"], "ok");
    let listed = check_ins(&app).await;
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0]["status"].as_str(), listed[0]["duration"].as_i64()), (Some("ok"), Some(1500)));

    let failed = json!({"check_in_id": event_id(), "monitor_slug": "my-job", "status": "error", "duration": 0.2});
    assert_eq!(check_in(&app, failed).await.status, StatusCode::OK);
    let issues = app.issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].title, "Cron failure: my-job");
    assert_eq!(check_ins(&app).await[0]["groups"][0]["id"], issues[0].id.to_string());
    let resolve =
        app.api("PUT", &format!("/api/0/issues/{}/", issues[0].id), Some(json!({"status": "resolved"}))).await;
    assert_eq!(resolve.status, StatusCode::OK);

    // The slot after the last check-in passes with nothing: within its margin nothing happens,
    // and a sweep one minute after the margin ran out records it missed.
    let expected = next_expected(&app);
    let clock = Arc::new(ManualClock::at(expected + 5.0 * 60.0 - 1.0));
    let scheduler = Scheduler::new(app.store.clone(), sift::config::Limits::default(), clock.clone());
    assert!(scheduler.sweep().await.unwrap().monitor_failures.is_empty());
    assert_eq!(check_ins(&app).await.len(), 2);
    clock.set(expected + 6.0 * 60.0);
    let swept = scheduler.sweep().await.unwrap();
    assert_eq!(swept.monitor_failures.len(), 1, "the hook alert rules read");
    assert_eq!(swept.monitor_failures[0].reason, sift::monitors::FailureReason::Missed);
    assert_eq!(swept.monitor_failures[0].group_id, issues[0].id);
    let listed = check_ins(&app).await;
    assert_eq!(listed[0]["status"], "missed");
    let iso = chrono::DateTime::from_timestamp_micros((expected * 1e6).round() as i64)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    assert_eq!(listed[0]["expectedTime"], iso);
    let issue = app.api("GET", &format!("/api/0/issues/{}/", issues[0].id), None).await;
    assert_eq!(
        (issue.body["status"].as_str(), issue.body["substatus"].as_str()),
        (Some("unresolved"), Some("regressed"))
    );
    assert!(scheduler.sweep().await.unwrap().monitor_failures.is_empty(), "a slot is missed once");
    assert!(next_expected(&app) > expected);

    // A run that never closes times out after its maximum runtime.
    let hung = event_id();
    check_in(&app, json!({"check_in_id": hung, "monitor_slug": "my-job", "status": "in_progress"})).await;
    let began: f64 = app.conn().query_row("SELECT max(date_created) FROM monitor_checkins", [], |r| r.get(0)).unwrap();
    clock.set(began + 10.0 * 60.0);
    // The slot after the hung run is not due yet at that time.
    let swept = scheduler.sweep().await.unwrap();
    assert_eq!(
        swept.monitor_failures.iter().map(|f| f.reason).collect::<Vec<_>>(),
        [sift::monitors::FailureReason::Timeout]
    );
    let status = || -> String {
        app.conn().query_row("SELECT status FROM monitor_checkins WHERE guid = ?1", [&hung], |r| r.get(0)).unwrap()
    };
    assert_eq!(status(), "timeout");
    let late = check_in(&app, json!({"check_in_id": hung, "monitor_slug": "my-job", "status": "ok"})).await;
    assert_eq!(late.status, StatusCode::OK);
    assert_eq!(status(), "timeout", "a timed-out run stays timed out");
}

#[tokio::test]
async fn bad_check_ins_get_a_reason_and_a_broken_monitor_never_stops_the_sweep() {
    let app = TestApp::new();
    let cases = [
        (json!({"monitor_slug": "ghost", "status": "ok"}), "unknown monitor \"ghost\""),
        (
            json!({"monitor_slug": "x", "status": "ok", "monitor_config": {"schedule": {"type": "crontab", "value": "99 * * *"}}}),
            "is not a crontab",
        ),
        (
            json!({"monitor_slug": "x", "status": "ok", "monitor_config": {"schedule": {"type": "crontab", "value": "0 * * * *"}, "timezone": "Mars/Base"}}),
            "\"Mars/Base\" is not a tz database time zone",
        ),
        (json!({"monitor_slug": "", "status": "ok"}), "monitor_slug is empty"),
        (json!({"monitor_slug": "x", "status": "missed"}), "\"missed\" is not one of"),
        (json!({"monitor_slug": "x", "status": "ok", "duration": "long"}), "duration \"long\" is not a number"),
    ];
    for (payload, reason) in cases {
        let reply = check_in(&app, payload.clone()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{payload}");
        assert!(reply.body["detail"].as_str().unwrap().contains(reason), "{payload}: {:?}", reply.body);
    }
    let ok = check_in(&app, json!({"monitor_slug": "fine", "status": "ok", "monitor_config": config()})).await;
    assert_eq!(ok.status, StatusCode::OK);
    check_in(&app, json!({"monitor_slug": "broken", "status": "ok", "monitor_config": config()})).await;
    app.conn().execute("UPDATE monitors SET config = '{not json' WHERE slug = 'broken'", []).unwrap();
    let clock = Arc::new(ManualClock::at(sift::clock::unix() + 3.0 * 3600.0));
    let scheduler = Scheduler::new(app.store.clone(), sift::config::Limits::default(), clock);
    let swept = scheduler.sweep().await.unwrap();
    assert!(!swept.monitor_failures.is_empty(), "the good monitor is still swept");
    assert!(swept.monitor_failures.iter().all(|f| f.monitor_slug == "fine"));
    let list = app.api("GET", "/api/0/organizations/local/monitors/", None).await;
    assert_eq!(list.status, StatusCode::OK);
    let missing = app.api("GET", "/api/0/organizations/local/monitors/nope/checkins/", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_scheduler_task_sweeps_on_its_own() {
    let app = TestApp::new();
    check_in(&app, json!({"monitor_slug": "my-job", "status": "ok", "monitor_config": config()})).await;
    let clock = Arc::new(ManualClock::at(next_expected(&app) + 6.0 * 60.0));
    let task = Scheduler::new(app.store.clone(), sift::config::Limits::default(), clock)
        .spawn(std::time::Duration::from_millis(20));
    let mut statuses = Vec::new();
    for _ in 0..250 {
        statuses = check_ins(&app).await.iter().map(|c| c["status"].as_str().unwrap().to_string()).collect();
        if statuses.contains(&"missed".to_string()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    task.abort();
    assert_eq!(statuses, ["missed", "ok"]);
}
