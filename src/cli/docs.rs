//! Help for shells and for `man`: completion scripts (`sift completions SHELL`) and the manual page
//! (`sift man`), both generated from the clap definitions that `--help` prints, so the three never
//! disagree.
//!
//! The manual is one page, sift(1), with every command as a subsection of COMMANDS, rather than a
//! page per command (git-commit(1) style): sift has a handful of small commands, so `man sift`
//! shows all of it, `/` finds any flag, and there is one file to install. The page is rendered with
//! clap_mangen's section renderers; only the composition (one page, commands as subsections,
//! examples kept as written) is ours. It carries no date, so the same definitions always give the
//! same bytes: `assets/man/sift.1` is committed and a test fails when it is stale.

use std::io::{self, Write};

use clap::{Arg, ArgAction, CommandFactory};
use clap_complete::Shell;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use super::Cli;

/// Where the generated page is committed, relative to the repository root.
pub const MAN_PAGE_PATH: &str = "assets/man/sift.1";

/// The command that regenerates [`MAN_PAGE_PATH`], run from the repository root.
pub const MAN_PAGE_REGENERATE: &str = "cargo run -q -- man > assets/man/sift.1";

// The longer help texts, kept here so that `cli.rs` stays a readable list of commands. Lines under
// an unindented "Heading:" are command lines: the man page keeps them as written.

/// `sift --help`: what sift does with no command, and where its logs go.
pub const SIFT_LONG_ABOUT: &str = "\
A keyboard-driven terminal console for triaging errors in Sentry-compatible trackers, with its own \
Sentry-compatible server.

With no command, sift opens the console. It shows the issues of the remote tracker named by \
--profile; else of sentry-cli's own settings (SENTRY_AUTH_TOKEN with SENTRY_URL and SENTRY_ORG, or \
.sentryclirc) when they give a token; else of default_profile in config.toml. With none of these \
it uses its embedded server: it attaches to the `sift serve` running for the same data directory, \
or starts the server itself. The first start on the platform's data directory loads a demo data \
set there (`sift demo` shows it again in a directory of its own); an empty store shows the DSN \
and a line per SDK to send a first event. Quit with q.

sift logs to DATA_DIR/logs, never to the terminal; SIFT_LOG sets the filter (default info, e.g. \
SIFT_LOG=sift=debug).";

/// Examples under `sift --help`.
pub const SIFT_EXAMPLES: &str = "\
Examples:
  sift                                      # open the console
  sift --profile work                       # open it on [profiles.work] from config.toml
  sift serve --listen 0.0.0.0:9000          # the server alone, reachable from other hosts
  sift projects create api --platform node  # a project with its own DSN
  sift issues list --fail-if-any --query 'is:unresolved issue.priority:high'
  sift report --since 24h --format markdown # the daily digest
  sift --readonly                           # a console for screen-sharing: no changes
  sift completions --help                   # how to install shell completions
  sift man --help                           # how to install this man page";

pub const SERVE_LONG_ABOUT: &str = "\
Run the Sentry-compatible server alone, for a team box, CI or a container: SDKs send events to its \
projects' DSNs, which it prints on start, and consoles started on the same data directory attach \
to it. It stops on Ctrl-C or SIGTERM.

It listens on --listen, else [server] listen from config.toml, else 127.0.0.1:9000. Listening \
beyond loopback must be asked for, and sift then warns that it serves plain HTTP.";

pub const SERVE_EXAMPLES: &str = "\
Examples:
  sift serve                            # on 127.0.0.1:9000, with the platform data directory
  sift serve --listen 0.0.0.0:9000      # reachable from other hosts: put TLS in front
  sift serve --data-dir /var/lib/sift   # a team server with its own data directory";

pub const PROJECTS_EXAMPLES: &str = "\
Examples:
  sift projects list
  sift projects create api --platform node
  sift projects scrubbing api off";

pub const MONITORS_LIST_EXAMPLES: &str = "\
Examples:
  sift monitors list
  sift monitors list --json | jq -r '.[] | select(.status != \"ok\") | .slug'";

pub const PROJECTS_LIST_EXAMPLES: &str = "\
Examples:
  sift projects list
  sift projects list --json | jq -r '.[] | select(.slug == \"default\") | .dsn'";

pub const PROJECTS_CREATE_EXAMPLES: &str = "\
Examples:
  sift projects create api --platform node
  sift projects create web-checkout --platform javascript";

