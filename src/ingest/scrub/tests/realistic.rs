//! A realistic ~8 KB Django error event, scrubbed end to end (correctness only, no timing).

use serde_json::{Value, json};

use super::{at, scrubbed};

fn frame(i: usize) -> Value {
    json!({
        "filename": format!("shop/views/checkout_{i}.py"),
        "abs_path": format!("/srv/app/shop/views/checkout_{i}.py"),
        "module": format!("shop.views.checkout_{i}"),
        "function": if i == 0 { "authenticate_user".to_owned() } else { format!("step_{i}") },
        "lineno": 100 + i, "colno": 5, "in_app": i.is_multiple_of(2),
        "pre_context": ["    order = get_order(request)", "    if not order.paid:"],
        "context_line": "        charge(order, request.POST['card_number'])",
        "post_context": ["    return render(request, 'done.html')", ""],
        "vars": {
            "request": "<WSGIRequest: POST '/checkout/'>",
            "order": format!("<Order #{i}>"),
            "password": "'correct horse battery staple'",
            "card_number": "'4242424242424242'",
            "note": "'paid with 4111 1111 1111 1111'",
            "retries": i
        }
    })
}

fn event() -> Value {
    let frames: Vec<Value> = (0..8).map(frame).collect();
    let crumbs: Vec<Value> = (0..10)
        .map(|i| {
            json!({"timestamp": 1_700_000_000.0 + f64::from(i), "type": "http", "category": "httplib",
                   "level": "info", "message": format!("GET /api/items/{i} [200]"),
                   "data": {"url": format!("https://cdn.example.com/items/{i}.json"),
                            "method": "GET", "status_code": 200}})
        })
        .collect();
    json!({
        "event_id": "fc6d8c0c43fc4630ad850ee518f1b9d0", "timestamp": 1_700_000_123.25,
        "received": 1_700_000_124.0, "level": "error", "platform": "python", "logger": "django.request",
        "environment": "production", "release": "shop@2.3.1", "server_name": "web-3",
        "transaction": "/checkout/", "fingerprint": ["{{ default }}"],
        "exception": {"values": [{"type": "CardDeclined", "value": "card 4242424242424242 declined",
                                  "module": "payments.errors",
                                  "mechanism": {"type": "django", "handled": false},
                                  "stacktrace": {"frames": frames}}]},
        "request": {
            "url": "https://shop.example.com/checkout/", "method": "POST",
            "query_string": "step=2&session_token=abc123",
            "headers": [["Host", "shop.example.com"], ["User-Agent", "Mozilla/5.0"],
                        ["Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"],
                        ["Cookie", "sessionid=s3cr3t; csrftoken=abc"],
                        ["Accept", "text/html"], ["Content-Type", "application/x-www-form-urlencoded"]],
            "cookies": [["sessionid", "s3cr3t"], ["csrftoken", "abc"]],
            "data": {"email": "bob@example.com", "password": "hunter2", "card_number": "4242424242424242",
                     "amount": "19.99"},
            "env": {"REMOTE_ADDR": "203.0.113.9", "SERVER_PORT": "443"}
        },
        "user": {"id": "1042", "email": "bob@example.com", "ip_address": "203.0.113.9"},
        "contexts": {"os": {"name": "Linux", "version": "6.1"},
                     "runtime": {"name": "CPython", "version": "3.12.1"},
                     "trace": {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"}},
        "breadcrumbs": {"values": crumbs},
        "tags": [["browser", "Chrome 120"], ["url", "https://shop.example.com/checkout/"]],
        "extra": {"cart_size": 3, "stripe_api_key": "sk_live_123", "sys.argv": ["manage.py", "runserver"]},
        "sdk": {"name": "sentry.python.django", "version": "2.19.0"},
        "modules": {"django": "5.0.1", "stripe": "7.0.0"}
    })
}

#[test]
fn realistic_event_is_scrubbed_correctly() {
    let input = event();
    let size = serde_json::to_string(&input).map(|s| s.len()).unwrap_or(0);
    assert!((7_000..=10_000).contains(&size), "event is {size} bytes");

    let (out, count) = scrubbed(&input);

    for i in 0..8 {
        let vars = format!("/exception/values/0/stacktrace/frames/{i}/vars");
        assert_eq!(at(&out, &format!("{vars}/password")), "[Filtered]");
        // `card_number` is not a sensitive key; the card pattern replaces the digits only.
        assert_eq!(at(&out, &format!("{vars}/card_number")), "'[Filtered]'");
        assert_eq!(at(&out, &format!("{vars}/note")), "'paid with [Filtered]'");
        assert_eq!(at(&out, &format!("{vars}/order")), &json!(format!("<Order #{i}>")));
        assert_eq!(at(&out, &format!("{vars}/retries")), i);
        let frame = format!("/exception/values/0/stacktrace/frames/{i}");
        for field in ["filename", "abs_path", "module", "function", "lineno", "in_app", "context_line"] {
            let path = format!("{frame}/{field}");
            assert_eq!(at(&out, &path), at(&input, &path), "{path}");
        }
    }
    assert_eq!(at(&out, "/request/query_string"), "step=2&session_token=[Filtered]");
    assert_eq!(at(&out, "/request/headers/2/1"), "[Filtered]");
    assert_eq!(at(&out, "/request/headers/3/1"), "[Filtered]");
    assert_eq!(at(&out, "/request/headers/1/1"), "Mozilla/5.0");
    assert_eq!(at(&out, "/request/cookies"), &json!([["sessionid", "[Filtered]"], ["csrftoken", "[Filtered]"]]));
    assert_eq!(at(&out, "/request/data/password"), "[Filtered]");
    assert_eq!(at(&out, "/request/data/card_number"), "[Filtered]");
    assert_eq!(at(&out, "/request/data/email"), "bob@example.com");
    assert_eq!(at(&out, "/extra/stripe_api_key"), "[Filtered]");
    assert_eq!(at(&out, "/extra/cart_size"), 3);

    // Untouched: everything outside the scrubbed paths.
    for path in [
        "/event_id",
        "/timestamp",
        "/level",
        "/platform",
        "/release",
        "/environment",
        "/transaction",
        "/fingerprint",
        "/sdk",
        "/modules",
        "/contexts",
        "/tags",
        "/user",
        "/breadcrumbs",
        "/exception/values/0/value",
        "/exception/values/0/type",
        "/request/url",
        "/request/env",
        "/server_name",
    ] {
        assert_eq!(at(&out, path), at(&input, path), "{path}");
    }

    // 8 frames x 3 vars, query 1, headers 2, cookies 2, data 2, extra 1.
    assert_eq!(count, 8 * 3 + 1 + 2 + 2 + 2 + 1);
    let (again, count) = scrubbed(&out);
    assert_eq!(again, out);
    assert_eq!(count, 0);
}
