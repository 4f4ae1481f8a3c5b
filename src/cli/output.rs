//! How commands print: tables as wide as the terminal (or `COLUMNS`, or unbounded into a pipe),
//! colour only on a terminal and never with `NO_COLOR`, event text with its control characters
//! shown as pictures, and the stable JSON shape of an issue.

use std::io::IsTerminal;

use chrono::{DateTime, SecondsFormat, Utc};
use crossterm::style::Stylize;
use serde::Serialize;

use crate::api::Issue;
pub use crate::text::{ago, truncate};
use crate::text::{fit as pad, one_line};

/// Where output goes and what it may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Out {
    /// Columns to fit in; `None` into a pipe with no `COLUMNS`.
    pub width: Option<usize>,
    pub color: bool,
}

impl Out {
    /// Standard output as it is now.
    pub fn stdout() -> Self {
        let tty = std::io::stdout().is_terminal();
        let size = if tty { crossterm::terminal::size().ok().map(|(w, _)| usize::from(w)) } else { None };
        Self::detect(tty, size, &|name| std::env::var(name).ok())
    }

    /// The rules: `COLUMNS` wins, else a terminal's own width, else unbounded; colour only on a
    /// terminal, and never with `NO_COLOR` (any non-empty value) or `TERM=dumb`.
    pub fn detect(tty: bool, terminal_width: Option<usize>, env: &dyn Fn(&str) -> Option<String>) -> Self {
        let columns = env("COLUMNS").and_then(|c| c.trim().parse::<usize>().ok()).filter(|c| *c > 0);
        let width = columns.or(if tty { terminal_width } else { None });
        let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = env("TERM").is_some_and(|t| t == "dumb");
        Self { width, color: tty && !no_color && !dumb }
    }

    /// Plain output of unbounded width (tests, files).
    pub fn plain() -> Self {
        Self { width: None, color: false }
    }

    fn paint(&self, text: String, level: Option<&str>) -> String {
        if !self.color {
            return text;
        }
        match level {
            Some("fatal") => text.red().bold().to_string(),
            Some("error") => text.red().to_string(),
            Some("warning") => text.yellow().to_string(),
            Some("info") => text.blue().to_string(),
            Some("dim") => text.dark_grey().to_string(),
            Some("bold") => text.bold().to_string(),
            _ => text,
        }
    }
}

/// An issue as every command's `--json` gives it. This shape is stable: fields are only ever
/// added (see the README's "JSON output").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueJson {
    pub id: String,
    pub short_id: String,
    pub title: String,
    pub culprit: Option<String>,
    pub project: String,
    pub level: Option<String>,
    pub status: Option<String>,
    pub substatus: Option<String>,
    pub priority: Option<String>,
    pub assignee: Option<String>,
    pub events: u64,
    pub users: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub permalink: Option<String>,
}

