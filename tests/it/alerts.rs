//! Alerts in-process: the rules API in Sentry's shape and its refusals; firings decided and
//! written by the writer with a controlled clock (events committed at chosen arrival times);
//! the outbox's bound; and the delivery worker against a local receiver: message content, the
//! HMAC signature, idempotency keys, retries with backoff and `Retry-After`, permanent
//! failures with their reason, and receivers that are slow, fail or hang up while ingest goes on.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};
use sift::alerts::AlertsConfig;

use super::alerts_receiver::{Mode, Receiver};
use super::support::{TestApp, python_error};

const RULES: &str = "/api/0/projects/local/default/rules/";
const FIRINGS: &str = "/api/0/organizations/local/alert-firings/";
/// A fixed start for the controlled clock: 2026-03-01T00:00:00Z.
const T0: f64 = 1_772_323_200.0;

/// Commits `event` to the default project as if it arrived at `received`.
async fn ingest_at(app: &TestApp, event: &Value, received: f64) {
    let mut event = event.clone();
    event["event_id"] = json!(super::support::event_id());
    event["timestamp"] = json!(received);
    let request = sift::ingest::Request {
        project_id: 1,
        received,
        client_ip: None,
        scrub: false,
        performance: Default::default(),
    };
    let prepared = sift::ingest::prepare_store(event.to_string().as_bytes(), &request, &Default::default()).unwrap();
    app.store.writer().write(prepared.job).await.unwrap();
}

fn error(kind: &str) -> Value {
    python_error(kind, "boom", &[("app.views", &format!("handle_{}", kind.to_lowercase()), "raise")])
}

