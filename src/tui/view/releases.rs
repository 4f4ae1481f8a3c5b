//! The releases screen: a table of releases per project, newest first (version, project, age,
//! new issues, events and their sparkline, crash-free sessions and users, adoption, last deploy),
//! with the selected release's facts below it. Columns drop from the right as the terminal
//! narrows (deploy, project, adoption); a server that sends no event counts (Sentry) shows `–`
//! there. Only the rows on screen are built, and every server string is sanitised.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::format::{ago, compact, fit, sparkline};
use crate::api::models::HealthData;
use crate::tui::releases::{ReleaseRow, Releases};
use crate::tui::sanitize::one_line;
use crate::tui::state::{Load, StatsPeriod};
use crate::tui::theme::{Role, Theme};

pub struct ReleasesView<'a> {
    pub releases: &'a Releases,
    pub theme: &'a Theme,
    pub now: DateTime<Utc>,
}

/// Columns that can be dropped, least important first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Optional {
    Deploy,
    Project,
    Adoption,
}

const SPARK: usize = 12;
const MIN_VERSION: usize = 14;
/// mark, age, new, events, sparkline, crash-free sessions and users.
const FIXED: usize = 2 + 5 + 5 + 7 + (SPARK + 1) + 8 + 8;

fn width_of(column: Optional) -> usize {
    match column {
        Optional::Deploy => 18,
        Optional::Project => 15,
        Optional::Adoption => 8,
    }
}

fn columns(width: usize) -> Vec<Optional> {
    let mut shown = vec![Optional::Deploy, Optional::Project, Optional::Adoption];
    while !shown.is_empty() && FIXED + shown.iter().map(|c| width_of(*c)).sum::<usize>() + MIN_VERSION > width {
        shown.remove(0);
    }
    shown
}

/// `99.95%`, `100%`, or `–` without sessions.
fn percent(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v >= 99.995 => "100%".into(),
        Some(v) => format!("{v:.decimals$}%"),
        None => "–".into(),
    }
}

fn crash_free_role(value: Option<f64>) -> Role {
    match value {
        None => Role::Dim,
        Some(v) if v < 95.0 => Role::LevelError,
        Some(v) if v < 99.0 => Role::LevelWarning,
        Some(_) => Role::Count,
    }
}

