//! Org auth tokens: `sntrys_<payload>_<secret>`, where the payload is padded standard base64 of
//! a JSON object with `region_url`, `org` and (in all but some old tokens) `url`, and the secret
//! is unpadded base64 of 32 bytes. This mirrors sentry-cli's reading: a string with the prefix
//! that does not have exactly these parts is not an org token (sentry-cli then treats it as an
//! opaque token, and so do we, with a warning). Only the payload's `url` and `org` are used.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use serde::Deserialize;

use super::secret::Secret;

pub const ORG_TOKEN_PREFIX: &str = "sntrys_";
const SECRET_BYTES: usize = 32;

/// What an org auth token says about where it may be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgTokenPayload {
    /// The Sentry base URL the token belongs to; empty in some old tokens.
    pub url: String,
    pub org: String,
}

#[derive(Deserialize)]
struct RawPayload {
    /// Required (sentry-cli rejects payloads without it) but not used.
    #[serde(rename = "region_url")]
    _region_url: String,
    org: String,
    url: Option<String>,
}

/// Outcome of looking at a token's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// A well-formed org auth token.
    Org(OrgTokenPayload),
    /// Starts with `sntrys_` but is not a well-formed org token.
    MalformedOrg,
    /// Anything else (user tokens, opaque tokens).
    Other,
}

/// Classifies `token`; never logs or returns any part of its secret.
pub fn classify(token: &Secret) -> TokenKind {
    let Some(rest) = token.expose().strip_prefix(ORG_TOKEN_PREFIX) else {
        return TokenKind::Other;
    };
    let mut parts = rest.split('_');
    let (Some(payload), Some(secret), None) = (parts.next(), parts.next(), parts.next()) else {
        return TokenKind::MalformedOrg;
    };
    let secret_ok = STANDARD_NO_PAD.decode(secret).is_ok_and(|bytes| bytes.len() == SECRET_BYTES);
    let payload = STANDARD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<RawPayload>(&bytes).ok())
        .filter(|_| secret_ok);
    match payload {
        Some(raw) => TokenKind::Org(OrgTokenPayload { url: raw.url.unwrap_or_default(), org: raw.org }),
        None => TokenKind::MalformedOrg,
    }
}

/// Builds an org token for tests of code that consumes them.
#[cfg(test)]
pub(crate) fn make_org_token(payload_json: &str) -> String {
    let payload = STANDARD.encode(payload_json);
    let secret = STANDARD_NO_PAD.encode([7u8; SECRET_BYTES]);
    format!("{ORG_TOKEN_PREFIX}{payload}_{secret}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_url_and_org() {
        let token = make_org_token(
            r#"{"iat":1,"url":"https://acme.sentry.io","region_url":"https://us.sentry.io","org":"acme"}"#,
        );
        let expected = OrgTokenPayload { url: "https://acme.sentry.io".into(), org: "acme".into() };
        assert_eq!(classify(&Secret::new(token)), TokenKind::Org(expected));
    }

    #[test]
    fn old_tokens_without_url() {
        let token = make_org_token(r#"{"region_url":"https://us.sentry.io","org":"acme","url":null}"#);
        let TokenKind::Org(payload) = classify(&Secret::new(token)) else { panic!("not an org token") };
        assert_eq!(payload.url, "");
    }

    #[test]
    fn malformed_and_other() {
        assert_eq!(classify(&Secret::new("sntryu_abc")), TokenKind::Other);
        assert_eq!(classify(&Secret::new("opaque")), TokenKind::Other);
        assert_eq!(classify(&Secret::new("sntrys_notbase64!_x")), TokenKind::MalformedOrg);
        let no_region = make_org_token(r#"{"org":"acme","url":"https://x"}"#);
        assert_eq!(classify(&Secret::new(no_region)), TokenKind::MalformedOrg);
        let extra = format!("{}_more", make_org_token(r#"{"region_url":"r","org":"o"}"#));
        assert_eq!(classify(&Secret::new(extra)), TokenKind::MalformedOrg);
    }
}
