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
        // A search with its own `is:` status stands in for the tabs: none is marked then.
        let role = if tab == state.list.tab && !state.list.tab_overridden() { Role::TabActive } else { Role::Tab };
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

const STANDUP_HINTS: [(Action, &str); 7] = [
    (Action::MoveDown, "move"),
    (Action::Open, "open"),
    (Action::ToggleStatsPeriod, "24h/3d/7d"),
    (Action::Refresh, "refresh"),
    (Action::Back, "close"),
    (Action::Help, "help"),
    (Action::Quit, "quit"),
];

/// The Feedback and Monitors screens' keys.
const BOARD_HINTS: [(Action, &str); 5] = [
    (Action::MoveDown, "move"),
    (Action::Open, "open the issue"),
    (Action::Refresh, "refresh"),
    (Action::Back, "close"),
    (Action::Help, "help"),
];

/// The releases screen's keys.
const RELEASES_HINTS: [(Action, &str); 7] = [
    (Action::MoveDown, "move"),
    (Action::Open, "new issues"),
    (Action::ReleaseAllIssues, "all issues"),
    (Action::Back, "close"),
    (Action::ToggleStatsPeriod, "24h/14d"),
    (Action::Refresh, "refresh"),
    (Action::Help, "help"),
];

const LIST_HINTS: [(Action, &str); 11] = [
    (Action::Resolve, "resolve"),
    (Action::ArchiveMenu, "archive"),
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
        Section::Request | Section::Context | Section::Feedback => &[(Action::MoveDown, "scroll")],
    };
    let mut hints = vec![(Action::NextTab, "section")];
    hints.extend_from_slice(own);
    hints.extend([
        (Action::OlderEvent, "older"),
        (Action::NewerEvent, "newer"),
        (Action::Resolve, "resolve"),
        (Action::ArchiveMenu, "archive"),
        (Action::Undo, "undo"),
        (Action::Back, "back"),
        (Action::Help, "help"),
    ]);
    hints
}

/// Hints kept at any width, before the rarer actions take what room is left.
const ESSENTIAL: [Action; 5] = [Action::Search, Action::Undo, Action::Help, Action::Quit, Action::Back];

