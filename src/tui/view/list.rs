//! The issue table. Only the rows on screen are built (the list may hold thousands), columns
//! drop in a fixed order as the width shrinks (assignee, age, users, priority, sparkline,
//! culprit), and every string from the server is sanitised before it is drawn.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::format::{ago, compact, fit, sparkline};
use crate::api::{Issue, IssueStatus, Level, Priority, Substatus};
use crate::tui::sanitize::one_line;
use crate::tui::state::{ListState, Row};
use crate::tui::theme::{Role, Theme};

/// Columns that can be dropped, least important first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Optional {
    Assignee,
    Age,
    Users,
    Priority,
    Sparkline,
}

const DROP_ORDER: [Optional; 5] =
    [Optional::Assignee, Optional::Age, Optional::Users, Optional::Priority, Optional::Sparkline];

/// The title column never gets narrower than this while other columns remain.
const MIN_TITLE: u16 = 24;
/// The ID column shrinks (keeping the end of each id, where issues differ) down to this
/// before the title shrinks or a column drops.
const MIN_ID: u16 = 8;
const SPARK: usize = 12;

fn width_of(column: Optional) -> u16 {
    match column {
        Optional::Assignee => 11,
        Optional::Age => 5,
        Optional::Users => 6,
        Optional::Priority => 4,
        Optional::Sparkline => SPARK as u16 + 1,
    }
}

/// The last-seen column of the narrow table.
const NARROW_SEEN: u16 = 5;

/// Whether `width` is too narrow for the full table's fixed columns and a readable title: then
/// the table shows level, title and last seen only (the opened issue's header has the rest).
fn narrow(width: u16, short_id: u16) -> bool {
    2 + 2 + 4 + short_id + 1 + 7 + 5 + MIN_TITLE > width
}

/// Which optional columns fit in `width` next to the fixed ones, and how wide the ID column is
/// (`short_id` wide when it fits): the ID column gives way before the title does, and both
/// before a column is dropped.
fn columns(width: u16, short_id: u16) -> (Vec<Optional>, u16) {
    // mark(2) level(2) badge(4) short id(+1) title events(7) last seen(5)
    let fixed = 2 + 2 + 4 + 1 + 7 + 5;
    let mut shown: Vec<Optional> = DROP_ORDER.to_vec();
    loop {
        let room = width.saturating_sub(fixed + shown.iter().map(|c| width_of(*c)).sum::<u16>());
        // Age and assignee stay only beside whole ids and a roomier title; for users, priority
        // and the sparkline the ID column shrinks and the title keeps MIN_TITLE.
        let extras = shown.iter().any(|c| matches!(c, Optional::Assignee | Optional::Age));
        let title = if extras { MIN_TITLE + 6 } else { MIN_TITLE };
        let id = room.saturating_sub(title).min(short_id);
        let least = if extras { short_id } else { short_id.min(MIN_ID) };
        if id >= least || shown.is_empty() {
            return (shown, id.max(short_id.min(MIN_ID)));
        }
        shown.remove(0);
    }
}

/// The short ids as the ID column shows them: without the project's prefix when every row
/// shown is of one project (`SHOP-API-5` reads `5` under a `project shop-api` filter), whole
/// otherwise.
fn shown_ids<'a>(rows: impl Iterator<Item = &'a Row> + Clone) -> (usize, bool) {
    let prefix = |id: &'a str| id.rsplit_once('-').map_or("", |(p, _)| p);
    let first = rows.clone().next().map(|r| prefix(&r.issue.short_id));
    let one_project = first.is_some_and(|p| !p.is_empty() && rows.clone().all(|r| prefix(&r.issue.short_id) == p));
    let width = rows
        .map(|r| {
            let id = r.issue.short_id.as_str();
            let id = if one_project { id.rsplit_once('-').map_or(id, |(_, n)| n) } else { id };
            unicode_width::UnicodeWidthStr::width(id)
        })
        .max()
        .unwrap_or(0);
    (width, one_project)
}

