//! The `--until` grammar of `sift issues archive` (alias `ignore`): when an archived issue comes
//! back. Every refusal ends by listing every form.
//!
//! | text | archived until |
//! |---|---|
//! | `30m`, `6h`, `7d`, `2w` | that much time has passed |
//! | `100x` | it occurs 100 more times |
//! | `100x/1h` | it occurs 100 times within an hour |
//! | `10u`, `10u/1d` | 10 more users hit it (within a day) |
//! | `escalating` | it escalates (Sentry's default for archiving) |
//! | `forever` | someone unarchives it |
//!
//! Windows are at most a week, as Sentry allows.

use std::str::FromStr;

use crate::api::{IssueUpdate, MAX_IGNORE_WINDOW_MINUTES};

/// A parsed `--until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    Minutes(u32),
    Count { count: u32, window_minutes: Option<u32> },
    Users { users: u32, window_minutes: Option<u32> },
    Escalating,
    Forever,
}

impl Until {
    /// The update that archives an issue this way.
    pub fn update(self) -> IssueUpdate {
        match self {
            Until::Minutes(minutes) => IssueUpdate::ignore_for(minutes),
            Until::Count { count, window_minutes } => IssueUpdate::ignore_until_count(count, window_minutes),
            Until::Users { users, window_minutes } => IssueUpdate::ignore_until_user_count(users, window_minutes),
            Until::Escalating => IssueUpdate::archive_until_escalating(),
            Until::Forever => IssueUpdate::archive_forever(),
        }
    }

    /// How the console and the command say it: "for 30 minutes", "until 100 events in 1h".
    pub fn describe(self) -> String {
        let window = |w: Option<u32>| w.map(|m| format!(" in {}", span(m))).unwrap_or_default();
        match self {
            Until::Minutes(m) => format!("for {}", span(m)),
            Until::Count { count, window_minutes } => {
                format!("until {}{}", crate::text::counted(u64::from(count), "more event"), window(window_minutes))
            }
            Until::Users { users, window_minutes } => {
                format!("until {}{}", crate::text::counted(u64::from(users), "more user"), window(window_minutes))
            }
            Until::Escalating => "until escalating".into(),
            Until::Forever => "forever".into(),
        }
    }
}

/// `minutes` in the largest unit that divides it: `90m`, `6h`, `7d`, `2w`.
fn span(minutes: u32) -> String {
    for (unit, size) in [("w", 10_080), ("d", 1_440), ("h", 60)] {
        if minutes.is_multiple_of(size) {
            return format!("{}{unit}", minutes / size);
        }
    }
    format!("{minutes}m")
}

/// Minutes in a duration like `30m`, `6h`, `7d` or `2w`.
fn duration(text: &str) -> Result<u32, String> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u32 = number.parse().map_err(|_| format!("{text:?} is not a duration such as 30m, 6h, 7d or 2w"))?;
    let size = match unit {
        "m" | "min" => 1,
        "h" => 60,
        "d" => 1_440,
        "w" => 10_080,
        _ => return Err(format!("{text:?}: the unit must be m, h, d or w")),
    };
    let minutes = n.checked_mul(size).filter(|m| *m > 0).ok_or_else(|| format!("{text:?} is not a useful duration"))?;
    Ok(minutes)
}

fn window(text: Option<&str>) -> Result<Option<u32>, String> {
    let Some(text) = text else { return Ok(None) };
    let minutes = duration(text)?;
    if minutes > MAX_IGNORE_WINDOW_MINUTES {
        return Err(format!("the window {text:?} is longer than a week, the most a tracker allows"));
    }
    Ok(Some(minutes))
}

/// Every form `--until` takes, said after each refusal.
pub const FORMS: &str = "--until takes a time (30m, 6h, 7d, 2w), N more events (100x), N events within a \
    window (100x/1h), N more users (10u), N users within a window (10u/1d), escalating, or forever";

impl FromStr for Until {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        parse(text).map_err(|why| format!("{why}; {FORMS}"))
    }
}

fn parse(text: &str) -> Result<Until, String> {
    let text = text.trim().to_ascii_lowercase();
    match text.as_str() {
        "escalating" => return Ok(Until::Escalating),
        "forever" => return Ok(Until::Forever),
        "" => return Err("empty".into()),
        _ => {}
    }
    let (amount, window_text) = match text.split_once('/') {
        Some((amount, window)) => (amount, Some(window)),
        None => (text.as_str(), None),
    };
    let count = |digits: &str| -> Result<u32, String> {
        digits
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{amount:?}: a count must be a positive number"))
    };
    if let Some(digits) = amount.strip_suffix('x') {
        return Ok(Until::Count { count: count(digits)?, window_minutes: window(window_text)? });
    }
    if let Some(digits) = amount.strip_suffix('u') {
        return Ok(Until::Users { users: count(digits)?, window_minutes: window(window_text)? });
    }
    if window_text.is_some() {
        return Err(format!("{text:?}: only counts (100x/1h) and users (10u/1d) take a window"));
    }
    Ok(Until::Minutes(duration(amount)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_parses() {
        let cases = [
            ("30m", Until::Minutes(30)),
            ("6h", Until::Minutes(360)),
            ("7d", Until::Minutes(10_080)),
            ("2w", Until::Minutes(20_160)),
            ("100x", Until::Count { count: 100, window_minutes: None }),
            ("100x/1h", Until::Count { count: 100, window_minutes: Some(60) }),
            ("10u", Until::Users { users: 10, window_minutes: None }),
            ("10u/1d", Until::Users { users: 10, window_minutes: Some(1_440) }),
            ("escalating", Until::Escalating),
            (" Forever ", Until::Forever),
        ];
        for (text, want) in cases {
            assert_eq!(text.parse::<Until>(), Ok(want), "{text}");
        }
    }

    #[test]
    fn mistakes_say_what_is_wrong() {
        for (text, says) in [
            ("", "empty"),
            ("30", "unit"),
            ("30y", "unit"),
            ("x", "positive"),
            ("0x", "positive"),
            ("100x/2w", "longer than a week"),
            ("30m/1h", "only counts"),
            ("10u/soon", "not a duration"),
            ("0m", "not a useful duration"),
            ("99999999w", "not a useful duration"),
        ] {
            let err = text.parse::<Until>().expect_err(text);
            assert!(err.contains(says), "{text}: {err}");
            for form in ["30m", "100x", "100x/1h", "10u", "10u/1d", "escalating", "forever"] {
                assert!(err.contains(form), "{text}: {err} does not list {form}");
            }
        }
    }

    #[test]
    fn updates_are_the_trackers_archive_conditions() {
        let json = |u: &str| u.parse::<Until>().unwrap().update().to_json();
        assert_eq!(json("30m")["statusDetails"]["ignoreDuration"], 30);
        assert_eq!(json("100x/1h")["statusDetails"]["ignoreCount"], 100);
        assert_eq!(json("100x/1h")["statusDetails"]["ignoreWindow"], 60);
        assert_eq!(json("10u/1d")["statusDetails"]["ignoreUserCount"], 10);
        assert_eq!(json("10u/1d")["statusDetails"]["ignoreUserWindow"], 1_440);
        assert_eq!(json("escalating")["substatus"], "archived_until_escalating");
        assert_eq!(json("forever")["substatus"], "archived_forever");
        assert_eq!("100x/1h".parse::<Until>().unwrap().describe(), "until 100 more events in 1h");
        assert_eq!("90m".parse::<Until>().unwrap().describe(), "for 90m");
    }
}
