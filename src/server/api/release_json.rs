//! Releases, deploys, commits and repositories as Sentry's Web API shapes them, with the fields
//! sentry-cli requires (`version`, `dateCreated`, each project's `slug` and `name`, a deploy's
//! `environment`, a repository's `id`, `name`, `provider` and `status`). Two fields of each
//! release project are sift's own: `eventCount` (its events in the release) and `eventStats`
//! (those events per hour over 24 hours and per day over 14 days), which Sentry's release
//! objects do not carry.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::issue_json::iso;
use crate::store::releases::{CommitRecord, DeployRecord, ReleaseSummary, RepoRecord};

/// Sentry's reading of a version: `package@version+build`, a commit hash, or plain text.
pub fn version_info(version: &str) -> (String, Value) {
    let (package, rest) = match version.split_once('@') {
        Some((package, rest)) if !package.is_empty() && !rest.is_empty() => (Some(package), rest),
        _ => (None, version),
    };
    let (raw, build) = match rest.split_once('+') {
        Some((raw, build)) if !raw.is_empty() => (raw, Some(build)),
        _ => (rest, None),
    };
    let is_hash = matches!(raw.len(), 40 | 64) && raw.bytes().all(|b| b.is_ascii_hexdigit());
    let description = if is_hash {
        raw.chars().take(12).collect::<String>()
    } else {
        match build {
            Some(build) => format!("{raw} ({build})"),
            None => raw.to_owned(),
        }
    };
    let mut parsed = Map::new();
    parsed.insert("raw".into(), json!(raw));
    let (core, pre) = match raw.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (raw, None),
    };
    let numbers: Vec<Option<u64>> = core.split('.').map(|p| p.parse().ok()).collect();
    if !is_hash && (1..=4).contains(&numbers.len()) && numbers.iter().all(Option::is_some) {
        let part = |i: usize| numbers.get(i).copied().flatten().unwrap_or(0);
        parsed.insert("major".into(), json!(part(0)));
        parsed.insert("minor".into(), json!(part(1)));
        parsed.insert("patch".into(), json!(part(2)));
        parsed.insert("revision".into(), json!(part(3)));
        parsed.insert("pre".into(), json!(pre));
        parsed.insert("buildCode".into(), json!(build));
        parsed.insert("components".into(), json!(numbers.len()));
    }
    let info = json!({
        "package": package,
        "version": parsed,
        "description": description,
        "buildHash": if is_hash { Some(raw) } else { None },
    });
    (description, info)
}

pub fn deploy_json(deploy: &DeployRecord) -> Value {
    json!({
        "id": deploy.id.to_string(),
        "environment": deploy.environment,
        "dateStarted": deploy.date_started.map(iso),
        "dateFinished": iso(deploy.date_finished),
        "name": deploy.name,
        "url": deploy.url,
    })
}

pub fn commit_json(commit: &CommitRecord) -> Value {
    let author = (commit.author_name.is_some() || commit.author_email.is_some())
        .then(|| json!({ "name": commit.author_name, "email": commit.author_email }));
    json!({
        "id": commit.sha,
        "message": commit.message,
        "dateCreated": commit.date_created.map(iso),
        "author": author,
        "repository": { "name": commit.repository },
    })
}

/// Sentry's provider object: `unknown` for a repository known only from commits.
fn provider_json(provider: Option<&str>) -> Value {
    let Some(id) = provider else {
        return json!({ "id": "unknown", "name": "Unknown Provider" });
    };
    let name = match id.trim_start_matches("integrations:") {
        "git" => "Git",
        "github" => "GitHub",
        "github_enterprise" => "GitHub Enterprise",
        "gitlab" => "GitLab",
        "bitbucket" => "Bitbucket",
        "bitbucket_server" => "Bitbucket Server",
        "vsts" | "visualstudio" => "Azure DevOps",
        other => other,
    };
    json!({ "id": id, "name": name })
}

pub fn repo_json(repo: &RepoRecord) -> Value {
    json!({
        "id": repo.id.to_string(),
        "name": repo.name,
        "url": repo.url,
        "provider": provider_json(repo.provider.as_deref()),
        "status": "active",
        "dateCreated": iso(repo.date_created),
        "integrationId": null,
        "externalSlug": null,
        "externalId": null,
    })
}

/// What a release list adds to each project of each release: (project id, version) to the
/// project's `healthData`, and to its event series.
#[derive(Debug, Default)]
pub struct Extras {
    pub health: Option<HashMap<(i64, String), Value>>,
    pub events: HashMap<(i64, String), Value>,
}

/// A release object.
pub fn release_json(summary: &ReleaseSummary, extras: &Extras) -> Value {
    let release = &summary.release;
    let (short, info) = version_info(&release.version);
    let projects: Vec<Value> = summary
        .projects
        .iter()
        .map(|p| {
            let key = (p.id, release.version.clone());
            let mut project = json!({
                "id": p.id,
                "slug": p.slug,
                "name": p.name,
                "newGroups": p.new_groups,
                "platform": p.platform,
                "platforms": p.platform.iter().collect::<Vec<_>>(),
                "hasHealthData": false,
                "eventCount": p.events,
            });
            if let Some(object) = project.as_object_mut() {
                if let Some(stats) = extras.events.get(&key) {
                    object.insert("eventStats".into(), stats.clone());
                }
                if let Some(health) = &extras.health {
                    let data = health.get(&key).cloned().unwrap_or(Value::Null);
                    let has = data["hasHealthData"].as_bool().unwrap_or(false);
                    object.insert("hasHealthData".into(), json!(has));
                    object.insert("healthData".into(), data);
                }
            }
            project
        })
        .collect();
    let authors: Vec<Value> =
        summary.authors.iter().map(|(name, email)| json!({ "name": name, "email": email })).collect();
    json!({
        "id": release.id,
        "version": release.version,
        "shortVersion": short,
        "status": release.status,
        "versionInfo": info,
        "ref": release.git_ref,
        "url": release.url,
        "dateReleased": release.date_released.map(iso),
        "dateCreated": iso(release.date_created),
        "dateStarted": release.date_started.map(iso),
        "data": {},
        "newGroups": summary.new_groups(),
        "owner": null,
        "commitCount": summary.commit_count,
        "lastCommit": summary.last_commit.as_ref().map(commit_json),
        "deployCount": summary.deploy_count,
        "lastDeploy": summary.last_deploy.as_ref().map(deploy_json),
        "authors": authors,
        "projects": projects,
        "firstEvent": summary.first_event.map(iso),
        "lastEvent": summary.last_event.map(iso),
        "currentProjectMeta": {},
        "userAgent": null,
    })
}

#[cfg(test)]
mod tests {
    use super::version_info;

    #[test]
    fn versions_read_as_sentry_reads_them() {
        let (short, info) = version_info("frontend@1.2.3-rc.1+42");
        assert_eq!(short, "1.2.3-rc.1 (42)");
        assert_eq!(info["package"], "frontend");
        assert_eq!((info["version"]["major"].as_u64(), info["version"]["pre"].as_str()), (Some(1), Some("rc.1")));
        let sha = "17642328ead24b51867165985996d04b29310337";
        let (short, info) = version_info(sha);
        assert_eq!(short, "17642328ead2");
        assert_eq!(info["buildHash"], sha);
        let (short, info) = version_info("nightly");
        assert_eq!((short.as_str(), info["version"]["major"].is_null()), ("nightly", true));
    }
}
