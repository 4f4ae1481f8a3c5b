use std::cell::Cell;

use serde_json::json;

use super::*;
use crate::alerts::parse;

/// Counts from a list of event times and user times, recording what was asked.
#[derive(Default)]
struct History {
    events: Vec<f64>,
    users: Vec<f64>,
    asked: Cell<u32>,
}

impl Counts for History {
    fn events_since(&self, since: f64, limit: u64) -> u64 {
        self.asked.set(self.asked.get() + 1);
        (self.events.iter().filter(|t| **t >= since).count() as u64).min(limit)
    }

    fn users_since(&self, since: f64, limit: u64) -> u64 {
        self.asked.set(self.asked.get() + 1);
        (self.users.iter().filter(|t| **t >= since).count() as u64).min(limit)
    }
}

fn rule(body: serde_json::Value) -> Rule {
    let mut body = body;
    body["name"] = json!("r");
    if body.get("actions").is_none() {
        body["actions"] = json!([{ "id": "console" }]);
    }
    parse::rule(&body).unwrap().rule
}

fn facts(now: f64) -> EventFacts<'static> {
    EventFacts {
        level: "error",
        environment: Some("production"),
        tags: &[],
        category: Category::Error,
        new_issue: false,
        regressed: false,
        escalated: false,
        now,
    }
}

fn fires(rule: &Rule, facts: &EventFacts<'_>, last: Option<f64>, history: &History) -> Option<String> {
    evaluate(rule, facts, || last, history).map(|f| f.reason)
}

#[test]
fn new_issue_regression_and_escalating_fire_from_what_the_event_did() {
    let history = History::default();
    let r = rule(json!({ "conditions": [{ "id": "first_seen" }, { "id": "regression" }, { "id": "escalating" }] }));
    assert_eq!(fires(&r, &facts(0.0), None, &history), None);
    assert_eq!(
        fires(&r, &EventFacts { new_issue: true, ..facts(0.0) }, None, &history).as_deref(),
        Some("a new issue")
    );
    assert_eq!(
        fires(&r, &EventFacts { regressed: true, ..facts(0.0) }, None, &history).as_deref(),
        Some("a regression")
    );
    assert_eq!(fires(&r, &EventFacts { escalated: true, ..facts(0.0) }, None, &history).as_deref(), Some("escalating"));
    assert_eq!(history.asked.get(), 0, "no condition here needs the store");
}

#[test]
fn the_action_interval_holds_a_rule_back_for_frequency_minutes() {
    let history = History::default();
    let r = rule(json!({ "frequency": 30, "conditions": [{ "id": "level", "level": "40" }] }));
    assert!(fires(&r, &facts(1_000.0), None, &history).is_some());
    assert!(fires(&r, &facts(1_000.0 + 29.0 * 60.0), Some(1_000.0), &history).is_none());
    assert!(fires(&r, &facts(1_000.0 + 30.0 * 60.0), Some(1_000.0), &history).is_some());
}

#[test]
fn more_than_n_events_in_an_interval_counts_only_up_to_the_threshold() {
    // Ten events in the last minute, one older.
    let history =
        History { events: (0..10).map(|i| 1_000.0 - f64::from(i)).chain([900.0]).collect(), ..History::default() };
    let ten = rule(json!({ "conditions": [{ "id": "event_frequency", "value": 10, "interval": "1m" }] }));
    assert_eq!(fires(&ten, &facts(1_000.0), None, &history), None, "10 is not more than 10");
    let nine = rule(json!({ "conditions": [{ "id": "event_frequency", "value": 9, "interval": "1m" }] }));
    assert_eq!(fires(&nine, &facts(1_000.0), None, &history).as_deref(), Some("more than 9 events in one minute"));
    let hour = rule(json!({ "conditions": [{ "id": "event_frequency", "value": 10, "interval": "1h" }] }));
    assert!(fires(&hour, &facts(1_000.0), None, &history).is_some(), "the older event is in the hour");
    // A muted rule never counts.
    history.asked.set(0);
    assert_eq!(fires(&hour, &facts(1_000.0), Some(999.0), &history), None);
    assert_eq!(history.asked.get(), 0);
}

