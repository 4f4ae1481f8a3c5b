//! What the opened issue draws beside its event: the Feedback section (each feedback's
//! person, contact, page and message), the Attachments line (the event's attachments, the
//! selected one marked) and the attachment pager. Every string from the server is sanitised.

use chrono::{DateTime, Utc};
use ratatui::text::{Line, Span};

use super::format::{ago, fit, truncate};
use crate::tui::detail::Section;
use crate::tui::sanitize::one_line;
use crate::tui::sidecar::{Pager, Sidecar};
use crate::tui::state::Load;
use crate::tui::theme::{Role, Theme};

fn clip(text: &str, width: usize) -> String {
    let prefix: String = text.chars().take(width.saturating_mul(2) + 8).collect();
    truncate(&one_line(&prefix), width)
}

fn span(text: impl Into<String>, theme: &Theme, role: Role) -> Span<'static> {
    Span::styled(text.into(), theme.style(role))
}

/// `18 B`, `4.2 KB`, `3.1 MB`.
pub fn size(bytes: u64) -> String {
    match bytes {
        0..=1023 => format!("{bytes} B"),
        1024..=1_048_575 => format!("{:.1} KB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// The Feedback section: newest first, a heading line per feedback and its message wrapped.
pub fn feedback(sidecar: &Sidecar, theme: &Theme, width: usize, now: DateTime<Utc>) -> Vec<Line<'static>> {
    let reports = match &sidecar.feedback {
        Load::Ready(reports) => reports,
        Load::Failed(failure) => {
            let text = format!("feedback unavailable: {}", one_line(&failure.message));
            return vec![Line::from(span(text, theme, Role::StatusError))];
        }
        _ => return vec![Line::from(span("loading the feedback…", theme, Role::Muted))],
    };
    if reports.is_empty() {
        return vec![Line::from(span("No feedback about this issue yet.", theme, Role::Muted))];
    }
    let mut lines = Vec::new();
    for report in reports {
        let who = if report.name.trim().is_empty() { "anonymous" } else { report.name.as_str() };
        let mut heading = vec![
            span(format!("{:>5}  ", ago(report.date_created, now)), theme, Role::LineNumber),
            span(clip(who, 24), theme, Role::Title),
        ];
        if !report.email.is_empty() {
            heading.push(span(format!(" <{}>", clip(&report.email, 32)), theme, Role::Muted));
        }
        lines.push(Line::from(heading));
        if let Some(url) = report.url.as_deref().filter(|u| !u.is_empty()) {
            lines.push(Line::from(span(format!("       {}", clip(url, width.saturating_sub(7))), theme, Role::Link)));
        }
        let text_width = width.saturating_sub(7).max(10);
        for part in wrap(&one_line(&report.comments), text_width).into_iter().take(4) {
            lines.push(Line::from(span(format!("       {part}"), theme, Role::Text)));
        }
        lines.push(Line::default());
    }
    lines
}

/// Cuts sanitised text into lines of at most `width` characters, at spaces where it can.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let extra = if line.is_empty() { 0 } else { 1 };
        if !line.is_empty() && line.chars().count() + extra + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.chars().count() > width {
            let rest: String = line.chars().skip(width).collect();
            lines.push(line.chars().take(width).collect());
            line = rest;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The Attachments line, when the event has any: each name, type and size, the selected one
/// marked.
pub fn attachments(sidecar: &Sidecar, theme: &Theme, width: usize) -> Option<Line<'static>> {
    let list = sidecar.attachments.ready().filter(|a| !a.is_empty())?;
    let mut spans = vec![span("Attachments ", theme, Role::Header)];
    let mut used = "Attachments ".len();
    for (index, attachment) in list.iter().enumerate() {
        let text = format!(" {} · {} ", clip(&attachment.name, 28), size(attachment.size));
        let w = unicode_width::UnicodeWidthStr::width(text.as_str());
        if used + w > width {
            spans.push(span("…", theme, Role::Muted));
            break;
        }
        used += w + 1;
        let role = if index == sidecar.selected { Role::Selection } else { Role::Text };
        spans.push(span(text, theme, role));
        spans.push(Span::raw(" "));
    }
    Some(Line::from(spans))
}

/// The pager over the section body: the attachment's name, where it stands, and its lines.
pub fn pager(pager: &Pager, theme: &Theme, width: usize, height: usize) -> Vec<Line<'static>> {
    let shown = height.saturating_sub(1);
    let start = pager.scroll.min(pager.lines.len().saturating_sub(shown.max(1)));
    let end = (start + shown).min(pager.lines.len());
    let cut = if pager.cut { " (cut at 1 MB)" } else { "" };
    let title = format!(
        "{} · lines {}-{} of {}{cut} · Esc closes",
        pager.name,
        if pager.lines.is_empty() { 0 } else { start + 1 },
        end,
        pager.lines.len()
    );
    let mut lines = vec![Line::from(span(fit(&truncate(&title, width), width), theme, Role::Header))];
    for (number, text) in pager.lines.iter().enumerate().skip(start).take(shown) {
        lines.push(Line::from(vec![
            span(format!("{:>5} ", number + 1), theme, Role::LineNumber),
            span(truncate(text, width.saturating_sub(6)), theme, Role::Text),
        ]));
    }
    lines
}

/// The header's feedback count (` · 2 feedback`), once there is any.
pub fn feedback_count(detail: &crate::tui::detail::Detail) -> String {
    match detail.sidecar.feedback_count() {
        Some(n) if n > 0 => format!(" · {n} feedback"),
        _ => String::new(),
    }
}

/// A section's tab label where the full ones do not fit.
pub fn short_label(section: Section) -> &'static str {
    match section {
        Section::Breadcrumbs => "Crumbs",
        Section::Request => "Req",
        Section::Context => "Ctx",
        Section::Activity => "Log",
        Section::Feedback => "Feedback",
        other => other.label(),
    }
}
