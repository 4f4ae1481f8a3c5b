//! Organizations, projects, their DSN keys, the Web API token and server metadata. On first
//! start [`bootstrap`] creates organization `local`, project `default` (id 1), a key and a
//! token, so a fresh data directory is usable at once.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{StoreError, now};

/// The organization every local project belongs to.
pub const LOCAL_ORG: &str = "local";
/// The project created on first start.
pub const DEFAULT_PROJECT: &str = "default";

/// A project with its (first active) DSN key.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ProjectInfo {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub platform: Option<String>,
    pub public_key: String,
    pub scrub_data: bool,
}

impl ProjectInfo {
    /// The DSN SDKs use: `http://KEY@HOST:PORT/ID` under `base_url`.
    pub fn dsn(&self, base_url: &str) -> String {
        let (scheme, rest) = base_url.split_once("://").unwrap_or(("http", base_url));
        format!("{scheme}://{}@{}/{}", self.public_key, rest.trim_end_matches('/'), self.id)
    }
}

/// A DSN key as the ingest path needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    pub project_id: i64,
    pub is_active: bool,
    pub scrub_data: bool,
}

/// Creates the local organization, the default project, its key and the API token when the
/// database is empty. Returns true when it did so.
pub fn bootstrap(conn: &mut Connection) -> Result<bool, StoreError> {
    // IMMEDIATE: read-then-write under a running server must take the write lock first, or the
    // stale read snapshot makes the write fail with SQLITE_BUSY instead of waiting.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let exists: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM organizations)", [], |row| row.get(0))?;
    if exists {
        return Ok(false);
    }
    let t = now();
    tx.execute(
        "INSERT INTO organizations (id, slug, name, date_created) VALUES (1, ?1, 'Local', ?2)",
        params![LOCAL_ORG, t],
    )?;
    insert_project(&tx, Some(1), DEFAULT_PROJECT, "Default", None)?;
    tx.execute(
        "INSERT INTO api_tokens (token, label, date_created) VALUES (?1, 'default', ?2)",
        params![new_token(), t],
    )?;
    tx.commit()?;
    Ok(true)
}

/// Checks a project slug: lowercase letters, digits, `-` and `_`, starting with a letter or
/// digit, at most 50 characters (Sentry's rule).
pub fn validate_slug(slug: &str) -> Result<(), StoreError> {
    let ok = !slug.is_empty()
        && slug.len() <= 50
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && slug.as_bytes()[0].is_ascii_alphanumeric()
        && !slug.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "invalid project slug {slug:?}: use 1-50 lowercase letters, digits, '-' or '_', starting with a letter or digit, and not only digits"
        )))
    }
}

/// Creates a project with its own DSN key.
pub fn create_project(conn: &mut Connection, slug: &str, platform: Option<&str>) -> Result<ProjectInfo, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let id = add_project(&tx, slug, slug, platform)?
        .ok_or_else(|| StoreError::Invalid(format!("a project with slug {slug:?} already exists")))?;
    tx.commit()?;
    find_project(conn, id)?.ok_or_else(|| StoreError::NotFound(format!("project {id}")))
}

/// Adds a project named `name` with its own DSN key inside `tx` (the Web API's writer call) and
/// returns its id, or `None` when the slug is taken.
pub fn add_project(
    tx: &rusqlite::Transaction<'_>,
    slug: &str,
    name: &str,
    platform: Option<&str>,
) -> Result<Option<i64>, StoreError> {
    validate_slug(slug)?;
    let taken: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM projects WHERE slug = ?1)", params![slug], |row| row.get(0))?;
    if taken {
        return Ok(None);
    }
    insert_project(tx, None, slug, name, platform).map(Some)
}

fn insert_project(
    tx: &rusqlite::Transaction<'_>,
    id: Option<i64>,
    slug: &str,
    name: &str,
    platform: Option<&str>,
) -> Result<i64, StoreError> {
    let t = now();
    tx.execute(
        "INSERT INTO projects (id, org_id, slug, name, platform, date_created) VALUES (?1, 1, ?2, ?3, ?4, ?5)",
        params![id, slug, name, platform, t],
    )?;
    let project_id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO project_keys (project_id, label, public_key, secret_key, date_created) VALUES (?1, 'Default', ?2, ?3, ?4)",
        params![project_id, new_key(), new_key(), t],
    )?;
    super::alerts::rules::insert_default(tx, project_id, t)?;
    Ok(project_id)
}

const PROJECT_SELECT: &str = "SELECT p.id, p.slug, p.name, p.platform, k.public_key, p.scrub_data
     FROM projects p JOIN project_keys k ON k.id = (
        SELECT id FROM project_keys WHERE project_id = p.id AND is_active = 1 ORDER BY id LIMIT 1)";

