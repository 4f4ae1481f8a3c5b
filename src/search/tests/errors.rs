//! Error table: input → (message, char position).

use super::*;

const IS_VALUES: &str = "unresolved, resolved, ignored, archived, new, ongoing, regressed, escalating, for_review, \
                         assigned, unassigned, bookmarked, linked, unlinked";

#[test]
fn error_table() {
    let op_msg = |op: &str, key: &str| {
        format!(
            "comparison operator `{op}` is not supported for `{key}` (only for timesSeen, lastSeen, firstSeen and age); \
             quote the value to match it literally"
        )
    };
    let bad_date = |v: &str, key: &str| {
        format!(
            "invalid date `{v}` for `{key}`; expected a relative time such as -24h or a date such as 2024-01-01 \
             or 2024-01-01T10:00:00"
        )
    };
    let units = "expected one of: m, h, d, w";
    let cases: Vec<(&str, String, usize)> = vec![
        ("\"foo", "unterminated quoted string".into(), 0),
        ("a title:\"foo bar", "unterminated quoted string".into(), 8),
        ("x:\"a\\\"", "unterminated quoted string".into(), 2),
        ("\"foo\"bar", "unexpected character `b` after closing quote".into(), 5),
        ("k:\"a\"b", "unexpected character `b` after closing quote".into(), 5),
        ("level:", "missing value for `level`".into(), 6),
        ("level: error", "missing value for `level`".into(), 6),
        ("tags[x]:", "missing value for `x`".into(), 8),
        ("héllo level:", "missing value for `level`".into(), 12),
        ("times_seen:>", "missing value after `>`".into(), 12),
        ("lastSeen:<= x", "missing value after `<=`".into(), 11),
        ("is:[resolved, unresolved]", "`is` does not accept a list of values".into(), 3),
        ("has:[a]", "`has` does not accept a list of values".into(), 4),
        ("error.handled:[true]", "`error.handled` does not accept a list of values".into(), 14),
        ("times_seen:[1, 2]", "`times_seen` does not accept a list of values".into(), 11),
        ("lastSeen:[-1h]", "`lastSeen` does not accept a list of values".into(), 9),
        ("level:[]", "empty list".into(), 6),
        ("level:[ ]", "empty list".into(), 6),
        ("level:[a,,b]", "empty value in list".into(), 9),
        ("level:[a,]", "empty value in list".into(), 9),
        ("level:[error", "unterminated list (missing `]`)".into(), 6),
        ("k:[a, \"b", "unterminated quoted string".into(), 6),
        ("level:[error]x", "unexpected character `x` after list".into(), 13),
        ("level:[error warning]", "expected `,` or `]` in list, found `w`".into(), 13),
        ("k:[\"a\"b]", "expected `,` or `]` in list, found `b`".into(), 6),
        (
            "times_seen:>abc",
            "invalid number `abc` for `times_seen`; expected a non-negative integer such as 10 or 5k".into(),
            12,
        ),
        (
            "timesSeen:-1",
            "invalid number `-1` for `timesSeen`; expected a non-negative integer such as 10 or 5k".into(),
            10,
        ),
        (
            "timesSeen:k",
            "invalid number `k` for `timesSeen`; expected a non-negative integer such as 10 or 5k".into(),
            10,
        ),
        ("timesSeen:99999999999999999999", "number `99999999999999999999` for `timesSeen` is too large".into(), 10),
        ("timesSeen:9223372036854775808", "number `9223372036854775808` for `timesSeen` is too large".into(), 10),
        ("timesSeen:99999999999b", "number `99999999999b` for `timesSeen` is too large".into(), 10),
        ("!times_seen:>5", "`times_seen` cannot be negated".into(), 0),
        ("a !lastSeen:-24h", "`lastSeen` cannot be negated".into(), 2),
        ("lastSeen:-24x", format!("invalid relative time unit `x`; {units}"), 12),
        ("age:+3days", format!("invalid relative time unit `days`; {units}"), 6),
        ("lastSeen:-24H", format!("invalid relative time unit `H`; {units}"), 12),
        ("lastSeen:-h", "missing amount in relative time `-h`; expected e.g. -24h".into(), 9),
        ("lastSeen:-24", format!("missing unit in relative time `-24`; {units}"), 9),
        ("lastSeen:-99999999999h", "relative time amount `99999999999` is too large".into(), 10),
        ("lastSeen:24h", "relative time `24h` needs a sign: `-24h` (within) or `+24h` (older than)".into(), 9),
        ("lastSeen:>-24h", "a relative time cannot follow the operator `>`".into(), 9),
        ("lastSeen:>2024-13-01", bad_date("2024-13-01", "lastSeen"), 10),
        ("firstSeen:2024-02-30", bad_date("2024-02-30", "firstSeen"), 10),
        ("age:2024-01-01T25:00:00", bad_date("2024-01-01T25:00:00", "age"), 4),
        ("age:2024-01-01T10:00", bad_date("2024-01-01T10:00", "age"), 4),
        ("age:2024-01-01T10:00:00.", bad_date("2024-01-01T10:00:00.", "age"), 4),
        ("age:2024-01-01T10:00:00+24:00", bad_date("2024-01-01T10:00:00+24:00", "age"), 4),
        ("age:0000-01-01T00:00:00+01:00", bad_date("0000-01-01T00:00:00+01:00", "age"), 4),
        ("lastSeen:yesterday", bad_date("yesterday", "lastSeen"), 9),
        ("is:foo", format!("invalid value `foo` for `is`; expected one of: {IS_VALUES}"), 3),
        ("is:", "missing value for `is`".into(), 3),
        (
            "level:[error, bogus]",
            "invalid value `bogus` for `level`; expected one of: fatal, error, warning, info, debug".into(),
            14,
        ),
        (
            "issue.priority:urgent",
            "invalid value `urgent` for `issue.priority`; expected one of: high, medium, low".into(),
            15,
        ),
        ("error.handled:maybe", "invalid boolean `maybe` for `error.handled`; expected true, false, 1 or 0".into(), 14),
        ("level:>error", op_msg(">", "level"), 6),
        ("is:<=x", op_msg("<=", "is"), 3),
        ("server:>web", op_msg(">", "server"), 7),
        ("has:\"\"", "missing tag name for `has`".into(), 4),
        ("assigned:[me, #]", "missing team name after `#`".into(), 14),
        (
            "ok is:resolved level:bad \"unterminated",
            "invalid value `bad` for `level`; expected one of: fatal, error, warning, info, debug".into(),
            21,
        ),
    ];
    for (input, message, position) in cases {
        let expected = ParseError { position, message };
        assert_eq!(parse(input), Err(expected), "input: {input}");
    }
}

#[test]
fn display_is_exact() {
    let err = ParseError { position: 6, message: "missing value for `level`".into() };
    assert_eq!(err.to_string(), "Error parsing search query: missing value for `level` (at position 6)");
    assert_eq!(parse("level:").map_err(|e| e.to_string()), Err(err.to_string()));
}
