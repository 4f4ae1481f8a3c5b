//! The standup screen (`S`, or `:standup`): the daily digest of [`crate::report`], navigable.
//! Each entry opens its issue; Esc from that issue comes back here, with the list as it was.
//!
//! Opening goes through the list, so that everything the opened issue does (triage keys,
//! events, sections) works as it does from the list: the list is switched to the "All" tab with
//! the search `issue:SHORT-ID`, and when that one issue has loaded it is opened. The list's own
//! tab, search, filters and cursor are kept aside and put back on the way out.

use chrono::TimeDelta;

use super::screen::ListView;
use super::state::{Load, ReqId};
use crate::report::{Digest, Entry, SectionKind};

/// How far back the screen looks, in the order `t` steps through them.
pub const WINDOWS: [(i64, &str); 3] = [(24, "24h"), (72, "3d"), (168, "7d")];

#[derive(Debug, Clone, Default)]
pub struct Standup {
    /// Index into [`WINDOWS`].
    pub window: usize,
    pub digest: Load<Digest>,
    /// The digest request awaited.
    pub req: Option<ReqId>,
    /// Index into [`entries`].
    pub cursor: usize,
    /// Set while an issue opened from here is shown: the list to put back.
    pub away: Option<ListView>,
    /// The issue waited for in the list, to open when it arrives.
    pub opening: Option<String>,
}

impl Standup {
    pub fn since(&self) -> TimeDelta {
        TimeDelta::hours(WINDOWS[self.window % WINDOWS.len()].0)
    }

    pub fn window_label(&self) -> &'static str {
        WINDOWS[self.window % WINDOWS.len()].1
    }

    /// Whether the screen is showing (not away at an opened issue).
    pub fn showing(&self) -> bool {
        self.away.is_none()
    }

    /// The entry under the cursor.
    pub fn current(&self) -> Option<(SectionKind, &Entry)> {
        self.digest.ready().and_then(|d| entries(d).into_iter().nth(self.cursor))
    }
}

/// Every entry of the digest in screen order, with its section. An issue in several sections
/// is listed in each (it is news in each).
pub fn entries(digest: &Digest) -> Vec<(SectionKind, &Entry)> {
    digest.all_sections().flat_map(|s| s.entries.iter().map(move |e| (s.kind, e))).collect()
}
