//! How a failure to reach the tracker reads on the status line: one short line naming the
//! address and the reason ("cannot reach http://127.0.0.1:9/ (connection refused)"), or the
//! organization a 404 is about, never the HTTP stack's whole chain of causes.

use super::state::{Source, describe};
use crate::api::Error;

/// The innermost reason of a network error's chain, as a person says it: `connection refused`,
/// `no route to host`, `name or service not known`. The chain is `a: b: c (os error 111)`.
pub fn network_reason(chain: &str) -> String {
    let last = chain.rsplit(": ").next().unwrap_or(chain).trim();
    let last = match last.find(" (os error") {
        Some(at) => &last[..at],
        None => last,
    };
    let mut reason = crate::tui::sanitize::one_line(last);
    if reason.chars().count() > 60 {
        reason = crate::text::truncate(&reason, 60);
    }
    let mut chars = reason.chars();
    match chars.next() {
        // "Connection refused" → "connection refused", but keep "TLS" or "DNS" as written.
        Some(first) if chars.clone().next().is_some_and(char::is_lowercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => reason,
    }
}

/// A failure of the issue list (or any org-wide read) against `source`, for the status line.
pub fn describe_reaching(error: &Error, source: &Source) -> String {
    match error {
        Error::Network(chain) => format!("cannot reach {} ({})", source.url, network_reason(chain)),
        Error::Timeout => format!("{} did not answer in time", source.url),
        Error::NotFound { .. } => format!(
            "organization {:?} not found at {} (404): check the org of the profile or SENTRY_ORG",
            crate::tui::sanitize::one_line(&source.org),
            source.url
        ),
        // The status line names the server already; what was wrong with the answer matters.
        Error::Decode { message, .. } => format!("unexpected response: {}", crate::tui::sanitize::one_line(message)),
        other => describe(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_chain_reads_as_its_last_reason() {
        let chain = "error sending request for url (http://127.0.0.1:9/api/0/organizations/local/issues/?query=): \
                     client error (Connect): tcp connect error: Connection refused (os error 111)";
        assert_eq!(network_reason(chain), "connection refused");
        assert_eq!(
            network_reason("dns error: failed to lookup address information: Name or service not known"),
            "name or service not known"
        );
        assert_eq!(network_reason("TLS handshake failed"), "TLS handshake failed");
        let source =
            Source { label: "profile work".into(), url: "http://127.0.0.1:9/".into(), org: "acme".into(), dsn: None };
        assert_eq!(
            describe_reaching(&Error::Network(chain.into()), &source),
            "cannot reach http://127.0.0.1:9/ (connection refused)"
        );
        let gone =
            describe_reaching(&Error::NotFound { detail: "The requested resource does not exist".into() }, &source);
        assert!(gone.starts_with("organization \"acme\" not found at http://127.0.0.1:9/ (404)"), "{gone}");
    }
}