/// `id` in `width` columns: its end kept when it must be cut (`…WORKER-7`).
fn id_cell(id: &str, width: usize, elide_project: bool) -> String {
    let id = if elide_project { id.rsplit_once('-').map_or(id, |(_, n)| n) } else { id };
    let id = one_line(id);
    let chars: Vec<char> = id.chars().collect();
    if unicode_width::UnicodeWidthStr::width(id.as_str()) <= width {
        return fit(&id, width + 1);
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in chars.iter().rev() {
        let w = unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
        if used + w > width {
            break;
        }
        used += w;
        kept.push(*c);
    }
    kept.reverse();
    fit(&format!("…{}", kept.into_iter().collect::<String>()), width + 1)
}

/// The table of issues.
pub struct IssueTableView<'a> {
    pub list: &'a ListState,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
    pub focused: bool,
}

fn level_role(level: Option<&Level>) -> (Role, &'static str) {
    match level {
        Some(Level::Fatal) => (Role::LevelFatal, "F"),
        Some(Level::Error) => (Role::LevelError, "E"),
        Some(Level::Warning) => (Role::LevelWarning, "W"),
        Some(Level::Info) => (Role::LevelInfo, "I"),
        Some(Level::Debug | Level::Sample) => (Role::LevelDebug, "D"),
        _ => (Role::Muted, "?"),
    }
}

/// The status badge: pending first, then what matters most for triage.
pub fn badge(row: &Row) -> Option<(Role, &'static str)> {
    if row.pending.is_some() {
        return Some((Role::BadgePending, "..."));
    }
    let issue = &row.issue;
    match (&issue.status, &issue.substatus) {
        (Some(IssueStatus::Resolved), _) => Some((Role::BadgeResolved, "RES")),
        (Some(IssueStatus::Ignored), _) => Some((Role::BadgeArchived, "ARC")),
        (_, Some(Substatus::Regressed)) => Some((Role::BadgeRegressed, "REG")),
        (_, Some(Substatus::Escalating)) => Some((Role::BadgeEscalating, "ESC")),
        (_, Some(Substatus::New)) => Some((Role::BadgeNew, "NEW")),
        _ => None,
    }
}

fn priority_cell(priority: Option<&Priority>) -> (Role, &'static str) {
    match priority {
        Some(Priority::High) => (Role::PriorityHigh, "hi"),
        Some(Priority::Medium) => (Role::PriorityMedium, "med"),
        Some(Priority::Low) => (Role::PriorityLow, "low"),
        _ => (Role::Muted, ""),
    }
}

fn assignee(issue: &Issue) -> String {
    issue.assigned_to.as_ref().map(|a| one_line(a.name.as_deref().unwrap_or(&a.id))).unwrap_or_default()
}

