//! Table tests: input → predicates (with a fixed `now`), and `Pattern` behaviour.

use super::*;
use Predicate as P;

fn preds(input: &str) -> Vec<Predicate> {
    parse_ok(input).predicates(now())
}

fn exact(s: &str) -> Pattern {
    Pattern::Exact(s.to_owned())
}

fn wild(s: &str) -> Pattern {
    Pattern::Wildcard(s.to_owned())
}

fn releases(latest: bool, pattern: Option<Pattern>) -> ReleaseMatch {
    ReleaseMatch { latest, pattern }
}

#[test]
fn predicate_table() {
    let unassigned = |negated| P::Assigned { to: vec![Assignee::None], include_suggested: false, negated };
    let cases: Vec<(&str, Vec<Predicate>)> = vec![
        ("", vec![]),
        ("is:unresolved", vec![P::Status { status: IssueStatus::Unresolved, negated: false }]),
        ("!is:resolved", vec![P::Status { status: IssueStatus::Resolved, negated: true }]),
        ("is:ignored", vec![P::Status { status: IssueStatus::Ignored, negated: false }]),
        ("is:archived", vec![P::Status { status: IssueStatus::Ignored, negated: false }]),
        ("is:new", vec![P::Substatus { substatus: Substatus::New, negated: false }]),
        ("is:ongoing", vec![P::Substatus { substatus: Substatus::Ongoing, negated: false }]),
        ("!is:regressed", vec![P::Substatus { substatus: Substatus::Regressed, negated: true }]),
        ("is:escalating", vec![P::Substatus { substatus: Substatus::Escalating, negated: false }]),
        ("is:for_review", vec![P::ForReview { negated: false }]),
        ("is:assigned", vec![unassigned(true)]),
        ("!is:assigned", vec![unassigned(false)]),
        ("is:unassigned", vec![unassigned(false)]),
        ("is:bookmarked", vec![P::Bookmarked { by: vec![UserRef::Me], negated: false }]),
        ("is:linked", vec![P::Linked { linked: true }]),
        ("!is:linked", vec![P::Linked { linked: false }]),
        ("is:unlinked", vec![P::Linked { linked: false }]),
        ("!is:unlinked", vec![P::Linked { linked: true }]),
        ("!level:[error, fatal]", vec![P::Level { levels: vec![Level::Error, Level::Fatal], negated: true }]),
        ("issue.priority:high", vec![P::Priority { priorities: vec![Priority::High], negated: false }]),
        ("environment:prod", vec![P::Field { field: Field::Environment, pattern: exact("prod"), negated: false }]),
        (
            "!environment:[prod, stag*]",
            vec![P::Field {
                field: Field::Environment,
                pattern: Pattern::AnyOf(vec![exact("prod"), wild("stag*")]),
                negated: true,
            }],
        ),
        ("release:latest", vec![P::Release { release: releases(true, None), negated: false }]),
        ("release:1.*", vec![P::Release { release: releases(false, Some(wild("1.*"))), negated: false }]),
        (
            "!firstRelease:[latest, 2.0]",
            vec![P::FirstRelease { release: releases(true, Some(exact("2.0"))), negated: true }],
        ),
        (
            "assigned_or_suggested:[me, #ops]",
            vec![P::Assigned {
                to: vec![Assignee::Me, Assignee::Team("ops".into())],
                include_suggested: true,
                negated: false,
            }],
        ),
        ("bookmarks:jane", vec![P::Bookmarked { by: vec![UserRef::User("jane".into())], negated: false }]),
        ("!has:browser", vec![P::Has { key: "browser".into(), negated: true }]),
        ("issue:[app-1a, APP-2]", vec![P::ShortId { ids: strings(&["APP-1A", "APP-2"]), negated: false }]),
        ("times_seen:>10", vec![P::TimesSeen { op: CmpOp::Gt, count: 10 }]),
        ("timesSeen:3", vec![P::TimesSeen { op: CmpOp::Eq, count: 3 }]),
        ("lastSeen:-24h", vec![P::LastSeen { op: CmpOp::Ge, at: utc("2026-01-09T12:00:00Z") }]),
        ("lastSeen:+24h", vec![P::LastSeen { op: CmpOp::Le, at: utc("2026-01-09T12:00:00Z") }]),
        ("firstSeen:-30m", vec![P::FirstSeen { op: CmpOp::Ge, at: utc("2026-01-10T11:30:00Z") }]),
        ("age:+1w", vec![P::FirstSeen { op: CmpOp::Le, at: utc("2026-01-03T12:00:00Z") }]),
        ("age:-2d", vec![P::FirstSeen { op: CmpOp::Ge, at: utc("2026-01-08T12:00:00Z") }]),
        ("lastSeen:>2024-01-01", vec![P::LastSeen { op: CmpOp::Gt, at: utc("2024-01-01T00:00:00Z") }]),
        ("firstSeen:<=2024-01-01T10:00:00", vec![P::FirstSeen { op: CmpOp::Le, at: utc("2024-01-01T10:00:00Z") }]),
        (
            "lastSeen:2024-01-01",
            vec![
                P::LastSeen { op: CmpOp::Ge, at: utc("2024-01-01T00:00:00Z") },
                P::LastSeen { op: CmpOp::Lt, at: utc("2024-01-02T00:00:00Z") },
            ],
        ),
        (
            "age:2024-01-01T10:00:00Z",
            vec![
                P::FirstSeen { op: CmpOp::Ge, at: utc("2024-01-01T09:55:00Z") },
                P::FirstSeen { op: CmpOp::Lt, at: utc("2024-01-01T10:05:00Z") },
            ],
        ),
        ("lastSeen:-4294967295w", vec![P::LastSeen { op: CmpOp::Ge, at: chrono::DateTime::<chrono::Utc>::MIN_UTC }]),
        ("error.handled:true", vec![P::Unhandled { unhandled: false }]),
        ("error.handled:0", vec![P::Unhandled { unhandled: true }]),
        ("!error.handled:1", vec![P::Unhandled { unhandled: true }]),
        ("error.unhandled:true", vec![P::Unhandled { unhandled: true }]),
        ("!error.unhandled:true", vec![P::Unhandled { unhandled: false }]),
        ("message:timeout", vec![P::Text { field: TextField::Message, pattern: wild("*timeout*"), negated: false }]),
        ("!title:conn*", vec![P::Text { field: TextField::Title, pattern: wild("*conn*"), negated: true }]),
        (
            "title:[a, *b*]",
            vec![P::Text {
                field: TextField::Title,
                pattern: Pattern::AnyOf(vec![wild("*a*"), wild("*b*")]),
                negated: false,
            }],
        ),
        ("\"db down\"", vec![P::Text { field: TextField::Message, pattern: wild("*db down*"), negated: false }]),
        ("error.type:Value*", vec![P::Field { field: Field::ErrorType, pattern: wild("Value*"), negated: false }]),
        ("error.value:bad", vec![P::Field { field: Field::ErrorValue, pattern: exact("bad"), negated: false }]),
        ("user.id:1", vec![P::Field { field: Field::UserId, pattern: exact("1"), negated: false }]),
        ("user.email:a@b", vec![P::Field { field: Field::UserEmail, pattern: exact("a@b"), negated: false }]),
        ("user.username:u", vec![P::Field { field: Field::UserUsername, pattern: exact("u"), negated: false }]),
        ("user.ip:10.*", vec![P::Field { field: Field::UserIp, pattern: wild("10.*"), negated: false }]),
        ("transaction:/a", vec![P::Field { field: Field::Transaction, pattern: exact("/a"), negated: false }]),
        (
            "issue.category:error",
            vec![P::Field { field: Field::IssueCategory, pattern: exact("error"), negated: false }],
        ),
        ("issue.type:error", vec![P::Field { field: Field::IssueType, pattern: exact("error"), negated: false }]),
        ("!server:web-*", vec![P::Tag { key: "server".into(), pattern: wild("web-*"), negated: true }]),
        (
            "tags[level]:[a, b]",
            vec![P::Tag { key: "level".into(), pattern: Pattern::AnyOf(vec![exact("a"), exact("b")]), negated: false }],
        ),
        (
            "is:unresolved foo lastSeen:-1h",
            vec![
                P::Status { status: IssueStatus::Unresolved, negated: false },
                P::Text { field: TextField::Message, pattern: wild("*foo*"), negated: false },
                P::LastSeen { op: CmpOp::Ge, at: utc("2026-01-10T11:00:00Z") },
            ],
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(preds(input), expected, "input: {input}");
    }
}

#[test]
fn pattern_matching() {
    assert!(exact("a*b").matches("a*b"));
    assert!(!exact("a*b").matches("axb"));
    assert!(!exact("abc").matches("ABC"));
    assert!(exact("abc").matches_ignore_case("ABC"));
    let cases = [
        ("*", "", true),
        ("*", "anything", true),
        ("a*", "abc", true),
        ("a*", "ba", false),
        ("*c", "abc", true),
        ("a*c", "ac", true),
        ("a*c", "abcbd", false),
        ("a*b*c", "aXbYbZc", true),
        ("*ab*ab*", "xabyab", true),
        ("*ab*ab*", "xab", false),
        ("é*", "été", true),
        ("**", "x", true),
    ];
    for (glob, s, expected) in cases {
        assert_eq!(wild(glob).matches(s), expected, "{glob} vs {s}");
    }
    assert!(wild("*TIME*").matches_ignore_case("db timeout"));
    let any = Pattern::AnyOf(vec![exact("a"), wild("b*")]);
    assert!(any.matches("a") && any.matches("bc") && !any.matches("c"));
    assert!(!Pattern::AnyOf(vec![]).matches(""));
    assert_eq!(any.alternatives().len(), 2);
    assert_eq!(exact("a").alternatives(), vec![&exact("a")]);
    assert_eq!(Pattern::from_values(&["x"]), exact("x"));
    assert_eq!(Pattern::contains(""), wild("**"));
    assert_eq!(Pattern::contains("*a"), wild("*a*"));
}

#[test]
fn sql_like_escaping() {
    assert_eq!(wild("50%_off*\\x").to_sql_like(), Some("50\\%\\_off%\\\\x".to_owned()));
    assert_eq!(exact("a*b%").to_sql_like(), Some("a*b\\%".to_owned()));
    assert_eq!(wild("*@example.com").to_sql_like(), Some("%@example.com".to_owned()));
    assert_eq!(Pattern::AnyOf(vec![exact("a")]).to_sql_like(), None);
}

#[test]
fn cmp_op_helpers() {
    assert!(CmpOp::Ge.eval(&2, &2) && !CmpOp::Gt.eval(&2, &2) && CmpOp::Lt.eval(&1, &2) && CmpOp::Le.eval(&2, &2));
    assert!(CmpOp::Eq.eval(&"a", &"a"));
    assert_eq!(CmpOp::Eq.sql(), "=");
    assert_eq!(CmpOp::Ge.sql(), ">=");
    assert_eq!(IssueStatus::Ignored.as_str(), "ignored");
    assert_eq!(Substatus::Escalating.as_str(), "escalating");
}

#[test]
fn known_keys_are_the_typed_ones_and_nothing_else() {
    let keys = known_keys();
    for key in &keys {
        assert!(interpret::is_known_key(key), "{key} is offered but not typed");
    }
    for key in ["is", "level", "assigned", "lastSeen", "error.handled", "message", "user.email", "timesSeen"] {
        assert!(keys.contains(&key), "{key} is not offered");
    }
    assert!(!keys.contains(&"times_seen"), "aliases are not offered");
    assert!(!interpret::is_known_key("browser"));
}

#[test]
fn single_values_are_quoted_only_when_they_must_be() {
    assert_eq!(single_value("production"), "production");
    assert_eq!(single_value("Chrome 120"), "\"Chrome 120\"");
    assert_eq!(single_value(">5"), "\">5\"");
    assert_eq!(single_value("say \"hi\""), "\"say \\\"hi\\\"\"");
    assert_eq!(single_value(""), "\"\"");
    for value in ["Chrome 120", ">5", "say \"hi\"", "a\\b"] {
        let query = parse(&format!("browser:{}", single_value(value))).unwrap();
        assert_eq!(query.terms, vec![tag(false, "browser", &[value])]);
    }
}
