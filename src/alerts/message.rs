//! What each action sends, from one [`Notice`] (the firing's facts): a Slack message (Block Kit,
//! with a plain `text` fallback), the webhook body in Sentry's legacy "WebHooks" plugin shape
//! and its HMAC-SHA256 signature, and an email's subject, plain text and HTML. All of them carry
//! the same content: title, short id, culprit, counts, environment, release, the rule and the
//! link to the issue's page on sift's server. Pure text building; nothing here sends.
//!
//! Event text is untrusted: it is stripped of control characters everywhere, escaped for Slack's
//! mrkdwn (`&`, `<`, `>`) and for HTML.

use serde_json::{Value, json};

use crate::store::alerts::outbox::FiringRow;

/// The facts every message shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub title: String,
    pub short_id: Option<String>,
    pub issue_id: Option<String>,
    pub culprit: Option<String>,
    pub level: String,
    pub times_seen: i64,
    pub user_count: i64,
    pub environment: Option<String>,
    pub release: Option<String>,
    pub project: String,
    pub rule: String,
    pub reason: String,
    pub test: bool,
    /// The issue's page on sift's server (its permalink), or the server itself for a test
    /// without an issue.
    pub link: String,
    /// The firing's idempotency key.
    pub key: String,
    pub fired_at: f64,
}

/// Text without control characters (newlines and tabs become spaces), at most `max` characters.
fn clean(text: &str, max: usize) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).filter(|c| !is_invisible(*c)).take(max).collect()
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl Notice {
    /// The notice of a logged firing; `base_url` is the server's public URL.
    pub fn of(firing: &FiringRow, base_url: &str) -> Self {
        let c = &firing.context;
        let text = |key: &str| c.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(|s| clean(s, 500));
        let number = |key: &str| c.get(key).and_then(Value::as_i64).unwrap_or(0);
        let base = base_url.trim_end_matches('/');
        let issue_id = text("issueId");
        let link = match (&issue_id, text("org")) {
            (Some(id), Some(org)) => format!("{base}/organizations/{org}/issues/{id}/"),
            _ => format!("{base}/"),
        };
        Self {
            title: text("title").unwrap_or_else(|| "(no title)".into()),
            short_id: text("shortId"),
            issue_id,
            culprit: text("culprit"),
            level: text("level").unwrap_or_else(|| "error".into()),
            times_seen: number("timesSeen"),
            user_count: number("userCount"),
            environment: text("environment"),
            release: text("release"),
            project: text("project").unwrap_or_default(),
            rule: clean(&firing.rule_name, 256),
            reason: clean(&firing.reason, 256),
            test: firing.test,
            link,
            key: firing.key.clone(),
            fired_at: firing.fired_at,
        }
    }

    /// "WEB-1A: TypeError: x is undefined".
    pub fn headline(&self) -> String {
        let test = if self.test { "[test] " } else { "" };
        match &self.short_id {
            Some(short) => format!("{test}{short}: {}", self.title),
            None => format!("{test}{}", self.title),
        }
    }

    /// The labelled facts, in message order.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let none = || "none".to_string();
        vec![
            ("Short ID", self.short_id.clone().unwrap_or_else(none)),
            ("Project", self.project.clone()),
            ("Level", self.level.clone()),
            ("Events", self.times_seen.to_string()),
            ("Users", self.user_count.to_string()),
            ("Environment", self.environment.clone().unwrap_or_else(none)),
            ("Release", self.release.clone().unwrap_or_else(none)),
        ]
    }
}

fn mrkdwn(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The Slack incoming-webhook body: a fallback `text` and Block Kit blocks.
pub fn slack(notice: &Notice) -> Value {
    let headline = mrkdwn(&notice.headline());
    let fields: Vec<Value> = notice
        .fields()
        .into_iter()
        .map(|(label, value)| json!({ "type": "mrkdwn", "text": format!("*{label}*\n{}", mrkdwn(&value)) }))
        .collect();
    let culprit = notice.culprit.as_deref().map(mrkdwn).unwrap_or_else(|| "no culprit".into());
    json!({
        "text": format!(
            "{headline} ({}, {} event{}) {}",
            notice.project,
            notice.times_seen,
            if notice.times_seen == 1 { "" } else { "s" },
            notice.link
        ),
        "blocks": [
            { "type": "section", "text": { "type": "mrkdwn", "text": format!("*<{}|{headline}>*\n{culprit}", notice.link) } },
            { "type": "section", "fields": fields },
            { "type": "context", "elements": [
                { "type": "mrkdwn", "text": format!("Rule *{}*: {}", mrkdwn(&notice.rule), mrkdwn(&notice.reason)) }
            ] }
        ]
    })
}

/// The webhook body, in the shape of Sentry's legacy WebHooks plugin, with the stored event
/// (when there is one) under `event`.
pub fn webhook(notice: &Notice, event: Option<Value>) -> Value {
    let mut event = event.unwrap_or_else(|| json!({}));
    if let Some(obj) = event.as_object_mut() {
        if let Some(id) = obj.get("event_id").cloned() {
            obj.insert("id".into(), id);
        }
        let tags: Vec<Value> = match obj.get("tags") {
            Some(Value::Object(map)) => map.iter().map(|(k, v)| json!([k, v])).collect(),
            Some(Value::Array(list)) => list.clone(),
            _ => Vec::new(),
        };
        obj.insert("tags".into(), Value::Array(tags));
    }
    json!({
        "id": notice.issue_id,
        "project": notice.project,
        "project_name": notice.project,
        "project_slug": notice.project,
        "logger": null,
        "level": notice.level,
        "culprit": notice.culprit,
        "message": notice.title,
        "short_id": notice.short_id,
        "url": notice.link,
        "triggering_rules": [notice.rule],
        "reason": notice.reason,
        "test": notice.test,
        "idempotency_key": notice.key,
        "event": event,
    })
}

/// The `Sentry-Hook-Signature` of `body`: HMAC-SHA256 with `secret`, in lowercase hex.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    hex::encode(ring::hmac::sign(&key, body).as_ref())
}

/// The email's subject line.
pub fn email_subject(notice: &Notice) -> String {
    format!("[sift] {}", notice.headline())
}

/// The email's plain-text body.
pub fn email_text(notice: &Notice) -> String {
    let mut text = format!("{}\n", notice.headline());
    if let Some(culprit) = &notice.culprit {
        text.push_str(&format!("{culprit}\n"));
    }
    text.push('\n');
    for (label, value) in notice.fields() {
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push_str(&format!("\nRule: {} ({})\n", notice.rule, notice.reason));
    text.push_str(&format!("Open the issue: {}\n", notice.link));
    text
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The email's HTML body: the same content as the plain text.
pub fn email_html(notice: &Notice) -> String {
    let rows: String = notice
        .fields()
        .into_iter()
        .map(|(label, value)| format!("<tr><th align=\"left\">{label}</th><td>{}</td></tr>", html(&value)))
        .collect();
    let culprit = notice.culprit.as_deref().map(|c| format!("<p><code>{}</code></p>", html(c))).unwrap_or_default();
    format!(
        "<!DOCTYPE html><html><body>\
         <h2><a href=\"{link}\">{headline}</a></h2>{culprit}\
         <table>{rows}</table>\
         <p>Rule: <b>{rule}</b> ({reason})</p>\
         <p><a href=\"{link}\">Open the issue</a></p>\
         </body></html>",
        link = html(&notice.link),
        headline = html(&notice.headline()),
        rule = html(&notice.rule),
        reason = html(&notice.reason),
    )
}

#[cfg(test)]
#[path = "message_tests.rs"]
mod tests;
