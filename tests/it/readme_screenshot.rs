//! The README's screenshots: the compiled `sift demo` at 120x40 in a pseudo-terminal, its
//! screen read by a terminal emulator, compared with the text blocks in README.md. A stale
//! block fails `cargo test` (and so CI); this command writes them anew:
//!
//! ```sh
//! SIFT_UPDATE_SCREENSHOTS=1 cargo test --test it readme_screenshot
//! ```
//!
//! The same screen on every machine: the clock is frozen (`SIFT_FROZEN_NOW`, see `sift::clock`)
//! at [`FROZEN_AT`] in UTC, the demo data set is made from fixed tables with its issues created
//! in a fixed order, the DSN shows the configured public URL, and the one random thing on
//! screen, the DSN's key, is replaced by [`SHOWN_KEY`].
//!
//! A block is the fenced `text` block right below `<!-- screenshot: NAME -->` in README.md.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

use super::pty::Console;

/// When the demo happens.
const FROZEN_AT: &str = "2026-11-20T09:41:00Z";
/// The DSN key shown in the screenshots (each store makes its own).
const SHOWN_KEY: &str = "5e1f0c7a9d2b4e6f8a3c1d0e9b7f2a64";
const ROWS: u16 = 40;
const COLS: u16 = 120;

fn readme_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md")
}

/// `screen` with the DSN's key replaced by [`SHOWN_KEY`] and trailing spaces dropped.
fn normalise(screen: &str) -> String {
    let lines: Vec<String> = screen
        .lines()
        .map(|line| {
            let line = line.trim_end();
            match line.find("DSN http://") {
                Some(at) => {
                    let key_at = at + "DSN http://".len();
                    let key_len = line[key_at..].find('@').expect("a key before @ in the DSN");
                    assert_eq!(key_len, SHOWN_KEY.len(), "a DSN key is 32 hex digits: {line}");
                    format!("{}{SHOWN_KEY}{}", &line[..key_at], &line[key_at + key_len..])
                }
                None => line.to_string(),
            }
        })
        .collect();
    format!("{}\n", lines.join("\n"))
}

/// The screens, by README block name: the demo's issue list, and the newest escalating issue
/// opened beside it.
fn capture() -> Vec<(&'static str, String)> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("config")).expect("config dir");
    std::fs::write(
        dir.path().join("config/config.toml"),
        "[server]\nlisten = \"127.0.0.1:0\"\npublic_url = \"http://127.0.0.1:9000\"\n",
    )
    .expect("config.toml");
    let data = dir.path().join("data");
    let args: [&OsStr; 3] = ["--data-dir".as_ref(), data.as_os_str(), "demo".as_ref()];
    let env = [("SIFT_FROZEN_NOW", FROZEN_AT), ("TZ", "UTC")];
    let mut console = Console::spawn(dir.path(), ROWS, COLS, &args, &env);
    // Loading the demo's thousands of events comes first.
    console.wait_for_within("LEDGER-WORKER-7", Duration::from_secs(180));
    let list = normalise(&console.settled(Duration::from_millis(1500)));
    console.keys(&["\r"]);
    console.wait_for("1 Stack");
    let detail = normalise(&console.settled(Duration::from_millis(1500)));
    let status = console.quit();
    assert!(status.success(), "the console quits cleanly: {status:?}");
    vec![("list", list), ("issue", detail)]
}

/// README.md with each named block's body replaced by the captured screen.
fn with_blocks(readme: &str, shots: &[(&str, String)]) -> String {
    let mut out = String::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let Some(name) = line.trim().strip_prefix("<!-- screenshot:").and_then(|r| r.strip_suffix("-->")) else {
            continue;
        };
        let name = name.trim();
        let (_, shot) = shots.iter().find(|s| s.0 == name).unwrap_or_else(|| panic!("no screenshot named {name}"));
        let fence = lines.next().unwrap_or_default();
        assert_eq!(fence, "```text", "README screenshot {name}: a ```text fence must follow its marker");
        out.push_str("```text\n");
        out.push_str(shot);
        for line in lines.by_ref() {
            if line == "```" {
                break;
            }
        }
        out.push_str("```\n");
    }
    out
}

#[test]
fn readme_screenshots_show_the_demo_as_it_is() {
    let readme = std::fs::read_to_string(readme_path()).expect("README.md");
    let shots = capture();
    for (name, _) in &shots {
        assert!(readme.contains(&format!("<!-- screenshot: {name} -->")), "README.md has no screenshot {name}");
    }
    let fresh = with_blocks(&readme, &shots);
    if std::env::var_os("SIFT_UPDATE_SCREENSHOTS").is_some() {
        std::fs::write(readme_path(), &fresh).expect("write README.md");
        return;
    }
    if fresh != readme {
        let shown: Vec<String> = shots.iter().map(|(name, shot)| format!("--- {name}:\n{shot}")).collect();
        panic!(
            "README.md's screenshots are stale; run\n  SIFT_UPDATE_SCREENSHOTS=1 cargo test --test it readme_screenshot\nThe console now draws:\n{}",
            shown.join("\n")
        );
    }
}
