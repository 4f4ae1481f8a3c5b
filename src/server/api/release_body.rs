//! Bodies of the release, deploy and repository writes, read strictly as the issue update is:
//! Sentry's field names and types, unknown fields refused with the list of known ones, dates as
//! RFC 3339 (sentry-cli sends up to nine fractional digits), and `null` accepted where sentry-cli
//! sends it. Project names are resolved by the handlers, which know the organization.

use serde::Deserialize;
use serde_json::Value;

use crate::server::ApiError;
use crate::store::release_writes::{NewCommit, NewRef};

/// A field given as `null`, distinct from one left out.
fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A project named by slug (a string) or id (sentry-cli sends digits-only names as numbers).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ProjectName {
    Id(i64),
    Slug(String),
}

impl ProjectName {
    pub fn text(&self) -> String {
        match self {
            ProjectName::Id(id) => id.to_string(),
            ProjectName::Slug(slug) => slug.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitBody {
    id: String,
    #[serde(default)]
    repository: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    author_name: Option<String>,
    #[serde(default)]
    author_email: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    patch_set: Option<Vec<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RefBody {
    repository: String,
    commit: String,
    #[serde(default)]
    previous_commit: Option<String>,
}

/// A release create or update body (`POST …/releases/`, `PUT …/releases/{version}/`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Body {
    version: Option<String>,
    #[serde(default, rename = "ref", deserialize_with = "nullable")]
    git_ref: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    url: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    date_started: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    date_released: Option<Option<String>>,
    projects: Option<Vec<ProjectName>>,
    status: Option<String>,
    commits: Option<Vec<CommitBody>>,
    refs: Option<Vec<RefBody>>,
    head_commits: Option<Vec<Value>>,
    owner: Option<Value>,
}

/// A parsed release body.
#[derive(Debug, Default)]
pub struct ReleaseBody {
    pub version: Option<String>,
    pub git_ref: Option<Option<String>>,
    pub url: Option<Option<String>>,
    pub date_started: Option<Option<f64>>,
    pub date_released: Option<Option<f64>>,
    pub projects: Vec<ProjectName>,
    pub status: Option<String>,
    pub commits: Option<Vec<NewCommit>>,
    pub refs: Option<Vec<NewRef>>,
}

fn json<T: serde::de::DeserializeOwned + Default>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|err| ApiError::bad_request(format!("Invalid request body: {err}")))
}

/// An RFC 3339 date, as unix seconds; the error names the field.
fn date(field: &str, text: &str) -> Result<f64, ApiError> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .map(|at| at.timestamp_micros() as f64 / 1e6)
        .map_err(|_| ApiError::bad_request(format!("{field}: {text:?} is not an RFC 3339 date")))
}

fn nullable_date(field: &str, value: Option<Option<String>>) -> Result<Option<Option<f64>>, ApiError> {
    match value {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(text)) => Ok(Some(Some(date(field, &text)?))),
    }
}

