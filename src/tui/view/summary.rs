//! The opened issue's summary: what the list row says and more (culprit, error type and value,
//! state with its details, counts, first and last seen with releases, assignee, permalink and
//! a wide sparkline). Beside the list at 120 columns and more; instead of it when narrower.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::format::{ago, sparkline, thousands};
use crate::api::Issue;
use crate::tui::sanitize::one_line;
use crate::tui::state::Row;
use crate::tui::theme::{Role, Theme};

pub struct IssueSummaryView<'a> {
    pub row: &'a Row,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
    pub stats_key: &'a str,
}

fn field<'a>(label: &str, value: String, theme: &Theme, role: Role) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<11}"), theme.style(Role::Muted)),
        Span::styled(value, theme.style(role)),
    ])
}

fn state_text(issue: &Issue) -> String {
    let status = issue.status.as_ref().map_or("unknown", |s| s.as_str()).to_string();
    let mut text = match &issue.substatus {
        Some(sub) => format!("{status} ({})", sub.as_str().replace('_', " ")),
        None => status,
    };
    let details = &issue.status_details;
    if details.in_next_release == Some(true) {
        text.push_str(" · in the next release");
    }
    if let Some(release) = &details.in_release {
        text.push_str(&format!(" · in {}", one_line(release)));
    }
    if let Some(count) = details.ignore_count {
        text.push_str(&format!(" · until {count} more events"));
    }
    if let Some(users) = details.ignore_user_count {
        text.push_str(&format!(" · until {users} more users"));
    }
    if let Some(until) = details.ignore_until {
        text.push_str(&format!(" · until {}", until.format("%Y-%m-%d %H:%M UTC")));
    }
    text
}

impl Widget for IssueSummaryView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let issue = &self.row.issue;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style(Role::BorderFocused))
            .title(Span::styled(format!(" {} ", one_line(&issue.short_id)), theme.style(Role::Title)));
        let inner_width = area.width.saturating_sub(2) as usize;
        let release = |r: &Option<crate::api::models::Release>| r.as_ref().map(|r| one_line(r.display_version()));
        let seen = |at: Option<DateTime<Utc>>, release: Option<String>| {
            let when = at.map(|t| format!("{} ago ({})", ago(Some(t), self.now), t.format("%Y-%m-%d %H:%M UTC")));
            let mut text = when.unwrap_or_else(|| "-".into());
            if let Some(release) = release {
                text.push_str(&format!(" in {release}"));
            }
            text
        };
        let values: Vec<u64> =
            issue.stats.series(self.stats_key).map(|p| p.iter().map(|p| p.count).collect()).unwrap_or_default();
        let mut lines = vec![
            Line::from(Span::styled(one_line(&issue.title), theme.style(Role::Title))),
            Line::from(Span::styled(
                issue.culprit.as_deref().map(one_line).unwrap_or_default(),
                theme.style(Role::Muted),
            )),
            Line::default(),
            field("state", state_text(issue), theme, Role::Text),
            field("level", issue.level.as_ref().map_or("-", |l| l.as_str()).to_string(), theme, Role::Text),
            field("priority", issue.priority.as_ref().map_or("-", |p| p.as_str()).to_string(), theme, Role::Text),
            field("events", thousands(issue.count), theme, Role::Count),
            field("users", thousands(issue.user_count), theme, Role::Count),
            field("first seen", seen(issue.first_seen, release(&issue.first_release)), theme, Role::Text),
            field("last seen", seen(issue.last_seen, release(&issue.last_release)), theme, Role::Text),
            field(
                "assignee",
                issue.assigned_to.as_ref().map_or("nobody".into(), |a| one_line(a.name.as_deref().unwrap_or(&a.id))),
                theme,
                Role::Text,
            ),
            field("project", one_line(&issue.project.slug), theme, Role::Text),
            field("bookmarked", if issue.is_bookmarked { "yes" } else { "no" }.into(), theme, Role::Text),
            field(self.stats_key, sparkline(&values, inner_width.saturating_sub(11)), theme, Role::Sparkline),
        ];
        if let Some(kind) = &issue.metadata.kind {
            lines.push(field("error", one_line(kind), theme, Role::LevelError));
        }
        if let Some(value) = &issue.metadata.value {
            lines.push(field("value", one_line(value), theme, Role::Text));
        }
        if let Some(link) = &issue.permalink {
            lines.push(field("permalink", one_line(link), theme, Role::Link));
        }
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(block).render(area, buf);
    }
}
