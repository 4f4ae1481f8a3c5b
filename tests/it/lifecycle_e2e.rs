//! Lifecycle through the ingest path: counters, distinct users, hourly buckets, first and last
//! release, regressions (plain, in a release, in the next release), ignore conditions and
//! escalation, priority from level.

use serde_json::{Value, json};
use sift::lifecycle::{IssueState, Priority, Resolution, Snooze, Status, Substatus};
use sift::store::{issues, now};

use super::support::TestApp;

fn msg(text: &str, extra: Value) -> Value {
    let mut event = json!({ "message": text });
    if let (Some(target), Some(extra)) = (event.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            target.insert(k.clone(), v.clone());
        }
    }
    event
}

fn set(app: &TestApp, id: i64, state: IssueState) {
    issues::save_state(&app.conn(), id, &state, now()).unwrap();
}

/// Ignores issue `id` with the given conditions.
fn ignore(app: &TestApp, id: i64, substatus: Substatus, snooze: Snooze) {
    set(
        app,
        id,
        IssueState {
            status: Status::Ignored,
            substatus: Some(substatus),
            snooze: Some(snooze),
            ..IssueState::new_issue("error")
        },
    );
}

fn only(app: &TestApp) -> issues::IssueRecord {
    let all = app.issues();
    assert_eq!(all.len(), 1);
    all.into_iter().next().unwrap()
}

#[tokio::test]
async fn counts_users_buckets_and_releases() {
    let app = TestApp::new();
    let users = [
        json!({"id": "1"}),
        json!({"email": "a@x.io"}),
        json!({"username": "bob"}),
        json!({"ip_address": "10.0.0.9"}),
        json!({"id": "1"}),
        json!({}),
    ];
    for (i, user) in users.iter().enumerate() {
        let release = if i < 3 { "1.0" } else { "1.1" };
        app.send_event(msg(
            "boom",
            json!({ "user": user, "release": release, "level": if i == 2 { "fatal" } else { "warning" } }),
        ))
        .await;
    }
    let issue = only(&app);
    assert_eq!((issue.times_seen, issue.user_count), (6, 4));
    assert_eq!((issue.first_release.as_deref(), issue.last_release.as_deref()), (Some("1.0"), Some("1.1")));
    assert_eq!(issue.priority, Some(Priority::High as i64), "a fatal event raised it");
    let conn = app.conn();
    let hourly = issues::issue_hourly(&conn, issue.id).unwrap();
    assert_eq!(hourly.iter().map(|(_, n)| n).sum::<i64>(), 6);
    let tags = issues::issue_tags(&conn, issue.id).unwrap();
    assert!(tags.contains(&("release".into(), "1.1".into(), 3)));
    assert!(tags.contains(&("user".into(), "id:1".into(), 2)));
    assert_eq!(issues::activities(&conn, issue.id).unwrap()[0].0, "first_seen");
}

/// The writer assigns `first_seen` only when an event older than the issue moves it; newer
/// events, in later commits, must leave it where the oldest put it.
#[tokio::test]
async fn first_seen_moves_back_only_for_an_older_event() {
    let app = TestApp::new();
    let base = now().floor();
    for (offset, first, last) in [(-60.0, -60.0, -60.0), (-3600.0, -3600.0, -60.0), (-30.0, -3600.0, -30.0)] {
        app.send_event(msg("boom", json!({ "timestamp": base + offset }))).await;
        let issue = only(&app);
        assert_eq!((issue.first_seen, issue.last_seen), (base + first, base + last), "after the event at {offset}");
    }
    assert_eq!(only(&app).times_seen, 3);
}

#[tokio::test]
async fn priority_starts_from_level() {
    for (level, priority) in [("error", Priority::High), ("warning", Priority::Medium), ("info", Priority::Low)] {
        let app = TestApp::new();
        app.send_event(msg("p", json!({ "level": level }))).await;
        assert_eq!(only(&app).priority, Some(priority as i64), "{level}");
        assert_eq!(only(&app).substatus.as_deref(), Some("new"));
    }
}