/// Parses a release body.
pub fn release(bytes: &[u8]) -> Result<ReleaseBody, ApiError> {
    let body: Body = json(bytes)?;
    let commits = match body.commits {
        None => None,
        Some(commits) => Some(
            commits
                .into_iter()
                .map(|c| {
                    if c.id.trim().is_empty() || c.id.len() > 64 {
                        return Err(ApiError::bad_request(format!("commits: invalid commit id {:?}", c.id)));
                    }
                    let _ = c.patch_set;
                    Ok(NewCommit {
                        sha: c.id.trim().to_owned(),
                        repository: c.repository.filter(|r| !r.is_empty()),
                        message: c.message,
                        author_name: c.author_name,
                        author_email: c.author_email,
                        date_created: c.timestamp.as_deref().map(|t| date("commits: timestamp", t)).transpose()?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    let refs = body.refs.map(|refs| {
        refs.into_iter()
            .map(|r| NewRef { repository: r.repository, commit: r.commit, previous_commit: r.previous_commit })
            .collect::<Vec<_>>()
    });
    if let Some(refs) = &refs
        && let Some(bad) = refs.iter().find(|r| r.commit.trim().is_empty() || r.commit.len() > 64)
    {
        return Err(ApiError::bad_request(format!("refs: invalid commit {:?} for {}", bad.commit, bad.repository)));
    }
    let _ = (body.head_commits, body.owner);
    Ok(ReleaseBody {
        version: body.version,
        git_ref: body.git_ref,
        url: body.url,
        date_started: nullable_date("dateStarted", body.date_started)?,
        date_released: nullable_date("dateReleased", body.date_released)?,
        projects: body.projects.unwrap_or_default(),
        status: body.status,
        commits,
        refs,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DeployBody {
    environment: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    date_started: Option<String>,
    #[serde(default)]
    date_finished: Option<String>,
    projects: Option<Vec<ProjectName>>,
}

/// A parsed deploy body; `date_finished` defaults to `now`.
#[derive(Debug)]
pub struct Deploy {
    pub environment: String,
    pub name: Option<String>,
    pub url: Option<String>,
    pub date_started: Option<f64>,
    pub date_finished: f64,
    pub projects: Vec<ProjectName>,
}

/// Parses a deploy body (`POST …/releases/{version}/deploys/`).
pub fn deploy(bytes: &[u8], now: f64) -> Result<Deploy, ApiError> {
    let body: DeployBody = json(bytes)?;
    let environment = body.environment.unwrap_or_default();
    if environment.trim().is_empty() || environment.len() > 64 || environment.contains(['/', '\n', '\r', '\t']) {
        return Err(ApiError::bad_request(format!(
            "environment: {environment:?} is not a valid environment name (1-64 characters, no slashes or line breaks)"
        )));
    }
    Ok(Deploy {
        environment,
        name: body.name.filter(|n| !n.is_empty()),
        url: body.url.filter(|u| !u.is_empty()),
        date_started: body.date_started.as_deref().map(|t| date("dateStarted", t)).transpose()?,
        date_finished: body.date_finished.as_deref().map(|t| date("dateFinished", t)).transpose()?.unwrap_or(now),
        projects: body.projects.unwrap_or_default(),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RepoBody {
    name: Option<String>,
    url: Option<String>,
    provider: Option<String>,
}

/// A repository to register: (name, url, provider). With a URL the provider defaults to `git`,
/// which sentry-cli's `set-commits --auto` matches against the local checkout's remote.
pub fn repository(bytes: &[u8]) -> Result<(String, Option<String>, Option<String>), ApiError> {
    let body: RepoBody = json(bytes)?;
    let name = body.name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty() && n.len() <= 200);
    let name =
        name.ok_or_else(|| ApiError::bad_request("name: a repository name such as \"owner/repo\" is required"))?;
    let url = body.url.filter(|u| !u.is_empty());
    if let Some(url) = &url
        && !["http://", "https://", "git@", "ssh://", "git://"].iter().any(|p| url.starts_with(p))
    {
        return Err(ApiError::bad_request(format!("url: {url:?} is not a repository URL (https://, ssh:// or git@)")));
    }
    let provider = body.provider.filter(|p| !p.is_empty()).or_else(|| url.as_ref().map(|_| "git".to_owned()));
    Ok((name, url, provider))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sentry_cli_bodies_parse() {
        let new = super::release(
            br#"{"version":"1.2.3","projects":["web",42],"url":"https://x","dateStarted":"2026-06-29T10:00:00.123456789Z"}"#,
        )
        .unwrap();
        assert_eq!(new.version.as_deref(), Some("1.2.3"));
        assert_eq!(new.projects.iter().map(super::ProjectName::text).collect::<Vec<_>>(), ["web", "42"]);
        assert_eq!(new.date_started, Some(Some(1_782_727_200.123_456)));
        let deploy = super::deploy(
            br#"{"environment":"production","name":null,"url":null,"dateStarted":null,"dateFinished":"2026-06-29T10:05:00Z"}"#,
            0.0,
        )
        .unwrap();
        assert_eq!((deploy.environment.as_str(), deploy.date_finished), ("production", 1_782_727_500.0));
        let commits = super::release(
            br#"{"commits":[{"id":"abc","repository":"acme/shop","author_name":"A","author_email":null,
                "timestamp":"2026-06-29T10:00:00+02:00","message":null,"patch_set":[{"path":"a.rs","type":"M"}]}]}"#,
        )
        .unwrap();
        assert_eq!(commits.commits.unwrap()[0].repository.as_deref(), Some("acme/shop"));
    }

    #[test]
    fn bad_bodies_are_refused_with_the_reason() {
        let err = super::release(br#"{"version":"1","bogus":1}"#).unwrap_err();
        assert!(err.detail.contains("unknown field `bogus`, expected one of"), "{}", err.detail);
        let err = super::release(br#"{"dateReleased":"yesterday"}"#).unwrap_err();
        assert!(err.detail.contains("dateReleased"), "{}", err.detail);
        assert!(super::deploy(br#"{"name":"x"}"#, 0.0).unwrap_err().detail.contains("environment"));
        assert!(super::repository(br#"{"url":"https://github.com/a/b"}"#).is_err());
        assert!(super::repository(br#"{"name":"a/b","url":"ftp://x"}"#).is_err());
        assert_eq!(
            super::repository(br#"{"name":"a/b","url":"https://github.com/a/b"}"#).unwrap().2.as_deref(),
            Some("git")
        );
    }
}
