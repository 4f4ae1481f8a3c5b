//! Property tests: no panics on arbitrary input; generated valid queries (rendered with random
//! but valid spellings) parse to the expected tree; printing round-trips.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use proptest::prelude::*;
use proptest::sample::select;

use super::*;

/// A term and one of its valid spellings.
type Case = (Term, String);

const FRAGMENTS: &[&str] = &[
    " ",
    " ",
    "  ",
    "\t",
    "!",
    ":",
    "\"",
    "\\",
    "[",
    "]",
    ",",
    ">",
    "<",
    "=",
    "*",
    "-",
    "+",
    ".",
    "#",
    "é",
    "a",
    "x",
    "0",
    "1",
    "24",
    "h",
    "w",
    "is:",
    "level:",
    "has:",
    "tags[",
    "lastSeen:",
    "age:",
    "timesSeen:",
    "times_seen:",
    "assigned:",
    "error.handled:",
    "release:",
    "message:",
    "2024-01-01",
    "T10:00:00",
    "Z",
    "+02:00",
    "latest",
    "me",
    "true",
    "resolved",
    "error",
    "high",
    "k:",
    "user.email:",
];

fn fuzz_input() -> impl Strategy<Value = String> {
    prop::collection::vec(select(FRAGMENTS), 0..24).prop_map(|parts| parts.concat())
}

