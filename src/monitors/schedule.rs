//! When a monitor expects its next check-in. A crontab is POSIX/Vixie cron in five fields
//! (minute, hour, day of month, month, day of week with 0 or 7 for Sunday, or an `@daily`-style
//! nickname), evaluated by `croner` in the monitor's time zone, so `0 9 * * 1` is 09:00 on
//! Mondays in Vienna across daylight-saving changes. An interval counts from the check-in.

use chrono::{DateTime, Months, TimeDelta, TimeZone, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

use super::config::{ConfigError, IntervalUnit, MonitorConfig, Schedule};

/// Parses a five-field crontab, or says why it is not one.
pub fn crontab(text: &str) -> Result<Cron, ConfigError> {
    let refuse = |why: String| {
        ConfigError(format!(
            "monitor_config.schedule.value: {text:?} is not a crontab ({why}); write five fields: \
             minute hour day-of-month month day-of-week, such as \"0 * * * *\""
        ))
    };
    if !text.starts_with('@') && text.split_whitespace().count() != 5 {
        return Err(refuse(format!("{} fields", text.split_whitespace().count())));
    }
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
        .parse(text)
        .map_err(|err| refuse(err.to_string()))
}

/// The first expected check-in strictly after `after`, or `None` when the schedule has no
/// further time (a crontab naming 30 February).
pub fn next_after(config: &MonitorConfig, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match &config.schedule {
        Schedule::Crontab { value } => {
            let cron = crontab(value).ok()?;
            let local = config.tz().from_utc_datetime(&after.naive_utc());
            cron.find_next_occurrence(&local, false).ok().map(|t| t.with_timezone(&Utc))
        }
        Schedule::Interval { value, unit } => {
            let n = i64::from(*value);
            match unit {
                IntervalUnit::Minute => after.checked_add_signed(TimeDelta::minutes(n)),
                IntervalUnit::Hour => after.checked_add_signed(TimeDelta::hours(n)),
                IntervalUnit::Day => after.checked_add_signed(TimeDelta::days(n)),
                IntervalUnit::Week => after.checked_add_signed(TimeDelta::weeks(n)),
                IntervalUnit::Month => after.checked_add_months(Months::new(*value)),
                IntervalUnit::Year => after.checked_add_months(Months::new(value.saturating_mul(12))),
            }
        }
    }
}

/// [`next_after`] on the store's clock (unix seconds).
pub fn next_after_unix(config: &MonitorConfig, after: f64) -> Option<f64> {
    let at = DateTime::<Utc>::from_timestamp_micros((after * 1e6) as i64)?;
    next_after(config, at).map(|t| t.timestamp_micros() as f64 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(schedule: Schedule, timezone: &str) -> MonitorConfig {
        MonitorConfig {
            schedule,
            checkin_margin: 1,
            max_runtime: 30,
            timezone: timezone.into(),
            failure_issue_threshold: 1,
            recovery_threshold: 1,
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_crontab_runs_in_its_time_zone() {
        let daily = config(Schedule::Crontab { value: "12 0 * * *".into() }, "UTC");
        assert_eq!(next_after(&daily, at("2026-06-29T10:00:00Z")), Some(at("2026-06-30T00:12:00Z")));
        let vienna = config(Schedule::Crontab { value: "0 9 * * *".into() }, "Europe/Vienna");
        assert_eq!(next_after(&vienna, at("2026-06-29T10:00:00Z")), Some(at("2026-06-30T07:00:00Z")), "summer time");
        assert_eq!(next_after(&vienna, at("2026-12-01T10:00:00Z")), Some(at("2026-12-02T08:00:00Z")), "winter time");
    }

    #[test]
    fn weekdays_are_posix_sunday_is_zero() {
        let mondays = config(Schedule::Crontab { value: "0 0 * * 1".into() }, "UTC");
        // 2026-06-28 is a Sunday.
        assert_eq!(next_after(&mondays, at("2026-06-28T12:00:00Z")), Some(at("2026-06-29T00:00:00Z")));
        let sundays = config(Schedule::Crontab { value: "0 0 * * 0".into() }, "UTC");
        assert_eq!(next_after(&sundays, at("2026-06-29T12:00:00Z")), Some(at("2026-07-05T00:00:00Z")));
    }

    #[test]
    fn the_next_time_is_strictly_after() {
        let hourly = config(Schedule::Crontab { value: "0 * * * *".into() }, "UTC");
        assert_eq!(next_after(&hourly, at("2026-06-29T10:00:00Z")), Some(at("2026-06-29T11:00:00Z")));
        let nickname = config(Schedule::Crontab { value: "@daily".into() }, "UTC");
        assert_eq!(next_after(&nickname, at("2026-06-29T10:00:00Z")), Some(at("2026-06-30T00:00:00Z")));
    }

    #[test]
    fn intervals_count_from_the_check_in() {
        let five = config(Schedule::Interval { value: 5, unit: IntervalUnit::Minute }, "UTC");
        assert_eq!(next_after(&five, at("2026-06-29T10:03:00Z")), Some(at("2026-06-29T10:08:00Z")));
        let monthly = config(Schedule::Interval { value: 1, unit: IntervalUnit::Month }, "UTC");
        assert_eq!(next_after(&monthly, at("2026-01-31T00:00:00Z")), Some(at("2026-02-28T00:00:00Z")));
    }

    #[test]
    fn six_fields_and_nonsense_are_refused() {
        assert!(crontab("0 0 12 * * *").unwrap_err().to_string().contains("6 fields"));
        assert!(crontab("every day").is_err());
        assert!(crontab("0 25 * * *").is_err());
    }
}
