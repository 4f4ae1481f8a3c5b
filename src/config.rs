//! The user's configuration file (`config.toml` in the config directory), parsed into typed
//! settings with defaults for every field. Unknown keys are errors that name the key, so typos
//! do not silently fall back to defaults. Later parts (remote profiles, keys, themes) add their
//! own sections here. Nothing in this module reads the file at render or request time: it is
//! loaded once at startup.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

/// The whole configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub console: ConsoleConfig,
    /// The remote profile used when neither `--profile` nor `SENTRY_*` settings choose one.
    pub default_profile: Option<String>,
    /// `[profiles.NAME]`: remote Sentry-compatible servers the console can open.
    pub profiles: crate::profiles::Profiles,
    /// `[alerts]`: delivery policy, the SMTP server and rules kept in this file.
    pub alerts: crate::alerts::AlertsConfig,
}

/// `[server]`: the embedded Sentry-compatible server.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address `sift serve` binds when `--listen` is not given.
    pub listen: SocketAddr,
    /// Base URL put into DSNs and permalinks, when it differs from `http://<listen>`
    /// (for example behind a reverse proxy).
    pub public_url: Option<String>,
    /// SQLite `synchronous` mode: `normal` survives a crash of sift; `full` also survives a
    /// power cut, at the price of one fsync per group commit.
    pub durability: Durability,
    pub limits: Limits,
    pub rate_limit: RateLimit,
    pub performance: PerformanceConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 9000)),
            public_url: None,
            durability: Durability::Normal,
            limits: Limits::default(),
            rate_limit: RateLimit::default(),
            performance: PerformanceConfig::default(),
        }
    }
}

/// `[console]`: the terminal console.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleConfig {
    /// Seconds between polls [default: 15 embedded, 30 remote].
    pub poll_secs: Option<u64>,
    /// A built-in theme (dark, light, high-contrast, ansi16) or one in CONFIG_DIR/themes/.
    pub theme: String,
    /// Ring the terminal bell when polling finds new or regressed issues.
    pub bell: bool,
    /// Send a desktop notification (OSC 9) when polling finds new or regressed issues.
    pub notify: bool,
    /// Click to select and wheel to scroll (takes over the terminal's own text selection).
    pub mouse: bool,
    /// Seconds a request may take before the status line calls the server unresponsive.
    pub timeout_secs: u64,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        Self { poll_secs: None, theme: "dark".into(), bell: false, notify: false, mouse: false, timeout_secs: 15 }
    }
}

/// How hard a commit is pushed to disk before an event is acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    Normal,
    Full,
}

/// `[server.limits]`: request size limits, in bytes.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest request body as sent on the wire (possibly compressed).
    pub max_compressed_body: usize,
    /// Largest envelope after decompression; the decompression-bomb guard stops here.
    pub max_envelope: usize,
    /// Largest single event or transaction item.
    pub max_event: usize,
    /// Largest single attachment item.
    pub max_attachment: usize,
    /// Largest source-map artifact bundle (the zip sentry-cli uploads in chunks).
    pub max_artifact_bundle: usize,
    /// Largest file of an artifact bundle once inflated; the zip-bomb guard stops here.
    pub max_artifact_file: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_compressed_body: 20 * 1024 * 1024,
            max_envelope: 100 * 1024 * 1024,
            max_event: 1024 * 1024,
            max_attachment: 100 * 1024 * 1024,
            max_artifact_bundle: 256 * 1024 * 1024,
            max_artifact_file: 64 * 1024 * 1024,
        }
    }
}

/// `[server.rate_limit]`: events accepted per project key. `0` disables the limit.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimit {
    /// Envelopes a single DSN key may send per `window_secs`.
    pub per_key: u32,
    pub window_secs: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self { per_key: 0, window_secs: 60 }
    }
}

/// `[server.performance]`: how long transactions are kept, and the thresholds of the
/// performance-issue detectors (Sentry's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PerformanceConfig {
    /// Days transactions are kept; `0` keeps them forever.
    pub retention_days: u32,
    /// Detect performance issues (N+1 queries, slow DB queries) in incoming transactions.
    pub detection: bool,
    /// Fewest repeated queries that make an N+1.
    pub n_plus_one_db_count: u32,
    /// Least total time of the repeated queries, in milliseconds.
    pub n_plus_one_db_duration_ms: f64,
    /// Least duration of one `SELECT` that makes it a slow DB query, in milliseconds.
    pub slow_db_query_duration_ms: f64,
}

