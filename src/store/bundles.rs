//! Uploaded source maps: chunks waiting to be assembled and artifact bundles with their files
//! (schema version 7). Writes take a transaction from the writer thread ([`super::WriterHandle::call`]);
//! reads take any connection. Blobs arrive here already compressed ([`super::codec`]) and leave
//! compressed, so no caller inflates on the writer thread. Nothing here parses a zip or a map.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::StoreError;

/// One chunk of an upload: its SHA-1 (lowercase hex), its size before compression, and its
/// compressed bytes.
#[derive(Debug, Clone)]
pub struct NewChunk {
    pub checksum: String,
    pub size: usize,
    pub data: Vec<u8>,
}

/// A file of an assembled bundle, compressed.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub path: String,
    pub url: Option<String>,
    pub kind: String,
    pub debug_id: Option<String>,
    pub sourcemap: Option<String>,
    pub size: usize,
    pub data: Vec<u8>,
}

/// An assembled bundle ready to be stored.
#[derive(Debug, Clone)]
pub struct NewBundle {
    pub org_id: i64,
    pub checksum: String,
    pub bundle_id: Option<String>,
    pub size: usize,
    pub files: Vec<NewFile>,
}

/// Where a bundle applies: projects, and the release and dist it was uploaded for.
#[derive(Debug, Clone, Default)]
pub struct Link {
    pub projects: Vec<i64>,
    pub release: Option<String>,
    pub dist: Option<String>,
}

/// A stored file, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    pub id: i64,
    pub bundle: i64,
    pub url: Option<String>,
    pub kind: String,
    pub sourcemap: Option<String>,
}

/// Chunks older than this are dropped at the next assembly: an upload that stopped half-way
/// does not keep its chunks for ever.
const STALE_CHUNK_SECS: f64 = 24.0 * 3600.0;

/// Which of `checksums` the organization does not have yet, in the order given.
pub fn missing_chunks(conn: &Connection, org_id: i64, checksums: &[String]) -> Result<Vec<String>, StoreError> {
    let mut present = conn.prepare_cached("SELECT 1 FROM upload_chunks WHERE org_id = ?1 AND checksum = ?2")?;
    let mut missing = Vec::new();
    for checksum in checksums {
        if !present.exists(params![org_id, checksum])? && !missing.contains(checksum) {
            missing.push(checksum.clone());
        }
    }
    Ok(missing)
}

/// Stores chunks; one already present is kept as it is (chunks are addressed by content).
pub fn put_chunks(tx: &Transaction<'_>, org_id: i64, chunks: &[NewChunk], now: f64) -> Result<(), StoreError> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO upload_chunks (org_id, checksum, size, received, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for chunk in chunks {
        insert.execute(params![org_id, chunk.checksum, chunk.size as i64, now, chunk.data])?;
    }
    Ok(())
}

/// A chunk's compressed bytes.
pub fn chunk(conn: &Connection, org_id: i64, checksum: &str) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT data FROM upload_chunks WHERE org_id = ?1 AND checksum = ?2")?
        .query_row(params![org_id, checksum], |row| row.get(0))
        .optional()?)
}

/// The bundle with this checksum, if the organization has it.
pub fn find_bundle(conn: &Connection, org_id: i64, checksum: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM artifact_bundles WHERE org_id = ?1 AND checksum = ?2")?
        .query_row(params![org_id, checksum], |row| row.get(0))
        .optional()?)
}

/// Stores an assembled bundle (or finds the one with the same checksum), links it, and drops
/// the chunks it was assembled from. Returns the bundle's id.
pub fn insert_bundle(
    tx: &Transaction<'_>,
    bundle: &NewBundle,
    chunks: &[String],
    link: &Link,
    now: f64,
) -> Result<i64, StoreError> {
    let id = match find_bundle(tx, bundle.org_id, &bundle.checksum)? {
        Some(id) => id,
        None => {
            tx.prepare_cached(
                "INSERT INTO artifact_bundles (org_id, checksum, bundle_id, size, file_count, date_created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                bundle.org_id,
                bundle.checksum,
                bundle.bundle_id,
                bundle.size as i64,
                bundle.files.len() as i64,
                now
            ])?;
            let id = tx.last_insert_rowid();
            let mut insert = tx.prepare_cached(
                "INSERT INTO artifact_files (bundle, path, url, kind, debug_id, sourcemap, size, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for file in &bundle.files {
                insert.execute(params![
                    id,
                    file.path,
                    file.url,
                    file.kind,
                    file.debug_id,
                    file.sourcemap,
                    file.size as i64,
                    file.data
                ])?;
            }
            id
        }
    };
    link_bundle(tx, id, link, now)?;
    let mut drop_chunk = tx.prepare_cached("DELETE FROM upload_chunks WHERE org_id = ?1 AND checksum = ?2")?;
    for checksum in chunks {
        drop_chunk.execute(params![bundle.org_id, checksum])?;
    }
    tx.prepare_cached("DELETE FROM upload_chunks WHERE received < ?1")?.execute(params![now - STALE_CHUNK_SECS])?;
    Ok(id)
}

