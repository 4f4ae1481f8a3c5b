//! Semantic style roles: the only vocabulary views use to ask for colour.
//!
//! A `Role` names *what* is drawn (a selected row, an error level, a JSON key), never *how* it looks. Its
//! `as_str()` is the snake_case key used in theme files, and `FromStr` is its exact inverse. Every role except
//! `Text` has a fallback role, so a theme that defines only a few roles still resolves all of them; the
//! fallback graph is a tree rooted at `Text` (tests prove every chain ends there). Adding a role means adding a
//! variant, its entries in `ALL`, `as_str` and `fallback`, and a line in the base theme files.

use std::fmt;
use std::str::FromStr;

/// A semantic style role. The doc line of each variant says where it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Plain body text everywhere; the root every fallback chain ends at.
    Text,
    /// Secondary text: culprits, timestamps, ages, assignees.
    Muted,
    /// Tertiary text quieter than muted: separators, empty-state hints.
    Dim,
    /// Pane and section titles.
    Title,
    /// Borders of unfocused panes.
    Border,
    /// Border of the focused pane.
    BorderFocused,
    /// Table column headers in the issue list and key/value tables.
    Header,
    /// The selected row of the focused list or table.
    Selection,
    /// The selected row of a list that does not have focus.
    SelectionInactive,
    /// Rows marked for a bulk action (multi-select).
    Marked,
    /// The line under the cursor in scrollable text (stack frames, JSON, breadcrumbs).
    CursorLine,
    /// Inactive tabs (status tabs, detail sections).
    Tab,
    /// The active tab.
    TabActive,
    /// The key of a footer or help hint, e.g. `r` in `r resolve`.
    KeyHint,
    /// The description of a footer or help hint, e.g. `resolve` in `r resolve`.
    KeyDesc,
    /// The status bar line at the bottom of the screen.
    StatusBar,
    /// Good news in the status bar: connected, saved, up to date.
    StatusOk,
    /// Warnings in the status bar: rate limited, stale data, retrying.
    StatusWarn,
    /// Errors in the status bar: offline, token rejected.
    StatusError,
    /// Informational toasts (action confirmed, copied to clipboard).
    ToastInfo,
    /// Error toasts (an optimistic action was rolled back).
    ToastError,
    /// The `fatal` level badge in lists and headers.
    LevelFatal,
    /// The `error` level badge.
    LevelError,
    /// The `warning` level badge.
    LevelWarning,
    /// The `info` level badge.
    LevelInfo,
    /// The `debug` level badge.
    LevelDebug,
    /// The `new` issue badge.
    BadgeNew,
    /// The `regressed` issue badge.
    BadgeRegressed,
    /// The `escalating` issue badge.
    BadgeEscalating,
    /// The `archived` (ignored) issue badge.
    BadgeArchived,
    /// The `resolved` issue badge.
    BadgeResolved,
    /// A row or badge whose optimistic action is still in flight.
    BadgePending,
    /// The `high` priority marker.
    PriorityHigh,
    /// The `medium` priority marker.
    PriorityMedium,
    /// The `low` priority marker.
    PriorityLow,
    /// Event and user counts in lists and headers.
    Count,
    /// The 24h / 14d event sparkline column.
    Sparkline,
    /// A row whose data changed since the previous poll.
    Changed,
    /// URLs and permalinks.
    Link,
    /// Text matching the current search or filter.
    SearchMatch,
    /// A stack frame that belongs to the application (`in_app`).
    FrameInApp,
    /// A stack frame from a library or the runtime.
    FrameSystem,
    /// Line numbers in source context and raw JSON.
    LineNumber,
    /// The source line where the exception was raised.
    CrashLine,
    /// Object keys in the raw event JSON view.
    JsonKey,
    /// String values in the raw event JSON view.
    JsonString,
    /// Number values in the raw event JSON view.
    JsonNumber,
    /// `true`, `false` and `null` in the raw event JSON view.
    JsonLiteral,
    /// Text typed into a prompt (search, command palette, comment).
    Input,
    /// Visible stand-ins for sanitised text, e.g. replaced control characters.
    Placeholder,
    /// Border of overlays (help, palette, pickers, confirmations).
    OverlayBorder,
    /// Title of overlays.
    OverlayTitle,
}

impl Role {
    /// Every role, in declaration order (`ALL[r as usize] == r`).
    pub const ALL: [Role; 52] = [
        Role::Text,
        Role::Muted,
        Role::Dim,
        Role::Title,
        Role::Border,
        Role::BorderFocused,
        Role::Header,
        Role::Selection,
        Role::SelectionInactive,
        Role::Marked,
        Role::CursorLine,
        Role::Tab,
        Role::TabActive,
        Role::KeyHint,
        Role::KeyDesc,
        Role::StatusBar,
        Role::StatusOk,
        Role::StatusWarn,
        Role::StatusError,
        Role::ToastInfo,
        Role::ToastError,
        Role::LevelFatal,
        Role::LevelError,
        Role::LevelWarning,
        Role::LevelInfo,
        Role::LevelDebug,
        Role::BadgeNew,
        Role::BadgeRegressed,
        Role::BadgeEscalating,
        Role::BadgeArchived,
        Role::BadgeResolved,
        Role::BadgePending,
        Role::PriorityHigh,
        Role::PriorityMedium,
        Role::PriorityLow,
        Role::Count,
        Role::Sparkline,
        Role::Changed,
        Role::Link,
        Role::SearchMatch,
        Role::FrameInApp,
        Role::FrameSystem,
        Role::LineNumber,
        Role::CrashLine,
        Role::JsonKey,
        Role::JsonString,
        Role::JsonNumber,
        Role::JsonLiteral,
        Role::Input,
        Role::Placeholder,
        Role::OverlayBorder,
        Role::OverlayTitle,
    ];

