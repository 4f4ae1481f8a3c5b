//! Screens over the issue list, kept as a stack: a key (or `:name`) pushes one, Enter pushes
//! the next one down (Performance → a transaction's samples → a trace's waterfall), Esc pops.
//! A new screen is a variant of [`Screen`] with its state, a reducer arm in `update::screens`
//! and a view in `view::screens`.
//!
//! An issue opened from a screen (a waterfall's error) goes through the list, as the standup
//! screen's do, so everything the opened issue does works as from the list: the list is kept
//! aside ([`Away`]), pointed at `issue:SHORT-ID`, and the issue opens when it arrives; Esc puts
//! the list (and any issue that was open under the screens) back and shows the screen again.

use std::collections::BTreeMap;

use super::detail::Detail;
use super::screen::ListView;
use super::state::{Load, ReqId, StatsPeriod};
use super::waterfall::Waterfall;
use crate::api::models::performance::{TransactionSample, TransactionSummary};

/// One screen of the stack.
#[derive(Debug, Clone)]
pub enum Screen {
    Performance(Performance),
    Samples(Samples),
    Waterfall(Waterfall),
}

/// The stack, and what was put aside while an issue opened from it shows.
#[derive(Debug, Clone, Default)]
pub struct Screens {
    pub stack: Vec<Screen>,
    pub away: Option<Away>,
}

/// The list (and opened issue) as they were before an issue was opened from a screen.
#[derive(Debug, Clone)]
pub struct Away {
    pub list: ListView,
    pub detail: Option<Box<Detail>>,
    /// The issue waited for in the list, to open when it arrives.
    pub opening: Option<String>,
}

impl Screens {
    /// The screen on top, unless an issue opened from it is showing.
    pub fn showing(&self) -> Option<&Screen> {
        if self.away.is_some() { None } else { self.stack.last() }
    }

    pub fn showing_mut(&mut self) -> Option<&mut Screen> {
        if self.away.is_some() { None } else { self.stack.last_mut() }
    }

    pub fn performance_mut(&mut self) -> Option<&mut Performance> {
        self.stack.iter_mut().find_map(|s| match s {
            Screen::Performance(p) => Some(p),
            _ => None,
        })
    }
}

/// What the transactions table is ordered by (descending, as the slowest or busiest matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PerfSort {
    #[default]
    Throughput,
    P95,
    P50,
    FailureRate,
    Users,
}

impl PerfSort {
    pub const ALL: [PerfSort; 5] =
        [PerfSort::Throughput, PerfSort::P95, PerfSort::P50, PerfSort::FailureRate, PerfSort::Users];

    pub fn label(self) -> &'static str {
        match self {
            PerfSort::Throughput => "throughput",
            PerfSort::P95 => "p95",
            PerfSort::P50 => "p50",
            PerfSort::FailureRate => "failure rate",
            PerfSort::Users => "users",
        }
    }

    /// The `sort=` the server is asked for.
    pub fn api(self) -> &'static str {
        match self {
            PerfSort::Throughput => "-count()",
            PerfSort::P95 => "-p95(span.duration)",
            PerfSort::P50 => "-p50(span.duration)",
            PerfSort::FailureRate => "-failure_rate()",
            PerfSort::Users => "-count_unique(user)",
        }
    }

    pub fn next(self) -> PerfSort {
        let i = PerfSort::ALL.iter().position(|s| *s == self).unwrap_or(0);
        PerfSort::ALL[(i + 1) % PerfSort::ALL.len()]
    }
}

/// The Performance screen: one row per transaction name.
#[derive(Debug, Clone, Default)]
pub struct Performance {
    /// Sentry search syntax (transaction fields).
    pub query: String,
    pub sort: PerfSort,
    pub period: StatsPeriod,
    pub rows: Load<Vec<TransactionSummary>>,
    pub req: Option<ReqId>,
    /// Transactions per bucket, by name, for the sparklines.
    pub series: BTreeMap<String, Vec<f64>>,
    /// The sparkline requests of the rows shown.
    pub series_reqs: Vec<ReqId>,
    pub cursor: usize,
}

impl Performance {
    pub fn current(&self) -> Option<&TransactionSummary> {
        self.rows.ready().and_then(|rows| rows.get(self.cursor))
    }
}

/// The slowest samples of one transaction name.
#[derive(Debug, Clone)]
pub struct Samples {
    pub transaction: String,
    pub rows: Load<Vec<TransactionSample>>,
    pub req: Option<ReqId>,
    pub cursor: usize,
}

impl Samples {
    pub fn new(transaction: String) -> Self {
        Self { transaction, rows: Load::Idle, req: None, cursor: 0 }
    }

    pub fn current(&self) -> Option<&TransactionSample> {
        self.rows.ready().and_then(|rows| rows.get(self.cursor))
    }
}