/// Ties a stored bundle to projects for a release and dist (again: links are kept once).
pub fn link_bundle(tx: &Transaction<'_>, bundle: i64, link: &Link, now: f64) -> Result<(), StoreError> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO artifact_bundle_links (project_id, release, dist, bundle, date_added)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for project in &link.projects {
        insert.execute(params![
            project,
            link.release.as_deref().unwrap_or(""),
            link.dist.as_deref().unwrap_or(""),
            bundle,
            now
        ])?;
    }
    Ok(())
}

/// Every project with at least one bundle.
pub fn projects_with_bundles(conn: &Connection) -> Result<Vec<i64>, StoreError> {
    let mut statement = conn.prepare("SELECT DISTINCT project_id FROM artifact_bundle_links")?;
    let ids = statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids)
}

/// Bundles tied to a project, newest first: (id, release, dist, files).
pub fn project_bundles(conn: &Connection, project_id: i64) -> Result<Vec<(i64, String, String, i64)>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT b.id, l.release, l.dist, b.file_count FROM artifact_bundle_links l
         JOIN artifact_bundles b ON b.id = l.bundle WHERE l.project_id = ?1 ORDER BY l.date_added DESC, b.id DESC",
    )?;
    let rows = statement
        .query_map(params![project_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn file_ref(row: &rusqlite::Row<'_>) -> rusqlite::Result<FileRef> {
    Ok(FileRef { id: row.get(0)?, bundle: row.get(1)?, url: row.get(2)?, kind: row.get(3)?, sourcemap: row.get(4)? })
}

/// The newest file of a project's bundles with this debug id and kind (`source_map`,
/// `minified_source`).
pub fn file_by_debug_id(
    conn: &Connection,
    project_id: i64,
    debug_id: &str,
    kind: &str,
) -> Result<Option<FileRef>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT f.id, f.bundle, f.url, f.kind, f.sourcemap FROM artifact_files f
             WHERE f.debug_id = ?2 AND f.kind = ?3
               AND EXISTS (SELECT 1 FROM artifact_bundle_links l WHERE l.bundle = f.bundle AND l.project_id = ?1)
             ORDER BY f.bundle DESC LIMIT 1",
        )?
        .query_row(params![project_id, debug_id, kind], file_ref)
        .optional()?)
}

/// The newest file of a project's bundles for `release` and `dist` ('' for none) whose URL is
/// one of `urls`, tried in order; `bundle` narrows the search to one bundle.
pub fn file_by_url(
    conn: &Connection,
    project_id: i64,
    release: &str,
    dist: &str,
    urls: &[String],
    bundle: Option<i64>,
) -> Result<Option<FileRef>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT f.id, f.bundle, f.url, f.kind, f.sourcemap FROM artifact_files f
         JOIN artifact_bundle_links l ON l.bundle = f.bundle
         WHERE f.url = ?4 AND l.project_id = ?1 AND l.release = ?2 AND l.dist = ?3 AND (?5 IS NULL OR f.bundle = ?5)
         ORDER BY l.date_added DESC, f.bundle DESC LIMIT 1",
    )?;
    for url in urls {
        if let Some(found) =
            statement.query_row(params![project_id, release, dist, url, bundle], file_ref).optional()?
        {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// A stored file's compressed bytes.
pub fn file_data(conn: &Connection, file: i64) -> Result<Vec<u8>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT data FROM artifact_files WHERE id = ?1")?
        .query_row(params![file], |row| row.get(0))?)
}