    /// Number of roles; the length of a resolved style table.
    pub const COUNT: usize = Role::ALL.len();

    /// The snake_case key of this role in theme files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Text => "text",
            Role::Muted => "muted",
            Role::Dim => "dim",
            Role::Title => "title",
            Role::Border => "border",
            Role::BorderFocused => "border_focused",
            Role::Header => "header",
            Role::Selection => "selection",
            Role::SelectionInactive => "selection_inactive",
            Role::Marked => "marked",
            Role::CursorLine => "cursor_line",
            Role::Tab => "tab",
            Role::TabActive => "tab_active",
            Role::KeyHint => "key_hint",
            Role::KeyDesc => "key_desc",
            Role::StatusBar => "status_bar",
            Role::StatusOk => "status_ok",
            Role::StatusWarn => "status_warn",
            Role::StatusError => "status_error",
            Role::ToastInfo => "toast_info",
            Role::ToastError => "toast_error",
            Role::LevelFatal => "level_fatal",
            Role::LevelError => "level_error",
            Role::LevelWarning => "level_warning",
            Role::LevelInfo => "level_info",
            Role::LevelDebug => "level_debug",
            Role::BadgeNew => "badge_new",
            Role::BadgeRegressed => "badge_regressed",
            Role::BadgeEscalating => "badge_escalating",
            Role::BadgeArchived => "badge_archived",
            Role::BadgeResolved => "badge_resolved",
            Role::BadgePending => "badge_pending",
            Role::PriorityHigh => "priority_high",
            Role::PriorityMedium => "priority_medium",
            Role::PriorityLow => "priority_low",
            Role::Count => "count",
            Role::Sparkline => "sparkline",
            Role::Changed => "changed",
            Role::Link => "link",
            Role::SearchMatch => "search_match",
            Role::FrameInApp => "frame_in_app",
            Role::FrameSystem => "frame_system",
            Role::LineNumber => "line_number",
            Role::CrashLine => "crash_line",
            Role::JsonKey => "json_key",
            Role::JsonString => "json_string",
            Role::JsonNumber => "json_number",
            Role::JsonLiteral => "json_literal",
            Role::Input => "input",
            Role::Placeholder => "placeholder",
            Role::OverlayBorder => "overlay_border",
            Role::OverlayTitle => "overlay_title",
        }
    }

    /// The role whose style is used when no theme in the parent chain defines this one; `None` only for `Text`.
    pub const fn fallback(self) -> Option<Role> {
        let to = match self {
            Role::Text => return None,
            Role::Muted | Role::Title | Role::Selection | Role::StatusBar | Role::StatusOk => Role::Text,
            Role::LevelError | Role::LevelWarning | Role::LevelInfo | Role::Count | Role::Link => Role::Text,
            Role::FrameInApp | Role::JsonString | Role::Input => Role::Text,
            Role::Dim | Role::Border | Role::Tab | Role::KeyDesc | Role::LevelDebug => Role::Muted,
            Role::BadgeArchived | Role::PriorityLow | Role::FrameSystem => Role::Muted,
            Role::LineNumber | Role::Placeholder | Role::BadgePending => Role::Dim,
            Role::BorderFocused | Role::Header | Role::TabActive | Role::KeyHint => Role::Title,
            Role::JsonKey | Role::OverlayTitle => Role::Title,
            Role::SelectionInactive | Role::Marked => Role::Selection,
            Role::CursorLine => Role::SelectionInactive,
            Role::SearchMatch => Role::Marked,
            Role::StatusWarn | Role::BadgeEscalating | Role::PriorityMedium => Role::LevelWarning,
            Role::StatusError | Role::ToastError | Role::LevelFatal => Role::LevelError,
            Role::BadgeRegressed | Role::PriorityHigh | Role::CrashLine => Role::LevelError,
            Role::ToastInfo | Role::BadgeNew | Role::Changed => Role::LevelInfo,
            Role::BadgeResolved => Role::StatusOk,
            Role::Sparkline => Role::Count,
            Role::JsonNumber => Role::JsonString,
            Role::JsonLiteral => Role::JsonNumber,
            Role::OverlayBorder => Role::BorderFocused,
        };
        Some(to)
    }

    /// Whether this role is a highlighted band (usually a background colour) that must never look like plain
    /// text. Without colour, or when it resolves to exactly the `Text` style, such a role gets `REVERSED`.
    pub const fn is_highlight(self) -> bool {
        matches!(
            self,
            Role::Selection
                | Role::SelectionInactive
                | Role::Marked
                | Role::CursorLine
                | Role::SearchMatch
                | Role::StatusBar
                | Role::CrashLine
                | Role::ToastInfo
                | Role::ToastError
        )
    }

    /// All role keys, comma separated, for error messages.
    pub fn names_joined() -> String {
        Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not the key of any [`Role`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.iter().copied().find(|r| r.as_str() == s).ok_or_else(|| UnknownRole(s.to_string()))
    }
}
