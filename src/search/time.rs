//! Timestamp values: parsing relative (`-24h`) and absolute (`2024-01-01[T10:00:00[.f][Z|±HH:MM]]`)
//! times, printing them canonically, and resolving them against an injected `now`.
//!
//! Contract: no clock is ever read. Naive datetimes are UTC; offsets are converted to UTC and the
//! result must stay within years 0000..=9999 so that it prints back as it parses. Resolution never
//! fails: arithmetic that leaves chrono's range saturates at `DateTime::<Utc>::MIN_UTC`/`MAX_UTC`.
//! Semantics follow Sentry: `-X` → `>= now - X`, `+X` → `<= now - X`, an operator with a date
//! compares against midnight UTC of that date, and no operator selects `[day, day + 1d)` for a
//! date and `[t - 5min, t + 5min)` for a datetime.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};

use super::ast::{DateLiteral, RelDirection, TimeValue};
use super::error::ParseError;
use super::lexer::Item;
use super::values::{CmpOp, RelUnit};

/// Parses the value of a `lastSeen`/`firstSeen`/`age` filter.
pub(crate) fn parse_time_value(key: &str, op: Option<(CmpOp, usize)>, item: &Item) -> Result<TimeValue, ParseError> {
    let text = item.text.as_str();
    if text.starts_with(['-', '+']) {
        if let Some((op, op_pos)) = op {
            let msg = format!("a relative time cannot follow the operator `{}`", op.prefix());
            return Err(ParseError::new(op_pos, msg));
        }
        return parse_relative(text, item.pos);
    }
    if let Some(at) = parse_date_literal(text) {
        return Ok(TimeValue::Absolute { op: op.map_or(CmpOp::Eq, |(op, _)| op), at });
    }
    let unsigned_relative = text.len() > 1
        && text.ends_with(|c: char| RelUnit::from_exact(&c.to_string()).is_some())
        && text.chars().rev().skip(1).all(|c| c.is_ascii_digit());
    let msg = if unsigned_relative {
        format!("relative time `{text}` needs a sign: `-{text}` (within) or `+{text}` (older than)")
    } else {
        format!(
            "invalid date `{text}` for `{key}`; expected a relative time such as -24h \
             or a date such as 2024-01-01 or 2024-01-01T10:00:00"
        )
    };
    Err(ParseError::new(item.pos, msg))
}

/// Parses `[+-]<digits><unit>`; `pos` is the offset of the sign.
fn parse_relative(text: &str, pos: usize) -> Result<TimeValue, ParseError> {
    let direction = if text.starts_with('-') { RelDirection::Within } else { RelDirection::OlderThan };
    let body = text.get(1..).unwrap_or("");
    let digits: String = body.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(ParseError::new(pos, format!("missing amount in relative time `{text}`; expected e.g. -24h")));
    }
    let amount: u32 = digits
        .parse()
        .map_err(|_| ParseError::new(pos + 1, format!("relative time amount `{digits}` is too large")))?;
    let unit_text = body.get(digits.len()..).unwrap_or("");
    let expected = RelUnit::expected_list();
    if unit_text.is_empty() {
        return Err(ParseError::new(
            pos,
            format!("missing unit in relative time `{text}`; expected one of: {expected}"),
        ));
    }
    let unit = RelUnit::from_exact(unit_text).ok_or_else(|| {
        let msg = format!("invalid relative time unit `{unit_text}`; expected one of: {expected}");
        ParseError::new(pos + 1 + digits.len(), msg)
    })?;
    Ok(TimeValue::Relative { direction, amount, unit })
}

