//! The list's reducer: loading (first page, next pages on scroll, background refresh that keeps
//! the cursor and marks what changed), polling health and backoff, moving, tabs, sort and
//! selection.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use crossterm::event::{MouseEvent, MouseEventKind};

use super::super::action::Action;
use super::super::msg::Effect;
use super::super::state::{Failure, ListData, Load, ReqId, Row, State, StatsPeriod, ToastLevel, describe};
use crate::api::{Error, GroupStatsPeriod, Issue, IssueListParams, Page, Substatus};

/// Rows fetched per page.
pub const PAGE: u32 = 100;
/// Load the next page when the cursor gets this close to the end.
const PREFETCH_ROWS: usize = 10;
/// Longest wait between polls while the server keeps failing.
const MAX_BACKOFF_SECS: i64 = 300;
/// The wait before the first retry after a failed poll.
const FIRST_RETRY_SECS: i64 = 4;

/// The request for the list as filtered now.
pub fn list_params(state: &State, cursor: Option<String>) -> IssueListParams {
    let list = &state.list;
    let mut params = IssueListParams::new().query(list.full_query()).sort(list.sort.api()).limit(PAGE);
    params.group_stats_period =
        Some(if list.stats_period == StatsPeriod::Day { GroupStatsPeriod::Day } else { GroupStatsPeriod::TwoWeeks });
    if let Some(environment) = &list.environment {
        params.environments.push(environment.clone());
    }
    if let Some((id, _)) = &list.project {
        params.projects.push(*id);
    }
    params.cursor = cursor;
    params
}

/// The first load after start: the list and the pickers' catalogue.
pub fn first_load(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let mut effects = reload(state, now);
    effects.push(Effect::FetchCatalog);
    effects
}

/// Filters changed: start over from the first page.
pub fn reload(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let req = state.request();
    let list = &mut state.list;
    list.data = Load::Loading { since: now };
    list.fetch = Some(req);
    list.refreshing = false;
    list.more = None;
    list.cursor = 0;
    list.offset = 0;
    list.marked.clear();
    list.anchor = None;
    vec![Effect::FetchIssues { req, params: list_params(state, None), append: false }]
}

/// Reloads the first page; in the background (keeping rows) when there are rows to keep.
pub fn refresh(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if state.list.data.ready().is_none() {
        return reload(state, now);
    }
    let req = state.request();
    state.list.fetch = Some(req);
    state.list.refreshing = true;
    state.poll.next_due = now + chrono::Duration::seconds(state.poll.interval.as_secs() as i64);
    vec![Effect::FetchIssues { req, params: list_params(state, None), append: false }]
}

/// A failed poll: the first retry comes within seconds ([`FIRST_RETRY_SECS`]), each further
/// one waits twice as long, up to [`MAX_BACKOFF_SECS`]; a 429 waits as long as the server says.
fn backoff(state: &mut State, error: &Error, now: DateTime<Utc>) {
    state.poll.failures += 1;
    let wait = match error {
        Error::RateLimited { retry_after } => (retry_after.as_secs() as i64).max(1),
        _ => (FIRST_RETRY_SECS << (state.poll.failures - 1).min(8)).min(MAX_BACKOFF_SECS),
    };
    let reason = crate::tui::fault::describe_reaching(error, &state.source);
    state.poll.last_error = Some(format!("{reason}; retrying in {wait}s"));
    state.poll.next_due = now + chrono::Duration::seconds(wait);
}

fn changed(old: &Issue, new: &Issue) -> bool {
    old.count != new.count
        || old.last_seen != new.last_seen
        || old.status != new.status
        || old.substatus != new.substatus
        || old.priority != new.priority
        || old.assigned_to != new.assigned_to
}

fn alerting(old: Option<&Issue>, new: &Issue) -> bool {
    let alarming = matches!(new.substatus, Some(Substatus::New | Substatus::Regressed));
    alarming && old.is_none_or(|o| o.substatus != new.substatus)
}

