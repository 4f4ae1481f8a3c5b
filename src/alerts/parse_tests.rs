use serde_json::json;

use super::*;

fn parse(body: serde_json::Value) -> Result<RuleWithSecrets, String> {
    let mut rule = rule(&body).map_err(|e| e.0)?;
    require_secrets(&mut rule, None).map_err(|e| e.0)?;
    Ok(rule)
}

fn with(conditions: serde_json::Value, actions: serde_json::Value) -> serde_json::Value {
    json!({ "name": "r", "conditions": conditions, "actions": actions })
}

#[test]
fn sentrys_documented_example_parses_with_its_settings() {
    let body = json!({
        "name": "New or regressed issues", "actionMatch": "any", "filterMatch": "all", "frequency": 30,
        "environment": "production",
        "conditions": [
            { "id": "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition" },
            { "id": "sentry.rules.conditions.regression_event.RegressionEventCondition" },
            { "id": "sentry.rules.conditions.event_frequency.EventFrequencyCondition", "value": 100, "interval": "1h" }
        ],
        "filters": [{ "id": "sentry.rules.filters.level.LevelFilter", "match": "gte", "level": "40" }],
        "actions": [
            { "id": "sentry.integrations.slack.notify_action.SlackNotifyServiceAction", "channel": "#alerts",
              "tags": "environment,level", "webhookUrl": "https://hooks.slack.example/services/T/B/X" },
            { "id": "sentry.rules.actions.notify_event_service.NotifyEventServiceAction", "service": "webhooks",
              "url": "http://127.0.0.1:9/hook", "secret": "s3cret-signing-key" }
        ]
    });
    let parsed = parse(body).unwrap();
    let rule = &parsed.rule;
    assert_eq!((rule.action_match, rule.filter_match, rule.frequency_mins), (Match::Any, Match::All, 30));
    assert_eq!(rule.environment.as_deref(), Some("production"));
    assert_eq!(
        rule.conditions,
        [
            Condition::FirstSeen,
            Condition::Regression,
            Condition::EventFrequency { value: 100, interval: Interval::Hour }
        ]
    );
    assert_eq!(rule.filters, [Filter::Level { op: LevelMatch::AtLeast, level: Level::Error }]);
    assert_eq!(
        rule.actions,
        [
            Action::Slack { channel: Some("#alerts".into()), tags: vec!["environment".into(), "level".into()] },
            Action::Webhook
        ]
    );
    assert!(parsed.secrets[0].url.is_some() && parsed.secrets[1].signing_secret.is_some());
    assert!(!format!("{parsed:?}").contains("s3cret"), "secrets never show in Debug");
}

#[test]
fn short_names_read_like_the_long_ids() {
    let parsed = parse(json!({
        "name": "r",
        "conditions": [{ "id": "escalating" }, { "id": "unique_users", "value": "5", "interval": "15m" },
                       { "id": "level", "level": "fatal", "match": "eq" }],
        "filters": [{ "id": "tag", "key": "url", "match": "co", "value": "checkout" }, { "id": "category", "value": "1" }],
        "actions": [{ "id": "console" }]
    }))
    .unwrap();
    assert_eq!(
        parsed.rule.conditions,
        [
            Condition::Escalating,
            Condition::UniqueUsers { value: 5, interval: Interval::FifteenMinutes },
            Condition::Level { op: LevelMatch::Equal, level: Level::Fatal }
        ]
    );
    assert_eq!(
        parsed.rule.filters,
        [
            Filter::Tag { key: "url".into(), op: TagMatch::Contains, value: "checkout".into() },
            Filter::Category(Category::Error)
        ]
    );
}

