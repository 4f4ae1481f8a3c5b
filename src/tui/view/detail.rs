//! The opened issue: a header (title, culprit, state, counts, the event shown and how to step),
//! section tabs, and the section's body: the exception chain with frames and the selected
//! frame's source context and locals; breadcrumbs; the request; tags and contexts. Every string
//! from the event is sanitised before drawing.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use serde_json::Value;

use super::format::{ago, fit, thousands};
use crate::api::Issue;
use crate::api::models::{Event, Frame};
use crate::tui::detail::{Detail, EventPick, Section, shown_exceptions};
use crate::tui::sanitize::one_line;
use crate::tui::state::Load;
use crate::tui::theme::{Role, Theme};

pub struct IssueDetailView<'a> {
    pub issue: &'a Issue,
    pub detail: &'a Detail,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

fn span(text: impl Into<String>, theme: &Theme, role: Role) -> Span<'static> {
    Span::styled(text.into(), theme.style(role))
}

/// A compact one-line rendering of a JSON value.
fn compact(value: &Value) -> String {
    match value {
        Value::String(s) => one_line(s),
        other => one_line(&other.to_string()),
    }
}

fn frame_title(frame: &Frame) -> String {
    let file = frame.filename.as_deref().or(frame.abs_path.as_deref()).or(frame.module.as_deref()).unwrap_or("?");
    let function = frame.function.as_deref().unwrap_or("?");
    let line = frame.line_no.map(|l| format!(" at line {l}")).unwrap_or_default();
    one_line(&format!("{file} in {function}{line}"))
}

