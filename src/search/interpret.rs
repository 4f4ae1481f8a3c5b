//! Validation: turns a [`RawFilter`] into a typed [`Filter`], rejecting bad values with the
//! position of the offending token.
//!
//! Contract: this is the only place that knows which keys exist and what they accept. Keys are
//! case-sensitive; keyword values (`is:`, `level:`, `issue.priority:`, booleans) are not. Unknown
//! keys and every `tags[key]` become [`Filter::Tag`]. Comparison operators are accepted only by
//! `timesSeen` and the timestamp keys (which in turn reject lists and negation); `is:`, `has:`
//! and the boolean keys reject lists. Everything a later stage needs is checked here, so lowering
//! to predicates is infallible.

use super::ast::{Assignee, Filter, UserRef};
use super::error::ParseError;
use super::lexer::{Item, RawFilter, RawValue};
use super::time::parse_time_value;
use super::values::{CmpOp, Field, HandledField, IsValue, Level, Priority, SeenField, TextField};

/// Known key families.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Is,
    Level,
    Priority,
    Assigned { suggested: bool },
    Bookmarks,
    Has,
    Release { first: bool },
    Issue,
    TimesSeen,
    Seen(SeenField),
    Handled(HandledField),
    Text(TextField),
    Field(Field),
}

fn classify(key: &str) -> Option<Kind> {
    let kind = match key {
        "is" => Kind::Is,
        "level" => Kind::Level,
        "issue.priority" => Kind::Priority,
        "assigned" => Kind::Assigned { suggested: false },
        "assigned_or_suggested" => Kind::Assigned { suggested: true },
        "bookmarks" => Kind::Bookmarks,
        "has" => Kind::Has,
        "release" => Kind::Release { first: false },
        "firstRelease" => Kind::Release { first: true },
        "issue" => Kind::Issue,
        "timesSeen" | "times_seen" => Kind::TimesSeen,
        _ => {
            return SeenField::from_exact(key)
                .map(Kind::Seen)
                .or_else(|| HandledField::from_exact(key).map(Kind::Handled))
                .or_else(|| TextField::from_exact(key).map(Kind::Text))
                .or_else(|| Field::from_exact(key).map(Kind::Field));
        }
    };
    Some(kind)
}

/// The keys written as such in [`classify`] (aliases left out).
const NAMED_KEYS: [&str; 10] = [
    "is",
    "level",
    "issue.priority",
    "assigned",
    "assigned_or_suggested",
    "bookmarks",
    "has",
    "release",
    "firstRelease",
    "issue",
];

/// Every key with typed semantics, in their canonical spellings (for completion).
pub fn known_keys() -> Vec<&'static str> {
    let mut keys = NAMED_KEYS.to_vec();
    keys.push("timesSeen");
    keys.extend(SeenField::ALL.iter().map(|k| k.as_str()));
    keys.extend(HandledField::ALL.iter().map(|k| k.as_str()));
    keys.extend(TextField::ALL.iter().map(|k| k.as_str()));
    keys.extend(Field::ALL.iter().map(|k| k.as_str()));
    keys
}

/// Whether `key` (written without `tags[...]`) has typed semantics rather than being a tag.
pub(crate) fn is_known_key(key: &str) -> bool {
    classify(key).is_some()
}

/// Validates and types one filter.
pub(crate) fn interpret(raw: RawFilter) -> Result<Filter, ParseError> {
    let RawFilter { negated, start, key, explicit_tag, value } = raw;
    let kind = if explicit_tag { None } else { classify(&key) };
    let Some(kind) = kind else {
        let values = texts(items(&key, value)?);
        return Ok(Filter::Tag { negated, key, values });
    };
    let k = key.as_str();
    let not_negatable = || Err(ParseError::new(start, format!("`{k}` cannot be negated")));
    let filter = match kind {
        Kind::Is => {
            Filter::Is { negated, value: keyword(k, &single(k, value)?, IsValue::from_ci, IsValue::expected_list)? }
        }
        Kind::Level => {
            let levels: Result<_, _> =
                items(k, value)?.iter().map(|i| keyword(k, i, Level::from_ci, Level::expected_list)).collect();
            Filter::Level { negated, levels: levels? }
        }
        Kind::Priority => {
            let prios: Result<_, _> =
                items(k, value)?.iter().map(|i| keyword(k, i, Priority::from_ci, Priority::expected_list)).collect();
            Filter::Priority { negated, priorities: prios? }
        }
        Kind::Assigned { suggested } => {
            let to = items(k, value)?.into_iter().map(assignee).collect::<Result<_, _>>()?;
            Filter::Assigned { negated, include_suggested: suggested, to }
        }
        Kind::Bookmarks => {
            let by =
                items(k, value)?.into_iter().map(|i| if i.text == "me" { UserRef::Me } else { UserRef::User(i.text) });
            Filter::Bookmarks { negated, by: by.collect() }
        }
        Kind::Has => {
            let item = single(k, value)?;
            if item.text.is_empty() {
                return Err(ParseError::new(item.pos, "missing tag name for `has`"));
            }
            Filter::Has { negated, key: item.text }
        }
        Kind::Release { first } => Filter::Release { negated, first, values: texts(items(k, value)?) },
        Kind::Issue => Filter::Issue { negated, ids: texts(items(k, value)?) },
        Kind::Text(field) => Filter::Text { negated, field, values: texts(items(k, value)?) },
        Kind::Field(field) => Filter::Field { negated, field, values: texts(items(k, value)?) },
        Kind::Handled(field) => Filter::Handled { negated, field, value: boolean(k, &single(k, value)?)? },
        Kind::TimesSeen if negated => return not_negatable(),
        Kind::Seen(_) if negated => return not_negatable(),
        Kind::TimesSeen => {
            let (op, item) = single_with_op(k, value)?;
            Filter::TimesSeen { op: op.map_or(CmpOp::Eq, |(op, _)| op), count: count(k, &item)? }
        }
        Kind::Seen(field) => {
            let (op, item) = single_with_op(k, value)?;
            Filter::Seen { field, value: parse_time_value(k, op, &item)? }
        }
    };
    Ok(filter)
}

