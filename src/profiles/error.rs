//! Errors and warnings of the profiles module. Errors stop resolution (a bad config, an unknown
//! `--profile`, an unusable URL, a failing `token_command`, an unreadable file); warnings are
//! returned next to a successful result for the caller to show (the resolver also logs them).
//! Neither ever contains a token: messages quote keys, URLs, paths, command lines and a
//! command's stderr, never a credential's value.

use std::fmt;
use std::path::PathBuf;

use super::source::Source;
use super::url::UrlError;

/// Why no remote could be resolved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// config.toml is not valid: syntax, unknown key, wrong type, or a semantic rule.
    #[error("{}", config_message(path, *location, message))]
    Config { path: Option<PathBuf>, location: Option<(usize, usize)>, message: String },
    /// `--profile NAME` names no profile.
    #[error("unknown profile {name:?}; {}", known_profiles(known))]
    UnknownProfile { name: String, known: Vec<String> },
    /// A URL from the environment, a sentryclirc file or an org token is unusable.
    #[error("{origin}: {error}")]
    Url { origin: Source, error: UrlError },
    /// A profile's `token_command` failed, printed nothing, or printed more than the token.
    #[error("token_command of profile {profile:?} (`{command}`) {problem}")]
    TokenCommand { profile: String, command: String, problem: String },
    /// A file exists but cannot be read or written.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// A sentryclirc or `SENTRY_PROPERTIES` file is malformed.
    #[error("cannot parse {}: {message}", path.display())]
    Parse { path: PathBuf, message: String },
}

fn config_message(path: &Option<PathBuf>, location: Option<(usize, usize)>, message: &str) -> String {
    match (path, location) {
        (Some(path), Some((line, column))) => format!("{}:{line}:{column}: {message}", path.display()),
        (Some(path), None) => format!("{}: {message}", path.display()),
        (None, Some((line, column))) => format!("line {line}, column {column}: {message}"),
        (None, None) => message.to_owned(),
    }
}

/// `"a", "b"` or a hint that there are none.
pub(crate) fn known_profiles(known: &[String]) -> String {
    if known.is_empty() {
        "no profiles are defined in config.toml".to_owned()
    } else {
        let names: Vec<String> = known.iter().map(|name| format!("{name:?}")).collect();
        format!("defined profiles: {}", names.join(", "))
    }
}

/// Something the user should know about but that does not stop sift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// An org auth token's payload overrode a differing `url` or `org` (as sentry-cli does).
    OrgTokenOverride { field: &'static str, used: String, ignored: String, ignored_from: Source },
    /// The token starts with `sntrys_` but its payload cannot be decoded; it is used as an
    /// opaque token, so its URL and org are not known.
    MalformedOrgToken { from: Source },
    /// `SENTRY_PROPERTIES` names a file that does not exist (sentry-cli only warns too).
    MissingPropertiesFile(PathBuf),
    /// A file holding a plain token can be read by other users.
    ReadableSecretFile { path: PathBuf, mode: u32 },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::OrgTokenOverride { field, used, ignored, ignored_from } => write!(
                f,
                "the org auth token is bound to {field} {used:?}; ignoring {field} {ignored:?} from {ignored_from}"
            ),
            Warning::MalformedOrgToken { from } => {
                write!(f, "the sntrys_ token from {from} has an unreadable payload; using it as an opaque token")
            }
            Warning::MissingPropertiesFile(path) => {
                write!(f, "SENTRY_PROPERTIES names {}, which does not exist; ignoring it", path.display())
            }
            Warning::ReadableSecretFile { path, mode } => write!(
                f,
                "{} holds a token but is readable by other users (mode {mode:03o}); run `chmod 600 {}`",
                path.display(),
                path.display()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_error_forms() {
        let full = Error::Config { path: Some("/c.toml".into()), location: Some((3, 1)), message: "bad".into() };
        assert_eq!(full.to_string(), "/c.toml:3:1: bad");
        let bare = Error::Config { path: None, location: Some((3, 1)), message: "bad".into() };
        assert_eq!(bare.to_string(), "line 3, column 1: bad");
    }

    #[test]
    fn unknown_profile_lists_the_known_ones() {
        let err = Error::UnknownProfile { name: "x".into(), known: vec!["a".into(), "b".into()] };
        assert_eq!(err.to_string(), "unknown profile \"x\"; defined profiles: \"a\", \"b\"");
        let none = Error::UnknownProfile { name: "x".into(), known: vec![] };
        assert_eq!(none.to_string(), "unknown profile \"x\"; no profiles are defined in config.toml");
    }
}