fn project_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ProjectInfo> {
    Ok(ProjectInfo {
        id: row.get(0)?,
        slug: row.get(1)?,
        name: row.get(2)?,
        platform: row.get(3)?,
        public_key: row.get(4)?,
        scrub_data: row.get(5)?,
    })
}

/// Every project, by id.
pub fn list_projects(conn: &Connection) -> Result<Vec<ProjectInfo>, StoreError> {
    let mut stmt = conn.prepare(&format!("{PROJECT_SELECT} ORDER BY p.id"))?;
    let rows = stmt.query_map([], project_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One project by id.
pub fn find_project(conn: &Connection, id: i64) -> Result<Option<ProjectInfo>, StoreError> {
    Ok(conn.query_row(&format!("{PROJECT_SELECT} WHERE p.id = ?1"), params![id], project_from_row).optional()?)
}

/// Turns server-side scrubbing on or off for a project.
pub fn set_scrubbing(conn: &Connection, project_id: i64, enabled: bool) -> Result<(), StoreError> {
    let changed = conn.execute("UPDATE projects SET scrub_data = ?2 WHERE id = ?1", params![project_id, enabled])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("project {project_id}")));
    }
    Ok(())
}

/// Looks up a DSN public key.
pub fn find_key(conn: &Connection, public_key: &str) -> Result<Option<KeyInfo>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT k.project_id, k.is_active, p.scrub_data FROM project_keys k JOIN projects p ON p.id = k.project_id
             WHERE k.public_key = ?1",
        )?
        .query_row(params![public_key], |row| {
            Ok(KeyInfo { project_id: row.get(0)?, is_active: row.get(1)?, scrub_data: row.get(2)? })
        })
        .optional()?)
}

/// Whether a project with this id exists.
pub fn project_exists(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM projects WHERE id = ?1)", params![id], |row| row.get(0))?)
}

/// The Web API token.
pub fn api_token(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT token FROM api_tokens ORDER BY id LIMIT 1", [], |row| row.get(0)).optional()?)
}

/// Reads a metadata value.
pub fn meta(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", params![key], |row| row.get(0)).optional()?)
}

/// Writes a metadata value.
pub fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Metadata key holding the base URL SDKs reach this server at.
pub const META_PUBLIC_URL: &str = "public_url";

/// The base URL used in DSNs: what the last `sift serve` announced, else the default address.
pub fn public_url(conn: &Connection) -> Result<String, StoreError> {
    Ok(meta(conn, META_PUBLIC_URL)?.unwrap_or_else(|| "http://127.0.0.1:9000".to_string()))
}

/// A DSN key: 32 lowercase hex characters, like Sentry's.
fn new_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A Web API token: `sntryu_` and 64 hex characters, the shape of a Sentry user token, so
/// sentry-cli treats it as one and honours `SENTRY_URL`.
fn new_token() -> String {
    format!("sntryu_{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_admin(&dir.path().join("t.db")).unwrap();
        (dir, conn)
    }

    #[test]
    fn bootstrap_creates_default_project_once() {
        let (_dir, mut conn) = db();
        assert!(bootstrap(&mut conn).unwrap());
        assert!(!bootstrap(&mut conn).unwrap());
        let projects = list_projects(&conn).unwrap();
        assert_eq!(projects.len(), 1);
        assert_eq!((projects[0].id, projects[0].slug.as_str()), (1, "default"));
        assert_eq!(projects[0].public_key.len(), 32);
        let token = api_token(&conn).unwrap().unwrap();
        assert!(token.starts_with("sntryu_") && token.len() == 71);
    }

    #[test]
    fn dsn_shape() {
        let p = ProjectInfo {
            id: 3,
            slug: "x".into(),
            name: "x".into(),
            platform: None,
            public_key: "abc".into(),
            scrub_data: true,
        };
        assert_eq!(p.dsn("http://127.0.0.1:9000"), "http://abc@127.0.0.1:9000/3");
        assert_eq!(p.dsn("https://sift.example.org/"), "https://abc@sift.example.org/3");
    }

    #[test]
    fn create_project_validates_and_rejects_duplicates() {
        let (_dir, mut conn) = db();
        bootstrap(&mut conn).unwrap();
        let p = create_project(&mut conn, "python", None).unwrap();
        assert_eq!(p.id, 2);
        assert_ne!(p.public_key, list_projects(&conn).unwrap()[0].public_key);
        assert!(create_project(&mut conn, "python", None).unwrap_err().to_string().contains("already exists"));
        for bad in ["", "Upper", "-x", "a b", "123", &"a".repeat(51)] {
            assert!(create_project(&mut conn, bad, None).is_err(), "{bad:?}");
        }
        let key = find_key(&conn, &p.public_key).unwrap().unwrap();
        assert_eq!(key.project_id, 2);
        assert!(find_key(&conn, "nope").unwrap().is_none());
    }
}