#[tokio::test]
async fn resolved_issue_regresses_on_a_new_event() {
    let app = TestApp::new();
    app.send_event(msg("again", json!({}))).await;
    let id = only(&app).id;
    set(
        &app,
        id,
        IssueState {
            status: Status::Resolved,
            substatus: None,
            resolution: Some(Resolution::Plain),
            ..IssueState::new_issue("error")
        },
    );
    app.send_event(msg("again", json!({ "release": "2.0" }))).await;
    let issue = only(&app);
    assert_eq!((issue.status.as_str(), issue.substatus.as_deref()), ("unresolved", Some("regressed")));
    let activity = issues::activities(&app.conn(), id).unwrap();
    assert_eq!(activity.last().unwrap(), &("set_regression".to_string(), json!({ "version": "2.0" })));
}

#[tokio::test]
async fn resolved_in_release_ignores_older_releases() {
    let app = TestApp::new();
    for release in ["1.0", "1.1"] {
        app.send_event(msg("fixed in 1.1", json!({ "release": release }))).await;
    }
    let id = only(&app).id;
    let resolved = IssueState {
        status: Status::Resolved,
        substatus: None,
        resolution: Some(Resolution::InRelease { release: "1.1".into(), resolved_at: now() }),
        ..IssueState::new_issue("error")
    };
    set(&app, id, resolved);
    app.send_event(msg("fixed in 1.1", json!({ "release": "1.0" }))).await;
    app.send_event(msg("fixed in 1.1", json!({ "release": "1.1" }))).await;
    assert_eq!(only(&app).status, "resolved", "old deploys still running do not regress it");
    app.send_event(msg("fixed in 1.1", json!({ "release": "1.2" }))).await;
    assert_eq!(only(&app).substatus.as_deref(), Some("regressed"));
}

#[tokio::test]
async fn resolved_in_next_release_waits_for_a_new_release() {
    let app = TestApp::new();
    app.send_event(msg("next", json!({ "release": "5.0" }))).await;
    let id = only(&app).id;
    set(
        &app,
        id,
        IssueState {
            status: Status::Resolved,
            substatus: None,
            resolution: Some(Resolution::InNextRelease { current: Some("5.0".into()), resolved_at: now() }),
            ..IssueState::new_issue("error")
        },
    );
    app.send_event(msg("next", json!({ "release": "5.0" }))).await;
    assert_eq!(only(&app).status, "resolved");
    app.send_event(msg("next", json!({ "release": "5.1" }))).await;
    assert_eq!(only(&app).status, "unresolved");
}

#[tokio::test]
async fn ignore_until_n_events_comes_back_escalating() {
    let app = TestApp::new();
    app.send_event(msg("noisy", json!({}))).await;
    let id = only(&app).id;
    ignore(
        &app,
        id,
        Substatus::ArchivedUntilConditionMet,
        Snooze { since: now(), count: Some(3), window_mins: Some(60), ..Snooze::default() },
    );
    app.send_event(msg("noisy", json!({}))).await;
    app.send_event(msg("noisy", json!({}))).await;
    assert_eq!(only(&app).status, "ignored");
    app.send_event(msg("noisy", json!({}))).await;
    let issue = only(&app);
    assert_eq!((issue.status.as_str(), issue.substatus.as_deref()), ("unresolved", Some("escalating")));
}

/// Arrivals the store keeps for the issue's "until N events" count.
fn kept_arrivals(app: &TestApp, id: i64) -> i64 {
    app.conn().query_row("SELECT count(*) FROM snooze_arrivals WHERE group_id = ?1", [id], |row| row.get(0)).unwrap()
}