fn texts(items: Vec<Item>) -> Vec<String> {
    items.into_iter().map(|i| i.text).collect()
}

fn reject_op(key: &str, op: Option<(CmpOp, usize)>) -> Result<(), ParseError> {
    match op {
        None => Ok(()),
        Some((op, pos)) => Err(ParseError::new(
            pos,
            format!(
                "comparison operator `{}` is not supported for `{key}` (only for timesSeen, lastSeen, firstSeen \
                 and age); quote the value to match it literally",
                op.prefix()
            ),
        )),
    }
}

/// The value or the list items, rejecting operators.
fn items(key: &str, value: RawValue) -> Result<Vec<Item>, ParseError> {
    match value {
        RawValue::Single { op, item } => reject_op(key, op).map(|()| vec![item]),
        RawValue::List { items, .. } => Ok(items),
    }
}

/// A single value with its optional operator, rejecting lists.
fn single_with_op(key: &str, value: RawValue) -> Result<(Option<(CmpOp, usize)>, Item), ParseError> {
    match value {
        RawValue::Single { op, item } => Ok((op, item)),
        RawValue::List { pos, .. } => Err(ParseError::new(pos, format!("`{key}` does not accept a list of values"))),
    }
}

/// A single value, rejecting lists and operators.
fn single(key: &str, value: RawValue) -> Result<Item, ParseError> {
    let (op, item) = single_with_op(key, value)?;
    reject_op(key, op).map(|()| item)
}

fn keyword<T>(
    key: &str,
    item: &Item,
    lookup: impl Fn(&str) -> Option<T>,
    expected: impl Fn() -> String,
) -> Result<T, ParseError> {
    lookup(&item.text).ok_or_else(|| {
        let msg = format!("invalid value `{}` for `{key}`; expected one of: {}", item.text, expected());
        ParseError::new(item.pos, msg)
    })
}

fn boolean(key: &str, item: &Item) -> Result<bool, ParseError> {
    match item.text.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => {
            let msg = format!("invalid boolean `{}` for `{key}`; expected true, false, 1 or 0", item.text);
            Err(ParseError::new(item.pos, msg))
        }
    }
}

fn assignee(item: Item) -> Result<Assignee, ParseError> {
    Ok(match item.text.as_str() {
        "me" => Assignee::Me,
        "none" => Assignee::None,
        "my_teams" => Assignee::MyTeams,
        "#" => return Err(ParseError::new(item.pos, "missing team name after `#`")),
        text => match text.strip_prefix('#') {
            Some(team) => Assignee::Team(team.to_owned()),
            None => Assignee::User(item.text),
        },
    })
}

/// Non-negative integer with an optional `k`/`m`/`b` multiplier, at most `i64::MAX`.
fn count(key: &str, item: &Item) -> Result<u64, ParseError> {
    let text = item.text.as_str();
    let (digits, multiplier) = match text.as_bytes().last() {
        Some(b'k' | b'K') => (&text[..text.len() - 1], 1_000),
        Some(b'm' | b'M') => (&text[..text.len() - 1], 1_000_000),
        Some(b'b' | b'B') => (&text[..text.len() - 1], 1_000_000_000),
        _ => (text, 1),
    };
    let invalid = || {
        let msg = format!("invalid number `{text}` for `{key}`; expected a non-negative integer such as 10 or 5k");
        ParseError::new(item.pos, msg)
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let too_large = || ParseError::new(item.pos, format!("number `{text}` for `{key}` is too large"));
    let n = digits.parse::<u64>().map_err(|_| too_large())?.checked_mul(multiplier).ok_or_else(too_large)?;
    if i64::try_from(n).is_err() {
        return Err(too_large());
    }
    Ok(n)
}