impl IssueDetailView<'_> {
    fn header(&self) -> Vec<Line<'static>> {
        let (theme, issue) = (self.theme, self.issue);
        let state = match (&issue.status, &issue.substatus) {
            (Some(status), Some(sub)) => format!("{} ({})", status.as_str(), sub.as_str().replace('_', " ")),
            (Some(status), None) => status.as_str().to_string(),
            _ => "unknown".into(),
        };
        let assignee =
            issue.assigned_to.as_ref().map_or("nobody".into(), |a| one_line(a.name.as_deref().unwrap_or(&a.id)));
        let mut lines = vec![
            Line::from(vec![
                span(format!("{} ", one_line(&issue.short_id)), theme, Role::Muted),
                span(one_line(&issue.title), theme, Role::Title),
            ]),
            Line::from(span(issue.culprit.as_deref().map(one_line).unwrap_or_default(), theme, Role::Muted)),
            Line::from(vec![
                span(state, theme, Role::Text),
                span(
                    format!(" · priority {}", issue.priority.as_ref().map_or("-", |p| p.as_str())),
                    theme,
                    Role::Muted,
                ),
                span(
                    format!(" · {} events · {} users", thousands(issue.count), thousands(issue.user_count)),
                    theme,
                    Role::Count,
                ),
                span(
                    format!(
                        " · first seen {} · last seen {} · {assignee}",
                        ago(issue.first_seen, self.now),
                        ago(issue.last_seen, self.now)
                    ),
                    theme,
                    Role::Muted,
                ),
            ]),
        ];
        let event_line = match &self.detail.event {
            Load::Ready(event) => {
                let which = match &self.detail.pick {
                    Some(EventPick::Latest) => "latest event",
                    Some(EventPick::Oldest) => "oldest event",
                    Some(EventPick::Recommended) => "recommended event",
                    _ => "event",
                };
                let at = event.date_created.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_default();
                let mut text =
                    format!("{which} {} · {at}", one_line(&event.event_id.chars().take(8).collect::<String>()));
                for key in ["environment", "release"] {
                    if let Some(value) = event.tag(key) {
                        text.push_str(&format!(" · {key} {}", one_line(value)));
                    }
                }
                let older = if event.previous_event_id.is_some() { "[ older" } else { "(oldest)" };
                let newer = if event.next_event_id.is_some() { "] newer" } else { "(latest)" };
                Line::from(vec![
                    span(text, theme, Role::Text),
                    span(format!("   {older} · {newer}"), theme, Role::KeyDesc),
                ])
            }
            Load::Failed(failure) => {
                Line::from(span(format!("event unavailable: {}", one_line(&failure.message)), theme, Role::StatusError))
            }
            _ => Line::from(span("loading the event…", theme, Role::Muted)),
        };
        lines.push(event_line);
        lines
    }

    fn tabs(&self) -> Line<'static> {
        let mut spans = Vec::new();
        for section in Section::ALL {
            let role = if section == self.detail.section { Role::TabActive } else { Role::Tab };
            spans.push(span(format!(" {} ", section.label()), self.theme, role));
            spans.push(Span::raw(" "));
        }
        Line::from(spans)
    }

    /// The stack section's lines and the line the selected frame starts on.
    fn stack(&self, event: &Event, width: usize) -> (Vec<Line<'static>>, usize) {
        let (theme, detail) = (self.theme, self.detail);
        let mut lines = Vec::new();
        let mut selected_line = 0;
        let mut index = 0;
        let exceptions = shown_exceptions(event, detail.newest_first, detail.all_frames);
        if exceptions.is_empty() {
            let message =
                event.message_entry().and_then(|m| m.formatted.clone().or(m.message.clone())).or(event.message.clone());
            lines.push(Line::from(span(message.map(|m| one_line(&m)).unwrap_or_default(), theme, Role::Text)));
            lines.push(Line::from(span("This event has no stack trace.", theme, Role::Muted)));
        }
        for shown in exceptions {
            let exception = shown.exception;
            let title = match (&exception.kind, &exception.value) {
                (Some(kind), Some(value)) => format!("{kind}: {value}"),
                (Some(kind), None) => kind.clone(),
                (None, Some(value)) => value.clone(),
                (None, None) => "exception".into(),
            };
            lines.push(Line::from(span(one_line(&title), theme, Role::LevelError)));
            if let Some(mechanism) = &exception.mechanism {
                let handled = match mechanism.handled {
                    Some(false) => "unhandled",
                    Some(true) => "handled",
                    None => "handled?",
                };
                let kind = mechanism.kind.as_deref().unwrap_or("generic");
                lines.push(Line::from(span(format!("{handled} · mechanism {}", one_line(kind)), theme, Role::Muted)));
            }
            if shown.hidden > 0 {
                lines.push(Line::from(span(
                    format!("{} library frames hidden (f shows them)", shown.hidden),
                    theme,
                    Role::Dim,
                )));
            }
            for frame in shown.frames {
                let selected = index == detail.frame;
                if selected {
                    selected_line = lines.len();
                }
                let role = if selected {
                    Role::Selection
                } else if frame.in_app == Some(true) {
                    Role::FrameInApp
                } else {
                    Role::FrameSystem
                };
                let marker = if selected { "▾ " } else { "▸ " };
                lines.push(Line::from(span(fit(&format!("  {marker}{}", frame_title(frame)), width), theme, role)));
                if selected {
                    lines.extend(self.frame_body(frame, width));
                }
                index += 1;
            }
            lines.push(Line::default());
        }
        (lines, selected_line)
    }

    fn frame_body(&self, frame: &Frame, width: usize) -> Vec<Line<'static>> {
        let theme = self.theme;
        let mut lines = Vec::new();
        let highlighted = self.detail.highlighted.get(&crate::tui::detail::frame_key(frame));
        for (i, context) in frame.context.iter().enumerate() {
            let crash = Some(context.line_no) == frame.line_no;
            let number_role = if crash { Role::CrashLine } else { Role::LineNumber };
            let number = span(format!("    {:>5} ", context.line_no), theme, number_role);
            let marker = if crash { span("→ ", theme, Role::CrashLine) } else { span("  ", theme, Role::Text) };
            let room = width.saturating_sub(14);
            let mut spans = vec![number, marker];
            match highlighted.and_then(|h| h.get(i)) {
                Some(pieces) => {
                    // Syntax colours, fitted to the terminal's colour depth, cut to the width.
                    let mut used = 0;
                    for (style, text) in pieces {
                        if used >= room {
                            break;
                        }
                        let piece = super::format::truncate(text, room - used);
                        used += unicode_width::UnicodeWidthStr::width(piece.as_str());
                        let style = theme.depth().adapt_style(*style);
                        let style = if crash { theme.style(Role::CrashLine).patch(style) } else { style };
                        spans.push(Span::styled(piece, style));
                    }
                }
                None => {
                    let role = if crash { Role::CrashLine } else { Role::Text };
                    spans.push(span(fit(&one_line(&context.text.replace('\t', "    ")), room), theme, role));
                }
            }
            lines.push(Line::from(spans));
        }
        if frame.context.is_empty() {
            lines.push(Line::from(span("    (no source context sent for this frame)", theme, Role::Dim)));
        }
        if let Some(Value::Object(vars)) = &frame.vars
            && !vars.is_empty()
        {
            lines.push(Line::from(span("    locals", theme, Role::Muted)));
            let key_width = vars.keys().map(|k| k.chars().count()).max().unwrap_or(4).min(24);
            for (name, value) in vars {
                let text = fit(&compact(value), width.saturating_sub(key_width + 9));
                lines.push(Line::from(vec![
                    span(format!("      {} ", fit(&one_line(name), key_width)), theme, Role::JsonKey),
                    span(text, theme, Role::JsonString),
                ]));
            }
        }
        lines
    }

    fn breadcrumbs(&self, event: &Event, width: usize) -> Vec<Line<'static>> {
        let theme = self.theme;
        let Some(crumbs) = event.breadcrumbs().filter(|b| !b.values.is_empty()) else {
            return vec![Line::from(span("This event has no breadcrumbs.", theme, Role::Muted))];
        };
        crumbs
            .values
            .iter()
            .map(|crumb| {
                let when = match (crumb.timestamp, event.date_created) {
                    (Some(t), Some(at)) => format!("{:>8.1}s", (t - at).num_milliseconds() as f64 / 1000.0),
                    _ => "        ".into(),
                };
                let level = crumb.level.as_deref().unwrap_or("info");
                let role = match level {
                    "fatal" | "error" => Role::LevelError,
                    "warning" => Role::LevelWarning,
                    "debug" => Role::LevelDebug,
                    _ => Role::LevelInfo,
                };
                let kind = crumb.category.as_deref().or(crumb.kind.as_deref()).unwrap_or("default");
                let message = crumb
                    .message
                    .clone()
                    .map(|m| one_line(&m))
                    .or_else(|| crumb.data.as_ref().map(compact))
                    .unwrap_or_default();
                Line::from(vec![
                    span(format!("{when} "), theme, Role::LineNumber),
                    span(format!("{:<14}", fit(&one_line(kind), 14)), theme, Role::Muted),
                    span(format!("{:<8}", fit(level, 8)), theme, role),
                    span(fit(&message, width.saturating_sub(32)), theme, Role::Text),
                ])
            })
            .collect()
    }

    fn pairs(&self, title: &str, pairs: &[(String, String)], width: usize) -> Vec<Line<'static>> {
        let theme = self.theme;
        if pairs.is_empty() {
            return Vec::new();
        }
        let key_width = pairs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(4).min(28);
        let mut lines = vec![Line::from(span(title.to_string(), theme, Role::Header))];
        for (key, value) in pairs {
            lines.push(Line::from(vec![
                span(format!("  {} ", fit(&one_line(key), key_width)), theme, Role::JsonKey),
                span(fit(&one_line(value), width.saturating_sub(key_width + 3)), theme, Role::Text),
            ]));
        }
        lines.push(Line::default());
        lines
    }

    fn request(&self, event: &Event, width: usize) -> Vec<Line<'static>> {
        let theme = self.theme;
        let Some(request) = event.request() else {
            return vec![Line::from(span("This event has no request.", theme, Role::Muted))];
        };
        let method = request.method.as_deref().unwrap_or("GET");
        let mut lines = vec![
            Line::from(span(
                one_line(&format!("{method} {}", request.url.as_deref().unwrap_or(""))),
                theme,
                Role::Title,
            )),
            Line::default(),
        ];
        lines.extend(self.pairs("query", &request.query, width));
        lines.extend(self.pairs("headers", &request.headers, width));
        lines.extend(self.pairs("cookies", &request.cookies, width));
        if let Some(body) = &request.data {
            lines.push(Line::from(span("body", theme, Role::Header)));
            let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
            for line in pretty.lines() {
                lines.push(Line::from(span(fit(&format!("  {}", one_line(line)), width), theme, Role::JsonString)));
            }
            lines.push(Line::default());
        }
        let env: Vec<(String, String)> = request.env.iter().map(|(k, v)| (k.clone(), compact(v))).collect();
        lines.extend(self.pairs("env", &env, width));
        lines
    }

    /// The issue's tag distributions: top values with their share as a bar; the cursor picks a
    /// value (Enter filters the list by it).
    fn issue_tags(&self, width: usize) -> (Vec<Line<'static>>, usize) {
        let theme = self.theme;
        let tags = match &self.detail.tags {
            Load::Ready(tags) if tags.is_empty() => {
                return (vec![Line::from(span("This issue has no tags.", theme, Role::Muted))], 0);
            }
            Load::Ready(tags) => tags,
            Load::Failed(failure) => {
                let text = format!("tags unavailable: {}", one_line(&failure.message));
                return (vec![Line::from(span(text, theme, Role::StatusError))], 0);
            }
            _ => return (vec![Line::from(span("loading tags…", theme, Role::Muted))], 0),
        };
        let mut lines = Vec::new();
        let mut index = 0;
        let mut selected_line = 0;
        let value_width = (width / 3).clamp(12, 40);
        for tag in tags {
            let total = tag.total_values.unwrap_or_else(|| tag.top_values.iter().map(|v| v.count).sum()).max(1);
            let unique = tag.unique_values.map(|u| format!(", {u} values")).unwrap_or_default();
            lines.push(Line::from(vec![
                span(one_line(&tag.key), theme, Role::Header),
                span(format!("  {} events{unique}", thousands(total)), theme, Role::Muted),
            ]));
            for value in tag.top_values.iter().take(crate::tui::detail::TAG_VALUES_SHOWN) {
                let Some(text) = value.value.as_deref() else {
                    continue;
                };
                let selected = index == self.detail.tag_cursor && self.detail.section == Section::Tags;
                let share = value.count as f64 / total as f64;
                let filled = (share * 20.0).round() as usize;
                let bar = format!("{}{}", "█".repeat(filled.min(20)), "░".repeat(20 - filled.min(20)));
                let marker = if selected { "▸ " } else { "  " };
                if selected {
                    selected_line = lines.len();
                }
                lines.push(Line::from(vec![
                    span(
                        format!("{marker}{}", fit(&one_line(text), value_width)),
                        theme,
                        if selected { Role::Selection } else { Role::Text },
                    ),
                    span(format!(" {bar}"), theme, Role::Sparkline),
                    span(format!(" {:>3.0}%  {}", share * 100.0, thousands(value.count)), theme, Role::Count),
                ]));
                index += 1;
            }
            lines.push(Line::default());
        }
        (lines, selected_line)
    }

    /// The activity log, newest first; comments show their text.
    fn activity(&self, width: usize) -> Vec<Line<'static>> {
        let theme = self.theme;
        let activity = match &self.detail.activity {
            Load::Ready(activity) => activity,
            Load::Failed(failure) => {
                let text = format!("activity unavailable: {}", one_line(&failure.message));
                return vec![Line::from(span(text, theme, Role::StatusError))];
            }
            _ => return vec![Line::from(span("loading the activity…", theme, Role::Muted))],
        };
        let mut lines = vec![Line::from(span("c adds a comment", theme, Role::KeyDesc)), Line::default()];
        for entry in activity {
            let who = entry.user.as_ref().map_or("sift".to_string(), |u| one_line(u.display_name()));
            let when = ago(entry.date_created, self.now);
            let what = match entry.text() {
                Some(text) => format!("commented: {}", one_line(text)),
                None => entry.kind.replace('_', " "),
            };
            let role = if entry.is_note() { Role::Text } else { Role::Muted };
            lines.push(Line::from(vec![
                span(format!("{when:>5}  "), theme, Role::LineNumber),
                span(format!("{} ", fit(&who, 14)), theme, Role::Title),
                span(fit(&what, width.saturating_sub(22)), theme, role),
            ]));
        }
        lines
    }

    fn context(&self, event: &Event, width: usize) -> Vec<Line<'static>> {
        let tags: Vec<(String, String)> = event.tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect();
        let mut lines = self.pairs("tags", &tags, width);
        if let Some(user) = &event.user {
            let fields = [
                ("id", &user.id),
                ("email", &user.email),
                ("username", &user.username),
                ("ip", &user.ip_address),
                ("name", &user.name),
            ];
            let pairs: Vec<(String, String)> =
                fields.iter().filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), v.clone()))).collect();
            lines.extend(self.pairs("user", &pairs, width));
        }
        for (name, value) in &event.contexts {
            if let Value::Object(fields) = value {
                let pairs: Vec<(String, String)> =
                    fields.iter().filter(|(k, _)| k.as_str() != "type").map(|(k, v)| (k.clone(), compact(v))).collect();
                lines.extend(self.pairs(name, &pairs, width));
            }
        }
        if let Some(sdk) = &event.sdk {
            let pairs = vec![
                ("name".to_string(), sdk.name.clone().unwrap_or_default()),
                ("version".to_string(), sdk.version.clone().unwrap_or_default()),
            ];
            lines.extend(self.pairs("sdk", &pairs, width));
        }
        lines
    }
}

