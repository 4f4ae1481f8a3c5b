//! Brings every accepted shape of an event's interfaces to one form (see `NORMALIZED` in the
//! module above): exceptions as `{values: […]}`, a lone top-level stack trace moved into its
//! exception, `message` turned into `logentry`, breadcrumbs with types, levels and float
//! times, request headers/cookies/query as `[name, value]` pairs, and tags as string pairs.
//! Items of the wrong type are dropped rather than failing the event.

use std::borrow::Cow;

use crate::ingest::tree::{Map, Value, first_chars, fold_repeats, narrow};

use super::time;

/// Wraps a bare list as `{values: list}` and drops non-object entries; removes the key when
/// nothing usable is left.
pub fn values_container(event: &mut Map<'_>, key: &str) {
    let values = match event.remove(key) {
        Some(Value::Array(list)) => list,
        Some(Value::Object(mut obj)) => match obj.remove("values") {
            Some(Value::Array(list)) => list,
            _ => return,
        },
        _ => return,
    };
    let values: Vec<Value<'_>> = values.into_iter().filter(Value::is_object).collect();
    if !values.is_empty() {
        let container = Map::from_iter([("values", Value::Array(values))]);
        event.insert(key.to_string(), Value::Object(container));
    }
}

/// Exceptions and threads: containers, frames lists, and the top-level stack trace moved into a
/// single exception.
pub fn stacktraces(event: &mut Map<'_>) {
    values_container(event, "exception");
    values_container(event, "threads");
    let single = event
        .get_mut("exception")
        .and_then(|e| e.get_mut("values"))
        .and_then(Value::as_array_mut)
        .filter(|values| values.len() == 1);
    if let Some(values) = single
        && values[0].get("stacktrace").is_none()
        && let Some(stacktrace) = event.remove("stacktrace")
        && let Some(first) = event
            .get_mut("exception")
            .and_then(|e| e.get_mut("values"))
            .and_then(Value::as_array_mut)
            .and_then(|v| v.first_mut())
            .and_then(Value::as_object_mut)
    {
        first.insert("stacktrace", stacktrace);
    }
    for key in ["exception", "threads"] {
        if let Some(values) = event.get_mut(key).and_then(|e| e.get_mut("values")).and_then(Value::as_array_mut) {
            for value in values.iter_mut().filter_map(Value::as_object_mut) {
                clean_stacktrace(value, "stacktrace");
                clean_stacktrace(value, "raw_stacktrace");
                for field in ["type", "value", "module"] {
                    stringify(value, field);
                }
            }
        }
    }
    clean_stacktrace(event, "stacktrace");
}

fn clean_stacktrace(owner: &mut Map<'_>, key: &str) {
    let frames_ok = match owner.get_mut(key) {
        Some(Value::Object(st)) => match st.get_mut("frames") {
            Some(Value::Array(frames)) => {
                frames.retain(Value::is_object);
                true
            }
            _ => false,
        },
        _ => false,
    };
    if !frames_ok {
        owner.remove(key);
    }
}

/// Makes `field` a string when it is a number or boolean, and drops it when it is anything else.
fn stringify(obj: &mut Map<'_>, field: &str) {
    match obj.get(field) {
        None | Some(Value::String(_)) => {}
        Some(Value::Number(n)) => {
            let text = n.to_string();
            obj.insert(field.to_string(), Value::from(text));
        }
        Some(Value::Bool(b)) => {
            let text = b.to_string();
            obj.insert(field.to_string(), Value::from(text));
        }
        Some(_) => {
            obj.remove(field);
        }
    }
}

