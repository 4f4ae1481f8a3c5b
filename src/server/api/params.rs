//! Query strings and paging as Sentry's Web API has them: repeatable parameters
//! (`environment`, `project`, `id`), opaque `value:offset:is_prev` cursors, and the `Link` header
//! with quoted `rel`, `results` and `cursor` that sentry-cli parses strictly.

use axum::http::{HeaderMap, HeaderValue, Uri, header};

use crate::server::ApiError;

/// The parsed query string, order and repeats kept.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn from_uri(uri: &Uri) -> Self {
        Self(form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect())
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of `name` (Sentry also accepts comma-free repeats only).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.clone()).collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// A boolean flag: `1`, `true`, `yes` or `on`.
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.get(name), Some("1" | "true" | "yes" | "on"))
    }

    /// The time filter: `statsPeriod` (a duration back from `now`, which wins) or `start`
    /// and `end` (RFC 3339, or naive UTC). The error names the parameter that does not parse.
    pub fn time_window(&self, now: f64) -> Result<crate::store::TimeWindow, String> {
        if let Some(text) = self.get("statsPeriod").filter(|s| !s.is_empty()) {
            let secs = duration_secs(text).ok_or_else(|| format!("Invalid statsPeriod {text:?}"))?;
            return Ok(crate::store::TimeWindow { start: Some(now - secs), end: None });
        }
        let at = |name: &str| -> Result<Option<f64>, String> {
            match self.get(name).filter(|s| !s.is_empty()) {
                Some(text) => parse_time(text).map(Some).ok_or_else(|| format!("Invalid {name} {text:?}")),
                None => Ok(None),
            }
        };
        Ok(crate::store::TimeWindow { start: at("start")?, end: at("end")? })
    }

    /// The numeric `id` parameters; anything else is a 400.
    pub fn ids(&self) -> Result<Vec<i64>, ApiError> {
        self.all("id")
            .iter()
            .map(|id| id.parse::<i64>().map_err(|_| ApiError::bad_request(format!("Invalid issue id {id:?}"))))
            .collect()
    }

    /// The page asked for: `limit` (or `per_page`), at most `max`, and the cursor's offset.
    pub fn page(&self, default_limit: usize, max: usize) -> Result<PageRequest, ApiError> {
        let limit = match self.get("limit").or(self.get("per_page")).filter(|v| !v.is_empty()) {
            Some(text) => match text.parse::<usize>() {
                Ok(0) | Err(_) => {
                    return Err(ApiError::bad_request(format!("Invalid limit {text:?}: a positive number")));
                }
                Ok(n) => n.min(max),
            },
            None => default_limit,
        };
        let offset = match self.get("cursor").filter(|c| !c.is_empty()) {
            Some(cursor) => parse_cursor(cursor)?,
            None => 0,
        };
        Ok(PageRequest { limit, offset })
    }
}

/// Which slice of a list was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: usize,
    pub offset: usize,
}

/// Reads the offset of a `value:offset:is_prev` cursor.
fn parse_cursor(cursor: &str) -> Result<usize, ApiError> {
    let parts: Vec<&str> = cursor.split(':').collect();
    let invalid = || ApiError::bad_request("Invalid cursor parameter.");
    if parts.len() != 3 || parts[0].parse::<f64>().is_err() || !matches!(parts[2], "0" | "1") {
        return Err(invalid());
    }
    let offset = parts[1].parse::<usize>().map_err(|_| invalid())?;
    if offset > 10_000_000 {
        return Err(invalid());
    }
    Ok(offset)
}

/// The `Link` header of one page: `previous` then `next`, each with its cursor and whether a
/// page is there.
pub fn link_header(uri: &Uri, headers: &HeaderMap, page: PageRequest, more: bool) -> Option<HeaderValue> {
    let base = absolute_base(uri, headers);
    let kept: Vec<(String, String)> = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .filter(|(k, _)| k != "cursor")
        .collect();
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &kept {
        query.append_pair(k, v);
    }
    let query = query.finish();
    let sep = if query.is_empty() { String::new() } else { format!("{query}&") };
    let previous = format!("0:{}:1", page.offset.saturating_sub(page.limit));
    let next = format!("0:{}:0", page.offset + page.limit);
    let entry = |rel: &str, results: bool, cursor: &str| {
        format!(
            "<{base}{}?{sep}cursor={cursor}>; rel=\"{rel}\"; results=\"{results}\"; cursor=\"{cursor}\"",
            uri.path()
        )
    };
    let value = format!("{}, {}", entry("previous", page.offset > 0, &previous), entry("next", more, &next));
    HeaderValue::from_str(&value).ok()
}

/// `scheme://host` of the request, from `Host` (and `X-Forwarded-Proto` when a proxy set it).
fn absolute_base(uri: &Uri, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| uri.authority().map(|a| a.to_string()))
        .unwrap_or_else(|| "127.0.0.1".to_string());
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// Seconds in a Sentry duration such as `24h`, `14d`, `90m`, `2w`.
pub fn duration_secs(text: &str) -> Option<f64> {
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: f64 = number.parse().ok()?;
    let unit = match unit {
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        "w" => 604_800.0,
        _ => return None,
    };
    Some(n * unit)
}

/// A point in time as Sentry's `start`/`end` take it: RFC 3339, or naive (UTC).
pub fn parse_time(text: &str) -> Option<f64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_micros() as f64 / 1e6);
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc().timestamp_micros() as f64 / 1e6)
}

/// A list answer: `items` as one page of `total`, with `X-Hits` and the `Link` cursors.
pub fn paged(
    uri: &Uri,
    headers: &HeaderMap,
    items: Vec<serde_json::Value>,
    page: PageRequest,
    total: u64,
) -> axum::response::Response {
    let more = (page.offset + items.len()) < total as usize;
    let mut extra = vec![("x-hits", HeaderValue::from(total))];
    if let Some(link) = link_header(uri, headers, page, more) {
        extra.push(("link", link));
    }
    super::json_response(serde_json::Value::Array(items), extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors() {
        assert_eq!(parse_cursor("0:100:0").unwrap(), 100);
        assert_eq!(parse_cursor("1420837533:25:1").unwrap(), 25);
        for bad in ["", "0:x:0", "0:1", "a:1:0", "0:1:2", "0:-1:0"] {
            assert!(parse_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn link_has_sentry_shape() {
        let uri: Uri = "/api/0/projects/local/default/issues/?query=&cursor=0:25:0".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:9000"));
        let link = link_header(&uri, &headers, PageRequest { limit: 25, offset: 25 }, false).unwrap();
        assert_eq!(
            link.to_str().unwrap(),
            "<http://127.0.0.1:9000/api/0/projects/local/default/issues/?query=&cursor=0:0:1>; rel=\"previous\"; \
             results=\"true\"; cursor=\"0:0:1\", \
             <http://127.0.0.1:9000/api/0/projects/local/default/issues/?query=&cursor=0:50:0>; rel=\"next\"; \
             results=\"false\"; cursor=\"0:50:0\""
        );
    }
}
