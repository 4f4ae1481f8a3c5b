//! Tests of the lifecycle rules with a fake history.

use super::*;

#[derive(Default)]
struct FakeHistory {
    ranks: Vec<(&'static str, f64)>,
    events: u64,
    users: u64,
    hour: u64,
}

impl History for FakeHistory {
    fn release_rank(&self, release: &str) -> Option<f64> {
        self.ranks.iter().find(|(r, _)| *r == release).map(|(_, rank)| *rank)
    }
    fn events_since(&self, _since: f64) -> u64 {
        self.events
    }
    fn users_since(&self, _since: f64) -> u64 {
        self.users
    }
    fn events_this_hour(&self) -> u64 {
        self.hour
    }
}

fn resolved(resolution: Resolution) -> IssueState {
    IssueState {
        status: Status::Resolved,
        substatus: None,
        resolution: Some(resolution),
        ..IssueState::new_issue("error")
    }
}

fn ignored(snooze: Snooze) -> IssueState {
    IssueState {
        status: Status::Ignored,
        substatus: Some(Substatus::ArchivedUntilConditionMet),
        snooze: Some(snooze),
        ..IssueState::new_issue("error")
    }
}

#[test]
fn new_issue_priority_follows_level() {
    assert_eq!(IssueState::new_issue("fatal").priority, Some(Priority::High));
    assert_eq!(IssueState::new_issue("warning").priority, Some(Priority::Medium));
    assert_eq!(IssueState::new_issue("info").priority, Some(Priority::Low));
}

#[test]
fn priority_rises_with_level_until_locked() {
    let history = FakeHistory::default();
    let mut state = IssueState::new_issue("info");
    on_event(&mut state, "error", None, 0.0, &history);
    assert_eq!(state.priority, Some(Priority::High));
    on_event(&mut state, "debug", None, 0.0, &history);
    assert_eq!(state.priority, Some(Priority::High), "never lowered automatically");

    let mut locked =
        IssueState { priority: Some(Priority::Low), priority_locked: true, ..IssueState::new_issue("info") };
    on_event(&mut locked, "fatal", None, 0.0, &history);
    assert_eq!(locked.priority, Some(Priority::Low));
}

#[test]
fn plain_resolution_regresses_on_any_event() {
    let mut state = resolved(Resolution::Plain);
    let t = on_event(&mut state, "error", Some("1.0"), 0.0, &FakeHistory::default());
    assert_eq!(t, Some(Transition::Regressed { release: Some("1.0".into()) }));
    assert_eq!((state.status, state.substatus), (Status::Unresolved, Some(Substatus::Regressed)));
    assert_eq!(state.resolution, None);
}

#[test]
fn resolved_in_release_ignores_same_and_older_releases() {
    let history = FakeHistory { ranks: vec![("1.0", 1.0), ("1.1", 2.0), ("1.2", 3.0)], ..Default::default() };
    for old in ["1.0", "1.1"] {
        let mut state = resolved(Resolution::InRelease { release: "1.1".into(), resolved_at: 2.5 });
        assert_eq!(on_event(&mut state, "error", Some(old), 0.0, &history), None, "{old}");
        assert_eq!(state.status, Status::Resolved);
    }
    let mut state = resolved(Resolution::InRelease { release: "1.1".into(), resolved_at: 2.5 });
    assert!(on_event(&mut state, "error", Some("1.2"), 0.0, &history).is_some());
    assert_eq!(state.substatus, Some(Substatus::Regressed));
}

#[test]
fn resolved_in_next_release_waits_for_a_newer_release() {
    let history = FakeHistory { ranks: vec![("1.0", 1.0), ("2.0", 2.0)], ..Default::default() };
    let mut state = resolved(Resolution::InNextRelease { current: Some("1.0".into()), resolved_at: 1.5 });
    assert_eq!(on_event(&mut state, "error", Some("1.0"), 0.0, &history), None);
    assert!(on_event(&mut state, "error", Some("2.0"), 0.0, &history).is_some());
}

#[test]
fn release_resolutions_ignore_events_without_a_release() {
    let history = FakeHistory { ranks: vec![("1.0", 1.0), ("1.1", 2.0)], ..Default::default() };
    let mut state = resolved(Resolution::InRelease { release: "1.1".into(), resolved_at: 2.5 });
    assert_eq!(on_event(&mut state, "error", None, 0.0, &history), None);
    assert_eq!(state.status, Status::Resolved);
}

#[test]
fn an_unshipped_fix_release_is_placed_at_the_resolution_time() {
    // Resolved in 2.0 at t=10 before 2.0 was ever seen: 1.9 (seen at 5) is older, 2.1 (seen at 20) newer.
    let history = FakeHistory { ranks: vec![("1.9", 5.0), ("2.1", 20.0)], ..Default::default() };
    let mut state = resolved(Resolution::InRelease { release: "2.0".into(), resolved_at: 10.0 });
    assert_eq!(on_event(&mut state, "error", Some("1.9"), 0.0, &history), None);
    assert!(on_event(&mut state, "error", Some("2.1"), 0.0, &history).is_some());
    let mut next = resolved(Resolution::InNextRelease { current: None, resolved_at: 10.0 });
    assert_eq!(on_event(&mut next, "error", Some("1.9"), 0.0, &history), None);
    assert!(on_event(&mut next, "error", Some("2.1"), 0.0, &history).is_some());
}

#[test]
fn archived_forever_stays_archived() {
    let mut state = IssueState {
        status: Status::Ignored,
        substatus: Some(Substatus::ArchivedForever),
        ..IssueState::new_issue("error")
    };
    let history = FakeHistory { events: 1_000_000, users: 1000, hour: 1000, ..Default::default() };
    assert_eq!(on_event(&mut state, "error", None, 1e9, &history), None);
    assert_eq!(state.status, Status::Ignored);
}

#[test]
fn duration_snooze_expires_to_ongoing() {
    let mut state = ignored(Snooze { since: 0.0, until: Some(100.0), ..Default::default() });
    assert_eq!(on_event(&mut state, "error", None, 99.0, &FakeHistory::default()), None);
    let t = on_event(&mut state, "error", None, 100.0, &FakeHistory::default());
    assert_eq!(t, Some(Transition::Unignored { substatus: Substatus::Ongoing }));
    assert_eq!(state.status, Status::Unresolved);
    assert_eq!(state.snooze, None);
}

#[test]
fn count_snooze_comes_back_escalating() {
    let snooze = Snooze { since: 0.0, count: Some(10), window_mins: Some(60), ..Default::default() };
    let mut state = ignored(snooze.clone());
    assert_eq!(on_event(&mut state, "error", None, 10.0, &FakeHistory { events: 9, ..Default::default() }), None);
    let t = on_event(&mut state, "error", None, 10.0, &FakeHistory { events: 10, ..Default::default() });
    assert_eq!(t, Some(Transition::Unignored { substatus: Substatus::Escalating }));
}

#[test]
fn user_snooze_comes_back_escalating() {
    let mut state = ignored(Snooze { since: 0.0, user_count: Some(3), ..Default::default() });
    assert_eq!(on_event(&mut state, "error", None, 10.0, &FakeHistory { users: 2, ..Default::default() }), None);
    assert!(on_event(&mut state, "error", None, 10.0, &FakeHistory { users: 3, ..Default::default() }).is_some());
    assert_eq!(state.substatus, Some(Substatus::Escalating));
}

#[test]
fn until_escalating_raises_priority() {
    let mut state = ignored(Snooze { since: 0.0, escalation_forecast: Some(50), ..Default::default() });
    state.substatus = Some(Substatus::ArchivedUntilEscalating);
    state.priority = Some(Priority::Low);
    let quiet = FakeHistory { hour: 50, ..Default::default() };
    assert_eq!(on_event(&mut state, "info", None, 10.0, &quiet), None);
    let busy = FakeHistory { hour: 51, ..Default::default() };
    assert_eq!(on_event(&mut state, "info", None, 10.0, &busy), Some(Transition::Escalated { forecast: 50 }));
    assert_eq!(state.priority, Some(Priority::High));
    assert_eq!(state.substatus, Some(Substatus::Escalating));
}

#[test]
fn forecast_for_young_and_old_issues() {
    assert_eq!(escalation_forecast(&[], 1.0), 10);
    assert_eq!(escalation_forecast(&[0, 3, 7, 2], 2.0), 70);
    let steady = vec![10; 168];
    let f = escalation_forecast(&steady, 30.0);
    assert!((50..=80).contains(&f), "steady traffic forecast {f}");
    let mut bursty = vec![1; 168];
    bursty[100] = 200;
    assert!(escalation_forecast(&bursty, 30.0) >= 400);
}

#[test]
fn names_round_trip() {
    for s in [
        "new",
        "ongoing",
        "regressed",
        "escalating",
        "archived_forever",
        "archived_until_escalating",
        "archived_until_condition_met",
    ] {
        assert_eq!(Substatus::parse(s).unwrap().as_str(), s);
    }
    for s in ["unresolved", "resolved", "ignored"] {
        assert_eq!(Status::parse(s).unwrap().as_str(), s);
    }
    assert_eq!(Priority::from_value(50), Some(Priority::Medium));
}
