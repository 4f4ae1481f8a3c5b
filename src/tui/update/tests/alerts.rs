//! Reducer tests of the Alerts screen and of the console's own notification from rule firings.

use serde_json::json;

use super::*;
use crate::tui::alerts::{AlertsData, Pane};
use crate::tui::fixtures::{alert_firing as firing, alert_rule as rule, alerts_data as data};

/// Opens the screen and answers its load with `data`.
pub fn opened(data: AlertsData) -> (Keymap, State) {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = keys(&mut state, &keymap, "N");
    let req = picked!(effects, Effect::FetchAlerts { req, firings, .. } => (*req, *firings))[0];
    assert!(req.1, "sift's server has a firing log");
    update(&mut state, Msg::AlertsLoaded { req: req.0, result: Ok(data) }, &ctx(&keymap));
    (keymap, state)
}

#[test]
fn the_screen_opens_from_its_key_and_the_palette_and_closes_with_esc() {
    let (keymap, mut state) = opened(data());
    assert_eq!(state.alert_screen.as_ref().unwrap().rules().len(), 2);
    keys(&mut state, &keymap, "<esc>");
    assert!(state.alert_screen.is_none());
    let effects = keys(&mut state, &keymap, ":alerts<enter>");
    assert!(!picked!(effects, Effect::FetchAlerts { .. } => ()).is_empty(), "{effects:?}");
}

#[test]
fn enabling_and_disabling_sends_the_rule_back_with_its_status_flipped() {
    let (keymap, mut state) = opened(data());
    let effects = keys(&mut state, &keymap, " ");
    let saves = picked!(effects, Effect::SaveRule { req, project, id, body } => (*req, project.clone(), id.clone(), body.clone()));
    let (req, project, id, body) = saves[0].clone();
    assert_eq!((project.as_str(), id.as_deref()), ("backend", Some("2")));
    assert_eq!(body["status"], "disabled");
    assert_eq!(body["conditions"][0]["id"], "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition");
    let saved = rule("2", "New issues to Slack", json!({ "status": "disabled" }));
    let effects = update(&mut state, Msg::RuleSaved { req, result: Ok(saved) }, &ctx(&keymap));
    assert!(!picked!(effects, Effect::FetchAlerts { .. } => ()).is_empty(), "reloads after a change");
    assert!(state.toasts.last().unwrap().text.contains("saved (disabled)"));
}

#[test]
fn config_rules_and_remote_rules_are_read_only() {
    let (keymap, mut state) = opened(data());
    keys(&mut state, &keymap, "j");
    assert!(keys(&mut state, &keymap, " ").is_empty());
    assert!(state.toasts.last().unwrap().text.contains("config.toml"));
    assert!(keys(&mut state, &keymap, "<enter>").is_empty());
    assert!(state.alert_screen.as_ref().unwrap().form.is_none());

    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.source.dsn = None;
    let effects = keys(&mut state, &keymap, "N");
    assert_eq!(picked!(effects, Effect::FetchAlerts { firings, .. } => *firings), [false], "no firing log to ask for");
    assert!(keys(&mut state, &keymap, "n").is_empty());
    assert!(state.toasts.last().unwrap().text.contains("read-only"));
}

#[test]
fn the_form_creates_a_rule_and_shows_the_servers_refusal() {
    let (keymap, mut state) = opened(data());
    keys(&mut state, &keymap, "n");
    assert!(state.alert_screen.as_ref().unwrap().form.is_some());
    // Typing goes to the form, not the keymap (q does not quit).
    keys(&mut state, &keymap, "quiet hours");
    assert!(!state.quit);
    let effects = keys(&mut state, &keymap, "<enter>");
    let (req, body) = picked!(effects, Effect::SaveRule { req, body, id: None, .. } => (*req, body.clone()))[0].clone();
    assert_eq!(body["name"], "quiet hours");
    let refusal = Error::BadRequest { status: 400, detail: "actions[0]: a Slack action needs webhookUrl".into() };
    update(&mut state, Msg::RuleSaved { req, result: Err(refusal) }, &ctx(&keymap));
    let form = state.alert_screen.as_ref().unwrap().form.as_ref().unwrap();
    assert_eq!(form.error.as_deref(), Some("actions[0]: a Slack action needs webhookUrl"));
    keys(&mut state, &keymap, "<esc>");
    assert!(state.alert_screen.as_ref().unwrap().form.is_none());
}

