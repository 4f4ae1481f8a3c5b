//! The event walk: key rule, untouched fields, frame vars, odd shapes, depth cap, count.

use serde_json::{Value, json};

use crate::ingest::tree::{self, tree};

use super::super::bag::MAX_DEPTH;
use super::{at, scrubbed};

#[test]
fn key_rule_filters_strings_numbers_and_containers() {
    let event = json!({"extra": {
        "password": "hunter2", "the_secret": "x", "passwd": "x", "api_key": "x", "apikey": "x",
        "Authorization": "x", "credentials": {"user": "a", "pass": "b"}, "mysql_pwd": "x",
        "privatekey": "x", "private_key": "x", "sessionToken": 1234, "bearer": "x", "otp": 123456,
        "two_factor": "x", "two-factor": "x", "sessionid": "x", "tokens": ["a", "b"],
        "has_password": true, "password_hint": null, "empty_secret": "", "foo": "bar"
    }});
    let (out, count) = scrubbed(&event);
    for key in [
        "password",
        "the_secret",
        "passwd",
        "api_key",
        "apikey",
        "Authorization",
        "credentials",
        "mysql_pwd",
        "privatekey",
        "private_key",
        "sessionToken",
        "bearer",
        "otp",
        "two_factor",
        "two-factor",
        "sessionid",
        "tokens",
    ] {
        assert_eq!(at(&out, &format!("/extra/{key}")), "[Filtered]", "{key}");
    }
    assert_eq!(at(&out, "/extra/has_password"), true);
    assert_eq!(at(&out, "/extra/password_hint"), &Value::Null);
    assert_eq!(at(&out, "/extra/empty_secret"), "");
    assert_eq!(at(&out, "/extra/foo"), "bar");
    assert_eq!(count, 17);
}

#[test]
fn pairs_inside_data_bags_use_the_first_element_as_key() {
    let event = json!({"extra": {"list": [["api_token", "abc"], ["color", "red"], ["x", "y", "z"]]}});
    let (out, count) = scrubbed(&event);
    assert_eq!(at(&out, "/extra/list"), &json!([["api_token", "[Filtered]"], ["color", "red"], ["x", "y", "z"]]));
    assert_eq!(count, 1);
}

#[test]
fn frame_vars_are_scrubbed_and_frame_fields_are_not() {
    let frame = json!({
        "function": "authenticate", "module": "django.contrib.auth.backends",
        "filename": "auth/password.py", "abs_path": "/Users/alice/app/auth/password.py",
        "lineno": 42, "colno": 7, "in_app": true, "context_line": "    password = request.POST['password']",
        "pre_context": ["def login(token=None):"], "post_context": ["    secret = 1"],
        "vars": {"password": "'hunter2'", "user": "'bob'", "card": "'4111111111111111'",
                 "cfg": {"db_url": "postgres://u:pw@db/app"}}
    });
    let event = json!({
        "exception": {"values": [{"type": "AuthError", "value": "bad password for token=1",
                                  "module": "auth", "stacktrace": {"frames": [frame.clone()]}}]},
        "threads": {"values": [{"id": 1, "name": "auth-worker", "stacktrace": {"frames": [frame.clone()]}}]},
        "stacktrace": {"frames": [frame]}
    });
    let (out, count) = scrubbed(&event);
    for base in ["/exception/values/0/stacktrace", "/threads/values/0/stacktrace", "/stacktrace"] {
        let f = format!("{base}/frames/0");
        assert_eq!(at(&out, &format!("{f}/vars/password")), "[Filtered]");
        assert_eq!(at(&out, &format!("{f}/vars/user")), "'bob'");
        assert_eq!(at(&out, &format!("{f}/vars/card")), "'[Filtered]'");
        assert_eq!(at(&out, &format!("{f}/vars/cfg/db_url")), "postgres://u:[Filtered]@db/app");
        assert_eq!(at(&out, &format!("{f}/function")), "authenticate");
        assert_eq!(at(&out, &format!("{f}/module")), "django.contrib.auth.backends");
        assert_eq!(at(&out, &format!("{f}/filename")), "auth/password.py");
        assert_eq!(at(&out, &format!("{f}/abs_path")), "/Users/alice/app/auth/password.py");
        assert_eq!(at(&out, &format!("{f}/lineno")), 42);
        assert_eq!(at(&out, &format!("{f}/in_app")), true);
        assert_eq!(at(&out, &format!("{f}/context_line")), "    password = request.POST['password']");
        assert_eq!(at(&out, &format!("{f}/pre_context/0")), "def login(token=None):");
    }
    assert_eq!(at(&out, "/exception/values/0/value"), "bad password for token=1");
    assert_eq!(at(&out, "/exception/values/0/type"), "AuthError");
    assert_eq!(at(&out, "/threads/values/0/name"), "auth-worker");
    assert_eq!(count, 9);
}

