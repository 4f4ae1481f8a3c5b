//! The breadcrumbs section: a line saying which filters apply, then the shown crumbs newest
//! first with a cursor, each read the way Sentry shows its kind (`POST http://inventory/reserve
//! [503]` for HTTP, `/cart → /checkout` for navigation, the statement of a query, the logger of
//! a console line) and timed from the event (`-1.234s`, or the clock time with a date where it
//! differs from the event's). Enter opens the crumb under the cursor to every field of its data,
//! wrapped. Only the crumbs on screen are built, so 10,000 cost what 20 do; `←`/`→` scroll the
//! summaries of long ones. Every string from the event is sanitised before it is drawn.

use chrono::{DateTime, Utc};
use ratatui::text::Line;
use serde_json::{Map, Value};

use super::detail::{clip, compact, span};
use super::format::{fit, thousands};
use crate::api::models::{Breadcrumb, Event};
use crate::tui::detail::{CRUMB_LEVELS, Detail, crumb_category, shown_breadcrumbs};
use crate::tui::sanitize::one_line;
use crate::tui::theme::{Role, Theme};

fn string(data: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match data.get(*k) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// What the crumb says, in its kind's form, and the data it did not use.
pub fn summary(crumb: &Breadcrumb) -> (String, Option<Value>) {
    let kind = crumb.kind.as_deref().unwrap_or("default");
    let category = crumb_category(crumb);
    let data = crumb.data.as_ref().and_then(Value::as_object).cloned().unwrap_or_default();
    let message = crumb.message.clone().unwrap_or_default();
    let rest = |used: &[&str]| {
        let left: Map<String, Value> =
            data.iter().filter(|(k, _)| !used.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        (!left.is_empty()).then_some(Value::Object(left))
    };
    let http = kind == "http" || matches!(category, "http" | "fetch" | "xhr" | "httplib");
    if http && (data.contains_key("url") || data.contains_key("method")) {
        const USED: [&str; 7] =
            ["method", "http.request.method", "url", "url.query", "status_code", "http.response.status_code", "reason"];
        let method = string(&data, &["method", "http.request.method"]).unwrap_or_else(|| "GET".into());
        let mut url = string(&data, &["url"]).unwrap_or_default();
        if let Some(query) = string(&data, &["url.query"]) {
            url = format!("{url}?{query}");
        }
        let status =
            string(&data, &["status_code", "http.response.status_code"]).map(|s| format!(" [{s}]")).unwrap_or_default();
        return (format!("{} {url}{status}", method.to_uppercase()), rest(&USED));
    }
    if (kind == "navigation" || category == "navigation")
        && let (Some(from), Some(to)) = (string(&data, &["from"]), string(&data, &["to"]))
    {
        return (format!("{from} → {to}"), rest(&["from", "to"]));
    }
    if category == "console" {
        // The arguments repeat the message; the logger says whose console it was.
        let logger = string(&data, &["logger"]).filter(|l| l != "console");
        let text = if message.is_empty() {
            data.get("arguments")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default()
        } else {
            message
        };
        let text = match logger {
            Some(logger) => format!("{logger}: {text}"),
            None => text,
        };
        return (text, rest(&["arguments", "logger"]));
    }
    if kind == "query" || category == "query" || category.starts_with("db") {
        let statement =
            if message.is_empty() { string(&data, &["query", "db.statement"]).unwrap_or_default() } else { message };
        return (statement, rest(&["query", "db.statement"]));
    }
    (message, rest(&[]))
}

/// How long before the event the crumb came: `-12ms`, `-1.234s`, `-5m 12s`, `-2h 03m`, `-3d 04h`
/// (`+` when it came after the event).
pub fn offset(at: DateTime<Utc>, event: DateTime<Utc>) -> String {
    let ms = (at - event).num_milliseconds();
    let sign = if ms > 0 { "+" } else { "-" };
    let ms = ms.unsigned_abs();
    let (s, m, h, d) = (ms / 1_000, ms / 60_000, ms / 3_600_000, ms / 86_400_000);
    match ms {
        0..1_000 => format!("{sign}{ms}ms"),
        1_000..60_000 => format!("{sign}{}.{:03}s", s, ms % 1_000),
        60_000..3_600_000 => format!("{sign}{m}m {:02}s", s % 60),
        3_600_000..86_400_000 => format!("{sign}{h}h {:02}m", m % 60),
        _ => format!("{sign}{d}d {:02}h", h % 24),
    }
}

/// The crumb's clock time, with its date when that is not the event's date.
pub fn clock(at: DateTime<Utc>, event: Option<DateTime<Utc>>) -> String {
    if event.is_some_and(|e| e.date_naive() == at.date_naive()) {
        at.format("%H:%M:%S%.3f").to_string()
    } else {
        at.format("%b %d %H:%M:%S%.3f").to_string()
    }
}

/// `text` cut into lines of at most `width` columns, at spaces where it can.
fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(8);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            // Break at the last space of the line when there is one in its second half.
            match line.rfind(' ').filter(|at| *at > line.len() / 2) {
                Some(at) => {
                    let carried = line[at + 1..].to_string();
                    line.truncate(at);
                    lines.push(std::mem::take(&mut line));
                    used = unicode_width::UnicodeWidthStr::width(carried.as_str());
                    line = carried;
                }
                None => {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
            }
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` without its first `skip` columns (the sideways scroll).
pub fn skip_columns(text: &str, skip: usize) -> &str {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    for (i, c) in text.char_indices() {
        if used >= skip {
            return &text[i..];
        }
        used += c.width().unwrap_or(0);
    }
    ""
}

fn level_role(level: &str) -> Role {
    match level {
        "fatal" | "error" => Role::LevelError,
        "warning" => Role::LevelWarning,
        "debug" => Role::LevelDebug,
        _ => Role::LevelInfo,
    }
}

/// Every field of an opened crumb, one `name value` pair per field, values wrapped.
fn opened(crumb: &Breadcrumb, event: Option<DateTime<Utc>>, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut fields: Vec<(String, String)> = Vec::new();
    if let Some(at) = crumb.timestamp {
        let relative = event.map(|e| format!(" ({} from the event)", offset(at, e))).unwrap_or_default();
        fields.push(("time".into(), format!("{} UTC{relative}", at.format("%Y-%m-%d %H:%M:%S%.3f"))));
    }
    for (name, value) in
        [("type", &crumb.kind), ("category", &crumb.category), ("level", &crumb.level), ("message", &crumb.message)]
    {
        if let Some(value) = value {
            fields.push((name.into(), value.clone()));
        }
    }
    match &crumb.data {
        Some(Value::Object(data)) => {
            for (key, value) in data {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => serde_json::to_string(other).unwrap_or_default(),
                };
                fields.push((format!("data.{key}"), text));
            }
        }
        Some(Value::Null) | None => {}
        Some(other) => fields.push(("data".into(), other.to_string())),
    }
    let key_width = fields.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(4).min(24);
    let indent = 6;
    let room = width.saturating_sub(indent + key_width + 1).max(8);
    let mut lines = Vec::new();
    for (key, value) in fields {
        // Bounded before wrapping: an opened crumb shows at most 40 lines of any one field.
        let value: String = value.chars().take(room * 40).collect();
        for (i, piece) in wrap(&one_line(&value), room).into_iter().enumerate() {
            let label = if i == 0 { fit(&clip(&key, key_width), key_width) } else { " ".repeat(key_width) };
            lines.push(Line::from(vec![
                span(format!("{}{label} ", " ".repeat(indent)), theme, Role::JsonKey),
                span(piece, theme, Role::Text),
            ]));
        }
    }
    lines
}

/// The section's lines for a body `width` x `height`.
pub fn lines(detail: &Detail, event: &Event, theme: &Theme, width: usize, height: usize) -> Vec<Line<'static>> {
    let total = event.breadcrumbs().map_or(0, |b| b.values.len());
    if total == 0 {
        return vec![Line::from(span("This event has no breadcrumbs.", theme, Role::Muted))];
    }
    let crumbs = shown_breadcrumbs(event, &detail.crumbs);
    let filter = &detail.crumbs;
    let level = if filter.min_level == 0 { "all".to_string() } else { format!("{}+", CRUMB_LEVELS[filter.min_level]) };
    let category = filter.category.as_deref().map_or("all".to_string(), |c| clip(c, 20));
    let mut status = format!(
        "{} of {} · enter opens · level {level} (l) · category {category} (C) · ",
        thousands(crumbs.len() as u64),
        thousands(total as u64)
    );
    status.push_str(&if filter.text.is_empty() {
        "/ finds".to_string()
    } else {
        format!("text {:?} (/)", clip(&filter.text, 20))
    });
    status.push_str(if detail.absolute_time { " · clock time (@)" } else { " · time from the event (@)" });
    let mut lines = vec![Line::from(span(clip(&status, width), theme, Role::KeyDesc))];
    if crumbs.is_empty() {
        lines.push(Line::from(span("No breadcrumb matches these filters.", theme, Role::Muted)));
        return lines;
    }
    let rows = height.saturating_sub(1).max(1);
    let cursor = detail.crumb.min(crumbs.len() - 1);
    // The cursor stays in the upper third; an opened crumb shows from its own line down.
    let first =
        if detail.crumb_open == Some(cursor) { cursor.saturating_sub(1) } else { cursor.saturating_sub(rows / 3) };
    let first = first.min(crumbs.len().saturating_sub(rows)).min(cursor);
    let at = event.date_created;
    // Clock times carry a date when any crumb shown is from another day than the event.
    let dated = detail.absolute_time
        && crumbs.iter().skip(first).take(rows).any(|c| c.timestamp.is_some_and(|t| clock(t, at).len() > 12));
    let time_width = if !detail.absolute_time {
        9
    } else if dated {
        19
    } else {
        12
    };
    let wide = width >= 100;
    for (index, crumb) in crumbs.iter().enumerate().skip(first) {
        if lines.len() > rows {
            break;
        }
        let selected = index == cursor;
        let when = match (crumb.timestamp, at) {
            (Some(t), _) if detail.absolute_time => clock(t, at),
            (Some(t), Some(e)) => offset(t, e),
            _ => String::new(),
        };
        let level = crumb.level.as_deref().unwrap_or("info");
        let base = |role: Role| if selected { Role::Selection } else { role };
        let marker = match (selected, detail.crumb_open == Some(index)) {
            (_, true) => "▾ ",
            (true, false) => "▸ ",
            _ => "  ",
        };
        let mut spans = vec![
            span(marker, theme, base(Role::Text)),
            span(format!("{:>time_width$} ", when), theme, base(Role::LineNumber)),
        ];
        if wide {
            spans.push(span(
                format!("{} ", fit(&clip(crumb.kind.as_deref().unwrap_or("default"), 10), 10)),
                theme,
                base(Role::Dim),
            ));
        }
        spans.push(span(format!("{} ", fit(&clip(crumb_category(crumb), 14), 14)), theme, base(Role::Muted)));
        spans.push(span(format!("{} ", fit(&clip(level, 7), 7)), theme, base(level_role(level))));
        let used = 2 + time_width + 1 + if wide { 11 } else { 0 } + 15 + 8;
        let room = width.saturating_sub(used);
        let (text, data) = summary(crumb);
        let data = data.map(|d| compact(&d, room + detail.hscroll)).unwrap_or_default();
        let line = match (text.is_empty(), data.is_empty()) {
            (_, true) => one_line(&text.chars().take(room * 2 + detail.hscroll + 8).collect::<String>()),
            (true, false) => data,
            (false, false) => {
                format!("{}  {data}", one_line(&text.chars().take(room * 2 + detail.hscroll + 8).collect::<String>()))
            }
        };
        spans.push(span(clip(skip_columns(&line, detail.hscroll), room), theme, base(Role::Text)));
        lines.push(Line::from(spans));
        if detail.crumb_open == Some(index) {
            lines.extend(opened(crumb, at, width, theme));
        }
    }
    lines.truncate(rows + 1);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crumb(json: Value) -> Breadcrumb {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn each_kind_of_crumb_reads_in_its_own_form() {
        let http = crumb(
            serde_json::json!({ "type": "http", "category": "http", "data": { "method": "post", "url": "http://inventory/reserve", "status_code": 503, "reason": "Service Unavailable", "attempt": 2 } }),
        );
        assert_eq!(
            summary(&http),
            ("POST http://inventory/reserve [503]".into(), Some(serde_json::json!({ "attempt": 2 })))
        );
        let otel = crumb(
            serde_json::json!({ "type": "http", "category": "fetch", "data": { "http.request.method": "GET", "url": "/api", "url.query": "a=1", "http.response.status_code": 200 } }),
        );
        assert_eq!(summary(&otel).0, "GET /api?a=1 [200]");
        let nav = crumb(
            serde_json::json!({ "type": "navigation", "category": "navigation", "data": { "from": "/cart", "to": "/checkout" } }),
        );
        assert_eq!(summary(&nav), ("/cart → /checkout".into(), None));
        let console = crumb(
            serde_json::json!({ "category": "console", "message": "login attempt", "data": { "arguments": ["login attempt"], "logger": "console" } }),
        );
        assert_eq!(summary(&console), ("login attempt".into(), None));
        let logged =
            crumb(serde_json::json!({ "category": "console", "data": { "arguments": ["a", 1], "logger": "auth" } }));
        assert_eq!(summary(&logged).0, "auth: a 1");
        let query = crumb(serde_json::json!({ "category": "query", "message": "SELECT * FROM orders WHERE id = %s" }));
        assert_eq!(summary(&query).0, "SELECT * FROM orders WHERE id = %s");
        let plain = crumb(serde_json::json!({ "category": "cart", "message": "reserving", "data": { "items": 3 } }));
        assert_eq!(summary(&plain), ("reserving".into(), Some(serde_json::json!({ "items": 3 }))));
    }

    #[test]
    fn times_read_from_the_event_with_a_date_where_it_differs() {
        let event: DateTime<Utc> = "2026-11-22T10:00:00Z".parse().unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(offset(at("2026-11-22T09:59:59.998Z"), event), "-2ms");
        assert_eq!(offset(at("2026-11-22T09:59:58.766Z"), event), "-1.234s");
        assert_eq!(offset(at("2026-11-22T09:54:48Z"), event), "-5m 12s");
        assert_eq!(offset(at("2026-11-22T07:57:00Z"), event), "-2h 03m");
        assert_eq!(offset(at("2026-11-19T06:00:00Z"), event), "-3d 04h");
        assert_eq!(offset(at("2026-11-22T10:00:00.5Z"), event), "+500ms");
        assert_eq!(clock(at("2026-11-22T09:59:58.766Z"), Some(event)), "09:59:58.766");
        assert_eq!(clock(at("2026-11-21T23:59:58Z"), Some(event)), "Nov 21 23:59:58.000");
    }

    #[test]
    fn long_text_wraps_at_spaces_and_scrolls_by_columns() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("abcdefghijkl", 8), ["abcdefgh", "ijkl"]);
        assert_eq!(skip_columns("日本語abc", 4), "語abc");
        assert_eq!(skip_columns("abc", 9), "");
    }
}
