//! Releases read back for the Web API: an organization's releases newest first (by when each was
//! created, the order Sentry lists them in and the lifecycle rules rank them by), filtered by
//! project, version text and status, and for a page of them everything a release object
//! carries: its projects with the issues first seen in it and its events, first and last event,
//! commits and their authors, and deploys. Each of those is one query for the whole page, never
//! one per release. Writes are in [`super::release_writes`].

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params, params_from_iter, types::Value as Sql};

use super::StoreError;

/// A value per (project id, release version).
pub type PerRelease<T> = HashMap<(i64, String), T>;

/// An organization's release.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseRecord {
    pub id: i64,
    pub org_id: i64,
    pub version: String,
    pub date_created: f64,
    pub date_started: Option<f64>,
    pub date_released: Option<f64>,
    pub url: Option<String>,
    pub git_ref: Option<String>,
    /// `open` or `archived`.
    pub status: String,
}

/// One project of a release, with what happened in it there.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectInRelease {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub platform: Option<String>,
    /// Issues first seen in this release.
    pub new_groups: u64,
    /// Events in this release.
    pub events: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeployRecord {
    pub id: i64,
    pub environment: String,
    pub name: Option<String>,
    pub url: Option<String>,
    pub date_started: Option<f64>,
    pub date_finished: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommitRecord {
    pub sha: String,
    pub repository: String,
    pub message: Option<String>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub date_created: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RepoRecord {
    pub id: i64,
    pub name: String,
    pub url: Option<String>,
    /// `None` for a repository known only from the commits sent for a release.
    pub provider: Option<String>,
    pub date_created: f64,
}

/// A release with everything its Web API object carries.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseSummary {
    pub release: ReleaseRecord,
    pub projects: Vec<ProjectInRelease>,
    pub first_event: Option<f64>,
    pub last_event: Option<f64>,
    pub commit_count: u64,
    /// The newest commit (the head of the commits sent).
    pub last_commit: Option<CommitRecord>,
    /// (name, e-mail) of each distinct author.
    pub authors: Vec<(Option<String>, Option<String>)>,
    pub deploy_count: u64,
    pub last_deploy: Option<DeployRecord>,
}

impl ReleaseSummary {
    pub fn new_groups(&self) -> u64 {
        self.projects.iter().map(|p| p.new_groups).sum()
    }
}

/// Which releases a list shows.
#[derive(Debug, Clone, Default)]
pub struct ReleaseFilter {
    /// Releases of any of these projects; empty: all of the organization's.
    pub projects: Vec<i64>,
    /// A case-insensitive part of the version.
    pub query: Option<String>,
    /// `open` (Sentry's default), `archived`, or `None` for both.
    pub status: Option<String>,
}

const SELECT: &str = "SELECT r.id, r.org_id, r.version, r.date_created, r.date_started, r.date_released, r.url, r.ref,
    r.status FROM org_releases r";

fn record(row: &rusqlite::Row<'_>) -> rusqlite::Result<ReleaseRecord> {
    Ok(ReleaseRecord {
        id: row.get(0)?,
        org_id: row.get(1)?,
        version: row.get(2)?,
        date_created: row.get(3)?,
        date_started: row.get(4)?,
        date_released: row.get(5)?,
        url: row.get(6)?,
        git_ref: row.get(7)?,
        status: row.get(8)?,
    })
}

/// The organization's release `version`.
pub fn find(conn: &Connection, org_id: i64, version: &str) -> Result<Option<ReleaseRecord>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE r.org_id = ?1 AND r.version = ?2"))?
        .query_row(params![org_id, version], record)
        .optional()?)
}