pub const PROJECTS_SCRUBBING_LONG_ABOUT: &str = "\
Turn server-side scrubbing on or off for a project. It is on by default: before an event is \
stored, passwords, tokens, keys, card numbers and other credentials in it are replaced by \
[Filtered]. A change reaches a running `sift serve` within five seconds.";

pub const PROJECTS_SCRUBBING_EXAMPLES: &str = "\
Examples:
  sift projects scrubbing api off
  sift projects scrubbing api on";

pub const TOKEN_LONG_ABOUT: &str = "\
Print the Web API token of this data directory. Scripts and sentry-cli send it as \
`Authorization: Bearer TOKEN` to the server's /api/0/ routes.";

pub const TOKEN_EXAMPLES: &str = "\
Examples:
  curl -H \"Authorization: Bearer $(sift token)\" http://127.0.0.1:9000/api/0/projects/
  export SENTRY_URL=http://127.0.0.1:9000/ SENTRY_ORG=local SENTRY_PROJECT=default
  export SENTRY_AUTH_TOKEN=$(sift token)
  sentry-cli issues list";

pub const ISSUES_LONG_ABOUT: &str = "\
Everything the console does to issues, as commands for scripts, cron jobs, chat bots and CI. They \
talk to the same place the console would (--profile, sentry-cli's settings, the default profile, \
else the embedded server) and take numeric ids or short ids. --json output is stable: fields are \
only ever added.";

pub const ISSUES_EXAMPLES: &str = "\
Examples:
  sift issues list --query 'is:unresolved level:error' --sort freq --limit 10
  sift issues show DEFAULT-1A
  sift issues resolve DEFAULT-1A DEFAULT-1B
  sift issues archive --until 100x/1h DEFAULT-2
  sift issues priority high DEFAULT-3
  sift issues assign me DEFAULT-3
  sift issues comment 'Fixed by the retry change' DEFAULT-3";

pub const ISSUES_LIST_EXAMPLES: &str = "\
Examples:
  sift issues list                                   # unresolved, last seen first
  sift issues list --query 'is:regressed' --env production
  sift issues list --project api --sort user --json | jq -r '.[].short_id'
  sift issues list --query 'is:unresolved issue.priority:high firstSeen:-1d' --fail-if-any";

pub const ISSUES_SHOW_EXAMPLES: &str = "\
Examples:
  sift issues show DEFAULT-1A                     # the recommended event
  sift issues show 4711 --event latest
  sift issues show DEFAULT-1A --markdown > ticket.md
  sift issues show DEFAULT-1A --json | jq '.event.tags'";

pub const ISSUES_IGNORE_LONG_ABOUT: &str = "\
Archive issues. --until says when one comes back: after a time (30m, 6h, 7d, 2w), after N more \
events (100x), N events within a window (100x/1h), N more users (10u), N users within a window \
(10u/1d), when it escalates (escalating), or never (forever, the default). Windows are at most \
a week.";

pub const RELEASES_LONG_ABOUT: &str = "\
Releases as the console's releases screen shows them, against any profile or the embedded server: \
a release appears with the first event or session naming it (the SDK's release option) or with \
sentry-cli releases new. Crash-free rates are Sentry's: 100 × (1 − crashed ÷ all), over 14 days; \
adoption is the release's share of the project's users over the last 24 hours.";

pub const RELEASES_LIST_EXAMPLES: &str = "\
Examples:
  sift releases list
  sift releases list --project api --env production
  sift releases list --json | jq '.[0].projects[0].crash_free_sessions'";

pub const RELEASES_SHOW_EXAMPLES: &str = "\
Examples:
  sift releases show web@1.4.0
  sift releases show web@1.4.0 --json | jq -r '.new_issues[].short_id'";

pub const EVENTS_TAIL_LONG_ABOUT: &str = "\
Print events as they arrive, oldest first, like tail -f: one line each (time, short id, level, \
environment, title), or one JSON object per line with --json. It polls every --interval seconds; \
a failed poll is reported on stderr and retried, and tailing goes on until Ctrl-C or --count.";

pub const EVENTS_TAIL_EXAMPLES: &str = "\
Examples:
  sift events tail
  sift events tail --since 10m --env production
  sift events tail --query 'level:error' --json | jq -r .title";

/// Examples under `sift perf list --help`.
pub const PERF_LIST_EXAMPLES: &str = "\
Examples:
  sift perf list                              # the busiest transactions of the last 24 hours
  sift perf list --sort p95 --period 7d       # the slowest of the week
  sift perf list --query 'transaction:GET*' --env production --json";