#[test]
fn never_touched_fields() {
    let event = json!({
        "event_id": "0123456789abcdef0123456789abcdef", "timestamp": 1700000000.5,
        "release": "auth-service@1.0.0", "environment": "auth-staging", "platform": "python",
        "level": "error", "logger": "auth.views", "transaction": "/api/auth/token",
        "fingerprint": ["auth", "password-reset"], "modules": {"django-auth-ldap": "4.1"},
        "sdk": {"name": "sentry.python", "version": "2.0.0", "integrations": ["auth"]},
        "debug_meta": {"images": [{"code_file": "/Users/alice/libauth.dylib", "secret": "x"}]},
        "logentry": {"formatted": "password for bob is hunter2 4111111111111111"},
        "breadcrumbs": {"values": [{"timestamp": 1700000000.0, "category": "auth", "type": "http"}]},
        "message": "token=abc"
    });
    let (out, count) = scrubbed(&event);
    assert_eq!(out, event);
    assert_eq!(count, 0);
}

/// `{"k": {"k": … "leaf" …}}` with `levels` objects under `extra`.
fn nested(levels: usize, leaf: Value) -> Value {
    (0..levels).fold(leaf, |inner, _| {
        let mut map = serde_json::Map::new();
        map.insert("k".to_owned(), inner);
        map.insert("password".to_owned(), json!("x"));
        Value::Object(map)
    })
}

#[test]
fn nesting_is_capped_and_deeper_data_is_filtered() {
    // extra (depth 1) + 70 nested objects: the object at depth MAX_DEPTH is replaced whole.
    let event = json!({ "extra": nested(70, json!("leaf")) });
    let (out, count) = scrubbed(&event);
    let mut path = String::from("/extra");
    for _ in 1..MAX_DEPTH - 1 {
        path.push_str("/k");
    }
    // Depth MAX_DEPTH - 1 is still walked: its password is filtered, its child is not walked.
    assert_eq!(at(&out, &format!("{path}/password")), "[Filtered]");
    assert_eq!(at(&out, &format!("{path}/k")), "[Filtered]");
    assert_eq!(at(&out, "/extra/password"), "[Filtered]");
    // MAX_DEPTH - 1 filtered passwords (depths 1..MAX_DEPTH-1) plus the capped subtree.
    assert_eq!(count, MAX_DEPTH);
}

#[test]
fn very_deep_arrays_do_not_overflow_the_stack() {
    // Far deeper than serde_json's parser allows (128) and than the default test-thread
    // stack could recurse through. Scrubbed in place (no clone, which would recurse): the
    // capped subtree is replaced and dropped iteratively, so the event left is shallow.
    let deep = (0..100_000).fold(tree!("password"), |inner, _| tree::Value::Array(vec![inner]));
    // (`tree!` would convert `deep` recursively, so the event is assembled by hand.)
    let mut event = tree!({ "extra": {}, "tags": [["a", "b"]] });
    if let Some(tree::Value::Object(extra)) = event.get_mut("extra") {
        extra.insert("deep", deep);
    }
    let count = super::super::scrub_event(&mut event);
    assert_eq!(count, 1);
    // Shallow now, so it converts without deep recursion.
    let event = Value::from(event);
    assert_eq!(at(&event, "/tags/0/1"), "b");
    let mut path = String::from("/extra/deep");
    for _ in 2..MAX_DEPTH {
        path.push_str("/0");
    }
    assert_eq!(at(&event, &path), "[Filtered]");
}

#[test]
fn any_json_root_is_accepted() {
    for root in [json!(null), json!(1), json!("password"), json!([{"password": "x"}]), json!(true)] {
        let (out, count) = scrubbed(&root);
        assert_eq!(out, root);
        assert_eq!(count, 0);
    }
    let odd = json!({"exception": 3, "threads": "x", "stacktrace": {"frames": {"a": 1}},
                     "breadcrumbs": [1, {"data": 5}], "logentry": "text", "contexts": [],
                     "extra": "token=1", "user": [["password", "p"]], "spans": {"values": 1}});
    let (out, count) = scrubbed(&odd);
    assert_eq!(at(&out, "/extra"), "[Filtered]");
    assert_eq!(at(&out, "/user/0/1"), "[Filtered]");
    assert_eq!(count, 2);
}

#[test]
fn count_matches_replacements_and_rescrub_counts_zero() {
    let event = json!({"extra": {"password": "a", "note": "card 4111 1111 1111 1111 and 5555555555554444"},
                       "request": {"cookies": "a=1; b=2"}});
    let (out, count) = scrubbed(&event);
    assert_eq!(at(&out, "/extra/note"), "card [Filtered] and [Filtered]");
    // password + one rewritten string + two cookies.
    assert_eq!(count, 4);
    let (again, count) = scrubbed(&out);
    assert_eq!(again, out);
    assert_eq!(count, 0);
}