/// Ignoring again starts the count over, and the arrivals kept for the old count go with it.
#[tokio::test]
async fn ignoring_again_starts_the_count_over() {
    let app = TestApp::new();
    app.send_event(msg("recount", json!({}))).await;
    let id = only(&app).id;
    let until_three = || Snooze { since: now(), count: Some(3), ..Snooze::default() };
    ignore(&app, id, Substatus::ArchivedUntilConditionMet, until_three());
    app.send_event(msg("recount", json!({}))).await;
    app.send_event(msg("recount", json!({}))).await;
    assert_eq!(kept_arrivals(&app, id), 2);

    ignore(&app, id, Substatus::ArchivedUntilConditionMet, until_three());
    assert_eq!(kept_arrivals(&app, id), 0, "a new ignore drops the old count's arrivals");
    app.send_event(msg("recount", json!({}))).await;
    app.send_event(msg("recount", json!({}))).await;
    assert_eq!(only(&app).status, "ignored", "two of three since the second ignore");
    app.send_event(msg("recount", json!({}))).await;
    assert_eq!(only(&app).substatus.as_deref(), Some("escalating"));
    assert_eq!(kept_arrivals(&app, id), 0, "an ignore that ended keeps no arrivals");

    app.send_event(msg("recount", json!({}))).await;
    assert_eq!(kept_arrivals(&app, id), 0, "an unresolved issue records none");
    assert_eq!(only(&app).times_seen, 7);
}

/// Arrivals older than the count's window stop counting, and are dropped when the next one comes.
#[tokio::test]
async fn arrivals_before_the_window_no_longer_count() {
    let app = TestApp::new();
    app.send_event(msg("windowed", json!({}))).await;
    let id = only(&app).id;
    let since = now() - 7200.0;
    ignore(
        &app,
        id,
        Substatus::ArchivedUntilConditionMet,
        Snooze { since, count: Some(2), window_mins: Some(10), ..Snooze::default() },
    );
    // One arrival an hour ago: inside the ignore, outside its ten-minute window.
    app.conn()
        .execute("INSERT INTO snooze_arrivals (group_id, received, event) VALUES (?1, ?2, 0)", (id, now() - 3600.0))
        .unwrap();
    app.send_event(msg("windowed", json!({}))).await;
    assert_eq!(only(&app).status, "ignored", "the hour-old arrival is outside the window");
    assert_eq!(kept_arrivals(&app, id), 1, "and was dropped");
    app.send_event(msg("windowed", json!({}))).await;
    assert_eq!(only(&app).substatus.as_deref(), Some("escalating"));
}

