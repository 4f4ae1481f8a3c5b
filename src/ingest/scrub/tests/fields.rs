//! Per-field treatment: tags, contexts, breadcrumbs, logentry, user, mechanism, spans,
//! unknown top-level keys.

use serde_json::json;

use super::{at, scrubbed};

#[test]
fn tags_get_key_rule_and_patterns_only() {
    let event = json!({"tags": [
        ["api_token", "abc"], ["url", "https://example.com/auth/login"],
        ["card", "4111111111111111"], ["browser", "Chrome 120"], ["broken"], 7
    ]});
    let (out, count) = scrubbed(&event);
    assert_eq!(
        at(&out, "/tags"),
        &json!([
            ["api_token", "[Filtered]"],
            ["url", "https://example.com/auth/login"],
            ["card", "[Filtered]"],
            ["browser", "Chrome 120"],
            ["broken"],
            7
        ])
    );
    assert_eq!(count, 2);
    let object = json!({"tags": {"secret_tag": "x", "os": "linux"}});
    let (out, _) = scrubbed(&object);
    assert_eq!(at(&out, "/tags"), &json!({"secret_tag": "[Filtered]", "os": "linux"}));
}

#[test]
fn contexts_custom_scrubbed_typed_kept() {
    let event = json!({"contexts": {
        "os": {"name": "Linux", "password": "kept-like-sentry"},
        "trace": {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "op": "auth.login"},
        "billing": {"plan": "pro", "api_key": "k", "note": "uses auth header"},
        "mine": {"type": "device", "secret": "kept: typed by its type field"},
        "secret": {"anything": 1}
    }});
    let (out, count) = scrubbed(&event);
    assert_eq!(at(&out, "/contexts/os"), at(&event, "/contexts/os"));
    assert_eq!(at(&out, "/contexts/trace"), at(&event, "/contexts/trace"));
    assert_eq!(at(&out, "/contexts/mine"), at(&event, "/contexts/mine"));
    assert_eq!(at(&out, "/contexts/billing/plan"), "pro");
    assert_eq!(at(&out, "/contexts/billing/api_key"), "[Filtered]");
    assert_eq!(at(&out, "/contexts/billing/note"), "[Filtered]");
    assert_eq!(at(&out, "/contexts/secret"), "[Filtered]");
    assert_eq!(count, 3);
}

#[test]
fn breadcrumbs_logentry_user_mechanism_spans() {
    let event = json!({
        "breadcrumbs": {"values": [
            {"message": "User password changed", "category": "auth", "data": {"token": "t", "n": 1}},
            {"message": "clicked button", "data": {"url": "/api/auth/refresh"}}
        ]},
        "logentry": {"message": "login for %s with Bearer abc failed", "params": ["bob", "my secret"],
                     "formatted": "login for bob with Bearer abc failed"},
        "user": {"id": "42", "email": "bob@example.com", "password_hash": "x"},
        "exception": {"values": [{"mechanism": {"type": "generic", "data": {"auth_header": "x"}}}]},
        "spans": [{"op": "db", "description": "SELECT password FROM users", "data": {"db.password": "p"}}],
        "server_name": "web-1",
        "password": "top-level unknown key",
        "custom": {"token": "x", "ok": "fine"}
    });
    let (out, count) = scrubbed(&event);
    assert_eq!(at(&out, "/breadcrumbs/values/0/message"), "[Filtered]");
    assert_eq!(at(&out, "/breadcrumbs/values/0/category"), "auth");
    assert_eq!(at(&out, "/breadcrumbs/values/0/data"), &json!({"token": "[Filtered]", "n": 1}));
    assert_eq!(at(&out, "/breadcrumbs/values/1/message"), "clicked button");
    assert_eq!(at(&out, "/breadcrumbs/values/1/data/url"), "[Filtered]");
    assert_eq!(at(&out, "/logentry/message"), "login for %s with [Filtered] failed");
    assert_eq!(at(&out, "/logentry/params"), &json!(["bob", "[Filtered]"]));
    assert_eq!(at(&out, "/logentry/formatted"), "login for bob with Bearer abc failed");
    assert_eq!(at(&out, "/user"), &json!({"id": "42", "email": "bob@example.com", "password_hash": "[Filtered]"}));
    assert_eq!(at(&out, "/exception/values/0/mechanism/data/auth_header"), "[Filtered]");
    assert_eq!(at(&out, "/spans/0/description"), "SELECT password FROM users");
    assert_eq!(at(&out, "/spans/0/data/db.password"), "[Filtered]");
    assert_eq!(at(&out, "/server_name"), "web-1");
    assert_eq!(at(&out, "/password"), "[Filtered]");
    assert_eq!(at(&out, "/custom"), &json!({"token": "[Filtered]", "ok": "fine"}));
    assert_eq!(count, 10);
}