/// Whether `project_id` uses the release `release_id`.
pub fn has_project(conn: &Connection, release_id: i64, project_id: i64) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM release_projects WHERE release_id = ?1 AND project_id = ?2")?
        .query_row(params![release_id, project_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// A page of the organization's releases matching `filter`, newest first, and how many match.
pub fn list(
    conn: &Connection,
    org_id: i64,
    filter: &ReleaseFilter,
    limit: usize,
    offset: usize,
) -> Result<(Vec<ReleaseRecord>, u64), StoreError> {
    let mut conditions = vec!["r.org_id = ?".to_string()];
    let mut args = vec![Sql::Integer(org_id)];
    if !filter.projects.is_empty() {
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM release_projects rp WHERE rp.release_id = r.id AND rp.project_id IN ({}))",
            vec!["?"; filter.projects.len()].join(", ")
        ));
        args.extend(filter.projects.iter().map(|&p| Sql::Integer(p)));
    }
    if let Some(text) = filter.query.as_deref().filter(|q| !q.is_empty()) {
        conditions.push("instr(lower(r.version), lower(?)) > 0".into());
        args.push(Sql::Text(text.to_owned()));
    }
    if let Some(status) = &filter.status {
        conditions.push("r.status = ?".into());
        args.push(Sql::Text(status.clone()));
    }
    let condition = conditions.join(" AND ");
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM org_releases r WHERE {condition}"))?
        .query_row(params_from_iter(args.iter()), |row| row.get(0))?;
    args.push(Sql::Integer(limit as i64));
    args.push(Sql::Integer(offset as i64));
    let sql = format!("{SELECT} WHERE {condition} ORDER BY r.date_created DESC, r.id DESC LIMIT ? OFFSET ?");
    let mut stmt = conn.prepare_cached(&sql)?;
    let records = stmt.query_map(params_from_iter(args), record)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((records, total.max(0) as u64))
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Everything the release objects of `releases` carry, in the same order.
pub fn summaries(conn: &Connection, releases: &[ReleaseRecord]) -> Result<Vec<ReleaseSummary>, StoreError> {
    if releases.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Sql> = releases.iter().map(|r| Sql::Integer(r.id)).collect();
    let marks = placeholders(ids.len());

    let mut projects: HashMap<i64, Vec<ProjectInRelease>> = HashMap::new();
    let sql = format!(
        "SELECT rp.release_id, p.id, p.slug, p.name, p.platform FROM release_projects rp JOIN projects p ON p.id = rp.project_id
         WHERE rp.release_id IN ({marks}) ORDER BY p.slug"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(ids.iter()))?;
    while let Some(row) = rows.next()? {
        projects.entry(row.get(0)?).or_default().push(ProjectInRelease {
            id: row.get(1)?,
            slug: row.get(2)?,
            name: row.get(3)?,
            platform: row.get(4)?,
            new_groups: 0,
            events: 0,
        });
    }

    // Per (project, version): new issues, events, first and last event.
    let project_ids: Vec<i64> = {
        let mut all: Vec<i64> = projects.values().flatten().map(|p| p.id).collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    let versions: Vec<Sql> = releases.iter().map(|r| Sql::Text(r.version.clone())).collect();
    let per_project = |sql: &str| -> Result<PerRelease<(i64, Option<f64>)>, StoreError> {
        let mut found = HashMap::new();
        if project_ids.is_empty() {
            return Ok(found);
        }
        let sql = sql
            .replace("{projects}", &placeholders(project_ids.len()))
            .replace("{versions}", &placeholders(versions.len()));
        let args: Vec<Sql> = project_ids.iter().map(|&p| Sql::Integer(p)).chain(versions.iter().cloned()).collect();
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        while let Some(row) = rows.next()? {
            found.insert((row.get(0)?, row.get(1)?), (row.get(2)?, row.get(3)?));
        }
        Ok(found)
    };
    let new_groups = per_project(
        "SELECT project_id, first_release, count(*), NULL FROM groups
         WHERE project_id IN ({projects}) AND first_release IN ({versions}) GROUP BY project_id, first_release",
    )?;
    let events = per_project(
        "SELECT project_id, version, sum(count), NULL FROM release_hours
         WHERE project_id IN ({projects}) AND version IN ({versions}) GROUP BY project_id, version",
    )?;
    let first_seen = per_project(
        "SELECT project_id, version, 0, first_seen FROM releases WHERE project_id IN ({projects}) AND version IN ({versions})",
    )?;
    let last_seen = per_project(
        "SELECT project_id, version, 0, last_seen FROM releases WHERE project_id IN ({projects}) AND version IN ({versions})",
    )?;

    let commits = commit_facts(conn, &ids, &marks)?;
    let deploys = deploy_facts(conn, &ids, &marks)?;
    Ok(releases
        .iter()
        .map(|release| {
            let mut in_release = projects.remove(&release.id).unwrap_or_default();
            let (mut first_event, mut last_event) = (None::<f64>, None::<f64>);
            for project in &mut in_release {
                let key = (project.id, release.version.clone());
                project.new_groups = new_groups.get(&key).map_or(0, |(n, _)| (*n).max(0) as u64);
                project.events = events.get(&key).map_or(0, |(n, _)| (*n).max(0) as u64);
                if let Some(at) = first_seen.get(&key).and_then(|(_, at)| *at) {
                    first_event = Some(first_event.map_or(at, |f| f.min(at)));
                }
                if let Some(at) = last_seen.get(&key).and_then(|(_, at)| *at) {
                    last_event = Some(last_event.map_or(at, |l| l.max(at)));
                }
            }
            let (commit_count, last_commit, authors) = commits.get(&release.id).cloned().unwrap_or_default();
            let (deploy_count, last_deploy) = deploys.get(&release.id).cloned().unwrap_or_default();
            ReleaseSummary {
                release: release.clone(),
                projects: in_release,
                first_event,
                last_event,
                commit_count,
                last_commit,
                authors,
                deploy_count,
                last_deploy,
            }
        })
        .collect())
}

type CommitFacts = (u64, Option<CommitRecord>, Vec<(Option<String>, Option<String>)>);

fn commit_facts(conn: &Connection, ids: &[Sql], marks: &str) -> Result<HashMap<i64, CommitFacts>, StoreError> {
    let sql = format!(
        "SELECT rc.release_id, c.sha, repo.name, c.message, c.author_name, c.author_email, c.date_created
         FROM release_commits rc JOIN commits c ON c.id = rc.commit_id JOIN repositories repo ON repo.id = c.repository_id
         WHERE rc.release_id IN ({marks}) ORDER BY rc.release_id, rc.position"
    );
    let mut facts: HashMap<i64, CommitFacts> = HashMap::new();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(ids.iter()))?;
    while let Some(row) = rows.next()? {
        let commit = commit_from(row, 1)?;
        let (count, last, authors) = facts.entry(row.get(0)?).or_default();
        *count += 1;
        let author = (commit.author_name.clone(), commit.author_email.clone());
        if (author.0.is_some() || author.1.is_some()) && !authors.contains(&author) {
            authors.push(author);
        }
        last.get_or_insert(commit);
    }
    Ok(facts)
}

fn commit_from(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<CommitRecord> {
    Ok(CommitRecord {
        sha: row.get(at)?,
        repository: row.get(at + 1)?,
        message: row.get(at + 2)?,
        author_name: row.get(at + 3)?,
        author_email: row.get(at + 4)?,
        date_created: row.get(at + 5)?,
    })
}

fn deploy_facts(
    conn: &Connection,
    ids: &[Sql],
    marks: &str,
) -> Result<HashMap<i64, (u64, Option<DeployRecord>)>, StoreError> {
    let sql = format!(
        "SELECT release_id, id, environment, name, url, date_started, date_finished FROM deploys
         WHERE release_id IN ({marks}) ORDER BY release_id, date_finished, id"
    );
    let mut facts: HashMap<i64, (u64, Option<DeployRecord>)> = HashMap::new();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(ids.iter()))?;
    while let Some(row) = rows.next()? {
        let (count, last) = facts.entry(row.get(0)?).or_default();
        *count += 1;
        *last = Some(deploy_from(row, 1)?);
    }
    Ok(facts)
}

fn deploy_from(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<DeployRecord> {
    Ok(DeployRecord {
        id: row.get(at)?,
        environment: row.get(at + 1)?,
        name: row.get(at + 2)?,
        url: row.get(at + 3)?,
        date_started: row.get(at + 4)?,
        date_finished: row.get(at + 5)?,
    })
}

/// The deploys of a release, oldest first.
pub fn deploys(conn: &Connection, release_id: i64) -> Result<Vec<DeployRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, environment, name, url, date_started, date_finished FROM deploys WHERE release_id = ?1
         ORDER BY date_finished, id",
    )?;
    Ok(stmt.query_map(params![release_id], |row| deploy_from(row, 0))?.collect::<rusqlite::Result<_>>()?)
}

