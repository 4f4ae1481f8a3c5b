//! The reducer of the screens over the list ([`crate::tui::stack`]): Performance (`w`,
//! `:performance`), a transaction's samples (Enter) and a trace's waterfall (Enter on a sample,
//! or `W` on an opened issue's event); their loads and answers; and the way to an issue from a
//! waterfall's error and back.

use chrono::{DateTime, Utc};

use super::super::action::Action;
use super::super::msg::Effect;
use super::super::screen::ListView;
use super::super::stack::{Away, Performance, Samples, Screen};
use super::super::state::{Failure, Load, ReqId, State, StatsPeriod, Tab, ToastLevel, describe};
use super::super::waterfall::{Flat, Waterfall};
use super::{detail, list};
use crate::api::models::performance::{Trace, TransactionSample, TransactionSummary};
use crate::api::{Error, Page, PerformanceParams, SERIES_NAMES};

/// Opens the Performance screen (or goes back to it when it is already on the stack).
pub fn open_performance(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    state.screen = None;
    state.board = None;
    if let Some(at) = state.screens.stack.iter().position(|s| matches!(s, Screen::Performance(_))) {
        state.screens.stack.truncate(at + 1);
        return Vec::new();
    }
    state.screens.stack.push(Screen::Performance(Performance::default()));
    reload(state, now)
}

/// The params of the Performance table as the filters stand.
fn params(state: &State, perf: &Performance) -> PerformanceParams {
    PerformanceParams {
        query: perf.query.clone(),
        environments: state.list.environment.iter().cloned().collect(),
        projects: state.list.project.iter().map(|(id, _)| *id).collect(),
        stats_period: perf.period.key().to_string(),
        sort: perf.sort.api().to_string(),
        per_page: Some(50),
        cursor: None,
    }
}

/// Reloads the Performance table (after a filter, sort or period changed).
pub fn reload(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let req = state.request();
    let Some(perf) = state.screens.performance_mut() else {
        return Vec::new();
    };
    perf.req = Some(req);
    perf.series_reqs.clear();
    if perf.rows.ready().is_none() {
        perf.rows = Load::Loading { since: now };
    }
    let perf = perf.clone();
    vec![Effect::FetchTransactions { req, params: params(state, &perf) }]
}

/// The search prompt's text, when the Performance screen is showing: it searches transactions.
pub fn searched(state: &mut State, text: &str, now: DateTime<Utc>) -> Option<Vec<Effect>> {
    let Some(Screen::Performance(perf)) = state.screens.showing_mut() else {
        return None;
    };
    perf.query = text.to_string();
    perf.cursor = 0;
    Some(reload(state, now))
}

/// The query the search prompt opens with.
pub fn search_text(state: &State) -> Option<String> {
    match state.screens.showing() {
        Some(Screen::Performance(perf)) => Some(perf.query.clone()),
        _ => None,
    }
}

/// The environment or project picker changed: the Performance table follows.
pub fn filters_changed(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if state.screens.performance_mut().is_some() { reload(state, now) } else { Vec::new() }
}

/// Whether a screen takes `action` now.
pub fn handles(state: &State, action: Action) -> bool {
    state.screens.showing().is_some()
        && matches!(
            action,
            moves!()
                | Action::Open
                | Action::Refresh
                | Action::CycleSort
                | Action::ToggleStatsPeriod
                | Action::Search
                | Action::PickEnvironment
                | Action::PickProject
        )
}

fn step(cursor: &mut usize, len: usize, action: Action, page: usize) {
    let last = len.saturating_sub(1);
    *cursor = match action {
        Action::MoveDown => (*cursor + 1).min(last),
        Action::MoveUp => cursor.saturating_sub(1),
        Action::PageDown => (*cursor + page).min(last),
        Action::PageUp => cursor.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => last,
        _ => *cursor,
    };
}