#[test]
fn a_test_notification_is_queued_and_the_log_shows_its_delivery() {
    let (keymap, mut state) = opened(data());
    let effects = keys(&mut state, &keymap, "t");
    let req = picked!(effects, Effect::TestRule { req, id, .. } => (*req, id.clone()))[0].clone();
    assert_eq!(req.1, "2");
    let effects = update(
        &mut state,
        Msg::RuleTested {
            req: req.0,
            result: Ok(firing(13, "New issues to Slack", "BACKEND-3", "pending", &["slack"])),
        },
        &ctx(&keymap),
    );
    assert_eq!(state.alert_screen.as_ref().unwrap().pane, Pane::Log);
    assert!(!picked!(effects, Effect::FetchAlerts { .. } => ()).is_empty());
}

#[test]
fn the_screen_reloads_every_few_seconds_while_it_shows() {
    let (keymap, mut state) = opened(data());
    assert!(picked!(update(&mut state, Msg::Tick, &ctx(&keymap)), Effect::FetchAlerts { .. } => ()).is_empty());
    let later = crate::tui::update::Ctx { now: now() + chrono::Duration::seconds(3), keymap: &keymap };
    assert_eq!(picked!(update(&mut state, Msg::Tick, &later), Effect::FetchAlerts { .. } => ()).len(), 1);
}

#[test]
fn enter_on_a_firing_opens_its_issue_and_esc_comes_back() {
    let (keymap, mut state) = opened(data());
    keys(&mut state, &keymap, "<tab>");
    let effects = keys(&mut state, &keymap, "<enter>");
    let query = picked!(effects, Effect::FetchIssues { params, .. } => params.query.clone())[0].clone();
    assert_eq!(query.as_deref(), Some("issue:BACKEND-3"));
    let req = req_of(&effects);
    let mut one = issues();
    one[0].id = "12".into();
    update(&mut state, Msg::IssuesLoaded { req, result: Ok(page(vec![one[0].clone()], None)) }, &ctx(&keymap));
    assert_eq!(state.detail.as_ref().map(|d| d.issue_id.as_str()), Some("12"));
    let effects = keys(&mut state, &keymap, "<esc>");
    assert!(state.detail.is_none());
    assert!(state.alert_screen.as_ref().is_some_and(|s| s.showing()));
    assert!(!picked!(effects, Effect::FetchAlerts { .. } => ()).is_empty());
}

#[test]
fn the_console_rings_for_new_firings_of_rules_with_the_console_action() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.alerts.bell = true;
    state.alerts.notify = true;
    let later = crate::tui::update::Ctx { now: now() + chrono::Duration::seconds(16), keymap: &keymap };
    let effects = update(&mut state, Msg::Tick, &later);
    assert_eq!(picked!(effects, Effect::PollFirings { after } => *after), [None]);
    // The first answer only says where to start.
    let effects = update(
        &mut state,
        Msg::FiringsPolled { result: Ok(vec![firing(4, "r", "BACKEND-1", "sent", &["console"])]) },
        &later,
    );
    assert!(effects.is_empty());
    assert_eq!(state.alert_watch.seen, Some(4));
    let effects = update(
        &mut state,
        Msg::FiringsPolled {
            result: Ok(vec![
                firing(6, "r", "BACKEND-2", "sent", &["console"]),
                firing(5, "slack only", "BACKEND-9", "sent", &["slack"]),
            ]),
        },
        &later,
    );
    assert_eq!(effects, [Effect::Bell, Effect::Notify("sift alert: BACKEND-2 (a new issue)".into())]);
    assert_eq!(state.alert_watch.seen, Some(6));
}