/// The commits of a release, newest (the head) first.
pub fn commits(conn: &Connection, release_id: i64) -> Result<Vec<CommitRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.sha, repo.name, c.message, c.author_name, c.author_email, c.date_created
         FROM release_commits rc JOIN commits c ON c.id = rc.commit_id JOIN repositories repo ON repo.id = c.repository_id
         WHERE rc.release_id = ?1 ORDER BY rc.position",
    )?;
    Ok(stmt.query_map(params![release_id], |row| commit_from(row, 0))?.collect::<rusqlite::Result<_>>()?)
}

/// The newest release created before `release` in its organization that shares a project with
/// it and has commits: where `set-commits --local` stops walking the history.
pub fn previous_with_commits(conn: &Connection, release: &ReleaseRecord) -> Result<Option<ReleaseRecord>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE r.org_id = ?1 AND (r.date_created < ?2 OR (r.date_created = ?2 AND r.id < ?3))
           AND EXISTS (SELECT 1 FROM release_commits rc WHERE rc.release_id = r.id)
           AND EXISTS (SELECT 1 FROM release_projects a JOIN release_projects b ON a.project_id = b.project_id
                       WHERE a.release_id = r.id AND b.release_id = ?3)
         ORDER BY r.date_created DESC, r.id DESC LIMIT 1"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![release.org_id, release.date_created, release.id], record)
        .optional()?)
}

