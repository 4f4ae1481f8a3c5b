//! Cron monitors: what a monitor's `monitor_config` means (a crontab or interval schedule in a
//! time zone, a check-in margin, a maximum runtime, failure and recovery thresholds), when its
//! next check-in is expected, which check-ins a sweep finds missed or timed out at a given
//! instant, and the scheduler task that sweeps on the server's clock. The schedule maths and the
//! sweep are pure (time is passed in); the store applies what they decide inside the writer's
//! transaction, where every condition is checked again.
//!
//! A failed (`error`), missed or timed-out check-in opens, or regresses, one issue per monitor
//! through the ordinary event path (a synthetic event grouped by the monitor's slug), and the
//! writer reports it as a [`crate::store::MonitorFailure`] in its answer: the hook alert rules
//! name for "a monitor missed or failed".

pub mod config;
pub mod failure;
pub mod schedule;
pub mod scheduler;
pub mod sweep;

pub use config::{CheckInStatus, ConfigError, IntervalUnit, MonitorConfig, Schedule};
pub use failure::FailureReason;