impl Widget for IssueDetailView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let header = self.header();
        let header_height = header.len() as u16;
        Paragraph::new(header).render(Rect::new(area.x, area.y, area.width, header_height.min(area.height)), buf);
        if area.height <= header_height + 2 {
            return;
        }
        Paragraph::new(self.tabs()).render(Rect::new(area.x, area.y + header_height, area.width, 1), buf);
        let body = Rect::new(area.x, area.y + header_height + 1, area.width, area.height - header_height - 1);
        let width = body.width as usize;
        let lines = match &self.detail.event {
            Load::Ready(event) => match self.detail.section {
                Section::Stack => {
                    let (lines, selected) = self.stack(event, width);
                    // Keep the selected frame in the upper third.
                    let skip = selected.saturating_sub(body.height as usize / 3);
                    lines.into_iter().skip(skip).collect()
                }
                Section::Breadcrumbs => self.breadcrumbs(event, width).into_iter().skip(self.detail.scroll).collect(),
                Section::Request => self.request(event, width).into_iter().skip(self.detail.scroll).collect(),
                Section::Tags => {
                    let (lines, selected) = self.issue_tags(width);
                    let skip = selected.saturating_sub(body.height as usize / 2);
                    lines.into_iter().skip(skip).collect()
                }
                Section::Context => self.context(event, width).into_iter().skip(self.detail.scroll).collect(),
                Section::Activity => self.activity(width).into_iter().skip(self.detail.scroll).collect(),
            },
            _ => Vec::new(),
        };
        Paragraph::new(lines).render(body, buf);
    }
}