/// The organization's repositories, by name.
pub fn repositories(conn: &Connection, org_id: i64) -> Result<Vec<RepoRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, url, provider, date_created FROM repositories WHERE org_id = ?1 ORDER BY name",
    )?;
    Ok(stmt
        .query_map(params![org_id], |row| {
            Ok(RepoRecord {
                id: row.get(0)?,
                name: row.get(1)?,
                url: row.get(2)?,
                provider: row.get(3)?,
                date_created: row.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Events of each (project, version) per hour from `start_hour` on, for sparklines.
pub fn event_hours(
    conn: &Connection,
    project_ids: &[i64],
    versions: &[String],
    start_hour: i64,
) -> Result<PerRelease<Vec<(i64, u64)>>, StoreError> {
    let mut found: PerRelease<Vec<(i64, u64)>> = HashMap::new();
    if project_ids.is_empty() || versions.is_empty() {
        return Ok(found);
    }
    let sql = format!(
        "SELECT project_id, version, hour, count FROM release_hours
         WHERE project_id IN ({}) AND version IN ({}) AND hour >= ? ORDER BY hour",
        placeholders(project_ids.len()),
        placeholders(versions.len())
    );
    let args: Vec<Sql> = project_ids
        .iter()
        .map(|&p| Sql::Integer(p))
        .chain(versions.iter().map(|v| Sql::Text(v.clone())))
        .chain(std::iter::once(Sql::Integer(start_hour)))
        .collect();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(row) = rows.next()? {
        let count: i64 = row.get(3)?;
        found.entry((row.get(0)?, row.get(1)?)).or_default().push((row.get(2)?, count.max(0) as u64));
    }
    Ok(found)
}
