//! What a person can ask the console to do. Keys map to these names (see `assets/keymap.toml`),
//! the command palette lists them, and each variant's one-line description is its help text.
//! An action is an intent only: the reducer decides what it means in the current state.

use std::fmt;
use std::str::FromStr;

macro_rules! actions {
    ($( $(#[doc = $doc:literal])* $variant:ident => $name:literal, )+) => {
        /// A named intent.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl Action {
            /// Every action, in help order.
            pub const ALL: &'static [Action] = &[$(Action::$variant),+];

            /// The snake_case name used in key files and the command palette.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),+ }
            }

            /// One line of help.
            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => concat!($($doc),+).trim_ascii()),+ }
            }
        }
    };
}

actions! {
    /// Quit sift
    Quit => "quit",
    /// Show the keys for this screen
    Help => "help",
    /// Run any action by name
    CommandPalette => "command_palette",
    /// The standup digest: new, regressed, top and resolved issues
    Standup => "standup",
    /// Releases: crash-free sessions, new issues and deploys of each
    Releases => "releases",
    /// Every issue seen in the release under the cursor (enter shows the new ones)
    ReleaseAllIssues => "release_all_issues",
    /// Performance: throughput, p50, p95, failure rate and users per transaction
    Performance => "performance",
    /// Alert rules, their deliveries and the firing log
    Alerts => "alerts",
    /// Alerts: create a rule
    NewRule => "new_rule",
    /// Alerts: enable or disable the rule under the cursor
    ToggleRule => "toggle_rule",
    /// Alerts: send the rule's test notification
    TestRule => "test_rule",
    /// Suspend sift to the shell (fg to return)
    Suspend => "suspend",
    /// Reload now
    Refresh => "refresh",
    /// Pause or resume polling
    TogglePoll => "toggle_poll",
    /// Move down
    MoveDown => "move_down",
    /// Move up
    MoveUp => "move_up",
    /// Move down a page
    PageDown => "page_down",
    /// Move up a page
    PageUp => "page_up",
    /// Go to the first issue
    Top => "top",
    /// Go to the last issue
    Bottom => "bottom",
    /// Open the selected issue
    Open => "open",
    /// Go back, close, or clear the selection
    Back => "back",
    /// Search with Sentry's query syntax
    Search => "search",
    /// Next status tab
    NextTab => "next_tab",
    /// Previous status tab
    PrevTab => "prev_tab",
    /// Cycle the sort order
    CycleSort => "cycle_sort",
    /// Switch the sparkline between 24 hours and 14 days
    ToggleStatsPeriod => "toggle_stats_period",
    /// Filter by environment
    PickEnvironment => "pick_environment",
    /// Filter by project
    PickProject => "pick_project",
    /// Select or unselect the issue under the cursor
    ToggleSelect => "toggle_select",
    /// Extend the selection from the last selected issue to the cursor
    SelectRange => "select_range",
    /// Select every loaded issue
    SelectAll => "select_all",
    /// Resolve
    Resolve => "resolve",
    /// Resolve in the next release
    ResolveNextRelease => "resolve_next_release",
    /// Unresolve
    Unresolve => "unresolve",
    /// Archive (menu): until it escalates, forever, for a while, or until N more events or users
    ArchiveMenu => "archive_menu",
    /// Set the priority (menu)
    PriorityMenu => "priority_menu",
    /// Assign to someone (picker)
    Assign => "assign",
    /// Assign to me
    AssignMe => "assign_me",
    /// Unassign
    Unassign => "unassign",
    /// Bookmark or unbookmark
    Bookmark => "bookmark",
    /// Mark reviewed (out of For Review)
    MarkReviewed => "mark_reviewed",
    /// Undo the last action
    Undo => "undo",
    /// Copy the short id, permalink or a Markdown summary (menu)
    CopyMenu => "copy_menu",
    /// Copy the short id
    CopyShortId => "copy_short_id",
    /// Open the issue in a browser (or show its URL)
    OpenInBrowser => "open_in_browser",
    /// Show the next older event
    OlderEvent => "older_event",
    /// Show the next newer event
    NewerEvent => "newer_event",
    /// Show the latest event
    LatestEvent => "latest_event",
    /// Show the oldest event
    OldestEvent => "oldest_event",
    /// Show the recommended event
    RecommendedEvent => "recommended_event",
    /// Show library frames too, or in-app frames only
    ToggleAllFrames => "toggle_all_frames",
    /// Crashing frame first, or last
    ToggleFrameOrder => "toggle_frame_order",
    /// Comment on the opened issue
    Comment => "comment",
    /// Stack trace section
    ShowStack => "show_stack",
    /// Breadcrumbs section
    ShowBreadcrumbs => "show_breadcrumbs",
    /// Request section
    ShowRequest => "show_request",
    /// Tags section (the issue's tag values)
    ShowTags => "show_tags",
    /// Context section (the event's tags, user, contexts, SDK)
    ShowContext => "show_context",
    /// Activity and comments section
    ShowActivity => "show_activity",
    /// The event's JSON
    ShowJson => "show_json",
    /// Stack trace as plain text, for copying
    ToggleRawTrace => "toggle_raw_trace",
    /// Stack: the minified frames as the SDK sent them, or the source-mapped ones
    ToggleMinifiedFrames => "toggle_minified_frames",
    /// Breadcrumb times: offset from the event, or clock time
    ToggleAbsoluteTime => "toggle_absolute_time",
    /// Breadcrumbs: cycle the least level shown
    CrumbLevel => "crumb_level",
    /// Breadcrumbs: cycle the category shown
    CrumbCategory => "crumb_category",
    /// Next match of the find text
    FindNext => "find_next",
    /// Previous match of the find text
    FindPrevious => "find_previous",
    /// Zoom the opened issue to the whole width, or put the list back beside it
    ZoomDetail => "zoom",
    /// Scroll long lines (source code, breadcrumbs) to the left
    ScrollLeft => "scroll_left",
    /// Scroll long lines (source code, breadcrumbs) to the right
    ScrollRight => "scroll_right",
    /// Every user feedback, newest first
    Feedback => "feedback",
    /// Cron monitors: schedules, recent check-ins, their issues
    Monitors => "monitors",
    /// Feedback section (what people said about the issue)
    ShowFeedback => "show_feedback",
    /// Select the event's next attachment
    NextAttachment => "next_attachment",
    /// Save the selected attachment to a file
    SaveAttachment => "save_attachment",
    /// Read the selected text attachment
    PageAttachment => "page_attachment",
    /// The span waterfall of the shown event's trace
    OpenTrace => "open_trace",
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Action {
    /// Whether the action changes issues on the server (hidden and refused by `--readonly`).
    pub fn changes_issues(self) -> bool {
        matches!(
            self,
            Action::Resolve
                | Action::ResolveNextRelease
                | Action::Unresolve
                | Action::ArchiveMenu
                | Action::PriorityMenu
                | Action::Assign
                | Action::AssignMe
                | Action::Unassign
                | Action::Bookmark
                | Action::MarkReviewed
                | Action::Undo
                | Action::Comment
                | Action::NewRule
                | Action::ToggleRule
                | Action::TestRule
        )
    }
}

impl FromStr for Action {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // `ignore_menu` is the name older keymap files use.
        let s = if s == "ignore_menu" { "archive_menu" } else { s };
        Action::ALL.iter().copied().find(|a| a.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
            format!("unknown action {s:?}; valid: {}", names.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_every_action_has_help() {
        for action in Action::ALL {
            assert_eq!(action.name().parse::<Action>().unwrap(), *action);
            assert!(!action.description().is_empty(), "{action}");
        }
        assert!("nope".parse::<Action>().unwrap_err().contains("valid: quit"));
        assert_eq!("ignore_menu".parse::<Action>().unwrap(), Action::ArchiveMenu);
    }
}
