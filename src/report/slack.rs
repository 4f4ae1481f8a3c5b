//! The Slack digest: a Block Kit payload `{"text", "blocks"}` to POST to an incoming webhook as
//! is. A header, a context line with the window and scope, one section block per digest
//! section, the counts per environment and per project, and the notes.
//!
//! Contract: tracker text is cleaned and has `&`, `<`, `>` escaped as Slack requires, and every
//! mrkdwn object is `verbatim`, so nothing from a title becomes a link, a mention or a channel;
//! links are `<url|SHORT-ID>` with the URL escaped for that syntax. Slack's limits hold: at most
//! 50 blocks, 3000 characters per text object (cut at a line, ending with `…`), 150 for the
//! header. Emphasis characters in titles (`*`, `_`, `~`) are left as they are: Slack has no
//! way to escape them, and they cannot do more than change how the title looks.

use serde_json::{Value, json};

use super::digest::{Digest, Section, SectionKind, Tally};
use super::escape::{self, MAX_TITLE_CHARS, slack as esc};
use super::wording;

/// Most blocks in one message.
pub(crate) const MAX_BLOCKS: usize = 50;

/// Most characters in one text object.
pub(crate) const MAX_TEXT_CHARS: usize = 3000;

/// Most characters in a header block.
const MAX_HEADER_CHARS: usize = 150;

pub(crate) fn render(digest: &Digest) -> String {
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text",
            "text": escape::shorten(&format!("Standup digest: {}", escape::clean(&digest.org)), MAX_HEADER_CHARS)}}),
        json!({"type": "context", "elements": [mrkdwn(&format!("{} · {}", esc(&wording::window(digest)), wording::scope(digest, esc)))]}),
    ];
    blocks.extend(digest.all_sections().map(|s| section_block(section_lines(s))));
    blocks.push(json!({"type": "divider"}));
    blocks.push(section_block(tally_lines("Counts by environment", &digest.environments)));
    blocks.push(section_block(tally_lines("Counts by project", &digest.projects)));
    if !digest.notes.is_empty() {
        let notes: Vec<String> = digest.notes.iter().map(|n| format!("_{}_", esc(n))).collect();
        blocks.push(json!({"type": "context", "elements": [mrkdwn(&fit_lines(&notes))]}));
    }
    if blocks.len() > MAX_BLOCKS {
        blocks.truncate(MAX_BLOCKS - 1);
        blocks.push(json!({"type": "context", "elements": [mrkdwn("…")]}));
    }
    let payload = json!({"text": fallback(digest), "blocks": blocks});
    let mut out = serde_json::to_string_pretty(&payload).unwrap_or_default();
    out.push('\n');
    out
}

/// The notification text: `Standup digest for acme, last 24h: 3 new, 1 regressed, ...`.
fn fallback(digest: &Digest) -> String {
    let n = |kind| digest.section(kind).map_or(0, Section::count);
    let span = super::window::span_label(digest.until - digest.since);
    format!(
        "Standup digest for {}, last {span}: {} new, {} regressed, {} escalating, {} resolved, {} unassigned high \
         priority",
        esc(&digest.org),
        n(SectionKind::New),
        n(SectionKind::Regressed),
        n(SectionKind::Escalating),
        n(SectionKind::Resolved),
        n(SectionKind::UnassignedHighPriority)
    )
}

fn section_lines(section: &Section) -> Vec<String> {
    let heading = section.heading(esc);
    let mut lines = vec![match wording::shown(section) {
        Some(shown) => format!("*{heading}* ({shown})"),
        None => format!("*{heading}*"),
    }];
    if section.entries.is_empty() {
        lines.push("_none_".to_owned());
    }
    for e in &section.entries {
        let mut line = format!(
            "• <{}|{}> {} — {} · {}",
            escape::slack_url(&e.permalink),
            esc(&e.short_id),
            esc(&escape::shorten(&e.title, MAX_TITLE_CHARS)),
            wording::counts(e),
            esc(&e.project)
        );
        if let Some(assignee) = &e.assignee {
            line.push_str(&format!(" · assigned to {}", esc(assignee)));
        }
        lines.push(line);
    }
    lines
}

fn tally_lines(heading: &str, tallies: &[Tally]) -> Vec<String> {
    let mut lines = vec![format!("*{heading}*")];
    if tallies.is_empty() {
        lines.push("_none_".to_owned());
    }
    for t in tallies {
        lines.push(format!(
            "• {} — {}, {} new, {}",
            esc(&t.name),
            escape::count(t.issues, "issue", "issues"),
            escape::thousands(t.new),
            escape::count(t.events, "event", "events")
        ));
    }
    lines
}

fn section_block(lines: Vec<String>) -> Value {
    json!({"type": "section", "text": mrkdwn(&fit_lines(&lines))})
}

fn mrkdwn(text: &str) -> Value {
    json!({"type": "mrkdwn", "text": text, "verbatim": true})
}

/// `lines` joined, as many whole lines as fit in [`MAX_TEXT_CHARS`]; a last line `…` says
/// some were left out (a line is never cut, so no link or entity is broken).
pub(crate) fn fit_lines(lines: &[String]) -> String {
    let mut out = String::new();
    let mut used = 0;
    for (i, line) in lines.iter().enumerate() {
        let len = line.chars().count() + usize::from(i > 0);
        let room = if i + 1 == lines.len() { MAX_TEXT_CHARS } else { MAX_TEXT_CHARS - 2 };
        if used + len > room {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push('…');
            break;
        }
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
        used += len;
    }
    out
}
