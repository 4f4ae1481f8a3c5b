//! Base-URL normalization for remotes. Every URL sift talks to, whether from a profile, from
//! `SENTRY_URL`, a sentryclirc file or an org token, goes through [`normalize_url`], which
//! returns the form `scheme://host[:port][/prefix]/` with exactly one trailing `/` and without a
//! trailing `api/0/` (users often paste the API root), so that `{base}api/0/{path}` is always
//! right. Only `http` and `https` are accepted; a query, a fragment, embedded credentials or
//! whitespace are rejected. Errors quote the offending value (minus any embedded password).

use std::fmt;

/// Why a URL was rejected; `Display` quotes the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlError {
    pub value: String,
    pub reason: UrlProblem,
}

/// The specific problem with a rejected URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlProblem {
    Scheme,
    NoHost,
    QueryOrFragment,
    Credentials,
    Whitespace,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.reason {
            UrlProblem::Scheme => "only http:// and https:// URLs are supported",
            UrlProblem::NoHost => "it has no host name",
            UrlProblem::QueryOrFragment => "a base URL cannot have a query (`?`) or fragment (`#`)",
            UrlProblem::Credentials => "credentials in the URL are not supported; use `token` instead",
            UrlProblem::Whitespace => "it contains whitespace",
        };
        write!(f, "invalid url {:?}: {why}", self.value)
    }
}

impl std::error::Error for UrlError {}

/// Normalizes a Sentry base URL (see the module docs).
pub fn normalize_url(value: &str) -> Result<String, UrlError> {
    let fail = |reason| Err(UrlError { value: value.to_owned(), reason });
    let trimmed = value.trim();
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        return fail(UrlProblem::Scheme);
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return fail(UrlProblem::Scheme);
    }
    if rest.chars().any(char::is_whitespace) {
        return fail(UrlProblem::Whitespace);
    }
    if rest.contains(['?', '#']) {
        return fail(UrlProblem::QueryOrFragment);
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if let Some((userinfo, _)) = authority.rsplit_once('@') {
        // Quote the value without the password it probably carries.
        let shown = value.replacen(userinfo, "<redacted>", 1);
        return Err(UrlError { value: shown, reason: UrlProblem::Credentials });
    }
    if authority.is_empty() || authority.starts_with(':') {
        return fail(UrlProblem::NoHost);
    }
    let mut path = path.trim_end_matches('/');
    if path == "api/0" {
        path = "";
    } else if let Some(prefix) = path.strip_suffix("/api/0") {
        path = prefix.trim_end_matches('/');
    }
    Ok(if path.is_empty() { format!("{scheme}://{authority}/") } else { format!("{scheme}://{authority}/{path}/") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_forms() {
        let cases = [
            ("https://sentry.io", "https://sentry.io/"),
            ("https://sentry.io/", "https://sentry.io/"),
            ("https://sentry.io/api/0/", "https://sentry.io/"),
            ("https://sentry.io/api/0", "https://sentry.io/"),
            ("HTTPS://sentry.io//", "https://sentry.io/"),
            (" http://127.0.0.1:9000 ", "http://127.0.0.1:9000/"),
            ("https://example.com/sentry/api/0/", "https://example.com/sentry/"),
            ("https://example.com/sentry", "https://example.com/sentry/"),
            ("https://example.com/api/0/extra", "https://example.com/api/0/extra/"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_url(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn rejections_quote_the_value() {
        let cases = [
            ("ftp://sentry.io", "invalid url \"ftp://sentry.io\": only http:// and https:// URLs are supported"),
            ("sentry.io", "invalid url \"sentry.io\": only http:// and https:// URLs are supported"),
            ("https://", "invalid url \"https://\": it has no host name"),
            ("https://:80/", "invalid url \"https://:80/\": it has no host name"),
            (
                "https://x/?a=1",
                "invalid url \"https://x/?a=1\": a base URL cannot have a query (`?`) or fragment (`#`)",
            ),
            (
                "https://u:pw@x/",
                "invalid url \"https://<redacted>@x/\": credentials in the URL are not supported; use `token` instead",
            ),
            ("https://a b/", "invalid url \"https://a b/\": it contains whitespace"),
        ];
        for (input, expected) in cases {
            let err = normalize_url(input).expect_err(input);
            assert_eq!(err.to_string(), expected);
        }
    }
}
