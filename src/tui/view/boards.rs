//! The Feedback and Monitors screens. Feedback: newest first, when, who, the project, whether
//! it is linked to an issue, and the message. Monitors: each monitor's schedule, its last
//! check-in and when the next is expected, a strip of recent results (oldest on the left:
//! `●` ok, `✕` error, `○` missed, `◷` timeout, `…` running) and the issue its failures opened.
//! All four load states are drawn; every string from the server is sanitised.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::format::{ago, fit, truncate};
use crate::api::models::FeedbackIssue;
use crate::tui::boards::{Board, Listing, MonitorRow};
use crate::tui::sanitize::one_line;
use crate::tui::state::Load;
use crate::tui::theme::{Role, Theme};

pub struct BoardView<'a> {
    pub board: &'a Board,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

fn span(text: impl Into<String>, theme: &Theme, role: Role) -> Span<'static> {
    Span::styled(text.into(), theme.style(role))
}

fn clip(text: &str, width: usize) -> String {
    let prefix: String = text.chars().take(width.saturating_mul(2) + 8).collect();
    fit(&one_line(&prefix), width)
}

/// `3 · ` once the rows are loaded.
fn count<T>(listing: &Listing<T>) -> String {
    listing.rows.ready().map_or(String::new(), |rows| format!("{} · ", rows.len()))
}

/// `in 5m`, or `due` once the time has come.
fn until(then: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match then {
        Some(then) if then > now => format!("in {}", ago(Some(now), then)),
        Some(_) => "due".into(),
        None => "-".into(),
    }
}

/// A check-in status as one character of the strip, with its colour.
fn mark(status: &str) -> (&'static str, Role) {
    match status {
        "ok" => ("●", Role::StatusOk),
        "error" => ("✕", Role::StatusError),
        "missed" => ("○", Role::StatusWarn),
        "timeout" => ("◷", Role::StatusWarn),
        "in_progress" => ("…", Role::Muted),
        _ => ("?", Role::Muted),
    }
}

/// Everything but the rows: loading, failed, or `None` when there are rows to draw.
fn state_lines<T>(listing: &Listing<T>, what: &str, empty: &[&str], theme: &Theme) -> Option<Vec<Line<'static>>> {
    match &listing.rows {
        Load::Idle | Load::Loading { .. } => {
            Some(vec![Line::from(span(format!("loading {what}…"), theme, Role::Muted))])
        }
        Load::Failed(failure) => Some(vec![Line::from(span(
            format!("{what} unavailable: {} (ctrl-r retries)", one_line(&failure.message)),
            theme,
            Role::StatusError,
        ))]),
        Load::Ready(rows) if rows.is_empty() => {
            Some(empty.iter().map(|l| Line::from(span(l.to_string(), theme, Role::Muted))).collect())
        }
        Load::Ready(_) => None,
    }
}

