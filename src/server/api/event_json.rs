//! Events as Sentry's Web API writes them, from the stored (SDK-shaped, snake_case) event:
//! interfaces become ordered `entries`, frames and top-level keys turn camelCase, frame context
//! becomes `[lineNo, line]` pairs, request headers, cookies and query become `[name, value]`
//! pairs, `release` becomes an object, and environment, level and friends appear only as tags.

use serde_json::{Map, Value, json};

use super::issue_json::iso;
use crate::ingest::{grouping, tree};
use crate::store::catalog::Release;
use crate::store::issues::StoredEvent;

/// What surrounds the event in the API answer.
#[derive(Debug, Clone, Default)]
pub struct EventContext {
    pub release: Option<Release>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

fn get<'a>(event: &'a Value, key: &str) -> Option<&'a Value> {
    event.get(key).filter(|v| !v.is_null())
}

fn text(event: &Value, key: &str) -> Option<String> {
    get(event, key).and_then(Value::as_str).map(str::to_owned)
}

/// The full event object (`…/events/{id}/`, latest, oldest, recommended).
pub fn full_event(stored: &StoredEvent, ctx: &EventContext) -> Value {
    let mut out = summary_event(stored);
    let event = &stored.data;
    let object = out.as_object_mut();
    let Some(object) = object else {
        return out;
    };
    let release = ctx.release.as_ref().map(|r| {
        json!({
            "version": r.version,
            "shortVersion": short_version(&r.version),
            "dateCreated": iso(r.date_created),
            "dateReleased": r.date_released.map(iso),
            "ref": r.git_ref,
            "url": r.url,
            "lastEvent": iso(r.last_seen),
            "firstEvent": iso(r.first_seen),
        })
    });
    let extra = [
        ("entries", Value::Array(entries(event))),
        ("contexts", get(event, "contexts").cloned().unwrap_or_else(|| json!({}))),
        ("context", get(event, "extra").cloned().unwrap_or_else(|| json!({}))),
        (
            "sdk",
            get(event, "sdk")
                .map(|s| json!({ "name": s.get("name"), "version": s.get("version") }))
                .unwrap_or(Value::Null),
        ),
        ("packages", get(event, "modules").cloned().unwrap_or_else(|| json!({}))),
        ("dist", get(event, "dist").cloned().unwrap_or(Value::Null)),
        ("release", release.unwrap_or(Value::Null)),
        ("dateReceived", json!(iso(stored.received))),
        ("size", json!(stored.size)),
        ("errors", Value::Array(errors(event))),
        ("fingerprints", get(event, "hashes").cloned().unwrap_or_else(|| json!([]))),
        ("groupingConfig", json!({ "id": "sift:v1", "enhancements": null })),
        ("_meta", json!({})),
        ("occurrence", Value::Null),
        ("userReport", Value::Null),
        ("sdkUpdates", json!([])),
        ("resolvedWith", json!([])),
        ("crashFile", Value::Null),
        ("previousEventID", ctx.previous.clone().map_or(Value::Null, Value::String)),
        ("nextEventID", ctx.next.clone().map_or(Value::Null, Value::String)),
    ];
    for (key, value) in extra {
        object.insert(key.into(), value);
    }
    out
}

