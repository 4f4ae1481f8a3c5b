//! The Alerts screen's reducer (see [`crate::tui::alerts`]): loading rules, the firing log and
//! the outbox's counts (again every few seconds while it shows, so a test's delivery state
//! moves on screen), moving between the two panes, the rule form, enabling and disabling,
//! test notifications, opening a firing's issue and coming back; and the console's own
//! notification for firings of rules with the console action.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;

use super::super::action::Action;
use super::super::alerts::{AlertsData, AlertsScreen, Pane};
use super::super::alerts_form::RuleForm;
use super::super::msg::Effect;
use super::super::state::{Failure, Load, ReqId, State, ToastLevel, describe};
use super::focus;
use crate::api::{AlertFiring, AlertRule, Error};

/// Seconds between reloads while the screen shows.
const RELOAD_SECS: i64 = 2;
/// Firings fetched for the log.
pub const LOG_LIMIT: usize = 50;

/// Whether the console talks to sift's own server (which keeps a firing log), not a remote.
pub fn sift_server(state: &State) -> bool {
    state.source.dsn.is_some()
}

fn showing(state: &State) -> bool {
    state.alert_screen.as_ref().is_some_and(AlertsScreen::showing)
}

/// Opens the screen (or closes it when it shows) and loads it.
pub fn toggle(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if showing(state) {
        state.alert_screen = None;
        return Vec::new();
    }
    state.detail = None;
    state.screen = None;
    state.alert_screen = Some(AlertsScreen { remote: !sift_server(state), ..AlertsScreen::default() });
    fetch(state, now)
}

fn fetch(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let req = state.request();
    let projects: Vec<String> = state.projects.iter().map(|(_, slug)| slug.clone()).collect();
    let Some(screen) = state.alert_screen.as_mut() else {
        return Vec::new();
    };
    screen.req = Some(req);
    screen.last_load = Some(now);
    if screen.data.ready().is_none() {
        screen.data = Load::Loading { since: now };
    }
    vec![Effect::FetchAlerts { req, projects, firings: !screen.remote }]
}

/// The screen's data arrived (or failed).
pub fn loaded(state: &mut State, req: ReqId, result: Result<AlertsData, Error>, now: DateTime<Utc>) {
    let Some(screen) = state.alert_screen.as_mut().filter(|s| s.req == Some(req)) else {
        tracing::debug!(req, "alerts answer no longer awaited");
        return;
    };
    screen.req = None;
    match result {
        Ok(data) => {
            screen.rule_cursor = screen.rule_cursor.min(data.rules.len().saturating_sub(1));
            let firings = data.firings.as_ref().map_or(0, Vec::len);
            screen.log_cursor = screen.log_cursor.min(firings.saturating_sub(1));
            screen.data = Load::Ready(data);
        }
        Err(error) => {
            let message = describe(&error);
            if screen.data.ready().is_some() {
                state.toast(ToastLevel::Error, format!("alerts: {message}"), now);
            } else {
                screen.data = Load::Failed(Failure { message, at: now });
            }
        }
    }
}

/// Time passed: reload while the screen shows and nothing is being typed.
pub fn tick(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let due = state.alert_screen.as_ref().is_some_and(|s| {
        s.showing()
            && s.req.is_none()
            && s.form.is_none()
            && s.last_load.is_none_or(|at| now >= at + chrono::Duration::seconds(RELOAD_SECS))
    });
    if due { fetch(state, now) } else { Vec::new() }
}

/// Whether the screen takes `action` now.
pub fn handles(state: &State, action: Action) -> bool {
    showing(state)
        && matches!(
            action,
            moves!() | Action::Open | Action::Refresh | Action::NewRule | Action::ToggleRule | Action::TestRule
        )
}

/// Whether the rule form is open (it takes every key).
pub fn takes_keys(state: &State) -> bool {
    showing(state) && state.alert_screen.as_ref().is_some_and(|s| s.form.is_some())
}

