//! What the resolver may look at outside config.toml, made injectable so tests never touch the
//! real home or environment: [`Env`] answers environment variables (the process environment in
//! production, a map in tests), and [`Ctx`] holds the home directory, the platform config
//! directory (for sentry-cli's `<config dir>/sentry/sentrycli.ini`), the working directory the
//! `.sentryclirc` search starts from, and the path of sift's own config.toml (only used to warn
//! when it holds a plain token and is readable by others).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// A source of environment variables.
pub trait Env {
    /// The variable's value, or `None` when it is unset or not valid UTF-8.
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl Env for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

impl Env for HashMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

/// Filesystem locations the resolver depends on.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// The user's home (for `~/.sentryclirc`).
    pub home: Option<PathBuf>,
    /// The platform config directory (`$XDG_CONFIG_HOME` or `~/.config` on Linux), not sift's.
    pub platform_config_dir: Option<PathBuf>,
    /// Where the search for a project `.sentryclirc` starts; relative `SENTRY_PROPERTIES` paths
    /// are taken relative to it too.
    pub cwd: Option<PathBuf>,
    /// sift's config.toml, checked for loose permissions when a profile's plain token is used.
    pub config_file: Option<PathBuf>,
}

impl Ctx {
    /// The real locations of this user and process.
    pub fn from_system(config_file: Option<PathBuf>) -> Self {
        let dirs = directories::BaseDirs::new();
        Self {
            home: dirs.as_ref().map(|dirs| dirs.home_dir().to_path_buf()),
            platform_config_dir: dirs.as_ref().map(|dirs| dirs.config_dir().to_path_buf()),
            cwd: std::env::current_dir().ok(),
            config_file,
        }
    }
}
