//! Named remote profiles in `config.toml`: `[profiles.NAME]` tables with `url`, `org`, optional
//! `projects` and `environments` lists, and exactly one of `token` / `token_command`, plus an
//! optional top-level `default_profile`. Parsing is strict: unknown keys and wrong types are
//! errors that name the key (and the valid ones) with a line and column, and semantic rules
//! (one credential, an http(s) URL, `default_profile` naming a defined profile) are checked at
//! load time, so a `ProfilesConfig` that exists is valid. Error messages never echo the
//! offending line, so a typo next to a token cannot print the token.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, de};

use super::error::{Error, known_profiles};
use super::secret::Secret;
use super::url::normalize_url;

/// The profile-related part of config.toml: `default_profile` and the `[profiles.*]` tables.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfilesConfig {
    /// Profile used when neither `--profile` nor sentry-cli credentials choose a remote.
    pub default_profile: Option<String>,
    pub profiles: Profiles,
}

/// All `[profiles.NAME]` tables, by name (sorted).
#[derive(Debug, Clone, Default)]
pub struct Profiles(BTreeMap<String, Profile>);

/// One named remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Normalized base URL (see [`normalize_url`]).
    pub url: String,
    pub org: String,
    /// Project slugs to show; empty means all projects of the org.
    pub projects: Vec<String>,
    /// Environments to show; empty means all.
    pub environments: Vec<String>,
    pub credential: Credential,
}

/// How a profile gets its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `token = "…"`, stored in config.toml.
    Token(Secret),
    /// `token_command = "…"`, run through `sh -c`; its trimmed stdout is the token.
    Command(String),
}

impl ProfilesConfig {
    /// Loads the profile settings from `path`; a missing file means no profiles.
    pub fn load(path: &Path) -> Result<Self, Error> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).map_err(|err| match err {
                Error::Config { path: None, location, message } => {
                    Error::Config { path: Some(path.to_path_buf()), location, message }
                }
                other => other,
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(Error::Io { path: path.to_path_buf(), source }),
        }
    }

    /// Parses config text holding only profile settings (the standalone form of this struct).
    pub fn parse(text: &str) -> Result<Self, Error> {
        let config: Self = toml::from_str(text).map_err(|err| toml_error(&err, text))?;
        config.validate()?;
        Ok(config)
    }

    /// Builds the config from fields deserialized elsewhere (sift's main `Config` embeds them).
    pub fn new(default_profile: Option<String>, profiles: Profiles) -> Result<Self, Error> {
        let config = Self { default_profile, profiles };
        config.validate()?;
        Ok(config)
    }

    /// Checks the rule serde cannot: `default_profile` must name a defined profile.
    pub fn validate(&self) -> Result<(), Error> {
        self.profiles.check_default(self.default_profile.as_deref())
    }
}

impl Profiles {
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.0.get(name)
    }

    /// Profile names in sorted order.
    pub fn names(&self) -> Vec<String> {
        self.0.keys().cloned().collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Profile)> {
        self.0.iter().map(|(name, profile)| (name.as_str(), profile))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks that `default_profile` (if any) names one of these profiles.
    pub fn check_default(&self, default_profile: Option<&str>) -> Result<(), Error> {
        match default_profile {
            Some(name) if self.get(name).is_none() => Err(Error::Config {
                path: None,
                location: None,
                message: format!("default_profile = {name:?} names no profile; {}", known_profiles(&self.names())),
            }),
            _ => Ok(()),
        }
    }

    /// True when some profile stores a plain `token`, so config.toml itself is a secret file.
    pub fn has_plain_token(&self) -> bool {
        self.0.values().any(|profile| matches!(profile.credential, Credential::Token(_)))
    }
}

impl FromIterator<(String, Profile)> for Profiles {
    fn from_iter<I: IntoIterator<Item = (String, Profile)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// A TOML error as `line L, column C: message`, without the source snippet that `toml` adds
/// (the snippet could show a token). For the main config parser.
pub fn describe_toml_error(err: &toml::de::Error, text: &str) -> String {
    toml_error(err, text).to_string()
}

fn toml_error(err: &toml::de::Error, text: &str) -> Error {
    let location = err.span().map(|span| line_column(text, span.start));
    Error::Config { path: None, location, message: err.message().trim_end().to_owned() }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let column = before.get(line_start..).map_or(0, |rest| rest.chars().count()) + 1;
    (line, column)
}

/// The table as written; converted to [`Profile`] once the profile's name is known.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    url: String,
    org: String,
    #[serde(default)]
    projects: Vec<String>,
    #[serde(default)]
    environments: Vec<String>,
    token: Option<String>,
    token_command: Option<String>,
}

