//! The digest's time window and the arithmetic on it: which stats series to ask for, how many
//! of an issue's events fall inside, how a search query spells its start, and how long it is
//! in words.
//!
//! Contract: the window is `[now - since, now]`, both ends inclusive, and is never computed
//! from a clock read here. Events in the window are the points of the issue's series whose
//! bucket *starts* inside the window: with the hourly `24h` series (asked for when the window
//! is at most a day) that is exact to the hour; with the daily `14d` series (longer windows) it
//! is exact to the day, and a window longer than fourteen days only sees the last fourteen.
//! An issue without any series counts its lifetime events.

use chrono::{DateTime, TimeDelta, Utc};

use crate::api::{GroupStatsPeriod, Issue};

/// `[start, end]`, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// The window of length `since` ending at `now`; a negative length counts as zero.
    pub fn ending_at(now: DateTime<Utc>, since: TimeDelta) -> Self {
        let since = since.max(TimeDelta::zero());
        Self { start: now.checked_sub_signed(since).unwrap_or(DateTime::<Utc>::MIN_UTC), end: now }
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at <= self.end
    }

    /// Hourly buckets for windows up to a day, daily ones beyond.
    pub fn stats_period(&self) -> GroupStatsPeriod {
        if self.end - self.start <= TimeDelta::hours(24) { GroupStatsPeriod::Day } else { GroupStatsPeriod::TwoWeeks }
    }

    /// Events of `issue` in the window: its series points (the one asked for, else any other)
    /// that start inside, or its lifetime count when it has no series.
    pub fn events(&self, issue: &Issue) -> u64 {
        let series = issue.stats.series(self.stats_period().as_str()).or_else(|| issue.stats.primary().map(|p| p.1));
        let Some(points) = series else {
            return issue.lifetime_count();
        };
        let (start, end) = (self.start.timestamp(), self.end.timestamp());
        points.iter().filter(|p| start <= p.timestamp && p.timestamp <= end).map(|p| p.count).sum()
    }

    /// Whether `issue` was first seen in the window.
    pub fn is_new(&self, issue: &Issue) -> bool {
        issue.first_seen.is_some_and(|at| self.contains(at))
    }

    /// The start as a search value (`2024-05-01T09:00:00`): naive UTC, whole seconds rounded
    /// down, which Sentry and sift both read as UTC.
    pub fn search_start(&self) -> String {
        self.start.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

/// A window length in words: `45m`, `1h 30m`, `24h`, `30h`, `7d`, `2d 2h` (hours up to two
/// days, whole days beyond, minutes dropped past a day).
pub(crate) fn span_label(span: TimeDelta) -> String {
    let minutes = span.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    if minutes == 0 {
        format!("{}s", span.num_seconds().max(0))
    } else if minutes < 60 {
        format!("{mins}m")
    } else if days >= 2 && hours == 0 && mins == 0 {
        format!("{days}d")
    } else if minutes <= 48 * 60 && mins == 0 {
        format!("{}h", minutes / 60)
    } else if days == 0 {
        format!("{hours}h {mins}m")
    } else {
        format!("{days}d {hours}h")
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 2, h, m, 0).unwrap()
    }

    fn issue(stats: serde_json::Value, count: u64) -> Issue {
        serde_json::from_value(json!({"id": "1", "count": count.to_string(), "stats": stats})).unwrap()
    }

    #[test]
    fn window_bounds_are_inclusive_and_pick_the_series() {
        let w = Window::ending_at(at(9, 0), TimeDelta::hours(24));
        assert_eq!(w.start, Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap());
        assert!(w.contains(w.start) && w.contains(w.end));
        assert!(!w.contains(w.start - TimeDelta::seconds(1)));
        assert_eq!(w.stats_period(), GroupStatsPeriod::Day);
        assert_eq!(Window::ending_at(at(9, 0), TimeDelta::hours(25)).stats_period(), GroupStatsPeriod::TwoWeeks);
        let empty = Window::ending_at(at(9, 0), TimeDelta::hours(-3));
        assert_eq!(empty.start, empty.end);
        assert_eq!(Window::ending_at(at(9, 30), TimeDelta::minutes(90)).search_start(), "2024-05-02T08:00:00");
    }

    #[test]
    fn events_sum_the_buckets_that_start_inside() {
        let w = Window::ending_at(at(12, 30), TimeDelta::hours(2));
        let ts = |h, m| at(h, m).timestamp();
        // 10:00 starts before 10:30 and is left out; 12:00 holds `now` and counts.
        let stats = json!({"24h": [[ts(10, 0), 5], [ts(11, 0), 7], [ts(12, 0), 3]]});
        assert_eq!(w.events(&issue(stats, 999)), 10);
        // A series other than the one asked for still counts by its timestamps.
        let other = json!({"14d": [[ts(0, 0), 40], [ts(12, 0), 2]]});
        assert_eq!(w.events(&issue(other, 999)), 2);
        // No series at all: the lifetime count.
        assert_eq!(w.events(&issue(json!({}), 42)), 42);
        // A series with no point inside: none in the window.
        assert_eq!(w.events(&issue(json!({"24h": [[ts(1, 0), 9]]}), 42)), 0);
    }

    #[test]
    fn daily_buckets_for_a_week() {
        let now = at(12, 30);
        let w = Window::ending_at(now, TimeDelta::days(7));
        let day = |d: i64| (Utc.with_ymd_and_hms(2024, 5, 2, 0, 0, 0).unwrap() - TimeDelta::days(d)).timestamp();
        let points: Vec<_> = (0..14).map(|d| json!([day(d), 1])).collect();
        // Today's bucket and the six before it start after 2024-04-25 12:30.
        assert_eq!(w.events(&issue(json!({"14d": points}), 0)), 7);
    }

    #[test]
    fn span_labels() {
        let cases = [
            (TimeDelta::hours(24), "24h"),
            (TimeDelta::hours(30), "30h"),
            (TimeDelta::days(7), "7d"),
            (TimeDelta::minutes(90), "1h 30m"),
            (TimeDelta::minutes(45), "45m"),
            (TimeDelta::hours(50), "2d 2h"),
            (TimeDelta::seconds(20), "20s"),
            (TimeDelta::hours(48), "2d"),
            (TimeDelta::minutes(36 * 60 + 30), "1d 12h"),
        ];
        for (span, label) in cases {
            assert_eq!(span_label(span), label, "{span:?}");
        }
    }
}
