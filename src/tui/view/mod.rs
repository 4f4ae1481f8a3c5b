//! Drawing: a pure function of a read-only state, the theme, the keymap and the time. Lines
//! from top to bottom: status tabs, filters, the list (or the list and the opened issue side by
//! side at 120 columns and more), key hints, the status line; overlays and toasts on top.

mod alerts;
mod beside;
mod boards;
pub mod chrome;
mod crumbs;
mod detail;
pub mod format;
mod list;
mod overlays;
mod performance;
mod releases;
mod screens;
mod standup;
mod waterfall;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub use list::{IssueTableView, badge};

use super::keymap::Keymap;
use super::screen::Screen;
use super::state::{Load, State};
use super::theme::{Role, Theme};

/// The list and the opened issue side by side from this width up; narrower, the issue takes the
/// whole screen.
pub const SPLIT_WIDTH: u16 = 120;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, state: &State, theme: &Theme, keymap: &Keymap, now: DateTime<Utc>) {
    let area = frame.area();
    frame.buffer_mut().set_style(area, theme.style(Role::Text));
    let [tabs, filters, body, footer, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    if state.screens.showing().is_some() {
        frame.render_widget(Paragraph::new(screens::path(state, theme, tabs.width)), tabs);
        frame.render_widget(Paragraph::new(screens::filters(state, theme)), filters);
    } else {
        frame.render_widget(Paragraph::new(chrome::tabs(state, theme)), tabs);
        frame.render_widget(Paragraph::new(chrome::filters(state, theme, filters.width)), filters);
    }
    body_area(frame, state, theme, body, now);
    // The newest message takes the key-hint line while it lasts, so it never covers a row.
    let footer_line = match state.toasts.last() {
        Some(toast) => chrome::toast(toast, theme, footer.width),
        None => chrome::footer(state, keymap, theme, footer.width),
    };
    frame.render_widget(Paragraph::new(footer_line), footer);
    frame.render_widget(Paragraph::new(chrome::status(state, theme, status.width)), status);
    overlays::draw(frame, state, theme, keymap);
}

fn body_area(frame: &mut Frame<'_>, state: &State, theme: &Theme, area: Rect, now: DateTime<Utc>) {
    if let Some(screen) = state.screens.showing() {
        frame.render_widget(screens::ScreenView { screen, theme, now }, area);
        return;
    }
    match &state.screen {
        Some(Screen::Standup(standup)) if standup.showing() => {
            return frame.render_widget(standup::StandupView { standup, theme, now }, area);
        }
        Some(Screen::Releases(releases)) if releases.away.is_none() => {
            return frame.render_widget(releases::ReleasesView { releases, theme, now }, area);
        }
        _ => {}
    }
    if let Some(board) = state.board.as_ref().filter(|b| b.showing()) {
        frame.render_widget(boards::BoardView { board, theme, now }, area);
        return;
    }
    if let Some(screen) = state.alert_screen.as_ref().filter(|s| s.showing()) {
        let mut projects: Vec<String> = state.projects.iter().map(|(_, slug)| slug.clone()).collect();
        for row in screen.rules() {
            if !projects.contains(&row.project) {
                projects.push(row.project.clone());
            }
        }
        frame.render_widget(alerts::AlertsView { screen, projects: &projects, theme, now }, area);
        return;
    }
    let opened = state.detail.as_ref().and_then(|d| state.list.current().map(|row| (d, row)));
    match opened {
        Some((detail, row)) if area.width >= SPLIT_WIDTH && !detail.zoomed => {
            // The list keeps short ids and titles; the rest goes to source lines.
            let list_width = (area.width * 7 / 20).clamp(40, 64);
            let [left, right] = Layout::horizontal([Constraint::Length(list_width), Constraint::Fill(1)]).areas(area);
            list_area(frame, state, theme, left, now, false);
            let period = state.list.stats_period.key();
            let view = detail::IssueDetailView { issue: &row.issue, detail, theme, now, period };
            frame.render_widget(view, right.inner(ratatui::layout::Margin::new(1, 0)));
        }
        Some((detail, row)) => {
            let period = state.list.stats_period.key();
            frame.render_widget(detail::IssueDetailView { issue: &row.issue, detail, theme, now, period }, area)
        }
        None => list_area(frame, state, theme, area, now, true),
    }
}

/// Two lines for each SDK that reads `SENTRY_DSN`: how to get it, and an error it sends.
pub const FIRST_RUN: [(&str, &str, &str); 4] = [
    ("Python", "pip install sentry-sdk", "import sentry_sdk; sentry_sdk.init(); 1 / 0"),
    ("Node", "npm install @sentry/node", "require(\"@sentry/node\").init(); null.boom();"),
    ("Rust", "cargo add sentry", "let _sentry = sentry::init(()); panic!(\"boom\");"),
    ("CLI", "npm install @sentry/cli", "npx sentry-cli send-event -m \"hello from the shell\""),
];

/// What an empty store shows: the DSN, and two lines per SDK to send the first event with.
fn first_run(dsn: &str, theme: &Theme) -> Vec<Line<'static>> {
    let muted = theme.style(Role::Muted);
    let code = theme.style(Role::Text);
    let mut lines = vec![
        Line::from(Span::styled("No issues yet.", theme.style(Role::Title))),
        Line::from(Span::styled("Send an event to this server and it shows up here within seconds:", muted)),
        Line::from(""),
        Line::from(vec![
            Span::styled("  export SENTRY_DSN=", code),
            Span::styled(dsn.to_string(), theme.style(Role::Link)),
        ]),
        Line::from(""),
    ];
    for (sdk, install, send) in FIRST_RUN {
        lines.push(Line::from(vec![
            Span::styled(format!("  {sdk:<8}"), theme.style(Role::Header)),
            Span::styled(install, code),
        ]));
        lines.push(Line::from(vec![Span::raw("          "), Span::styled(send, code)]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Browser SDKs take the DSN in Sentry.init({ dsn }). `sift demo` shows a demo data set.",
        muted,
    )));
    lines
}

