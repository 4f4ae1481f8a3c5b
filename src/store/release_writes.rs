//! Changes to releases, run on the writer: create (or, for a version that exists, add projects
//! and apply the fields sent, as Sentry's create does), update (finalize with `date_released`,
//! archive, restore), delete (refused while an issue was first seen in the release, as Sentry
//! refuses), deploys, the commits sent by `set-commits` (replacing the release's commits;
//! repositories named by them are made as Sentry makes them, with no provider) and refs (which
//! must name known repositories), and repositories registered directly.

use rusqlite::{OptionalExtension, Transaction, params};

use super::StoreError;
use super::releases::{self, DeployRecord, ReleaseRecord, RepoRecord};

/// Sentry's rule for a release version: at most 200 characters, no line breaks, tabs or slashes,
/// and not empty, `.`, `..` or `latest` (which means the newest release in searches).
pub fn check_version(version: &str) -> Result<(), String> {
    let trimmed = version.trim();
    if version.chars().any(|c| matches!(c, '\r' | '\n' | '\x0c' | '\t' | '/' | '\\')) {
        return Err(format!("Invalid release version {version:?}: it may not contain line breaks, tabs or slashes"));
    }
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." || trimmed.eq_ignore_ascii_case("latest") {
        return Err(format!("Invalid release version {version:?}"));
    }
    if version.chars().count() > 200 {
        return Err("Invalid release version: longer than 200 characters".into());
    }
    Ok(())
}

/// Fields a create or an update may set; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReleaseFields {
    pub url: Option<Option<String>>,
    pub git_ref: Option<Option<String>>,
    pub date_started: Option<Option<f64>>,
    pub date_released: Option<Option<f64>>,
    /// `open` or `archived`.
    pub status: Option<String>,
    /// Projects to link the release to (added, never removed).
    pub projects: Vec<i64>,
}

/// Creates release `version` in `org_id` at `now`, or applies `fields` to the one that exists;
/// true when it was created. A new release needs at least one project.
pub fn create(
    tx: &Transaction<'_>,
    org_id: i64,
    version: &str,
    fields: &ReleaseFields,
    now: f64,
) -> Result<(ReleaseRecord, bool), StoreError> {
    check_version(version).map_err(StoreError::Invalid)?;
    let created = match releases::find(tx, org_id, version)? {
        Some(_) => false,
        None => {
            if fields.projects.is_empty() {
                return Err(StoreError::Invalid("projects: a new release needs at least one project".into()));
            }
            tx.prepare_cached("INSERT INTO org_releases (org_id, version, date_created) VALUES (?1, ?2, ?3)")?
                .execute(params![org_id, version, now])?;
            true
        }
    };
    let release = releases::find(tx, org_id, version)?.ok_or_else(|| StoreError::NotFound("release".into()))?;
    Ok((update(tx, &release, fields)?, created))
}

/// Applies `fields` to `release` and returns it as it now is.
pub fn update(
    tx: &Transaction<'_>,
    release: &ReleaseRecord,
    fields: &ReleaseFields,
) -> Result<ReleaseRecord, StoreError> {
    if let Some(status) = &fields.status
        && status != "open"
        && status != "archived"
    {
        return Err(StoreError::Invalid(format!("status: {status:?} is not a valid choice; valid: open, archived")));
    }
    tx.prepare_cached(
        "UPDATE org_releases SET
            url = CASE WHEN ?2 THEN ?3 ELSE url END,
            ref = CASE WHEN ?4 THEN ?5 ELSE ref END,
            date_started = CASE WHEN ?6 THEN ?7 ELSE date_started END,
            date_released = CASE WHEN ?8 THEN ?9 ELSE date_released END,
            status = coalesce(?10, status)
         WHERE id = ?1",
    )?
    .execute(params![
        release.id,
        fields.url.is_some(),
        fields.url.clone().flatten(),
        fields.git_ref.is_some(),
        fields.git_ref.clone().flatten(),
        fields.date_started.is_some(),
        fields.date_started.flatten(),
        fields.date_released.is_some(),
        fields.date_released.flatten(),
        fields.status
    ])?;
    for project in &fields.projects {
        tx.prepare_cached("INSERT OR IGNORE INTO release_projects (release_id, project_id) VALUES (?1, ?2)")?
            .execute(params![release.id, project])?;
    }
    releases::find(tx, release.org_id, &release.version)?.ok_or_else(|| StoreError::NotFound("release".into()))
}

/// Deletes `release`, unless an issue was first seen in it.
pub fn delete(tx: &Transaction<'_>, release: &ReleaseRecord) -> Result<(), StoreError> {
    let referenced: Option<i64> = tx
        .prepare_cached(
            "SELECT 1 FROM groups g JOIN projects p ON p.id = g.project_id
             WHERE p.org_id = ?1 AND g.first_release = ?2 LIMIT 1",
        )?
        .query_row(params![release.org_id, release.version], |row| row.get(0))
        .optional()?;
    if referenced.is_some() {
        return Err(StoreError::Invalid("This release is referenced by active issues and cannot be removed.".into()));
    }
    tx.prepare_cached("DELETE FROM org_releases WHERE id = ?1")?.execute(params![release.id])?;
    Ok(())
}

/// A deploy to record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewDeploy {
    pub environment: String,
    pub name: Option<String>,
    pub url: Option<String>,
    pub date_started: Option<f64>,
    pub date_finished: f64,
    /// Projects that gain the environment (the release's own when empty).
    pub projects: Vec<i64>,
}

