//! Where sift keeps its files. `--data-dir` (or `SIFT_DATA_DIR`) wins; otherwise the platform
//! data directory from `directories`. The config directory follows the same rule with
//! `--config-dir` / `SIFT_CONFIG_DIR`. This module only computes paths and creates directories
//! with owner-only permissions; it never reads file contents.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The resolved locations of everything sift writes.
#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
}

impl Paths {
    /// Resolves the directories from explicit overrides, falling back to the platform defaults.
    pub fn resolve(data_dir: Option<PathBuf>, config_dir: Option<PathBuf>) -> Result<Self> {
        let dirs = directories::ProjectDirs::from("", "", "sift");
        let data_dir = match (data_dir, &dirs) {
            (Some(dir), _) => dir,
            (None, Some(dirs)) => dirs.data_dir().to_path_buf(),
            (None, None) => {
                anyhow::bail!("cannot find a home directory for sift's data; pass --data-dir DIR or set SIFT_DATA_DIR")
            }
        };
        let config_dir = match (config_dir, &dirs) {
            (Some(dir), _) => dir,
            (None, Some(dirs)) => dirs.config_dir().to_path_buf(),
            (None, None) => data_dir.join("config"),
        };
        Ok(Self { data_dir, config_dir })
    }

    /// The SQLite database holding projects, issues and events.
    pub fn database(&self) -> PathBuf {
        self.data_dir.join("sift.db")
    }

    /// The folder that receives the log files.
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// The user's configuration file (optional).
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    /// Creates the data directory (mode 0700 on Unix) if it is missing.
    pub fn ensure_data_dir(&self) -> Result<()> {
        create_private_dir(&self.data_dir)?;
        create_private_dir(&self.log_dir())
    }
}

/// From here on, files and directories this process creates are its owner's alone (0600 and
/// 0700): the database, its WAL, the logs and the server marker hold events, DSN keys and the
/// API token. Called first thing, before any file is created.
pub fn private_files() {
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_bits_truncate(0o077));
}

/// Creates `dir` and its parents; the leaf gets mode 0700 so other users cannot read events.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting permissions of {}", dir.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_dirs_win() {
        let paths = Paths::resolve(Some("/tmp/a".into()), Some("/tmp/b".into())).unwrap();
        assert_eq!(paths.database(), PathBuf::from("/tmp/a/sift.db"));
        assert_eq!(paths.config_file(), PathBuf::from("/tmp/b/config.toml"));
    }

    #[cfg(unix)]
    #[test]
    fn data_dir_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let paths = Paths::resolve(Some(tmp.path().join("d")), None).unwrap();
        paths.ensure_data_dir().unwrap();
        let mode = std::fs::metadata(&paths.data_dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
