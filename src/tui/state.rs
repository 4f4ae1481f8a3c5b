//! Everything the console shows, as plain data: the issue list and its filters, selection,
//! overlays, toasts, polling and in-flight work. Only the reducer changes it; views borrow it.
//! No I/O handles live here, so tests build a `State` from fixtures and assert on it.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::overlay::Overlay;
use crate::api::{Capabilities, Error as ApiError, Issue, IssueSort, Priority};

/// Identifies one request; the latest request for a slot wins.
pub type ReqId = u64;

/// A value that is being fetched.
#[derive(Debug, Clone, Default)]
pub enum Load<T> {
    #[default]
    Idle,
    Loading {
        since: DateTime<Utc>,
    },
    Ready(T),
    Failed(Failure),
}

impl<T> Load<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(value) => Some(value),
            _ => None,
        }
    }

    pub fn ready_mut(&mut self) -> Option<&mut T> {
        match self {
            Load::Ready(value) => Some(value),
            _ => None,
        }
    }
}

/// Why something failed, for people.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub message: String,
    pub at: DateTime<Utc>,
}

pub use crate::session::Source;

/// The status tabs of the list, each a Sentry query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Unresolved,
    ForReview,
    Regressed,
    Escalating,
    Archived,
    Resolved,
    All,
}

impl Tab {
    pub const ALL: [Tab; 7] =
        [Tab::Unresolved, Tab::ForReview, Tab::Regressed, Tab::Escalating, Tab::Archived, Tab::Resolved, Tab::All];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Unresolved => "Unresolved",
            Tab::ForReview => "For review",
            Tab::Regressed => "Regressed",
            Tab::Escalating => "Escalating",
            Tab::Archived => "Archived",
            Tab::Resolved => "Resolved",
            Tab::All => "All",
        }
    }

    /// The query part this tab adds.
    pub fn query(self) -> &'static str {
        match self {
            Tab::Unresolved => "is:unresolved",
            Tab::ForReview => "is:for_review",
            Tab::Regressed => "is:regressed",
            Tab::Escalating => "is:escalating",
            Tab::Archived => "is:archived",
            Tab::Resolved => "is:resolved",
            Tab::All => "",
        }
    }

    pub fn step(self, forward: bool) -> Tab {
        let i = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0);
        let n = Tab::ALL.len();
        Tab::ALL[if forward { (i + 1) % n } else { (i + n - 1) % n }]
    }
}

/// Sort orders the list cycles through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    LastSeen,
    FirstSeen,
    Events,
    Users,
    Priority,
}

impl SortKey {
    pub fn label(self) -> &'static str {
        match self {
            SortKey::LastSeen => "last seen",
            SortKey::FirstSeen => "first seen",
            SortKey::Events => "events",
            SortKey::Users => "users",
            SortKey::Priority => "priority",
        }
    }

    pub fn api(self) -> IssueSort {
        match self {
            SortKey::LastSeen => IssueSort::Date,
            SortKey::FirstSeen => IssueSort::New,
            SortKey::Events => IssueSort::Freq,
            SortKey::Users => IssueSort::User,
            SortKey::Priority => IssueSort::Priority,
        }
    }

    /// The next order; priority only where the server supports it.
    pub fn next(self, with_priority: bool) -> SortKey {
        match self {
            SortKey::LastSeen => SortKey::FirstSeen,
            SortKey::FirstSeen => SortKey::Events,
            SortKey::Events => SortKey::Users,
            SortKey::Users if with_priority => SortKey::Priority,
            SortKey::Users | SortKey::Priority => SortKey::LastSeen,
        }
    }
}

/// The sparkline's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatsPeriod {
    #[default]
    Day,
    TwoWeeks,
}

impl StatsPeriod {
    pub fn key(self) -> &'static str {
        match self {
            StatsPeriod::Day => "24h",
            StatsPeriod::TwoWeeks => "14d",
        }
    }
}

/// One issue in the list.
#[derive(Debug, Clone)]
pub struct Row {
    pub issue: Issue,
    /// An optimistic change is in flight for it.
    pub pending: Option<ReqId>,
    /// It is new or changed since the poll before the last one.
    pub changed: bool,
}

/// The loaded part of the list.
#[derive(Debug, Clone, Default)]
pub struct ListData {
    pub rows: Vec<Row>,
    /// Issues matching in all, when the server says.
    pub hits: Option<u64>,
    pub next_cursor: Option<String>,
}