fn rfc3339(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

impl From<&Issue> for IssueJson {
    fn from(issue: &Issue) -> Self {
        Self {
            id: issue.id.clone(),
            short_id: issue.short_id.clone(),
            title: issue.title.clone(),
            culprit: issue.culprit.clone().filter(|c| !c.is_empty()),
            project: issue.project.slug.clone(),
            level: issue.level.as_ref().map(|l| l.as_str().to_string()),
            status: issue.status.as_ref().map(|s| s.as_str().to_string()),
            substatus: issue.substatus.as_ref().map(|s| s.as_str().to_string()),
            priority: issue.priority.as_ref().map(|p| p.as_str().to_string()),
            assignee: issue.assigned_to.as_ref().map(|a| a.display_name().to_string()),
            events: issue.count,
            users: issue.user_count,
            first_seen: rfc3339(issue.first_seen),
            last_seen: rfc3339(issue.last_seen),
            permalink: issue.permalink.clone(),
        }
    }
}

/// The status word a table shows: the substatus when it says more.
pub fn status_word(issue: &Issue) -> String {
    match (&issue.status, &issue.substatus) {
        (Some(status), _) if status.as_str() == "resolved" => "resolved".into(),
        (_, Some(sub)) => sub.as_str().replace("archived_", "archived ").replace('_', " "),
        (Some(status), None) => status.as_str().to_string(),
        (None, None) => "-".into(),
    }
}

/// The issue table: short id, status, level, events, users, last seen, title; the title takes
/// what the width leaves (at least 20 columns) and nothing is wider than the width.
pub fn issue_table(issues: &[Issue], out: Out, now: DateTime<Utc>) -> String {
    let id_width = issues.iter().map(|i| one_line(&i.short_id).chars().count()).max().unwrap_or(2).clamp(8, 24);
    let status_width = issues.iter().map(|i| status_word(i).len()).max().unwrap_or(6).clamp(6, 28);
    let fixed = id_width + 1 + status_width + 1 + 8 + 7 + 6 + 5;
    let title_width = out.width.map(|w| w.saturating_sub(fixed).max(10));
    // Too narrow for every column: plain rows cut at the width (colour codes cannot be cut).
    let squeezed = out.width.is_some_and(|w| w < fixed + 10);
    let out = if squeezed { Out { color: false, ..out } } else { out };
    let fit = |line: String| match out.width {
        Some(w) if squeezed => truncate(&line, w),
        _ => line,
    };
    let mut text = String::new();
    let header = format!(
        "{} {} {:<7} {:>6} {:>5} {:<4} TITLE",
        pad("ID", id_width),
        pad("STATUS", status_width),
        "LEVEL",
        "EVENTS",
        "USERS",
        "SEEN"
    );
    text.push_str(&out.paint(fit(header), Some("bold")));
    text.push('\n');
    for issue in issues {
        let level = issue.level.as_ref().map_or("-", |l| l.as_str());
        let title = one_line(&issue.title);
        let title = title_width.map_or(title.clone(), |w| truncate(&title, w));
        let row = format!(
            "{} {} {} {:>6} {:>5} {:<4} ",
            pad(&one_line(&issue.short_id), id_width),
            pad(&status_word(issue), status_width),
            out.paint(pad(level, 7), Some(level)),
            issue.count,
            issue.user_count,
            ago(issue.last_seen, now),
        );
        text.push_str(&fit(format!("{row}{title}")));
        text.push('\n');
    }
    text
}

/// Multi-line event text with each line's control characters shown as pictures.
pub fn clean_lines(text: &str) -> String {
    text.lines().map(crate::text::clean).collect::<Vec<_>>().join("\n")
}

/// `text` dimmed, when colour is on.
pub fn dim(out: Out, text: String) -> String {
    out.paint(text, Some("dim"))
}

/// `text` bold, when colour is on.
pub fn bold(out: Out, text: String) -> String {
    out.paint(text, Some("bold"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn width_and_colour_follow_the_terminal_columns_and_no_color() {
        assert_eq!(Out::detect(true, Some(100), &env(&[])), Out { width: Some(100), color: true });
        assert_eq!(Out::detect(true, Some(100), &env(&[("NO_COLOR", "1")])), Out { width: Some(100), color: false });
        assert!(Out::detect(true, Some(100), &env(&[("NO_COLOR", "")])).color, "empty NO_COLOR is unset");
        assert!(!Out::detect(true, Some(100), &env(&[("TERM", "dumb")])).color);
        assert_eq!(Out::detect(true, Some(100), &env(&[("COLUMNS", "72")])).width, Some(72));
        assert_eq!(Out::detect(false, None, &env(&[])), Out { width: None, color: false }, "a pipe");
        assert_eq!(Out::detect(false, None, &env(&[("COLUMNS", "60")])).width, Some(60));
    }

    #[test]
    fn tables_fit_the_width_and_colour_only_when_asked() {
        let issues: Vec<Issue> = (1..=3)
            .map(|i| {
                serde_json::from_value(serde_json::json!({
                    "id": i.to_string(), "shortId": format!("DEFAULT-{i}"), "title": format!("\u{1b}[2JValueError: {}", "x".repeat(90)),
                    "level": "error", "status": "unresolved", "substatus": "new", "count": "3", "userCount": 1,
                    "project": {"id": "1", "slug": "default", "name": "default"}
                }))
                .unwrap()
            })
            .collect();
        let now = Utc::now();
        for width in [40, 60, 80, 120] {
            let table = issue_table(&issues, Out { width: Some(width), color: false }, now);
            assert!(table.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= width), "{width}:\n{table}");
            assert!(!table.contains('\u{1b}'), "no raw escape at {width}");
            assert!(width < 60 || table.contains('␛'), "escapes are drawn as pictures");
        }
        let coloured = issue_table(&issues, Out { width: Some(120), color: true }, now);
        assert!(coloured.contains("\u{1b}["), "colour on a terminal");
    }
}
