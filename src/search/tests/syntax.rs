//! Table tests: input → syntax tree, and input → canonical printed form.

use super::*;
use RelDirection::{OlderThan, Within};

fn f(filter: Filter) -> Term {
    Term::Filter(filter)
}

#[test]
fn every_is_value_parses_case_insensitively_and_negated() {
    for value in IsValue::ALL {
        let name = value.as_str();
        assert_eq!(parse_ok(&format!("is:{name}")).terms, vec![is(false, *value)]);
        assert_eq!(parse_ok(&format!("!is:{}", name.to_uppercase())).terms, vec![is(true, *value)]);
        assert_eq!(parse_ok(&format!("is:\"{name}\"")).terms, vec![is(false, *value)]);
    }
}

#[test]
fn ast_table() {
    use Filter as F;
    let abs = |op, at| TimeValue::Absolute { op, at };
    let cases: Vec<(&str, Vec<Term>)> = vec![
        ("", vec![]),
        (" \t ", vec![]),
        ("foo", vec![text("foo")]),
        ("foo  bar", vec![text("foo"), text("bar")]),
        (r#""foo bar""#, vec![text("foo bar")]),
        (r#""say \"hi\" \\ \n""#, vec![text(r#"say "hi" \ \n"#)]),
        (r#""""#, vec![text("")]),
        ("!foo a\"b", vec![text("!foo"), text("a\"b")]),
        ("tags[foo]", vec![text("tags[foo]")]),
        ("héllo wörld:x", vec![text("héllo"), text("wörld:x")]),
        ("level:error", vec![f(F::Level { negated: false, levels: vec![Level::Error] })]),
        ("level:[error, FATAL]", vec![f(F::Level { negated: false, levels: vec![Level::Error, Level::Fatal] })]),
        ("!level:[ debug ,info ]", vec![f(F::Level { negated: true, levels: vec![Level::Debug, Level::Info] })]),
        ("level:warning", vec![f(F::Level { negated: false, levels: vec![Level::Warning] })]),
        (
            "issue.priority:[high, medium]",
            vec![f(F::Priority { negated: false, priorities: vec![Priority::High, Priority::Medium] })],
        ),
        ("!issue.priority:low", vec![f(F::Priority { negated: true, priorities: vec![Priority::Low] })]),
        ("environment:prod", vec![field(false, Field::Environment, &["prod"])]),
        ("!environment:[prod, \"qa env\"]", vec![field(true, Field::Environment, &["prod", "qa env"])]),
        ("release:latest", vec![f(F::Release { negated: false, first: false, values: strings(&["latest"]) })]),
        (
            "release:[1.0.*, latest]",
            vec![f(F::Release { negated: false, first: false, values: strings(&["1.0.*", "latest"]) })],
        ),
        ("!firstRelease:app@2.0", vec![f(F::Release { negated: true, first: true, values: strings(&["app@2.0"]) })]),
        ("assigned:me", vec![f(F::Assigned { negated: false, include_suggested: false, to: vec![Assignee::Me] })]),
        ("!assigned:none", vec![f(F::Assigned { negated: true, include_suggested: false, to: vec![Assignee::None] })]),
        (
            "assigned_or_suggested:[my_teams, #backend, jane@example.com]",
            vec![f(F::Assigned {
                negated: false,
                include_suggested: true,
                to: vec![
                    Assignee::MyTeams,
                    Assignee::Team("backend".into()),
                    Assignee::User("jane@example.com".into()),
                ],
            })],
        ),
        ("bookmarks:me", vec![f(F::Bookmarks { negated: false, by: vec![UserRef::Me] })]),
        ("!bookmarks:jane", vec![f(F::Bookmarks { negated: true, by: vec![UserRef::User("jane".into())] })]),
        ("has:browser", vec![f(F::Has { negated: false, key: "browser".into() })]),
        ("!has:user.email", vec![f(F::Has { negated: true, key: "user.email".into() })]),
        ("issue:APP-1A", vec![f(F::Issue { negated: false, ids: strings(&["APP-1A"]) })]),
        ("!issue:[app-1, APP-2]", vec![f(F::Issue { negated: true, ids: strings(&["app-1", "APP-2"]) })]),
        ("times_seen:10", vec![f(F::TimesSeen { op: CmpOp::Eq, count: 10 })]),
        ("timesSeen:>10", vec![f(F::TimesSeen { op: CmpOp::Gt, count: 10 })]),
        ("times_seen:>=5k", vec![f(F::TimesSeen { op: CmpOp::Ge, count: 5_000 })]),
        ("timesSeen:<2m", vec![f(F::TimesSeen { op: CmpOp::Lt, count: 2_000_000 })]),
        ("timesSeen:<=\"007\"", vec![f(F::TimesSeen { op: CmpOp::Le, count: 7 })]),
        ("lastSeen:-24h", vec![seen(SeenField::LastSeen, rel(Within, 24, RelUnit::Hours))]),
        ("firstSeen:+7d", vec![seen(SeenField::FirstSeen, rel(OlderThan, 7, RelUnit::Days))]),
        ("age:-2w", vec![seen(SeenField::Age, rel(Within, 2, RelUnit::Weeks))]),
        ("lastSeen:-030m", vec![seen(SeenField::LastSeen, rel(Within, 30, RelUnit::Minutes))]),
        ("lastSeen:>2024-01-01", vec![seen(SeenField::LastSeen, abs(CmpOp::Gt, date("2024-01-01")))]),
        ("lastSeen:2024-01-01", vec![seen(SeenField::LastSeen, abs(CmpOp::Eq, date("2024-01-01")))]),
        (
            "firstSeen:>=2024-01-01T10:00:00",
            vec![seen(SeenField::FirstSeen, abs(CmpOp::Ge, DateLiteral::DateTime(utc("2024-01-01T10:00:00Z"))))],
        ),
        (
            "age:<2024-01-01T10:00:00.25+02:30",
            vec![seen(SeenField::Age, abs(CmpOp::Lt, DateLiteral::DateTime(utc("2024-01-01T07:30:00.25Z"))))],
        ),
        (
            "lastSeen:<=2024-01-01T10:00:00Z",
            vec![seen(SeenField::LastSeen, abs(CmpOp::Le, DateLiteral::DateTime(utc("2024-01-01T10:00:00Z"))))],
        ),
        (
            "message:timeout",
            vec![f(F::Text { negated: false, field: TextField::Message, values: strings(&["timeout"]) })],
        ),
        (
            "!title:\"connection reset\"",
            vec![f(F::Text { negated: true, field: TextField::Title, values: strings(&["connection reset"]) })],
        ),
        ("error.type:ValueError", vec![field(false, Field::ErrorType, &["ValueError"])]),
        ("error.value:\"bad input\"", vec![field(false, Field::ErrorValue, &["bad input"])]),
        ("error.handled:true", vec![f(F::Handled { negated: false, field: HandledField::Handled, value: true })]),
        ("error.handled:0", vec![f(F::Handled { negated: false, field: HandledField::Handled, value: false })]),
        ("!error.unhandled:FALSE", vec![f(F::Handled { negated: true, field: HandledField::Unhandled, value: false })]),
        ("error.unhandled:1", vec![f(F::Handled { negated: false, field: HandledField::Unhandled, value: true })]),
        ("user.id:42", vec![field(false, Field::UserId, &["42"])]),
        ("user.email:*@example.com", vec![field(false, Field::UserEmail, &["*@example.com"])]),
        ("user.username:jane", vec![field(false, Field::UserUsername, &["jane"])]),
        ("user.ip:127.0.0.1", vec![field(false, Field::UserIp, &["127.0.0.1"])]),
        ("transaction:/api/*", vec![field(false, Field::Transaction, &["/api/*"])]),
        ("issue.category:error", vec![field(false, Field::IssueCategory, &["error"])]),
        ("issue.type:error", vec![field(false, Field::IssueType, &["error"])]),
        ("server-name:web-8", vec![tag(false, "server-name", &["web-8"])]),
        ("!browser:Chrome*", vec![tag(true, "browser", &["Chrome*"])]),
        ("tags[level]:error", vec![tag(false, "level", &["error"])]),
        ("!tags[sentry:user]:id:1", vec![tag(true, "sentry:user", &["id:1"])]),
        ("url:\"http://a b\"", vec![tag(false, "url", &["http://a b"])]),
        ("http://x.org", vec![tag(false, "http", &["//x.org"])]),
        ("key:\"\"", vec![tag(false, "key", &[""])]),
        (
            "key:\">5\" k:a,b k:!x",
            vec![tag(false, "key", &[">5"]), tag(false, "k", &["a,b"]), tag(false, "k", &["!x"])],
        ),
        ("key:[a, \"b c\", \"d,e\", \"\"]", vec![tag(false, "key", &["a", "b c", "d,e", ""])]),
        ("Level:ERROR", vec![tag(false, "Level", &["ERROR"])]),
        (
            "is:unresolved  level:error \"db timeout\" lastSeen:-24h",
            vec![
                is(false, IsValue::Unresolved),
                f(F::Level { negated: false, levels: vec![Level::Error] }),
                text("db timeout"),
                seen(SeenField::LastSeen, rel(Within, 24, RelUnit::Hours)),
            ],
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(parse(input), Ok(Query { terms: expected }), "input: {input}");
    }
}

#[test]
fn canonical_printing_table() {
    let cases = [
        ("", ""),
        ("  a   b  ", "a b"),
        ("\"foo\"", "foo"),
        ("\"foo bar\"", "\"foo bar\""),
        ("\"a:b\" \"!is:x\" \"tags[a]:b\" a:b:c", "\"a:b\" \"!is:x\" \"tags[a]:b\" a:b:c"),
        ("\"\\\"q\"", "\"\\\"q\""),
        ("!foo", "!foo"),
        ("times_seen:10 timesSeen:>=1k", "timesSeen:10 timesSeen:>=1000"),
        ("level:[error]", "level:error"),
        ("!level:[ ERROR ,Warning ]", "!level:[error, warning]"),
        ("is:ARCHIVED", "is:archived"),
        ("tags[foo]:bar tags[level]:x tags[a:b]:c", "foo:bar tags[level]:x tags[a:b]:c"),
        (
            "key:\">5\" key:\"[x\" key:\"\" key:\"a b\" key:a\"b",
            "key:\">5\" key:\"[x\" key:\"\" key:\"a b\" key:\"a\\\"b\"",
        ),
        ("key:[a,\"b,c\",\"d e\", \"[\" ]", "key:[a, \"b,c\", \"d e\", \"[\"]"),
        ("error.unhandled:1 error.handled:False", "error.unhandled:true error.handled:false"),
        ("lastSeen:2024-01-01T10:00:00+02:00", "lastSeen:2024-01-01T08:00:00Z"),
        ("lastSeen:>2024-01-01T10:00:00.500", "lastSeen:>2024-01-01T10:00:00.500Z"),
        ("firstSeen:<=2024-02-29", "firstSeen:<=2024-02-29"),
        ("age:-024h", "age:-24h"),
        ("assigned:\"#a b\" assigned:[me,none]", "assigned:\"#a b\" assigned:[me, none]"),
        ("message:\"\\\\\"", "message:\\"),
    ];
    for (input, expected) in cases {
        let q = parse_ok(input);
        assert_eq!(q.to_string(), expected, "input: {input}");
        assert_eq!(parse(expected), Ok(q), "reparse of: {expected}");
    }
}

#[test]
fn query_helpers() {
    let q = parse_ok("foo is:resolved \"bar baz\"");
    assert_eq!(q.free_text(), vec!["foo", "bar baz"]);
    assert_eq!(q.filters().count(), 1);
    assert!(!q.is_empty());
    assert!(parse_ok("  ").is_empty());
    assert_eq!("level:error".parse::<Query>(), parse("level:error"));
}