/// Records a deploy of `release`; the environment becomes known to its projects.
pub fn add_deploy(
    tx: &Transaction<'_>,
    release: &ReleaseRecord,
    deploy: &NewDeploy,
) -> Result<DeployRecord, StoreError> {
    tx.prepare_cached(
        "INSERT INTO deploys (release_id, environment, name, url, date_started, date_finished) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![release.id, deploy.environment, deploy.name, deploy.url, deploy.date_started, deploy.date_finished])?;
    let id = tx.last_insert_rowid();
    let projects: Vec<i64> = if deploy.projects.is_empty() {
        let mut stmt = tx.prepare_cached("SELECT project_id FROM release_projects WHERE release_id = ?1")?;
        stmt.query_map(params![release.id], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?
    } else {
        deploy.projects.clone()
    };
    for project in projects {
        tx.prepare_cached("INSERT OR IGNORE INTO environments (project_id, name, first_seen) VALUES (?1, ?2, ?3)")?
            .execute(params![project, deploy.environment, deploy.date_finished])?;
    }
    Ok(DeployRecord {
        id,
        environment: deploy.environment.clone(),
        name: deploy.name.clone(),
        url: deploy.url.clone(),
        date_started: deploy.date_started,
        date_finished: deploy.date_finished,
    })
}

/// A commit as `set-commits` sends it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewCommit {
    pub sha: String,
    /// `None`: the organization's default repository, as in Sentry.
    pub repository: Option<String>,
    pub message: Option<String>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub date_created: Option<f64>,
}

fn repository_id(tx: &Transaction<'_>, org_id: i64, name: &str, now: f64) -> Result<i64, StoreError> {
    tx.prepare_cached("INSERT OR IGNORE INTO repositories (org_id, name, date_created) VALUES (?1, ?2, ?3)")?
        .execute(params![org_id, name, now])?;
    Ok(tx
        .prepare_cached("SELECT id FROM repositories WHERE org_id = ?1 AND name = ?2")?
        .query_row(params![org_id, name], |row| row.get(0))?)
}

/// Replaces the commits of `release` with `commits`, newest first.
pub fn set_commits(
    tx: &Transaction<'_>,
    release: &ReleaseRecord,
    commits: &[NewCommit],
    now: f64,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM release_commits WHERE release_id = ?1")?.execute(params![release.id])?;
    let default_repo = format!("organization-{}", release.org_id);
    for (position, commit) in commits.iter().enumerate() {
        let repo = repository_id(tx, release.org_id, commit.repository.as_deref().unwrap_or(&default_repo), now)?;
        tx.prepare_cached(
            "INSERT INTO commits (repository_id, sha, message, author_name, author_email, date_created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (repository_id, sha) DO UPDATE SET
                message = coalesce(excluded.message, message), author_name = coalesce(excluded.author_name, author_name),
                author_email = coalesce(excluded.author_email, author_email),
                date_created = coalesce(excluded.date_created, date_created)",
        )?
        .execute(params![repo, commit.sha, commit.message, commit.author_name, commit.author_email, commit.date_created])?;
        let commit_id: i64 = tx
            .prepare_cached("SELECT id FROM commits WHERE repository_id = ?1 AND sha = ?2")?
            .query_row(params![repo, commit.sha], |row| row.get(0))?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO release_commits (release_id, position, commit_id) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![release.id, position as i64, commit_id])?;
    }
    Ok(())
}

/// A repository's head commit for a release (`set-commits --auto` or `--commit REPO@SHA`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewRef {
    pub repository: String,
    pub commit: String,
    pub previous_commit: Option<String>,
}

/// Sets the release's commits to the head commit of each ref. Sentry would fetch the commits
/// between `previous_commit` and the head from the repository's provider; sift reaches no
/// provider, so the heads are what it knows. Every ref must name a known repository.
pub fn set_refs(tx: &Transaction<'_>, release: &ReleaseRecord, refs: &[NewRef], now: f64) -> Result<(), StoreError> {
    let known = releases::repositories(tx, release.org_id)?;
    let unknown: Vec<&str> = refs
        .iter()
        .map(|r| r.repository.as_str())
        .filter(|name| !known.iter().any(|k| k.name.eq_ignore_ascii_case(name)))
        .collect();
    if !unknown.is_empty() {
        return Err(StoreError::Invalid(format!("Invalid repository names: {}", unknown.join(", "))));
    }
    let heads: Vec<NewCommit> = refs
        .iter()
        .map(|r| {
            let name = known.iter().find(|k| k.name.eq_ignore_ascii_case(&r.repository)).map(|k| k.name.clone());
            NewCommit { sha: r.commit.clone(), repository: name, ..NewCommit::default() }
        })
        .collect();
    set_commits(tx, release, &heads, now)
}

/// Registers a repository; its name must be new in the organization.
pub fn add_repository(
    tx: &Transaction<'_>,
    org_id: i64,
    name: &str,
    url: Option<&str>,
    provider: Option<&str>,
    now: f64,
) -> Result<RepoRecord, StoreError> {
    let inserted = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO repositories (org_id, name, url, provider, date_created) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![org_id, name, url, provider, now])?;
    if inserted == 0 {
        return Err(StoreError::Invalid(format!("A repository named {name:?} already exists")));
    }
    Ok(RepoRecord {
        id: tx.last_insert_rowid(),
        name: name.to_owned(),
        url: url.map(str::to_owned),
        provider: provider.map(str::to_owned),
        date_created: now,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_follow_sentrys_rule() {
        for good in ["1.2.3", "web@1.2.3+build.7", "backend-2026.11.20", "a b"] {
            assert!(super::check_version(good).is_ok(), "{good}");
        }
        for bad in ["", "  ", ".", "..", "latest", "LATEST", "a/b", "a\\b", "a\nb", "a\tb", &"x".repeat(201)] {
            assert!(super::check_version(bad).is_err(), "{bad:?}");
        }
    }
}