/// The list item (`…/events/` without `full`).
pub fn summary_event(stored: &StoredEvent) -> Value {
    let event = &stored.data;
    let summary = grouping::summarize(&tree::Value::from(event));
    let tags: Vec<Value> = get(event, "tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|pair| Some(json!({ "key": pair.get(0)?.as_str()?, "value": pair.get(1)?.as_str()? })))
        .collect();
    let user = get(event, "user").and_then(Value::as_object).map(|u| {
        let field = |k: &str| u.get(k).cloned().unwrap_or(Value::Null);
        json!({
            "id": field("id"), "email": field("email"), "username": field("username"),
            "ip_address": field("ip_address"), "name": field("name"), "geo": field("geo"), "data": field("data"),
        })
    });
    let kind = if get(event, "exception").is_some() { "error" } else { "default" };
    json!({
        "id": stored.event_id,
        "eventID": stored.event_id,
        "groupID": stored.group_id.to_string(),
        "projectID": stored.project_id.to_string(),
        "title": text(event, "title").unwrap_or(summary.title),
        "message": message_text(event),
        "location": summary.location,
        "culprit": text(event, "culprit").or(summary.culprit),
        "user": user.unwrap_or(Value::Null),
        "tags": tags,
        "platform": text(event, "platform").unwrap_or_else(|| "other".into()),
        "dateCreated": iso(stored.timestamp),
        "type": kind,
        "event.type": kind,
        "metadata": get(event, "metadata").cloned().unwrap_or(summary.metadata),
        "crashFile": null,
    })
}

/// Processing errors as Sentry's API writes them: `type`, a `message`, and the stored error's
/// other fields (the frame's `url`, ...) under `data`.
fn errors(event: &Value) -> Vec<Value> {
    let stored = get(event, "errors").and_then(Value::as_array).into_iter().flatten();
    stored
        .filter_map(Value::as_object)
        .map(|error| {
            let kind = error.get("type").and_then(Value::as_str);
            let data: Map<String, Value> =
                error.iter().filter(|(k, _)| k.as_str() != "type").map(|(k, v)| (k.clone(), v.clone())).collect();
            json!({
                "type": kind,
                "message": kind.and_then(crate::ingest::symbolicate::notice_reason),
                "data": data,
            })
        })
        .collect()
}

fn short_version(version: &str) -> String {
    // `package@1.2.3+build` shows as `1.2.3`, as Sentry abbreviates it.
    let tail = version.rsplit_once('@').map_or(version, |(_, v)| v);
    let short = tail.split('+').next().unwrap_or(tail);
    if short.len() == 40 && short.chars().all(|c| c.is_ascii_hexdigit()) { short[..12].into() } else { short.into() }
}

fn message_text(event: &Value) -> String {
    let logentry = get(event, "logentry");
    logentry
        .and_then(|l| l.get("formatted").or_else(|| l.get("message")))
        .and_then(Value::as_str)
        .or_else(|| get(event, "message").and_then(Value::as_str))
        .unwrap_or("")
        .to_string()
}

fn entries(event: &Value) -> Vec<Value> {
    let mut entries = Vec::new();
    if let Some(exception) = get(event, "exception") {
        let values: Vec<Value> =
            exception.get("values").and_then(Value::as_array).into_iter().flatten().map(exception_value).collect();
        let has_system = values.iter().any(|v| v.pointer("/stacktrace/hasSystemFrames") == Some(&json!(true)));
        entries.push(json!({ "type": "exception", "data": { "values": values, "excOmitted": null, "hasSystemFrames": has_system } }));
    }
    if let Some(threads) = get(event, "threads") {
        let values: Vec<Value> = threads
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|t| {
                json!({
                    "id": t.get("id"), "name": t.get("name"), "crashed": t.get("crashed"), "current": t.get("current"),
                    "main": t.get("main"), "state": t.get("state"),
                    "stacktrace": t.get("stacktrace").map(stacktrace),
                    "rawStacktrace": t.get("raw_stacktrace").map(stacktrace),
                })
            })
            .collect();
        entries.push(json!({ "type": "threads", "data": { "values": values } }));
    }
    if let Some(trace) = get(event, "stacktrace") {
        entries.push(json!({ "type": "stacktrace", "data": stacktrace(trace) }));
    }
    if let Some(logentry) = get(event, "logentry") {
        let mut data = Map::new();
        data.insert("formatted".into(), json!(message_text(event)));
        let template = logentry.get("message").and_then(Value::as_str);
        if template.is_some() && template != Some(message_text(event).as_str()) {
            data.insert("message".into(), json!(template));
            data.insert("params".into(), logentry.get("params").cloned().unwrap_or(Value::Null));
        }
        entries.push(json!({ "type": "message", "data": data }));
    }
    if let Some(crumbs) = get(event, "breadcrumbs") {
        let values: Vec<Value> =
            crumbs.get("values").and_then(Value::as_array).into_iter().flatten().map(breadcrumb).collect();
        entries.push(json!({ "type": "breadcrumbs", "data": { "values": values } }));
    }
    if let Some(request) = get(event, "request") {
        entries.push(json!({ "type": "request", "data": request_data(request) }));
    }
    entries
}

fn exception_value(value: &Value) -> Value {
    json!({
        "type": value.get("type"),
        "value": value.get("value"),
        "module": value.get("module"),
        "threadId": value.get("thread_id"),
        "mechanism": value.get("mechanism"),
        "stacktrace": value.get("stacktrace").filter(|s| !s.is_null()).map(stacktrace),
        "rawStacktrace": value.get("raw_stacktrace").filter(|s| !s.is_null()).map(stacktrace),
    })
}