pub fn act(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let page = state.page_rows.max(1);
    if matches!(action, Action::Search | Action::PickEnvironment | Action::PickProject) {
        if !matches!(state.screens.showing(), Some(Screen::Performance(_))) {
            state.toast(ToastLevel::Info, "search and filters are on the Performance screen", now);
            return Vec::new();
        }
        return super::overlays::open(state, action, now);
    }
    if action == Action::Back {
        state.screens.stack.pop();
        return Vec::new();
    }
    let Some(screen) = state.screens.showing_mut() else {
        return Vec::new();
    };
    match screen {
        Screen::Performance(perf) => match action {
            Action::Open => {
                let Some(name) = perf.current().map(|row| row.transaction.clone()) else {
                    return Vec::new();
                };
                let perf = perf.clone();
                let req = state.request();
                let mut samples = Samples::new(name.clone());
                samples.rows = Load::Loading { since: now };
                samples.req = Some(req);
                let params = params(state, &perf);
                state.screens.stack.push(Screen::Samples(samples));
                vec![Effect::FetchSamples { req, transaction: name, params }]
            }
            Action::CycleSort => {
                perf.sort = perf.sort.next();
                perf.cursor = 0;
                reload(state, now)
            }
            Action::ToggleStatsPeriod => {
                perf.period = match perf.period {
                    StatsPeriod::Day => StatsPeriod::TwoWeeks,
                    StatsPeriod::TwoWeeks => StatsPeriod::Day,
                };
                reload(state, now)
            }
            Action::Refresh => reload(state, now),
            _ => {
                let len = perf.rows.ready().map_or(0, Vec::len);
                step(&mut perf.cursor, len, action, page);
                Vec::new()
            }
        },
        Screen::Samples(samples) => match action {
            Action::Open => {
                let Some(sample) = samples.current().cloned() else {
                    return Vec::new();
                };
                open_trace(state, sample.trace_id, Some(sample.span_id), now)
            }
            Action::Refresh => {
                let name = samples.transaction.clone();
                let req = state.request();
                if let Some(Screen::Samples(samples)) = state.screens.stack.last_mut() {
                    samples.req = Some(req);
                }
                let perf = state.screens.performance_mut().cloned().unwrap_or_default();
                vec![Effect::FetchSamples { req, transaction: name, params: params(state, &perf) }]
            }
            _ => {
                let len = samples.rows.ready().map_or(0, Vec::len);
                step(&mut samples.cursor, len, action, page);
                Vec::new()
            }
        },
        Screen::Waterfall(waterfall) => match action {
            Action::Open => match waterfall.current().and_then(|row| row.issues.first()).cloned() {
                Some(issue) => open_issue(state, issue.short_id.as_deref(), &issue.issue_id, now),
                None => {
                    state.toast(ToastLevel::Info, "no error on this span: tab goes to the next one", now);
                    Vec::new()
                }
            },
            Action::NextTab | Action::PrevTab => {
                let rows = waterfall.data.ready().map(|d| d.rows.as_slice()).unwrap_or_default();
                let marked = |i: &usize| !rows[*i].issues.is_empty();
                let found = if action == Action::NextTab {
                    (waterfall.cursor + 1..rows.len()).find(marked).or_else(|| (0..waterfall.cursor).find(marked))
                } else {
                    (0..waterfall.cursor)
                        .rev()
                        .find(marked)
                        .or_else(|| (waterfall.cursor + 1..rows.len()).rev().find(marked))
                };
                match found {
                    Some(i) => waterfall.cursor = i,
                    None => state.toast(ToastLevel::Info, "no errors in this trace", now),
                }
                Vec::new()
            }
            Action::Refresh => {
                let trace_id = waterfall.trace_id.clone();
                let req = state.request();
                if let Some(Screen::Waterfall(waterfall)) = state.screens.stack.last_mut() {
                    waterfall.req = Some(req);
                }
                vec![Effect::FetchTrace { req, trace_id }]
            }
            _ => {
                let len = waterfall.data.ready().map_or(0, |d| d.rows.len());
                step(&mut waterfall.cursor, len, action, page);
                Vec::new()
            }
        },
    }
}

/// Pushes the waterfall of `trace_id`, its cursor on `focus` when it arrives.
pub fn open_trace(state: &mut State, trace_id: String, focus: Option<String>, now: DateTime<Utc>) -> Vec<Effect> {
    let req = state.request();
    let mut waterfall = Waterfall::new(trace_id.clone(), focus);
    waterfall.data = Load::Loading { since: now };
    waterfall.req = Some(req);
    state.screen = None;
    state.board = None;
    state.screens.stack.push(Screen::Waterfall(waterfall));
    vec![Effect::FetchTrace { req, trace_id }]
}

/// `W` on an opened issue: the waterfall of the shown event's trace (`contexts.trace`).
pub fn open_event_trace(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(event) = state.detail.as_ref().and_then(|d| d.event.ready()) else {
        state.toast(ToastLevel::Info, "open an issue and wait for its event to show its trace", now);
        return Vec::new();
    };
    let trace = event.contexts.get("trace");
    let text = |key: &str| trace.and_then(|t| t.get(key)).and_then(|v| v.as_str()).map(str::to_owned);
    match text("trace_id").filter(|t| !t.is_empty()) {
        Some(trace_id) => open_trace(state, trace_id, text("span_id"), now),
        None => {
            state.toast(ToastLevel::Info, "this event names no trace (contexts.trace.trace_id)", now);
            Vec::new()
        }
    }
}

/// Opens an issue of a waterfall: the list is pointed at it, and it opens when it arrives.
fn open_issue(state: &mut State, short_id: Option<&str>, issue_id: &str, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(short_id) = short_id.filter(|s| !s.is_empty()) else {
        state.toast(ToastLevel::Error, "the server did not name this issue's short id", now);
        return Vec::new();
    };
    let list = &mut state.list;
    let saved = ListView {
        tab: list.tab,
        query: std::mem::replace(&mut list.query, format!("issue:{short_id}")),
        environment: list.environment.take(),
        project: list.project.take(),
        cursor: list.cursor,
    };
    list.tab = Tab::All;
    let detail = state.detail.take().map(Box::new);
    state.screens.away = Some(Away { list: saved, detail, opening: Some(issue_id.to_string()) });
    list::reload(state, now)
}

