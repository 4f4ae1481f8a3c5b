//! The Alerts screen: a title line with the outbox's counts, the rules (status, project, name,
//! when → then, last firing and its delivery state) and the log of recent firings (time, rule,
//! issue, why, delivery state and the reason of a failure), the focused pane's cursor
//! highlighted; the rule form drawn over it when open. Every string from the server goes
//! through the sanitiser.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::format::{ago, fit};
use crate::alerts::{parse, render};
use crate::api::{AlertFiring, AlertRule};
use crate::tui::alerts::{AlertsScreen, Pane};
use crate::tui::alerts_form::RuleForm;
use crate::tui::sanitize::one_line;
use crate::tui::state::Load;
use crate::tui::theme::{Role, Theme};

pub struct AlertsView<'a> {
    pub screen: &'a AlertsScreen,
    pub projects: &'a [String],
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

/// "new issue or regression → console", from the rule when sift can read it, else the names.
pub fn summary(rule: &AlertRule) -> String {
    if let Ok(parsed) = parse::rule(&rule.raw) {
        let when: Vec<String> = parsed.rule.conditions.iter().map(render::condition_label).collect();
        let then: Vec<String> = parsed.rule.actions.iter().map(render::action_label).collect();
        let joiner = match parsed.rule.action_match {
            crate::alerts::rule::Match::All => " and ",
            _ => " or ",
        };
        let mut text = format!("{} → {}", when.join(joiner), then.join(", "));
        if let Some(env) = &parsed.rule.environment {
            text = format!("[{env}] {text}");
        }
        return text;
    }
    let when: Vec<&str> = rule.conditions.iter().map(|c| c.label()).collect();
    let then: Vec<&str> = rule.actions.iter().map(|a| a.label()).collect();
    format!("{} → {}", when.join(" or "), then.join(", "))
}

fn state_role(state: &str) -> Role {
    match state {
        "sent" | "console" => Role::StatusOk,
        "failed" | "dropped" => Role::StatusError,
        "retrying" | "pending" => Role::StatusWarn,
        _ => Role::Muted,
    }
}

/// "12s ago", "just now".
fn when(firing: &AlertFiring, now: DateTime<Utc>) -> String {
    match ago(firing.date_fired, now).as_str() {
        "now" => "just now".into(),
        other => format!("{other} ago"),
    }
}

/// `text` in a column `width` wide, then the space that separates it from the next.
fn cell(text: &str, width: usize) -> String {
    format!("{} ", fit(text, width))
}

/// "sent", "retrying: HTTP 503", "failed: could not connect".
fn delivery(firing: &AlertFiring) -> String {
    match firing.problem() {
        Some(problem) => format!("{}: {}", firing.state(), one_line(problem)),
        None => firing.state().to_string(),
    }
}