/// `message` (string or legacy object) and `logentry` as `{message, formatted, params}`.
pub fn logentry(event: &mut Map<'_>) {
    let mut entry = match event.remove("logentry").or_else(|| event.remove("sentry.interfaces.Message")) {
        Some(Value::Object(obj)) => obj,
        Some(Value::String(text)) => Map::from_iter([("formatted", Value::String(text))]),
        _ => Map::new(),
    };
    match event.remove("message") {
        Some(Value::String(text)) if !entry.contains_key("formatted") && !entry.contains_key("message") => {
            entry.insert("formatted", Value::String(text));
        }
        Some(Value::Object(obj)) if entry.is_empty() => entry = obj,
        _ => {}
    }
    for field in ["message", "formatted"] {
        if !matches!(entry.get(field), Some(Value::String(s)) if !s.is_empty()) {
            entry.remove(field);
        }
    }
    if !entry.contains_key("formatted")
        && let Some(Value::String(template)) = entry.get("message")
    {
        let formatted = format_params(template, entry.get("params"));
        entry.insert("formatted", Value::from(formatted));
    }
    if entry.contains_key("formatted") {
        event.insert("logentry", Value::Object(entry));
    }
}

/// Fills `%s`/`%d`/`%r`-style and `{}`/`{0}` placeholders from `params` for display.
fn format_params(template: &str, params: Option<&Value>) -> String {
    let params: Vec<String> = match params {
        Some(Value::Array(list)) => {
            list.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect()
        }
        _ => return template.to_string(),
    };
    let mut out = String::with_capacity(template.len());
    let mut next = params.iter();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('%', Some('%')) => {
                chars.next();
                out.push('%');
            }
            ('%', Some('s' | 'd' | 'r' | 'i' | 'f')) => {
                chars.next();
                out.push_str(next.next().map_or("%s", String::as_str));
            }
            ('{', Some('}')) => {
                chars.next();
                out.push_str(next.next().map_or("{}", String::as_str));
            }
            _ => out.push(c),
        }
    }
    out
}

/// A value as text: a string as it is, anything else as JSON.
fn display<'a>(value: Value<'a>) -> Cow<'a, str> {
    match value {
        Value::String(s) => s,
        other => Cow::Owned(other.to_string()),
    }
}

/// Breadcrumbs: container, default type and level, float timestamps corrected for drift.
pub fn breadcrumbs(event: &mut Map<'_>, drift: f64) {
    values_container(event, "breadcrumbs");
    let Some(values) = event.get_mut("breadcrumbs").and_then(|b| b.get_mut("values")).and_then(Value::as_array_mut)
    else {
        return;
    };
    for crumb in values.iter_mut().filter_map(Value::as_object_mut) {
        if !matches!(crumb.get("type"), Some(Value::String(_))) {
            crumb.insert("type", "default".into());
        }
        let level = crumb.get("level").and_then(Value::as_str).map(normalize_level).unwrap_or("info");
        crumb.insert("level", level.into());
        match crumb.get("timestamp").and_then(time::parse_value) {
            Some(t) => {
                crumb.insert("timestamp", Value::from(t + drift));
            }
            None => {
                crumb.remove("timestamp");
            }
        }
    }
}

/// Maps the level spellings SDKs use to Sentry's five levels.
pub fn normalize_level(level: &str) -> &'static str {
    match level.trim().to_ascii_lowercase().as_str() {
        "fatal" | "critical" => "fatal",
        "error" | "err" | "exception" => "error",
        "warning" | "warn" => "warning",
        "info" | "log" | "notice" => "info",
        "debug" | "trace" | "sample" => "debug",
        _ => "error",
    }
}

/// Request interface: headers, cookies and query as pairs (when structured).
pub fn request(event: &mut Map<'_>) {
    let Some(Value::Object(request)) = event.get_mut("request") else {
        event.remove("request");
        return;
    };
    for field in ["headers", "cookies", "query_string", "env"] {
        let normalized = match request.remove(field) {
            Some(Value::Object(map)) if field == "env" => Some(Value::Object(map)),
            Some(Value::Object(map)) => {
                Some(Value::Array(map.into_iter().map(|(k, v)| string_pair(k, display(v))).collect()))
            }
            Some(Value::Array(list)) => Some(Value::Array(list.into_iter().filter_map(pair).collect())),
            Some(Value::String(text)) if field == "query_string" => {
                Some(Value::String(narrow(text, |t| t.trim_start_matches('?'))))
            }
            Some(Value::String(text)) if field == "cookies" => Some(Value::String(text)),
            _ => None,
        };
        if let Some(value) = normalized {
            request.insert(field.to_string(), value);
        }
    }
}