/// An answer for the list arrived.
pub fn loaded(state: &mut State, req: ReqId, result: Result<Page<Issue>, Error>, now: DateTime<Utc>) -> Vec<Effect> {
    if state.list.more == Some(req) {
        state.list.more = None;
        match result {
            Ok(page) => {
                if let Some(data) = state.list.data.ready_mut() {
                    let known: std::collections::HashSet<String> =
                        data.rows.iter().map(|r| r.issue.id.clone()).collect();
                    data.rows.extend(page.items.into_iter().filter(|i| !known.contains(&i.id)).map(|issue| Row {
                        issue,
                        pending: None,
                        changed: false,
                    }));
                    data.next_cursor = page.next_cursor;
                    data.hits = page.hits.or(data.hits);
                }
            }
            Err(error) => state.toast(ToastLevel::Error, format!("loading more failed: {}", describe(&error)), now),
        }
        return Vec::new();
    }
    if state.list.fetch != Some(req) {
        tracing::debug!(req, "dropping a stale list answer");
        return Vec::new();
    }
    state.list.fetch = None;
    let refreshing = std::mem::take(&mut state.list.refreshing);
    let page = match result {
        Ok(page) => page,
        Err(error) => {
            backoff(state, &error, now);
            if !refreshing || state.list.data.ready().is_none() {
                let message = crate::tui::fault::describe_reaching(&error, &state.source);
                state.list.data = Load::Failed(Failure { message, at: now });
            }
            return Vec::new();
        }
    };
    state.poll.failures = 0;
    state.poll.last_error = None;
    state.poll.last_ok = Some(now);
    state.poll.next_due = now + chrono::Duration::seconds(state.poll.interval.as_secs() as i64);
    state.caps.observe(&page.items);
    for issue in &page.items {
        if let Some(a) = &issue.assigned_to
            && !state.people.iter().any(|(id, _)| *id == a.id)
        {
            state.people.push((a.id.clone(), a.name.clone().unwrap_or_else(|| a.id.clone())));
        }
    }
    let mut effects = Vec::new();
    match (refreshing, state.list.data.ready()) {
        (true, Some(old)) => {
            let previous: HashMap<&str, &Row> = old.rows.iter().map(|r| (r.issue.id.as_str(), r)).collect();
            let cursor_id = old.rows.get(state.list.cursor).map(|r| r.issue.id.clone());
            let mut alerts = Vec::new();
            let mut rows: Vec<Row> = page
                .items
                .into_iter()
                .map(|issue| match previous.get(issue.id.as_str()) {
                    // A change in flight keeps its optimistic row until it is answered.
                    Some(row) if row.pending.is_some() => (*row).clone(),
                    Some(row) => Row { changed: changed(&row.issue, &issue), pending: None, issue },
                    None => {
                        if alerting(None, &issue) {
                            alerts.push(issue.short_id.clone());
                        }
                        Row { changed: true, pending: None, issue }
                    }
                })
                .collect();
            for row in &rows {
                if let Some(before) = previous.get(row.issue.id.as_str())
                    && alerting(Some(&before.issue), &row.issue)
                {
                    alerts.push(row.issue.short_id.clone());
                }
            }
            // Pages loaded beyond the first stay, minus what moved into it.
            let fresh: std::collections::HashSet<String> = rows.iter().map(|r| r.issue.id.clone()).collect();
            let extra: Vec<Row> = if old.rows.len() > rows.len() && page.next_cursor.is_some() {
                old.rows.iter().skip(rows.len()).filter(|r| !fresh.contains(&r.issue.id)).cloned().collect()
            } else {
                Vec::new()
            };
            let next_cursor = if extra.is_empty() { page.next_cursor } else { old.next_cursor.clone() };
            rows.extend(extra);
            // A row with a change in flight stays where it was until the change is answered.
            for (at, row) in old.rows.iter().enumerate() {
                if row.pending.is_some() && !rows.iter().any(|r| r.issue.id == row.issue.id) {
                    rows.insert(at.min(rows.len()), row.clone());
                }
            }
            // On sift's server the console rings for firings of its rules instead (update::alerts).
            if !alerts.is_empty() && !super::alerts::sift_server(state) {
                let text = format!("new or regressed: {}", alerts.join(", "));
                if state.alerts.bell {
                    effects.push(Effect::Bell);
                }
                if state.alerts.notify {
                    effects.push(Effect::Notify(text));
                }
            }
            let ids: std::collections::HashSet<&str> = rows.iter().map(|r| r.issue.id.as_str()).collect();
            state.list.marked.retain(|id| ids.contains(id.as_str()));
            state.list.cursor =
                cursor_id.and_then(|id| rows.iter().position(|r| r.issue.id == id)).unwrap_or(state.list.cursor);
            state.list.data = Load::Ready(ListData { rows, hits: page.hits, next_cursor });
        }
        _ => {
            let rows = page.items.into_iter().map(|issue| Row { issue, pending: None, changed: false }).collect();
            state.list.data = Load::Ready(ListData { rows, hits: page.hits, next_cursor: page.next_cursor });
        }
    }
    clamp(state);
    effects.extend(super::standup::arrived(state, now));
    effects.extend(super::boards::arrived(state, now));
    effects.extend(super::screens::arrived(state, now));
    effects.extend(super::alerts::arrived(state, now));
    effects
}

