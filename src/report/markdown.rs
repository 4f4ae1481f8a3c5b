//! The Markdown digest: a title with the window, one `##` list per section (or "none"), then
//! the counts per environment and per project as tables, then the notes.
//!
//! Contract: CommonMark with GitHub tables. Every string from the tracker is cleaned and escaped
//! (see `escape`), titles are cut to `MAX_TITLE_CHARS`, and link targets are percent-encoded so
//! no title or URL can open a link, a tag, a mention or a table cell of its own.

use std::fmt::Write;

use super::digest::{Digest, Entry, Section, Tally};
use super::escape::{self, MAX_TITLE_CHARS, markdown as esc, thousands};
use super::wording;

pub(crate) fn render(digest: &Digest) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Standup digest: {}\n", esc(&digest.org));
    let _ = writeln!(out, "{} · {}", capitalized(&wording::window(digest)), wording::scope(digest, esc));
    for section in digest.all_sections() {
        write_section(&mut out, section);
    }
    write_tallies(&mut out, "Counts by environment", "Environment", &digest.environments);
    write_tallies(&mut out, "Counts by project", "Project", &digest.projects);
    if !digest.notes.is_empty() {
        out.push_str("\n## Notes\n\n");
        for note in &digest.notes {
            let _ = writeln!(out, "- {}", esc(note));
        }
    }
    out
}

fn write_section(out: &mut String, section: &Section) {
    let heading = section.heading(esc);
    match wording::shown(section) {
        Some(shown) => {
            let _ = writeln!(out, "\n## {heading} ({shown})\n");
        }
        None => {
            let _ = writeln!(out, "\n## {heading}\n");
        }
    }
    if section.entries.is_empty() {
        out.push_str("none\n");
    }
    for entry in &section.entries {
        let _ = writeln!(out, "- {}", item(entry));
    }
}

/// `[SHOP-1A](url) title — 3 events, 2 users · project · assigned to alice`.
fn item(entry: &Entry) -> String {
    let mut line = format!(
        "[{}]({}) {} — {} · {}",
        esc(&entry.short_id),
        escape::markdown_url(&entry.permalink),
        esc(&escape::shorten(&entry.title, MAX_TITLE_CHARS)),
        wording::counts(entry),
        esc(&entry.project)
    );
    if let Some(assignee) = &entry.assignee {
        let _ = write!(line, " · assigned to {}", esc(assignee));
    }
    line
}

fn write_tallies(out: &mut String, heading: &str, column: &str, tallies: &[Tally]) {
    let _ = writeln!(out, "\n## {heading}\n");
    if tallies.is_empty() {
        out.push_str("none\n");
        return;
    }
    let _ = writeln!(out, "| {column} | Issues | New | Events |");
    out.push_str("| :--- | ---: | ---: | ---: |\n");
    for t in tallies {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            esc(&t.name),
            thousands(t.issues),
            thousands(t.new),
            thousands(t.events)
        );
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
