//! Test fixtures for the console: issues as a Sentry server returns them, a fixed clock, and
//! states in each of the list's conditions.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::keymap::Keymap;
use super::state::{Alerts, ListData, Load, Row, Source, State};
use super::update::Ctx;
use crate::api::{Issue, Page};

/// 2026-11-22 12:00:00 UTC.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_348_800, 0).unwrap_or_default()
}

pub fn ctx(keymap: &Keymap) -> Ctx<'_> {
    Ctx { now: now(), keymap }
}

/// An issue as the Web API sends it.
pub fn issue(id: u32, title: &str, substatus: &str, count: u64) -> Issue {
    let hour = now().timestamp() / 3600 * 3600;
    let stats: Vec<serde_json::Value> = (0..24).map(|i| json!([hour - (23 - i) * 3600, (i * id as i64) % 7])).collect();
    let status = if substatus.starts_with("archived") { "ignored" } else { "unresolved" };
    let priority = ["high", "medium", "low"][id as usize % 3];
    serde_json::from_value(json!({
        "id": id.to_string(),
        "shortId": format!("BACKEND-{id}"),
        "title": title,
        "culprit": format!("app.handlers in handle_{id}"),
        "permalink": format!("http://127.0.0.1:9000/organizations/local/issues/{id}/"),
        "level": if id.is_multiple_of(3) { "warning" } else { "error" },
        "status": status,
        "statusDetails": {},
        "substatus": substatus,
        "priority": priority,
        "project": { "id": "1", "slug": "backend", "name": "Backend" },
        "metadata": { "type": "ValueError", "value": "bad input" },
        "count": count.to_string(),
        "userCount": count / 3,
        "firstSeen": (now() - chrono::Duration::days(i64::from(id))).to_rfc3339(),
        "lastSeen": (now() - chrono::Duration::minutes(i64::from(id) * 7)).to_rfc3339(),
        "isBookmarked": false,
        "hasSeen": false,
        "assignedTo": null,
        "stats": { "24h": stats },
    }))
    .unwrap_or_default()
}

/// A handful of varied issues.
pub fn issues() -> Vec<Issue> {
    vec![
        issue(1, "ValueError: bad input for field 'email'", "new", 1_204),
        issue(2, "TimeoutError: upstream payments service did not answer in 30s", "regressed", 87),
        issue(3, "DeprecationWarning: datetime.utcnow() is deprecated", "ongoing", 15_320),
        issue(4, "KeyError: 'tenant_id'", "escalating", 4),
        issue(5, "ConnectionResetError: [Errno 104] Connection reset by peer", "ongoing", 2),
    ]
}

pub fn page(items: Vec<Issue>, next: Option<&str>) -> Page<Issue> {
    let hits = Some(items.len() as u64 + if next.is_some() { 100 } else { 0 });
    Page { items, next_cursor: next.map(str::to_owned), prev_cursor: None, hits, max_hits: None }
}

pub fn embedded_source() -> Source {
    Source {
        label: "embedded".into(),
        url: "http://127.0.0.1:9000".into(),
        org: "local".into(),
        dsn: Some("http://3f2c7b0e9a1d4c5e8f6a7b8c9d0e1f2a@127.0.0.1:9000/1".into()),
    }
}

/// A state showing `issues`, polled at `now`.
pub fn state_with(issues: Vec<Issue>) -> State {
    let mut state = State::new(embedded_source(), std::time::Duration::from_secs(15), Alerts::default());
    let rows = issues.into_iter().map(|issue| Row { issue, pending: None, changed: false }).collect();
    state.list.data = Load::Ready(ListData { rows, hits: Some(1_234), next_cursor: None });
    state.poll.last_ok = Some(now());
    state.poll.next_due = now() + chrono::Duration::seconds(15);
    state.me = Some(("1".into(), "Local user".into()));
    state.people = vec![("1".into(), "Local user".into()), ("7".into(), "Ana García".into())];
    state.environments = vec!["production".into(), "staging".into()];
    state.projects = vec![(1, "backend".into()), (2, "web".into())];
    state
}

/// An event of issue 1 as the Web API sends it: a chained exception with in-app and library
/// frames, locals, breadcrumbs, a request, tags and contexts; hostile text in one value.
pub fn event(id: &str, previous: Option<&str>, next: Option<&str>) -> crate::api::models::Event {
    crate::api::models::Event::from_json(event_json(id, previous, next)).unwrap_or_default()
}