/// Examples under `sift trace --help`.
pub const TRACE_EXAMPLES: &str = "\
Examples:
  sift trace 3f2a9c1b7d4e4a6f8b0c2d4e6f8a0b1c        # the tree, errors on their spans
  sift trace 3f2a9c1b7d4e4a6f8b0c2d4e6f8a0b1c --json # the server's JSON";

pub const REPORT_LONG_ABOUT: &str = "\
A digest for the daily issue review: new, regressed and escalating issues, the top issues by \
events and by users, what was resolved, and unassigned high-priority issues, with counts per \
environment and project, short ids and links. Text for the terminal, Markdown for a wiki or a \
ticket, JSON for scripts, and slack: a Block Kit message to post to an incoming webhook.";

pub const REPORT_EXAMPLES: &str = "\
Examples:
  sift report
  sift report --since 7d --format markdown > weekly.md
  sift report --format slack | curl -X POST -H 'Content-Type: application/json' -d @- \"$SLACK_WEBHOOK\"";

pub const ALERTS_LONG_ABOUT: &str = "\
Alert rules and what they did, as the console's Alerts screen shows them: every project's rules \
with their last firing and its delivery state, a rule's test notification sent through the \
outbox, and the log of recent firings with each delivery's state and the outbox's counts. Rules \
are made through the Web API, the console or config.toml (see the README's Alerts section). \
`list` works against any tracker; `test` and `log` need sift's own server.";

pub const ALERTS_EXAMPLES: &str = "\
Examples:
  sift alerts list
  sift alerts test 3
  sift alerts log --project default --limit 50";

pub const COMPLETIONS_LONG_ABOUT: &str = "\
Print the completion script for SHELL to stdout. Installed once, it completes sift's commands, \
flags and their values; install it again after upgrading sift.";

pub const COMPLETIONS_EXAMPLES: &str = "\
Install:
  bash:
    mkdir -p ~/.local/share/bash-completion/completions
    sift completions bash > ~/.local/share/bash-completion/completions/sift
  zsh (and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)):
    mkdir -p ~/.zfunc && sift completions zsh > ~/.zfunc/_sift
  fish:
    sift completions fish > ~/.config/fish/completions/sift.fish
  elvish (a line in ~/.config/elvish/rc.elv):
    eval (sift completions elvish | slurp)
  powershell (a line in $PROFILE):
    sift completions powershell | Out-String | Invoke-Expression";

pub const MAN_LONG_ABOUT: &str = "\
Print sift's manual page to stdout, in roff: one page, sift(1), with every command as a section, \
made from the same text as --help.";

pub const MAN_EXAMPLES: &str = "\
Install (man finds ~/.local/share/man when ~/.local/bin is on PATH):
  mkdir -p ~/.local/share/man/man1 && sift man > ~/.local/share/man/man1/sift.1
  man sift
Read it without installing:
  sift man | man -l -";

/// sift's full command definition as the man page shows it: built (so every command knows its
/// full name, `sift projects list`), without the `help` command, and with "command" for the
/// placeholder of a command's subcommand, as `--help` calls it.
fn command() -> clap::Command {
    fn name_subcommands(cmd: clap::Command) -> clap::Command {
        let names: Vec<String> = cmd.get_subcommands().map(|sub| sub.get_name().to_owned()).collect();
        let cmd = if names.is_empty() { cmd } else { cmd.subcommand_value_name("command") };
        names.iter().fold(cmd, |cmd, name| cmd.mut_subcommand(name, name_subcommands))
    }
    let mut cmd = name_subcommands(Cli::command().disable_help_subcommand(true));
    cmd.build();
    cmd
}

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "sift", &mut script);
    script
}

