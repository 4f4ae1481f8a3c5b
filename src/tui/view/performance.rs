//! The Performance screen (one row per transaction: throughput per minute with its sparkline,
//! p50, p95, failure rate, users) and a transaction's samples (slowest first, with a bar of
//! each one's duration against the slowest). Columns drop from the right as the width shrinks;
//! only the visible rows are built, and the cursor's row is kept on screen.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::format::{ago, compact, fit, sparkline};
use crate::tui::sanitize::one_line;
use crate::tui::stack::{PerfSort, Performance, Samples};
use crate::tui::state::Load;
use crate::tui::theme::{Role, Theme};

/// A duration for people: `0.42ms`, `38ms`, `1.25s`, `2.5m`.
pub fn millis(ms: f64) -> String {
    if !ms.is_finite() {
        return "-".into();
    }
    match ms {
        ms if ms < 10.0 => format!("{ms:.2}ms"),
        ms if ms < 1000.0 => format!("{ms:.0}ms"),
        ms if ms < 60_000.0 => format!("{:.2}s", ms / 1000.0),
        ms => format!("{:.1}m", ms / 60_000.0),
    }
}

/// Throughput per minute: `1.2k`, `340`, `12.5`, `0.03`.
fn rate(per_minute: f64) -> String {
    match per_minute {
        r if r >= 1000.0 => compact(r.round() as u64),
        r if r >= 100.0 => format!("{r:.0}"),
        r if r >= 1.0 => format!("{r:.1}"),
        r if r >= 0.01 => format!("{r:.2}"),
        r if r > 0.0 => "<0.01".into(),
        _ => "0".into(),
    }
}

/// The first line shown, so that `cursor` is among `height` lines of `len`.
pub fn first_shown(cursor: usize, height: usize, len: usize) -> usize {
    (cursor + 1).saturating_sub(height).min(len.saturating_sub(height))
}

/// A message in place of rows, for the loading, failed and empty states, wrapped to the width.
pub fn message(area: Rect, buf: &mut Buffer, text: &str, role: Role, theme: &Theme) {
    if area.height > 1 && area.width > 2 {
        let inner = Rect::new(area.x + 1, area.y + 1, area.width - 2, area.height - 1);
        Paragraph::new(Line::styled(one_line(text), theme.style(role))).wrap(Wrap { trim: true }).render(inner, buf);
    }
}

pub struct PerformanceView<'a> {
    pub perf: &'a Performance,
    pub theme: &'a Theme,
}

const SPARK: usize = 12;

impl PerformanceView<'_> {
    fn header(&self, name_width: usize, spark: bool) -> Line<'static> {
        let sorted = |sort: PerfSort, label: &str, width: usize| {
            let text = if self.perf.sort == sort { format!("{label}▼") } else { label.to_string() };
            format!("{text:>width$}")
        };
        let mut text = format!("  {}", fit("TRANSACTION", name_width));
        text.push_str(&sorted(PerfSort::Throughput, "TPM", 7));
        if spark {
            text.push_str(&format!(" {:<SPARK$}", ""));
        }
        text.push_str(&sorted(PerfSort::P50, "P50", 9));
        text.push_str(&sorted(PerfSort::P95, "P95", 9));
        text.push_str(&sorted(PerfSort::FailureRate, "FAIL", 7));
        text.push_str(&sorted(PerfSort::Users, "USERS", 7));
        Line::styled(text, self.theme.style(Role::Header))
    }
}

