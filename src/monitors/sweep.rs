//! What a sweep at instant `now` finds: for each monitor, every expected slot whose margin ran
//! out with no check-in (a missed check-in, then the slot after it), and every `in_progress`
//! check-in older than its monitor's maximum runtime (a timeout). Pure: the monitors, their
//! open check-ins and the time are passed in; the writer re-checks each mark against what is
//! committed when it applies it.

use crate::store::monitors::{CheckInRecord, MonitorRecord};

/// Missed slots recorded per monitor per sweep: a server stopped for a month catches up over
/// a few sweeps instead of writing thousands of rows in one transaction.
pub const MAX_MISSED_PER_SWEEP: usize = 16;

/// One thing the sweep found.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    Missed { monitor: usize, expected: f64, next: Option<f64> },
    TimedOut { monitor: usize, checkin_id: i64, started: f64 },
}

/// The marks due at `now`; `monitor` indexes into `monitors`.
pub fn due(monitors: &[MonitorRecord], open: &[CheckInRecord], now: f64) -> Vec<Mark> {
    let mut marks = Vec::new();
    for (index, monitor) in monitors.iter().enumerate() {
        let margin = f64::from(monitor.config.checkin_margin) * 60.0;
        let mut expected = monitor.next_expected;
        let mut found = 0;
        while let Some(at) = expected {
            if at + margin > now || found == MAX_MISSED_PER_SWEEP {
                break;
            }
            let next = super::schedule::next_after_unix(&monitor.config, at);
            marks.push(Mark::Missed { monitor: index, expected: at, next });
            expected = next;
            found += 1;
        }
        let runtime = f64::from(monitor.config.max_runtime) * 60.0;
        for check_in in open.iter().filter(|c| c.monitor_id == monitor.id) {
            if check_in.date_created + runtime <= now {
                marks.push(Mark::TimedOut { monitor: index, checkin_id: check_in.id, started: check_in.date_created });
            }
        }
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitors::{CheckInStatus, MonitorConfig, Schedule};

    fn monitor(next: Option<f64>) -> MonitorRecord {
        MonitorRecord {
            id: 7,
            project_id: 1,
            slug: "job".into(),
            config: MonitorConfig {
                schedule: Schedule::Crontab { value: "0 * * * *".into() },
                checkin_margin: 5,
                max_runtime: 30,
                timezone: "UTC".into(),
                failure_issue_threshold: 1,
                recovery_threshold: 1,
            },
            environment: None,
            health: "ok".into(),
            date_created: 0.0,
            last_checkin: None,
            next_expected: next,
            group_id: None,
        }
    }

    fn open(id: i64, started: f64) -> CheckInRecord {
        CheckInRecord {
            id,
            monitor_id: 7,
            guid: "g".into(),
            status: CheckInStatus::InProgress,
            environment: None,
            duration: None,
            date_created: started,
            date_updated: started,
            expected_time: None,
            trace_id: None,
            group_id: None,
        }
    }

    const HOUR: f64 = 3600.0;

    #[test]
    fn a_slot_is_missed_only_once_its_margin_ran_out() {
        let monitors = [monitor(Some(10.0 * HOUR))];
        assert!(due(&monitors, &[], 10.0 * HOUR + 299.0).is_empty(), "within the five-minute margin");
        assert_eq!(
            due(&monitors, &[], 10.0 * HOUR + 300.0),
            [Mark::Missed { monitor: 0, expected: 10.0 * HOUR, next: Some(11.0 * HOUR) }]
        );
    }

    #[test]
    fn every_missed_slot_is_found_up_to_a_cap() {
        let monitors = [monitor(Some(10.0 * HOUR))];
        assert_eq!(due(&monitors, &[], 12.0 * HOUR + 600.0).len(), 3);
        assert_eq!(due(&monitors, &[], 1000.0 * HOUR).len(), MAX_MISSED_PER_SWEEP);
        assert!(due(&[monitor(None)], &[], 1000.0 * HOUR).is_empty(), "a schedule with no next time");
    }

    #[test]
    fn a_run_past_its_maximum_times_out() {
        let monitors = [monitor(None)];
        let runs = [open(1, 0.0), open(2, 1000.0)];
        assert_eq!(due(&monitors, &runs, 1800.0), [Mark::TimedOut { monitor: 0, checkin_id: 1, started: 0.0 }]);
    }
}