fn stacktrace(trace: &Value) -> Value {
    let frames: Vec<Value> = trace.get("frames").and_then(Value::as_array).into_iter().flatten().map(frame).collect();
    let has_system = frames.iter().any(|f| f.get("inApp") == Some(&json!(false)))
        && frames.iter().any(|f| f.get("inApp") == Some(&json!(true)));
    json!({ "frames": frames, "framesOmitted": trace.get("frames_omitted"), "registers": trace.get("registers"), "hasSystemFrames": has_system })
}

fn frame(frame: &Value) -> Value {
    let field = |k: &str| frame.get(k).cloned().unwrap_or(Value::Null);
    let line = frame.get("lineno").and_then(Value::as_i64);
    let mut context = Vec::new();
    if let Some(line) = line {
        let pre: Vec<&Value> = frame.get("pre_context").and_then(Value::as_array).into_iter().flatten().collect();
        let start = line - pre.len() as i64;
        for (i, text) in pre.iter().enumerate() {
            context.push(json!([start + i as i64, text]));
        }
        if let Some(current) = frame.get("context_line").filter(|c| !c.is_null()) {
            context.push(json!([line, current]));
        }
        for (i, text) in frame.get("post_context").and_then(Value::as_array).into_iter().flatten().enumerate() {
            context.push(json!([line + 1 + i as i64, text]));
        }
    }
    json!({
        "filename": field("filename"),
        "absPath": field("abs_path"),
        "module": field("module"),
        "package": field("package"),
        "platform": field("platform"),
        "function": field("function"),
        "rawFunction": field("raw_function"),
        "symbol": field("symbol"),
        "lineNo": field("lineno"),
        "colNo": field("colno"),
        "inApp": frame.get("in_app").and_then(Value::as_bool).unwrap_or(false),
        "context": context,
        "vars": field("vars"),
        "instructionAddr": field("instruction_addr"),
        "symbolAddr": field("symbol_addr"),
        "trust": field("trust"),
        "data": field("data"),
        "errors": null,
        "lock": null,
        "sourceLink": null,
    })
}

fn breadcrumb(crumb: &Value) -> Value {
    let timestamp = match crumb.get("timestamp") {
        Some(Value::Number(n)) => n.as_f64().map(|t| json!(iso(t))).unwrap_or(Value::Null),
        Some(other) => other.clone(),
        None => Value::Null,
    };
    json!({
        "type": crumb.get("type").and_then(Value::as_str).unwrap_or("default"),
        "category": crumb.get("category"),
        "level": crumb.get("level").and_then(Value::as_str).unwrap_or("info"),
        "message": crumb.get("message"),
        "data": crumb.get("data"),
        "timestamp": timestamp,
        "event_id": crumb.get("event_id"),
    })
}

/// A list of `[name, value]` pairs from pairs, an object, or a query/cookie string.
fn pairs(value: Option<&Value>, separator: char) -> Value {
    let list: Vec<Value> = match value {
        Some(Value::Array(items)) => items.iter().filter(|p| p.is_array()).cloned().collect(),
        Some(Value::Object(map)) => map.iter().map(|(k, v)| json!([k, v])).collect(),
        Some(Value::String(text)) => text
            .split(separator)
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (k, v) = part.split_once('=').unwrap_or((part, ""));
                json!([k, v])
            })
            .collect(),
        _ => Vec::new(),
    };
    Value::Array(list)
}

fn request_data(request: &Value) -> Value {
    let headers = pairs(request.get("headers"), '\n');
    let content_type = headers
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p.get(0).and_then(Value::as_str).is_some_and(|k| k.eq_ignore_ascii_case("content-type")))
        .and_then(|p| p.get(1).and_then(Value::as_str))
        .map(|ct| ct.split(';').next().unwrap_or(ct).trim().to_string());
    let inferred = match (request.get("data"), content_type.as_deref()) {
        (Some(Value::Object(_) | Value::Array(_)), _) | (_, Some("application/json")) => json!("application/json"),
        (_, Some("application/x-www-form-urlencoded")) => json!("application/x-www-form-urlencoded"),
        _ => Value::Null,
    };
    json!({
        "url": request.get("url"),
        "method": request.get("method"),
        "query": pairs(request.get("query_string"), '&'),
        "fragment": request.get("fragment"),
        "data": request.get("data"),
        "headers": headers,
        "cookies": pairs(request.get("cookies"), ';'),
        "env": request.get("env"),
        "inferredContentType": inferred,
        "apiTarget": null,
    })
}