pub fn act(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let page = state.page_rows.max(1);
    let Some(screen) = state.alert_screen.as_mut() else {
        return Vec::new();
    };
    let (cursor, len) = match screen.pane {
        Pane::Rules => (&mut screen.rule_cursor, screen.data.ready().map_or(0, |d| d.rules.len())),
        Pane::Log => (&mut screen.log_cursor, screen.data.ready().and_then(|d| d.firings.as_ref()).map_or(0, Vec::len)),
    };
    let last = len.saturating_sub(1);
    match action {
        Action::MoveDown => *cursor = (*cursor + 1).min(last),
        Action::MoveUp => *cursor = cursor.saturating_sub(1),
        Action::PageDown => *cursor = (*cursor + page).min(last),
        Action::PageUp => *cursor = cursor.saturating_sub(page),
        Action::Top => *cursor = 0,
        Action::Bottom => *cursor = last,
        Action::NextTab | Action::PrevTab => {
            screen.pane = match screen.pane {
                Pane::Rules if !screen.remote => Pane::Log,
                _ => Pane::Rules,
            };
        }
        Action::Back => state.alert_screen = None,
        Action::Refresh => return fetch(state, now),
        Action::Open => {
            return match screen.pane {
                Pane::Rules => edit(state, now),
                Pane::Log => open_issue(state, now),
            };
        }
        Action::NewRule => return new_rule(state, now),
        Action::ToggleRule => return toggle_rule(state, now),
        Action::TestRule => return test_rule(state, now),
        _ => {}
    }
    Vec::new()
}

/// Refuses changes against a remote Sentry, and to rules kept in config.toml.
fn refuse(state: &mut State, rule: Option<&AlertRule>, now: DateTime<Utc>) -> bool {
    let remote = state.alert_screen.as_ref().is_some_and(|s| s.remote);
    let text = if remote {
        "read-only: a remote Sentry's rules are listed here, not changed"
    } else if rule.is_some_and(|r| r.origin.as_deref() == Some("config")) {
        "this rule is kept in config.toml: change it there"
    } else {
        return false;
    };
    state.toast(ToastLevel::Info, text, now);
    true
}

fn project_slugs(state: &State) -> Vec<String> {
    let mut slugs: Vec<String> = state.projects.iter().map(|(_, s)| s.clone()).collect();
    for row in state.alert_screen.as_ref().map_or(&[][..], |s| s.rules()) {
        if !slugs.contains(&row.project) {
            slugs.push(row.project.clone());
        }
    }
    slugs
}

fn new_rule(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if refuse(state, None, now) {
        return Vec::new();
    }
    let slugs = project_slugs(state);
    let project = state
        .alert_screen
        .as_ref()
        .and_then(|s| s.current_rule())
        .and_then(|r| slugs.iter().position(|s| *s == r.project))
        .unwrap_or(0);
    if let Some(screen) = state.alert_screen.as_mut() {
        screen.form = Some(RuleForm::new(project));
    }
    Vec::new()
}

fn edit(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(row) = state.alert_screen.as_ref().and_then(|s| s.current_rule()).cloned() else {
        return Vec::new();
    };
    if refuse(state, Some(&row.rule), now) {
        return Vec::new();
    }
    let project = project_slugs(state).iter().position(|s| *s == row.project).unwrap_or(0);
    if let Some(screen) = state.alert_screen.as_mut() {
        screen.form = Some(RuleForm::edit(&row.rule, project));
    }
    Vec::new()
}

fn toggle_rule(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(row) = state.alert_screen.as_ref().and_then(|s| s.current_rule()).cloned() else {
        return Vec::new();
    };
    if refuse(state, Some(&row.rule), now) {
        return Vec::new();
    }
    let mut body = row.rule.raw.clone();
    let next = if row.rule.enabled() { "disabled" } else { "active" };
    body["status"] = Value::from(next);
    let req = state.request();
    if let Some(screen) = state.alert_screen.as_mut() {
        screen.pending = Some(req);
    }
    state.toast(
        ToastLevel::Info,
        format!("{} {}", if next == "active" { "enabling" } else { "disabling" }, row.rule.name),
        now,
    );
    vec![Effect::SaveRule { req, project: row.project, id: Some(row.rule.id), body }]
}

