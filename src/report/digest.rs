//! The digest as data: seven sections of issue entries (and an eighth, the issues new in the
//! newest release, when the tracker has releases) and two tables of counts, plus the window and
//! scope they describe.
//!
//! Contract: a [`Digest`] is plain data in display order (sections in [`SectionKind::ALL`]
//! order, entries in each section's own order, tallies by name), so every renderer is a pure
//! function of it. Its serde form is the JSON output, whose shape is documented on [`Digest`]
//! and versioned by [`SCHEMA_VERSION`]: renaming a field or changing its meaning needs a new
//! version; adding a field does not.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

/// Version of the JSON shape documented on [`Digest`].
pub const SCHEMA_VERSION: u32 = 1;

/// What happened to one organization's issues between `since` and `until`.
///
/// # JSON output, version 1
///
/// Keys are always present and always in this order; `null` only where marked. Times are RFC
/// 3339 in UTC (`2024-05-02T09:00:00Z`). Strings from the tracker are verbatim.
///
/// ```text
/// {
///   "version":      integer   always 1
///   "org":          string    organization slug
///   "since":        string    window start (inclusive)
///   "until":        string    window end (inclusive): the `now` the digest was gathered at
///   "stats_period": string    "24h" (hourly buckets, windows up to a day) or "14d" (daily)
///   "scope": {
///     "environments": [string]   environments asked for; empty = all
///     "projects":     [integer]  project ids asked for; empty = all
///   }
///   "sections": [              always seven, in this order:
///                              new, regressed, escalating, top_by_events, top_by_users,
///                              resolved, unassigned_high_priority
///     {
///       "kind":    string
///       "total":   integer|null  how many issues matched (X-Hits); null when unknown
///       "entries": [             at most the requested limit
///         {
///           "issue_id":   string
///           "short_id":   string         e.g. "SHOP-1A"
///           "title":      string
///           "culprit":    string|null
///           "project":    string         project slug
///           "level":      string|null    error, warning, fatal, ...
///           "status":     string         unresolved, resolved, ignored, ... ("" if unknown)
///           "priority":   string|null    high, medium, low; null without priority support
///           "assignee":   string|null    user name, or "#team"
///           "events":     integer        events in the window (see below)
///           "users":      integer        users affected, as the server counts them
///           "first_seen": string|null
///           "last_seen":  string|null
///           "permalink":  string
///         }
///       ]
///     }
///   ]
///   "new_in_release": null, or a section as above (kind "new_in_release") with
///                     "release": string   the newest release in scope, and its issues
///                                         first seen in it (any status, not only in the window)
///   "environments": [ { "name": string, "issues": integer, "new": integer,
///                       "events": integer } ]   sorted by name
///   "projects":     [ same shape ]                sorted by name
///   "notes":        [string]   where the digest is approximate (capped scans, fallbacks)
/// }
/// ```
///
/// `events` is the sum of the issue's `stats_period` series buckets that start inside the
/// window; when the server sent no series it is the issue's lifetime count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    pub version: u32,
    pub org: String,
    #[serde(serialize_with = "rfc3339")]
    pub since: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339")]
    pub until: DateTime<Utc>,
    /// The series events were counted from: `24h` or `14d`.
    pub stats_period: String,
    pub scope: Scope,
    pub sections: Vec<Section>,
    /// The issues first seen in the newest release in scope, when the tracker has releases.
    pub new_in_release: Option<Section>,
    /// Counts per environment, by name.
    pub environments: Vec<Tally>,
    /// Counts per project (slug), by name.
    pub projects: Vec<Tally>,
    /// Where the digest is approximate, in words.
    pub notes: Vec<String>,
}

impl Digest {
    /// The section of `kind`, if the digest has it.
    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.all_sections().find(|s| s.kind == kind)
    }

    /// Every section in display order: the seven, then the newest release's.
    pub fn all_sections(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().chain(self.new_in_release.iter())
    }
}