/// After a list load: opens the issue waited for, or says it is gone and comes back.
pub fn arrived(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(id) = state.screens.away.as_mut().and_then(|a| a.opening.take()) else {
        return Vec::new();
    };
    match state.list.rows().iter().position(|r| r.issue.id == id) {
        Some(index) => {
            state.list.cursor = index;
            detail::open(state, now)
        }
        None => {
            state.toast(ToastLevel::Error, "that issue is no longer there", now);
            back(state, now)
        }
    }
}

/// Whether Esc now leaves an issue opened from a screen.
pub fn away(state: &State) -> bool {
    state.screens.away.is_some()
}

/// From an issue opened on a screen: the list (and issue) as they were, and the screen again.
pub fn back(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(away) = state.screens.away.take() else {
        return Vec::new();
    };
    state.detail = away.detail.map(|d| *d);
    let list = &mut state.list;
    list.tab = away.list.tab;
    list.query = away.list.query;
    list.environment = away.list.environment;
    list.project = away.list.project;
    let cursor = away.list.cursor;
    let effects = list::reload(state, now);
    state.list.cursor = cursor;
    effects
}

fn failure(error: &Error, now: DateTime<Utc>) -> Failure {
    Failure { message: describe(error), at: now }
}

/// The Performance table arrived: show it and ask for the rows' sparklines.
pub fn transactions_loaded(
    state: &mut State,
    req: ReqId,
    result: Result<Page<TransactionSummary>, Error>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    let Some(perf) = state.screens.performance_mut().filter(|p| p.req == Some(req)) else {
        return Vec::new();
    };
    perf.req = None;
    match result {
        Ok(page) => {
            perf.cursor = perf.cursor.min(page.items.len().saturating_sub(1));
            let names: Vec<String> = page.items.iter().map(|r| r.transaction.clone()).collect();
            perf.rows = Load::Ready(page.items);
            perf.series.clear();
            let perf = perf.clone();
            let mut effects = Vec::new();
            let mut reqs = Vec::new();
            for chunk in names.chunks(SERIES_NAMES) {
                let req = state.request();
                reqs.push(req);
                effects.push(Effect::FetchTransactionSeries {
                    req,
                    names: chunk.to_vec(),
                    params: params(state, &perf),
                });
            }
            if let Some(perf) = state.screens.performance_mut() {
                perf.series_reqs = reqs;
            }
            effects
        }
        Err(error) if perf.rows.ready().is_some() => {
            let message = format!("performance: {}", describe(&error));
            state.toast(ToastLevel::Error, message, now);
            Vec::new()
        }
        Err(error) => {
            perf.rows = Load::Failed(failure(&error, now));
            Vec::new()
        }
    }
}

/// Sparkline counts arrived; a failure leaves the sparklines out (the status line says why).
pub fn series_loaded(
    state: &mut State,
    req: ReqId,
    result: Result<std::collections::BTreeMap<String, Vec<f64>>, Error>,
    now: DateTime<Utc>,
) {
    let Some(perf) = state.screens.performance_mut().filter(|p| p.series_reqs.contains(&req)) else {
        return;
    };
    perf.series_reqs.retain(|r| *r != req);
    match result {
        Ok(series) => perf.series.extend(series),
        Err(error) => {
            let message = format!("sparklines: {}", describe(&error));
            state.toast(ToastLevel::Error, message, now);
        }
    }
}

/// A transaction's samples arrived.
pub fn samples_loaded(
    state: &mut State,
    req: ReqId,
    result: Result<Vec<TransactionSample>, Error>,
    now: DateTime<Utc>,
) {
    let samples = state.screens.stack.iter_mut().rev().find_map(|s| match s {
        Screen::Samples(samples) if samples.req == Some(req) => Some(samples),
        _ => None,
    });
    let Some(samples) = samples else { return };
    samples.req = None;
    match result {
        Ok(rows) => {
            samples.cursor = samples.cursor.min(rows.len().saturating_sub(1));
            samples.rows = Load::Ready(rows);
        }
        Err(error) => samples.rows = Load::Failed(failure(&error, now)),
    }
}

/// A trace arrived: flattened once, the cursor on the span asked for.
pub fn trace_loaded(state: &mut State, req: ReqId, result: Result<Trace, Error>, now: DateTime<Utc>) {
    let waterfall = state.screens.stack.iter_mut().rev().find_map(|s| match s {
        Screen::Waterfall(w) if w.req == Some(req) => Some(w),
        _ => None,
    });
    let Some(waterfall) = waterfall else { return };
    waterfall.req = None;
    match result {
        Ok(trace) => {
            let flat = Flat::from_trace(&trace);
            if let Some(focus) = waterfall.focus.take() {
                waterfall.cursor = flat.rows.iter().position(|r| r.span_id == focus).unwrap_or(0);
            }
            waterfall.cursor = waterfall.cursor.min(flat.rows.len().saturating_sub(1));
            waterfall.data = Load::Ready(flat);
        }
        Err(error) => waterfall.data = Load::Failed(failure(&error, now)),
    }
}