/// The issue list screen.
#[derive(Debug, Clone, Default)]
pub struct ListState {
    pub tab: Tab,
    pub sort: SortKey,
    /// The user's search, without the tab's part.
    pub query: String,
    pub environment: Option<String>,
    /// (id, slug) of the project filter.
    pub project: Option<(i64, String)>,
    pub stats_period: StatsPeriod,
    pub data: Load<ListData>,
    /// The request the list waits for (first page or refresh).
    pub fetch: Option<ReqId>,
    /// Whether `fetch` is a background refresh (keeps rows, marks changes).
    pub refreshing: bool,
    /// The next-page request in flight.
    pub more: Option<ReqId>,
    pub cursor: usize,
    /// First row shown (kept by the reducer so the cursor stays visible).
    pub offset: usize,
    /// Ids of selected issues.
    pub marked: BTreeSet<String>,
    /// Where the last selection toggle happened, for range selection.
    pub anchor: Option<usize>,
}

impl ListState {
    pub fn rows(&self) -> &[Row] {
        self.data.ready().map_or(&[], |d| d.rows.as_slice())
    }

    /// Whether the search names a status of its own, so the tab's does not apply.
    pub fn tab_overridden(&self) -> bool {
        super::query::names_a_status(&self.query)
    }

    pub fn current(&self) -> Option<&Row> {
        self.rows().get(self.cursor)
    }

    /// The full query sent: the tab's part and the user's; a search with its own `is:` status
    /// overrides the tab, as Sentry's does.
    pub fn full_query(&self) -> String {
        let tab = if self.tab_overridden() { "" } else { self.tab.query() };
        [tab, self.query.trim()].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" ")
    }
}

/// Polling and its health.
#[derive(Debug, Clone)]
pub struct PollState {
    pub interval: Duration,
    pub paused: bool,
    /// Consecutive failures (for backoff).
    pub failures: u32,
    pub next_due: DateTime<Utc>,
    pub last_ok: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

impl Default for PollState {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(15),
            paused: false,
            failures: 0,
            next_due: DateTime::<Utc>::MIN_UTC,
            last_ok: None,
            last_error: None,
        }
    }
}

/// How loud a toast is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastLevel {
    Info,
    Error,
}

/// A short message at the bottom right.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub level: ToastLevel,
    pub until: DateTime<Utc>,
}

/// What an optimistic change touched, to roll it back or undo it.
#[derive(Debug, Clone)]
pub struct Change {
    /// What it is, for confirmations and failures (`resolve`, `priority high`, ...).
    pub label: String,
    /// What it did, said on the status line once the server agrees (`resolved SHOP-API-5`).
    pub done: String,
    /// The update sent: the fields an undo writes back.
    pub update: crate::api::IssueUpdate,
    /// The issues as they were before (every triage field of every issue touched).
    pub before: Vec<Issue>,
    /// Whether undo may reverse it (an undo itself is not undone by the next undo).
    pub undoable: bool,
    /// The changes started together (an undo sends one request per distinct update): the
    /// first one's request.
    pub batch: ReqId,
    /// For an undo: the snapshots it puts back, checked against the server once it agrees.
    pub restores: Vec<Issue>,
}

/// Opt-in signals when polling finds new or regressed issues.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Alerts {
    pub bell: bool,
    pub notify: bool,
}

/// The whole console state.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub source: Source,
    /// `--readonly`: actions that change issues are neither offered nor run.
    pub readonly: bool,
    pub list: ListState,
    pub overlay: Option<Overlay>,
    /// The opened issue (Enter). The list cursor stays on it, so triage keys act on it.
    pub detail: Option<super::detail::Detail>,
    /// The screen over the list (standup, releases), if one is open.
    pub screen: Option<super::screen::Screen>,
    /// The Feedback or Monitors screen, over the list while it shows (never with `screen`).
    pub board: Option<super::boards::Board>,
    /// Screens over the list (Performance and what opens from it), top last; never with
    /// `screen` or `board`.
    pub screens: super::stack::Screens,
    /// The Alerts screen (`N`), over the list while it shows.
    pub alert_screen: Option<super::alerts::AlertsScreen>,
    /// Which rule firings the console has seen (it rings for new ones).
    pub alert_watch: super::alerts::Watch,
    pub toasts: Vec<Toast>,
    pub poll: PollState,
    pub caps: Capabilities,
    pub next_req: ReqId,
    /// Changes in flight, by request.
    pub inflight: HashMap<ReqId, Change>,
    /// The last change that succeeded, for undo.
    pub undo: Option<Change>,
    pub search_history: Vec<String>,
    /// Known environments and (id, slug) projects, for the pickers.
    pub environments: Vec<String>,
    pub projects: Vec<(i64, String)>,
    /// People seen as assignees, for the assign picker: (id, name).
    pub people: Vec<(String, String)>,
    /// The organization's members (from the members endpoint), for the assign picker.
    pub members: Vec<crate::api::Member>,
    /// The token's user: (id, name).
    pub me: Option<(String, String)>,
    /// The organization's tags, for completing searches.
    pub tags: super::complete::Tags,
    pub alerts: Alerts,
    /// Rows the list can show (from the terminal size), for paging keys.
    pub page_rows: usize,
    /// The terminal's width, for overlays that lay text out (help).
    pub columns: u16,
    pub quit: bool,
}

