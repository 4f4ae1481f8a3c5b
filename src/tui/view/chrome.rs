//! The lines around the list: status tabs, the filter line (query, environment, project, sort,
//! counts), the footer's key hints (from the keymap, so they follow remapping) and the status
//! line (source, poll state, last error).

use ratatui::text::{Line, Span};

use super::format::thousands;
use crate::tui::action::Action;
use crate::tui::detail::Section;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::sanitize::one_line;
use crate::tui::state::{State, Tab, Toast, ToastLevel};
use crate::tui::theme::{Role, Theme};

pub fn tabs(state: &State, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for tab in Tab::ALL {
        let role = if tab == state.list.tab { Role::TabActive } else { Role::Tab };
        spans.push(Span::styled(format!(" {} ", tab.label()), theme.style(role)));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

/// `25 of 1,234` (or `25` when the server gives no total).
pub fn counts(state: &State) -> String {
    let Some(data) = state.list.data.ready() else {
        return String::new();
    };
    let loaded = data.rows.len() as u64;
    let mut text = match data.hits {
        Some(hits) if hits > loaded => format!("{} of {}", thousands(loaded), thousands(hits)),
        _ => thousands(loaded),
    };
    if !state.list.marked.is_empty() {
        text = format!("{} selected · {text}", state.list.marked.len());
    }
    text
}

pub fn filters(state: &State, theme: &Theme, width: u16) -> Line<'static> {
    let list = &state.list;
    let query = if list.query.is_empty() { "(none)".to_string() } else { one_line(&list.query) };
    let mut parts = vec![
        ("search", query),
        ("sort", list.sort.label().to_string()),
        ("env", list.environment.as_deref().map_or_else(|| "all".into(), one_line)),
    ];
    if state.projects.len() > 1 || list.project.is_some() {
        parts.push(("project", list.project.as_ref().map_or_else(|| "all".into(), |(_, slug)| slug.clone())));
    }
    let mut spans = Vec::new();
    for (label, value) in parts {
        spans.push(Span::styled(format!(" {label} "), theme.style(Role::Muted)));
        spans.push(Span::styled(value, theme.style(Role::Text)));
    }
    let counts = counts(state);
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let pad = (width as usize).saturating_sub(used + counts.len() + 1);
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(counts, theme.style(Role::Count)));
    Line::from(spans)
}

/// The actions hinted in the footer, most used first; hints that do not fit are left out.
/// The standup screen's keys.
const ALERTS_HINTS: [(Action, &str); 7] = [
    (Action::NewRule, "new"),
    (Action::Open, "edit/open"),
    (Action::ToggleRule, "on/off"),
    (Action::TestRule, "test"),
    (Action::NextTab, "rules/log"),
    (Action::Back, "close"),
    (Action::Help, "help"),
];

const STANDUP_HINTS: [(Action, &str); 6] = [
    (Action::MoveDown, "move"),
    (Action::Open, "open"),
    (Action::ToggleStatsPeriod, "24h/3d/7d"),
    (Action::Refresh, "refresh"),
    (Action::Back, "close"),
    (Action::Help, "help"),
];

const LIST_HINTS: [(Action, &str); 11] = [
    (Action::Resolve, "resolve"),
    (Action::IgnoreMenu, "ignore"),
    (Action::PriorityMenu, "priority"),
    (Action::Assign, "assign"),
    (Action::Bookmark, "bookmark"),
    (Action::ToggleSelect, "select"),
    (Action::Search, "search"),
    (Action::Undo, "undo"),
    (Action::CommandPalette, "commands"),
    (Action::Help, "help"),
    (Action::Quit, "quit"),
];