impl AlertsView<'_> {
    fn rule_lines(&self, width: usize, focused: bool) -> (Vec<Line<'static>>, usize) {
        let theme = self.theme;
        let rules = self.screen.rules();
        let mut lines = Vec::new();
        let mut cursor_line = 0;
        let project_width = rules.iter().map(|r| one_line(&r.project).chars().count()).max().unwrap_or(7).clamp(7, 16);
        let name_width = (width / 4).clamp(12, 32);
        let last_width = if width >= 110 { 34 } else { 22 };
        let what_width = width.saturating_sub(4 + 2 + project_width + 1 + name_width + 1 + last_width + 1).max(8);
        for (i, row) in rules.iter().enumerate() {
            let selected = focused && i == self.screen.rule_cursor;
            if selected {
                cursor_line = lines.len();
            }
            let base = if selected { theme.style(Role::Selection) } else { theme.style(Role::Text) };
            let over = |role: Role| if selected { base } else { theme.style(role) };
            let (dot, dot_role) = if row.rule.enabled() { ("● ", Role::StatusOk) } else { ("○ ", Role::Dim) };
            let mut name = one_line(&row.rule.name);
            if row.rule.origin.as_deref() == Some("config") {
                name.push_str(" (config)");
            }
            let (last, last_role) = match &row.rule.last_firing {
                Some(f) => (format!("{} · {}", when(f, self.now), delivery(f)), state_role(f.state())),
                None if row.rule.enabled() => ("never fired".into(), Role::Dim),
                None => ("disabled".into(), Role::Dim),
            };
            lines.push(Line::from(vec![
                Span::styled(if selected { "  ▸ " } else { "    " }, base),
                Span::styled(dot, over(dot_role)),
                Span::styled(cell(&one_line(&row.project), project_width), over(Role::Muted)),
                Span::styled(cell(&name, name_width), base),
                Span::styled(cell(&one_line(&summary(&row.rule)), what_width), over(Role::Muted)),
                Span::styled(fit(&last, last_width), over(last_role)),
            ]));
        }
        if rules.is_empty() {
            lines.push(Line::styled("    No rules yet: n creates one.", theme.style(Role::Muted)));
        }
        (lines, cursor_line)
    }

    fn log_lines(&self, width: usize, focused: bool) -> (Vec<Line<'static>>, usize) {
        let theme = self.theme;
        let mut lines = Vec::new();
        let mut cursor_line = 0;
        let firings = self.screen.firings();
        let rule_width = (width / 5).clamp(10, 28);
        let issue_width = 12;
        let why_width = if width >= 110 { 30 } else { 12 };
        let state_width = width.saturating_sub(4 + 9 + rule_width + 1 + issue_width + 1 + why_width + 1).max(8);
        for (i, firing) in firings.iter().enumerate() {
            let selected = focused && i == self.screen.log_cursor;
            if selected {
                cursor_line = lines.len();
            }
            let base = if selected { theme.style(Role::Selection) } else { theme.style(Role::Text) };
            let over = |role: Role| if selected { base } else { theme.style(role) };
            let when = firing.date_fired.map(|d| d.format("%H:%M:%S").to_string()).unwrap_or_default();
            let issue = firing.issue.as_ref().and_then(|i| i.short_id.clone()).unwrap_or_else(|| "-".into());
            let why = if firing.test { format!("test: {}", firing.reason) } else { firing.reason.clone() };
            lines.push(Line::from(vec![
                Span::styled(if selected { "  ▸ " } else { "    " }, base),
                Span::styled(cell(&when, 8), over(Role::Muted)),
                Span::styled(cell(&one_line(&firing.rule.name), rule_width), base),
                Span::styled(cell(&one_line(&issue), issue_width), over(Role::Muted)),
                Span::styled(cell(&one_line(&why), why_width), over(Role::Muted)),
                Span::styled(fit(&delivery(firing), state_width), over(state_role(firing.state()))),
            ]));
        }
        if firings.is_empty() {
            lines.push(Line::styled("    Nothing has fired yet.", theme.style(Role::Muted)));
        }
        (lines, cursor_line)
    }

    fn title(&self) -> Line<'static> {
        let theme = self.theme;
        let mut spans = vec![Span::styled(" Alerts ", theme.style(Role::TabActive))];
        let note = if self.screen.remote {
            " rules of the remote tracker, read-only".to_string()
        } else {
            match self.screen.data.ready().and_then(|d| d.outbox) {
                Some(o) => format!(
                    " outbox: {} pending · {} retrying · {} failed · {} dropped · {} sent",
                    o.pending, o.retrying, o.failed, o.dropped, o.sent
                ),
                None => String::new(),
            }
        };
        let dropped = self.screen.data.ready().and_then(|d| d.outbox).is_some_and(|o| o.dropped > 0);
        spans.push(Span::styled(note, theme.style(if dropped { Role::StatusError } else { Role::Muted })));
        Line::from(spans)
    }
}

/// Draws `lines` in `area` from the line that keeps `cursor` in view.
fn window(lines: &[Line<'static>], cursor: usize, area: Rect, buf: &mut Buffer) {
    let height = area.height as usize;
    let top = (cursor + 1).saturating_sub(height).min(lines.len().saturating_sub(height));
    for (i, line) in lines.iter().skip(top).take(height).enumerate() {
        buf.set_line(area.x, area.y + i as u16, line, area.width);
    }
}

impl Widget for AlertsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height < 3 {
            return;
        }
        let theme = self.theme;
        buf.set_line(area.x, area.y, &self.title(), area.width);
        let body = Rect::new(area.x, area.y + 2, area.width, area.height.saturating_sub(2));
        let message = |text: String, role: Role, buf: &mut Buffer| {
            let line = Line::styled(fit(&text, body.width.saturating_sub(2) as usize), theme.style(role));
            buf.set_line(body.x + 1, body.y, &line, body.width);
        };
        match &self.screen.data {
            Load::Idle | Load::Loading { .. } => message("Loading alert rules…".into(), Role::Muted, buf),
            Load::Failed(failure) => message(
                format!("Could not load the alert rules: {} (ctrl-r retries)", one_line(&failure.message)),
                Role::StatusError,
                buf,
            ),
            Load::Ready(_) => {
                let width = body.width as usize;
                let pane = self.screen.pane;
                let (rules, rule_cursor) = self.rule_lines(width, pane == Pane::Rules);
                let heading = |text: String, focused: bool| {
                    Line::styled(text, theme.style(if focused { Role::Title } else { Role::Header }))
                };
                let rules_heading = heading(format!(" Rules ({})", self.screen.rules().len()), pane == Pane::Rules);
                if self.screen.remote {
                    buf.set_line(body.x, body.y, &rules_heading, body.width);
                    let list = Rect::new(body.x, body.y + 1, body.width, body.height.saturating_sub(1));
                    window(&rules, rule_cursor, list, buf);
                } else {
                    // The rules take what they need, up to half; the log the rest.
                    let rules_height = (rules.len() as u16).clamp(1, (body.height.saturating_sub(4)) / 2).max(1);
                    buf.set_line(body.x, body.y, &rules_heading, body.width);
                    window(&rules, rule_cursor, Rect::new(body.x, body.y + 1, body.width, rules_height), buf);
                    let log_top = body.y + 1 + rules_height + 1;
                    let log_heading =
                        heading(format!(" Recent firings ({})", self.screen.firings().len()), pane == Pane::Log);
                    buf.set_line(body.x, log_top, &log_heading, body.width);
                    let (log, log_cursor) = self.log_lines(width, pane == Pane::Log);
                    let log_area =
                        Rect::new(body.x, log_top + 1, body.width, (body.y + body.height).saturating_sub(log_top + 1));
                    window(&log, log_cursor, log_area, buf);
                }
            }
        }
        if let Some(form) = &self.screen.form {
            FormView { form, projects: self.projects, theme }.render(area, buf);
        }
    }
}

