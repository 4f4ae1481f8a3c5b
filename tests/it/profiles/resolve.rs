//! Resolution order, with a fake environment map and a temporary home and working directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use sift::profiles::{Ctx, Error, ProfilesConfig, Resolved, Selection, Source, Via, Warning, resolve};

const USER_TOKEN: &str = "sntryu_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct Fixture {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    env: BTreeMap<String, String>,
    config: ProfilesConfig,
}

impl Fixture {
    /// Home is `root/home`, the working directory `root/work/repo/sub` (outside home, so the
    /// upward search does not find `~/.sentryclirc`), the platform config dir `root/home/.config`.
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        std::fs::create_dir_all(root.join("home/.config")).unwrap();
        std::fs::create_dir_all(root.join("work/repo/sub")).unwrap();
        Self { _tmp: tmp, root, env: BTreeMap::new(), config: ProfilesConfig::default() }
    }

    fn file(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        path
    }

    fn env(mut self, name: &str, value: &str) -> Self {
        self.env.insert(name.to_owned(), value.to_owned());
        self
    }

    fn profiles(mut self, text: &str) -> Self {
        self.config = ProfilesConfig::parse(text).unwrap();
        self
    }

    fn ctx(&self) -> Ctx {
        Ctx {
            home: Some(self.root.join("home")),
            platform_config_dir: Some(self.root.join("home/.config")),
            cwd: Some(self.root.join("work/repo/sub")),
            config_file: Some(self.root.join("home/.config/sift/config.toml")),
        }
    }

    fn try_resolve(&self, selection: Selection<'_>) -> Result<Option<Resolved>, Error> {
        resolve(&self.config, selection, &self.env, &self.ctx())
    }

    fn resolve(&self, selection: Selection<'_>) -> Resolved {
        self.try_resolve(selection).unwrap().expect("a remote")
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}

fn file(path: &Path) -> Source {
    Source::File(path.to_path_buf())
}

