//! Request / response data: headers, cookies, query strings, env, url, body.

use serde_json::json;

use super::{at, scrubbed};

#[test]
fn header_pairs_sensitive_names_are_filtered() {
    let event = json!({"request": {"headers": [
        ["Authorization", "Basic dXNlcjpwYXNz"],
        ["proxy-authorization", "Basic eA=="],
        ["Cookie", "sessionid=abc; theme=dark"],
        ["Set-Cookie", "sid=1; HttpOnly"],
        ["X-Api-Key", "k-123"],
        ["x-auth-token", "t"],
        ["X-CSRF-Token", "c"],
        ["X-XSRF-TOKEN", "x"],
        ["X-Forwarded-Authorization", "Bearer z"],
        ["Content-Type", "application/json"],
        ["Accept", "*/*"],
        ["Host", "example.com"]
    ]}});
    let (out, count) = scrubbed(&event);
    for i in 0..9 {
        assert_eq!(at(&out, &format!("/request/headers/{i}/1")), "[Filtered]", "header {i}");
    }
    assert_eq!(at(&out, "/request/headers/0/0"), "Authorization");
    assert_eq!(at(&out, "/request/headers/9/1"), "application/json");
    assert_eq!(at(&out, "/request/headers/10/1"), "*/*");
    assert_eq!(at(&out, "/request/headers/11/1"), "example.com");
    assert_eq!(count, 9);
}

#[test]
fn header_object_form_any_case() {
    let event = json!({"request": {"headers": {
        "AUTHORIZATION": "Token abc",
        "cookie": "a=b",
        "SET-COOKIE": ["a=1", "b=2"],
        "x-api-key": 12345,
        "content-type": "text/html",
        "User-Agent": "Mozilla/5.0 (AuthBot; token=1)",
        "Referer": "https://example.com/auth/callback"
    }}});
    let (out, count) = scrubbed(&event);
    assert_eq!(at(&out, "/request/headers/AUTHORIZATION"), "[Filtered]");
    assert_eq!(at(&out, "/request/headers/cookie"), "[Filtered]");
    assert_eq!(at(&out, "/request/headers/SET-COOKIE"), "[Filtered]");
    assert_eq!(at(&out, "/request/headers/x-api-key"), "[Filtered]");
    assert_eq!(at(&out, "/request/headers/content-type"), "text/html");
    // Sentry never scrubs the user agent.
    assert_eq!(at(&out, "/request/headers/User-Agent"), "Mozilla/5.0 (AuthBot; token=1)");
    // Other header values get the keyword-in-value rule, as in Sentry.
    assert_eq!(at(&out, "/request/headers/Referer"), "[Filtered]");
    assert_eq!(count, 5);
}

#[test]
fn cookies_as_pairs_are_all_filtered() {
    let event = json!({"request": {"cookies": [
        ["theme", "dark"], ["sessionid", "abc"], ["empty", ""], ["flag", true]
    ]}});
    let (out, count) = scrubbed(&event);
    assert_eq!(
        at(&out, "/request/cookies"),
        &json!([["theme", "[Filtered]"], ["sessionid", "[Filtered]"], ["empty", ""], ["flag", true]])
    );
    assert_eq!(count, 2);
}

#[test]
fn cookies_as_object_are_all_filtered() {
    let event = json!({"request": {"cookies": {"theme": "dark", "n": 3, "csrftoken": "x"}}});
    let (out, count) = scrubbed(&event);
    assert_eq!(
        at(&out, "/request/cookies"),
        &json!({"theme": "[Filtered]", "n": "[Filtered]", "csrftoken": "[Filtered]"})
    );
    assert_eq!(count, 3);
}

#[test]
fn cookies_as_raw_string_keep_names() {
    let event = json!({"request": {"cookies": "PHPSESSID=298zf09hf012fh2; csrftoken=u32t4o3tb3gg43; _gat=1;"}});
    let (out, count) = scrubbed(&event);
    assert_eq!(at(&out, "/request/cookies"), "PHPSESSID=[Filtered]; csrftoken=[Filtered]; _gat=[Filtered];");
    assert_eq!(count, 3);
    let (again, count) = scrubbed(&out);
    assert_eq!(again, out);
    assert_eq!(count, 0);

    let bare = json!({"request": {"cookies": "  opaque-blob"}});
    let (out, count) = scrubbed(&bare);
    assert_eq!(at(&out, "/request/cookies"), "  [Filtered]");
    assert_eq!(count, 1);
}