/// Keeps the cursor on a row and on screen.
fn clamp(state: &mut State) {
    let len = state.list.rows().len();
    state.list.cursor = state.list.cursor.min(len.saturating_sub(1));
    scroll_into_view(state);
}

/// Scrolls so the cursor row is visible.
pub fn scroll_into_view(state: &mut State) {
    let list = &mut state.list;
    let rows = state.page_rows.max(1);
    if list.cursor < list.offset {
        list.offset = list.cursor;
    } else if list.cursor >= list.offset + rows {
        list.offset = list.cursor + 1 - rows;
    }
}

/// Moves the cursor to `to` and loads the next page when near the end.
fn move_to(state: &mut State, to: usize) -> Vec<Effect> {
    state.list.cursor = to;
    clamp(state);
    let len = state.list.rows().len();
    let next = state.list.data.ready().and_then(|d| d.next_cursor.clone());
    if state.list.more.is_none()
        && state.list.fetch.is_none()
        && let Some(cursor) = next
        && state.list.cursor + PREFETCH_ROWS >= len
    {
        let req = state.request();
        state.list.more = Some(req);
        return vec![Effect::FetchIssues { req, params: list_params(state, Some(cursor)), append: true }];
    }
    Vec::new()
}

/// Navigation, tabs, sort and selection.
pub fn act(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let cursor = state.list.cursor;
    let len = state.list.rows().len();
    let page = state.page_rows.max(1);
    match action {
        Action::MoveDown => move_to(state, (cursor + 1).min(len.saturating_sub(1))),
        Action::MoveUp => move_to(state, cursor.saturating_sub(1)),
        Action::PageDown => move_to(state, (cursor + page).min(len.saturating_sub(1))),
        Action::PageUp => move_to(state, cursor.saturating_sub(page)),
        Action::Top => move_to(state, 0),
        Action::Bottom => move_to(state, len.saturating_sub(1)),
        Action::Back => {
            // Drop the selection, else clear the search.
            if !state.list.marked.is_empty() {
                state.list.marked.clear();
                state.list.anchor = None;
                Vec::new()
            } else if !state.list.query.is_empty() {
                state.list.query.clear();
                reload(state, now)
            } else {
                Vec::new()
            }
        }
        Action::NextTab | Action::PrevTab => {
            state.list.tab = state.list.tab.step(action == Action::NextTab);
            reload(state, now)
        }
        Action::CycleSort => {
            state.list.sort = state.list.sort.next(state.has_priority());
            reload(state, now)
        }
        Action::ToggleStatsPeriod => {
            state.list.stats_period = match state.list.stats_period {
                StatsPeriod::Day => StatsPeriod::TwoWeeks,
                StatsPeriod::TwoWeeks => StatsPeriod::Day,
            };
            refresh(state, now)
        }
        Action::ToggleSelect => {
            if let Some(id) = state.list.current().map(|r| r.issue.id.clone()) {
                if !state.list.marked.remove(&id) {
                    state.list.marked.insert(id);
                }
                // The cursor stays on the issue acted on, as for every action.
                state.list.anchor = Some(cursor);
            }
            Vec::new()
        }
        Action::SelectRange => {
            let anchor = state.list.anchor.unwrap_or(cursor);
            let (from, to) = (anchor.min(cursor), anchor.max(cursor));
            let ids: Vec<String> =
                state.list.rows().iter().skip(from).take(to + 1 - from).map(|r| r.issue.id.clone()).collect();
            state.list.marked.extend(ids);
            state.list.anchor = Some(cursor);
            Vec::new()
        }
        Action::SelectAll => {
            let ids: Vec<String> = state.list.rows().iter().map(|r| r.issue.id.clone()).collect();
            state.list.marked.extend(ids);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Wheel scrolls; a click selects the row under it.
pub fn mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    match mouse.kind {
        MouseEventKind::ScrollDown => move_to(state, state.list.cursor + 3),
        MouseEventKind::ScrollUp => move_to(state, state.list.cursor.saturating_sub(3)),
        MouseEventKind::Down(_) => {
            // Rows start below the tabs, the filter line and the table header.
            let row = usize::from(mouse.row).checked_sub(3);
            match row {
                Some(row) if row < state.page_rows => move_to(state, state.list.offset + row),
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}