#[test]
fn every_refusal_says_what_is_wrong() {
    let console = json!([{ "id": "console" }]);
    let first = json!([{ "id": "first_seen" }]);
    let cases = [
        (
            with(json!([{ "id": "sentry.rules.conditions.nope.Nope" }]), console.clone()),
            "conditions[0]: unknown condition \"sentry.rules.conditions.nope.Nope\"; sift knows sentry.rules.conditions.first_seen_event.FirstSeenEventCondition (first_seen)",
        ),
        (
            with(json!([{ "id": "event_frequency", "value": 10, "interval": "2m" }]), console.clone()),
            "conditions[0]: interval must be one of 1m, 5m, 15m, 1h, 1d, 1w, 30d, got \"2m\"",
        ),
        (
            with(json!([{ "id": "event_frequency", "interval": "1m" }]), console.clone()),
            "conditions[0]: value is required",
        ),
        (
            with(json!([{ "id": "event_frequency", "value": -1, "interval": "1m" }]), console.clone()),
            "conditions[0]: value must be a whole number",
        ),
        (
            json!({ "name": "r", "frequency": 2, "conditions": first, "actions": console }),
            "frequency: the action interval is in minutes, from 5 (5 minutes) to 43200 (30 days), got 2",
        ),
        (json!({ "name": "r", "frequency": 43201, "conditions": first, "actions": console }), "got 43201"),
        (json!({ "name": "r", "frequency": "often", "conditions": first, "actions": console }), "got \"often\""),
        (with(json!([]), console.clone()), "conditions: a rule needs at least one condition"),
        (with(first.clone(), json!([])), "actions: a rule needs at least one action"),
        (json!({ "conditions": first, "actions": console }), "name: a rule needs a name"),
        (with(first.clone(), json!([{ "id": "slack" }])), "actions[0]: a Slack action needs webhookUrl"),
        (
            with(first.clone(), json!([{ "id": "slack", "webhookUrl": "not a url" }])),
            "actions[0]: webhookUrl is not a valid URL",
        ),
        (
            with(first.clone(), json!([{ "id": "webhook", "url": "mailto:x@y.example", "secret": "0123456789" }])),
            "actions[0]: url must be an http(s) URL with a host, not a mailto URL",
        ),
        (
            with(first.clone(), json!([{ "id": "webhook", "url": "https://h.example/x" }])),
            "actions[0]: a webhook action needs secret",
        ),
        (
            with(first.clone(), json!([{ "id": "webhook", "secret": "0123456789" }])),
            "actions[0]: a webhook action needs url",
        ),
        (with(first.clone(), json!([{ "id": "webhook", "service": "pagerduty" }])), "service must be \"webhooks\""),
        (with(first.clone(), json!([{ "id": "email", "targetType": "IssueOwners" }])), "targetType must be \"Email\""),
        (
            with(first.clone(), json!([{ "id": "email", "targetIdentifier": "nobody" }])),
            "\"nobody\" is not an email address",
        ),
        (with(first.clone(), json!([{ "id": "sentry.rules.actions.Nope" }])), "actions[0]: unknown action"),
        (
            with(first.clone(), json!([{ "id": "console" }]))
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o.insert("filters".into(), json!([{ "id": "tag", "key": "k", "match": "zz" }]));
                    serde_json::Value::Object(o)
                })
                .unwrap(),
            "filters[0]: match must be one of eq, ne, co, nc, sw, ew, is, ns",
        ),
        (json!([1, 2]), "a rule is a JSON object"),
    ];
    for (body, expected) in cases {
        let err = parse(body.clone()).unwrap_err();
        assert!(err.contains(expected), "{body}\n  gave {err:?}\n  expected {expected:?}");
    }
}

#[test]
fn a_refused_url_is_never_quoted() {
    let err = parse(with(
        json!([{ "id": "first_seen" }]),
        json!([{ "id": "slack", "webhookUrl": "gopher://hush-hush/T0/B0" }]),
    ))
    .unwrap_err();
    assert!(!err.contains("hush"), "{err}");
}

#[test]
fn a_put_without_secrets_keeps_the_stored_ones_for_the_same_kind_of_action() {
    let full = with(
        json!([{ "id": "first_seen" }]),
        json!([{ "id": "webhook", "url": "https://h.example/hook", "secret": "0123456789" }]),
    );
    let stored = parse(full).unwrap();
    let mut bare = rule(&with(json!([{ "id": "regression" }]), json!([{ "id": "webhook" }]))).unwrap();
    require_secrets(&mut bare, Some(&stored)).unwrap();
    assert_eq!(bare.secrets, stored.secrets);
    // A different kind of action at that place gets nothing from the old one.
    let mut other = rule(&with(json!([{ "id": "first_seen" }]), json!([{ "id": "slack" }]))).unwrap();
    assert!(require_secrets(&mut other, Some(&stored)).unwrap_err().0.contains("needs webhookUrl"));
}