/// The filters a digest was gathered with; empty lists mean "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Scope {
    pub environments: Vec<String>,
    pub projects: Vec<i64>,
}

/// The kinds of section, in the order a digest shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Unresolved issues first seen in the window.
    New,
    /// Issues that came back after being resolved and were seen in the window.
    Regressed,
    /// Issues whose event rate is escalating.
    Escalating,
    /// Unresolved issues seen in the window, most events in the window first.
    TopByEvents,
    /// Unresolved issues seen in the window, most users affected first.
    TopByUsers,
    /// Issues resolved during the window (confirmed by their activity log).
    Resolved,
    /// Unresolved high-priority issues nobody is assigned to.
    UnassignedHighPriority,
    /// Issues first seen in the newest release (`Digest::new_in_release`, not one of [`Self::ALL`]).
    NewInRelease,
}

impl SectionKind {
    /// Every kind, in display order.
    pub const ALL: [SectionKind; 7] = [
        Self::New,
        Self::Regressed,
        Self::Escalating,
        Self::TopByEvents,
        Self::TopByUsers,
        Self::Resolved,
        Self::UnassignedHighPriority,
    ];

    /// The heading people read.
    pub fn heading(self) -> &'static str {
        match self {
            Self::New => "New issues",
            Self::Regressed => "Regressed",
            Self::Escalating => "Escalating",
            Self::TopByEvents => "Most events",
            Self::TopByUsers => "Most users affected",
            Self::Resolved => "Resolved",
            Self::UnassignedHighPriority => "Unassigned, high priority",
            Self::NewInRelease => "New in release",
        }
    }

    /// The JSON spelling (`top_by_events`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Regressed => "regressed",
            Self::Escalating => "escalating",
            Self::TopByEvents => "top_by_events",
            Self::TopByUsers => "top_by_users",
            Self::Resolved => "resolved",
            Self::UnassignedHighPriority => "unassigned_high_priority",
            Self::NewInRelease => "new_in_release",
        }
    }
}

/// One section: the first entries and how many matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub kind: SectionKind,
    /// The release a `new_in_release` section is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// How many issues matched, when the server said (`X-Hits`) or the scan was complete.
    pub total: Option<u64>,
    pub entries: Vec<Entry>,
}

impl Section {
    /// The heading people read: the kind's, with the release (made safe by `escape`, since the
    /// tracker wrote it) when there is one.
    pub fn heading(&self, escape: impl Fn(&str) -> String) -> String {
        match &self.release {
            Some(version) => format!("{} {}", self.kind.heading(), escape(version)),
            None => self.kind.heading().to_owned(),
        }
    }

    /// The number to quote for the section: `total` when known, else the entries shown.
    pub fn count(&self) -> u64 {
        self.total.unwrap_or(self.entries.len() as u64).max(self.entries.len() as u64)
    }
}

/// One issue as a digest lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub issue_id: String,
    pub short_id: String,
    pub title: String,
    pub culprit: Option<String>,
    /// Project slug.
    pub project: String,
    pub level: Option<String>,
    /// Status wire value (`unresolved`, `resolved`, `ignored`...); empty when not sent.
    pub status: String,
    pub priority: Option<String>,
    /// User name, or `#team`.
    pub assignee: Option<String>,
    /// Events in the window when the server sent a stats series, else the lifetime count.
    pub events: u64,
    pub users: u64,
    #[serde(serialize_with = "opt_rfc3339")]
    pub first_seen: Option<DateTime<Utc>>,
    #[serde(serialize_with = "opt_rfc3339")]
    pub last_seen: Option<DateTime<Utc>>,
    pub permalink: String,
}

/// Counts for one environment or project over the window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub name: String,
    /// Issues seen in the window.
    pub issues: u64,
    /// Of those, first seen in the window.
    pub new: u64,
    /// Events in the window.
    pub events: u64,
}

fn rfc3339<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

fn opt_rfc3339<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => rfc3339(at, s),
        None => s.serialize_none(),
    }
}
