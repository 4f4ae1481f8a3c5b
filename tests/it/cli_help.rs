//! Help for people and shells: every command and argument has help, `sift --help` says what bare
//! `sift` does, completions print for every shell, and the committed man page is current.

use std::path::Path;
use std::process::Command;

use clap::{ArgAction, CommandFactory};
use clap_complete::Shell;
use sift::cli::{Cli, docs};

use crate::support::sift_bin;

#[test]
fn clap_definitions_are_consistent() {
    Cli::command().debug_assert();
}

/// Walks every command below `cmd` (and `cmd` itself), skipping hidden ones and clap's own `help`.
fn walk(cmd: &clap::Command, path: &str, each: &mut dyn FnMut(&clap::Command, &str)) {
    each(cmd, path);
    for sub in cmd.get_subcommands().filter(|sub| !sub.is_hide_set() && sub.get_name() != "help") {
        walk(sub, &format!("{path} {}", sub.get_name()), each);
    }
}

#[test]
fn every_command_and_argument_has_help() {
    let mut cmd = Cli::command();
    cmd.build();
    let mut missing = Vec::new();
    walk(&cmd, "sift", &mut |cmd, path| {
        if cmd.get_about().is_none_or(|about| about.to_string().trim().is_empty()) {
            missing.push(format!("`{path}` has no about (a doc comment on its variant)"));
        }
        for arg in cmd.get_arguments() {
            let automatic = matches!(
                arg.get_action(),
                ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
            );
            if arg.is_hide_set() || automatic {
                continue;
            }
            let help = arg.get_help().or_else(|| arg.get_long_help()).map(|help| help.to_string());
            if help.is_none_or(|help| help.trim().is_empty()) {
                missing.push(format!("`{path}`: argument `{}` has no help (a doc comment on its field)", arg.get_id()));
            }
        }
    });
    assert!(missing.is_empty(), "help is missing:\n  {}", missing.join("\n  "));
}

#[test]
fn sift_help_says_what_bare_sift_does_and_lists_the_global_flags() {
    for help in [Cli::command().render_long_help().to_string(), Cli::command().render_help().to_string()] {
        assert!(help.contains("open the console"), "no word of the console in:\n{help}");
        for flag in ["--data-dir", "--config-dir", "--profile", "Global options:"] {
            assert!(help.contains(flag), "{flag} missing from:\n{help}");
        }
    }
    let long = Cli::command().render_long_help().to_string();
    assert!(long.contains("With no command, sift opens the console"), "{long}");
    assert!(long.contains("SIFT_DATA_DIR"), "{long}");
}

#[test]
fn completions_cover_every_shell_and_command() {
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Elvish, Shell::PowerShell] {
        let script = String::from_utf8(docs::completions(shell)).expect("utf-8");
        for word in ["sift", "serve", "projects", "scrubbing", "completions", "data-dir"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
}

/// `sift completions` and `sift man` answer without a data directory or config: they must work in
/// a package build, and must not create the platform data directory as a side effect.
#[test]
fn completions_and_man_touch_no_data_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("data");
    let config_dir = dir.path().join("config");
    std::fs::create_dir(&config_dir).expect("config dir");
    std::fs::write(config_dir.join("config.toml"), "not = [valid").expect("bad config");
    for (args, starts) in [(&["completions", "bash"][..], "_sift()"), (&["man"][..], ".ie")] {
        let out = Command::new(sift_bin())
            .args(args)
            .env("SIFT_DATA_DIR", &data_dir)
            .env("SIFT_CONFIG_DIR", &config_dir)
            .output()
            .expect("run sift");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "sift {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.starts_with(starts), "sift {args:?} printed:\n{}", &stdout[..stdout.len().min(300)]);
    }
    assert!(!data_dir.exists(), "sift completions/man created the data directory");
}

#[test]
fn man_page_documents_every_command() {
    let page = String::from_utf8(docs::man_page()).expect("utf-8");
    assert!(page.starts_with(".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH SIFT 1 \"\" \"sift "), "{page}");
    assert_eq!(page.matches(".ds Aq").count(), 2, "the roff preamble appears once");
    let mut cmd = Cli::command();
    cmd.build();
    walk(&cmd, "sift", &mut |_, path| {
        if path != "sift" {
            assert!(page.contains(&format!(".SS \"{path}\"")), "the man page has no section for `{path}`");
        }
    });
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "\"GLOBAL OPTIONS\"", "COMMANDS", "EXAMPLES"] {
        assert!(page.contains(&format!("\n.SH {section}\n")), "no {section} section");
    }
}

#[test]
fn committed_man_page_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(docs::MAN_PAGE_PATH);
    let generated = String::from_utf8(docs::man_page()).expect("utf-8");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| committed.lines().count().min(generated.lines().count()) + 1, |index| index + 1);
        panic!(
            "{} is stale (first difference at line {line}): the CLI's help changed. Regenerate it from the \
             repository root with\n\n    {}\n\nand commit the result.",
            docs::MAN_PAGE_PATH,
            docs::MAN_PAGE_REGENERATE,
        );
    }
}
