//! Issues as Sentry's Web API writes them: camelCase keys, string ids and `count`, `null`
//! where Sentry sends null, `statusDetails` rebuilt from the stored resolution and ignore
//! conditions, and `stats` series keyed by period.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat};
use serde_json::{Map, Value, json};

use crate::store::issues::IssueRecord;

/// ISO-8601 UTC with milliseconds and `Z`, as Sentry prints datetimes.
pub fn iso(unix: f64) -> String {
    let micros = (unix * 1e6).round() as i64;
    DateTime::from_timestamp_micros(micros).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Options that change an issue's JSON.
#[derive(Debug, Clone, Default)]
pub struct IssueJson<'a> {
    /// The server's public base URL, for `permalink`.
    pub base_url: &'a str,
    pub org_slug: &'a str,
    /// Series per period name (`24h`, `14d`, `30d`), each `[bucket start, count]`.
    pub stats: Vec<(&'static str, Vec<(i64, i64)>)>,
    /// Events within the environment filter, when one is set.
    pub filtered_count: Option<i64>,
}

fn priority_name(value: Option<i64>) -> Value {
    match value {
        Some(75) => json!("high"),
        Some(50) => json!("medium"),
        Some(25) => json!("low"),
        _ => Value::Null,
    }
}

/// The `statusDetails` object Sentry reports for the stored state.
pub fn status_details(issue: &IssueRecord) -> Value {
    let mut details = Map::new();
    if let Some(resolution) = &issue.resolution {
        match resolution.get("kind").and_then(Value::as_str) {
            Some("in_release") => {
                details.insert("inRelease".into(), resolution.get("release").cloned().unwrap_or(Value::Null));
            }
            Some("in_next_release") => {
                details.insert("inNextRelease".into(), json!(true));
            }
            _ => {}
        }
    }
    if let Some(snooze) = &issue.snooze {
        let number = |key: &str| snooze.get(key).filter(|v| !v.is_null()).cloned();
        if let Some(count) = number("count") {
            details.insert("ignoreCount".into(), count);
            details.insert("ignoreWindow".into(), number("window_mins").unwrap_or(Value::Null));
        }
        if let Some(users) = number("user_count") {
            details.insert("ignoreUserCount".into(), users);
            details.insert("ignoreUserWindow".into(), number("user_window_mins").unwrap_or(Value::Null));
        }
        if let Some(until) = snooze.get("until").and_then(Value::as_f64) {
            details.insert("ignoreUntil".into(), json!(iso(until)));
        }
        if number("escalation_forecast").is_some() {
            details.insert("ignoreUntilEscalating".into(), json!(true));
        }
        details.insert("actor".into(), Value::Null);
    }
    Value::Object(details)
}

/// `assignedTo` for a stored `user:ID` assignee, with the user's name when known.
pub fn assigned_to(assignee: Option<&str>, users: &HashMap<i64, (String, Option<String>)>) -> Value {
    let Some(id) = assignee.and_then(|a| a.strip_prefix("user:")).and_then(|id| id.parse::<i64>().ok()) else {
        return Value::Null;
    };
    let (name, email) = users.get(&id).cloned().unwrap_or_else(|| (format!("user {id}"), None));
    json!({ "type": "user", "id": id.to_string(), "name": name, "email": email })
}

/// The list ("base") issue object.
pub fn issue(issue: &IssueRecord, opts: &IssueJson<'_>, assigned: Value) -> Value {
    let count = opts.filtered_count.unwrap_or(issue.times_seen);
    let mut stats = Map::new();
    for (period, series) in &opts.stats {
        stats.insert((*period).into(), json!(series.iter().map(|(t, n)| json!([t, n])).collect::<Vec<_>>()));
    }
    let lifetime = json!({
        "count": issue.times_seen.to_string(),
        "userCount": issue.user_count,
        "firstSeen": iso(issue.first_seen),
        "lastSeen": iso(issue.last_seen),
        "stats": null,
    });
    let filtered = opts.filtered_count.map(|n| {
        json!({
            "count": n.to_string(),
            "userCount": issue.user_count,
            "firstSeen": iso(issue.first_seen),
            "lastSeen": iso(issue.last_seen),
            "stats": null,
        })
    });
    let performance = issue.event_type.starts_with("performance_");
    let kind = match issue.event_type.as_str() {
        "error" => "error",
        _ if performance => "transaction",
        _ => "default",
    };
    let (issue_type, category) =
        if performance { (issue.event_type.as_str(), "performance") } else { ("error", "error") };
    json!({
        "id": issue.id.to_string(),
        "shortId": issue.short_id,
        "title": issue.title,
        "culprit": issue.culprit,
        "permalink": format!("{}/organizations/{}/issues/{}/", opts.base_url.trim_end_matches('/'), opts.org_slug, issue.id),
        "logger": issue.logger,
        "level": issue.level,
        "status": issue.status,
        "statusDetails": status_details(issue),
        "substatus": issue.substatus,
        "isPublic": false,
        "platform": issue.platform,
        "priority": priority_name(issue.priority),
        "priorityLockedAt": issue.priority_locked_at.map(iso),
        "project": {
            "id": issue.project_id.to_string(),
            "name": issue.project_name,
            "slug": issue.project_slug,
            "platform": issue.project_platform,
        },
        "type": kind,
        "issueType": issue_type,
        "issueCategory": category,
        "metadata": issue.metadata,
        "numComments": issue.num_comments,
        "assignedTo": assigned,
        "isBookmarked": issue.bookmarked,
        "isSubscribed": false,
        "subscriptionDetails": null,
        "hasSeen": issue.seen,
        "annotations": [],
        "shareId": null,
        "isUnhandled": issue.is_unhandled,
        "count": count.to_string(),
        "userCount": issue.user_count,
        "firstSeen": iso(issue.first_seen),
        "lastSeen": iso(issue.last_seen),
        "stats": stats,
        "lifetime": lifetime,
        "filtered": filtered,
        "inbox": if issue.for_review { json!({ "reason": 0, "reason_details": null, "date_added": iso(issue.status_changed_at.unwrap_or(issue.first_seen)) }) } else { Value::Null },
    })
}

/// Turns hourly buckets into `[start, count]` pairs of `bucket_hours` hours.
pub fn series(counts: &[i64], end_hour: i64, bucket_hours: i64) -> Vec<(i64, i64)> {
    let bucket_hours = bucket_hours.max(1);
    let last = end_hour.div_euclid(bucket_hours);
    let first = last - counts.len() as i64 + 1;
    counts.iter().enumerate().map(|(i, &n)| ((first + i as i64) * bucket_hours * 3600, n)).collect()
}
