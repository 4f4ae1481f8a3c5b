//! Running a profile's `token_command`. The command line goes to `sh -c` with stdin closed (so
//! it can never steal the TUI's keystrokes; tools that prompt use `/dev/tty` or an agent), and
//! its stdout, trimmed, is the token. A failure to start, a non-zero exit, empty output, output
//! of more than one line, or output that is not UTF-8 is an error that quotes the command line
//! and the command's stderr, and never stdout, which may hold part of a token.

use std::process::{Command, Stdio};

use super::error::Error;
use super::secret::Secret;

/// Longest stretch of a command's stderr quoted in an error.
const MAX_STDERR_CHARS: usize = 500;

/// Runs `command` for profile `profile` and returns the token it prints.
pub fn run_token_command(profile: &str, command: &str) -> Result<Secret, Error> {
    let fail =
        |problem: String| Error::TokenCommand { profile: profile.to_owned(), command: command.to_owned(), problem };
    tracing::debug!(profile, command, "running token_command");
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| fail(format!("could not be started through `sh -c`: {err}")))?;
    let stderr = quoted_stderr(&output.stderr);
    if !output.status.success() {
        let status = match output.status.code() {
            Some(code) => format!("exited with code {code}"),
            None => format!("was stopped ({})", output.status),
        };
        return Err(fail(format!("{status}{stderr}")));
    }
    let Ok(stdout) = String::from_utf8(output.stdout) else {
        return Err(fail(format!("printed something that is not UTF-8{stderr}")));
    };
    let token = stdout.trim();
    if token.is_empty() {
        return Err(fail(format!("printed nothing on stdout{stderr}")));
    }
    let lines = token.lines().count();
    if lines > 1 {
        return Err(fail(format!("printed {lines} lines on stdout; it must print only the token")));
    }
    Ok(Secret::new(token))
}

/// `; stderr: …` (trimmed and shortened), or nothing when stderr was empty.
fn quoted_stderr(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let mut shown: String = text.chars().take(MAX_STDERR_CHARS).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    format!("; stderr: {shown}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_stderr_is_shortened() {
        let long = "e".repeat(MAX_STDERR_CHARS + 10);
        let quoted = quoted_stderr(long.as_bytes());
        assert_eq!(quoted.chars().count(), "; stderr: ".len() + MAX_STDERR_CHARS + 1);
        assert!(quoted.ends_with('…'));
        assert_eq!(quoted_stderr(b"  \n"), "");
    }
}
