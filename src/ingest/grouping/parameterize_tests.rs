//! Unit tests for message normalization: one case per placeholder kind, plus line handling,
//! priority between patterns and inputs that must stay untouched.

use super::normalize_message as n;

#[test]
fn email() {
    assert_eq!(n("mail to bob.smith+x@example.co.uk failed"), "mail to <email> failed");
}

#[test]
fn url() {
    assert_eq!(n("GET https://api.example.com/v1/users?id=7 -> 500"), "GET <url> -> <int>");
    assert_eq!(n("ws://127.0.0.1:9000/socket closed"), "<url> closed");
}

#[test]
fn hostname() {
    assert_eq!(n("could not resolve db.internal.example.com"), "could not resolve <hostname>");
    assert_eq!(n("call obj.method now"), "call obj.method now");
}

#[test]
fn ipv4_and_ipv6() {
    assert_eq!(n("connect 10.0.0.12:5432 refused"), "connect <ip>:<int> refused");
    assert_eq!(n("from 2001:db8:85a3::8a2e:370:7334 denied"), "from <ip> denied");
    assert_eq!(n("bind ::1 failed"), "bind <ip> failed");
    assert_eq!(n("addr 2001:0db8:0000:0000:0000:ff00:0042:8329"), "addr <ip>");
}

#[test]
fn ipv6_does_not_eat_code_paths() {
    assert_eq!(n("std::io::Error in Foo::add"), "std::io::Error in Foo::add");
    assert_eq!(n("Foo::bar2 failed"), "Foo::bar2 failed");
}

#[test]
fn traceparent() {
    let tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    assert_eq!(n(&format!("trace {tp} lost")), "trace <traceparent> lost");
}

#[test]
fn uuid() {
    assert_eq!(n("order 123e4567-E89B-12d3-a456-426614174000 missing"), "order <uuid> missing");
}

#[test]
fn sha1_and_md5() {
    assert_eq!(n("blob da39a3ee5e6b4b0d3255bfef95601890afd80709 gone"), "blob <sha1> gone");
    assert_eq!(n("etag d41d8cd98f00b204e9800998ecf8427e"), "etag <md5>");
}

#[test]
fn dates() {
    assert_eq!(n("at 2024-03-05T10:20:30.123Z boom"), "at <date> boom");
    assert_eq!(n("at 2024-03-05 10:20:30+01:00 boom"), "at <date> boom");
    assert_eq!(n("day 2024-03-05"), "day <date>");
    assert_eq!(n("Tue, 05 Mar 2024 10:20:30 GMT"), "<date>");
    assert_eq!(n("Tuesday, 05-Mar-24 10:20:30 GMT"), "<date>");
    assert_eq!(n("Tue Mar 05 2024 10:20:30 GMT+0100 (Central European Standard Time) x"), "<date> x");
    assert_eq!(n("Tue Mar  5 10:20:30 2024"), "<date>");
    assert_eq!(n("at 10:20 and 10:20:30"), "at <date> and <date>");
    assert_eq!(n("on 2024/3/5"), "on <date>");
}

#[test]
fn durations() {
    assert_eq!(n("timed out after 1500ms"), "timed out after <duration>");
    assert_eq!(n("took 1.5s"), "took <duration>");
    assert_eq!(n("retry in 30 seconds"), "retry in <duration>");
}

#[test]
fn hex() {
    assert_eq!(n("bad pointer 0x7ffee4b2c8a0"), "bad pointer <hex>");
    assert_eq!(n("object deadbeef42 freed"), "object <hex> freed");
    assert_eq!(n("token ABCDEF0123"), "token <hex>");
    assert_eq!(n("id 123456789"), "id <hex>");
    // no digit, or mixed case: not hex
    assert_eq!(n("word deadbeef stays"), "word deadbeef stays");
    assert_eq!(n("mixed DeadBeef12 stays"), "mixed DeadBeef12 stays");
}

#[test]
fn git_sha() {
    assert_eq!(n("deployed abc1234"), "deployed <git_sha>");
    assert_eq!(n("word decade1 ok"), "word <git_sha> ok");
    assert_eq!(n("word facade stays"), "word facade stays");
}

#[test]
fn float_and_int() {
    assert_eq!(n("ratio 0.75 too high"), "ratio <float> too high");
    assert_eq!(n("got 1.5e10"), "got <float>");
    assert_eq!(n("User 42 not found"), "User <int> not found");
    assert_eq!(n("list index 3 out of range"), "list index <int> out of range");
    // digits inside identifiers are kept
    assert_eq!(n("user_123 and id7"), "user_123 and id7");
}

#[test]
fn quoted_str_and_bool() {
    assert_eq!(n(r#"query failed name="bob" x='y z'"#), "query failed name=<quoted_str> x=<quoted_str>");
    assert_eq!(n("flag enabled=true debug=FALSE"), "flag enabled=<bool> debug=<bool>");
    assert_eq!(n("not=truex"), "not=truex");
}

#[test]
fn first_two_non_empty_lines() {
    assert_eq!(n("first\n\n  \nsecond\nthird\nfourth"), "first\nsecond...");
    assert_eq!(n("\n\nonly\n"), "only");
    assert_eq!(n("a\r\nb"), "a\nb");
}

#[test]
fn placeholders_are_stable_and_idempotent() {
    let once = n("user bob@x.com at 10.0.0.1 id 5 took 3ms hash deadbeef42");
    assert_eq!(once, "user <email> at <ip> id <int> took <duration> hash <hex>");
    assert_eq!(n(&once), once);
}

#[test]
fn unchanged_inputs() {
    assert_eq!(n(""), "");
    assert_eq!(n("division by zero"), "division by zero");
    assert_eq!(n("ünïcödé 💥 fehler"), "ünïcödé 💥 fehler");
}

#[test]
fn huge_input_does_not_panic() {
    let big = "x1 ".repeat(200_000) + "\n" + &"€".repeat(100_000);
    let out = n(&big);
    assert!(out.ends_with('€'));
}

#[test]
fn values_differing_only_in_numbers_normalize_equal() {
    assert_eq!(n("User 17 failed at 12:01:02"), n("User 99 failed at 23:59:59"));
    assert_ne!(n("User 17 failed"), n("Group 17 failed"));
}
