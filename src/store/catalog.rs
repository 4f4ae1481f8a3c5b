//! Reads of the organization catalogue for the Web API: organizations, their projects and DSN
//! keys, environments and releases, and the check of a Web API token. Names in URLs may be a
//! slug or a numeric id, as in Sentry.

use rusqlite::{Connection, OptionalExtension, params};
use subtle::ConstantTimeEq;

use super::StoreError;

/// An organization.
#[derive(Debug, Clone, PartialEq)]
pub struct Org {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub date_created: f64,
}

/// A project as the Web API lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: i64,
    pub org_id: i64,
    pub slug: String,
    pub name: String,
    pub platform: Option<String>,
    pub date_created: f64,
    /// When the project's first issue was first seen (unix seconds), if any event arrived.
    pub first_event: Option<f64>,
}

/// A DSN key of a project.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub id: i64,
    pub project_id: i64,
    pub label: String,
    pub public_key: String,
    pub secret_key: String,
    pub is_active: bool,
    pub date_created: f64,
}

/// A release of a project: its first and last event there, and the organization's record of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub version: String,
    pub first_seen: f64,
    pub last_seen: f64,
    /// When the release was created (by sentry-cli, or by its first event or session).
    pub date_created: f64,
    pub date_released: Option<f64>,
    pub url: Option<String>,
    pub git_ref: Option<String>,
}

fn org_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Org> {
    Ok(Org { id: row.get(0)?, slug: row.get(1)?, name: row.get(2)?, date_created: row.get(3)? })
}

/// Every organization.
pub fn orgs(conn: &Connection) -> Result<Vec<Org>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, slug, name, date_created FROM organizations ORDER BY id")?;
    Ok(stmt.query_map([], org_from_row)?.collect::<rusqlite::Result<_>>()?)
}

/// An organization by slug or numeric id.
pub fn find_org(conn: &Connection, id_or_slug: &str) -> Result<Option<Org>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, slug, name, date_created FROM organizations WHERE slug = ?1 OR CAST(id AS TEXT) = ?1",
        )?
        .query_row(params![id_or_slug], org_from_row)
        .optional()?)
}

const PROJECT_SELECT: &str = "SELECT p.id, p.org_id, p.slug, p.name, p.platform, p.date_created,
    (SELECT min(g.first_seen) FROM groups g WHERE g.project_id = p.id) FROM projects p";

fn project_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Project> {
    Ok(Project {
        id: row.get(0)?,
        org_id: row.get(1)?,
        slug: row.get(2)?,
        name: row.get(3)?,
        platform: row.get(4)?,
        date_created: row.get(5)?,
        first_event: row.get(6)?,
    })
}

/// The projects of an organization (`None`: of every organization), by id.
pub fn projects(conn: &Connection, org_id: Option<i64>) -> Result<Vec<Project>, StoreError> {
    let sql = format!("{PROJECT_SELECT} WHERE ?1 IS NULL OR p.org_id = ?1 ORDER BY p.id");
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt.query_map(params![org_id], project_from_row)?.collect::<rusqlite::Result<_>>()?)
}

/// A project of an organization by slug or numeric id.
pub fn find_project(conn: &Connection, org_id: i64, id_or_slug: &str) -> Result<Option<Project>, StoreError> {
    let sql = format!("{PROJECT_SELECT} WHERE p.org_id = ?1 AND (p.slug = ?2 OR CAST(p.id AS TEXT) = ?2)");
    Ok(conn.prepare_cached(&sql)?.query_row(params![org_id, id_or_slug], project_from_row).optional()?)
}

/// The DSN keys of a project.
pub fn keys(conn: &Connection, project_id: i64) -> Result<Vec<Key>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, project_id, label, public_key, secret_key, is_active, date_created FROM project_keys
         WHERE project_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![project_id], |row| {
        Ok(Key {
            id: row.get(0)?,
            project_id: row.get(1)?,
            label: row.get(2)?,
            public_key: row.get(3)?,
            secret_key: row.get(4)?,
            is_active: row.get(5)?,
            date_created: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Environment names seen in an organization's projects (only `projects` when not empty).
pub fn environments(conn: &Connection, org_id: i64, projects: &[i64]) -> Result<Vec<String>, StoreError> {
    let filter = if projects.is_empty() {
        String::new()
    } else {
        format!(" AND p.id IN ({})", vec!["?"; projects.len()].join(", "))
    };
    let sql = format!(
        "SELECT DISTINCT e.name FROM environments e JOIN projects p ON p.id = e.project_id
         WHERE p.org_id = ?1{filter} ORDER BY e.name"
    );
    let args: Vec<i64> = std::iter::once(org_id).chain(projects.iter().copied()).collect();
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt.query_map(rusqlite::params_from_iter(args), |row| row.get(0))?.collect::<rusqlite::Result<_>>()?)
}

/// A release of a project.
pub fn release(conn: &Connection, project_id: i64, version: &str) -> Result<Option<Release>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT r.version, r.first_seen, r.last_seen, coalesce(o.date_created, r.first_seen), o.date_released, o.url, o.ref
             FROM releases r JOIN projects p ON p.id = r.project_id
             LEFT JOIN org_releases o ON o.org_id = p.org_id AND o.version = r.version
             WHERE r.project_id = ?1 AND r.version = ?2",
        )?
        .query_row(params![project_id, version], |row| {
            Ok(Release {
                version: row.get(0)?,
                first_seen: row.get(1)?,
                last_seen: row.get(2)?,
                date_created: row.get(3)?,
                date_released: row.get(4)?,
                url: row.get(5)?,
                git_ref: row.get(6)?,
            })
        })
        .optional()?)
}

/// Whether `token` is a Web API token of this server, compared in constant time.
pub fn token_valid(conn: &Connection, token: &str) -> Result<bool, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT token FROM api_tokens")?;
    let tokens = stmt.query_map([], |row| row.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(tokens.iter().fold(false, |found, known| found | bool::from(known.as_bytes().ct_eq(token.as_bytes()))))
}