impl Default for PerformanceConfig {
    fn default() -> Self {
        Self {
            retention_days: 30,
            detection: true,
            n_plus_one_db_count: 5,
            n_plus_one_db_duration_ms: 50.0,
            slow_db_query_duration_ms: 500.0,
        }
    }
}

impl Config {
    /// Loads `path`; a missing file means all defaults.
    pub fn load(path: &Path) -> Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).with_context(|| format!("in {}", path.display())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(err) => Err(err).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Parses configuration text; errors name the offending key and value with their line,
    /// but never echo the line itself (it may hold a token).
    pub fn parse(text: &str) -> Result<Self> {
        let config: Self = toml::from_str(text).map_err(|err| {
            anyhow::anyhow!("invalid configuration: {}", crate::profiles::describe_toml_error(&err, text))
        })?;
        config
            .profiles
            .check_default(config.default_profile.as_deref())
            .map_err(|err| anyhow::anyhow!("invalid configuration: {err}"))?;
        config.alerts.check().map_err(|err| anyhow::anyhow!("invalid configuration: {err}"))?;
        Ok(config)
    }

    /// The remote profiles, ready for [`crate::profiles::resolve`].
    pub fn remotes(&self) -> Result<crate::profiles::ProfilesConfig> {
        crate::profiles::ProfilesConfig::new(self.default_profile.clone(), self.profiles.clone())
            .map_err(|err| anyhow::anyhow!("invalid configuration: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_all_defaults() {
        let config = Config::parse("").unwrap();
        assert_eq!(config.server.listen.to_string(), "127.0.0.1:9000");
        assert_eq!(config.server.durability, Durability::Normal);
        assert_eq!(config.server.rate_limit.per_key, 0);
    }

    #[test]
    fn partial_sections_patch_defaults() {
        let config = Config::parse("[server.rate_limit]\nper_key = 5\n").unwrap();
        assert_eq!(config.server.rate_limit.per_key, 5);
        assert_eq!(config.server.rate_limit.window_secs, 60);
        assert_eq!(config.server.limits.max_event, 1024 * 1024);
    }

    #[test]
    fn performance_settings_default_to_sentrys_thresholds() {
        let config = Config::parse("[server.performance]\nretention_days = 7\n").unwrap();
        let perf = config.server.performance;
        assert_eq!((perf.retention_days, perf.detection, perf.n_plus_one_db_count), (7, true, 5));
        assert_eq!((perf.n_plus_one_db_duration_ms, perf.slow_db_query_duration_ms), (50.0, 500.0));
        let err = Config::parse("[server.performance]\nretention = 7\n").unwrap_err().to_string();
        assert!(err.contains("retention"), "{err}");
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = Config::parse("[server]\nlisten_addr = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("listen_addr"), "{err}");
    }

    #[test]
    fn profiles_sit_beside_the_server_section() {
        let text = "default_profile = \"work\"\n[profiles.work]\nurl = \"https://sentry.example.com\"\norg = \"acme\"\ntoken_command = \"pass show sentry\"\n";
        let config = Config::parse(text).unwrap();
        assert_eq!(config.remotes().unwrap().profiles.names(), ["work"]);
        let err = Config::parse("default_profile = \"home\"\n").unwrap_err().to_string();
        assert!(err.contains("home"), "{err}");
        let err = Config::parse("default_profiles = 1\n").unwrap_err().to_string();
        assert!(err.contains("`server`, `console`, `default_profile`, `profiles`"), "{err}");
    }

    #[test]
    fn a_typo_next_to_a_token_does_not_print_the_token() {
        let text =
            "[profiles.work]\nurl = \"https://x.example\"\norg = \"a\"\ntoken = \"sntryu_secret_value\"\ncolour = 1\n";
        let err = Config::parse(text).unwrap_err().to_string();
        assert!(err.contains("colour") && !err.contains("sntryu_secret_value"), "{err}");
    }

    #[test]
    fn bad_values_are_quoted() {
        let err = Config::parse("[server]\ndurability = \"sometimes\"\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("sometimes") && text.contains("normal"), "{text}");
    }
}