/// [`event`]'s JSON.
pub fn event_json(id: &str, previous: Option<&str>, next: Option<&str>) -> serde_json::Value {
    let at = now() - chrono::Duration::minutes(7);
    let frame = |file: &str, function: &str, line: u64, in_app: bool| {
        json!({
            "filename": file, "function": function, "lineNo": line, "inApp": in_app, "module": file.trim_end_matches(".py").replace('/', "."),
            "context": [[line - 2, "def handle(request):"], [line - 1, "    email = request.POST['email']"], [line, "    raise ValueError(f\"bad input for field {email!r}\")"], [line + 1, ""]],
            "vars": { "email": "'\u{1b}[31mx@example.com'", "request": "<WSGIRequest: POST '/signup'>" }
        })
    };
    json!({
        "id": id, "eventID": id, "groupID": "1", "projectID": "1",
        "title": "ValueError: bad input for field 'email'", "message": "", "platform": "python",
        "dateCreated": at.to_rfc3339(),
        "previousEventID": previous, "nextEventID": next,
        "tags": [{ "key": "environment", "value": "production" }, { "key": "release", "value": "backend@2.4.1" }, { "key": "browser", "value": "Firefox 132" }],
        "user": { "id": "42", "email": "ana@example.com", "ip_address": "10.0.0.7" },
        "contexts": { "runtime": { "name": "CPython", "version": "3.12.1", "type": "runtime" }, "os": { "name": "Linux", "type": "os" } },
        "sdk": { "name": "sentry.python", "version": "2.75.0" },
        "entries": [
            { "type": "exception", "data": { "values": [
                { "type": "KeyError", "value": "'email'", "mechanism": { "type": "generic", "handled": true },
                  "stacktrace": { "frames": [frame("django/core/handlers/base.py", "get_response", 181, false), frame("app/forms.py", "clean", 40, true)] } },
                { "type": "ValueError", "value": "bad input for field 'email'", "mechanism": { "type": "django", "handled": false },
                  "stacktrace": { "frames": [frame("django/core/handlers/base.py", "_get_response", 197, false), frame("app/views.py", "signup", 88, true), frame("app/views.py", "handle", 12, true)] } }
            ] } },
            { "type": "breadcrumbs", "data": { "values": [
                { "type": "navigation", "category": "navigation", "level": "info", "data": { "from": "/", "to": "/signup" }, "timestamp": (at - chrono::Duration::seconds(12)).to_rfc3339() },
                { "type": "http", "category": "httplib", "level": "warning", "message": "POST https://api.example.com/verify [502]", "timestamp": (at - chrono::Duration::seconds(3)).to_rfc3339() },
                { "type": "default", "category": "app", "level": "error", "message": "validation failed", "timestamp": (at - chrono::Duration::milliseconds(200)).to_rfc3339() }
            ] } },
            { "type": "request", "data": { "url": "https://shop.example.com/signup", "method": "POST",
                "query": [["ref", "ad"]], "headers": [["Content-Type", "application/json"], ["Authorization", "[Filtered]"]],
                "cookies": [["session", "[Filtered]"]], "data": { "email": "x@example.com", "plan": "pro" }, "env": { "REMOTE_ADDR": "10.0.0.7" } } }
        ]
    })
}

/// The issue's tag distributions as `…/tags/` returns them.
pub fn issue_tags() -> Vec<crate::api::TagKey> {
    serde_json::from_value(json!([
        { "key": "browser", "name": "Browser", "totalValues": 1204, "uniqueValues": 3, "topValues": [
            { "key": "browser", "name": "Chrome 131", "value": "Chrome 131", "count": 760 },
            { "key": "browser", "name": "Firefox 132", "value": "Firefox 132", "count": 400 },
            { "key": "browser", "name": "Safari 18", "value": "Safari 18", "count": 44 } ] },
        { "key": "environment", "name": "Environment", "totalValues": 1204, "uniqueValues": 2, "topValues": [
            { "key": "environment", "name": "production", "value": "production", "count": 1200 },
            { "key": "environment", "name": "staging", "value": "sta\u{1b}[2Jging", "count": 4 } ] }
    ]))
    .unwrap_or_default()
}

/// A comment as the activity log returns it.
pub fn note(text: &str) -> crate::api::models::Activity {
    serde_json::from_value(json!({
        "id": "3", "type": "note", "data": { "text": text },
        "dateCreated": (now() - chrono::Duration::minutes(30)).to_rfc3339(),
        "user": { "id": "7", "name": "Ana García", "username": "ana" }
    }))
    .unwrap_or_default()
}

/// A rule as a server sends it: `body` with this id and name.
pub fn alert_rule(id: &str, name: &str, body: serde_json::Value) -> crate::api::AlertRule {
    let mut raw = body;
    raw["id"] = serde_json::json!(id);
    raw["name"] = serde_json::json!(name);
    crate::api::AlertRule::from_value(raw).unwrap()
}

pub fn alert_firing(id: u32, rule: &str, short: &str, state: &str, actions: &[&str]) -> crate::api::AlertFiring {
    serde_json::from_value(serde_json::json!({
        "id": id.to_string(), "idempotencyKey": format!("key{id}"), "rule": { "id": "2", "name": rule },
        "project": "backend", "issue": { "id": id.to_string(), "shortId": short, "title": "boom" },
        "reason": "a new issue", "test": false, "dateFired": "2026-11-20T11:58:00Z", "actions": actions,
        "deliveries": [{ "kind": "slack", "state": state, "attempts": 1,
                         "lastError": if state == "sent" { None } else { Some("HTTP 503: down") } }]
    }))
    .unwrap()
}

pub fn alerts_data() -> crate::tui::alerts::AlertsData {
    let slack = alert_rule(
        "2",
        "New issues to Slack",
        serde_json::json!({ "status": "active", "origin": "api", "frequency": 30,
                "conditions": [{ "id": "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition" }],
                "actions": [{ "id": "sentry.integrations.slack.notify_action.SlackNotifyServiceAction", "channel": "#bugs" }] }),
    );
    let kept = alert_rule(
        "3",
        "Storms",
        serde_json::json!({ "status": "active", "origin": "config", "frequency": 5,
                "conditions": [{ "id": "sentry.rules.conditions.event_frequency.EventFrequencyCondition", "value": 10, "interval": "1m" }],
                "actions": [{ "id": "sift.rules.actions.NotifyConsoleAction" }] }),
    );
    crate::tui::alerts::AlertsData {
        rules: vec![
            crate::tui::alerts::RuleRow { project: "backend".into(), rule: slack },
            crate::tui::alerts::RuleRow { project: "web".into(), rule: kept },
        ],
        firings: Some(vec![
            alert_firing(12, "New issues to Slack", "BACKEND-3", "sent", &["slack"]),
            alert_firing(11, "New issues to Slack", "BACKEND-2", "retrying", &["slack"]),
        ]),
        outbox: Some(crate::api::OutboxSummary {
            pending: 0,
            retrying: 1,
            sent: 4,
            failed: 0,
            dropped: 0,
            limit: 10_000,
        }),
    }
}
