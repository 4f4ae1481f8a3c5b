//! The scheduler: a task that sweeps every monitor on the server's clock, so a job that never
//! ran turns "missed" on time, not when its next check-in happens to arrive. Each sweep reads
//! the monitors and open check-ins, finds what is due ([`super::sweep`]), builds the failure
//! events and hands everything to the writer as one job. The clock is injected ([`Clock`]), so
//! tests move time instead of sleeping; a failing sweep is logged and the next one runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use super::FailureReason;
use super::sweep::{self, Mark};
use crate::config::Limits;
use crate::ingest::check_in::monitor_failure;
use crate::store::{Committed, MonitorWrite, Store, StoreError, WriteJob, monitors};

/// How often the scheduler sweeps. A missed check-in is recorded at most this long after its
/// margin ran out, well within the minute Sentry allows.
pub const SWEEP_PERIOD: Duration = Duration::from_secs(20);

/// Where the scheduler reads the time (unix seconds).
pub trait Clock: Send + Sync {
    fn now(&self) -> f64;
}

/// The program's clock ([`crate::clock`]).
pub struct WallClock;

impl Clock for WallClock {
    fn now(&self) -> f64 {
        crate::clock::unix()
    }
}

/// A clock tests set and move (whole milliseconds).
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn at(seconds: f64) -> Self {
        Self(AtomicI64::new((seconds * 1000.0) as i64))
    }

    pub fn set(&self, seconds: f64) {
        self.0.store((seconds * 1000.0) as i64, Ordering::SeqCst);
    }

    pub fn advance(&self, seconds: f64) {
        self.0.fetch_add((seconds * 1000.0) as i64, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> f64 {
        self.0.load(Ordering::SeqCst) as f64 / 1000.0
    }
}

/// Sweeps a store's monitors.
#[derive(Clone)]
pub struct Scheduler {
    store: Store,
    limits: Limits,
    clock: Arc<dyn Clock>,
}

impl Scheduler {
    pub fn new(store: Store, limits: Limits, clock: Arc<dyn Clock>) -> Self {
        Self { store, limits, clock }
    }

    /// One sweep at the clock's now: what it recorded, including the failures it opened.
    pub async fn sweep(&self) -> Result<Committed, StoreError> {
        let now = self.clock.now();
        let (monitors, open) =
            self.store.read(|conn| Ok((monitors::list(conn, &[])?, monitors::in_progress(conn)?))).await?;
        let marks = sweep::due(&monitors, &open, now);
        if marks.is_empty() {
            return Ok(Committed::default());
        }
        let mut job = WriteJob::default();
        for mark in marks {
            match self.write_for(&monitors, &mark, now) {
                Ok(write) => job.monitors.push(write),
                Err(err) => tracing::warn!(%err, ?mark, "monitor failure event not built; mark skipped"),
            }
        }
        self.store.writer().write(job).await
    }

    fn write_for(
        &self,
        monitors: &[monitors::MonitorRecord],
        mark: &Mark,
        now: f64,
    ) -> Result<MonitorWrite, crate::ingest::IngestError> {
        let index = match mark {
            Mark::Missed { monitor, .. } | Mark::TimedOut { monitor, .. } => *monitor,
        };
        let monitor = monitors.get(index).ok_or_else(|| {
            crate::ingest::IngestError::bad(format!("sweep mark names monitor {index} of {}", monitors.len()))
        })?;
        let failure = |reason: FailureReason, expected: Option<f64>, what: &str| {
            monitor_failure(
                monitor.project_id,
                &monitor.slug,
                reason,
                monitor.environment.as_deref(),
                now,
                expected,
                what,
                &self.limits,
            )
            .map(Box::new)
        };
        Ok(match mark {
            Mark::Missed { expected, next, .. } => MonitorWrite::Missed {
                monitor_id: monitor.id,
                expected: *expected,
                next: *next,
                at: now,
                failure: failure(FailureReason::Missed, Some(*expected), &format!("missed-{}", *expected as i64))?,
            },
            Mark::TimedOut { checkin_id, .. } => MonitorWrite::TimedOut {
                checkin_id: *checkin_id,
                at: now,
                failure: failure(FailureReason::Timeout, None, &format!("timeout-{checkin_id}"))?,
            },
        })
    }

    /// Sweeps every `period` until the returned task is aborted. Sweeps never overlap; a failed
    /// one is logged and the next one runs.
    pub fn spawn(self, period: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(period);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                match self.sweep().await {
                    Ok(done) if !done.monitor_failures.is_empty() => {
                        tracing::info!(failures = done.monitor_failures.len(), "monitor sweep opened failures")
                    }
                    Ok(_) => {}
                    Err(StoreError::WriterGone) => break,
                    Err(err) => tracing::warn!(%err, "monitor sweep failed; the next one runs as usual"),
                }
            }
        })
    }
}
