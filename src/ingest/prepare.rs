//! Turns one error-event payload into a [`NewEvent`]: normalize, symbolicate, scrub, group, summarize,
//! derive the tags Sentry shows (environment, level, release, user, runtime, browser, os,
//! handled, url, ...), and compress the final JSON.

use super::normalize::{self, Context};
use super::tree::{Map, Value, first_chars};
use super::{IngestError, Request, grouping, scrub, symbolicate};
use crate::config::Limits;
use crate::store::{NewEvent, codec};

pub fn error_event(
    payload: &[u8],
    ctx: &Context,
    req: &Request,
    limits: &Limits,
    maps: &dyn symbolicate::SourceMaps,
) -> Result<NewEvent, IngestError> {
    let mut value = Value::Object(normalize::normalize(payload, ctx)?);
    symbolicate::symbolicate(&mut value, req.project_id, maps);
    if req.scrub {
        scrub::scrub_event(&mut value);
    }
    let hashes = grouping::compute_hashes(&value);
    let summary = grouping::summarize(&value);
    let Value::Object(mut event) = value else {
        return Err(IngestError::bad("event payload must be a JSON object"));
    };
    let user_key = user_key(&event);
    let tags = derived_tags(&event, user_key.as_deref());
    let text = |event: &Map<'_>, key: &str| event.get(key).and_then(Value::as_str).map(str::to_owned);
    let event_id = text(&event, "event_id").unwrap_or_default();
    let timestamp = event.get("timestamp").and_then(Value::as_f64).unwrap_or(ctx.received);
    let level = text(&event, "level").unwrap_or_else(|| "error".into());
    let (environment, release) = (text(&event, "environment"), text(&event, "release"));
    let (platform, logger) = (text(&event, "platform"), text(&event, "logger"));
    let is_unhandled = is_unhandled(&event);
    let trace_id = super::spans::trace_id(&event);

    // The stored JSON borrows what it shares with the row (tags, title, hashes, ...).
    event.insert("tags", Value::Array(tags.iter().map(tag_pair).collect()));
    event.insert("title", Value::from(summary.title.as_str()));
    if let Some(culprit) = &summary.culprit {
        event.get_or_insert_with("culprit", || Value::from(culprit.as_str()));
    }
    event.insert("metadata", Value::from(&summary.metadata));
    event.insert("hashes", Value::Array(hashes.iter().map(|h| Value::from(h.as_str())).collect()));
    // Sized from the payload (the stored event is about as long), so the buffer is not grown
    // and copied six or seven times on the way to 5-9 KB; never past what may be stored.
    let mut json = Vec::with_capacity((payload.len() + payload.len() / 4 + 1024).min(limits.max_event + 1));
    serde_json::to_writer(&mut json, &event)
        .map_err(|err| IngestError::bad(format!("event cannot be serialized: {err}")))?;
    drop(event);
    if json.len() > limits.max_event {
        return Err(IngestError::TooLarge(format!(
            "the event is {} bytes after trimming, over the limit of {} bytes",
            json.len(),
            limits.max_event
        )));
    }
    Ok(NewEvent {
        project_id: req.project_id,
        event_id,
        timestamp,
        received: ctx.received,
        level,
        environment,
        release,
        user_key,
        hashes,
        title: summary.title,
        culprit: summary.culprit,
        location: summary.location,
        event_type: summary.event_type.to_string(),
        metadata: summary.metadata.to_string(),
        platform,
        logger,
        tags,
        is_unhandled,
        size: json.len(),
        data: codec::encode(&json).map_err(|err| IngestError::Unavailable(format!("compression failed: {err}")))?,
        trace_id,
    })
}

/// A tag as the stored event writes it: `[key, value]`.
pub(super) fn tag_pair((key, value): &(String, String)) -> Value<'_> {
    Value::Array(vec![Value::from(key.as_str()), Value::from(value.as_str())])
}

/// The distinct-user key: the first of id, email, username, IP address.
pub(super) fn user_key(event: &Map<'_>) -> Option<String> {
    let user = event.get("user")?.as_object()?;
    [("id", "id"), ("email", "email"), ("username", "username"), ("ip_address", "ip")].iter().find_map(
        |(field, prefix)| {
            user.get(field).and_then(Value::as_str).filter(|v| !v.is_empty()).map(|v| format!("{prefix}:{v}"))
        },
    )
}

fn is_unhandled(event: &Map<'_>) -> bool {
    exception_values(event).any(|e| e.pointer("/mechanism/handled") == Some(&Value::Bool(false)))
}

fn exception_values<'e>(event: &'e Map<'e>) -> impl Iterator<Item = &'e Value<'e>> {
    event.get("exception").and_then(|e| e.get("values")).and_then(Value::as_array).into_iter().flatten()
}

/// The event's tags plus the ones Sentry derives, client tags first and derived ones winning.
pub(super) fn derived_tags(event: &Map<'_>, user_key: Option<&str>) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = event
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|pair| Some((pair.get(0)?.as_str()?.to_string(), pair.get(1)?.as_str()?.to_string())))
        .collect();
    let mut set = |key: &str, value: Option<String>| {
        if let Some(mut value) = value.filter(|v| !v.is_empty()) {
            value.truncate(first_chars(&value, 200).len());
            match tags.iter_mut().find(|(k, _)| k == key) {
                Some(existing) => existing.1 = value,
                None => tags.push((key.to_string(), value)),
            }
        }
    };
    let text = |key: &str| event.get(key).and_then(Value::as_str).map(str::to_owned);
    set("environment", text("environment"));
    set("level", text("level"));
    set("release", text("release"));
    set("dist", text("dist"));
    set("logger", text("logger"));
    set("server_name", text("server_name"));
    set("transaction", text("transaction"));
    set("user", user_key.map(str::to_owned));
    // Each identity on its own, so `user.email:` and `user.username:` find an issue even when
    // the user also has an id (which is what the `user` tag shows).
    let user = event.get("user").and_then(Value::as_object);
    for (field, tag) in
        [("id", "user.id"), ("email", "user.email"), ("username", "user.username"), ("ip_address", "user.ip")]
    {
        set(tag, user.and_then(|u| u.get(field)).and_then(Value::as_str).map(str::to_owned));
    }
    let contexts = event.get("contexts").and_then(Value::as_object);
    for (context, tag) in [("runtime", "runtime"), ("browser", "browser"), ("os", "os"), ("device", "device")] {
        let ctx = contexts.and_then(|c| c.get(context));
        let name = ctx.and_then(|c| c.get("name")).and_then(Value::as_str);
        let version = ctx.and_then(|c| c.get("version")).and_then(Value::as_str);
        if tag != "device" {
            set(tag, name.map(|n| version.map_or_else(|| n.to_string(), |v| format!("{n} {v}"))));
        }
        set(&format!("{tag}.name"), name.map(str::to_owned));
    }
    if let Some(last) = exception_values(event).last() {
        if let Some(handled) = last.pointer("/mechanism/handled").and_then(Value::as_bool) {
            set("handled", Some(if handled { "yes" } else { "no" }.to_string()))
        }
        set("mechanism", last.pointer("/mechanism/type").and_then(Value::as_str).map(str::to_owned));
    }
    set(
        "url",
        event
            .get("request")
            .and_then(|r| r.get("url"))
            .and_then(Value::as_str)
            .map(|u| u.split('?').next().unwrap_or(u).to_string()),
    );
    tags
}
