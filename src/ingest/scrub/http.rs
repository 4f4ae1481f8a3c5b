//! HTTP-shaped data: `request`, and the `response` context.
//!
//! Contract (all functions add replaced-value counts to `n`, never panic on any shape):
//! * `request.method`, `protocol`, `body_size`, `inferred_content_type`, `api_target` are
//!   structural and untouched; `url` gets pattern rules only (so `user:pass@` and card
//!   numbers in it are filtered but a path containing `auth` survives, as in Sentry where the
//!   URL is not a default-scrubbed field).
//! * `headers` and `env` (object or `[name, value]` pairs): a value is filtered when its name
//!   passes [`keys::is_sensitive_header`]; `User-Agent` is never scrubbed (as in Sentry);
//!   other values get the full value rules.
//! * `cookies`: every cookie value is filtered, whatever the form (pairs, object, raw
//!   `a=1; b=2` string, where names are kept and each value becomes `[Filtered]`). Cookies
//!   carry session credentials, so no cookie is safe to show.
//! * `query_string`: pairs/object get the key rule; a raw `a=1&b=2` string is split so that
//!   only the sensitive parameters are replaced, the rest getting the full value rules.
//! * everything else in `request` (`data`, `fragment`, unknown keys) is a data bag.

use std::borrow::Cow;

use crate::ingest::tree::Value;

use super::FILTERED;
use super::bag::{filter_value, scrub_bag, scrub_text};
use super::keys;
use super::values::{self, Tier};

/// Scrubs the `request` object found at nesting level `depth`.
pub(super) fn scrub_request(request: &mut Value, depth: usize, n: &mut usize) {
    let Value::Object(map) = request else {
        scrub_bag(request, depth, n);
        return;
    };
    for (key, value) in map.iter_mut() {
        match key {
            "method" | "protocol" | "body_size" | "inferred_content_type" | "api_target" => {}
            "url" => scrub_text(value, Tier::PatternsOnly, n),
            "headers" | "env" => scrub_headers(value, depth + 1, n),
            "cookies" => filter_cookies(value, n),
            "query_string" => scrub_query(value, depth + 1, n),
            _ if keys::is_sensitive_key(key) => filter_value(value, n),
            _ => scrub_bag(value, depth + 1, n),
        }
    }
}

/// Scrubs a `response` context (same field meanings as the request).
pub(super) fn scrub_response(response: &mut Value, depth: usize, n: &mut usize) {
    let Value::Object(map) = response else {
        return;
    };
    for (key, value) in map.iter_mut() {
        match key {
            "headers" => scrub_headers(value, depth + 1, n),
            "cookies" => filter_cookies(value, n),
            "data" => scrub_bag(value, depth + 1, n),
            _ => {}
        }
    }
}

/// Headers or CGI environment: object or list of `[name, value]` pairs.
pub(super) fn scrub_headers(headers: &mut Value, depth: usize, n: &mut usize) {
    let entry = |name: &str, value: &mut Value, n: &mut usize| {
        if keys::is_sensitive_header(name) {
            filter_value(value, n);
        } else if !keys::is_user_agent(name) {
            scrub_bag(value, depth + 1, n);
        }
    };
    match headers {
        Value::Object(map) => {
            for (name, value) in map.iter_mut() {
                entry(name, value, n);
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Array(pair) => match pair.as_mut_slice() {
                        [Value::String(name), value, ..] => entry(name, value, n),
                        _ => scrub_bag(item, depth + 1, n),
                    },
                    _ => scrub_bag(item, depth + 1, n),
                }
            }
        }
        _ => scrub_bag(headers, depth, n),
    }
}

/// Filters every cookie value.
pub(super) fn filter_cookies(cookies: &mut Value, n: &mut usize) {
    match cookies {
        Value::String(raw) => *n += filter_cookie_string(raw),
        Value::Object(map) => map.values_mut().for_each(|value| filter_value(value, n)),
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Array(pair) => match pair.as_mut_slice() {
                        [Value::String(_), value, ..] => filter_value(value, n),
                        _ => filter_value(item, n),
                    },
                    _ => filter_value(item, n),
                }
            }
        }
        Value::Number(_) => filter_value(cookies, n),
        Value::Bool(_) | Value::Null => {}
    }
}

/// Rewrites `a=1; b=2` to `a=[Filtered]; b=[Filtered]`; returns the number replaced.
fn filter_cookie_string(raw: &mut Cow<'_, str>) -> usize {
    let mut replaced = 0;
    let rebuilt = rewrite_segments(raw, ';', |_name, value| {
        if values::is_exempt(value.trim()) {
            None
        } else {
            replaced += 1;
            Some(FILTERED.to_owned())
        }
    });
    if let Some(new) = rebuilt {
        *raw = new.into();
    }
    replaced
}

/// `query_string`: raw string, pairs, or object.
fn scrub_query(query: &mut Value, depth: usize, n: &mut usize) {
    let Value::String(raw) = query else {
        scrub_bag(query, depth, n);
        return;
    };
    let mut replaced = 0;
    let rebuilt = rewrite_segments(raw, '&', |name, value| {
        let new = match name {
            Some(name) if keys::is_sensitive_key(name) && !values::is_exempt(value) => Some(FILTERED.to_owned()),
            _ => values::scrubbed(value, Tier::Full),
        };
        replaced += usize::from(new.is_some());
        new
    });
    if let Some(new) = rebuilt {
        *raw = new.into();
        *n += replaced;
    }
}

/// Splits `raw` on `separator` into `name=value` segments (a segment without `=` is a bare
/// value with `name == None`) and lets `rewrite` replace values. Leading whitespace of a
/// bare value is kept. Returns the rebuilt string only if some value changed.
fn rewrite_segments(
    raw: &str,
    separator: char,
    mut rewrite: impl FnMut(Option<&str>, &str) -> Option<String>,
) -> Option<String> {
    let mut out: Option<String> = None;
    let mut offset = 0;
    for segment in raw.split(separator) {
        let seg_start = offset;
        offset += segment.len() + separator.len_utf8();
        let (name, value, value_start) = match segment.find('=') {
            Some(eq) => (segment.get(..eq), segment.get(eq + 1..), eq + 1),
            None => {
                let lead = segment.len() - segment.trim_start().len();
                (None, segment.get(lead..), lead)
            }
        };
        let Some(new) = rewrite(name, value.unwrap_or_default()) else {
            if let Some(buf) = out.as_mut() {
                buf.push(separator);
                buf.push_str(segment);
            }
            continue;
        };
        match out.as_mut() {
            Some(buf) => buf.push(separator),
            // First change: copy everything before this segment, separator included.
            None => out = Some(raw.get(..seg_start).unwrap_or_default().to_owned()),
        }
        let Some(buf) = out.as_mut() else {
            continue;
        };
        buf.push_str(segment.get(..value_start).unwrap_or_default());
        buf.push_str(&new);
    }
    out
}
