use serde_json::json;

use super::*;

fn firing(context: serde_json::Value) -> FiringRow {
    FiringRow {
        id: 7,
        key: "0f8fad5bd9cb469fa165d6d5e0a8c3e1".into(),
        rule_id: Some(3),
        rule_name: "Checkout errors".into(),
        project_id: 1,
        group_id: Some(42),
        event_id: Some("a".repeat(32)),
        reason: "a new issue".into(),
        test: false,
        fired_at: 1_700_000_000.0,
        context,
    }
}

fn notice() -> Notice {
    Notice::of(
        &firing(json!({
            "title": "TypeError: x <is> undefined\u{1b}[2J", "culprit": "app/views.py in index", "level": "error",
            "shortId": "WEB-1A", "issueId": "42", "timesSeen": 11, "userCount": 3, "environment": "production",
            "release": "web@1.2.3", "project": "web", "org": "local"
        })),
        "http://127.0.0.1:9000/",
    )
}

#[test]
fn the_notice_links_to_the_issue_page_and_drops_control_characters() {
    let n = notice();
    assert_eq!(n.link, "http://127.0.0.1:9000/organizations/local/issues/42/");
    assert_eq!(n.headline(), "WEB-1A: TypeError: x <is> undefined [2J");
    assert!(!n.title.chars().any(char::is_control));
}

#[test]
fn slack_gets_a_readable_message_with_every_fact() {
    let body = slack(&notice());
    let text = body["text"].as_str().unwrap();
    assert!(text.starts_with("WEB-1A: TypeError: x &lt;is&gt; undefined"), "{text}");
    assert!(text.ends_with("http://127.0.0.1:9000/organizations/local/issues/42/"), "{text}");
    let head = body["blocks"][0]["text"]["text"].as_str().unwrap();
    assert!(head.starts_with("*<http://127.0.0.1:9000/organizations/local/issues/42/|WEB-1A: TypeError"), "{head}");
    assert!(head.ends_with("\napp/views.py in index"), "{head}");
    let fields: Vec<&str> =
        body["blocks"][1]["fields"].as_array().unwrap().iter().map(|f| f["text"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        [
            "*Short ID*\nWEB-1A",
            "*Project*\nweb",
            "*Level*\nerror",
            "*Events*\n11",
            "*Users*\n3",
            "*Environment*\nproduction",
            "*Release*\nweb@1.2.3"
        ]
    );
    assert_eq!(body["blocks"][2]["elements"][0]["text"], "Rule *Checkout errors*: a new issue");
}

#[test]
fn the_webhook_body_has_the_legacy_plugin_shape() {
    let event = json!({ "event_id": "b".repeat(32), "tags": { "level": "error", "environment": "production" }, "message": "m" });
    let body = webhook(&notice(), Some(event));
    for key in [
        "id",
        "project",
        "project_name",
        "project_slug",
        "logger",
        "level",
        "culprit",
        "message",
        "url",
        "triggering_rules",
        "event",
    ] {
        assert!(body.get(key).is_some(), "{key} missing from {body}");
    }
    assert_eq!(body["id"], "42");
    assert_eq!(body["url"], "http://127.0.0.1:9000/organizations/local/issues/42/");
    assert_eq!(body["triggering_rules"], json!(["Checkout errors"]));
    assert_eq!(body["event"]["id"], "b".repeat(32));
    assert_eq!(body["event"]["tags"], json!([["level", "error"], ["environment", "production"]]));
    assert_eq!(body["idempotency_key"], "0f8fad5bd9cb469fa165d6d5e0a8c3e1");
}

#[test]
fn the_signature_is_hmac_sha256_in_hex() {
    // RFC 4231, test case 2.
    assert_eq!(
        signature("Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn the_email_says_the_same_in_text_and_html() {
    let n = notice();
    assert_eq!(email_subject(&n), "[sift] WEB-1A: TypeError: x <is> undefined [2J");
    let text = email_text(&n);
    for line in [
        "Short ID: WEB-1A",
        "Events: 11",
        "Users: 3",
        "Environment: production",
        "Release: web@1.2.3",
        "Rule: Checkout errors (a new issue)",
        "Open the issue: http://127.0.0.1:9000/organizations/local/issues/42/",
    ] {
        assert!(text.contains(line), "{line} missing from\n{text}");
    }
    let html = email_html(&n);
    assert!(
        html.contains(
            "<a href=\"http://127.0.0.1:9000/organizations/local/issues/42/\">WEB-1A: TypeError: x &lt;is&gt; undefined"
        ),
        "{html}"
    );
    assert!(html.contains("<th align=\"left\">Release</th><td>web@1.2.3</td>"), "{html}");
}

#[test]
fn a_test_without_an_issue_says_so_and_links_to_the_server() {
    let mut f = firing(json!({ "title": "Test notification from sift", "project": "web", "org": "local" }));
    f.test = true;
    f.group_id = None;
    let n = Notice::of(&f, "http://h.example");
    assert_eq!(n.headline(), "[test] Test notification from sift");
    assert_eq!(n.link, "http://h.example/");
}