impl IssueTableView<'_> {
    /// The column titles; the one the list is sorted by is marked `↓` (in the space before
    /// it): its order, as Sentry sorts, is newest, most events, most users, highest first.
    fn header(&self, shown: &[Optional], short_id: u16, title: u16) -> Line<'static> {
        use crate::tui::state::SortKey;
        let style = self.theme.style(Role::Header);
        let mut text = format!("{}{}", fit("", 8), fit("ID", short_id as usize + 1));
        text.push_str(&fit("TITLE", title as usize));
        text.push_str(&format!("{:>6} ", "EVENTS"));
        if shown.contains(&Optional::Users) {
            text.push_str(&format!("{:>5} ", "USERS"));
        }
        if shown.contains(&Optional::Priority) {
            text.push_str(&fit("PRI", 4));
        }
        if shown.contains(&Optional::Sparkline) {
            text.push_str(&fit(self.list.stats_period.key(), SPARK + 1));
        }
        text.push_str(&fit("SEEN", 5));
        if shown.contains(&Optional::Age) {
            text.push_str(&fit("AGE", 5));
        }
        if shown.contains(&Optional::Assignee) {
            text.push_str(&fit("ASSIGNEE", 11));
        }
        let sorted = match self.list.sort {
            SortKey::LastSeen => " SEEN",
            SortKey::FirstSeen => " AGE",
            SortKey::Events => " EVENTS",
            SortKey::Users => " USERS",
            SortKey::Priority => " PRI",
        };
        if let Some(at) = text.find(sorted) {
            text.replace_range(at..at + 1, "↓");
        }
        Line::from(Span::styled(text, style))
    }

    /// A row's own style: selected (focused or not), marked, or plain text; cells keep their
    /// role's colour only on plain rows.
    fn base_style(&self, selected: bool, marked: bool) -> Style {
        let role = match (selected, marked) {
            (true, _) if self.focused => Role::Selection,
            (true, _) => Role::SelectionInactive,
            (false, true) => Role::Marked,
            _ => Role::Text,
        };
        self.theme.style(role)
    }

    /// A row of the narrow table (the list beside an opened issue): level, title and last seen.
    fn narrow_row(&self, row: &Row, selected: bool, width: u16) -> Line<'static> {
        let theme = self.theme;
        let issue = &row.issue;
        let marked = self.list.marked.contains(&issue.id);
        let base = self.base_style(selected, marked);
        let over = |role: Role| if selected || marked { base } else { theme.style(role) };
        let mark = mark(marked, row.changed, issue.is_bookmarked);
        let (level_role, level_text) = level_role(issue.level.as_ref());
        let title = width.saturating_sub(2 + 2 + NARROW_SEEN) as usize;
        Line::from(vec![
            Span::styled(mark, if row.changed && !marked { over(Role::Changed) } else { base }),
            Span::styled(format!("{level_text} "), over(level_role)),
            Span::styled(fit(&one_line(&issue.title), title), base),
            Span::styled(format!("{:>4} ", ago(issue.last_seen, self.now)), over(Role::Muted)),
        ])
    }

    fn row(&self, row: &Row, selected: bool, shown: &[Optional], ids: (u16, bool), title_width: u16) -> Line<'static> {
        let (short_id, elide) = ids;
        let theme = self.theme;
        let issue = &row.issue;
        let marked = self.list.marked.contains(&issue.id);
        let base = self.base_style(selected, marked);
        let over = |role: Role| if selected || marked { base } else { theme.style(role) };
        let mut spans = Vec::new();
        let mark = mark(marked, row.changed, issue.is_bookmarked);
        spans.push(Span::styled(mark, if row.changed && !marked { over(Role::Changed) } else { base }));
        let (level_role, level_text) = level_role(issue.level.as_ref());
        spans.push(Span::styled(format!("{level_text} "), over(level_role).patch(Style::default())));
        let (badge_role, badge_text) = badge(row).unwrap_or((Role::Text, ""));
        spans.push(Span::styled(fit(badge_text, 4), over(badge_role)));
        spans.push(Span::styled(id_cell(&issue.short_id, short_id as usize, elide), over(Role::Muted)));
        let title = one_line(&issue.title);
        let culprit = issue.culprit.as_deref().map(one_line).unwrap_or_default();
        let title_cols = title_width as usize;
        let title_part = fit(&title, title_cols);
        let used = unicode_width::UnicodeWidthStr::width(super::format::truncate(&title, title_cols).as_str());
        if culprit.is_empty() || used + 3 > title_cols {
            spans.push(Span::styled(title_part, base));
        } else {
            spans.push(Span::styled(title.clone(), base));
            spans.push(Span::styled(fit(&format!("  {culprit}"), title_cols - used), over(Role::Muted)));
        }
        spans.push(Span::styled(format!("{:>6} ", compact(issue.count)), over(Role::Count)));
        if shown.contains(&Optional::Users) {
            spans.push(Span::styled(format!("{:>5} ", compact(issue.user_count)), over(Role::Count)));
        }
        if shown.contains(&Optional::Priority) {
            let (role, text) = priority_cell(issue.priority.as_ref());
            spans.push(Span::styled(fit(text, 4), over(role)));
        }
        if shown.contains(&Optional::Sparkline) {
            let values: Vec<u64> = issue
                .stats
                .series(self.list.stats_period.key())
                .map(|points| points.iter().map(|p| p.count).collect())
                .unwrap_or_default();
            spans.push(Span::styled(format!("{} ", sparkline(&values, SPARK)), over(Role::Sparkline)));
        }
        spans.push(Span::styled(fit(&ago(issue.last_seen, self.now), 5), over(Role::Muted)));
        if shown.contains(&Optional::Age) {
            spans.push(Span::styled(fit(&ago(issue.first_seen, self.now), 5), over(Role::Muted)));
        }
        if shown.contains(&Optional::Assignee) {
            spans.push(Span::styled(fit(&assignee(issue), 11), over(Role::Muted)));
        }
        Line::from(spans)
    }
}