/// Merged into an issue ignored until N events, a child's arrivals since the ignore count, and
/// its arrivals this hour join the parent's.
#[tokio::test]
async fn a_merge_brings_the_childs_arrivals_into_the_parents_counts() {
    let app = TestApp::new();
    for _ in 0..3 {
        app.send_event(msg("parent", json!({}))).await;
    }
    let parent = only(&app).id;
    ignore(
        &app,
        parent,
        Substatus::ArchivedUntilConditionMet,
        Snooze { since: now(), count: Some(4), ..Snooze::default() },
    );
    app.send_event(msg("child", json!({}))).await;
    app.send_event(msg("child", json!({}))).await;
    let child = app.issues().iter().map(|issue| issue.id).find(|&id| id != parent).unwrap();
    let uri = format!("/api/0/organizations/local/issues/?id={parent}&id={child}");
    let merged = app.api("PUT", &uri, Some(json!({ "merge": true }))).await;
    assert_eq!(merged.body["merge"]["parent"], parent.to_string(), "{:?}", merged.body);
    assert_eq!(kept_arrivals(&app, parent), 2);
    let (counted, arrived): (i64, i64) = app
        .conn()
        .query_row(
            "SELECT arrival_hour_count,
                    (SELECT count(*) FROM events WHERE group_id = g.id AND received >= g.arrival_hour * 3600.0)
             FROM groups g WHERE id = ?1",
            [parent],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(counted, arrived, "this hour's arrivals, the child's included");

    app.send_event(msg("parent", json!({}))).await;
    assert_eq!(only(&app).status, "ignored", "three of four since the ignore");
    app.send_event(msg("parent", json!({}))).await;
    assert_eq!(only(&app).substatus.as_deref(), Some("escalating"));
}

/// A priority change leaves an ignore's count alone, whatever text the ignore was stored as
/// (here without the conditions it does not use).
#[tokio::test]
async fn a_priority_change_keeps_the_ignores_count() {
    let app = TestApp::new();
    app.send_event(msg("kept", json!({}))).await;
    let id = only(&app).id;
    let snooze = format!(r#"{{"since": {}, "count": 3}}"#, now());
    app.conn()
        .execute(
            "UPDATE groups SET status = 'ignored', substatus = 'archived_until_condition_met', snooze = ?2 WHERE id = ?1",
            (id, snooze),
        )
        .unwrap();
    app.send_event(msg("kept", json!({}))).await;
    app.send_event(msg("kept", json!({}))).await;
    assert_eq!(kept_arrivals(&app, id), 2);
    let reply =
        app.api("PUT", &format!("/api/0/organizations/local/issues/{id}/"), Some(json!({ "priority": "low" }))).await;
    assert_eq!(reply.body["priority"], "low", "{:?}", reply.body);
    assert_eq!(kept_arrivals(&app, id), 2, "the count survives the priority change");
    app.send_event(msg("kept", json!({}))).await;
    assert_eq!(only(&app).substatus.as_deref(), Some("escalating"));
}

#[tokio::test]
async fn ignore_until_n_users_and_for_a_duration() {
    let app = TestApp::new();
    app.send_event(msg("users", json!({ "user": { "id": "0" } }))).await;
    let id = only(&app).id;
    ignore(
        &app,
        id,
        Substatus::ArchivedUntilConditionMet,
        Snooze { since: now(), user_count: Some(2), ..Snooze::default() },
    );
    app.send_event(msg("users", json!({ "user": { "id": "1" } }))).await;
    app.send_event(msg("users", json!({ "user": { "id": "1" } }))).await;
    assert_eq!(only(&app).status, "ignored");
    app.send_event(msg("users", json!({ "user": { "id": "2" } }))).await;
    assert_eq!(only(&app).substatus.as_deref(), Some("escalating"));

    ignore(
        &app,
        id,
        Substatus::ArchivedUntilConditionMet,
        Snooze { since: now() - 120.0, until: Some(now() - 1.0), ..Snooze::default() },
    );
    app.send_event(msg("users", json!({}))).await;
    assert_eq!(only(&app).substatus.as_deref(), Some("ongoing"));
}

#[tokio::test]
async fn archived_until_escalating_returns_on_a_spike() {
    let app = TestApp::new();
    app.send_event(msg("spiky", json!({}))).await;
    let id = only(&app).id;
    set(
        &app,
        id,
        IssueState {
            status: Status::Ignored,
            substatus: Some(Substatus::ArchivedUntilEscalating),
            snooze: Some(Snooze { since: now(), escalation_forecast: Some(3), ..Snooze::default() }),
            priority: Some(Priority::Low),
            ..IssueState::new_issue("error")
        },
    );
    for _ in 0..2 {
        app.send_event(msg("spiky", json!({}))).await;
    }
    assert_eq!(only(&app).status, "ignored", "3 events this hour is within the forecast");
    app.send_event(msg("spiky", json!({}))).await;
    let issue = only(&app);
    assert_eq!((issue.status.as_str(), issue.substatus.as_deref()), ("unresolved", Some("escalating")));
    assert_eq!(issue.priority, Some(Priority::High as i64));
    assert_eq!(issues::activities(&app.conn(), id).unwrap().last().unwrap().0, "set_escalating");
}

#[tokio::test]
async fn archived_forever_stays_archived() {
    let app = TestApp::new();
    app.send_event(msg("forever", json!({}))).await;
    let id = only(&app).id;
    set(
        &app,
        id,
        IssueState {
            status: Status::Ignored,
            substatus: Some(Substatus::ArchivedForever),
            ..IssueState::new_issue("error")
        },
    );
    for _ in 0..5 {
        app.send_event(msg("forever", json!({}))).await;
    }
    assert_eq!(only(&app).status, "ignored");
    assert_eq!(only(&app).times_seen, 6);
}
