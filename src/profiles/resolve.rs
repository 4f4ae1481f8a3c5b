//! Which remote sift talks to. In order: an explicit `--profile NAME` (an unknown name is an
//! error listing the defined ones); else sentry-cli's configuration exactly as sentry-cli
//! resolves it (`SENTRY_AUTH_TOKEN` over `[auth] token`, `SENTRY_URL` over `[defaults] url`
//! with default `https://sentry.io/`, `SENTRY_ORG` / `SENTRY_PROJECT` over their `[defaults]`
//! keys, the file layers read by `load_cli_files`, and an org token's payload `url` / `org`
//! winning over everything), counted as a remote only when a non-empty token is found; else
//! config.toml's `default_profile`; else `None`, and the caller runs embedded mode. Every value
//! carries its [`Source`]; warnings are returned and logged, tokens are never logged.

use std::fmt;

use super::config::{Credential, ProfilesConfig};
use super::env::{Ctx, Env};
use super::error::{Error, Warning};
use super::org_token::{TokenKind, classify};
use super::secret::Secret;
use super::secret_file::secret_file_warning;
use super::sentrycli::load_cli_files;
use super::source::{Source, Sourced};
use super::token_command::run_token_command;
use super::url::normalize_url;

/// sentry-cli's default base URL.
pub const DEFAULT_URL: &str = "https://sentry.io/";

/// What the command line asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection<'a> {
    /// No `--profile`: sentry-cli settings, then `default_profile`, then embedded mode.
    Auto,
    /// `--profile NAME`.
    Profile(&'a str),
}

impl<'a> From<Option<&'a str>> for Selection<'a> {
    fn from(profile: Option<&'a str>) -> Self {
        profile.map_or(Selection::Auto, Selection::Profile)
    }
}

/// Which rule chose the remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// `--profile NAME`.
    ProfileFlag(String),
    /// `SENTRY_*` variables and sentryclirc / `SENTRY_PROPERTIES` files.
    SentryCli,
    /// `default_profile = "NAME"`.
    DefaultProfile(String),
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Via::ProfileFlag(name) => write!(f, "--profile {name}"),
            Via::SentryCli => f.write_str("sentry-cli configuration"),
            Via::DefaultProfile(name) => write!(f, "default_profile {name:?}"),
        }
    }
}

/// A remote tracker to talk to. `Debug` is safe to log: the token is redacted.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub via: Via,
    /// Normalized base URL: ends with `/`, API paths are `{url}api/0/…`.
    pub url: Sourced<String>,
    /// Always set for profiles; sentry-cli settings may lack one.
    pub org: Option<Sourced<String>>,
    /// Project slugs to show; `None` means all projects of the org.
    pub projects: Option<Sourced<Vec<String>>>,
    /// Environments to show (profiles only); empty means all.
    pub environments: Vec<String>,
    pub token: Sourced<Secret>,
    pub warnings: Vec<Warning>,
}

/// Picks the remote (see the module docs). `Ok(None)` means "no remote: embedded mode".
pub fn resolve(
    config: &ProfilesConfig,
    selection: Selection<'_>,
    env: &dyn Env,
    ctx: &Ctx,
) -> Result<Option<Resolved>, Error> {
    let resolved = match selection {
        Selection::Profile(name) => Some(from_profile(config, name, Via::ProfileFlag(name.to_owned()), ctx)?),
        Selection::Auto => match from_sentry_cli(env, ctx)? {
            Some(resolved) => Some(resolved),
            None => match &config.default_profile {
                Some(name) => Some(from_profile(config, name, Via::DefaultProfile(name.clone()), ctx)?),
                None => None,
            },
        },
    };
    match &resolved {
        Some(remote) => {
            tracing::info!(
                via = %remote.via,
                url = %remote.url.value,
                url_source = %remote.url.source,
                org = remote.org.as_ref().map(|org| org.value.as_str()),
                token = %remote.token.value.redacted(),
                token_source = %remote.token.source,
                "resolved remote"
            );
            for warning in &remote.warnings {
                tracing::warn!("{warning}");
            }
        }
        None => tracing::info!("no remote configured; embedded mode"),
    }
    Ok(resolved)
}