impl Widget for PerformanceView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let rows = match &self.perf.rows {
            Load::Idle | Load::Loading { .. } => {
                return message(area, buf, "Loading transactions…", Role::Muted, theme);
            }
            Load::Failed(failure) => {
                let text = format!("Could not load transactions: {} (ctrl-r retries)", one_line(&failure.message));
                return message(area, buf, &text, Role::StatusError, theme);
            }
            Load::Ready(rows) if rows.is_empty() => {
                let text = "No transactions in this window. SDKs send them with traces_sample_rate (Python) or \
                            tracesSampleRate (JavaScript) set; / widens the search.";
                return message(area, buf, text, Role::Muted, theme);
            }
            Load::Ready(rows) => rows,
        };
        let width = area.width as usize;
        let spark = width >= 72;
        let numbers = 7 + 9 + 9 + 7 + 7 + if spark { SPARK + 1 } else { 0 };
        let name_width = width.saturating_sub(2 + numbers).max(8);
        buf.set_line(area.x, area.y, &self.header(name_width, spark), area.width);
        let height = area.height.saturating_sub(1) as usize;
        let top = first_shown(self.perf.cursor, height, rows.len());
        for (i, row) in rows.iter().enumerate().skip(top).take(height) {
            let selected = i == self.perf.cursor;
            let base = theme.style(if selected { Role::Selection } else { Role::Text });
            let over = |role: Role| if selected { base } else { theme.style(role) };
            let mut spans = vec![
                Span::styled(if selected { "▸ " } else { "  " }, base),
                Span::styled(fit(&one_line(&row.transaction), name_width), base),
                Span::styled(format!("{:>7}", rate(row.throughput)), over(Role::Count)),
            ];
            if spark {
                let values: Vec<u64> = self
                    .perf
                    .series
                    .get(&row.transaction)
                    .map(|s| s.iter().map(|v| v.max(0.0).round() as u64).collect())
                    .unwrap_or_default();
                let line = if values.is_empty() { " ".repeat(SPARK) } else { sparkline(&values, SPARK) };
                spans.push(Span::styled(format!(" {line}"), over(Role::Sparkline)));
            }
            let failure = format!("{:.1}%", row.failure_rate * 100.0);
            let failure_role = if row.failure_rate > 0.0 { Role::LevelError } else { Role::Muted };
            spans.extend([
                Span::styled(format!("{:>9}", row.p50.map_or("-".into(), millis)), base),
                Span::styled(format!("{:>9}", row.p95.map_or("-".into(), millis)), base),
                Span::styled(format!("{failure:>7}"), over(failure_role)),
                Span::styled(format!("{:>7}", compact(row.users)), over(Role::Count)),
            ]);
            buf.set_line(area.x, area.y + 1 + (i - top) as u16, &Line::from(spans), area.width);
        }
    }
}

pub struct SamplesView<'a> {
    pub samples: &'a Samples,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

impl Widget for SamplesView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let rows = match &self.samples.rows {
            Load::Idle | Load::Loading { .. } => {
                return message(area, buf, "Loading the slowest samples…", Role::Muted, theme);
            }
            Load::Failed(failure) => {
                let text = format!("Could not load samples: {} (ctrl-r retries)", one_line(&failure.message));
                return message(area, buf, &text, Role::StatusError, theme);
            }
            Load::Ready(rows) if rows.is_empty() => {
                return message(area, buf, "No samples of this transaction in the window.", Role::Muted, theme);
            }
            Load::Ready(rows) => rows,
        };
        let width = area.width as usize;
        let fixed = 2 + 10 + 7 + 9;
        let bar_width = (width.saturating_sub(fixed) / 2).clamp(4, 60);
        let project_width = width.saturating_sub(fixed + bar_width + 1).clamp(0, 24);
        let header = format!(
            "  {:>9} {:>6} {:<8} {} {}",
            "DURATION▼",
            "AGO",
            "TRACE",
            fit("PROJECT", project_width),
            fit("", bar_width)
        );
        buf.set_line(area.x, area.y, &Line::styled(header, theme.style(Role::Header)), area.width);
        let slowest = rows.iter().map(|r| r.duration_ms).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
        let height = area.height.saturating_sub(1) as usize;
        let top = first_shown(self.samples.cursor, height, rows.len());
        for (i, row) in rows.iter().enumerate().skip(top).take(height) {
            let selected = i == self.samples.cursor;
            let base = theme.style(if selected { Role::Selection } else { Role::Text });
            let over = |role: Role| if selected { base } else { theme.style(role) };
            let cells = ((row.duration_ms / slowest) * bar_width as f64).round().clamp(1.0, bar_width as f64) as usize;
            let when = ago(row.timestamp, self.now);
            let spans = vec![
                Span::styled(if selected { "▸ " } else { "  " }, base),
                Span::styled(format!("{:>9} ", millis(row.duration_ms)), base),
                Span::styled(format!("{when:>6} "), over(Role::Muted)),
                Span::styled(format!("{} ", fit(&one_line(&row.trace_id), 8)), over(Role::Muted)),
                Span::styled(
                    fit(&one_line(row.project.as_deref().unwrap_or_default()), project_width),
                    over(Role::Muted),
                ),
                Span::styled(format!(" {}", "█".repeat(cells)), over(Role::Sparkline)),
            ];
            buf.set_line(area.x, area.y + 1 + (i - top) as u16, &Line::from(spans), area.width);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{first_shown, millis};

    #[test]
    fn durations_read_for_people() {
        assert_eq!(millis(0.4213), "0.42ms");
        assert_eq!(millis(38.4), "38ms");
        assert_eq!(millis(1250.0), "1.25s");
        assert_eq!(millis(150_000.0), "2.5m");
        assert_eq!(millis(f64::NAN), "-");
    }

    #[test]
    fn the_cursor_stays_on_screen() {
        assert_eq!(first_shown(0, 10, 100), 0);
        assert_eq!(first_shown(9, 10, 100), 0);
        assert_eq!(first_shown(10, 10, 100), 1);
        assert_eq!(first_shown(99, 10, 100), 90);
        assert_eq!(first_shown(3, 10, 4), 0);
    }
}