fn test_rule(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(row) = state.alert_screen.as_ref().and_then(|s| s.current_rule()).cloned() else {
        return Vec::new();
    };
    if refuse(state, None, now) {
        return Vec::new();
    }
    let req = state.request();
    if let Some(screen) = state.alert_screen.as_mut() {
        screen.pending = Some(req);
    }
    vec![Effect::TestRule { req, project: row.project, id: row.rule.id }]
}

/// A key while the form is open.
pub fn key(state: &mut State, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    let projects = project_slugs(state);
    let Some(form) = state.alert_screen.as_mut().and_then(|s| s.form.as_mut()) else {
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            if let Some(screen) = state.alert_screen.as_mut() {
                screen.form = None;
            }
            return Vec::new();
        }
        KeyCode::Enter => return save(state, &projects, now),
        KeyCode::Char('s') if ctrl => return save(state, &projects, now),
        KeyCode::Tab | KeyCode::Down => form.step(true),
        KeyCode::BackTab | KeyCode::Up => form.step(false),
        KeyCode::Left | KeyCode::Right if !form.focus.is_text() => {
            form.choose(key.code == KeyCode::Right, projects.len())
        }
        KeyCode::Char(' ') if !form.focus.is_text() => form.choose(true, projects.len()),
        _ => {
            if let Some(input) = form.input()
                && super::overlays::edit(input, &key)
            {
                form.error = None;
            }
        }
    }
    Vec::new()
}

fn save(state: &mut State, projects: &[String], now: DateTime<Utc>) -> Vec<Effect> {
    let req = state.request();
    let Some(form) = state.alert_screen.as_mut().and_then(|s| s.form.as_mut()) else {
        return Vec::new();
    };
    if form.saving.is_some() {
        return Vec::new();
    }
    let Some(project) = projects.get(form.project).cloned() else {
        form.error = Some("there is no project to put the rule in".into());
        return Vec::new();
    };
    form.saving = Some(req);
    form.error = None;
    let id = form.editing.as_ref().map(|(id, _)| id.clone());
    let body = form.body();
    let _ = now;
    vec![Effect::SaveRule { req, project, id, body }]
}

/// A rule was saved (from the form, or enabled or disabled).
pub fn saved(state: &mut State, req: ReqId, result: Result<AlertRule, Error>, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(screen) = state.alert_screen.as_mut() else {
        return Vec::new();
    };
    let from_form = screen.form.as_ref().is_some_and(|f| f.saving == Some(req));
    if !from_form && screen.pending != Some(req) {
        tracing::debug!(req, "rule save no longer awaited");
        return Vec::new();
    }
    screen.pending = None;
    match result {
        Ok(rule) => {
            screen.form = None;
            let state_word = if rule.enabled() { "active" } else { "disabled" };
            state.toast(ToastLevel::Info, format!("rule {} saved ({state_word})", rule.name), now);
            fetch(state, now)
        }
        Err(error) => {
            let message = describe_refusal(&error);
            match screen.form.as_mut().filter(|_| from_form) {
                Some(form) => {
                    form.saving = None;
                    form.error = Some(message);
                }
                None => state.toast(ToastLevel::Error, format!("rule not saved: {message}"), now),
            }
            Vec::new()
        }
    }
}

/// A 400's `detail` as the server wrote it; other failures as the status line says them.
fn describe_refusal(error: &Error) -> String {
    match error {
        Error::BadRequest { detail, .. } => crate::text::one_line(detail),
        other => describe(other),
    }
}