/// The manual page, sift(1), in roff.
pub fn man_page() -> Vec<u8> {
    let cmd = command();
    let mut page = Roff::new().render(); // just the preamble every roff page starts with
    // Title, section, date, source, manual. Written here because clap_mangen drops an empty date
    // instead of quoting it; the page has no date so that it depends on the definitions alone.
    let version = cmd.get_version().unwrap_or_default();
    page.push_str(&format!(".TH SIFT 1 \"\" \"sift {version}\" \"User Commands\"\n"));
    page.push_str(&section(&Man::new(cmd.clone()), Man::render_name_section, false));

    // One synopsis line for the bare command and one for every command that runs something.
    page.push_str(".SH SYNOPSIS\n");
    page.push_str(&section(&Man::new(cmd.clone()), Man::render_synopsis_section, true));
    for sub in descendants(&cmd).into_iter().filter(|sub| !sub.has_subcommands()) {
        page.push_str(".br\n");
        page.push_str(&section(&Man::new(own_args_only(sub)), Man::render_synopsis_section, true));
    }

    page.push_str(&section(&Man::new(cmd.clone()), Man::render_description_section, false));
    page.push_str(&section(&Man::new(cmd.clone()), Man::render_options_section, false));

    page.push_str(".SH COMMANDS\n");
    page.push_str(&roff_text("The global options above apply to every command."));
    for sub in descendants(&cmd) {
        let bin_name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        let mut subsection = Roff::new();
        subsection.control("SS", [bin_name]);
        page.push_str(&without_preamble(&subsection.render()));
        let man = Man::new(own_args_only(sub));
        page.push_str(&section(&man, Man::render_synopsis_section, true));
        page.push_str(".PP\n");
        page.push_str(&section(&man, Man::render_description_section, true));
        if sub.get_arguments().any(|arg| !hidden_here(arg)) {
            page.push_str(&section(&man, Man::render_options_section, true));
        }
        if let Some(after) = sub.get_after_long_help().or_else(|| sub.get_after_help()) {
            page.push_str(&verbatim(&after.to_string(), false));
        }
    }

    if let Some(after) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        page.push_str(".SH EXAMPLES\n");
        page.push_str(&verbatim(&after.to_string(), true));
    }
    page.into_bytes()
}

/// Every command below `cmd`, depth first, in the order `--help` lists them; hidden ones left out.
fn descendants(cmd: &clap::Command) -> Vec<&clap::Command> {
    let mut out = Vec::new();
    for sub in cmd.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        out.push(sub);
        out.extend(descendants(sub));
    }
    out
}

/// True for arguments a command's subsection leaves out: the global options (listed once, under
/// OPTIONS), `--help` and `--version`, and hidden ones.
fn hidden_here(arg: &Arg) -> bool {
    arg.is_hide_set()
        || arg.is_global_set()
        || matches!(arg.get_action(), ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version)
}

/// `sub` with only its own arguments visible.
fn own_args_only(sub: &clap::Command) -> clap::Command {
    sub.clone().mut_args(|arg| if hidden_here(&arg) { arg.hide(true) } else { arg })
}

/// One of clap_mangen's section renderers' output, without the preamble each one repeats and,
/// with `strip_heading`, without its `.SH` lines (to nest the content in a section of ours).
fn section(man: &Man, render: fn(&Man, &mut dyn Write) -> io::Result<()>, strip_heading: bool) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = render(man, &mut out);
    let text = without_preamble(&String::from_utf8_lossy(&out));
    if strip_heading {
        text.lines().filter(|line| !line.starts_with(".SH ")).flat_map(|line| [line, "\n"]).collect()
    } else {
        text
    }
}

fn without_preamble(roff: &str) -> String {
    let preamble = Roff::new().render();
    roff.strip_prefix(&preamble).unwrap_or(roff).to_owned()
}

fn roff_text(text: &str) -> String {
    let mut roff = Roff::new();
    roff.control("PP", []).text([roman(text)]);
    without_preamble(&roff.render())
}

/// An `after_help` block as written: its unindented lines ending in `:` ("Examples:") become bold
/// paragraph headings, and the indented lines under them keep their layout (no filling), as
/// command lines must. With `drop_first_heading`, a leading heading is left out, for text that
/// already sits under a section of that name.
fn verbatim(text: &str, drop_first_heading: bool) -> String {
    let mut roff = Roff::new();
    let mut filling = true;
    for (i, line) in text.lines().enumerate() {
        let heading = !line.starts_with(' ') && line.ends_with(':');
        if heading || line.trim().is_empty() {
            if !filling {
                roff.control("fi", []);
                filling = true;
            }
            if heading && !(i == 0 && drop_first_heading) {
                roff.control("PP", []).text([bold(line)]);
            }
            continue;
        }
        if filling {
            roff.control("nf", []);
            filling = false;
        }
        roff.text([roman(line)]);
    }
    if !filling {
        roff.control("fi", []);
    }
    without_preamble(&roff.render())
}

/// Writes `bytes` to stdout; a reader that stops early (`| head`) is not an error.
pub(super) fn print(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(err.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_keeps_command_lines_and_bolds_headings() {
        let roff = verbatim("Examples:\n  sift serve   # run\n\nInstall:\n  x > y\n", false);
        assert_eq!(
            roff,
            ".PP\n\\fBExamples:\\fR\n.nf\n  sift serve   # run\n.fi\n.PP\n\\fBInstall:\\fR\n.nf\n  x > y\n.fi\n"
        );
        assert!(verbatim("Examples:\n  sift\n", true).starts_with(".nf\n"));
    }
}
