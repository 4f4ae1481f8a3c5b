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

use super::format::{ago, fit, sparkline, thousands};
use crate::api::Issue;
use crate::api::models::{Event, Frame};
use crate::tui::detail::{
    Detail, EventPick, Section, StackOwner, exception_title, raw_traceback, shown_exceptions, thread_title,
};
use crate::tui::sanitize::one_line;
use crate::tui::state::Load;
use crate::tui::theme::{Role, Theme};

pub struct IssueDetailView<'a> {
    pub issue: &'a Issue,
    pub detail: &'a Detail,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
    /// The sparkline's period (`24h` or `30d`, as the list shows).
    pub period: &'a str,
}

/// Event text cut to `width` columns on one line. Only a prefix is sanitised, so a 1 MB string
/// costs no more than a short one.
pub(super) fn clip(text: &str, width: usize) -> String {
    let prefix: String = text.chars().take(width.saturating_mul(2) + 8).collect();
    super::format::truncate(&one_line(&prefix), width)
}

pub(super) fn span(text: impl Into<String>, theme: &Theme, role: Role) -> Span<'static> {
    Span::styled(text.into(), theme.style(role))
}

/// One header line from segments in order of importance: each later segment that does not fit
/// in what is left of `width` is left out (the next may still fit), so a narrow pane loses the
/// assignee or the release rather than showing half of each. The first is clipped if need be.
fn fit_segments(segments: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let mut used = 0;
    let mut kept = Vec::new();
    for (i, segment) in segments.into_iter().enumerate() {
        let w = unicode_width::UnicodeWidthStr::width(segment.content.as_ref());
        if i == 0 && w > width {
            kept.push(Span::styled(clip(&segment.content, width), segment.style));
            used = width;
        } else if used + w <= width {
            used += w;
            kept.push(segment);
        }
    }
    Line::from(kept)
}

/// Header segments on as many lines as they need: a segment that does not fit on the line
/// starts the next one (without its ` · ` separator), so nothing is dropped. A segment wider
/// than the whole width is clipped.
fn wrap_segments(segments: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for segment in segments {
        let w = unicode_width::UnicodeWidthStr::width(segment.content.as_ref());
        if used > 0 && used + w > width {
            let text = segment.content.trim_start_matches(" · ").to_string();
            let w = unicode_width::UnicodeWidthStr::width(text.as_str());
            lines.push(vec![Span::styled(clip(&text, width), segment.style)]);
            used = w.min(width);
        } else {
            used += w;
            let segment = if w > width { Span::styled(clip(&segment.content, width), segment.style) } else { segment };
            if let Some(line) = lines.last_mut() {
                line.push(segment);
            }
        }
    }
    lines.into_iter().map(Line::from).collect()
}

/// A compact one-line rendering of a JSON value, at most `width` columns. Objects are written
/// only as far as they show, so a local holding megabytes costs what a short one does.
pub(super) fn compact(value: &Value, width: usize) -> String {
    match value {
        Value::String(s) => clip(s, width),
        other => {
            let mut out = Bounded { text: Vec::new(), limit: width.saturating_mul(4) + 16 };
            // The writer stops serde once it has enough: that error is the point, not a failure.
            let _ = serde_json::to_writer(&mut out, other);
            clip(&String::from_utf8_lossy(&out.text), width)
        }
    }
}