fn check(name: &str, raw: RawProfile) -> Result<Profile, String> {
    let fail = |problem: String| Err(format!("profile {name:?}: {problem}"));
    let url = match normalize_url(&raw.url) {
        Ok(url) => url,
        Err(err) => return fail(err.to_string()),
    };
    if raw.org.trim().is_empty() {
        return fail("`org` is empty".to_owned());
    }
    if let Some(empty) = raw.projects.iter().chain(&raw.environments).find(|item| item.trim().is_empty()) {
        return fail(format!("empty name {empty:?} in `projects` or `environments`"));
    }
    let credential = match (raw.token, raw.token_command) {
        (Some(_), Some(_)) => return fail("set exactly one of `token` or `token_command`, not both".to_owned()),
        (None, None) => return fail("no credential; set `token` or `token_command`".to_owned()),
        (Some(token), None) if token.trim().is_empty() => return fail("`token` is empty".to_owned()),
        (None, Some(command)) if command.trim().is_empty() => return fail("`token_command` is empty".to_owned()),
        (Some(token), None) => Credential::Token(Secret::new(token.trim())),
        (None, Some(command)) => Credential::Command(command),
    };
    Ok(Profile { url, org: raw.org, projects: raw.projects, environments: raw.environments, credential })
}

impl<'de> Deserialize<'de> for Profiles {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ProfilesVisitor)
    }
}

struct ProfilesVisitor;

impl<'de> Visitor<'de> for ProfilesVisitor {
    type Value = Profiles;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table of [profiles.NAME] tables")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Profiles, A::Error> {
        let mut profiles = BTreeMap::new();
        while let Some(name) = map.next_key::<String>()? {
            let profile = map.next_value_seed(NamedProfile(&name))?;
            profiles.insert(name, profile);
        }
        Ok(Profiles(profiles))
    }
}

/// Deserializes one profile table, checking it under its name so errors carry the table's span.
struct NamedProfile<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for NamedProfile<'_> {
    type Value = Profile;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Profile, D::Error> {
        let name = self.0;
        let raw = RawProfile::deserialize(deserializer).map_err(|err| {
            // A missing key is reported at the table's header anyway, so naming the profile
            // loses nothing; other errors keep their own, more precise position.
            let message = err.to_string();
            if message.starts_with("missing field") {
                de::Error::custom(format!("profile {name:?}: {message}"))
            } else {
                err
            }
        })?;
        check(name, raw).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_profile() {
        let text = r#"
default_profile = "work"
[profiles.work]
url = "https://sentry.example.com/api/0/"
org = "acme"
projects = ["web", "api"]
environments = ["production"]
token_command = "pass show sentry"
[profiles.home]
url = "http://127.0.0.1:9000"
org = "me"
token = "  sntryu_abc  "
"#;
        let config = ProfilesConfig::parse(text).unwrap();
        assert_eq!(config.default_profile.as_deref(), Some("work"));
        assert_eq!(config.profiles.names(), ["home", "work"]);
        let work = config.profiles.get("work").unwrap();
        assert_eq!(work.url, "https://sentry.example.com/");
        assert_eq!(work.projects, ["web", "api"]);
        assert_eq!(work.credential, Credential::Command("pass show sentry".into()));
        let home = config.profiles.get("home").unwrap();
        assert_eq!(home.credential, Credential::Token(Secret::new("sntryu_abc")));
        assert!(home.projects.is_empty() && home.environments.is_empty());
        assert!(config.profiles.has_plain_token());
    }

    #[test]
    fn empty_text_means_no_profiles() {
        let config = ProfilesConfig::parse("").unwrap();
        assert!(config.profiles.is_empty() && config.default_profile.is_none());
    }

    #[test]
    fn missing_file_means_no_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let config = ProfilesConfig::load(&dir.path().join("config.toml")).unwrap();
        assert!(config.profiles.is_empty());
    }

    #[test]
    fn errors_do_not_echo_the_line() {
        let text = "[profiles.a]\nurl = \"https://x\"\norg = \"o\"\ntokn = \"sntryu_secret\"\n";
        let err = ProfilesConfig::parse(text).unwrap_err().to_string();
        assert!(!err.contains("secret"), "{err}");
        assert!(err.starts_with("line 4, column 1: unknown field `tokn`"), "{err}");
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncé=1", 7), (2, 4));
        assert_eq!(line_column("x", 0), (1, 1));
    }
}
