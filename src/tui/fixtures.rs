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

/// A Node event whose stack sift's server source-mapped, as the Web API serves it: original
/// frames, the minified ones as `rawStacktrace`, and a notice for the one file without a map.
pub fn js_event(id: &str) -> crate::api::models::Event {
    let at = now() - chrono::Duration::minutes(4);
    let source = |file: &str, function: &str, line: u64, text: &str| {
        json!({
            "filename": file, "absPath": file.replace("../", "~/"), "function": function, "lineNo": line, "colNo": 11,
            "inApp": true, "module": file.trim_start_matches("../").trim_end_matches(".js"),
            "context": [[line - 1, "  if (line.quantity <= 0) {"], [line, text], [line + 1, "  }"]],
            "data": { "sourcemap": "~/app.js.map", "resolved_with": "debug-id", "symbolicated": true }
        })
    };
    let minified = |file: &str, function: &str, col: u64| {
        json!({ "filename": file, "function": function, "lineNo": 3, "colNo": col, "inApp": true, "module": "app",
                "context": [[3, "(()=>{var r=class extends Error{constructor(o){super(o),this.name=\"CheckoutError\"}};function u(t){if(t.quantity<=0)throw new r(`line ${t.sku}"]] })
    };
    let vendor = json!({ "filename": "/srv/shop/vendor/legacy.min.js", "function": "globalThis.legacyEach", "lineNo": 1,
        "colNo": 65, "inApp": true, "module": "legacy.min",
        "context": [[1, "globalThis.legacyEach=function(a,c){for(let l=0;l<a.length;l+=1)c(a[l],l)};"]] });
    let value = json!({
        "id": id, "eventID": id, "groupID": "1", "projectID": "1",
        "title": "CheckoutError: line TEE-7 has quantity 0", "message": "", "platform": "node",
        "dateCreated": at.to_rfc3339(),
        "tags": [{ "key": "environment", "value": "production" }],
        "sdk": { "name": "sentry.javascript.node", "version": "11.12.0" },
        "errors": [{ "type": "js_no_source", "message": "no source map uploaded for this file",
                     "data": { "url": "/srv/shop/vendor/legacy.min.js" } }],
        "entries": [{ "type": "exception", "data": { "values": [{
            "type": "CheckoutError", "value": "line TEE-7 has quantity 0", "mechanism": { "type": "generic", "handled": true },
            "stacktrace": { "frames": [
                source("../src/checkout.js", "checkout", 10, "  const total = basketTotal(basket);"),
                source("../src/cart.js", "basketTotal", 20, "  globalThis.legacyEach(basket.lines, (line) => {"),
                vendor.clone(),
                source("../src/cart.js", "priceOfLine", 12, "    throw new CheckoutError(`line ${line.sku} has quantity ${line.quantity}`);"),
            ] },
            "rawStacktrace": { "frames": [
                minified("/srv/shop/a/app.js", "a", 343), minified("/srv/shop/a/app.js", "n", 242), vendor,
                minified("/srv/shop/a/app.js", "u", 122),
            ] }
        }] } }]
    });
    crate::api::models::Event::from_json(value).unwrap_or_default()
}

/// Releases as sift's server sends them (health, events, deploys): three of project `backend`,
/// newest first, one also of `web`; one with a long, hostile version.
pub fn releases() -> Vec<crate::api::ReleaseInfo> {
    let hour = now().timestamp() / 3600 * 3600;
    let day = now().timestamp() / 86_400 * 86_400;
    let project = |slug: &str, id: u32, new: u64, crash_free: Option<f64>, events: u64, spread: i64| {
        let hourly: Vec<serde_json::Value> =
            (0..24).map(|i| json!([hour - (23 - i) * 3600, (i * spread) % 9])).collect();
        let daily: Vec<serde_json::Value> =
            (0..14).map(|i| json!([day - (13 - i) * 86_400, (i * spread + 1) % 5])).collect();
        json!({
            "id": id, "slug": slug, "name": slug, "newGroups": new, "platform": "python", "hasHealthData": crash_free.is_some(),
            "eventCount": events, "eventStats": { "24h": hourly, "14d": daily },
            "healthData": {
                "crashFreeSessions": crash_free, "crashFreeUsers": crash_free.map(|c| c - 1.5), "adoption": crash_free.map(|_| 62.5),
                "totalSessions": crash_free.map(|_| 1_200), "sessionsCrashed": 12, "sessionsErrored": 30,
                "hasHealthData": crash_free.is_some(), "stats": { "24h": [] } }
        })
    };
    let at = |hours: i64| (now() - chrono::Duration::hours(hours)).to_rfc3339();
    let releases = json!([
        { "version": "backend@2.5.0", "shortVersion": "2.5.0", "dateCreated": at(3), "dateReleased": null, "newGroups": 4,
          "commitCount": 6, "deployCount": 0, "lastDeploy": null,
          "projects": [project("backend", 1, 3, Some(99.52), 1_480, 3), project("web", 2, 1, None, 15, 1)] },
        { "version": "backend@2.4.1", "shortVersion": "2.4.1", "dateCreated": at(50), "dateReleased": at(49), "newGroups": 2,
          "commitCount": 3, "deployCount": 2,
          "lastDeploy": { "id": "7", "environment": "production", "dateFinished": at(48), "name": null },
          "projects": [project("backend", 1, 2, Some(93.1), 22_000, 5)] },
        { "version": "nightly-2026-11-01-\u{1b}[31mbuild-with-a-very-long-name-indeed", "dateCreated": at(500),
          "dateReleased": at(490), "newGroups": 0, "deployCount": 1,
          "lastDeploy": { "id": "2", "environment": "staging", "dateFinished": at(480), "name": "n" },
          "projects": [project("backend", 1, 0, Some(100.0), 0, 0)] },
    ]);
    serde_json::from_value(releases).unwrap_or_default()
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