/// A test notification was queued (or refused).
pub fn tested(state: &mut State, req: ReqId, result: Result<AlertFiring, Error>, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(screen) = state.alert_screen.as_mut().filter(|s| s.pending == Some(req)) else {
        return Vec::new();
    };
    screen.pending = None;
    match result {
        Ok(firing) => {
            screen.pane = Pane::Log;
            screen.log_cursor = 0;
            state.toast(ToastLevel::Info, format!("test notification queued ({})", firing.rule.name), now);
            fetch(state, now)
        }
        Err(error) => {
            state.toast(ToastLevel::Error, format!("test not sent: {}", describe_refusal(&error)), now);
            Vec::new()
        }
    }
}

/// Opens the issue of the firing under the cursor, through the list.
fn open_issue(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(issue) = state.alert_screen.as_ref().and_then(|s| s.current_firing()).and_then(|f| f.issue.clone()) else {
        state.toast(ToastLevel::Info, "this firing is about no issue (a test with an empty project)", now);
        return Vec::new();
    };
    let query = format!("issue:{}", issue.short_id.as_deref().unwrap_or(&issue.id));
    let (away, effects) = focus::leave(state, query, now);
    if let Some(screen) = state.alert_screen.as_mut() {
        screen.away = Some(away);
        screen.opening = Some(issue.id);
    }
    effects
}

/// After a list load: opens the issue waited for, or says it is gone and comes back.
pub fn arrived(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(id) = state.alert_screen.as_mut().and_then(|s| s.opening.take()) else {
        return Vec::new();
    };
    focus::open(state, &id, now).unwrap_or_else(|| back(state, now))
}

/// Whether Esc from the opened issue should come back here.
pub fn away(state: &State) -> bool {
    state.detail.is_some() && state.alert_screen.as_ref().is_some_and(|s| s.away.is_some())
}

/// From an issue opened here: the list as it was, and the screen again.
pub fn back(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(away) = state.alert_screen.as_mut().and_then(|s| s.away.take()) else {
        return Vec::new();
    };
    let mut effects = focus::restore(state, away, now);
    effects.extend(fetch(state, now));
    effects
}

/// With each poll of the list: on sift's server, ask for firings after the last one seen (the
/// console rings for rules with the console action); nothing when neither bell nor desktop
/// notification is on.
pub fn poll_firings(state: &mut State) -> Vec<Effect> {
    if !sift_server(state) || !(state.alerts.bell || state.alerts.notify) || state.alert_watch.inflight {
        return Vec::new();
    }
    state.alert_watch.inflight = true;
    vec![Effect::PollFirings { after: state.alert_watch.seen }]
}

/// Firings arrived: the first answer only sets where to start; later ones ring for each new
/// firing of a rule with the console action.
pub fn firings_polled(state: &mut State, result: Result<Vec<AlertFiring>, Error>) -> Vec<Effect> {
    state.alert_watch.inflight = false;
    let firings = match result {
        Ok(firings) => firings,
        Err(error) => {
            tracing::debug!(%error, "firing poll failed; the console does not ring this time");
            return Vec::new();
        }
    };
    let newest = firings.iter().filter_map(|f| f.id.parse::<i64>().ok()).max();
    let first = state.alert_watch.seen.is_none();
    state.alert_watch.seen = newest.max(state.alert_watch.seen).or(Some(0));
    if first {
        return Vec::new();
    }
    let ringing: Vec<String> = firings
        .iter()
        .filter(|f| f.rings_console() && !f.test)
        .map(|f| match f.issue.as_ref().and_then(|i| i.short_id.clone()) {
            Some(short) => format!("{short} ({})", f.reason),
            None => f.rule.name.clone(),
        })
        .collect();
    if ringing.is_empty() {
        return Vec::new();
    }
    let mut effects = Vec::new();
    if state.alerts.bell {
        effects.push(Effect::Bell);
    }
    if state.alerts.notify {
        effects.push(Effect::Notify(crate::text::one_line(&format!("sift alert: {}", ringing.join(", ")))));
    }
    effects
}