#[test]
fn more_than_n_users_in_an_interval() {
    let history = History { users: vec![100.0, 200.0, 290.0], ..History::default() };
    let r = rule(json!({ "conditions": [{ "id": "unique_users", "value": 2, "interval": "5m" }] }));
    assert!(fires(&r, &facts(300.0), None, &history).is_some());
    assert!(fires(&r, &facts(450.0), None, &history).is_none(), "only two users in the last five minutes");
}

#[test]
fn all_any_and_none_combine_the_conditions() {
    let history = History { events: vec![10.0; 5], ..History::default() };
    let conditions = json!([{ "id": "first_seen" }, { "id": "event_frequency", "value": 3, "interval": "1m" }]);
    let all = rule(json!({ "actionMatch": "all", "conditions": conditions }));
    assert_eq!(fires(&all, &facts(30.0), None, &history), None);
    assert_eq!(
        fires(&all, &EventFacts { new_issue: true, ..facts(30.0) }, None, &history).as_deref(),
        Some("a new issue, more than 3 events in one minute")
    );
    let any = rule(json!({ "actionMatch": "any", "conditions": conditions }));
    assert_eq!(fires(&any, &facts(30.0), None, &history).as_deref(), Some("more than 3 events in one minute"));
    let none = rule(json!({ "actionMatch": "none", "conditions": conditions }));
    assert_eq!(fires(&none, &facts(30.0), None, &history), None);
    assert!(fires(&none, &facts(300.0), None, &history).is_some());
}

#[test]
fn environment_tag_level_and_category_filters() {
    let history = History::default();
    let tags = [
        ("url".to_string(), "https://shop.example/Checkout".to_string()),
        ("browser".to_string(), "Firefox".to_string()),
    ];
    let base = EventFacts { new_issue: true, tags: &tags, ..facts(0.0) };
    let first = json!([{ "id": "first_seen" }]);
    let check = |filters: serde_json::Value, environment: Option<&str>| {
        let r = rule(json!({ "conditions": first, "filters": filters, "environment": environment }));
        fires(&r, &base, None, &history).is_some()
    };
    assert!(check(json!([]), Some("production")));
    assert!(!check(json!([]), Some("staging")));
    assert!(check(json!([{ "id": "tag", "key": "url", "match": "co", "value": "checkout" }]), None));
    assert!(!check(json!([{ "id": "tag", "key": "url", "match": "nc", "value": "checkout" }]), None));
    assert!(check(json!([{ "id": "tag", "key": "browser", "match": "eq", "value": "firefox" }]), None));
    assert!(!check(json!([{ "id": "tag", "key": "browser", "match": "eq", "value": "chrome" }]), None));
    assert!(check(json!([{ "id": "tag", "key": "browser", "match": "is" }]), None));
    assert!(!check(json!([{ "id": "tag", "key": "os", "match": "is" }]), None));
    assert!(check(json!([{ "id": "tag", "key": "url", "match": "sw", "value": "https://" }]), None));
    assert!(check(json!([{ "id": "level", "match": "gte", "level": "30" }]), None));
    assert!(!check(json!([{ "id": "level", "match": "gte", "level": "50" }]), None));
    assert!(check(json!([{ "id": "category", "value": "error" }]), None));
    assert!(!check(json!([{ "id": "category", "value": "4" }]), None));
    // filterMatch any: one of them is enough.
    let r = rule(json!({ "conditions": first, "filterMatch": "any", "filters": [
        { "id": "category", "value": "4" }, { "id": "tag", "key": "browser", "match": "eq", "value": "Firefox" }] }));
    assert!(fires(&r, &base, None, &history).is_some());
}

#[test]
fn a_disabled_rule_never_fires() {
    let history = History::default();
    let r = rule(json!({ "status": "disabled", "conditions": [{ "id": "first_seen" }] }));
    assert_eq!(fires(&r, &EventFacts { new_issue: true, ..facts(0.0) }, None, &history), None);
}

#[test]
fn level_names_and_numbers_order_the_same_way() {
    assert!(Level::of_event("fatal") > Level::of_event("error"));
    assert_eq!(Level::of_event("warn"), Level::Warning);
    assert_eq!(Level::of_event("something else"), Level::Error);
    assert_eq!(Level::parse("30"), Some(Level::Warning));
}