fn org_token(url: &str, org: &str) -> String {
    let payload = format!(r#"{{"iat":1700000000.5,"url":"{url}","region_url":"https://us.sentry.io","org":"{org}"}}"#);
    format!("sntrys_{}_{}", STANDARD.encode(payload), STANDARD_NO_PAD.encode([9u8; 32]))
}

const TWO_PROFILES: &str = r#"
[profiles.home]
url = "http://127.0.0.1:9000/api/0/"
org = "sift"
token = "home-token"
[profiles.work]
url = "https://sentry.example.com"
org = "acme"
projects = ["web", "api"]
environments = ["production"]
token_command = "printf 'work-token\n'"
"#;

#[test]
fn nothing_configured_means_embedded() {
    assert!(Fixture::new().try_resolve(Selection::Auto).unwrap().is_none());
}

#[test]
fn a_url_without_a_token_is_not_a_remote() {
    let fx = Fixture::new().env("SENTRY_URL", "https://sentry.example.com").env("SENTRY_ORG", "acme");
    fx.file("home/.sentryclirc", "[defaults]\nurl = https://other.example.com\norg = acme\n");
    assert!(fx.try_resolve(Selection::Auto).unwrap().is_none());
}

#[test]
fn global_file_alone() {
    let fx = Fixture::new();
    let rc = fx.file(
        "home/.sentryclirc",
        &format!(
            "[auth]\ntoken={USER_TOKEN}\n[defaults]\nurl=https://sentry.example.com/api/0\norg=acme\nproject=web\n"
        ),
    );
    let remote = fx.resolve(Selection::Auto);
    assert_eq!(remote.via, Via::SentryCli);
    assert_eq!(remote.token.value.expose(), USER_TOKEN);
    assert_eq!(remote.token.source, file(&rc));
    assert_eq!((remote.url.value.as_str(), &remote.url.source), ("https://sentry.example.com/", &file(&rc)));
    assert_eq!(remote.org.unwrap().value, "acme");
    assert_eq!(remote.projects.unwrap().value, ["web"]);
    assert!(remote.warnings.is_empty(), "{:?}", remote.warnings);
}

#[test]
fn env_over_file() {
    let fx = Fixture::new()
        .env("SENTRY_AUTH_TOKEN", "env-token")
        .env("SENTRY_URL", "http://127.0.0.1:9000")
        .env("SENTRY_PROJECT", "api");
    let rc = fx.file(
        "home/.sentryclirc",
        "[auth]\ntoken=file-token\n[defaults]\nurl=https://sentry.example.com\norg=acme\nproject=web\n",
    );
    let remote = fx.resolve(Selection::Auto);
    assert_eq!(remote.token.value.expose(), "env-token");
    assert_eq!(remote.token.source, Source::Env("SENTRY_AUTH_TOKEN"));
    assert_eq!((remote.url.value.as_str(), &remote.url.source), ("http://127.0.0.1:9000/", &Source::Env("SENTRY_URL")));
    let org = remote.org.unwrap();
    assert_eq!((org.value.as_str(), &org.source), ("acme", &file(&rc)));
    let projects = remote.projects.unwrap();
    assert_eq!((projects.value, projects.source), (vec!["api".to_owned()], Source::Env("SENTRY_PROJECT")));
}

#[test]
fn default_url_when_none_is_set() {
    let fx = Fixture::new().env("SENTRY_AUTH_TOKEN", "t");
    let remote = fx.resolve(Selection::Auto);
    assert_eq!((remote.url.value.as_str(), &remote.url.source), ("https://sentry.io/", &Source::Default));
    assert!(remote.org.is_none() && remote.projects.is_none());
}

#[test]
fn platform_config_dir_is_the_global_fallback() {
    let fx = Fixture::new();
    let ini = fx.file("home/.config/sentry/sentrycli.ini", "[auth]\ntoken=ini-token\n");
    assert_eq!(fx.resolve(Selection::Auto).token.source, file(&ini));
    let rc = fx.file("home/.sentryclirc", "[auth]\ntoken=rc-token\n");
    let remote = fx.resolve(Selection::Auto);
    assert_eq!((remote.token.value.expose(), &remote.token.source), ("rc-token", &file(&rc)));
}

#[test]
fn nearest_project_file_is_merged_over_global() {
    let fx = Fixture::new();
    let global = fx
        .file("home/.sentryclirc", "[auth]\ntoken=global-token\n[defaults]\norg=global-org\nproject=global-project\n");
    fx.file("work/.sentryclirc", "[defaults]\norg=outer-org\nproject=outer-project\n");
    let nearest = fx.file("work/repo/.sentryclirc", "[defaults]\norg=repo-org\n");
    let remote = fx.resolve(Selection::Auto);
    assert_eq!(remote.token.source, file(&global));
    let org = remote.org.unwrap();
    assert_eq!((org.value.as_str(), &org.source), ("repo-org", &file(&nearest)));
    // Only the nearest project file is read; the outer one is not merged in.
    assert_eq!(remote.projects.unwrap().value, ["global-project"]);
}

#[test]
fn sentry_properties_over_files_and_under_env() {
    let fx = Fixture::new().env("SENTRY_PROPERTIES", "../sentry.properties").env("SENTRY_ORG", "env-org");
    fx.file("home/.sentryclirc", "[auth]\ntoken=global-token\n[defaults]\nurl=https://global.example.com\n");
    fx.file("work/repo/.sentryclirc", "[defaults]\nproject=rc-project\n");
    fx.file(
        "work/repo/sentry.properties",
        "# generated\ndefaults.url=https://props.example.com\nauth.token=props-token\ndefaults.org=props-org\ndefaults.project=props-project\n",
    );
    // Relative SENTRY_PROPERTIES paths are joined to the working directory as given.
    let props = fx.path("work/repo/sub/../sentry.properties");
    let remote = fx.resolve(Selection::Auto);
    assert_eq!((remote.token.value.expose(), &remote.token.source), ("props-token", &file(&props)));
    assert_eq!((remote.url.value.as_str(), &remote.url.source), ("https://props.example.com/", &file(&props)));
    assert_eq!(remote.org.unwrap().source, Source::Env("SENTRY_ORG"));
    assert_eq!(remote.projects.unwrap().value, ["props-project"]);
}

#[test]
fn missing_properties_file_is_a_warning() {
    let fx = Fixture::new().env("SENTRY_PROPERTIES", "/nonexistent/sentry.properties").env("SENTRY_AUTH_TOKEN", "t");
    let remote = fx.resolve(Selection::Auto);
    assert_eq!(remote.warnings, [Warning::MissingPropertiesFile("/nonexistent/sentry.properties".into())]);
}

#[test]
fn org_token_payload_wins() {
    let token = org_token("https://acme.sentry.io", "acme");
    let fx = Fixture::new()
        .env("SENTRY_AUTH_TOKEN", &token)
        .env("SENTRY_URL", "http://127.0.0.1:9000/")
        .env("SENTRY_ORG", "other");
    let remote = fx.resolve(Selection::Auto);
    assert_eq!((remote.url.value.as_str(), &remote.url.source), ("https://acme.sentry.io/", &Source::OrgToken));
    let org = remote.org.unwrap();
    assert_eq!((org.value.as_str(), &org.source), ("acme", &Source::OrgToken));
    let warnings: Vec<String> = remote.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "the org auth token is bound to url \"https://acme.sentry.io/\"; ignoring url \"http://127.0.0.1:9000/\" from $SENTRY_URL",
            "the org auth token is bound to org \"acme\"; ignoring org \"other\" from $SENTRY_ORG",
        ]
    );
}

