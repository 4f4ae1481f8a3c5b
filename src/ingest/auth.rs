//! Ingest authentication: finds the DSN public key in the `X-Sentry-Auth` header, an
//! `Authorization: Sentry …`/`Basic …`/`DSN …` header, the `sentry_key` query parameter, or
//! (checked later, by the caller) the envelope header's `dsn`. Only the public key matters;
//! secrets are deprecated in the protocol and ignored here.

use base64::Engine;

use super::error::IngestError;

/// Extracts the public key from the request's headers and query string, if any is present.
/// Two sources naming different keys are refused, as in Relay.
pub fn request_key(
    x_sentry_auth: Option<&str>,
    authorization: Option<&str>,
    query: Option<&str>,
) -> Result<Option<String>, IngestError> {
    let mut found: Option<String> = None;
    let mut add = |key: Option<String>| -> Result<(), IngestError> {
        match (key, &found) {
            (Some(key), Some(existing)) if key != *existing => {
                Err(IngestError::bad("multiple authorization sources name different DSN keys"))
            }
            (Some(key), None) => {
                found = Some(key);
                Ok(())
            }
            _ => Ok(()),
        }
    };
    if let Some(header) = x_sentry_auth {
        add(Some(
            sentry_header_key(header)
                .ok_or_else(|| IngestError::Unauthorized("X-Sentry-Auth header has no sentry_key".into()))?,
        ))?;
    }
    if let Some(header) = authorization {
        add(authorization_key(header))?;
    }
    if let Some(query) = query {
        let key =
            form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "sentry_key").map(|(_, v)| v.into_owned());
        add(key.filter(|k| !k.is_empty()))?;
    }
    Ok(found)
}

/// `Sentry sentry_key=abc, sentry_version=7, …` → `abc`. The `Sentry` prefix is optional and
/// case-insensitive; pairs are comma-separated with whitespace trimmed.
pub fn sentry_header_key(header: &str) -> Option<String> {
    let header = header.trim();
    let body = match header.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("sentry ") => &header[7..],
        _ => header,
    };
    body.split(',')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| k.trim() == "sentry_key")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn authorization_key(header: &str) -> Option<String> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    if scheme.eq_ignore_ascii_case("sentry") {
        sentry_header_key(rest)
    } else if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD.decode(rest.trim()).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let key = text.split(':').next()?.to_string();
        (!key.is_empty()).then_some(key)
    } else if scheme.eq_ignore_ascii_case("dsn") {
        dsn_parts(rest.trim()).map(|(key, _)| key)
    } else {
        None
    }
}

/// Splits a DSN `scheme://public[:secret]@host[:port][/path]/project_id` into its public key
/// and project id.
pub fn dsn_parts(dsn: &str) -> Option<(String, String)> {
    let (_, rest) = dsn.split_once("://")?;
    let (userinfo, location) = rest.rsplit_once('@')?;
    let key = userinfo.split(':').next().filter(|k| !k.is_empty())?;
    let project = location.trim_end_matches('/').rsplit('/').next().filter(|p| !p.is_empty() && !p.contains(':'))?;
    if !location.contains('/') {
        return None;
    }
    Some((key.to_string(), project.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_forms() {
        let h = "Sentry sentry_version=7, sentry_client=sentry.python/2.0, sentry_key=abc123, sentry_secret=s";
        assert_eq!(sentry_header_key(h).as_deref(), Some("abc123"));
        assert_eq!(sentry_header_key("sentry sentry_key=K").as_deref(), Some("K"));
        assert_eq!(sentry_header_key("sentry_key=K,sentry_version=7").as_deref(), Some("K"));
        assert_eq!(sentry_header_key("Sentry sentry_version=7"), None);
        assert_eq!(sentry_header_key("Sentry sentry_key="), None);
    }

    #[test]
    fn every_source() {
        assert_eq!(request_key(Some("Sentry sentry_key=a"), None, None).unwrap().as_deref(), Some("a"));
        assert_eq!(request_key(None, Some("Sentry sentry_key=b"), None).unwrap().as_deref(), Some("b"));
        let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("c:"));
        assert_eq!(request_key(None, Some(&basic), None).unwrap().as_deref(), Some("c"));
        assert_eq!(request_key(None, Some("DSN http://d@h:1/2"), None).unwrap().as_deref(), Some("d"));
        let q = "sentry_version=7&sentry_key=e&sentry_client=sentry.javascript.browser%2F8.0";
        assert_eq!(request_key(None, None, Some(q)).unwrap().as_deref(), Some("e"));
        assert_eq!(request_key(None, Some("Bearer token"), None).unwrap(), None);
        assert_eq!(request_key(None, None, Some("other=1")).unwrap(), None);
    }

    #[test]
    fn agreeing_sources_pass_and_conflicts_fail() {
        assert!(request_key(Some("Sentry sentry_key=a"), None, Some("sentry_key=a")).is_ok());
        let err = request_key(Some("Sentry sentry_key=a"), None, Some("sentry_key=b")).unwrap_err();
        assert_eq!(err.status(), 400);
        let err = request_key(Some("Sentry sentry_version=7"), None, None).unwrap_err();
        assert_eq!(err.status(), 401);
    }

    #[test]
    fn dsns() {
        assert_eq!(dsn_parts("http://k@127.0.0.1:9000/1"), Some(("k".into(), "1".into())));
        assert_eq!(dsn_parts("https://k:secret@o1.ingest.sentry.io/sub/path/42/"), Some(("k".into(), "42".into())));
        assert_eq!(dsn_parts("http://127.0.0.1:9000/1"), None);
        assert_eq!(dsn_parts("http://k@host"), None);
        assert_eq!(dsn_parts("garbage"), None);
    }
}