impl State {
    pub fn new(source: Source, poll_interval: Duration, alerts: Alerts) -> Self {
        Self {
            source,
            readonly: false,
            poll: PollState { interval: poll_interval, ..PollState::default() },
            alerts,
            page_rows: 20,
            ..State::default()
        }
    }

    /// The standup screen, when it is the one open.
    pub fn standup(&self) -> Option<&super::standup::Standup> {
        match &self.screen {
            Some(super::screen::Screen::Standup(s)) => Some(s),
            _ => None,
        }
    }

    pub fn standup_mut(&mut self) -> Option<&mut super::standup::Standup> {
        match &mut self.screen {
            Some(super::screen::Screen::Standup(s)) => Some(s),
            _ => None,
        }
    }

    /// The releases screen, when it is the one open.
    pub fn releases(&self) -> Option<&super::releases::Releases> {
        match &self.screen {
            Some(super::screen::Screen::Releases(r)) => Some(r),
            _ => None,
        }
    }

    pub fn releases_mut(&mut self) -> Option<&mut super::releases::Releases> {
        match &mut self.screen {
            Some(super::screen::Screen::Releases(r)) => Some(r),
            _ => None,
        }
    }

    /// Whether a screen is showing over the list.
    pub fn screen_showing(&self) -> bool {
        self.screen.as_ref().is_some_and(super::screen::Screen::showing)
    }

    /// A fresh request id.
    pub fn request(&mut self) -> ReqId {
        self.next_req += 1;
        self.next_req
    }

    /// Whether priority actions make sense against this server.
    pub fn has_priority(&self) -> bool {
        !matches!(self.caps.priority, crate::api::Support::Unsupported)
    }

    /// Whether `action` is offered here: in hints, help and the palette, and when pressed.
    pub fn offers(&self, action: crate::tui::action::Action) -> bool {
        use crate::tui::action::Action;
        let remote_rules = self.alert_screen.as_ref().is_some_and(|s| s.remote)
            && matches!(action, Action::NewRule | Action::ToggleRule | Action::TestRule);
        !(self.readonly && action.changes_issues())
            && (action != Action::PriorityMenu || self.has_priority())
            && !remote_rules
            && (action != Action::ReleaseAllIssues || self.releases().is_some_and(|r| r.away.is_none()))
    }

    /// Where keys are looked up now: the showing screen's context, the opened issue's, or the list's.
    pub fn key_context(&self) -> super::keymap::Context {
        use super::keymap::Context;
        match &self.screen {
            Some(screen) if screen.showing() => screen.context(),
            _ if self.alert_screen.as_ref().is_some_and(|s| s.showing()) => Context::Alerts,
            _ if self.detail.is_some() => Context::Detail,
            _ => Context::List,
        }
    }

    pub fn toast(&mut self, level: ToastLevel, text: impl Into<String>, now: DateTime<Utc>) {
        let seconds = if level == ToastLevel::Error { 8 } else { 4 };
        self.toasts.push(Toast { text: text.into(), level, until: now + chrono::Duration::seconds(seconds) });
        if self.toasts.len() > 3 {
            self.toasts.remove(0);
        }
    }
}

/// A person-readable line for an API failure (status line and toasts).
pub fn describe(error: &ApiError) -> String {
    match error {
        ApiError::Unauthorized { .. } => "token rejected (401): check the profile's token or SENTRY_AUTH_TOKEN".into(),
        ApiError::Forbidden { .. } => "not allowed (403): the token lacks the scope for this".into(),
        ApiError::NotFound { .. } => "not found (404): the organization, project or issue is gone".into(),
        ApiError::RateLimited { retry_after } => format!("rate limited (429): waiting {}s", retry_after.as_secs()),
        ApiError::Timeout => "the server did not answer in time".into(),
        ApiError::Network(chain) => format!("cannot reach the server ({})", super::fault::network_reason(chain)),
        other => crate::text::truncate(&crate::tui::sanitize::one_line(&other.to_string()), 160),
    }
}

/// Priority names for menus.
pub const PRIORITIES: [Priority; 3] = [Priority::High, Priority::Medium, Priority::Low];