#[test]
fn org_token_with_default_url_is_quiet() {
    let fx = Fixture::new().env("SENTRY_AUTH_TOKEN", &org_token("https://acme.sentry.io", "acme"));
    let remote = fx.resolve(Selection::Auto);
    assert_eq!(remote.url.value, "https://acme.sentry.io/");
    assert!(remote.warnings.is_empty(), "{:?}", remote.warnings);
}

#[test]
fn malformed_org_token_is_used_opaquely() {
    let fx = Fixture::new().env("SENTRY_AUTH_TOKEN", "sntrys_garbage").env("SENTRY_URL", "http://localhost:9000");
    let remote = fx.resolve(Selection::Auto);
    assert_eq!(remote.url.value, "http://localhost:9000/");
    assert_eq!(remote.warnings, [Warning::MalformedOrgToken { from: Source::Env("SENTRY_AUTH_TOKEN") }]);
}

#[test]
fn profile_flag_wins_over_env() {
    let fx = Fixture::new().env("SENTRY_AUTH_TOKEN", "env-token").profiles(TWO_PROFILES);
    let remote = fx.resolve(Selection::Profile("home"));
    assert_eq!(remote.via, Via::ProfileFlag("home".into()));
    assert_eq!(remote.token.value.expose(), "home-token");
    assert_eq!(
        (remote.url.value.as_str(), &remote.url.source),
        ("http://127.0.0.1:9000/", &Source::Profile("home".into()))
    );
    assert!(remote.projects.is_none());
}

#[test]
fn profile_flag_with_token_command() {
    let fx = Fixture::new().profiles(TWO_PROFILES);
    let remote = fx.resolve(Selection::from(Some("work")));
    assert_eq!(remote.token.value.expose(), "work-token");
    let command = Source::TokenCommand { profile: "work".into(), command: "printf 'work-token\n'".into() };
    assert_eq!(remote.token.source, command);
    assert_eq!(remote.projects.unwrap().value, ["web", "api"]);
    assert_eq!(remote.environments, ["production"]);
}

#[test]
fn unknown_profile_lists_the_known_ones() {
    let fx = Fixture::new().profiles(TWO_PROFILES);
    let err = fx.try_resolve(Selection::Profile("wrok")).unwrap_err();
    assert_eq!(err.to_string(), "unknown profile \"wrok\"; defined profiles: \"home\", \"work\"");
}

