//! Provenance of resolved settings. Every value the resolver returns is wrapped in [`Sourced`],
//! which says where it came from ([`Source`]): a profile in `config.toml`, an environment
//! variable, a sentryclirc / `SENTRY_PROPERTIES` file, an org auth token's payload, a
//! `token_command`, or the built-in default. `sift config` and the status bar print these with
//! `Display`; none of them ever contains a token.

use std::fmt;
use std::path::PathBuf;

/// Where one resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `[profiles.NAME]` in config.toml.
    Profile(String),
    /// The stdout of a profile's `token_command` (the command line is shown, never its output).
    TokenCommand { profile: String, command: String },
    /// An environment variable, e.g. `SENTRY_URL`.
    Env(&'static str),
    /// A sentryclirc / sentrycli.ini file, or the file named by `SENTRY_PROPERTIES`.
    File(PathBuf),
    /// The payload of an org auth token (`sntrys_…`).
    OrgToken,
    /// sentry-cli's built-in default (only the URL has one: `https://sentry.io/`).
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Profile(name) => write!(f, "profile {name:?} in config.toml"),
            Source::TokenCommand { profile, command } => write!(f, "token_command `{command}` of profile {profile:?}"),
            Source::Env(name) => write!(f, "${name}"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::OrgToken => f.write_str("the org auth token's payload"),
            Source::Default => f.write_str("the built-in default"),
        }
    }
}

/// A value together with its [`Source`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    pub fn new(value: T, source: Source) -> Self {
        Self { value, source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_for_status_screens() {
        assert_eq!(Source::Env("SENTRY_URL").to_string(), "$SENTRY_URL");
        assert_eq!(Source::Profile("work".into()).to_string(), "profile \"work\" in config.toml");
        assert_eq!(Source::File("/h/.sentryclirc".into()).to_string(), "/h/.sentryclirc");
        let command = Source::TokenCommand { profile: "w".into(), command: "pass show sentry".into() };
        assert_eq!(command.to_string(), "token_command `pass show sentry` of profile \"w\"");
    }
}
