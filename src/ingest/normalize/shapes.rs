//! Brings every accepted shape of an event's interfaces to one form (see `NORMALIZED` in the
//! module above): exceptions as `{values: […]}`, a lone top-level stack trace moved into its
//! exception, `message` turned into `logentry`, breadcrumbs with types, levels and float
//! times, request headers/cookies/query as `[name, value]` pairs, and tags as string pairs.
//! Items of the wrong type are dropped rather than failing the event.

use serde_json::{Map, Value, json};

use super::time;

/// Wraps a bare list as `{values: list}` and drops non-object entries; removes the key when
/// nothing usable is left.
pub fn values_container(event: &mut Map<String, Value>, key: &str) {
    let values = match event.remove(key) {
        Some(Value::Array(list)) => list,
        Some(Value::Object(mut obj)) => match obj.remove("values") {
            Some(Value::Array(list)) => list,
            _ => return,
        },
        _ => return,
    };
    let values: Vec<Value> = values.into_iter().filter(Value::is_object).collect();
    if !values.is_empty() {
        // Built by hand: `json!` would serialize the whole list again.
        let container = Map::from_iter([("values".to_string(), Value::Array(values))]);
        event.insert(key.to_string(), Value::Object(container));
    }
}

/// Exceptions and threads: containers, frames lists, and the top-level stack trace moved into a
/// single exception.
pub fn stacktraces(event: &mut Map<String, Value>) {
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
        first.insert("stacktrace".into(), stacktrace);
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

fn clean_stacktrace(owner: &mut Map<String, Value>, key: &str) {
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
fn stringify(obj: &mut Map<String, Value>, field: &str) {
    match obj.get(field) {
        None | Some(Value::String(_)) => {}
        Some(Value::Number(n)) => {
            let text = n.to_string();
            obj.insert(field.into(), Value::String(text));
        }
        Some(Value::Bool(b)) => {
            let text = b.to_string();
            obj.insert(field.into(), Value::String(text));
        }
        Some(_) => {
            obj.remove(field);
        }
    }
}

/// `message` (string or legacy object) and `logentry` as `{message, formatted, params}`.
pub fn logentry(event: &mut Map<String, Value>) {
    let mut entry = match event.remove("logentry").or_else(|| event.remove("sentry.interfaces.Message")) {
        Some(Value::Object(obj)) => obj,
        Some(Value::String(text)) => Map::from_iter([("formatted".to_string(), Value::String(text))]),
        _ => Map::new(),
    };
    match event.remove("message") {
        Some(Value::String(text)) if !entry.contains_key("formatted") && !entry.contains_key("message") => {
            entry.insert("formatted".into(), Value::String(text));
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
        entry.insert("formatted".into(), Value::String(formatted));
    }
    if entry.contains_key("formatted") {
        event.insert("logentry".into(), Value::Object(entry));
    }
}

/// Fills `%s`/`%d`/`%r`-style and `{}`/`{0}` placeholders from `params` for display.
fn format_params(template: &str, params: Option<&Value>) -> String {
    let params: Vec<String> = match params {
        Some(Value::Array(list)) => list.iter().map(display).collect(),
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

fn display(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Breadcrumbs: container, default type and level, float timestamps corrected for drift.
pub fn breadcrumbs(event: &mut Map<String, Value>, drift: f64) {
    values_container(event, "breadcrumbs");
    let Some(values) = event.get_mut("breadcrumbs").and_then(|b| b.get_mut("values")).and_then(Value::as_array_mut)
    else {
        return;
    };
    for crumb in values.iter_mut().filter_map(Value::as_object_mut) {
        if !matches!(crumb.get("type"), Some(Value::String(_))) {
            crumb.insert("type".into(), "default".into());
        }
        let level = crumb.get("level").and_then(Value::as_str).map(normalize_level).unwrap_or("info");
        crumb.insert("level".into(), level.into());
        match crumb.get("timestamp").and_then(time::parse) {
            Some(t) => {
                crumb.insert("timestamp".into(), json!(t + drift));
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
pub fn request(event: &mut Map<String, Value>) {
    let Some(Value::Object(request)) = event.get_mut("request") else {
        event.remove("request");
        return;
    };
    for field in ["headers", "cookies", "query_string", "env"] {
        let normalized = match request.remove(field) {
            Some(Value::Object(map)) if field == "env" => Some(Value::Object(map)),
            Some(Value::Object(map)) => {
                Some(Value::Array(map.into_iter().map(|(k, v)| json!([k, display(&v)])).collect()))
            }
            Some(Value::Array(list)) => Some(Value::Array(list.into_iter().filter_map(pair).collect())),
            Some(Value::String(text)) if field == "query_string" => {
                Some(Value::String(text.trim_start_matches('?').to_string()))
            }
            Some(Value::String(text)) if field == "cookies" => Some(Value::String(text)),
            _ => None,
        };
        if let Some(value) = normalized {
            request.insert(field.into(), value);
        }
    }
}

fn pair(entry: Value) -> Option<Value> {
    match entry {
        Value::Array(mut kv) if kv.len() == 2 => {
            let value = kv.pop()?;
            let key = kv.pop()?;
            match key {
                Value::String(k) => {
                    Some(json!([k, if value.is_null() { Value::Null } else { Value::String(display(&value)) }]))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Tag keys clients may not set (they are derived from the event itself).
const RESERVED_TAGS: &[&str] = &["release", "dist", "user", "filename", "function"];
/// Longest tag key and value kept, in characters.
const MAX_TAG_KEY: usize = 200;
const MAX_TAG_VALUE: usize = 200;

/// Tags as `[key, value]` string pairs; an `environment` tag fills a missing environment.
pub fn tags(event: &mut Map<String, Value>) {
    let raw: Vec<(String, Value)> = match event.remove("tags") {
        Some(Value::Object(map)) => map.into_iter().collect(),
        Some(Value::Array(list)) => list
            .into_iter()
            .filter_map(|entry| match entry {
                Value::Array(mut kv) if kv.len() == 2 => {
                    let v = kv.pop()?;
                    let k = kv.pop()?;
                    k.as_str().map(|k| (k.to_string(), v))
                }
                Value::String(text) => text.split_once(':').map(|(k, v)| (k.to_string(), Value::String(v.to_string()))),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(raw.len());
    for (key, value) in raw {
        let key = key.trim().to_string();
        let value = match value {
            Value::Null => continue,
            other => display(&other).trim().to_string(),
        };
        if key.is_empty()
            || value.is_empty()
            || key.chars().count() > MAX_TAG_KEY
            || RESERVED_TAGS.contains(&key.as_str())
        {
            continue;
        }
        let value: String = value.chars().take(MAX_TAG_VALUE).collect();
        if key == "environment" {
            if !event.contains_key("environment") {
                event.insert("environment".into(), Value::String(value));
            }
            continue;
        }
        match pairs.iter_mut().find(|(k, _)| *k == key) {
            Some(existing) => existing.1 = value,
            None => pairs.push((key, value)),
        }
    }
    if !pairs.is_empty() {
        event.insert("tags".into(), Value::Array(pairs.into_iter().map(|(k, v)| json!([k, v])).collect()));
    }
}

/// User interface: must be an object; `{{auto}}` IP addresses become the client's address.
pub fn user(event: &mut Map<String, Value>, client_ip: Option<&str>) {
    match event.get_mut("user") {
        Some(Value::Object(user)) => {
            for field in ["id", "email", "username", "ip_address", "name"] {
                stringify(user, field);
            }
            if user.get("ip_address").and_then(Value::as_str) == Some("{{auto}}") {
                match client_ip {
                    Some(ip) => user.insert("ip_address".into(), Value::String(ip.to_string())),
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
pub fn fingerprint(event: &mut Map<String, Value>) {
    let list = match event.remove("fingerprint") {
        Some(Value::Array(list)) => list,
        _ => return,
    };
    let strings: Vec<Value> = list
        .into_iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(Value::String(s)),
            Value::Number(n) => Some(Value::String(n.to_string())),
            Value::Bool(b) => Some(Value::String(b.to_string())),
            _ => None,
        })
        .collect();
    if !strings.is_empty() {
        event.insert("fingerprint".into(), Value::Array(strings));
    }
}