pub fn footer(state: &State, keymap: &Keymap, theme: &Theme, width: u16) -> Line<'static> {
    let screen = state.screens.showing();
    let (context, hints): (Context, Vec<(Action, &str)>) = match &state.detail {
        _ if screen.is_some() => (Context::List, screen.map(super::screens::hints).unwrap_or_default()),
        _ if state.standup().is_some_and(|s| s.showing()) => (Context::List, STANDUP_HINTS.to_vec()),
        _ if state.releases().is_some_and(|r| r.away.is_none()) => (Context::Releases, RELEASES_HINTS.to_vec()),
        _ if state.board.as_ref().is_some_and(|b| b.showing()) => (Context::List, BOARD_HINTS.to_vec()),
        _ if state.alert_screen.as_ref().is_some_and(|s| s.showing()) => (Context::Alerts, ALERTS_HINTS.to_vec()),
        Some(detail) if detail.sidecar.pager.is_some() => {
            (Context::Detail, vec![(Action::MoveDown, "scroll"), (Action::Bottom, "end"), (Action::Back, "close")])
        }
        Some(detail) => {
            let mut hints = detail_hints(detail.section, detail.raw_trace);
            if detail.sidecar.attachments.ready().is_some_and(|a| !a.is_empty()) {
                let at = hints.len().min(2);
                hints.splice(at..at, [(Action::SaveAttachment, "save"), (Action::PageAttachment, "read")]);
            }
            (Context::Detail, hints)
        }
        None => (Context::List, LIST_HINTS.to_vec()),
    };
    let shown: Vec<(String, &str, bool)> = hints
        .iter()
        .filter(|(action, _)| state.offers(*action))
        .filter_map(|&(action, label)| {
            let key = keymap.hint(context, action)?;
            Some((key, label, ESSENTIAL.contains(&action)))
        })
        .collect();
    let cost = |(key, label, _): &(String, &str, bool)| key.chars().count() + label.chars().count() + 3;
    let mut room = (width as usize).saturating_sub(shown.iter().filter(|h| h.2).map(cost).sum());
    let mut kept = Vec::new();
    for hint in &shown {
        if hint.2 {
            kept.push(hint);
        } else if cost(hint) <= room {
            room -= cost(hint);
            kept.push(hint);
        } else {
            // Rarer hints keep their order: once one does not fit, the rest are left out.
            room = 0;
        }
    }
    let mut spans = Vec::new();
    for (key, label, _) in kept {
        spans.push(Span::styled(format!(" {key}"), theme.style(Role::KeyHint)));
        spans.push(Span::styled(format!(" {label} "), theme.style(Role::KeyDesc)));
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

/// Where sift is connected, whether polling is healthy, and the last error. What must stay
/// whole is the DSN in embedded mode (SDKs are set up by copying it) and the mode and URL of a
/// remote; every other piece gives way first: the updated time, the poll interval, the mode
/// label, the organization, and last the error's text, which is shortened, never the address.
pub fn status(state: &State, theme: &Theme, width: u16) -> Line<'static> {
    use unicode_width::UnicodeWidthStr;
    let width = width as usize;
    let source = &state.source;
    let readonly = if state.readonly { "READ-ONLY · " } else { "" };
    let (essential, optional) = match &source.dsn {
        Some(dsn) => (format!("DSN {dsn}"), [format!("{} · ", source.label), String::new()]),
        None => (format!("{} · {}", source.label, source.url), [String::new(), format!(" · {}", source.org)]),
    };
    let with_optional = format!(" {readonly}{}{essential}{} ", optional[0], optional[1]);
    let bare = format!(" {readonly}{essential} ");
    // No countdowns: the screen is redrawn only when something changes, never to tick a clock.
    let poll = &state.poll;
    let (role, variants, shortens): (Role, Vec<String>, bool) = if let Some(error) = &poll.last_error {
        (Role::StatusError, vec![format!(" ⚠ {error} ")], true)
    } else if poll.paused {
        (Role::StatusWarn, vec![" ⏸ polling paused ".into(), " ⏸ paused ".into()], false)
    } else if state.list.fetch.is_some() {
        (Role::StatusOk, vec![" ⟳ loading ".into(), " ⟳ ".into()], false)
    } else {
        let every = format!(" ● live every {}s", poll.interval.as_secs());
        let at = poll.last_ok.map(|t| format!(" · updated {}", t.format("%H:%M:%S"))).unwrap_or_default();
        (Role::StatusOk, vec![format!("{every}{at} "), format!("{every} "), " ● live ".into(), " ● ".into()], false)
    };
    // The mode label goes before the last, shortest poll state does; the poll's details go
    // before the label does.
    let fits = |left: &str, right: &str| left.width() + right.width() <= width;
    let labelled = variants.iter().take(variants.len().saturating_sub(1).max(1)).map(|v| (&with_optional, v));
    let chosen = labelled
        .chain(variants.iter().map(|v| (&bare, v)))
        .find(|(left, right)| fits(left, right))
        .map(|(left, right)| (left.clone(), right.clone()));
    let (left, right) = chosen.unwrap_or_else(|| {
        let last = variants.last().cloned().unwrap_or_default();
        let right = if shortens {
            let room = width.saturating_sub(bare.width()).max(4);
            format!("{} ", super::format::truncate(last.trim_end(), room.saturating_sub(1)))
        } else {
            last
        };
        (bare.clone(), right)
    });
    let base = theme.style(Role::StatusBar);
    let left_width = width.saturating_sub(right.width());
    Line::from(vec![
        Span::styled(super::format::fit(&left, left_width), base),
        Span::styled(super::format::truncate(&right, width), theme.style(role)),
    ])
}