fn check_total(input: &str) -> Result<(), TestCaseError> {
    if let Ok(q) = parse(input) {
        let printed = q.to_string();
        prop_assert_eq!(parse(&printed), Ok(q.clone()), "printed: {}", printed);
        for p in q.predicates(now()) {
            if let Predicate::Tag { pattern, .. } | Predicate::Text { pattern, .. } = p {
                let _ = (pattern.to_sql_like(), pattern.matches(input), pattern.matches_ignore_case(input));
            }
        }
    }
    Ok(())
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A bare word that needs no quotes anywhere (optionally with wildcards).
fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_.@/*-]{1,8}".prop_filter("not a filter", |w| !w.contains(':'))
}

/// Any string, including quotes, backslashes, separators and non-ASCII.
fn any_text() -> impl Strategy<Value = String> {
    let c = prop_oneof![select(vec!['"', '\\', ' ', ',', '[', ']', ':', '!', '*', '>', '\t']), any::<char>()];
    prop::collection::vec(c, 0..8).prop_map(|cs| cs.into_iter().collect())
}

/// A value and a spelling of it (quoted at random when bare would do).
fn value() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        (word(), any::<bool>()).prop_map(|(w, q)| { (w.clone(), if q { quote(&w) } else { w }) }),
        any_text().prop_map(|t| {
            let q = quote(&t);
            (t, q)
        }),
    ]
}

fn sep() -> impl Strategy<Value = &'static str> {
    select(vec![", ", ",", " , ", ",  "])
}

/// One value or a list, with its spelling.
fn values() -> impl Strategy<Value = (Vec<String>, String)> {
    (prop::collection::vec(value(), 1..4), sep(), any::<bool>()).prop_map(|(vs, sep, bracket_one)| {
        let spelled: Vec<String> = vs.iter().map(|(_, s)| s.clone()).collect();
        let text = if vs.len() == 1 && !bracket_one { spelled.concat() } else { format!("[{}]", spelled.join(sep)) };
        (vs.into_iter().map(|(v, _)| v).collect(), text)
    })
}

fn random_case(s: &str, upper: bool) -> String {
    if upper { s.to_uppercase() } else { s.to_owned() }
}

fn keywords<T: Copy + std::fmt::Display + std::fmt::Debug + 'static>(
    all: &'static [T],
) -> impl Strategy<Value = (Vec<T>, String)> {
    (prop::collection::vec((select(all), any::<bool>()), 1..4), sep()).prop_map(|(vs, sep)| {
        let spelled: Vec<String> = vs.iter().map(|(v, up)| random_case(&v.to_string(), *up)).collect();
        let text = if vs.len() == 1 { spelled.concat() } else { format!("[{}]", spelled.join(sep)) };
        (vs.into_iter().map(|(v, _)| v).collect(), text)
    })
}

fn neg(negated: bool) -> &'static str {
    if negated { "!" } else { "" }
}

fn tag_case() -> impl Strategy<Value = Case> {
    let key = prop_oneof![
        "[a-z][a-z0-9_.-]{0,7}".prop_map(|k| (k, false)),
        "[a-z:@\"!]{1,6}".prop_map(|k| (k, true)),
        select(vec!["level", "is", "timesSeen", "user.email"]).prop_map(|k| (k.to_owned(), true)),
    ];
    (key, any::<bool>(), any::<bool>(), values()).prop_map(|((key, must_wrap), explicit, negated, (vals, text))| {
        let wrap = must_wrap || explicit || crate::search::interpret::is_known_key(&key);
        let k = if wrap { format!("tags[{key}]") } else { key.clone() };
        (Term::Filter(Filter::Tag { negated, key, values: vals }), format!("{}{k}:{text}", neg(negated)))
    })
}

fn assignee() -> impl Strategy<Value = Assignee> {
    prop_oneof![
        Just(Assignee::Me),
        Just(Assignee::None),
        Just(Assignee::MyTeams),
        "[a-z0-9 ]{1,6}".prop_map(Assignee::Team),
        "[a-z0-9@.]{1,8}".prop_filter("reserved", |u| !["me", "none"].contains(&u.as_str())).prop_map(Assignee::User),
    ]
}

fn date_literal() -> impl Strategy<Value = (DateLiteral, String)> {
    let date =
        (1970i32..2100, 1u32..13, 1u32..29).prop_filter_map("date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
    let instant =
        (0i64..4_000_000_000, prop_oneof![Just(0u32), 0u32..1_000_000_000, (0u32..1000).prop_map(|ms| ms * 1_000_000)]);
    let datetime = (instant, -1439i32..1440, select(vec!["Z", "", "offset"])).prop_filter_map(
        "datetime",
        |((secs, nanos), offset_min, style)| {
            let t = DateTime::<Utc>::from_timestamp(secs, nanos)?;
            let text = match style {
                "offset" => {
                    let off = FixedOffset::east_opt(offset_min * 60)?;
                    t.with_timezone(&off).format("%Y-%m-%dT%H:%M:%S%.f%:z").to_string()
                }
                other => format!("{}{other}", t.format("%Y-%m-%dT%H:%M:%S%.f")),
            };
            Some((DateLiteral::DateTime(t), text))
        },
    );
    prop_oneof![date.prop_map(|d| (DateLiteral::Date(d), d.format("%Y-%m-%d").to_string())), datetime]
}

fn time_value() -> impl Strategy<Value = (TimeValue, String)> {
    let ops = select(vec![CmpOp::Eq, CmpOp::Gt, CmpOp::Ge, CmpOp::Lt, CmpOp::Le]);
    let relative = (any::<bool>(), any::<u32>(), select(RelUnit::ALL)).prop_map(|(within, amount, unit)| {
        let direction = if within { RelDirection::Within } else { RelDirection::OlderThan };
        (TimeValue::Relative { direction, amount, unit }, format!("{}{amount}{unit}", if within { '-' } else { '+' }))
    });
    let absolute = (ops, date_literal())
        .prop_map(|(op, (at, text))| (TimeValue::Absolute { op, at }, format!("{}{text}", op.prefix())));
    prop_oneof![relative, absolute]
}

fn filter_case() -> impl Strategy<Value = Case> {
    let f = |filter: Filter, text: String| (Term::Filter(filter), text);
    prop_oneof![
        (any::<bool>(), select(IsValue::ALL), any::<bool>()).prop_map(move |(n, v, up)| f(
            Filter::Is { negated: n, value: v },
            format!("{}is:{}", neg(n), random_case(v.as_str(), up))
        )),
        (any::<bool>(), keywords(Level::ALL))
            .prop_map(move |(n, (levels, t))| f(Filter::Level { negated: n, levels }, format!("{}level:{t}", neg(n)))),
        (any::<bool>(), keywords(Priority::ALL)).prop_map(move |(n, (priorities, t))| {
            f(Filter::Priority { negated: n, priorities }, format!("{}issue.priority:{t}", neg(n)))
        }),
        (any::<bool>(), any::<bool>(), prop::collection::vec(assignee(), 1..3)).prop_map(move |(n, s, to)| {
            let items: Vec<String> = to.iter().map(|a| quote(&a.to_string())).collect();
            let key = if s { "assigned_or_suggested" } else { "assigned" };
            f(
                Filter::Assigned { negated: n, include_suggested: s, to },
                format!("{}{key}:[{}]", neg(n), items.join(",")),
            )
        }),
        (
            any::<bool>(),
            prop_oneof![Just(UserRef::Me), "[a-z]{2,6}".prop_filter("me", |u| u != "me").prop_map(UserRef::User)]
        )
            .prop_map(move |(n, u)| f(
                Filter::Bookmarks { negated: n, by: vec![u.clone()] },
                format!("{}bookmarks:{u}", neg(n))
            )),
        (any::<bool>(), value().prop_filter("non-empty", |(v, _)| !v.is_empty()))
            .prop_map(move |(n, (key, t))| f(Filter::Has { negated: n, key }, format!("{}has:{t}", neg(n)))),
        (any::<bool>(), any::<bool>(), values()).prop_map(move |(n, first, (values, t))| {
            let key = if first { "firstRelease" } else { "release" };
            f(Filter::Release { negated: n, first, values }, format!("{}{key}:{t}", neg(n)))
        }),
        (any::<bool>(), values())
            .prop_map(move |(n, (ids, t))| f(Filter::Issue { negated: n, ids }, format!("{}issue:{t}", neg(n)))),
        (select(vec![CmpOp::Eq, CmpOp::Gt, CmpOp::Ge, CmpOp::Lt, CmpOp::Le]), 0u64..=i64::MAX as u64, any::<bool>())
            .prop_map(move |(op, count, snake)| {
                let key = if snake { "times_seen" } else { "timesSeen" };
                f(Filter::TimesSeen { op, count }, format!("{key}:{}{count}", op.prefix()))
            }),
        (select(SeenField::ALL), time_value())
            .prop_map(move |(field, (value, t))| f(Filter::Seen { field, value }, format!("{field}:{t}"))),
        (any::<bool>(), select(HandledField::ALL), any::<bool>(), select(vec!["true", "1", "TRUE", "True"])).prop_map(
            move |(n, field, value, spelling)| {
                let t = if value {
                    spelling.to_owned()
                } else {
                    spelling
                        .replace("true", "false")
                        .replace("TRUE", "FALSE")
                        .replace("1", "0")
                        .replace("True", "False")
                };
                f(Filter::Handled { negated: n, field, value }, format!("{}{field}:{t}", neg(n)))
            }
        ),
        (any::<bool>(), select(TextField::ALL), values()).prop_map(move |(n, field, (values, t))| f(
            Filter::Text { negated: n, field, values },
            format!("{}{field}:{t}", neg(n))
        )),
        (any::<bool>(), select(Field::ALL), values()).prop_map(move |(n, field, (values, t))| f(
            Filter::Field { negated: n, field, values },
            format!("{}{field}:{t}", neg(n))
        )),
        tag_case(),
    ]
}

fn term_case() -> impl Strategy<Value = Case> {
    let text = prop_oneof![
        word().prop_map(|w| (Term::Text(w.clone()), w)),
        any_text().prop_map(|t| (Term::Text(t.clone()), quote(&t))),
    ];
    prop_oneof![1 => text, 4 => filter_case()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic_and_round_trip(input in any::<String>()) {
        check_total(&input)?;
    }

    #[test]
    fn query_like_strings_never_panic_and_round_trip(input in fuzz_input()) {
        check_total(&input)?;
    }

    #[test]
    fn generated_queries_parse_and_round_trip(
        cases in prop::collection::vec(term_case(), 0..6),
        gaps in prop::collection::vec(select(vec![" ", "  ", "\t", " \n "]), 6),
    ) {
        let mut input = String::new();
        for (i, (_, text)) in cases.iter().enumerate() {
            input.push_str(gaps[i]);
            input.push_str(text);
        }
        let expected = Query { terms: cases.into_iter().map(|(term, _)| term).collect() };
        prop_assert_eq!(parse(&input), Ok(expected.clone()), "input: {}", input);
        let printed = expected.to_string();
        prop_assert_eq!(parse(&printed), Ok(expected.clone()), "printed: {}", printed);
        let _ = expected.predicates(now() + Duration::days(1));
    }
}
