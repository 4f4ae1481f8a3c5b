//! sentry-cli's configuration files, read the way sentry-cli reads them, reduced to the four
//! settings sift uses (`[auth] token`, `[defaults] url`, `[defaults] org`, `[defaults] project`),
//! each with the file it came from. Layers, later over earlier: the global file
//! (`~/.sentryclirc` if it exists, else `<platform config dir>/sentry/sentrycli.ini`; skipped
//! when `SENTRY_INTEGRATION_TEST` is set, as sentry-cli does), then the first `.sentryclirc` or
//! `sentrycli.ini` found walking up from the working directory, then the Java properties file
//! named by `SENTRY_PROPERTIES` (`auth.token`, `defaults.url`, …; a missing file is only a
//! warning). INI files are parsed by `rust-ini` with its default options, the crate and
//! options sentry-cli itself uses. An empty value still overrides a lower layer, as in
//! sentry-cli; the resolver treats an empty final value as absent.

use std::path::{Path, PathBuf};

use ini::Ini;

use super::env::{Ctx, Env};
use super::error::{Error, Warning};
use super::properties::parse_properties;
use super::secret::Secret;
use super::source::{Source, Sourced};

const RC_FILE_NAME: &str = ".sentryclirc";
const INI_FILE_NAME: &str = "sentrycli.ini";

/// The settings sift takes from sentry-cli's files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CliFileValues {
    /// `[auth] token`.
    pub token: Option<Sourced<Secret>>,
    pub url: Option<Sourced<String>>,
    pub org: Option<Sourced<String>>,
    pub project: Option<Sourced<String>>,
}

impl CliFileValues {
    fn set(&mut self, section: &str, key: &str, value: &str, path: &Path) {
        let sourced = |value: &str| Some(Sourced::new(value.to_owned(), Source::File(path.to_path_buf())));
        match (section, key) {
            ("auth", "token") => self.token = Some(Sourced::new(Secret::new(value), Source::File(path.to_path_buf()))),
            ("defaults", "url") => self.url = sourced(value),
            ("defaults", "org") => self.org = sourced(value),
            ("defaults", "project") => self.project = sourced(value),
            _ => {}
        }
    }
}

/// Reads all layers; returns the merged values and warnings.
pub fn load_cli_files(env: &dyn Env, ctx: &Ctx) -> Result<(CliFileValues, Vec<Warning>), Error> {
    let mut values = CliFileValues::default();
    let mut warnings = Vec::new();
    if env.var("SENTRY_INTEGRATION_TEST").is_none()
        && let Some(global) = global_file(ctx)
    {
        let ini = read_ini(&global)?;
        // A single file: the first value of a key wins, as `Ini::get_from` answers.
        for (section, key) in [("auth", "token"), ("defaults", "url"), ("defaults", "org"), ("defaults", "project")] {
            if let Some(value) = ini.get_from(Some(section), key) {
                values.set(section, key, value, &global);
            }
        }
    }
    if let Some(project) = ctx.cwd.as_deref().and_then(project_file) {
        // Merged entry by entry over the global file, so the last duplicate wins.
        let ini = read_ini(&project)?;
        for (section, properties) in ini.iter() {
            for (key, value) in properties.iter() {
                values.set(section.unwrap_or_default(), key, value, &project);
            }
        }
    }
    if let Some(named) = env.var("SENTRY_PROPERTIES") {
        let path = match &ctx.cwd {
            Some(cwd) => cwd.join(&named),
            None => PathBuf::from(&named),
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let map = parse_properties(&bytes).map_err(|message| Error::Parse { path: path.clone(), message })?;
                for (name, value) in &map {
                    if let Some((section, key)) = name.rsplit_once('.') {
                        values.set(section, key, value, &path);
                    }
                }
                tracing::debug!(path = %path.display(), "read SENTRY_PROPERTIES file");
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                warnings.push(Warning::MissingPropertiesFile(path));
            }
            Err(source) => return Err(Error::Io { path, source }),
        }
    }
    Ok((values, warnings))
}

/// `~/.sentryclirc`, else `<config dir>/sentry/sentrycli.ini`, whichever exists first.
fn global_file(ctx: &Ctx) -> Option<PathBuf> {
    let home_file = ctx.home.as_ref().map(|home| home.join(RC_FILE_NAME));
    let config_file = ctx.platform_config_dir.as_ref().map(|dir| dir.join("sentry").join(INI_FILE_NAME));
    [home_file, config_file].into_iter().flatten().find(|path| path.is_file())
}

/// The first `.sentryclirc` or `sentrycli.ini` in `start` or one of its ancestors.
fn project_file(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find_map(|dir| [RC_FILE_NAME, INI_FILE_NAME].iter().map(|name| dir.join(name)).find(|path| path.is_file()))
}

fn read_ini(path: &Path) -> Result<Ini, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ini::load_from_str(text).map_err(|err| Error::Parse {
        path: path.to_path_buf(),
        message: format!("line {}, column {}: {}", err.line, err.col, err.msg),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn project_file_is_the_nearest() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(tmp.path().join("a/.sentryclirc"), "").unwrap();
        std::fs::write(tmp.path().join("a/b/sentrycli.ini"), "").unwrap();
        assert_eq!(project_file(&deep), Some(tmp.path().join("a/b/sentrycli.ini")));
    }

    #[test]
    fn quotes_and_duplicates_like_sentry_cli() {
        let tmp = tempfile::tempdir().unwrap();
        let cwd = tmp.path().join("repo");
        std::fs::create_dir_all(&cwd).unwrap();
        std::fs::write(cwd.join(RC_FILE_NAME), "[defaults]\norg = \"quoted\"\norg = second\n; comment\n").unwrap();
        let ctx = Ctx { cwd: Some(cwd.clone()), ..Ctx::default() };
        let (values, _) = load_cli_files(&BTreeMap::new(), &ctx).unwrap();
        assert_eq!(values.org.unwrap().value, "second");
    }

    #[test]
    fn malformed_ini_names_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(RC_FILE_NAME), "[auth\ntoken=x\n").unwrap();
        let ctx = Ctx { cwd: Some(tmp.path().to_path_buf()), ..Ctx::default() };
        let err = load_cli_files(&BTreeMap::new(), &ctx).unwrap_err().to_string();
        let prefix = format!("cannot parse {}: line ", tmp.path().join(RC_FILE_NAME).display());
        assert!(err.starts_with(&prefix), "{err}");
        assert!(!err.contains("token=x"), "{err}");
    }
}
