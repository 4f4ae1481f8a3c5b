//! Screens drawn over the issue list in place of it (the standup digest, the releases), one at a
//! time. A screen opens issues through the list, so that every triage key works on them as it
//! does from the list: the list is pointed at a search (one issue, or the issues of a release)
//! and its own tab, search, filters and cursor are kept aside in the screen ("away") until the
//! way back puts them back.
//!
//! A new screen is a variant here, a [`Context`] for its keys (falling back to the list's), a
//! reducer module under `update` and a view under `view`.

use super::keymap::Context;
use super::releases::Releases;
use super::standup::Standup;
use super::state::Tab;

/// The list as it was before a screen pointed it elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct ListView {
    pub tab: Tab,
    pub query: String,
    pub environment: Option<String>,
    pub project: Option<(i64, String)>,
    pub cursor: usize,
}

/// The screen over the list.
#[derive(Debug, Clone)]
pub enum Screen {
    Standup(Standup),
    Releases(Releases),
}

impl Screen {
    /// The list as it was, while issues opened from the screen are shown.
    pub fn away(&self) -> Option<&ListView> {
        match self {
            Screen::Standup(s) => s.away.as_ref(),
            Screen::Releases(r) => r.away.as_ref(),
        }
    }

    pub fn away_mut(&mut self) -> &mut Option<ListView> {
        match self {
            Screen::Standup(s) => &mut s.away,
            Screen::Releases(r) => &mut r.away,
        }
    }

    /// Whether the screen is showing (not away at the issues it opened).
    pub fn showing(&self) -> bool {
        self.away().is_none()
    }

    /// Where its keys are looked up.
    pub fn context(&self) -> Context {
        match self {
            Screen::Standup(_) => Context::List,
            Screen::Releases(_) => Context::Releases,
        }
    }

    /// Whether Esc, away at what it opened, goes back to the screen: from the one issue the
    /// standup opened, or from the list of a release's issues (the opened issue first goes back
    /// to that list).
    pub fn returns_on_back(&self, detail_open: bool) -> bool {
        match self {
            Screen::Standup(s) => s.away.is_some() && detail_open,
            Screen::Releases(r) => r.away.is_some() && !detail_open,
        }
    }
}