fn from_profile(config: &ProfilesConfig, name: &str, via: Via, ctx: &Ctx) -> Result<Resolved, Error> {
    let profile = config
        .profiles
        .get(name)
        .ok_or_else(|| Error::UnknownProfile { name: name.to_owned(), known: config.profiles.names() })?;
    let source = Source::Profile(name.to_owned());
    let mut warnings = Vec::new();
    let token = match &profile.credential {
        Credential::Token(token) => {
            warnings.extend(ctx.config_file.as_deref().and_then(secret_file_warning));
            Sourced::new(token.clone(), source.clone())
        }
        Credential::Command(command) => Sourced::new(
            run_token_command(name, command)?,
            Source::TokenCommand { profile: name.to_owned(), command: command.clone() },
        ),
    };
    let projects = (!profile.projects.is_empty()).then(|| Sourced::new(profile.projects.clone(), source.clone()));
    Ok(Resolved {
        via,
        url: Sourced::new(profile.url.clone(), source.clone()),
        org: Some(Sourced::new(profile.org.clone(), source)),
        projects,
        environments: profile.environments.clone(),
        token,
        warnings,
    })
}

/// A set, non-empty environment variable with its source. sentry-cli lets a set-but-empty
/// variable shadow the files; so do we, and an empty final value then counts as absent.
fn env_value(env: &dyn Env, name: &'static str) -> Option<Sourced<String>> {
    env.var(name).map(|value| Sourced::new(value, Source::Env(name)))
}

fn non_empty(value: Option<Sourced<String>>) -> Option<Sourced<String>> {
    value.filter(|sourced| !sourced.value.trim().is_empty())
}

fn from_sentry_cli(env: &dyn Env, ctx: &Ctx) -> Result<Option<Resolved>, Error> {
    let (files, mut warnings) = load_cli_files(env, ctx)?;
    let token = match env.var("SENTRY_AUTH_TOKEN") {
        Some(value) => Sourced::new(Secret::new(value.trim()), Source::Env("SENTRY_AUTH_TOKEN")),
        None => match files.token {
            Some(token) => Sourced::new(Secret::new(token.value.expose().trim()), token.source),
            None => Sourced::new(Secret::new(""), Source::Default),
        },
    };
    if token.value.is_empty() {
        for warning in &warnings {
            tracing::warn!("{warning}");
        }
        tracing::debug!("no sentry-cli auth token found");
        return Ok(None);
    }
    let mut url = env_value(env, "SENTRY_URL")
        .or(files.url)
        .unwrap_or_else(|| Sourced::new(DEFAULT_URL.to_owned(), Source::Default));
    let mut org = non_empty(env_value(env, "SENTRY_ORG").or(files.org));
    let project = non_empty(env_value(env, "SENTRY_PROJECT").or(files.project));

    match classify(&token.value) {
        TokenKind::Org(payload) => {
            if !payload.url.is_empty() {
                let token_url =
                    normalize_url(&payload.url).map_err(|error| Error::Url { origin: Source::OrgToken, error })?;
                // sentry-cli stays quiet when the configured URL is empty, the default or the same.
                let configured = normalize_url(&url.value).ok();
                let quiet = [Some(token_url.as_str()), Some(DEFAULT_URL)].contains(&configured.as_deref());
                if !quiet && !url.value.trim().is_empty() {
                    warnings.push(Warning::OrgTokenOverride {
                        field: "url",
                        used: token_url.clone(),
                        ignored: url.value.clone(),
                        ignored_from: url.source.clone(),
                    });
                }
                url = Sourced::new(token_url, Source::OrgToken);
            }
            if !payload.org.is_empty() {
                if let Some(configured) = org.as_ref().filter(|configured| configured.value != payload.org) {
                    warnings.push(Warning::OrgTokenOverride {
                        field: "org",
                        used: payload.org.clone(),
                        ignored: configured.value.clone(),
                        ignored_from: configured.source.clone(),
                    });
                }
                org = Some(Sourced::new(payload.org, Source::OrgToken));
            }
        }
        TokenKind::MalformedOrg => warnings.push(Warning::MalformedOrgToken { from: token.source.clone() }),
        TokenKind::Other => {}
    }

    let normalized = normalize_url(&url.value).map_err(|error| Error::Url { origin: url.source.clone(), error })?;
    if let Source::File(path) = &token.source {
        warnings.extend(secret_file_warning(path));
    }
    Ok(Some(Resolved {
        via: Via::SentryCli,
        url: Sourced::new(normalized, url.source),
        org,
        projects: project.map(|project| Sourced::new(vec![project.value], project.source)),
        environments: Vec::new(),
        token,
        warnings,
    }))
}