fn message(frame: &mut Frame<'_>, area: Rect, lines: Vec<Line<'static>>) {
    let top = area.height.saturating_sub(lines.len() as u16) / 3;
    let rect = Rect::new(area.x + 2, area.y + top, area.width.saturating_sub(4), area.height - top);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rect);
}

fn list_area(frame: &mut Frame<'_>, state: &State, theme: &Theme, area: Rect, now: DateTime<Utc>, focused: bool) {
    match &state.list.data {
        Load::Idle | Load::Loading { .. } => {
            message(frame, area, vec![Line::from(Span::styled("Loading issues…", theme.style(Role::Muted)))]);
        }
        Load::Failed(failure) => {
            message(
                frame,
                area,
                vec![
                    Line::from(Span::styled("Could not load issues", theme.style(Role::StatusError))),
                    Line::from(Span::styled(super::sanitize::one_line(&failure.message), theme.style(Role::Text))),
                    Line::from(Span::styled(
                        format!("Retrying at {}; ctrl-r retries now.", state.poll.next_due.format("%H:%M:%S")),
                        theme.style(Role::Muted),
                    )),
                ],
            );
        }
        Load::Ready(data) if data.rows.is_empty() => {
            let mut lines = vec![Line::from(Span::styled("No issues match.", theme.style(Role::Title)))];
            let filtered =
                !state.list.query.is_empty() || state.list.environment.is_some() || state.list.project.is_some();
            if filtered {
                lines.push(Line::from(Span::styled(
                    "Change the search (/) or the environment (e), or look at another tab (tab).",
                    theme.style(Role::Muted),
                )));
            } else if let (Some(dsn), super::state::Tab::Unresolved) = (&state.source.dsn, state.list.tab) {
                lines = first_run(dsn, theme);
            } else {
                lines.push(Line::from(Span::styled(
                    "Look at another tab (tab) or widen the search (/).",
                    theme.style(Role::Muted),
                )));
            }
            message(frame, area, lines);
        }
        Load::Ready(_) => {
            frame.render_widget(IssueTableView { list: &state.list, theme, now, focused }, area);
        }
    }
}

#[cfg(test)]
mod beside_tests;
#[cfg(test)]
mod release_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod trust_tests;
