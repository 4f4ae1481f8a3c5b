//! `Secret`: an auth token that cannot leak by accident. Its `Debug` shows at most the public
//! kind prefix (`sntryu_…(redacted)`, `sntrys_…(redacted)`) or `<redacted>`, it has no `Display`,
//! no `Serialize` and compares only with another `Secret`, so it cannot end up in a log line, an error
//! message or a status screen without an explicit call to [`Secret::expose`], which only the HTTP
//! client should make when it builds the `Authorization` header.

use std::fmt;

/// Prefixes of Sentry's token kinds; they are public (documented) and safe to show.
const KNOWN_PREFIXES: [&str; 2] = ["sntryu_", "sntrys_"];

/// An auth token (or any other credential) whose value is never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw value, for the `Authorization: Bearer …` header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True for an empty credential (which never counts as "a token was found").
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What may be shown about the token: its kind prefix, never any of its secret part.
    pub fn redacted(&self) -> String {
        match KNOWN_PREFIXES.iter().find(|prefix| self.0.starts_with(**prefix)) {
            Some(prefix) => format!("{prefix}…(redacted)"),
            None => "<redacted>".to_owned(),
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_only_the_kind() {
        let user = Secret::new("sntryu_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assert_eq!(format!("{user:?}"), "sntryu_…(redacted)");
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "<redacted>");
        assert_eq!(format!("{:#?}", Some(Secret::new("hunter2"))), "Some(\n    <redacted>,\n)");
    }
}