impl ReleasesView<'_> {
    fn header(&self, shown: &[Optional], version_width: usize) -> Line<'static> {
        let period = self.releases.period.key();
        let mut text = format!("  {}", fit("VERSION", version_width));
        if shown.contains(&Optional::Project) {
            text.push_str(&fit("PROJECT", width_of(Optional::Project)));
        }
        text.push_str(&format!(
            "{:<5}{:>4} {:>6} {} {:>8}{:>8}",
            "AGE",
            "NEW",
            "EVENTS",
            fit(period, SPARK),
            "SESSIONS",
            "USERS"
        ));
        if shown.contains(&Optional::Adoption) {
            text.push_str(&format!(" {:>7}", "ADOPT"));
        }
        if shown.contains(&Optional::Deploy) {
            text.push_str(&format!("  {}", fit("LAST DEPLOY", width_of(Optional::Deploy) - 2)));
        }
        Line::styled(text, self.theme.style(Role::Header))
    }

    fn row(&self, row: ReleaseRow<'_>, selected: bool, shown: &[Optional], version_width: usize) -> Line<'static> {
        let theme = self.theme;
        let base = if selected { theme.style(Role::Selection) } else { theme.style(Role::Text) };
        let over = |role: Role| -> Style { if selected { base } else { theme.style(role) } };
        let release = row.release;
        let health: Option<&HealthData> = row.project.and_then(|p| p.health_data.as_ref());
        let crash_free_sessions = health.and_then(|h| h.crash_free_sessions);
        let crash_free_users = health.and_then(|h| h.crash_free_users);
        let new_issues = row.project.map_or(release.new_groups, |p| p.new_groups);
        let events = row.project.and_then(|p| p.event_count);
        let series: Vec<u64> = row
            .project
            .and_then(|p| p.event_stats.series(self.releases.period.key()))
            .map(|points| points.iter().map(|p| p.count).collect())
            .unwrap_or_default();
        let version = one_line(release.display_version());
        let mut spans = vec![Span::styled(if selected { "▸ " } else { "  " }, base)];
        match row.project.filter(|_| self.releases.project.is_none() && !shown.contains(&Optional::Project)) {
            // Narrow, over several projects: the project goes beside the version.
            Some(project) => {
                let slug = one_line(&project.slug);
                let room = version_width.saturating_sub(unicode_width::UnicodeWidthStr::width(slug.as_str()) + 2);
                let version = super::format::truncate(&version, room.max(MIN_VERSION / 2));
                let used = unicode_width::UnicodeWidthStr::width(version.as_str()) + 1;
                spans.push(Span::styled(format!("{version} "), over(Role::Title)));
                let slug = fit(&slug, version_width.saturating_sub(used + 1));
                spans.push(Span::styled(format!("{slug} "), over(Role::Muted)));
            }
            None => {
                let version = fit(&version, version_width.saturating_sub(1));
                spans.push(Span::styled(format!("{version} "), over(Role::Title)));
            }
        }
        if shown.contains(&Optional::Project) {
            let slug = row.project.map_or("-".to_string(), |p| one_line(&p.slug));
            spans.push(Span::styled(fit(&slug, width_of(Optional::Project)), over(Role::Muted)));
        }
        spans.extend([
            Span::styled(fit(&ago(release.date_created, self.now), 5), over(Role::Muted)),
            Span::styled(
                format!("{:>4} ", compact(new_issues)),
                over(if new_issues > 0 { Role::BadgeNew } else { Role::Dim }),
            ),
            Span::styled(format!("{:>6} ", events.map_or("–".into(), compact)), over(Role::Count)),
            Span::styled(format!("{} ", sparkline(&series, SPARK)), over(Role::Sparkline)),
            Span::styled(format!("{:>8}", percent(crash_free_sessions, 2)), over(crash_free_role(crash_free_sessions))),
            Span::styled(format!("{:>8}", percent(crash_free_users, 2)), over(crash_free_role(crash_free_users))),
        ]);
        if shown.contains(&Optional::Adoption) {
            let adoption = health.and_then(|h| h.adoption.or(h.sessions_adoption));
            spans.push(Span::styled(format!(" {:>7}", percent(adoption, 1)), over(Role::Count)));
        }
        if shown.contains(&Optional::Deploy) {
            let deploy = release.last_deploy.as_ref().map_or("-".to_string(), |d| {
                format!("{} {}", one_line(&d.environment), ago(d.date_finished, self.now))
            });
            spans.push(Span::styled(format!("  {}", fit(&deploy, width_of(Optional::Deploy) - 2)), over(Role::Muted)));
        }
        Line::from(spans)
    }

    /// `3h ago`, or `just now` (never `now ago`).
    fn since(&self, at: Option<DateTime<Utc>>) -> String {
        match ago(at, self.now) {
            text if text == "now" => "just now".into(),
            text => format!("{text} ago"),
        }
    }

    /// The selected release's facts, for the lines under the table.
    fn facts(&self, row: ReleaseRow<'_>, width: usize) -> Vec<Line<'static>> {
        let release = row.release;
        let released = match release.date_released {
            Some(at) => format!("released {}", self.since(Some(at))),
            None => "not finalized".into(),
        };
        let mut first = vec![one_line(&release.version)];
        if let Some(project) = row.project {
            first.push(one_line(&project.slug));
        }
        first.push(format!("created {}", self.since(release.date_created)));
        first.push(released);
        let deploy = match &release.last_deploy {
            Some(d) => format!(
                "last deploy {} {} ({} in all)",
                one_line(&d.environment),
                self.since(d.date_finished),
                release.deploy_count
            ),
            None => "never deployed".into(),
        };
        let mut second = vec![deploy, format!("{} commits", release.commit_count)];
        if let Some(health) = row.project.and_then(|p| p.health_data.as_ref()) {
            second.push(match health.total_sessions {
                Some(n) if n > 0 => {
                    format!("{n} sessions, {} crashed, {} errored", health.sessions_crashed, health.sessions_errored)
                }
                _ => "no sessions".into(),
            });
        }
        [first, second]
            .into_iter()
            .map(|parts| Line::styled(fit(&format!("  {}", parts.join(" · ")), width), self.theme.style(Role::Muted)))
            .collect()
    }
}

impl Widget for ReleasesView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 {
            return;
        }
        let theme = self.theme;
        let releases = self.releases;
        let rows = releases.rows();
        let scope = match (&releases.project, &releases.environment) {
            (Some((_, slug)), Some(env)) => format!(" project {} · {}", one_line(slug), one_line(env)),
            (Some((_, slug)), None) => format!(" project {}", one_line(slug)),
            (None, Some(env)) => format!(" every project · {}", one_line(env)),
            (None, None) => " every project".into(),
        };
        let period = match releases.period {
            StatsPeriod::Day => "events 24h",
            StatsPeriod::TwoWeeks => "events 14d",
        };
        let title = Line::from(vec![
            Span::styled(" Releases ", theme.style(Role::TabActive)),
            Span::styled(format!("{scope} · newest first · {period} · crash-free over 14d"), theme.style(Role::Muted)),
        ]);
        buf.set_line(area.x, area.y, &title, area.width);
        let body = Rect::new(area.x, area.y + 2, area.width, area.height.saturating_sub(2));
        let width = body.width as usize;
        let say = |lines: Vec<(String, Role)>, buf: &mut Buffer| {
            for (i, (text, role)) in lines.into_iter().enumerate().take(body.height as usize) {
                let line = Line::styled(fit(&format!("  {text}"), width), theme.style(role));
                buf.set_line(body.x, body.y + i as u16, &line, body.width);
            }
        };
        match &releases.data {
            Load::Idle | Load::Loading { .. } => return say(vec![("Loading releases…".into(), Role::Muted)], buf),
            Load::Failed(failure) => {
                let text = format!("Could not load releases: {} (ctrl-r retries)", one_line(&failure.message));
                return say(vec![(text, Role::StatusError)], buf);
            }
            Load::Ready(_) if rows.is_empty() => {
                return say(
                    vec![
                        ("No releases yet.".into(), Role::Title),
                        ("A release appears with the first event or session naming it".into(), Role::Muted),
                        ("(the SDK's `release` option), or with `sentry-cli releases new`.".into(), Role::Muted),
                    ],
                    buf,
                );
            }
            Load::Ready(_) => {}
        }
        let shown = columns(width);
        let used = FIXED + shown.iter().map(|c| width_of(*c)).sum::<usize>();
        let version_width = width.saturating_sub(used).max(MIN_VERSION.min(width));
        buf.set_line(body.x, body.y, &self.header(&shown, version_width), body.width);
        // Two lines of facts under the table, when there is room for them and a few rows.
        let facts = if body.height >= 8 { 3 } else { 0 };
        let visible = (body.height as usize).saturating_sub(1 + facts).max(1);
        let cursor = releases.cursor.min(rows.len().saturating_sub(1));
        let offset = (cursor + 1).saturating_sub(visible);
        for (i, row) in rows.iter().enumerate().skip(offset).take(visible) {
            let y = body.y + 1 + (i - offset) as u16;
            buf.set_line(body.x, y, &self.row(*row, i == cursor, &shown, version_width), body.width);
        }
        if facts > 0
            && let Some(row) = rows.get(cursor)
        {
            let top = body.y + body.height - 2;
            for (i, line) in self.facts(*row, width).into_iter().enumerate() {
                buf.set_line(body.x, top + i as u16, &line, body.width);
            }
        }
        if releases.more.is_some() {
            let line = Line::styled(fit("  loading more…", width), theme.style(Role::Dim));
            buf.set_line(body.x, body.y + body.height.saturating_sub(3), &line, body.width);
        }
    }
}