/// Collects bytes up to `limit`, then refuses more.
struct Bounded {
    text: Vec<u8>,
    limit: usize,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.limit.saturating_sub(self.text.len());
        if room == 0 {
            return Err(std::io::Error::other("enough to fill the line"));
        }
        let taken = buf.len().min(room);
        self.text.extend_from_slice(&buf[..taken]);
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn frame_title(frame: &Frame, width: usize) -> String {
    let file = frame.filename.as_deref().or(frame.abs_path.as_deref()).or(frame.module.as_deref()).unwrap_or("?");
    let function = frame.function.as_deref().unwrap_or("?");
    let line = frame.line_no.map(|l| format!(" at line {l}")).unwrap_or_default();
    format!("{} in {}{line}", clip(file, width), clip(function, width))
}

impl IssueDetailView<'_> {
    fn header(&self, width: usize, roomy: bool) -> Vec<Line<'static>> {
        let (theme, issue) = (self.theme, self.issue);
        // Sentry's words: an ignored issue reads "archived (until escalating)".
        let status_word = |s: &crate::api::IssueStatus| match s {
            crate::api::IssueStatus::Ignored => "archived".to_string(),
            other => other.as_str().to_string(),
        };
        let state = match (&issue.status, &issue.substatus) {
            (Some(status), Some(sub)) => {
                let sub = sub.as_str();
                format!("{} ({})", status_word(status), sub.strip_prefix("archived_").unwrap_or(sub).replace('_', " "))
            }
            (Some(status), None) => status_word(status),
            _ => "unknown".into(),
        };
        // A bookmark leads the first line, which is never dropped.
        let bookmark = if issue.is_bookmarked { "★ " } else { "" };
        let assignee =
            issue.assigned_to.as_ref().map_or("unassigned".into(), |a| one_line(a.name.as_deref().unwrap_or(&a.id)));
        let level = issue.level.as_ref().map_or("error", |l| l.as_str());
        let level_role = match level {
            "fatal" | "error" => Role::LevelError,
            "warning" => Role::LevelWarning,
            "debug" => Role::LevelDebug,
            _ => Role::LevelInfo,
        };
        // The issue's own record carries the releases; the list row does not.
        let full = self.detail.issue.as_ref();
        let release = |r: Option<&crate::api::models::Release>| {
            r.map(|r| clip(r.short_version.as_deref().unwrap_or(&r.version), 24)).unwrap_or_default()
        };
        let first_release = release(full.and_then(|i| i.first_release.as_ref()));
        let last_release = release(full.and_then(|i| i.last_release.as_ref()));
        let values: Vec<u64> =
            issue.stats.series(self.period).map(|points| points.iter().map(|p| p.count).collect()).unwrap_or_default();
        let spark_width = if width >= 100 { 24 } else { 12 };
        let mut lines = vec![
            Line::from(vec![
                span(format!("{bookmark}{} ", one_line(&issue.short_id)), theme, Role::Muted),
                span(
                    clip(&issue.title, width.saturating_sub(issue.short_id.len() + 1 + bookmark.len().min(2))),
                    theme,
                    Role::Title,
                ),
            ]),
            Line::from(span(issue.culprit.as_deref().map(|c| clip(c, width)).unwrap_or_default(), theme, Role::Muted)),
        ];
        // State and assignee are never left out: a narrow pane wraps them to a second line.
        lines.extend(wrap_segments(
            vec![
                span(format!("{level} {state}"), theme, level_role),
                span(
                    format!(" · priority {}", issue.priority.as_ref().map_or("-", |p| p.as_str())),
                    theme,
                    Role::Muted,
                ),
                span(
                    format!(
                        " · {} · {}",
                        crate::text::counted(issue.count, "event"),
                        crate::text::counted(issue.user_count, "user")
                    ),
                    theme,
                    Role::Count,
                ),
                span(super::beside::feedback_count(self.detail), theme, Role::Count),
                span(format!(" · {assignee}"), theme, Role::Muted),
            ],
            width,
        ));
        lines.push(fit_segments(
            vec![
                span(format!("{} ", sparkline(&values, spark_width)), theme, Role::Sparkline),
                span(self.period.to_string(), theme, Role::Dim),
                span(format!(" · first seen {} ago", ago(issue.first_seen, self.now)), theme, Role::Muted),
                span(format!(" · last seen {} ago", ago(issue.last_seen, self.now)), theme, Role::Muted),
            ]
            .into_iter()
            .chain(
                [("first", first_release), ("last", last_release)]
                    .into_iter()
                    .filter(|(_, r)| !r.is_empty())
                    // Linked: the releases screen (H) opens on the first release.
                    .map(|(which, release)| span(format!(" · {which} release {release}"), theme, Role::Link)),
            )
            .collect(),
            width,
        ));
        if roomy && let Some(link) = &issue.permalink {
            lines.push(Line::from(span(clip(link, width), theme, Role::Link)));
        }
        let event_line = match &self.detail.event {
            Load::Ready(event) => {
                // Which event was asked for, where that says something (a stepped-to event is
                // just its position).
                let which = match &self.detail.pick {
                    Some(EventPick::Latest) => " (latest)",
                    Some(EventPick::Oldest) => " (oldest)",
                    Some(EventPick::Recommended) => " (recommended)",
                    _ => "",
                };
                let position = match self.detail.position {
                    Some(n) => format!("event {} of {}", thousands(n), thousands(issue.count)),
                    None => format!("event … of {}", thousands(issue.count)),
                };
                let at = event.date_created.map(|t| t.format("%b %d %H:%M:%S").to_string()).unwrap_or_default();
                let id: String = event.event_id.chars().take(8).collect();
                let older = if event.previous_event_id.is_some() { "[ older" } else { "(oldest)" };
                let newer = if event.next_event_id.is_some() { "] newer" } else { "(latest)" };
                let mut segments = vec![
                    span(format!("{position}{which}"), theme, Role::Text),
                    span(format!(" · {}", one_line(&id)), theme, Role::Text),
                    span(format!(" · {at}"), theme, Role::Text),
                ];
                for key in ["environment", "release"] {
                    if let Some(value) = event.tag(key) {
                        segments.push(span(format!(" · {}", clip(value, 24)), theme, Role::Text));
                    }
                }
                segments.push(span(format!("   {older} · {newer}"), theme, Role::KeyDesc));
                fit_segments(segments, width)
            }
            Load::Failed(failure) => {
                Line::from(span(format!("event unavailable: {}", one_line(&failure.message)), theme, Role::StatusError))
            }
            _ => Line::from(span("loading the event…", theme, Role::Muted)),
        };
        lines.push(event_line);
        lines.extend(super::beside::attachments(&self.detail.sidecar, theme, width));
        lines
    }

    /// The section tabs; the Feedback tab carries the count. Shorter labels where the full
    /// ones do not fit.
    fn tabs(&self, width: usize) -> Line<'static> {
        let count = self.detail.sidecar.feedback_count().filter(|n| *n > 0);
        let label = |section: Section, short: bool| -> String {
            let name = if short { super::beside::short_label(section) } else { section.label() };
            match count {
                Some(n) if section == Section::Feedback => format!("{name} {n}"),
                _ => name.to_string(),
            }
        };
        let full: usize = Section::ALL.iter().map(|s| label(*s, false).len() + 4).sum();
        let mut spans = Vec::new();
        for (i, section) in Section::ALL.into_iter().enumerate() {
            let role = if section == self.detail.section { Role::TabActive } else { Role::Tab };
            spans.push(span(format!(" {} {} ", i + 1, label(section, full > width)), self.theme, role));
        }
        Line::from(spans)
    }

    /// The stack section's lines and the line the selected frame starts on.
    fn stack(&self, event: &Event, width: usize) -> (Vec<Line<'static>>, usize) {
        let (theme, detail) = (self.theme, self.detail);
        let mut lines = Vec::new();
        let mut selected_line = 0;
        let mut index = 0;
        let exceptions = shown_exceptions(event, detail.newest_first, detail.all_frames, detail.minified);
        if exceptions.is_empty() {
            let message =
                event.message_entry().and_then(|m| m.formatted.clone().or(m.message.clone())).or(event.message.clone());
            lines.push(Line::from(span(message.map(|m| clip(&m, width)).unwrap_or_default(), theme, Role::Text)));
            lines.push(Line::from(span("This event has no stack trace.", theme, Role::Muted)));
        }
        for shown in exceptions {
            let exception = match shown.owner {
                StackOwner::Exception(exception) => {
                    lines.push(Line::from(span(clip(&exception_title(exception), width), theme, Role::LevelError)));
                    Some(exception)
                }
                StackOwner::Thread(thread) => {
                    lines.push(Line::from(span(clip(&thread_title(thread), width), theme, Role::Header)));
                    None
                }
                StackOwner::Bare => {
                    lines.push(Line::from(span("stack trace", theme, Role::Header)));
                    None
                }
            };
            if let Some(mechanism) = exception.and_then(|e| e.mechanism.as_ref()) {
                let handled = match mechanism.handled {
                    Some(false) => "unhandled",
                    Some(true) => "handled",
                    None => "handled?",
                };
                let kind = mechanism.kind.as_deref().unwrap_or("generic");
                lines.push(Line::from(span(format!("{handled} · mechanism {}", clip(kind, 40)), theme, Role::Muted)));
            }
            let rewritten = match shown.owner {
                StackOwner::Exception(exception) => exception.raw_stacktrace.is_some(),
                StackOwner::Thread(thread) => thread.raw_stacktrace.is_some(),
                StackOwner::Bare => false,
            };
            if rewritten {
                let note = if detail.minified {
                    "minified frames, as the SDK sent them (m shows the source)"
                } else {
                    "source-mapped from minified code (m shows the frames as sent)"
                };
                lines.push(Line::from(span(clip(note, width), theme, Role::Dim)));
            }
            if shown.hidden > 0 {
                lines.push(Line::from(span(
                    format!(
                        "{} library frame{} hidden (f shows all, T the plain-text trace)",
                        shown.hidden,
                        if shown.hidden == 1 { "" } else { "s" }
                    ),
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
                lines.push(Line::from(span(
                    fit(&format!("  {marker}{}", frame_title(frame, width)), width),
                    theme,
                    role,
                )));
                if selected {
                    lines.extend(self.frame_body(event, frame, width));
                }
                index += 1;
            }
            lines.push(Line::default());
        }
        (lines, selected_line)
    }

    fn frame_body(&self, event: &Event, frame: &Frame, width: usize) -> Vec<Line<'static>> {
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
                    // Syntax colours, fitted to the terminal's colour depth, cut to the width,
                    // after the columns scrolled past (`←`/`→`).
                    let mut used = 0;
                    let mut skip = self.detail.hscroll;
                    for (style, text) in pieces {
                        if used >= room {
                            break;
                        }
                        let text = text.replace('\t', "    ");
                        let shown = super::crumbs::skip_columns(&text, skip);
                        skip = skip.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
                        if shown.is_empty() {
                            continue;
                        }
                        let piece = super::format::truncate(shown, room - used);
                        used += unicode_width::UnicodeWidthStr::width(piece.as_str());
                        let style = theme.depth().adapt_style(*style);
                        let style = if crash { theme.style(Role::CrashLine).patch(style) } else { style };
                        spans.push(Span::styled(piece, style));
                    }
                }
                None => {
                    let role = if crash { Role::CrashLine } else { Role::Text };
                    let text = context.text.replace('\t', "    ");
                    spans.push(span(clip(super::crumbs::skip_columns(&text, self.detail.hscroll), room), theme, role));
                }
            }
            lines.push(Line::from(spans));
        }
        if frame.context.is_empty() {
            lines.push(Line::from(span("    (no source context sent for this frame)", theme, Role::Dim)));
        }
        if let Some(reason) = crate::tui::detail::frame_notice(event, frame) {
            lines.push(Line::from(span(clip(&format!("    left minified: {reason}"), width), theme, Role::Muted)));
        }
        if let Some(Value::Object(vars)) = &frame.vars
            && !vars.is_empty()
        {
            lines.push(Line::from(span("    locals", theme, Role::Muted)));
            let key_width = vars.keys().map(|k| k.chars().count()).max().unwrap_or(4).min(24);
            for (name, value) in vars {
                let text = compact(value, width.saturating_sub(key_width + 9));
                lines.push(Line::from(vec![
                    span(format!("      {} ", fit(&clip(name, key_width), key_width)), theme, Role::JsonKey),
                    span(text, theme, Role::JsonString),
                ]));
            }
        }
        lines
    }

    /// The plain-text trace, scrolled.
    fn raw_trace(&self, event: &Event, width: usize, height: usize) -> Vec<Line<'static>> {
        let text = raw_traceback(event);
        if text.is_empty() {
            return vec![Line::from(span("This event has no stack trace.", self.theme, Role::Muted))];
        }
        let mut lines = vec![Line::from(span(
            "plain-text trace (T returns to frames; y then t copies it)",
            self.theme,
            Role::KeyDesc,
        ))];
        let body: Vec<&str> = text.lines().collect();
        let skip = self.detail.scroll().min(body.len().saturating_sub(height.saturating_sub(1)));
        lines.extend(
            body.iter().skip(skip).take(height).map(|l| Line::from(span(clip(l, width), self.theme, Role::Text))),
        );
        lines
    }

    /// The event's JSON, pretty-printed and coloured; the find text is marked, its current
    /// match's line picked out.
    fn json(&self, width: usize, height: usize) -> Vec<Line<'static>> {
        let (theme, detail) = (self.theme, self.detail);
        let total = detail.json_lines.len();
        let matches = &detail.json_hits;
        let status = if detail.json_find.is_empty() {
            format!("{} lines · / finds", thousands(total as u64))
        } else if matches.is_empty() {
            format!("{} lines · no match for {:?}", thousands(total as u64), clip(&detail.json_find, 30))
        } else {
            format!(
                "{} lines · match {} of {} for {:?} (n next, N previous)",
                thousands(total as u64),
                detail.json_match + 1,
                matches.len(),
                clip(&detail.json_find, 30)
            )
        };
        let mut lines = vec![Line::from(span(clip(&status, width), theme, Role::KeyDesc))];
        let rows = height.saturating_sub(1);
        let skip = detail.scroll().min(total.saturating_sub(rows));
        let current = matches.get(detail.json_match).copied();
        let number_width = total.to_string().len();
        for (i, line) in detail.json_lines.iter().enumerate().skip(skip).take(rows) {
            let mut spans = vec![span(format!("{:>number_width$} ", i + 1), theme, Role::LineNumber)];
            let room = width.saturating_sub(number_width + 1);
            if Some(i) == current {
                spans.push(span(clip(line, room), theme, Role::SearchMatch));
            } else {
                spans.extend(json_spans(&clip(line, room), theme));
            }
            lines.push(Line::from(spans));
        }
        lines
    }

    fn pairs(&self, title: &str, pairs: &[(String, String)], width: usize) -> Vec<Line<'static>> {
        let theme = self.theme;
        if pairs.is_empty() {
            return Vec::new();
        }
        let key_width = pairs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(4).min(28);
        let mut lines = vec![Line::from(span(clip(title, width), theme, Role::Header))];
        for (key, value) in pairs {
            lines.push(Line::from(vec![
                span(format!("  {} ", fit(&clip(key, key_width), key_width)), theme, Role::JsonKey),
                span(clip(value, width.saturating_sub(key_width + 3)), theme, Role::Text),
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
                clip(&format!("{method} {}", request.url.as_deref().unwrap_or("")), width),
                theme,
                Role::Title,
            )),
            Line::default(),
        ];
        lines.extend(self.pairs("query", &request.query, width));
        lines.extend(self.pairs("headers", &request.headers, width));
        lines.extend(self.pairs("cookies", &request.cookies, width));
        if let Some(body) = &request.data {
            let kind =
                request.inferred_content_type.as_deref().map(|t| format!(" ({})", clip(t, 40))).unwrap_or_default();
            lines.push(Line::from(span(format!("body{kind}"), theme, Role::Header)));
            match body {
                // A form or raw body sent as text reads as it was sent.
                Value::String(text) => {
                    for line in text.lines().take(200) {
                        lines.push(Line::from(span(
                            format!("  {}", clip(line, width.saturating_sub(2))),
                            theme,
                            Role::JsonString,
                        )));
                    }
                }
                _ => {
                    let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
                    for line in pretty.lines().take(500) {
                        let mut spans = vec![Span::raw("  ")];
                        spans.extend(json_spans(&clip(line, width.saturating_sub(2)), theme));
                        lines.push(Line::from(spans));
                    }
                }
            }
            lines.push(Line::default());
        }
        let room = width.saturating_sub(8);
        let env: Vec<(String, String)> = request.env.iter().map(|(k, v)| (k.clone(), compact(v, room))).collect();
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
                span(format!("  {}{unique}", crate::text::counted(total, "event")), theme, Role::Muted),
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
            let who = entry.user.as_ref().map_or("sift".to_string(), |u| clip(u.display_name(), 14));
            let when = ago(entry.date_created, self.now);
            let what = match entry.text() {
                Some(text) => format!("commented: {}", clip(text, width)),
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
            let mut pairs: Vec<(String, String)> =
                fields.iter().filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), v.clone()))).collect();
            if let Some(Value::Object(geo)) = &user.geo {
                let place: Vec<String> = ["city", "region", "country_code"]
                    .iter()
                    .filter_map(|k| geo.get(*k).and_then(Value::as_str).map(str::to_owned))
                    .collect();
                if !place.is_empty() {
                    pairs.push(("geo".into(), place.join(", ")));
                }
            }
            lines.extend(self.pairs("user", &pairs, width));
        }
        for (name, value) in &event.contexts {
            if let Value::Object(fields) = value {
                let pairs: Vec<(String, String)> = fields
                    .iter()
                    .filter(|(k, _)| k.as_str() != "type")
                    .map(|(k, v)| (k.clone(), compact(v, width)))
                    .collect();
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

/// A pretty-printed JSON line in the theme's JSON colours: the key, then the value by kind.
fn json_spans(line: &str, theme: &Theme) -> Vec<Span<'static>> {
    let indent = line.len() - line.trim_start().len();
    let mut spans = vec![Span::raw(line[..indent].to_string())];
    let mut rest = &line[indent..];
    if rest.starts_with('"')
        && let Some(end) = rest.find("\": ")
    {
        spans.push(span(rest[..end + 1].to_string(), theme, Role::JsonKey));
        spans.push(span(": ", theme, Role::Muted));
        rest = &rest[end + 3..];
    }
    let value = rest.trim_end_matches(',');
    let role = if value.starts_with('"') {
        Role::JsonString
    } else if matches!(value, "true" | "false" | "null") {
        Role::JsonLiteral
    } else if value.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) {
        Role::JsonNumber
    } else {
        Role::Muted
    };
    spans.push(span(value.to_string(), theme, role));
    if rest.len() > value.len() {
        spans.push(span(rest[value.len()..].to_string(), theme, Role::Muted));
    }
    spans
}

