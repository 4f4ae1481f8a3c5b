//! The plain-text digest for a terminal: a short header, each section as an aligned table (id,
//! title, events, users, project), the counts per environment and per project, then the notes.
//!
//! Contract: no line is wider than `width` display columns (wide characters count twice) and
//! none ends in spaces; there is no ANSI escape and no control character (tracker text is
//! cleaned). Columns are aligned across all sections. When the title would get fewer than
//! [`MIN_TITLE`] columns, the project column goes, then the users column; the header and notes
//! wrap at spaces, and anything still too wide is cut with `…`.

use unicode_width::UnicodeWidthStr;

use super::digest::{Digest, Entry, Section, Tally};
use super::escape::{clean, thousands};
use super::wording;
use crate::text::{fit as pad, truncate};

/// Columns the title keeps before other columns are dropped (it never takes more than the
/// longest title needs).
const MIN_TITLE: usize = 24;
/// Widest short id and project columns.
const MAX_ID: usize = 16;
const MAX_PROJECT: usize = 20;
const INDENT: &str = "  ";
const GAP: usize = 2;

pub(crate) fn render(digest: &Digest, width: usize) -> String {
    let mut lines = Vec::new();
    let header =
        [format!("Standup digest: {}", clean(&digest.org)), wording::window(digest), wording::scope(digest, clean)];
    for line in header {
        lines.extend(wrap(&line, "", "  ", width));
    }
    let entries: Vec<&Entry> = digest.all_sections().flat_map(|s| &s.entries).collect();
    let columns = Columns::fit(&entries, width);
    for section in digest.all_sections() {
        lines.push(String::new());
        write_section(&mut lines, section, &columns);
    }
    write_tallies(&mut lines, "Counts by environment", "ENVIRONMENT", &digest.environments, width);
    write_tallies(&mut lines, "Counts by project", "PROJECT", &digest.projects, width);
    if !digest.notes.is_empty() {
        lines.push(String::new());
        lines.push("Notes".to_owned());
        for note in &digest.notes {
            lines.extend(wrap(&clean(note), "  - ", "    ", width));
        }
    }
    let mut out = String::new();
    for line in lines {
        out.push_str(truncate(&line, width).trim_end());
        out.push('\n');
    }
    out
}

/// Widths of the entry table; `None` for a dropped column.
#[derive(Debug, Clone, Copy)]
struct Columns {
    id: usize,
    title: usize,
    events: usize,
    users: Option<usize>,
    project: Option<usize>,
}

impl Columns {
    fn fit(entries: &[&Entry], width: usize) -> Self {
        let widest = |header: &str, cells: &mut dyn Iterator<Item = usize>| cells.fold(header.width(), usize::max);
        let id = widest("ID", &mut entries.iter().map(|e| clean(&e.short_id).width())).min(MAX_ID);
        let events = widest("EVENTS", &mut entries.iter().map(|e| thousands(e.events).len()));
        let users = widest("USERS", &mut entries.iter().map(|e| thousands(e.users).len()));
        let project = widest("PROJECT", &mut entries.iter().map(|e| clean(&e.project).width())).min(MAX_PROJECT);
        let mut columns = Self { id, title: 0, events, users: Some(users), project: Some(project) };
        let title = |c: &Self| {
            let others = [Some(c.id), Some(c.events), c.users, c.project].into_iter().flatten();
            let used: usize = INDENT.len() + others.map(|w| w + GAP).sum::<usize>();
            width.saturating_sub(used)
        };
        if title(&columns) < MIN_TITLE {
            columns.project = None;
        }
        if title(&columns) < MIN_TITLE {
            columns.users = None;
        }
        let longest = widest("TITLE", &mut entries.iter().map(|e| clean(&e.title).width()));
        columns.title = title(&columns).min(longest);
        columns
    }

    fn row(&self, id: &str, title: &str, events: &str, users: &str, project: &str) -> String {
        let mut row = format!(
            "{INDENT}{}{:GAP$}{}{:GAP$}{}",
            pad(id, self.id),
            "",
            pad(title, self.title),
            "",
            pad_left(events, self.events)
        );
        if let Some(w) = self.users {
            row.push_str(&format!("{:GAP$}{}", "", pad_left(users, w)));
        }
        if let Some(w) = self.project {
            row.push_str(&format!("{:GAP$}{}", "", truncate(project, w)));
        }
        row
    }
}

fn write_section(lines: &mut Vec<String>, section: &Section, columns: &Columns) {
    let heading = section.heading(clean);
    lines.push(match wording::shown(section) {
        Some(shown) => format!("{heading} ({shown})"),
        None => heading.to_owned(),
    });
    if section.entries.is_empty() {
        lines.push(format!("{INDENT}none"));
        return;
    }
    lines.push(columns.row("ID", "TITLE", "EVENTS", "USERS", "PROJECT"));
    for e in &section.entries {
        let (events, users) = (thousands(e.events), thousands(e.users));
        lines.push(columns.row(&clean(&e.short_id), &clean(&e.title), &events, &users, &clean(&e.project)));
    }
}

fn write_tallies(lines: &mut Vec<String>, heading: &str, column: &str, tallies: &[Tally], width: usize) {
    lines.push(String::new());
    lines.push(heading.to_owned());
    if tallies.is_empty() {
        lines.push(format!("{INDENT}none"));
        return;
    }
    let numbers = |t: &Tally| [thousands(t.issues), thousands(t.new), thousands(t.events)];
    let mut widths = ["ISSUES".len(), "NEW".len(), "EVENTS".len()];
    for t in tallies {
        for (w, n) in widths.iter_mut().zip(numbers(t)) {
            *w = (*w).max(n.len());
        }
    }
    let used = INDENT.len() + widths.iter().map(|w| w + GAP).sum::<usize>();
    let widest = tallies.iter().map(|t| clean(&t.name).width()).fold(column.width(), usize::max);
    let name = widest.min(width.saturating_sub(used).max(column.width()));
    let row = |label: &str, cells: [String; 3]| {
        let mut row = format!("{INDENT}{}", pad(label, name));
        for (cell, w) in cells.iter().zip(widths) {
            row.push_str(&format!("{:GAP$}{}", "", pad_left(cell, w)));
        }
        row
    };
    lines.push(row(column, ["ISSUES".into(), "NEW".into(), "EVENTS".into()]));
    for t in tallies {
        lines.push(row(&clean(&t.name), numbers(t)));
    }
}

/// `text` right-aligned in `width` columns.
fn pad_left(text: &str, width: usize) -> String {
    let cut = truncate(text, width);
    let fill = width.saturating_sub(cut.width());
    format!("{:fill$}{cut}", "")
}

/// `text` wrapped at spaces into lines of at most `width` columns, the first starting with
/// `first`, the rest with `rest`; a word longer than a line is cut later by `truncate`.
fn wrap(text: &str, first: &str, rest: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !empty && line.width() + 1 + word.width() > width {
            lines.push(std::mem::replace(&mut line, rest.to_owned()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_by_display_width() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("日本語テキスト", 5), "日本…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad_left("7", 3), "  7");
        assert_eq!(wrap("one two three", "- ", "  ", 9), ["- one two", "  three"]);
    }
}
