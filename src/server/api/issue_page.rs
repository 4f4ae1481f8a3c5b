//! The page behind an issue's permalink (`/organizations/{org}/issues/{id}/`, the URL the Web
//! API's `permalink` names): plain, read-only HTML with the issue's title, state and counts and
//! its latest event's stack trace, so that a link opened from the console (`o`), pasted into a
//! chat or sent by an alert shows the issue in a browser.
//!
//! A browser following a link sends no Bearer token, so the page asks for none. It is served on
//! the server's own address only (loopback unless `--listen` says otherwise), reads and never
//! writes, carries no token and no link that embeds one, and runs no script: a strict
//! Content-Security-Policy forbids scripts, and every piece of event text is HTML-escaped with
//! control characters made visible. The JSON it links to is the Web API's, which still needs
//! the token.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use super::issue_json::iso;
use super::{PathArgs, both, issue_of};
use crate::server::AppState;
use crate::store::StoreError;
use crate::store::events::{self as store_events, Pick};
use crate::store::issues::{IssueRecord, Viewer};

/// Frames shown per exception; a page is for reading, not for a ten-thousand-frame recursion.
const FRAMES_SHOWN: usize = 60;

/// The permalink routes (no token: see the module's note).
pub fn routes() -> Router<Arc<AppState>> {
    both(Router::new(), "/organizations/{org}/issues/{issue}/", get(page))
}

/// Text made safe for HTML: markup characters escaped, control characters shown as U+FFFD
/// (newlines and tabs kept, for `<pre>`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// The latest event's exceptions, the raised one first, each with its frames newest first.
fn stack_trace(event: &Value) -> String {
    let mut out = String::new();
    let exceptions = event.pointer("/exception/values").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, exception) in exceptions.iter().rev().enumerate() {
        let title = match (text(exception, "type"), text(exception, "value")) {
            (Some(kind), Some(value)) => format!("{kind}: {value}"),
            (Some(one), None) | (None, Some(one)) => one.to_string(),
            (None, None) => "exception".to_string(),
        };
        if i > 0 {
            out.push_str("\nCaused by: ");
        }
        let _ = writeln!(out, "{}", escape(&title));
        let frames = exception.pointer("/stacktrace/frames").and_then(Value::as_array).cloned().unwrap_or_default();
        for frame in frames.iter().rev().take(FRAMES_SHOWN) {
            let file = text(frame, "filename").or(text(frame, "abs_path")).or(text(frame, "module")).unwrap_or("?");
            let function = text(frame, "function").unwrap_or("?");
            let line = frame.get("lineno").and_then(Value::as_u64).map(|l| format!(":{l}")).unwrap_or_default();
            let app = if frame.get("in_app") == Some(&Value::Bool(true)) { " class=\"app\"" } else { "" };
            let _ = writeln!(out, "<span{app}>  at {} ({}{line})</span>", escape(function), escape(file));
            if let Some(code) = text(frame, "context_line").filter(|_| !app.is_empty()) {
                let _ = writeln!(out, "      {}", escape(code.trim()));
            }
        }
        if frames.len() > FRAMES_SHOWN {
            let _ = writeln!(out, "  … {} more frames", frames.len() - FRAMES_SHOWN);
        }
    }
    if out.is_empty() {
        let message = event
            .pointer("/logentry/formatted")
            .or_else(|| event.pointer("/logentry/message"))
            .or_else(|| event.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("This event has no stack trace.");
        out.push_str(&escape(message));
    }
    out
}

