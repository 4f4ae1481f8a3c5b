//! Normalization tests: every accepted input shape, defaults, clock rules and trimming.

use serde_json::{Value, json};

use super::*;

const NOW: f64 = 1_767_428_000.0;

fn ctx() -> Context {
    Context { received: NOW, ..Context::default() }
}

/// Normalizes `payload`; the event comes back as the JSON it serializes to.
fn normalize(payload: &[u8], ctx: &Context) -> Result<serde_json::Map<String, Value>, IngestError> {
    match Value::from(tree::Value::Object(super::normalize(payload, ctx)?)) {
        Value::Object(map) => Ok(map),
        _ => unreachable!("an object converts to an object"),
    }
}

fn norm(value: Value) -> serde_json::Map<String, Value> {
    normalize(value.to_string().as_bytes(), &ctx()).unwrap()
}

#[test]
fn defaults() {
    let e = norm(json!({}));
    assert_eq!(e["event_id"].as_str().unwrap().len(), 32);
    assert_eq!(e["level"], "error");
    assert_eq!(e["platform"], "other");
    assert_eq!(e["environment"], "production");
    assert_eq!(e["timestamp"], json!(NOW));
    assert_eq!(e["type"], "default");
    assert!(e.get("release").is_none());
}

#[test]
fn transactions_default_to_info() {
    let ctx = Context { transaction: true, ..ctx() };
    let e = normalize(b"{}", &ctx).unwrap();
    assert_eq!((e["level"].as_str(), e["type"].as_str()), (Some("info"), Some("transaction")));
}

