//! The span waterfall: one row per span in tree order, with the tree's guides, the span's op
//! and description, its duration, and a bar of its offset and length in the trace drawn across
//! the width left; spans with an error carry `✖` (a performance issue `◆`) and the issue's short
//! id, and errors on no span come last. A line under the rows tells the selected span in full
//! and what Enter opens. Only the visible rows are drawn, so a trace of thousands of spans
//! draws as fast as a short one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::format::fit;
use super::performance::{first_shown, message, millis};
use crate::tui::sanitize::one_line;
use crate::tui::state::Load;
use crate::tui::theme::{Role, Theme};
use crate::tui::waterfall::{Flat, Row, Waterfall};

pub struct WaterfallView<'a> {
    pub waterfall: &'a Waterfall,
    pub theme: &'a Theme,
}

/// The mark of a row: an error, a performance issue, or none.
fn mark(row: &Row) -> (&'static str, Role) {
    if row.issues.iter().any(|i| i.kind != "occurrence") {
        ("✖", Role::LevelError)
    } else if !row.issues.is_empty() {
        ("◆", Role::LevelWarning)
    } else {
        (" ", Role::Text)
    }
}

/// The bar's cells: blanks up to the span's start, then its length (at least one cell).
fn bar(row: &Row, flat: &Flat, width: usize) -> (usize, usize) {
    let total = (flat.end - flat.start).max(1e-9);
    let from =
        (((row.start - flat.start) / total) * width as f64).floor().clamp(0.0, width.saturating_sub(1) as f64) as usize;
    let cells = (((row.end - row.start) / total) * width as f64).ceil().max(1.0) as usize;
    (from, cells.min(width - from))
}

impl WaterfallView<'_> {
    fn row_line(&self, row: &Row, flat: &Flat, selected: bool, (left, bar_width): (usize, usize)) -> Line<'static> {
        let theme = self.theme;
        let base = theme.style(if selected { Role::Selection } else { Role::Text });
        let over = |role: Role| if selected { base } else { theme.style(role) };
        let (symbol, role) = mark(row);
        let short = row.issues.first().and_then(|i| i.short_id.as_deref()).map(one_line);
        let mut label = format!("{}{} ", row.guide, one_line(&row.op));
        let name_role = if row.is_transaction { Role::Title } else { Role::Text };
        let description = one_line(&row.description);
        if let Some(short) = &short {
            label.push_str(&format!("[{short}] "));
        }
        label.push_str(&description);
        let mut spans = vec![
            Span::styled(symbol.to_string(), over(role)),
            Span::styled(" ", base),
            Span::styled(fit(&label, left), over(name_role)),
        ];
        if row.loose {
            spans.push(Span::styled(fit("no span", 9 + bar_width), over(Role::Muted)));
            return Line::from(spans);
        }
        spans.push(Span::styled(format!("{:>8} ", millis(row.duration_ms())), over(Role::Count)));
        let (from, cells) = bar(row, flat, bar_width);
        let bar_role = if !row.issues.is_empty() {
            role
        } else if row.is_transaction {
            Role::Link
        } else {
            Role::Sparkline
        };
        spans.push(Span::styled(" ".repeat(from), base));
        spans.push(Span::styled("█".repeat(cells), over(bar_role)));
        spans.push(Span::styled(" ".repeat(bar_width - from - cells), base));
        Line::from(spans)
    }

    fn detail_line(&self, row: &Row, flat: &Flat, width: usize) -> Line<'static> {
        let theme = self.theme;
        let mut text = if row.loose {
            "an error in this trace on no span of it".to_string()
        } else {
            format!(
                "{} · {} · {} at +{}",
                one_line(&row.op),
                one_line(&row.description),
                millis(row.duration_ms()),
                millis((row.start - flat.start) * 1000.0)
            )
        };
        let issue_role = match row.issues.first() {
            Some(issue) => {
                let short = issue.short_id.as_deref().map(one_line).unwrap_or_default();
                text = format!("{short} {} · enter opens it · {text}", one_line(&issue.title));
                mark(row).1
            }
            None => Role::Muted,
        };
        Line::from(Span::styled(fit(&format!(" {text}"), width), theme.style(issue_role)))
    }
}

impl Widget for WaterfallView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let flat = match &self.waterfall.data {
            Load::Idle | Load::Loading { .. } => return message(area, buf, "Loading the trace…", Role::Muted, theme),
            Load::Failed(failure) => {
                let text = format!("Could not load the trace: {} (ctrl-r retries)", one_line(&failure.message));
                return message(area, buf, &text, Role::StatusError, theme);
            }
            Load::Ready(flat) if flat.rows.is_empty() => {
                let text = "No transactions or errors of this trace are here (yet). Transactions are kept for the \
                            days [server.performance] retention_days says.";
                return message(area, buf, text, Role::Muted, theme);
            }
            Load::Ready(flat) => flat,
        };
        if area.height < 3 || area.width < 20 {
            return;
        }
        let width = area.width as usize;
        let bar_width = (width * 35 / 100).max(8);
        let left = width.saturating_sub(2 + 9 + bar_width);
        let summary = format!(" {} spans · {} · {} with errors ", flat.spans, millis(flat.duration_ms()), flat.marked);
        let header = Line::from(vec![
            Span::styled(fit("  SPAN", left + 2), theme.style(Role::Header)),
            Span::styled(format!("{:>8} ", "DURATION"), theme.style(Role::Header)),
            Span::styled(fit(&summary, bar_width), theme.style(Role::Muted)),
        ]);
        buf.set_line(area.x, area.y, &header, area.width);
        let height = area.height.saturating_sub(2) as usize;
        let top = first_shown(self.waterfall.cursor, height, flat.rows.len());
        for (i, row) in flat.rows.iter().enumerate().skip(top).take(height) {
            let line = self.row_line(row, flat, i == self.waterfall.cursor, (left, bar_width));
            buf.set_line(area.x, area.y + 1 + (i - top) as u16, &line, area.width);
        }
        if let Some(row) = self.waterfall.current() {
            let line = self.detail_line(row, flat, width);
            buf.set_line(area.x, area.y + area.height - 1, &line, area.width);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A remote server's span may end before it starts, lie outside the trace or carry no
    /// times: its bar still fits the width, and its duration shows as 0 ms at worst.
    #[test]
    fn bars_of_odd_spans_stay_inside_the_width() {
        let flat = Flat { start: 10.0, end: 11.0, ..Flat::default() };
        let row = |start: f64, end: f64| Row { start, end, ..Row::default() };
        for (odd, width) in [
            (row(10.5, 10.2), 40),
            (row(9.0, 9.5), 40),
            (row(11.5, 12.0), 40),
            (row(f64::NAN, f64::NAN), 40),
            (row(10.0, 11.0), 0),
        ] {
            let (from, cells) = bar(&odd, &flat, width);
            assert!(from + cells <= width, "{odd:?} at {width}: {from}+{cells}");
            assert!(odd.duration_ms().is_nan() || odd.duration_ms() >= 0.0, "{odd:?}");
        }
        assert_eq!(row(10.5, 10.2).duration_ms(), 0.0);
    }
}