/// Unsigned decimal number made of exactly the ASCII digits of `s[range]`.
fn digits(s: &str, range: std::ops::Range<usize>) -> Option<u32> {
    let part = s.get(range)?;
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

fn byte_is(s: &str, at: usize, expected: u8) -> bool {
    s.as_bytes().get(at) == Some(&expected)
}

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.fffffffff][Z|+HH:MM|-HH:MM]`.
pub(crate) fn parse_date_literal(text: &str) -> Option<DateLiteral> {
    if !text.is_ascii() || text.len() < 10 || !byte_is(text, 4, b'-') || !byte_is(text, 7, b'-') {
        return None;
    }
    let year = i32::try_from(digits(text, 0..4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, digits(text, 5..7)?, digits(text, 8..10)?)?;
    if text.len() == 10 {
        return Some(DateLiteral::Date(date));
    }
    if !byte_is(text, 10, b'T') || !byte_is(text, 13, b':') || !byte_is(text, 16, b':') {
        return None;
    }
    let (hour, minute, second) = (digits(text, 11..13)?, digits(text, 14..16)?, digits(text, 17..19)?);
    let mut rest = text.get(19..)?;
    let mut nanos = 0;
    if let Some(frac_and_more) = rest.strip_prefix('.') {
        let frac_len = frac_and_more.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&frac_len) {
            return None;
        }
        let scale = 10u32.pow(u32::try_from(9 - frac_len).ok()?);
        nanos = digits(frac_and_more, 0..frac_len)? * scale;
        rest = frac_and_more.get(frac_len..)?;
    }
    let offset_secs: i64 = match rest {
        "" | "Z" => 0,
        _ if rest.len() == 6 && byte_is(rest, 3, b':') => {
            let (h, m) = (digits(rest, 1..3)?, digits(rest, 4..6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let secs = i64::from(h * 3600 + m * 60);
            match rest.as_bytes().first() {
                Some(b'+') => secs,
                Some(b'-') => -secs,
                _ => return None,
            }
        }
        _ => return None,
    };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let local = date.and_time(time).and_utc();
    let utc = local.checked_sub_signed(TimeDelta::try_seconds(offset_secs)?)?;
    let year = chrono::Datelike::year(&utc);
    (0..=9999).contains(&year).then_some(DateLiteral::DateTime(utc))
}

impl fmt::Display for DateLiteral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateLiteral::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            DateLiteral::DateTime(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%S%.fZ")),
        }
    }
}

impl fmt::Display for TimeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeValue::Relative { direction, amount, unit } => {
                let sign = match direction {
                    RelDirection::Within => '-',
                    RelDirection::OlderThan => '+',
                };
                write!(f, "{sign}{amount}{unit}")
            }
            TimeValue::Absolute { op, at } => write!(f, "{}{at}", op.prefix()),
        }
    }
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

fn shift(t: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
    let saturated = if secs < 0 { DateTime::<Utc>::MIN_UTC } else { DateTime::<Utc>::MAX_UTC };
    TimeDelta::try_seconds(secs).and_then(|d| t.checked_add_signed(d)).unwrap_or(saturated)
}

/// Bounds selected by `value`, ANDed: one bound, or two for an operator-less absolute value.
pub(crate) fn resolve(value: &TimeValue, now: DateTime<Utc>) -> Vec<(CmpOp, DateTime<Utc>)> {
    match *value {
        TimeValue::Relative { direction, amount, unit } => {
            let at = shift(now, -(i64::from(amount) * unit.seconds()));
            let op = match direction {
                RelDirection::Within => CmpOp::Ge,
                RelDirection::OlderThan => CmpOp::Le,
            };
            vec![(op, at)]
        }
        TimeValue::Absolute { op: CmpOp::Eq, at: DateLiteral::Date(d) } => {
            let start = midnight(d);
            vec![(CmpOp::Ge, start), (CmpOp::Lt, shift(start, 86_400))]
        }
        TimeValue::Absolute { op: CmpOp::Eq, at: DateLiteral::DateTime(t) } => {
            vec![(CmpOp::Ge, shift(t, -300)), (CmpOp::Lt, shift(t, 300))]
        }
        TimeValue::Absolute { op, at: DateLiteral::Date(d) } => vec![(op, midnight(d))],
        TimeValue::Absolute { op, at: DateLiteral::DateTime(t) } => vec![(op, t)],
    }
}
