//! Files that hold secrets. [`write_secret_file`] replaces a file atomically with owner-only
//! permissions: the contents go to a new temporary file in the same directory, created with
//! mode 0600 (on Unix), fsynced, renamed over the target, and the directory is fsynced, so a
//! reader sees either the old or the new file and never a half-written or briefly
//! world-readable one. [`secret_file_warning`] reports a file holding a plain token that group
//! or others can read.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::{Error, Warning};

/// Distinguishes temporary files of concurrent writes within one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Atomically replaces `path` with `contents`, readable and writable by the owner only.
pub fn write_secret_file(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let serial = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!(".{name}.{}.{serial}.tmp", std::process::id()));

    let result = write_new_private(&temp, contents).map_err(io_error(&temp)).and_then(|()| {
        std::fs::rename(&temp, path).map_err(io_error(path))?;
        sync_dir(&dir).map_err(io_error(&dir))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn write_new_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// A warning when `path` (a file known to hold a plain token) is group- or world-readable.
/// Unreadable metadata and non-Unix systems give no warning.
pub fn secret_file_warning(path: &Path) -> Option<Warning> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o044 != 0).then(|| Warning::ReadableSecretFile { path: path.to_path_buf(), mode })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}
