//! token_command outcomes, secret-file writing, and redaction in `Debug` output.

use sift::profiles::{ProfilesConfig, Secret, run_token_command, write_secret_file};

const TOKEN: &str = "sntryu_fedcba9876543210fedcba9876543210fedcba9876543210fedcba98765432";

#[test]
fn token_command_success_is_trimmed() {
    let token = run_token_command("work", "printf '  tok-123 \\n\\n'").unwrap();
    assert_eq!(token.expose(), "tok-123");
}

#[test]
fn token_command_failure_quotes_command_and_stderr_not_stdout() {
    let command = "echo partial-secret; echo 'no such entry' >&2; exit 3";
    let err = run_token_command("work", command).unwrap_err();
    assert_eq!(
        err.to_string(),
        "token_command of profile \"work\" (`echo partial-secret; echo 'no such entry' >&2; exit 3`) exited with code 3; stderr: no such entry"
    );
    assert!(!format!("{err:?}").contains("partial-secret\n"));
}

#[test]
fn token_command_empty_output() {
    let err = run_token_command("work", "printf '  \\n'").unwrap_err();
    assert_eq!(err.to_string(), "token_command of profile \"work\" (`printf '  \\n'`) printed nothing on stdout");
}

#[test]
fn token_command_empty_output_with_stderr() {
    let err = run_token_command("home", "echo 'vault is locked' >&2").unwrap_err();
    assert_eq!(
        err.to_string(),
        "token_command of profile \"home\" (`echo 'vault is locked' >&2`) printed nothing on stdout; stderr: vault is locked"
    );
}

#[test]
fn token_command_more_than_one_line() {
    let err = run_token_command("work", "printf 'secret-one\\nsecret-two\\n'").unwrap_err().to_string();
    assert_eq!(
        err,
        "token_command of profile \"work\" (`printf 'secret-one\\nsecret-two\\n'`) printed 2 lines on stdout; it must print only the token"
    );
}

#[test]
fn token_command_stdin_is_closed() {
    // `cat` would block forever on an inherited terminal; with stdin closed it prints nothing.
    let err = run_token_command("work", "cat").unwrap_err().to_string();
    assert!(err.ends_with("printed nothing on stdout"), "{err}");
}

#[cfg(unix)]
#[test]
fn secret_files_are_private_and_replaced_atomically() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    std::fs::write(&path, "old").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

    write_secret_file(&path, TOKEN.as_bytes()).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), TOKEN);
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    write_secret_file(&path, b"new").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert_eq!(names, ["token"], "no temporary file is left behind");
}

#[test]
fn secret_file_errors_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir/token");
    let err = write_secret_file(&path, b"x").unwrap_err().to_string();
    assert!(err.starts_with(&dir.path().join("missing-dir/").display().to_string()), "{err}");
}

#[test]
fn debug_never_contains_the_token() {
    let config = ProfilesConfig::parse(&format!(
        "[profiles.work]\nurl = \"https://sentry.example.com\"\norg = \"acme\"\ntoken = \"{TOKEN}\"\n"
    ))
    .unwrap();
    let debug = format!("{config:?} {config:#?} {:?}", config.profiles.get("work"));
    assert!(!debug.contains("fedcba"), "{debug}");
    assert!(debug.contains("sntryu_…(redacted)"), "{debug}");
    assert_eq!(format!("{:?}", Secret::new("opaque-secret")), "<redacted>");
}
