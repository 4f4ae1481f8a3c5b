//! Key classification: which object keys / pair names mark their value as sensitive.
//!
//! Contract: pure, allocation-free predicates over `&str`. [`is_sensitive_key`] is Sentry's
//! default "password" key rule (ASCII case-insensitive substring match) plus `bearer`,
//! CSRF/XSRF and a few exact names; [`is_sensitive_header`] adds header names whose values
//! are credentials even though the generic rule misses them (`Cookie`, `Set-Cookie`, …),
//! accepting CGI spellings such as `HTTP_COOKIE`. [`is_user_agent`] identifies the one
//! header Sentry never scrubs.

use super::scan::keywords;

/// Keys that are sensitive only as a whole (ASCII case-insensitive): `otp`/`two_factor` are
/// exact in Relay because as substrings they would hit `hotplug`, `footprint`, …; the rest are
/// the session-cookie names of common frameworks, exact so that `session_count`,
/// `sessionDuration` or a session *status* are not hit.
const EXACT_KEYS: &[&str] = &[
    "otp",
    "two_factor",
    "two-factor",
    "session",
    "sessionid",
    "session_id",
    "session-id",
    "sessid",
    "phpsessid",
    "jsessionid",
    "asp.net_sessionid",
    "connect.sid",
    "sentrysid",
    "__session",
    "user_session",
    "laravel_session",
    "_session_id",
];

/// Header names always filtered in addition to [`is_sensitive_key`] matches.
const ALWAYS_FILTERED_HEADERS: &[&str] =
    &["cookie", "set-cookie", "cookie2", "set-cookie2", "x-amzn-oidc-data", "x-goog-iap-jwt-assertion"];

/// True when the value stored under `key` must be replaced: Sentry's keyword list (ASCII
/// case-insensitive substrings, see [`keywords`]) with `token`, `bearer`, `csrf`, `xsrf`, or
/// one of [`EXACT_KEYS`].
pub(super) fn is_sensitive_key(key: &str) -> bool {
    let found = keywords(key);
    found.secret
        || found.token
        || found.bearer
        || found.csrf
        || EXACT_KEYS.iter().any(|exact| key.eq_ignore_ascii_case(exact))
}

/// True when the value of header (or CGI variable) `name` must be replaced.
pub(super) fn is_sensitive_header(name: &str) -> bool {
    is_sensitive_key(name) || {
        let bare = strip_cgi_prefix(name);
        ALWAYS_FILTERED_HEADERS.iter().any(|wanted| header_eq(bare, wanted))
    }
}

/// True for `User-Agent` in any case / CGI spelling; Sentry never scrubs it.
pub(super) fn is_user_agent(name: &str) -> bool {
    header_eq(strip_cgi_prefix(name), "user-agent")
}

/// Drops a leading `HTTP_` (CGI / WSGI environment spelling of request headers).
fn strip_cgi_prefix(name: &str) -> &str {
    match name.as_bytes().get(..5) {
        // The first five bytes are ASCII here, so index 5 is a char boundary.
        Some(prefix) if prefix.eq_ignore_ascii_case(b"http_") => name.get(5..).unwrap_or(name),
        _ => name,
    }
}

/// ASCII case-insensitive equality that also treats `_` and `-` as the same character.
fn header_eq(name: &str, wanted: &str) -> bool {
    name.len() == wanted.len()
        && name.bytes().zip(wanted.bytes()).all(|(a, b)| {
            let a = if a == b'_' { b'-' } else { a };
            a.eq_ignore_ascii_case(&b)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_keywords_match_case_insensitively_as_substrings() {
        for key in [
            "password",
            "PASSWORD",
            "db_Password_hash",
            "secret",
            "client_secret",
            "passwd",
            "api_key",
            "X-Api-Key",
            "apiKey",
            "auth",
            "Authorization",
            "credentials",
            "mysql_pwd",
            "privatekey",
            "private_key",
            "private-key",
            "token",
            "accessToken",
            "bearer",
            "csrfmiddlewaretoken",
            "_xsrf",
        ] {
            assert!(is_sensitive_key(key), "{key} should be sensitive");
        }
    }

    #[test]
    fn exact_names_match_only_whole_keys() {
        for key in ["otp", "OTP", "two_factor", "Two-Factor", "sessionid", "PHPSESSID", "JSESSIONID", "connect.sid"] {
            assert!(is_sensitive_key(key), "{key} should be sensitive");
        }
        for key in [
            "hotplug",
            "footprint",
            "otp_enabled_at_hotel",
            "two_factor_x",
            "session_count",
            "sessionDuration",
            "connectXsid",
            "lastsession",
            "last_otp",
        ] {
            assert!(!is_sensitive_key(key), "{key} should not be sensitive");
        }
    }

    #[test]
    fn sentry_substring_semantics_are_kept_for_author() {
        // Sentry's "auth" substring rule catches these; we keep that behaviour.
        assert!(is_sensitive_key("author"));
        assert!(is_sensitive_key("authority"));
    }

    #[test]
    fn harmless_keys_are_not_sensitive() {
        for key in [
            "",
            "in_app",
            "function",
            "module",
            "lineno",
            "colno",
            "filename",
            "abs_path",
            "vars",
            "user",
            "username",
            "email",
            "id",
            "url",
            "method",
            "data",
            "level",
            "message",
            "category",
            "type",
            "value",
            "key",
            "Content-Type",
            "Accept",
        ] {
            assert!(!is_sensitive_key(key), "{key} should not be sensitive");
        }
    }

    #[test]
    fn header_names_always_filtered() {
        for name in [
            "Cookie",
            "cookie",
            "SET-COOKIE",
            "Set-Cookie",
            "HTTP_COOKIE",
            "http_set_cookie",
            "Authorization",
            "Proxy-Authorization",
            "X-Api-Key",
            "X-Auth-Token",
            "X-CSRF-Token",
            "X-XSRF-TOKEN",
            "X-Forwarded-Authorization",
            "HTTP_AUTHORIZATION",
            "X-Goog-IAP-JWT-Assertion",
        ] {
            assert!(is_sensitive_header(name), "{name} should be filtered");
        }
        for name in ["Content-Type", "Host", "Accept", "HTTP_HOST", "X-Cookie-Policy", "Cookies2"] {
            assert!(!is_sensitive_header(name), "{name} should be kept");
        }
    }

    #[test]
    fn user_agent_spellings() {
        assert!(is_user_agent("User-Agent"));
        assert!(is_user_agent("user_agent"));
        assert!(is_user_agent("HTTP_USER_AGENT"));
        assert!(!is_user_agent("User-Agents"));
        assert!(!is_user_agent("http_"));
        // Multi-byte text must not confuse the prefix slicing.
        assert!(!is_user_agent("héllo-wörld"));
    }
}