#[test]
fn default_profile_is_the_fallback() {
    let fx = Fixture::new().profiles(&format!("default_profile = \"home\"\n{TWO_PROFILES}"));
    let remote = fx.resolve(Selection::Auto);
    assert_eq!(remote.via, Via::DefaultProfile("home".into()));
    assert_eq!(remote.org.unwrap().value, "sift");
}

#[test]
fn sentry_cli_token_beats_default_profile() {
    let fx = Fixture::new().profiles(&format!("default_profile = \"home\"\n{TWO_PROFILES}"));
    fx.file("work/repo/.sentryclirc", "[auth]\ntoken=rc-token\n");
    assert_eq!(fx.resolve(Selection::Auto).via, Via::SentryCli);
}

#[test]
fn empty_env_token_shadows_the_file_like_sentry_cli() {
    let fx = Fixture::new().env("SENTRY_AUTH_TOKEN", "");
    fx.file("home/.sentryclirc", "[auth]\ntoken=file-token\n");
    assert!(fx.try_resolve(Selection::Auto).unwrap().is_none());
}

#[test]
fn integration_test_variable_skips_the_global_file() {
    let fx = Fixture::new().env("SENTRY_INTEGRATION_TEST", "1");
    fx.file("home/.sentryclirc", "[auth]\ntoken=file-token\n");
    assert!(fx.try_resolve(Selection::Auto).unwrap().is_none());
}

#[test]
fn bad_env_url_is_quoted_with_its_source() {
    let fx = Fixture::new().env("SENTRY_AUTH_TOKEN", "t").env("SENTRY_URL", "sentry.example.com");
    let err = fx.try_resolve(Selection::Auto).unwrap_err();
    assert_eq!(
        err.to_string(),
        "$SENTRY_URL: invalid url \"sentry.example.com\": only http:// and https:// URLs are supported"
    );
}

#[test]
fn malformed_rc_file_is_an_error() {
    let fx = Fixture::new();
    let rc = fx.file("work/.sentryclirc", "[defaults\n");
    let err = fx.try_resolve(Selection::Auto).unwrap_err().to_string();
    assert!(err.starts_with(&format!("cannot parse {}: line ", rc.display())), "{err}");
}

#[cfg(unix)]
#[test]
fn readable_token_files_are_flagged() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new().profiles(TWO_PROFILES);
    let rc = fx.file("home/.sentryclirc", "[auth]\ntoken=file-token\n");
    assert!(fx.resolve(Selection::Auto).warnings.is_empty());
    std::fs::set_permissions(&rc, std::fs::Permissions::from_mode(0o644)).unwrap();
    let warnings: Vec<String> = fx.resolve(Selection::Auto).warnings.iter().map(ToString::to_string).collect();
    let shown = rc.display();
    assert_eq!(
        warnings,
        [format!("{shown} holds a token but is readable by other users (mode 644); run `chmod 600 {shown}`")]
    );

    let config = fx.file("home/.config/sift/config.toml", TWO_PROFILES);
    assert!(fx.resolve(Selection::Profile("home")).warnings.is_empty());
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o640)).unwrap();
    let warnings = fx.resolve(Selection::Profile("home")).warnings;
    assert_eq!(warnings, [Warning::ReadableSecretFile { path: fx.path("home/.config/sift/config.toml"), mode: 0o640 }]);
    // A profile whose token comes from a command does not make config.toml a secret file.
    assert!(fx.resolve(Selection::Profile("work")).warnings.is_empty());
}

#[test]
fn debug_of_a_resolved_remote_hides_the_token() {
    let fx = Fixture::new().env("SENTRY_AUTH_TOKEN", USER_TOKEN);
    let remote = fx.resolve(Selection::Auto);
    let debug = format!("{remote:?} {remote:#?}");
    assert!(!debug.contains("0123456789abcdef"), "{debug}");
    assert!(debug.contains("sntryu_…(redacted)"), "{debug}");
}