/// Hints on the opened issue.
/// The opened issue's hints: the section's own keys first, then stepping events and triage.
fn detail_hints(section: Section, raw_trace: bool) -> Vec<(Action, &'static str)> {
    let own: &[(Action, &'static str)] = match section {
        Section::Stack if raw_trace => &[(Action::ToggleRawTrace, "frames"), (Action::MoveDown, "scroll")],
        Section::Stack => &[
            (Action::MoveDown, "frame"),
            (Action::ToggleAllFrames, "all frames"),
            (Action::ToggleFrameOrder, "order"),
            (Action::ToggleRawTrace, "text"),
        ],
        Section::Breadcrumbs => &[
            (Action::CrumbLevel, "level"),
            (Action::CrumbCategory, "category"),
            (Action::Search, "find"),
            (Action::ToggleAbsoluteTime, "clock"),
        ],
        Section::Tags => &[(Action::MoveDown, "value"), (Action::Open, "filter list")],
        Section::Activity => &[(Action::Comment, "comment"), (Action::MoveDown, "scroll")],
        Section::Json => &[(Action::Search, "find"), (Action::FindNext, "next"), (Action::MoveDown, "scroll")],
        Section::Request | Section::Context => &[(Action::MoveDown, "scroll")],
    };
    let mut hints = vec![(Action::NextTab, "section")];
    hints.extend_from_slice(own);
    hints.extend([
        (Action::OlderEvent, "older"),
        (Action::NewerEvent, "newer"),
        (Action::Resolve, "resolve"),
        (Action::IgnoreMenu, "ignore"),
        (Action::Back, "back"),
    ]);
    hints
}

pub fn footer(state: &State, keymap: &Keymap, theme: &Theme, width: u16) -> Line<'static> {
    let standup = state.standup.as_ref().is_some_and(|s| s.showing());
    let alerts = state.alert_screen.as_ref().is_some_and(|s| s.showing());
    let (context, hints): (Context, Vec<(Action, &str)>) = match &state.detail {
        _ if standup => (Context::List, STANDUP_HINTS.to_vec()),
        _ if alerts => (Context::Alerts, ALERTS_HINTS.to_vec()),
        Some(detail) => (Context::Detail, detail_hints(detail.section, detail.raw_trace)),
        None => (Context::List, LIST_HINTS.to_vec()),
    };
    let mut spans = Vec::new();
    // How to get help always fits: the other hints share what is left.
    let help = keymap.hint(Context::List, Action::Help).map(|k| (k.clone(), k.len() + "help".len() + 3));
    let mut used = help.as_ref().map_or(0, |(_, cost)| *cost);
    for &(action, label) in &hints {
        if action == Action::Help {
            continue;
        }
        if !state.offers(action) {
            continue;
        }
        let Some(key) = keymap.hint(context, action) else {
            continue;
        };
        let cost = key.len() + label.len() + 3;
        if used + cost > width as usize {
            break;
        }
        used += cost;
        spans.push(Span::styled(format!(" {key}"), theme.style(Role::KeyHint)));
        spans.push(Span::styled(format!(" {label} "), theme.style(Role::KeyDesc)));
    }
    if let Some((key, _)) = help {
        spans.push(Span::styled(format!(" {key}"), theme.style(Role::KeyHint)));
        spans.push(Span::styled(" help ".to_string(), theme.style(Role::KeyDesc)));
    }
    Line::from(spans)
}

/// A message in place of the key hints.
pub fn toast(toast: &Toast, theme: &Theme, width: u16) -> Line<'static> {
    let role = if toast.level == ToastLevel::Error { Role::ToastError } else { Role::ToastInfo };
    Line::from(Span::styled(
        super::format::fit(&format!(" {}", one_line(&toast.text)), width as usize),
        theme.style(role),
    ))
}

/// Where sift is connected, whether polling is healthy, and the last error.
pub fn status(state: &State, theme: &Theme, width: u16) -> Line<'static> {
    let source = match &state.source.dsn {
        Some(dsn) if width < 100 => format!(" DSN {dsn} "),
        Some(dsn) => format!(" {} · DSN {dsn} ", state.source.label),
        None => format!(" {} · {} · {} ", state.source.label, state.source.url, state.source.org),
    };
    let source = if state.readonly { format!(" READ-ONLY ·{source}") } else { source };
    // No countdowns: the screen is redrawn only when something changes, never to tick a clock.
    let poll = &state.poll;
    let (role, text) = if let Some(error) = &poll.last_error {
        (Role::StatusError, format!(" ⚠ {error} · retry at {} ", poll.next_due.format("%H:%M:%S")))
    } else if poll.paused {
        (Role::StatusWarn, " ⏸ polling paused ".to_string())
    } else if state.list.fetch.is_some() {
        (Role::StatusOk, " ⟳ loading ".to_string())
    } else {
        if width < 100 {
            // Narrow: the DSN (or source) matters more than the polling details.
            (Role::StatusOk, " ● live ".to_string())
        } else {
            let at = poll.last_ok.map(|t| format!(" · updated {}", t.format("%H:%M:%S"))).unwrap_or_default();
            (Role::StatusOk, format!(" ● live every {}s{at} ", poll.interval.as_secs()))
        }
    };
    let base = theme.style(Role::StatusBar);
    let source_width = (width as usize).saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
    let mut spans = vec![Span::styled(super::format::fit(&source, source_width), base)];
    spans.push(Span::styled(text, theme.style(role)));
    Line::from(spans)
}