#[test]
fn raw_query_string_filters_only_sensitive_parameters() {
    let event = json!({"request": {
        "query_string": "page=2&api_key=abc&next=%2Fhome&access_token=&sort=asc"
    }});
    let (out, count) = scrubbed(&event);
    assert_eq!(at(&out, "/request/query_string"), "page=2&api_key=[Filtered]&next=%2Fhome&access_token=&sort=asc");
    assert_eq!(count, 1);

    let first = json!({"request": {"query_string": "token=abc&cc=4111111111111111"}});
    let (out, count) = scrubbed(&first);
    assert_eq!(at(&out, "/request/query_string"), "token=[Filtered]&cc=[Filtered]");
    assert_eq!(count, 2);
}

#[test]
fn structured_query_string_uses_key_rule() {
    let event = json!({"request": {
        "query_string": [["page", "2"], ["password", "x"]],
    }});
    let (out, count) = scrubbed(&event);
    assert_eq!(at(&out, "/request/query_string"), &json!([["page", "2"], ["password", "[Filtered]"]]));
    assert_eq!(count, 1);
    let object = json!({"request": {"query_string": {"page": "2", "secret": "x"}}});
    let (out, _) = scrubbed(&object);
    assert_eq!(at(&out, "/request/query_string"), &json!({"page": "2", "secret": "[Filtered]"}));
}

#[test]
fn env_uses_header_and_key_rules() {
    let event = json!({"request": {"env": {
        "HTTP_COOKIE": "a=b",
        "HTTP_AUTHORIZATION": "Basic x",
        "DB_PASSWORD": "p",
        "REMOTE_ADDR": "10.0.0.1",
        "SERVER_NAME": "web-1"
    }}});
    let (out, count) = scrubbed(&event);
    assert_eq!(at(&out, "/request/env/HTTP_COOKIE"), "[Filtered]");
    assert_eq!(at(&out, "/request/env/HTTP_AUTHORIZATION"), "[Filtered]");
    assert_eq!(at(&out, "/request/env/DB_PASSWORD"), "[Filtered]");
    assert_eq!(at(&out, "/request/env/REMOTE_ADDR"), "10.0.0.1");
    assert_eq!(at(&out, "/request/env/SERVER_NAME"), "web-1");
    assert_eq!(count, 3);
}

#[test]
fn url_gets_patterns_only_and_structural_fields_are_kept() {
    let event = json!({"request": {
        "url": "https://admin:hunter2@example.com/auth/login",
        "method": "POST",
        "api_target": "graphql",
        "data": {"username": "bob", "password": "hunter2", "nested": {"apiKey": 1}},
        "fragment": "access_token=xyz"
    }});
    let (out, count) = scrubbed(&event);
    assert_eq!(at(&out, "/request/url"), "https://admin:[Filtered]@example.com/auth/login");
    assert_eq!(at(&out, "/request/method"), "POST");
    assert_eq!(at(&out, "/request/api_target"), "graphql");
    assert_eq!(at(&out, "/request/data/username"), "bob");
    assert_eq!(at(&out, "/request/data/password"), "[Filtered]");
    assert_eq!(at(&out, "/request/data/nested/apiKey"), "[Filtered]");
    assert_eq!(at(&out, "/request/fragment"), "[Filtered]");
    assert_eq!(count, 4);
}

#[test]
fn string_body_is_scrubbed_as_a_value() {
    let event = json!({"request": {"data": "{\"password\": \"hunter2\"}"}});
    let (out, _) = scrubbed(&event);
    assert_eq!(at(&out, "/request/data"), "[Filtered]");
    let card = json!({"request": {"data": "amount=5&card=4111 1111 1111 1111"}});
    let (out, _) = scrubbed(&card);
    assert_eq!(at(&out, "/request/data"), "amount=5&card=[Filtered]");
}

#[test]
fn response_context_headers_and_cookies() {
    let event = json!({"contexts": {"response": {
        "type": "response",
        "status_code": 200,
        "headers": [["Set-Cookie", "sid=1"], ["Content-Length", "10"]],
        "cookies": {"sid": "1"}
    }}});
    let (out, count) = scrubbed(&event);
    assert_eq!(at(&out, "/contexts/response/headers/0/1"), "[Filtered]");
    assert_eq!(at(&out, "/contexts/response/headers/1/1"), "10");
    assert_eq!(at(&out, "/contexts/response/cookies/sid"), "[Filtered]");
    assert_eq!(at(&out, "/contexts/response/status_code"), 200);
    assert_eq!(count, 2);
}

#[test]
fn odd_request_shapes_do_not_panic() {
    for request in [
        json!("GET /"),
        json!(42),
        json!(null),
        json!([1, 2]),
        json!({"headers": "Authorization: x", "cookies": 5, "query_string": 7, "env": [1, [2], ["a"]]}),
        json!({"headers": [[1, "x"], "bare", ["Cookie"]], "cookies": [["a"], 3, null, [1, 2]]}),
    ] {
        let event = json!({ "request": request });
        let _ = scrubbed(&event);
    }
}