impl BoardView<'_> {
    fn feedback(&self, listing: &Listing<FeedbackIssue>, width: usize) -> Vec<Line<'static>> {
        let theme = self.theme;
        let title = Line::from(vec![
            span("Feedback", theme, Role::Title),
            span(format!("  {}newest first · enter opens the linked issue", count(listing)), theme, Role::Muted),
        ]);
        let empty = ["No feedback yet: Sentry.captureFeedback() in the browser SDK, or a user report, sends one."];
        if let Some(lines) = state_lines(listing, "the feedback", &empty, theme) {
            return [vec![title, Line::default()], lines].concat();
        }
        let (who_w, project_w, link_w) = if width >= 100 { (30, 14, 8) } else { (18, 10, 7) };
        let message_w = width.saturating_sub(6 + who_w + project_w + link_w + 4).max(8);
        let mut lines = vec![
            title,
            Line::from(span(
                format!(
                    "{:>5} {} {} {} {}",
                    "SEEN",
                    fit("FROM", who_w),
                    fit("PROJECT", project_w),
                    fit("ISSUE", link_w),
                    "MESSAGE"
                ),
                theme,
                Role::Header,
            )),
        ];
        for (index, item) in listing.rows.ready().into_iter().flatten().enumerate() {
            let meta = &item.metadata;
            let who = match (meta.name.as_deref().filter(|n| !n.is_empty()), meta.contact_email.as_deref()) {
                (Some(name), Some(email)) if !email.is_empty() => format!("{name} <{email}>"),
                (Some(name), _) => name.to_string(),
                (None, Some(email)) if !email.is_empty() => email.to_string(),
                _ => "anonymous".to_string(),
            };
            let linked = if meta.associated_event_id.is_some() { "linked" } else { "alone" };
            let project = item.project.as_ref().map_or("", |p| p.slug.as_str());
            let selected = index == listing.cursor;
            let role = |r: Role| if selected { Role::Selection } else { r };
            lines.push(Line::from(vec![
                span(format!("{:>5} ", ago(item.first_seen, self.now)), theme, role(Role::LineNumber)),
                span(format!("{} ", clip(&who, who_w)), theme, role(Role::Title)),
                span(format!("{} ", clip(project, project_w)), theme, role(Role::Muted)),
                span(format!("{} ", fit(linked, link_w)), theme, role(Role::Muted)),
                span(clip(item.message(), message_w), theme, role(Role::Text)),
            ]));
        }
        lines
    }

    fn monitors(&self, listing: &Listing<MonitorRow>, width: usize) -> Vec<Line<'static>> {
        let theme = self.theme;
        let title = Line::from(vec![
            span("Monitors", theme, Role::Title),
            span(format!("  {}enter opens the issue of a failing one", count(listing)), theme, Role::Muted),
        ]);
        let empty = [
            "No monitors yet. A check-in with a schedule creates one, for example:",
            "  sentry-cli monitors run --schedule \"0 * * * *\" my-job -- ./job.sh",
        ];
        if let Some(lines) = state_lines(listing, "the monitors", &empty, theme) {
            return [vec![title, Line::default()], lines].concat();
        }
        let (slug_w, schedule_w, strip_w) = if width >= 100 { (24, 22, 20) } else { (14, 13, 10) };
        let issue_w = width.saturating_sub(slug_w + schedule_w + 12 + 8 + strip_w + 5).max(6);
        let mut lines = vec![
            title,
            Line::from(span(
                format!(
                    "{} {} {} {} {} {}",
                    fit("MONITOR", slug_w),
                    fit("SCHEDULE", schedule_w),
                    fit("LAST", 12),
                    fit("NEXT", 8),
                    fit("RECENT", strip_w),
                    "ISSUE"
                ),
                theme,
                Role::Header,
            )),
        ];
        for (index, row) in listing.rows.ready().into_iter().flatten().enumerate() {
            let selected = index == listing.cursor;
            let role = |r: Role| if selected { Role::Selection } else { r };
            let monitor = &row.monitor;
            let mut schedule = monitor.config.schedule_text();
            if let Some(tz) = monitor.config.timezone.as_deref().filter(|tz| *tz != "UTC") {
                schedule = format!("{schedule} {tz}");
            }
            let last = row
                .last()
                .map_or("-".to_string(), |c| format!("{} {}", mark(&c.status).0, ago(c.date_created, self.now)));
            let mut spans = vec![
                span(format!("{} ", clip(&monitor.slug, slug_w)), theme, role(Role::Title)),
                span(format!("{} ", clip(&schedule, schedule_w)), theme, role(Role::Text)),
                span(format!("{} ", fit(&last, 12)), theme, role(Role::Muted)),
                span(format!("{} ", fit(&until(row.next_expected(), self.now), 8)), theme, role(Role::Muted)),
            ];
            let shown: Vec<_> = row.check_ins.iter().take(strip_w).collect();
            spans.push(span(" ".repeat(strip_w - shown.len()), theme, role(Role::Text)));
            for check_in in shown.into_iter().rev() {
                let (glyph, r) = mark(&check_in.status);
                spans.push(span(glyph, theme, r));
            }
            let issue = row.issue().map_or("-".to_string(), |(_, short)| one_line(short));
            spans.push(span(format!(" {}", truncate(&issue, issue_w)), theme, role(Role::Link)));
            lines.push(Line::from(spans));
        }
        lines
    }
}

impl Widget for BoardView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let width = area.width as usize;
        let (lines, cursor) = match self.board {
            Board::Feedback(listing) => (self.feedback(listing, width), listing.cursor),
            Board::Monitors(listing) => (self.monitors(listing, width), listing.cursor),
        };
        // Keep the cursor's row (two heading lines above the first) on screen.
        let height = area.height as usize;
        let skip = (cursor + 3).saturating_sub(height);
        let mut shown: Vec<Line<'static>> = lines.iter().take(2).cloned().collect();
        shown.extend(lines.into_iter().skip(2 + skip));
        Paragraph::new(shown).render(area, buf);
    }
}