#[test]
fn envelope_event_id_wins() {
    let with_header = Context { event_id: Some("a".repeat(32)), ..ctx() };
    let e = normalize(br#"{"event_id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}"#, &with_header).unwrap();
    assert_eq!(e["event_id"], "a".repeat(32));
    let e = norm(json!({"event_id": "9EC79C33-EC99-42AB-8353-589FCB2E04DC"}));
    assert_eq!(e["event_id"], "9ec79c33ec9942ab8353589fcb2e04dc");
    assert_eq!(normalize(br#"{"event_id":"xyz"}"#, &ctx()).unwrap_err().status(), 400);
}

#[test]
fn bad_json_says_where() {
    let err = normalize(b"{\"a\":\n  tru}", &ctx()).unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
    assert!(normalize(b"[1,2]", &ctx()).unwrap_err().to_string().contains("must be a JSON object"));
}

#[test]
fn invalid_utf8_is_rejected_with_its_position() {
    let err = normalize(b"{\"a\": \"ok\",\n \"b\": \"caf\xe9\"}", &ctx()).unwrap_err();
    assert_eq!(err.status(), 400);
    assert_eq!(err.to_string(), "event payload is not valid UTF-8 (line 2, column 11)");
    let err = normalize(b"{\"a\": \"\xff\"}", &ctx()).unwrap_err();
    assert_eq!(err.to_string(), "event payload is not valid UTF-8 (line 1, column 8)");
    // A multi-byte character cut off at the end of the payload.
    let err = normalize(b"{\"a\": \"\xe2\x82", &ctx()).unwrap_err();
    assert_eq!(err.to_string(), "event payload is not valid UTF-8 (line 1, column 8)");
    // Multi-byte characters are fine, in keys and values.
    let e = normalize("{\"caf\u{e9}\": \"\u{1f600} ok\"}".as_bytes(), &ctx()).unwrap();
    assert_eq!(e["caf\u{e9}"], "\u{1f600} ok");
}

#[test]
fn timestamps_and_drift() {
    let e = norm(json!({"timestamp": "2026-01-03T08:13:10Z"}));
    assert_eq!(e["timestamp"], json!(NOW - 10.0));
    let e = norm(json!({"timestamp": NOW + 3600.0}));
    assert_eq!(e["timestamp"], json!(NOW));
    assert_eq!(e["errors"][0]["type"], "future_timestamp");
    // A client two hours behind: its times move forward by the drift.
    let ctx = Context { sent_at: Some(NOW - 7200.0), ..ctx() };
    let body = json!({"timestamp": NOW - 7205.0, "breadcrumbs": [{"timestamp": NOW - 7210.0}]}).to_string();
    let e = normalize(body.as_bytes(), &ctx).unwrap();
    assert_eq!(e["timestamp"], json!(NOW - 5.0));
    assert_eq!(e["breadcrumbs"]["values"][0]["timestamp"], json!(NOW - 10.0));
    assert_eq!(e["errors"][0]["type"], "clock_drift");
}

#[test]
fn levels_and_platforms() {
    assert_eq!(norm(json!({"level": "WARN"}))["level"], "warning");
    assert_eq!(norm(json!({"level": "critical"}))["level"], "fatal");
    assert_eq!(norm(json!({"level": 3}))["level"], "error");
    assert_eq!(norm(json!({"platform": "python"}))["platform"], "python");
    assert_eq!(norm(json!({"platform": "Not A Platform"}))["platform"], "other");
}

#[test]
fn release_and_environment() {
    let e = norm(json!({"release": "  shop@1.2.3 ", "environment": "", "tags": {"environment": "staging"}}));
    assert_eq!(e["release"], "shop@1.2.3");
    assert_eq!(e["environment"], "staging");
    let e = norm(json!({"release": 42}));
    assert_eq!(e["release"], "42");
    // Cut to 200 characters after trimming, on a character boundary.
    let e = norm(json!({"release": format!(" {}", "é".repeat(300)), "dist": 7}));
    assert_eq!(e["release"], "é".repeat(200));
    assert_eq!(e["dist"], "7");
}

#[test]
fn exception_shapes() {
    let bare = norm(json!({"exception": [{"type": "E", "value": "v"}]}));
    let wrapped = norm(json!({"exception": {"values": [{"type": "E", "value": "v"}]}}));
    assert_eq!(bare["exception"], wrapped["exception"]);
    assert_eq!(bare["type"], "error");
    let e = norm(json!({"exception": {"values": [{"type": "E"}]}, "stacktrace": {"frames": [{"function": "f"}]}}));
    assert_eq!(e["exception"]["values"][0]["stacktrace"]["frames"][0]["function"], "f");
    assert!(e.get("stacktrace").is_none());
    let e = norm(json!({"exception": {"values": [{"type": "A"}, {"type": "B"}]}, "stacktrace": {"frames": []}}));
    assert!(e.get("stacktrace").is_some(), "kept when it cannot be attributed");
    let e = norm(json!({"exception": {"values": [1, "x", {"type": 7, "stacktrace": {"frames": "nope"}}]}}));
    let values = e["exception"]["values"].as_array().unwrap();
    assert_eq!(values.len(), 1);
    assert_eq!(values[0]["type"], "7");
    assert!(values[0].get("stacktrace").is_none());
    assert!(norm(json!({"exception": {"values": []}})).get("exception").is_none());
}

#[test]
fn threads_shapes() {
    let e = norm(json!({"threads": [{"id": 1, "stacktrace": {"frames": [{"function": "main"}]}}]}));
    assert_eq!(e["threads"]["values"][0]["stacktrace"]["frames"][0]["function"], "main");
}

#[test]
fn message_shapes() {
    let e = norm(json!({"message": "plain"}));
    assert_eq!(e["logentry"], json!({"formatted": "plain"}));
    let e = norm(json!({"logentry": {"message": "User %s failed with %d", "params": ["alice", 3]}}));
    assert_eq!(e["logentry"]["formatted"], "User alice failed with 3");
    assert_eq!(e["logentry"]["message"], "User %s failed with %d");
    let e = norm(json!({"message": {"message": "Deploy {} done", "params": ["v42"]}}));
    assert_eq!(e["logentry"]["formatted"], "Deploy v42 done");
    let e = norm(json!({"logentry": {"formatted": "given", "message": "tmpl %s"}, "message": "ignored"}));
    assert_eq!(e["logentry"]["formatted"], "given");
    assert!(norm(json!({"message": ""})).get("logentry").is_none());
}

#[test]
fn breadcrumb_shapes() {
    let e = norm(json!({"breadcrumbs": [{"message": "a", "timestamp": "2026-01-03T08:13:19Z", "level": "warn"}, 5]}));
    let crumb = &e["breadcrumbs"]["values"][0];
    assert_eq!((crumb["type"].as_str(), crumb["level"].as_str()), (Some("default"), Some("warning")));
    assert_eq!(crumb["timestamp"], json!(NOW - 1.0));
    assert_eq!(e["breadcrumbs"]["values"].as_array().unwrap().len(), 1);
    let e = norm(json!({"breadcrumbs": {"values": [{"type": "http", "level": "error"}]}}));
    assert_eq!(e["breadcrumbs"]["values"][0]["type"], "http");
}

#[test]
fn request_shapes() {
    let as_map = norm(
        json!({"request": {"headers": {"Accept": "*/*", "X-N": 5}, "cookies": {"a": "1"}, "query_string": {"q": "x"}}}),
    );
    assert_eq!(as_map["request"]["headers"], json!([["Accept", "*/*"], ["X-N", "5"]]));
    assert_eq!(as_map["request"]["cookies"], json!([["a", "1"]]));
    assert_eq!(as_map["request"]["query_string"], json!([["q", "x"]]));
    let as_pairs = norm(
        json!({"request": {"headers": [["Accept", "*/*"], ["bad"], [1, 2]], "cookies": "a=1; b=2", "query_string": "?q=x"}}),
    );
    assert_eq!(as_pairs["request"]["headers"], json!([["Accept", "*/*"]]));
    assert_eq!(as_pairs["request"]["cookies"], "a=1; b=2");
    assert_eq!(as_pairs["request"]["query_string"], "q=x");
    assert!(norm(json!({"request": "nope"})).get("request").is_none());
}

#[test]
fn tag_shapes() {
    let as_map = norm(json!({"tags": {"a": "1", "n": 2, "b": true, "empty": "", "release": "x", "nul": null}}));
    assert_eq!(as_map["tags"], json!([["a", "1"], ["n", "2"], ["b", "true"]]), "SDK order is kept");
    let as_pairs = norm(json!({"tags": [["a", "1"], ["a", "2"], "c:3", ["bad"]]}));
    assert_eq!(as_pairs["tags"], json!([["a", "2"], ["c", "3"]]));
    let long = norm(json!({"tags": {"k": "v".repeat(500)}}));
    assert_eq!(long["tags"][0][1].as_str().unwrap().len(), 200);
}

#[test]
fn user_and_fingerprint() {
    let ctx = Context { client_ip: Some("10.1.2.3".into()), ..ctx() };
    let e = normalize(br#"{"user":{"id":42,"ip_address":"{{auto}}"},"fingerprint":["{{ default }}",7,{"x":1}]}"#, &ctx)
        .unwrap();
    assert_eq!(e["user"], json!({"id": "42", "ip_address": "10.1.2.3"}));
    assert_eq!(e["fingerprint"], json!(["{{ default }}", "7"]));
    assert!(norm(json!({"user": "bob"})).get("user").is_none());
    assert!(norm(json!({"fingerprint": "nope"})).get("fingerprint").is_none());
}

#[test]
fn one_big_field_never_rejects_the_event() {
    let e = norm(json!({"message": "m".repeat(1_000_000), "extra": {"blob": "x".repeat(2_000_000)}}));
    assert!(e["logentry"]["formatted"].as_str().unwrap().len() <= trim::MAX_STRING);
    assert!(e["extra"]["blob"].as_str().unwrap().ends_with("..."));
    assert!(e["_meta"]["extra"]["blob"][""]["len"].as_u64().unwrap() == 2_000_000);
}

#[test]
fn repeated_keys_fold_and_key_order_is_kept() {
    // The last of a repeated key wins, in the first one's place, as in serde_json.
    let e = normalize(br#"{"level":"info","extra":{"b":1,"a":2,"b":3},"level":"warning"}"#, &ctx()).unwrap();
    assert_eq!(e["level"], "warning");
    assert_eq!(e["extra"], json!({"b": 3, "a": 2}));
    let tags = norm(json!({"tags": [["k", "1"], ["j", "2"], ["k", "3"]]}));
    assert_eq!(tags["tags"], json!([["k", "3"], ["j", "2"]]));
    // The stored JSON keeps the SDK's order, also around keys normalization moved.
    let payload = br#"{"message":"m","extra":{"z":1,"a":2,"m":3},"contexts":{"os":{},"app":{}},"user":{"id":"1"}}"#;
    let text = tree::Value::Object(super::normalize(payload, &ctx()).unwrap()).to_string();
    let at = |needle: &str| text.find(needle).unwrap_or(usize::MAX);
    assert!(at(r#""z":1"#) < at(r#""a":2"#) && at(r#""a":2"#) < at(r#""m":3"#), "{text}");
    assert!(at(r#""os""#) < at(r#""app""#), "{text}");
    assert!(at(r#""extra""#) < at(r#""contexts""#) && at(r#""contexts""#) < at(r#""user""#), "{text}");
}