fn html(issue: &IssueRecord, org: &str, event: Option<&Value>) -> String {
    let state = match &issue.substatus {
        Some(sub) => format!("{} ({})", issue.status, sub.replace('_', " ")),
        None => issue.status.clone(),
    };
    let title = escape(&issue.title);
    let short_id = escape(&issue.short_id);
    let culprit = issue.culprit.as_deref().map(escape).unwrap_or_default();
    let json = format!("/api/0/organizations/{}/issues/{}/", escape(org), issue.id);
    let trace = event.map_or_else(|| "No event stored.".to_string(), stack_trace);
    let event_line = event
        .map(|e| {
            let id = text(e, "event_id").unwrap_or("");
            let environment = text(e, "environment").map(|v| format!(" · {}", escape(v))).unwrap_or_default();
            let release = text(e, "release").map(|v| format!(" · {}", escape(v))).unwrap_or_default();
            format!("latest event {}{environment}{release}", escape(id))
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{short_id} {title}</title>\
         <style>body{{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
         .muted{{color:#666}}pre{{background:#f5f5f5;padding:1rem;overflow-x:auto}}.app{{font-weight:bold}}</style>\
         </head><body>\n\
         <p class=\"muted\">{project} · {short_id}</p>\n\
         <h1>{title}</h1>\n<p class=\"muted\">{culprit}</p>\n\
         <p>{level} · {state} · {events} events · {users} users · first seen {first} · last seen {last}</p>\n\
         <h2>Stack trace</h2>\n<p class=\"muted\">{event_line}</p>\n<pre>{trace}</pre>\n\
         <p class=\"muted\">The issue as JSON: <a href=\"{json}\">{json}</a> \
         (the Web API needs its token: <code>sift token</code> prints it).</p>\n\
         <p class=\"muted\">Served read-only by sift.</p>\n</body></html>\n",
        project = escape(&issue.project_slug),
        level = escape(&issue.level),
        state = escape(&state),
        events = issue.times_seen,
        users = issue.user_count,
        first = iso(issue.first_seen),
        last = iso(issue.last_seen),
    )
}

fn respond(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /organizations/{org}/issues/{issue}/`: the issue's page, or a page saying it is not there.
async fn page(State(state): State<Arc<AppState>>, path: PathArgs) -> Response {
    let result = state
        .store
        .read(move |conn| {
            let (org, issue) = issue_of(conn, &path, Viewer::local())?;
            let latest = store_events::pick_event(conn, issue.id, &Pick::Latest, &[])?.map(|e| e.event.data);
            Ok(html(&issue, &org.slug, latest.as_ref()))
        })
        .await;
    match result {
        Ok(body) => respond(StatusCode::OK, body),
        Err(StoreError::NotFound(what)) => respond(
            StatusCode::NOT_FOUND,
            format!(
                "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1><p>No {} on this server.</p></body></html>\n",
                escape(&what)
            ),
        ),
        Err(err) => {
            tracing::error!(%err, "issue page");
            respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                "<!DOCTYPE html>\n<p>sift could not read this issue.</p>\n".into(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_text_is_escaped_and_controls_are_visible() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("a\u{1b}[31mb\nc"), "a\u{fffd}[31mb\nc");
    }

    #[test]
    fn the_trace_lists_the_raised_exception_first_with_newest_frames_first() {
        let event = serde_json::json!({ "exception": { "values": [
            { "type": "KeyError", "value": "'a'", "stacktrace": { "frames": [] } },
            { "type": "ValueError", "value": "<b>", "stacktrace": { "frames": [
                { "filename": "a.py", "function": "outer", "lineno": 1 },
                { "filename": "b.py", "function": "inner", "lineno": 2, "in_app": true, "context_line": "  raise X" },
            ] } },
        ] } });
        let trace = stack_trace(&event);
        assert!(trace.starts_with("ValueError: &lt;b&gt;\n"), "{trace}");
        let inner = trace.find("inner (b.py:2)").unwrap();
        assert!(inner < trace.find("outer (a.py:1)").unwrap(), "{trace}");
        assert!(trace.contains("      raise X\n") && trace.contains("Caused by: KeyError: &#39;a&#39;"), "{trace}");
        assert_eq!(stack_trace(&serde_json::json!({ "message": "<hi>" })), "&lt;hi&gt;");
    }
}
