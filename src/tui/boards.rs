//! The Feedback screen (every user feedback, newest first) and the Monitors screen (each cron
//! monitor's schedule, last and next check-in, a strip of recent results and the issue its
//! failures opened). Each shows over the list, like the standup screen, and opens an issue the
//! same way: the list is pointed at that one issue (`issue:SHORT-ID` on the All tab), it opens
//! when it arrives, and Esc from it comes back here with the list as it was.

use chrono::{DateTime, Utc};

use super::screen::ListView;
use super::state::{Load, ReqId};
use crate::api::models::{CheckIn, FeedbackIssue, Monitor};

/// Check-ins shown in a monitor's strip.
pub const STRIP: usize = 20;

/// Which screen, with its data.
#[derive(Debug, Clone)]
pub enum Board {
    Feedback(Listing<FeedbackIssue>),
    Monitors(Listing<MonitorRow>),
}

/// A monitor with its latest check-ins, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonitorRow {
    pub monitor: Monitor,
    pub check_ins: Vec<CheckIn>,
}

impl MonitorRow {
    /// The issue its latest failure opened: (id, short id).
    pub fn issue(&self) -> Option<(&str, &str)> {
        self.check_ins.iter().flat_map(|c| c.groups.first()).next().map(|g| (g.id.as_str(), g.short_id.as_str()))
    }

    /// The last check-in that finished or failed (an `in_progress` one is still running).
    pub fn last(&self) -> Option<&CheckIn> {
        self.check_ins.first()
    }

    pub fn next_expected(&self) -> Option<DateTime<Utc>> {
        self.monitor.environment().and_then(|e| e.next_check_in)
    }
}

/// A screen's rows and where it stands.
#[derive(Debug, Clone)]
pub struct Listing<T> {
    pub rows: Load<Vec<T>>,
    /// The load awaited.
    pub req: Option<ReqId>,
    pub cursor: usize,
    /// Set while an issue opened from here is shown: the list to put back.
    pub away: Option<ListView>,
    /// The issue waited for in the list, to open when it arrives.
    pub opening: Option<String>,
    /// The look-up of the issue to open (a feedback's event), awaited.
    pub locating: Option<ReqId>,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Self { rows: Load::Idle, req: None, cursor: 0, away: None, opening: None, locating: None }
    }
}

impl<T> Listing<T> {
    pub fn current(&self) -> Option<&T> {
        self.rows.ready().and_then(|rows| rows.get(self.cursor))
    }

    pub fn len(&self) -> usize {
        self.rows.ready().map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Board {
    /// Whether the screen is showing (not away at an opened issue).
    pub fn showing(&self) -> bool {
        match self {
            Board::Feedback(l) => l.away.is_none(),
            Board::Monitors(l) => l.away.is_none(),
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            Board::Feedback(_) => "Feedback",
            Board::Monitors(_) => "Monitors",
        }
    }
}
