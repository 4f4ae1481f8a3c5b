//! The releases screen's reducer: loading the releases (more as the cursor reaches the end),
//! moving, the sparkline's period, and opening a release's issues through the list (see
//! [`crate::tui::screen`]). Opened from an issue, the screen puts the cursor on the issue's first
//! release, and closing it shows that issue again.

use chrono::{DateTime, Utc};

use super::super::action::Action;
use super::super::msg::Effect;
use super::super::releases::{Releases, ReleasesData};
use super::super::screen::Screen;
use super::super::state::{Failure, Load, ReqId, State, StatsPeriod, ToastLevel, describe};
use super::screen;
use crate::api::{Error, Page, ReleaseInfo, ReleaseListParams};

/// Releases asked for per page.
const PAGE: u32 = 50;

/// Opens the screen (or closes it, when it is showing) and asks for the releases.
pub fn toggle(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if state.releases().is_some_and(|r| r.away.is_none()) {
        state.screen = None;
        return Vec::new();
    }
    // From an opened issue: its first release is where the cursor goes.
    let focus = state.detail.as_ref().and_then(|d| d.issue.as_ref()).and_then(|i| i.first_release.as_ref());
    let releases = Releases {
        project: state.list.project.clone(),
        environment: state.list.environment.clone(),
        focus: focus.map(|r| r.version.clone()),
        ..Releases::default()
    };
    state.screen = Some(Screen::Releases(releases));
    refetch(state, now)
}

fn params(releases: &Releases, cursor: Option<String>) -> ReleaseListParams {
    ReleaseListParams {
        projects: releases.project.iter().map(|(id, _)| *id).collect(),
        environments: releases.environment.iter().cloned().collect(),
        per_page: Some(PAGE),
        cursor,
        health: true,
        health_stats_period: Some("24h".into()),
        ..ReleaseListParams::default()
    }
}

/// Asks for the first page again (keeping what is shown until it arrives).
pub fn refetch(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let req = state.request();
    let Some(releases) = state.releases_mut() else {
        return Vec::new();
    };
    releases.req = Some(req);
    releases.more = None;
    if releases.data.ready().is_none() {
        releases.data = Load::Loading { since: now };
    }
    vec![Effect::FetchReleases { req, params: params(releases, None) }]
}

/// A page arrived (or failed).
pub fn loaded(state: &mut State, req: ReqId, result: Result<Page<ReleaseInfo>, Error>, now: DateTime<Utc>) {
    let Some(releases) = state.releases_mut().filter(|r| r.req == Some(req) || r.more == Some(req)) else {
        tracing::debug!(req, "dropping a releases answer nobody waits for");
        return;
    };
    let appending = releases.more == Some(req);
    match result {
        Ok(page) if appending => {
            releases.more = None;
            if let Some(data) = releases.data.ready_mut() {
                data.releases.extend(page.items);
                data.next_cursor = page.next_cursor;
            }
        }
        Ok(page) => {
            releases.req = None;
            releases.data = Load::Ready(ReleasesData { releases: page.items, next_cursor: page.next_cursor });
            if let Some(version) = releases.focus.take()
                && let Some(index) = releases.rows().iter().position(|r| r.release.version == version)
            {
                releases.cursor = index;
            }
            releases.cursor = releases.cursor.min(releases.rows().len().saturating_sub(1));
        }
        Err(error) => {
            let message = describe(&error);
            releases.req = None;
            releases.more = None;
            if releases.data.ready().is_some() {
                state.toast(ToastLevel::Error, format!("releases: {message}"), now);
            } else {
                releases.data = Load::Failed(Failure { message, at: now });
            }
        }
    }
}

/// Whether the screen takes `action` now.
pub fn handles(state: &State, action: Action) -> bool {
    state.releases().is_some_and(|r| r.away.is_none())
        && matches!(
            action,
            moves!() | Action::Open | Action::ReleaseAllIssues | Action::Refresh | Action::ToggleStatsPeriod
        )
}

pub fn act(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let page = state.page_rows.max(1);
    let Some(releases) = state.releases_mut() else {
        return Vec::new();
    };
    let last = releases.rows().len().saturating_sub(1);
    match action {
        Action::MoveDown => releases.cursor = (releases.cursor + 1).min(last),
        Action::MoveUp => releases.cursor = releases.cursor.saturating_sub(1),
        Action::PageDown => releases.cursor = (releases.cursor + page).min(last),
        Action::PageUp => releases.cursor = releases.cursor.saturating_sub(page),
        Action::Top => releases.cursor = 0,
        Action::Bottom => releases.cursor = last,
        Action::Back => {
            state.screen = None;
            return Vec::new();
        }
        Action::Refresh => return refetch(state, now),
        Action::ToggleStatsPeriod => {
            releases.period = match releases.period {
                StatsPeriod::Day => StatsPeriod::TwoWeeks,
                StatsPeriod::TwoWeeks => StatsPeriod::Day,
            };
        }
        Action::Open => return open(state, "firstRelease", "first seen in", now),
        Action::ReleaseAllIssues => return open(state, "release", "seen in", now),
        _ => {}
    }
    more(state)
}

/// Asks for the next page when the cursor reached the last row and there is one.
fn more(state: &mut State) -> Vec<Effect> {
    let req = state.next_req + 1;
    let Some(releases) = state.releases_mut() else {
        return Vec::new();
    };
    let at_end = releases.cursor + 1 >= releases.rows().len();
    let cursor = releases.data.ready().and_then(|d| d.next_cursor.clone());
    match cursor {
        Some(cursor) if at_end && releases.more.is_none() && releases.req.is_none() => {
            releases.more = Some(req);
            let params = params(releases, Some(cursor));
            state.next_req = req;
            vec![Effect::FetchReleases { req, params }]
        }
        _ => Vec::new(),
    }
}

/// Shows the issues of the release under the cursor, `key:VERSION` in the list, within its project.
fn open(state: &mut State, key: &str, what: &str, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(row) = state.releases().and_then(Releases::current) else {
        return Vec::new();
    };
    let version = row.release.version.clone();
    let project = row.project.and_then(|p| Some((p.id.parse::<i64>().ok()?, p.slug.clone())));
    let effects = screen::park(state, format!("{key}:{}", crate::search::single_value(&version)), project, now);
    let back = "esc comes back to the releases";
    state.toast(ToastLevel::Info, format!("issues {what} {version} · {back}"), now);
    effects
}