impl Widget for IssueDetailView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let header = self.header(area.width as usize, area.height >= 30);
        let header_height = header.len() as u16;
        Paragraph::new(header).render(Rect::new(area.x, area.y, area.width, header_height.min(area.height)), buf);
        if area.height <= header_height + 2 {
            return;
        }
        Paragraph::new(self.tabs(area.width as usize))
            .render(Rect::new(area.x, area.y + header_height, area.width, 1), buf);
        let body = Rect::new(area.x, area.y + header_height + 1, area.width, area.height - header_height - 1);
        let (width, height) = (body.width as usize, body.height as usize);
        let scrolled = |lines: Vec<Line<'static>>| -> Vec<Line<'static>> {
            let skip = self.detail.scroll().min(lines.len().saturating_sub(height));
            lines.into_iter().skip(skip).collect()
        };
        let pager = self.detail.sidecar.pager.as_ref();
        let lines = match &self.detail.event {
            _ if pager.is_some() => {
                pager.map(|p| super::beside::pager(p, self.theme, width, height)).unwrap_or_default()
            }
            Load::Ready(_) if self.detail.section == Section::Feedback => {
                scrolled(super::beside::feedback(&self.detail.sidecar, self.theme, width, self.now))
            }
            Load::Ready(event) => match self.detail.section {
                Section::Stack if self.detail.raw_trace => self.raw_trace(event, width, height),
                Section::Stack => {
                    let (lines, selected) = self.stack(event, width);
                    // Keep the selected frame in the upper third.
                    let skip = selected.saturating_sub(height / 3);
                    lines.into_iter().skip(skip).collect()
                }
                Section::Breadcrumbs => super::crumbs::lines(self.detail, event, self.theme, width, height),
                Section::Request => scrolled(self.request(event, width)),
                Section::Tags => {
                    let (lines, selected) = self.issue_tags(width);
                    let skip = selected.saturating_sub(height / 2);
                    lines.into_iter().skip(skip).collect()
                }
                Section::Context => scrolled(self.context(event, width)),
                Section::Activity => scrolled(self.activity(width)),
                Section::Json => self.json(width, height),
                Section::Feedback => Vec::new(),
            },
            _ => Vec::new(),
        };
        Paragraph::new(lines).render(body, buf);
    }
}
