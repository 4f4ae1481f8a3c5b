//! The standup screen: the digest's sections with their issues (the cursor's highlighted), then
//! counts per environment and per project. Built for the visible lines only; the cursor's line
//! is kept on screen.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::format::{ago, fit, thousands};
use crate::report::{SectionKind, Tally};
use crate::tui::sanitize::one_line;
use crate::tui::standup::{Standup, entries};
use crate::tui::state::Load;
use crate::tui::theme::{Role, Theme};

pub struct StandupView<'a> {
    pub standup: &'a Standup,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

fn heading_role(kind: SectionKind) -> Role {
    match kind {
        SectionKind::New | SectionKind::NewInRelease => Role::BadgeNew,
        SectionKind::Regressed => Role::BadgeRegressed,
        SectionKind::Escalating => Role::BadgeEscalating,
        SectionKind::Resolved => Role::BadgeResolved,
        SectionKind::UnassignedHighPriority => Role::PriorityHigh,
        _ => Role::Title,
    }
}

fn tallies(label: &str, tallies: &[Tally], width: usize, theme: &Theme) -> Line<'static> {
    let parts: Vec<String> = tallies
        .iter()
        .map(|t| {
            let (issues, events) = (crate::text::counted(t.issues, "issue"), crate::text::counted(t.events, "event"));
            format!("{} {issues}, {} new, {events}", one_line(&t.name), t.new)
        })
        .collect();
    let text = if parts.is_empty() { "none".to_string() } else { parts.join(" · ") };
    Line::from(vec![
        Span::styled(fit(label, 14), theme.style(Role::Header)),
        Span::styled(fit(&text, width.saturating_sub(14)), theme.style(Role::Muted)),
    ])
}

impl StandupView<'_> {
    /// Every line of the loaded screen, and which one the cursor is on.
    fn lines(&self, width: usize) -> (Vec<Line<'static>>, usize) {
        let theme = self.theme;
        let Some(digest) = self.standup.digest.ready() else {
            return (Vec::new(), 0);
        };
        let mut lines = vec![Line::styled(
            format!("    {}{}{:>7} {:>5} {:>6}", fit("ID", 0), fit("", 0), "EVENTS", "USERS", "SEEN"),
            theme.style(Role::Header),
        )];
        let mut cursor_line = 0;
        let mut index = 0;
        let short_width = entries(digest).iter().map(|(_, e)| one_line(&e.short_id).chars().count()).max().unwrap_or(8);
        let short_width = short_width.clamp(8, 22);
        // short id, title, events, users, last seen
        let numbers = 8 + 7 + 6;
        let title_width = width.saturating_sub(4 + short_width + 1 + numbers).max(10);
        lines[0] = Line::styled(
            format!(
                "    {}{}{:>7} {:>5} {:>6}",
                fit("ID", short_width + 1),
                fit("TITLE", title_width),
                "EVENTS",
                "USERS",
                "SEEN"
            ),
            theme.style(Role::Header),
        );
        for section in digest.all_sections() {
            let count = match section.total {
                Some(total) if total > section.entries.len() as u64 => {
                    format!(" ({} of {total})", section.entries.len())
                }
                _ => format!(" ({})", section.entries.len()),
            };
            let mut heading = vec![
                Span::styled(section.heading(one_line), self.theme.style(heading_role(section.kind))),
                Span::styled(count, theme.style(Role::Muted)),
            ];
            if section.entries.is_empty() {
                heading.push(Span::styled("  none", theme.style(Role::Dim)));
            }
            lines.push(Line::from(heading));
            for entry in &section.entries {
                let selected = index == self.standup.cursor;
                if selected {
                    cursor_line = lines.len();
                }
                let base = if selected { theme.style(Role::Selection) } else { theme.style(Role::Text) };
                let over = |role: Role| if selected { base } else { theme.style(role) };
                lines.push(Line::from(vec![
                    Span::styled(if selected { "  ▸ " } else { "    " }, base),
                    Span::styled(fit(&one_line(&entry.short_id), short_width + 1), over(Role::Muted)),
                    Span::styled(fit(&one_line(&entry.title), title_width), base),
                    Span::styled(format!("{:>7} ", thousands(entry.events)), over(Role::Count)),
                    Span::styled(format!("{:>5} ", thousands(entry.users)), over(Role::Count)),
                    Span::styled(format!("{:>6}", ago(entry.last_seen, self.now)), over(Role::Muted)),
                ]));
                index += 1;
            }
        }
        lines.push(Line::default());
        lines.push(tallies("Environments", &digest.environments, width, theme));
        lines.push(tallies("Projects", &digest.projects, width, theme));
        for note in &digest.notes {
            lines.push(Line::from(Span::styled(fit(&one_line(note), width), theme.style(Role::Dim))));
        }
        (lines, cursor_line)
    }
}

impl Widget for StandupView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 {
            return;
        }
        let theme = self.theme;
        let window = match self.standup.digest.ready() {
            Some(d) => format!(
                "last {} · {} → {} UTC",
                self.standup.window_label(),
                d.since.format("%b %d %H:%M"),
                d.until.format("%b %d %H:%M")
            ),
            None => format!("last {}", self.standup.window_label()),
        };
        let title = Line::from(vec![
            Span::styled(" Standup ", theme.style(Role::TabActive)),
            Span::styled(format!(" {window}"), theme.style(Role::Muted)),
        ]);
        buf.set_line(area.x, area.y, &title, area.width);
        let body = Rect::new(area.x + 1, area.y + 2, area.width.saturating_sub(2), area.height.saturating_sub(2));
        let message = |text: String, role: Role, buf: &mut Buffer| {
            buf.set_line(body.x, body.y, &Line::styled(fit(&text, body.width as usize), theme.style(role)), body.width);
        };
        match &self.standup.digest {
            Load::Idle | Load::Loading { .. } => message("Gathering the digest…".into(), Role::Muted, buf),
            Load::Failed(failure) => message(
                format!("Could not gather the digest: {} (ctrl-r retries)", one_line(&failure.message)),
                Role::StatusError,
                buf,
            ),
            Load::Ready(_) => {
                let (lines, cursor_line) = self.lines(body.width as usize);
                let height = body.height as usize;
                // The cursor's line stays visible, with its section heading when it fits; on
                // the last entry the screen scrolls to its end (the counts per environment and
                // per project come after every entry).
                let last = self.standup.digest.ready().is_some_and(|d| self.standup.cursor + 1 >= entries(d).len());
                let bottom = lines.len().saturating_sub(height);
                let top = if last { bottom } else { (cursor_line + 2).saturating_sub(height).min(bottom) };
                for (i, line) in lines.iter().skip(top).take(height).enumerate() {
                    buf.set_line(body.x, body.y + i as u16, line, body.width);
                }
            }
        }
    }
}