impl Widget for IssueTableView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 {
            return;
        }
        let rows = self.list.rows();
        let visible = rows.iter().skip(self.list.offset).take(area.height.saturating_sub(1) as usize);
        let on_screen = rows.iter().skip(self.list.offset).take(area.height as usize);
        let (natural, elide) = shown_ids(on_screen);
        let short_id = (natural as u16).clamp(2, 18);
        if narrow(area.width, short_id.min(MIN_ID)) {
            let title = area.width.saturating_sub(4 + NARROW_SEEN) as usize;
            let header = format!("    {}{:>4} ", fit("TITLE", title), "SEEN");
            buf.set_line(area.x, area.y, &Line::styled(header, self.theme.style(Role::Header)), area.width);
            for (i, row) in visible.enumerate() {
                let index = self.list.offset + i;
                let y = area.y + 1 + i as u16;
                if index == self.list.cursor {
                    buf.set_style(Rect::new(area.x, y, area.width, 1), self.theme.style(Role::Selection));
                }
                buf.set_line(area.x, y, &self.narrow_row(row, index == self.list.cursor, area.width), area.width);
            }
            return;
        }
        let (shown, short_id) = columns(area.width, short_id);
        let fixed = 2 + 2 + 4 + short_id + 1 + 7 + 5 + shown.iter().map(|c| width_of(*c)).sum::<u16>();
        let title = area.width.saturating_sub(fixed).max(8);
        buf.set_line(area.x, area.y, &self.header(&shown, short_id, title), area.width);
        for (i, row) in visible.enumerate() {
            let index = self.list.offset + i;
            let line = self.row(row, index == self.list.cursor, &shown, (short_id, elide), title);
            let y = area.y + 1 + i as u16;
            if index == self.list.cursor {
                buf.set_style(Rect::new(area.x, y, area.width, 1), self.theme.style(Role::Selection));
            }
            buf.set_line(area.x, y, &line, area.width);
        }
    }
}

/// The two columns before the level: `+` selected or `•` changed since the last poll, then
/// `★` for a bookmark.
fn mark(marked: bool, changed: bool, bookmarked: bool) -> String {
    let first = match (marked, changed) {
        (true, _) => '+',
        (false, true) => '•',
        _ => ' ',
    };
    format!("{first}{}", if bookmarked { '★' } else { ' ' })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_drop_in_order() {
        assert_eq!(columns(200, 12).0.len(), 5);
        // 80 columns keep users, priority and the sparkline; the ID column gives way first.
        assert_eq!(columns(80, 12), (vec![Optional::Users, Optional::Priority, Optional::Sparkline], 12));
        assert_eq!(columns(80, 15), (vec![Optional::Users, Optional::Priority, Optional::Sparkline], 12));
        assert!(columns(50, 12).0.is_empty());
        assert!(narrow(42, 15) && !narrow(80, 15), "the list beside an opened issue at 120 columns is narrow");
        let (mid, _) = columns(100, 12);
        assert!(!mid.contains(&Optional::Assignee) && mid.contains(&Optional::Sparkline), "{mid:?}");
    }

    #[test]
    fn ids_keep_their_end_and_drop_one_project_prefix() {
        assert_eq!(id_cell("LEDGER-WORKER-7", 12, false), "…ER-WORKER-7 ");
        assert_eq!(id_cell("SHOP-API-5", 12, false), "SHOP-API-5   ");
        assert_eq!(id_cell("SHOP-API-5", 2, true), "5  ");
    }
}