struct FormView<'a> {
    form: &'a RuleForm,
    projects: &'a [String],
    theme: &'a Theme,
}

impl Widget for FormView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let fields = self.form.fields();
        let width = area.width.saturating_sub(4).min(76);
        let extra = u16::from(self.form.partial) + if self.form.error.is_some() { 2 } else { 0 };
        let height = (fields.len() as u16 + 4 + extra).min(area.height);
        let rect = Rect::new(area.x + (area.width - width) / 2, area.y + (area.height - height) / 2, width, height);
        Clear.render(rect, buf);
        let title = if self.form.editing.is_some() { " Edit rule " } else { " New rule " };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style(Role::BorderFocused))
            .title(Span::styled(title, theme.style(Role::Title)));
        let inner = block.inner(rect);
        block.render(rect, buf);
        let label_width = 16usize;
        let value_width = (inner.width as usize).saturating_sub(label_width + 1);
        let mut y = inner.y;
        if self.form.partial {
            let note = "more than this form shows: only these change";
            buf.set_line(
                inner.x,
                y,
                &Line::styled(fit(note, inner.width as usize), theme.style(Role::Dim)),
                inner.width,
            );
            y += 1;
        }
        for field in fields {
            if y >= inner.y + inner.height.saturating_sub(2) {
                break;
            }
            let focused = field == self.form.focus;
            let value = one_line(&self.form.value(field, self.projects));
            let (shown, role) = if value.is_empty()
                || (field == crate::tui::alerts_form::Field::Frequency && self.form.frequency.text.is_empty())
            {
                (self.form.placeholder(field).to_string(), Role::Dim)
            } else if field.is_text() {
                (value, Role::Text)
            } else {
                (format!("‹ {value} ›"), Role::Text)
            };
            let label_style = if focused { theme.style(Role::Selection) } else { theme.style(Role::Header) };
            let value_style: Style = if focused { theme.style(Role::CursorLine) } else { theme.style(role) };
            let cursor = if focused && field.is_text() { "▏" } else { "" };
            buf.set_line(
                inner.x,
                y,
                &Line::from(vec![
                    Span::styled(fit(field.label(), label_width), label_style),
                    Span::raw(" "),
                    Span::styled(fit(&format!("{shown}{cursor}"), value_width), value_style),
                ]),
                inner.width,
            );
            y += 1;
        }
        let bottom = inner.y + inner.height.saturating_sub(1);
        if let Some(error) = &self.form.error {
            // Two lines: the server's detail names the field and what it takes.
            let width = inner.width as usize;
            let text = one_line(error);
            let first: String = text.chars().take(width).collect();
            let rest: String = text.chars().skip(width).collect();
            let style = theme.style(Role::StatusError);
            buf.set_line(inner.x, bottom.saturating_sub(2), &Line::styled(first, style), inner.width);
            buf.set_line(inner.x, bottom.saturating_sub(1), &Line::styled(fit(&rest, width), style), inner.width);
        }
        let hint = if self.form.saving.is_some() {
            "saving…"
        } else {
            "enter save · esc cancel · tab/↑↓ field · ←→ choose"
        };
        buf.set_line(
            inner.x,
            bottom,
            &Line::styled(fit(hint, inner.width as usize), theme.style(Role::KeyDesc)),
            inner.width,
        );
    }
}