fn pair(entry: Value<'_>) -> Option<Value<'_>> {
    match entry {
        Value::Array(mut kv) if kv.len() == 2 => {
            let value = kv.pop()?;
            let key = kv.pop()?;
            match key {
                Value::String(k) => {
                    let value = if value.is_null() { Value::Null } else { Value::String(display(value)) };
                    Some(Value::Array(vec![Value::String(k), value]))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// `[key, value]` as a JSON array of two strings.
fn string_pair<'a>(key: Cow<'a, str>, value: Cow<'a, str>) -> Value<'a> {
    Value::Array(vec![Value::String(key), Value::String(value)])
}

/// Tag keys clients may not set (they are derived from the event itself).
const RESERVED_TAGS: &[&str] = &["release", "dist", "user", "filename", "function"];
/// Longest tag key and value kept, in characters.
const MAX_TAG_KEY: usize = 200;
const MAX_TAG_VALUE: usize = 200;

/// Tags as `[key, value]` string pairs; an `environment` tag fills a missing environment.
pub fn tags<'a>(event: &mut Map<'a>) {
    let raw: Vec<(Cow<'a, str>, Value<'a>)> = match event.remove("tags") {
        Some(Value::Object(map)) => map.into_iter().collect(),
        Some(Value::Array(list)) => list
            .into_iter()
            .filter_map(|entry| match entry {
                Value::Array(mut kv) if kv.len() == 2 => {
                    let v = kv.pop()?;
                    match kv.pop()? {
                        Value::String(k) => Some((k, v)),
                        _ => None,
                    }
                }
                Value::String(text) => {
                    text.split_once(':').map(|(k, v)| (Cow::Owned(k.to_string()), Value::from(v.to_string())))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut pairs: Vec<(Cow<'a, str>, Cow<'a, str>)> = Vec::with_capacity(raw.len());
    for (key, value) in raw {
        let key = narrow(key, str::trim);
        let value = match value {
            Value::Null => continue,
            other => narrow(display(other), str::trim),
        };
        if key.is_empty() || value.is_empty() || key.chars().count() > MAX_TAG_KEY || RESERVED_TAGS.contains(&&*key) {
            continue;
        }
        let value = narrow(value, |v| first_chars(v, MAX_TAG_VALUE));
        if key == "environment" {
            if !event.contains_key("environment") {
                event.insert("environment", Value::String(value));
            }
            continue;
        }
        pairs.push((key, value));
    }
    // A repeated tag keeps its first place and its last value.
    let pairs = fold_repeats(pairs);
    if !pairs.is_empty() {
        event.insert("tags", Value::Array(pairs.into_iter().map(|(k, v)| string_pair(k, v)).collect()));
    }
}

/// User interface: must be an object; `{{auto}}` IP addresses become the client's address.
pub fn user(event: &mut Map<'_>, client_ip: Option<&str>) {
    match event.get_mut("user") {
        Some(Value::Object(user)) => {
            for field in ["id", "email", "username", "ip_address", "name"] {
                stringify(user, field);
            }
            if user.get("ip_address").and_then(Value::as_str) == Some("{{auto}}") {
                match client_ip {
                    Some(ip) => user.insert("ip_address", Value::from(ip.to_string())),
                    None => user.remove("ip_address"),
                };
            }
        }
        Some(_) => {
            event.remove("user");
        }
        None => {}
    }
}

/// The fingerprint: a list of strings (numbers are stringified); anything else is dropped.
pub fn fingerprint(event: &mut Map<'_>) {
    let list = match event.remove("fingerprint") {
        Some(Value::Array(list)) => list,
        _ => return,
    };
    let strings: Vec<Value<'_>> = list
        .into_iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(Value::String(s)),
            Value::Number(n) => Some(Value::from(n.to_string())),
            Value::Bool(b) => Some(Value::from(b.to_string())),
            _ => None,
        })
        .collect();
    if !strings.is_empty() {
        event.insert("fingerprint", Value::Array(strings));
    }
}
