//! Frame snapshots of the Alerts screen at 80x24 and 120x40: loading, failed, populated (rules
//! with their last firing, the log with delivery states and a failure's reason), a remote
//! tracker's rules read-only, and the rule form (new, and refused by the server).

use super::{snapshot, text};
use crate::tui::alerts::{AlertsScreen, Pane};
use crate::tui::alerts_form::{Field, RuleForm, Send, When};
use crate::tui::fixtures::{alert_firing, alerts_data, issues, now, state_with};
use crate::tui::overlay::Input;
use crate::tui::state::{Failure, Load, State};

fn with_screen(screen: AlertsScreen) -> State {
    let mut state = state_with(issues());
    state.alert_screen = Some(screen);
    state
}

fn populated() -> AlertsScreen {
    let mut data = alerts_data();
    let mut failed = alert_firing(10, "Storms", "WEB-7", "failed", &["webhook"]);
    failed.deliveries[0].last_error = Some("HTTP 404: no_service".into());
    data.firings.as_mut().unwrap().push(failed);
    data.rules[0].rule.last_firing = Some(alert_firing(12, "New issues to Slack", "BACKEND-3", "sent", &["slack"]));
    AlertsScreen { data: Load::Ready(data), ..AlertsScreen::default() }
}

#[test]
fn loading_and_failed() {
    snapshot(
        "alerts_loading",
        &with_screen(AlertsScreen { data: Load::Loading { since: now() }, ..AlertsScreen::default() }),
    );
    let failed = Failure { message: "server error (502): bad gateway".into(), at: now() };
    snapshot("alerts_failed", &with_screen(AlertsScreen { data: Load::Failed(failed), ..AlertsScreen::default() }));
}

#[test]
fn rules_with_their_last_firing_and_the_log() {
    snapshot("alerts_rules", &with_screen(populated()));
    let mut log = populated();
    log.pane = Pane::Log;
    log.log_cursor = 2;
    snapshot("alerts_log", &with_screen(log));
}

#[test]
fn a_remote_trackers_rules_read_only() {
    let mut screen = populated();
    screen.remote = true;
    if let Load::Ready(data) = &mut screen.data {
        data.firings = None;
        data.outbox = None;
    }
    let mut state = with_screen(screen);
    state.source = crate::tui::state::Source {
        label: "profile work".into(),
        url: "https://sentry.example.com".into(),
        org: "acme".into(),
        dsn: None,
    };
    snapshot("alerts_remote", &state);
}

#[test]
fn the_rule_form() {
    let mut form = RuleForm::new(0);
    form.name = Input::with("Checkout storms");
    form.when = When::Events;
    form.send = Send::Webhook;
    form.target = Input::with("https://hooks.example.com/sift");
    form.secret = Input::with("s3cret-signing-key");
    form.focus = Field::Count;
    snapshot("alerts_form", &with_screen(AlertsScreen { form: Some(form.clone()), ..populated() }));
    form.error = Some("conditions[0]: interval must be one of 1m, 5m, 15m, 1h, 1d, 1w, 30d, got \"2m\"".into());
    let state = with_screen(AlertsScreen { form: Some(form), ..populated() });
    snapshot("alerts_form_refused", &state);
    assert!(!text(&state, 120, 40).contains("s3cret"), "the signing secret is never drawn");
}

/// `?` over the Alerts screen names it and lists its own keys first, as they act there.
#[test]
fn the_help_over_the_alerts_screen_lists_its_keys() {
    let mut state = with_screen(populated());
    state.overlay = Some(crate::tui::overlay::Overlay::Help(Default::default()));
    snapshot("alerts_help", &state);
    let shown = text(&state, 120, 40);
    for wanted in ["The Alerts screen", "Alerts: create a rule", "send the rule's test notification", "firing log"] {
        assert!(shown.contains(wanted), "{wanted}: {shown}");
    }
    assert!(!shown.contains("Resolve in the next release"), "triage keys do nothing here: {shown}");
}
