//! Every file in `tests/bad_config/` is an invalid config.toml; each has a test asserting the
//! exact error text, and `every_file_has_a_test` fails when a new file is added without one.

use std::path::PathBuf;

use sift::profiles::ProfilesConfig;

const TESTED: &[&str] = &[
    "unknown_key.toml",
    "unknown_top_level_key.toml",
    "token_and_token_command.toml",
    "no_credential.toml",
    "bad_url_scheme.toml",
    "default_profile_missing.toml",
    "wrong_type.toml",
    "missing_url.toml",
    "empty_token.toml",
    "profile_not_a_table.toml",
];

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bad_config").join(name)
}

/// Loads `name` and checks the whole message, which starts with the file's path.
fn assert_error(name: &str, expected_after_path: &str) {
    assert!(TESTED.contains(&name), "{name} is missing from TESTED");
    let path = path(name);
    let err = ProfilesConfig::load(&path).expect_err("the file must be rejected");
    assert_eq!(err.to_string(), format!("{}{expected_after_path}", path.display()));
}

#[test]
fn every_file_has_a_test() {
    let mut found: Vec<String> = std::fs::read_dir(path(""))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut tested: Vec<String> = TESTED.iter().map(|name| name.to_string()).collect();
    tested.sort();
    assert_eq!(found, tested);
}

#[test]
fn unknown_key() {
    assert_error(
        "unknown_key.toml",
        ":5:1: unknown field `tokne`, expected one of `url`, `org`, `projects`, `environments`, `token`, `token_command`",
    );
}

#[test]
fn unknown_key_does_not_echo_the_token_on_its_line() {
    let err = ProfilesConfig::load(&path("unknown_key.toml")).unwrap_err();
    assert!(!err.to_string().contains("0123456789abcdef"), "{err}");
    assert!(!format!("{err:?}").contains("0123456789abcdef"), "{err:?}");
}

#[test]
fn unknown_top_level_key() {
    assert_error(
        "unknown_top_level_key.toml",
        ":1:1: unknown field `default_profil`, expected `default_profile` or `profiles`",
    );
}

#[test]
fn token_and_token_command() {
    assert_error(
        "token_and_token_command.toml",
        ":1:1: profile \"work\": set exactly one of `token` or `token_command`, not both",
    );
}

#[test]
fn no_credential() {
    assert_error("no_credential.toml", ":1:1: profile \"home\": no credential; set `token` or `token_command`");
}

#[test]
fn bad_url_scheme() {
    assert_error(
        "bad_url_scheme.toml",
        ":1:1: profile \"work\": invalid url \"ftp://sentry.example.com\": only http:// and https:// URLs are supported",
    );
}

#[test]
fn default_profile_missing() {
    assert_error(
        "default_profile_missing.toml",
        ": default_profile = \"wrok\" names no profile; defined profiles: \"home\", \"work\"",
    );
}

#[test]
fn wrong_type() {
    assert_error("wrong_type.toml", ":4:12: invalid type: string \"web\", expected a sequence");
}

#[test]
fn missing_url() {
    assert_error("missing_url.toml", ":1:1: profile \"work\": missing field `url`");
}

#[test]
fn empty_token() {
    assert_error("empty_token.toml", ":1:1: profile \"work\": `token` is empty");
}

#[test]
fn profile_not_a_table() {
    assert_error(
        "profile_not_a_table.toml",
        ":1:12: invalid type: sequence, expected a table of [profiles.NAME] tables",
    );
}
