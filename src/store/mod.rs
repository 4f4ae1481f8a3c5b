//! sift's store: SQLite (bundled) in WAL mode with embedded migrations. One writer thread owns
//! all writes and commits them in batches (see [`writer`]); reads open their own connections,
//! which WAL lets run beside the writer. Every query uses bound parameters and lives under this
//! module; nothing here knows about HTTP.

pub mod alerts;
mod apply;
pub mod attachments;
pub mod bundles;
pub mod catalog;
pub mod codec;
pub mod events;
pub mod feedback;
mod group_row;
pub mod health;
pub mod issue_list;
pub mod issues;
mod monitor_apply;
pub mod monitors;
pub mod notes;
pub mod projects;
mod release_tally;
pub mod release_writes;
pub mod releases;
pub mod schema;
pub mod sessions;
pub mod short_id;
pub mod tags;
pub mod traces;
pub mod transactions;
pub mod triage;
pub mod types;
mod writer;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::config::Durability;
pub use feedback::NewFeedback;
pub use monitors::{MonitorFailure, MonitorWrite, NewCheckIn};
pub use types::{Committed, EventOutcome, NewEvent, NewItem, TimeWindow, WriteJob};
pub use writer::WriterHandle;

/// Failures of the store, typed where callers branch on them.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
    #[error("stored blob is unreadable: {0}")]
    Blob(#[from] std::io::Error),
    #[error("the database writer has stopped")]
    WriterGone,
    #[error("write failed: {0}")]
    Write(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0} not found")]
    NotFound(String),
}

/// An open store: the writer handle plus what is needed to open readers.
#[derive(Clone)]
pub struct Store {
    path: PathBuf,
    writer: WriterHandle,
}

impl Store {
    /// Opens (creating and migrating as needed) the database at `path` and starts its writer.
    pub fn open(path: &Path, durability: Durability) -> Result<Self, StoreError> {
        let mut conn = open_connection(path, false)?;
        let sync = match durability {
            Durability::Normal => "NORMAL",
            Durability::Full => "FULL",
        };
        conn.pragma_update(None, "synchronous", sync)?;
        schema::migrate(&mut conn)?;
        restrict_permissions(path);
        let writer = WriterHandle::spawn(conn)?;
        Ok(Self { path: path.to_path_buf(), writer })
    }

    /// The handle that commits events.
    pub fn writer(&self) -> &WriterHandle {
        &self.writer
    }

    /// A fresh connection for reads (and for the rare administrative write from the CLI).
    pub fn connection(&self) -> Result<Connection, StoreError> {
        open_connection(&self.path, false)
    }

    /// Runs `f` on a read connection off the async threads, in one read transaction: every
    /// statement of `f` sees the same snapshot, so a commit between them cannot make a page's
    /// count, ids and rows, or an issue and its series, disagree.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = open_connection(&path, true)?;
            let snapshot = conn.transaction()?;
            let found = f(&snapshot)?;
            snapshot.commit()?;
            Ok(found)
        })
        .await
        .map_err(|_| StoreError::WriterGone)?
    }
}

/// Opens a connection with sift's pragmas. The database file is created (and migrated by
/// [`Store::open`]) on first use.
pub fn open_connection(path: &Path, read_only: bool) -> Result<Connection, StoreError> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    if !read_only {
        // 4 KB pages (SQLite's default). Every commit writes each page it dirtied to the WAL, and
        // an event dirties pages all over the store: its event-id index entry lands on a random
        // page, its issue's rows and index entries on others. The page size is the cost of each
        // of those, so 16 KB pages wrote 62 KB per event and 4 KB pages 19 KB, for about 20% more
        // events per second. Compressed events (~0.8 KB with the dictionary) still fit four to a
        // page. Only takes effect on a new, empty database (before WAL mode is set); older
        // stores keep the page size they were made with.
        conn.pragma_update(None, "page_size", 4096)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Opens the database for a command-line tool: migrated, but with no writer thread.
pub fn open_admin(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = open_connection(path, false)?;
    schema::migrate(&mut conn)?;
    restrict_permissions(path);
    Ok(conn)
}

/// The database holds event data and secrets (DSN keys, the API token): owner-only.
fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(err) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            tracing::warn!(%err, path = %path.display(), "could not restrict database permissions");
        }
    }
}

/// Seconds since the epoch, as the store records times.
pub fn now() -> f64 {
    crate::clock::unix()
}

#[cfg(test)]
mod tests {
    /// Everything one read runs sees one snapshot: a commit made in the middle of it is not seen.
    #[tokio::test]
    async fn a_read_sees_one_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sift.db");
        super::open_admin(&path).unwrap();
        let store = super::Store::open(&path, crate::config::Durability::Normal).unwrap();
        let (before, after) = store
            .read(move |conn| {
                let count = |conn: &super::Connection| -> Result<i64, super::StoreError> {
                    Ok(conn.query_row("SELECT count(*) FROM organizations", [], |row| row.get(0))?)
                };
                let before = count(conn)?;
                super::open_connection(&path, false)?
                    .execute("INSERT INTO organizations (slug, name, date_created) VALUES ('mid', 'mid', 0)", [])?;
                Ok((before, count(conn)?))
            })
            .await
            .unwrap();
        assert_eq!(before, after);
    }
}