async fn create(app: &TestApp, rule: Value) -> Value {
    let reply = app.api("POST", RULES, Some(rule)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.body
}

/// The firing log, oldest first.
async fn firings(app: &TestApp) -> Vec<Value> {
    let reply = app.api("GET", &format!("{FIRINGS}?limit=1000"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let mut list = reply.body.as_array().unwrap().clone();
    list.reverse();
    list
}

fn of_rule<'a>(firings: &'a [Value], name: &str) -> Vec<&'a Value> {
    firings.iter().filter(|f| f["rule"]["name"] == name).collect()
}

fn webhook(url: &str) -> Value {
    json!({ "id": "sentry.rules.actions.notify_event_service.NotifyEventServiceAction", "service": "webhooks",
            "url": url, "secret": "s3cret-signing-key" })
}

fn slack(url: &str) -> Value {
    json!({ "id": "sentry.integrations.slack.notify_action.SlackNotifyServiceAction", "channel": "#bugs", "webhookUrl": url })
}

#[tokio::test]
async fn rules_round_trip_in_sentrys_shape_and_secrets_never_come_back() {
    let app = TestApp::new();
    let listed = app.api("GET", RULES, None).await;
    assert_eq!(listed.body[0]["name"], "New or regressed issues", "every project starts with the console rule");
    assert_eq!(listed.body[0]["origin"], "default");

    let created = create(
        &app,
        json!({ "name": "Checkout storms", "actionMatch": "any", "filterMatch": "all", "frequency": 60,
                "environment": "production",
                "conditions": [{ "id": "sentry.rules.conditions.event_frequency.EventFrequencyCondition", "value": 10, "interval": "1m" }],
                "filters": [{ "id": "sentry.rules.filters.tagged_event.TaggedEventFilter", "key": "url", "match": "co", "value": "checkout" }],
                "actions": [webhook("https://hooks.example.com/very-secret-path")] }),
    )
    .await;
    let text = created.to_string();
    assert!(!text.contains("very-secret-path") && !text.contains("s3cret"), "{text}");
    assert_eq!(created["actions"][0]["secretsSet"], json!(["url", "secret"]));
    assert_eq!(created["actions"][0]["name"], "Send a notification via webhooks");
    assert_eq!(created["conditions"][0]["name"], "The issue is seen more than 10 times in one minute");
    assert_eq!(created["filters"][0]["name"], "The event's tags match url contains checkout");
    assert_eq!((created["projects"].clone(), created["status"].clone()), (json!(["default"]), json!("active")));
    let id = created["id"].as_str().unwrap().to_string();

    // A PUT that leaves the secrets out keeps them; one that disables the rule says so.
    let mut body = created.clone();
    body["status"] = json!("disabled");
    body["frequency"] = json!(120);
    let put = app.api("PUT", &format!("{RULES}{id}/"), Some(body)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!((put.body["status"].clone(), put.body["frequency"].clone()), (json!("disabled"), json!(120)));
    assert_eq!(put.body["actions"][0]["secretsSet"], json!(["url", "secret"]));
    let secret: String = app
        .conn()
        .query_row("SELECT signing_secret FROM alert_secrets WHERE rule_id = ?1", [id.parse::<i64>().unwrap()], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(secret, "s3cret-signing-key");

    let one = app.api("GET", &format!("{RULES}{id}"), None).await;
    assert_eq!(one.body["name"], "Checkout storms");
    assert_eq!(app.api("DELETE", &format!("{RULES}{id}/"), None).await.status, StatusCode::ACCEPTED);
    assert_eq!(app.api("GET", &format!("{RULES}{id}/"), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.api("GET", "/api/0/projects/local/nope/rules/", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_rules_are_refused_with_a_clear_detail_and_the_server_keeps_serving() {
    let app = TestApp::new();
    let first = json!([{ "id": "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition" }]);
    let console = json!([{ "id": "sift.rules.actions.NotifyConsoleAction" }]);
    let rule = |conditions: &Value, actions: &Value, frequency: Value| json!({ "name": "r", "frequency": frequency, "conditions": conditions, "actions": actions });
    let cases: Vec<(Value, &str)> = vec![
        (
            rule(&json!([{ "id": "sentry.rules.conditions.tagged_event.Unknown" }]), &console, json!(30)),
            "conditions[0]: unknown condition \"sentry.rules.conditions.tagged_event.Unknown\"",
        ),
        (
            rule(
                &json!([{ "id": "sentry.rules.conditions.event_frequency.EventFrequencyCondition", "value": 10, "interval": "3h" }]),
                &console,
                json!(30),
            ),
            "interval must be one of 1m, 5m, 15m, 1h, 1d, 1w, 30d, got \"3h\"",
        ),
        (
            rule(&first, &console, json!(1)),
            "frequency: the action interval is in minutes, from 5 (5 minutes) to 43200 (30 days), got 1",
        ),
        (rule(&first, &console, json!(50_000)), "got 50000"),
        (
            rule(&first, &json!([slack("hooks.slack.com/services/x")]), json!(30)),
            "actions[0]: webhookUrl is not a valid URL",
        ),
        (
            rule(&first, &json!([slack("file:///etc/passwd")]), json!(30)),
            "actions[0]: webhookUrl must be an http(s) URL with a host",
        ),
        (
            rule(
                &first,
                &json!([{ "id": "sentry.integrations.slack.notify_action.SlackNotifyServiceAction" }]),
                json!(30),
            ),
            "actions[0]: a Slack action needs webhookUrl",
        ),
        (
            rule(
                &first,
                &json!([{ "id": "sentry.rules.actions.notify_event_service.NotifyEventServiceAction", "service": "webhooks", "url": "https://h.example/x" }]),
                json!(30),
            ),
            "actions[0]: a webhook action needs secret",
        ),
        (
            rule(
                &first,
                &json!([{ "id": "sentry.mail.actions.NotifyEmailAction", "targetType": "Email", "targetIdentifier": "oncall@example.com" }]),
                json!(30),
            ),
            "an email action needs an SMTP server: set [alerts.smtp]",
        ),
        (rule(&first, &json!([]), json!(30)), "actions: a rule needs at least one action"),
    ];
    for (body, expected) in cases {
        let reply = app.api("POST", RULES, Some(body.clone())).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        let detail = reply.body["detail"].as_str().unwrap();
        assert!(detail.contains(expected), "{body}\n  detail {detail:?}\n  expected {expected:?}");
    }
    let reply = app
        .request("POST", RULES, &[("authorization", &format!("Bearer {}", app.token()))], b"{not json".to_vec())
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body["detail"].as_str().unwrap().starts_with("Invalid request body"), "{}", reply.body);
    let reply = app.api("PUT", &format!("{RULES}999/"), Some(rule(&first, &console, json!(30)))).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Only the default rule was stored, and the server still answers.
    assert_eq!(app.api("GET", RULES, None).await.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_new_issue_a_storm_and_a_regression_each_fire_their_rule_once_per_action_interval() {
    let app = TestApp::new();
    let hook = "http://127.0.0.1:9/hook";
    create(&app, json!({ "name": "New issues", "conditions": [{ "id": "first_seen" }], "actions": [webhook(hook)] }))
        .await;
    create(
        &app,
        json!({ "name": "Storms", "frequency": 30,
                "conditions": [{ "id": "event_frequency", "value": 10, "interval": "1m" }], "actions": [slack(hook)] }),
    )
    .await;
    create(&app, json!({ "name": "Regressions", "conditions": [{ "id": "regression" }], "actions": [webhook(hook)] }))
        .await;

    ingest_at(&app, &error("KeyError"), T0).await;
    for i in 0..11 {
        ingest_at(&app, &error("TypeError"), T0 + 10.0 + f64::from(i)).await;
    }
    let log = firings(&app).await;
    let new: Vec<&Value> = of_rule(&log, "New issues");
    assert_eq!(new.len(), 2, "one per new issue: {log:#?}");
    assert_eq!(new[0]["reason"], "a new issue");
    assert_eq!(new[0]["issue"]["shortId"], "DEFAULT-1");
    assert_eq!(new[0]["issue"]["permalink"], "http://127.0.0.1:9000/organizations/local/issues/1/");
    assert_eq!(new[0]["deliveries"][0]["kind"], "webhook");
    let storms = of_rule(&log, "Storms");
    assert_eq!(storms.len(), 1, "the 11th event in a minute fires, once");
    assert_eq!(storms[0]["reason"], "more than 10 events in one minute");
    assert_eq!(storms[0]["issue"]["shortId"], "DEFAULT-2");
    assert_eq!(of_rule(&log, "New or regressed issues").len(), 2, "the console rule fires too");
    assert!(
        of_rule(&log, "New or regressed issues")[0]["deliveries"].as_array().unwrap().is_empty(),
        "nothing to send"
    );

    // More of the storm inside the action interval: nothing; after it, the rule fires again.
    for i in 0..15 {
        ingest_at(&app, &error("TypeError"), T0 + 30.0 + f64::from(i)).await;
    }
    assert_eq!(of_rule(&firings(&app).await, "Storms").len(), 1);
    for i in 0..11 {
        ingest_at(&app, &error("TypeError"), T0 + 31.0 * 60.0 + f64::from(i)).await;
    }
    assert_eq!(of_rule(&firings(&app).await, "Storms").len(), 2);

    // Resolved, then seen again: a regression.
    let resolved = app.api("PUT", "/api/0/issues/2/", Some(json!({ "status": "resolved" }))).await;
    assert_eq!(resolved.status, StatusCode::OK);
    ingest_at(&app, &error("TypeError"), T0 + 40.0 * 60.0).await;
    let log = firings(&app).await;
    let regressions = of_rule(&log, "Regressions");
    assert_eq!(regressions.len(), 1);
    assert_eq!(
        (regressions[0]["reason"].clone(), regressions[0]["issue"]["shortId"].clone()),
        (json!("a regression"), json!("DEFAULT-2"))
    );
    assert_eq!(of_rule(&log, "New or regressed issues").len(), 3);
}

#[tokio::test]
async fn users_environment_tags_and_level_pick_what_a_rule_sees() {
    let app = TestApp::new();
    let hook = "http://127.0.0.1:9/hook";
    create(
        &app,
        json!({ "name": "Many users", "conditions": [{ "id": "unique_users", "value": 2, "interval": "1h" }], "actions": [webhook(hook)] }),
    )
    .await;
    create(
        &app,
        json!({ "name": "Production checkout fatals", "environment": "production",
                "conditions": [{ "id": "first_seen" }],
                "filters": [{ "id": "tag", "key": "url", "match": "co", "value": "/checkout" },
                            { "id": "level", "match": "gte", "level": "50" }],
                "actions": [webhook(hook)] }),
    )
    .await;
    let mut event = error("ValueError");
    for (i, user) in ["ana", "bo", "cy"].iter().enumerate() {
        event["user"] = json!({ "id": user });
        ingest_at(&app, &event, T0 + i as f64).await;
    }
    let log = firings(&app).await;
    assert_eq!(of_rule(&log, "Many users").len(), 1, "the third user passes 2");
    assert_eq!(of_rule(&log, "Many users")[0]["reason"], "more than 2 users in one hour");

    let mut fatal = error("MemoryError");
    fatal["level"] = json!("fatal");
    fatal["environment"] = json!("staging");
    fatal["request"] = json!({ "url": "https://shop.example/checkout/pay" });
    ingest_at(&app, &fatal, T0 + 100.0).await;
    let mut other = error("OSError");
    other["environment"] = json!("production");
    other["request"] = json!({ "url": "https://shop.example/checkout/pay" });
    ingest_at(&app, &other, T0 + 101.0).await;
    assert!(
        of_rule(&firings(&app).await, "Production checkout fatals").is_empty(),
        "wrong environment, then too quiet"
    );
    let mut right = error("RecursionError");
    right["level"] = json!("fatal");
    right["environment"] = json!("production");
    right["request"] = json!({ "url": "https://shop.example/checkout/pay" });
    ingest_at(&app, &right, T0 + 102.0).await;
    assert_eq!(of_rule(&firings(&app).await, "Production checkout fatals").len(), 1);
}

#[tokio::test]
async fn the_outbox_drops_its_oldest_delivery_at_its_bound_and_counts_it() {
    let app = TestApp::new();
    app.conn().execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('alerts_outbox_limit', '3')", []).unwrap();
    create(&app, json!({ "name": "New issues", "conditions": [{ "id": "first_seen" }], "actions": [webhook("http://127.0.0.1:9/x")] }))
        .await;
    for (i, kind) in ["AError", "BError", "CError", "DError", "EError"].iter().enumerate() {
        ingest_at(&app, &error(kind), T0 + i as f64).await;
    }
    let log = firings(&app).await;
    let states: Vec<&str> =
        of_rule(&log, "New issues").iter().map(|f| f["deliveries"][0]["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["dropped", "dropped", "pending", "pending", "pending"], "the oldest go first");
    let reason = of_rule(&log, "New issues")[0]["deliveries"][0]["lastError"].as_str().unwrap().to_string();
    assert_eq!(reason, "dropped: the outbox was full (3 pending deliveries)");
    let outbox = app.api("GET", "/api/0/organizations/local/alert-outbox/", None).await;
    assert_eq!(outbox.body, json!({ "pending": 3, "retrying": 0, "sent": 0, "failed": 0, "dropped": 2, "limit": 3 }));
}

/// A delivery worker for `app` with quick retries.
fn worker(app: &TestApp, extra: &str) {
    let config: AlertsConfig = toml::from_str(&format!(
        "[delivery]\nattempt_timeout_secs = 1\nretry_base_secs = 1\nretry_max_secs = 1\n{extra}"
    ))
    .unwrap();
    sift::alerts::start::worker(&app.store, &Arc::new(config)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_and_webhooks_get_their_content_signed_and_keyed() {
    let app = TestApp::new();
    let receiver = Receiver::start();
    create(&app, json!({ "name": "New issues to Slack", "conditions": [{ "id": "first_seen" }], "actions": [slack(&receiver.url("/slack"))] }))
        .await;
    create(&app, json!({ "name": "New issues to a webhook", "conditions": [{ "id": "first_seen" }], "actions": [webhook(&receiver.url("/hook"))] }))
        .await;
    worker(&app, "");
    let mut event = error("KeyError");
    event["environment"] = json!("production");
    event["release"] = json!("web@1.2.3");
    app.send_event(event).await;

    let slack = receiver.wait_for("/slack", 1, Duration::from_secs(20));
    assert_eq!(slack.len(), 1);
    let body = slack[0].json();
    let head = body["blocks"][0]["text"]["text"].as_str().unwrap();
    assert!(
        head.starts_with("*<http://127.0.0.1:9000/organizations/local/issues/1/|DEFAULT-1: KeyError: boom>*"),
        "{head}"
    );
    let fields: Vec<&str> =
        body["blocks"][1]["fields"].as_array().unwrap().iter().map(|f| f["text"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        [
            "*Short ID*\nDEFAULT-1",
            "*Project*\ndefault",
            "*Level*\nerror",
            "*Events*\n1",
            "*Users*\n0",
            "*Environment*\nproduction",
            "*Release*\nweb@1.2.3"
        ]
    );
    assert_eq!((slack[0].method.as_str(), slack[0].header("content-type")), ("POST", Some("application/json")));

    let hooks = receiver.wait_for("/hook", 1, Duration::from_secs(20));
    let hook = &hooks[0];
    let expected = {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"s3cret-signing-key");
        hex::encode(ring::hmac::sign(&key, &hook.body).as_ref())
    };
    assert_eq!(hook.header("sentry-hook-signature"), Some(expected.as_str()));
    assert_eq!(hook.header("sentry-hook-resource"), Some("event_alert"));
    let payload = hook.json();
    assert_eq!(payload["triggering_rules"], json!(["New issues to a webhook"]));
    assert_eq!((payload["id"].clone(), payload["level"].clone()), (json!("1"), json!("error")));
    assert_eq!(payload["event"]["exception"]["values"][0]["type"], "KeyError", "the stored event rides along");
    assert_eq!(hook.header("idempotency-key"), payload["idempotency_key"].as_str());

    let log = firings(&app).await;
    let sent = of_rule(&log, "New issues to a webhook")[0];
    assert_eq!(sent["deliveries"][0]["state"], "sent");
    assert_eq!(sent["idempotencyKey"].as_str(), hook.header("idempotency-key"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_retried_under_one_key_and_hopeless_ones_fail_with_their_reason() {
    let app = TestApp::new();
    let (flaky, gone) = (Receiver::start(), Receiver::start());
    flaky.set(Mode::Status { status: 503, retry_after: Some(1) });
    gone.set(Mode::Status { status: 404, retry_after: None });
    create(
        &app,
        json!({ "name": "Flaky", "conditions": [{ "id": "first_seen" }], "actions": [webhook(&flaky.url("/h"))] }),
    )
    .await;
    create(
        &app,
        json!({ "name": "Gone", "conditions": [{ "id": "first_seen" }], "actions": [slack(&gone.url("/h"))] }),
    )
    .await;
    worker(&app, "");
    app.send_event(error("KeyError")).await;
    // While the receiver answers 503 the delivery is retried, after its Retry-After.
    assert!(flaky.wait_for("/h", 2, Duration::from_secs(20)).len() >= 2);
    let log = firings(&app).await;
    let retrying = &of_rule(&log, "Flaky")[0]["deliveries"][0];
    assert_eq!(
        (retrying["state"].clone(), retrying["lastError"].clone()),
        (json!("retrying"), json!("HTTP 503: no_service"))
    );
    flaky.set(Mode::Ok);
    let until = std::time::Instant::now() + Duration::from_secs(20);
    while of_rule(&firings(&app).await, "Flaky")[0]["deliveries"][0]["state"] != "sent" {
        assert!(std::time::Instant::now() < until, "the delivery never went out");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = firings(&app).await;
    let firing = of_rule(&log, "Flaky")[0];
    let keys: Vec<String> = flaky.to("/h").iter().map(|r| r.header("idempotency-key").unwrap().to_string()).collect();
    assert!(
        keys.iter().all(|k| k == firing["idempotencyKey"].as_str().unwrap()),
        "one key for every attempt: {keys:?}"
    );
    assert_eq!(firing["deliveries"][0]["attempts"].as_u64(), Some(keys.len() as u64));
    // A 404 is not retried: one attempt, failed, with the receiver's answer as the reason.
    let failed = &of_rule(&log, "Gone")[0]["deliveries"][0];
    assert_eq!(
        (failed["state"].clone(), failed["lastError"].clone()),
        (json!("failed"), json!("HTTP 404: no_service"))
    );
    assert_eq!(gone.to("/h").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_failing_and_hanging_up_receivers_never_hold_up_ingest() {
    let app = TestApp::new();
    let (slow, failing, closing) = (Receiver::start(), Receiver::start(), Receiver::start());
    slow.set(Mode::Slow(Duration::from_secs(30)));
    failing.set(Mode::Status { status: 500, retry_after: None });
    closing.set(Mode::Close);
    for (name, receiver) in [("slow", &slow), ("failing", &failing), ("closing", &closing)] {
        create(
            &app,
            json!({ "name": name, "conditions": [{ "id": "first_seen" }], "actions": [webhook(&receiver.url("/h"))] }),
        )
        .await;
    }
    worker(&app, "concurrency = 2\n");
    // Forty new issues: 120 deliveries, each attempt stuck, refused or cut off.
    for i in 0..40 {
        app.send_event(error(&format!("Error{i}"))).await;
    }
    assert_eq!(app.issues().len(), 40, "every event was stored and acknowledged");
    let log = firings(&app).await;
    assert_eq!(log.iter().filter(|f| f["rule"]["name"] != "New or regressed issues").count(), 120);
    let sent =
        log.iter().flat_map(|f| f["deliveries"].as_array().unwrap().iter()).filter(|d| d["state"] == "sent").count();
    assert_eq!(sent, 0, "none of them could go out");
    let failing_tries = failing.wait_for("/h", 1, Duration::from_secs(20)).len();
    assert!(failing_tries >= 1 && !closing.wait_for("/h", 1, Duration::from_secs(20)).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_notification_goes_through_the_outbox_with_the_latest_issue() {
    let app = TestApp::new();
    let receiver = Receiver::start();
    let rule = create(
        &app,
        json!({ "name": "Hook", "conditions": [{ "id": "regression" }], "actions": [webhook(&receiver.url("/t"))] }),
    )
    .await;
    worker(&app, "");
    let id = rule["id"].as_str().unwrap();
    // No issue yet: the test is about none.
    let reply = app.api("POST", &format!("{RULES}{id}/test/"), None).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
    assert_eq!((reply.body["test"].clone(), reply.body["issue"].clone()), (json!(true), Value::Null));
    let got = receiver.wait_for("/t", 1, Duration::from_secs(20));
    assert_eq!(got[0].json()["message"], "Test notification from sift");
    app.send_event(error("KeyError")).await;
    app.api("POST", &format!("{RULES}{id}/test/"), None).await;
    let got = receiver.wait_for("/t", 2, Duration::from_secs(20));
    let payload = got[1].json();
    assert_eq!((payload["test"].clone(), payload["short_id"].clone()), (json!(true), json!("DEFAULT-1")));
}
