//! The command line: clap definitions and dispatch to the library. This is the only module
//! that prints to stdout/stderr; it holds no logic of its own beyond wiring.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueHint};

use crate::config::Config;
use crate::local_server;
use crate::paths::Paths;
use crate::store::{self, projects};

pub mod alerts;
pub mod docs;
pub mod issues;
mod monitors;
mod output;
pub mod perf;
pub mod releases;
mod tail;
pub mod until;

/// sift: triage Sentry-compatible errors from the terminal, with a Sentry-compatible server built in.
#[derive(Debug, Parser)]
#[command(name = "sift", version, about, long_about = docs::SIFT_LONG_ABOUT, after_help = docs::SIFT_EXAMPLES)]
pub struct Cli {
    /// Where sift keeps its database and logs [default: the platform data directory]
    #[arg(long, global = true, env = "SIFT_DATA_DIR", value_name = "DIR", value_hint = ValueHint::DirPath)]
    #[arg(hide_env_values = true, help_heading = "Global options")]
    pub data_dir: Option<PathBuf>,

    /// Where sift reads config.toml [default: the platform config directory]
    #[arg(long, global = true, env = "SIFT_CONFIG_DIR", value_name = "DIR", value_hint = ValueHint::DirPath)]
    #[arg(hide_env_values = true, help_heading = "Global options")]
    pub config_dir: Option<PathBuf>,

    /// Open the console on this remote profile from config.toml
    #[arg(long, global = true, env = "SIFT_PROFILE", value_name = "NAME")]
    #[arg(hide_env_values = true, help_heading = "Global options")]
    pub profile: Option<String>,

    /// Open the console without any action that changes issues (for screen-sharing)
    #[arg(long, global = true, help_heading = "Global options")]
    pub readonly: bool,

    /// The console's embedded server listens here [default: [server] listen, else the address
    /// this data directory served on before, else 127.0.0.1:9000]; remembered for the next start
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// With no command, sift opens the console: on the remote profile (or SENTRY_* settings) when
    /// one is configured, else on its embedded server (started here, or the running `sift serve`).
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Sentry-compatible server: SDKs send events to its DSNs
    #[command(long_about = docs::SERVE_LONG_ABOUT, after_help = docs::SERVE_EXAMPLES)]
    Serve {
        /// Address to listen on [default: [server] listen, else the address this data directory served on before, else 127.0.0.1:9000]
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
    },
    /// List, create or configure projects (each has its own DSN)
    #[command(subcommand, after_help = docs::PROJECTS_EXAMPLES)]
    Projects(ProjectsCommand),
    /// Print the Web API token (for sentry-cli's SENTRY_AUTH_TOKEN or scripts)
    #[command(long_about = docs::TOKEN_LONG_ABOUT, after_help = docs::TOKEN_EXAMPLES)]
    Token,
    /// Open the console on a demo data set: three projects, 42 issues and about 4,900 events
    /// from the real SDKs' shapes, in DATA_DIR/demo (loaded once; --reset loads it anew)
    Demo {
        /// Delete the demo data directory and load the data set again, with times shifted to now
        #[arg(long)]
        reset: bool,
        /// The demo server listens here [default: as for the console]; remembered for the next start
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
    },
    /// List, show and triage issues from scripts: every console action as a command
    #[command(subcommand, long_about = docs::ISSUES_LONG_ABOUT, after_help = docs::ISSUES_EXAMPLES)]
    Issues(issues::IssuesCommand),
    /// Follow events as they arrive
    #[command(subcommand)]
    Events(EventsCommand),
    /// Cron monitors: schedules, health and recent check-ins
    #[command(subcommand, after_help = docs::MONITORS_LIST_EXAMPLES)]
    Monitors(monitors::MonitorsCommand),
    /// Releases and their health: new issues, events, crash-free sessions and users, deploys
    #[command(subcommand, long_about = docs::RELEASES_LONG_ABOUT)]
    Releases(releases::ReleasesCommand),
    /// Performance: transactions by name, with throughput, percentiles and failure rate
    #[command(subcommand)]
    Perf(perf::PerfCommand),
    /// Print one trace as a tree: its transactions and spans, with errors on their spans
    #[command(after_help = docs::TRACE_EXAMPLES)]
    Trace(perf::TraceArgs),
    /// Alert rules, test notifications and the firing log (the console's Alerts screen)
    #[command(subcommand, long_about = docs::ALERTS_LONG_ABOUT, after_help = docs::ALERTS_EXAMPLES)]
    Alerts(alerts::AlertsCommand),
    /// A digest for the daily standup: new, regressed, escalating, top and resolved issues
    #[command(long_about = docs::REPORT_LONG_ABOUT, after_help = docs::REPORT_EXAMPLES)]
    Report {
        /// How far back: 30m, 24h, 7d, ...
        #[arg(long, value_name = "AGO", value_parser = parse_ago, default_value = "24h")]
        since: chrono::TimeDelta,
        /// text (the terminal), markdown, json, or slack (a Block Kit message for a webhook)
        #[arg(long, value_enum, default_value = "text")]
        format: crate::report::Format,
        /// Only events from this environment (repeat for more)
        #[arg(long = "env", short, value_name = "E")]
        environments: Vec<String>,
        /// Issues per section
        #[arg(long, value_name = "N", default_value_t = 10)]
        limit: usize,
    },
    /// Print the completion script for a shell (bash, zsh, fish, elvish, powershell)
    #[command(long_about = docs::COMPLETIONS_LONG_ABOUT, after_help = docs::COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell to complete for
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page, sift(1), in roff
    #[command(long_about = docs::MAN_LONG_ABOUT, after_help = docs::MAN_EXAMPLES)]
    Man,
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Print new events as they arrive, like tail -f
    #[command(long_about = docs::EVENTS_TAIL_LONG_ABOUT, after_help = docs::EVENTS_TAIL_EXAMPLES)]
    Tail(tail::TailArgs),
}

/// A stretch of time back from now: `30s`, `10m`, `24h`, `7d`, `2w`.
pub fn parse_ago(text: &str) -> Result<chrono::TimeDelta, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().map_err(|_| format!("{text:?} is not a time such as 30m, 24h or 7d"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(format!("{text:?}: the unit must be s, m, h, d or w")),
    };
    n.checked_mul(seconds)
        .filter(|s| *s <= 366 * 86_400)
        .map(chrono::TimeDelta::seconds)
        .ok_or_else(|| format!("{text:?} is more than a year"))
}

#[derive(Debug, Subcommand)]
pub enum ProjectsCommand {
    /// Print each project's id, slug and DSN
    #[command(after_help = docs::PROJECTS_LIST_EXAMPLES)]
    List {
        /// Print JSON: [{"id":"1","slug":"default","dsn":"http://KEY@HOST:PORT/1"}]
        #[arg(long)]
        json: bool,
    },
    /// Create a project with its own DSN key, and print the DSN
    #[command(after_help = docs::PROJECTS_CREATE_EXAMPLES)]
    Create {
        /// The project's slug: lowercase letters, digits, '-' and '_'
        slug: String,
        /// The project's platform (python, node, javascript, rust, ...)
        #[arg(long, value_name = "PLATFORM")]
        platform: Option<String>,
    },
    /// Turn server-side scrubbing of credentials and card numbers on or off for a project
    #[command(long_about = docs::PROJECTS_SCRUBBING_LONG_ABOUT, after_help = docs::PROJECTS_SCRUBBING_EXAMPLES)]
    Scrubbing {
        /// The project's slug (see `sift projects list`)
        slug: String,
        /// on: scrub its events before storing them (the default); off: store them as sent
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    // Help for shells and man needs no data directory, config or log file: answered first.
    match cli.command {
        Some(Command::Completions { shell }) => {
            return docs::print(&docs::completions(shell)).map(|()| ExitCode::SUCCESS);
        }
        Some(Command::Man) => return docs::print(&docs::man_page()).map(|()| ExitCode::SUCCESS),
        _ => {}
    }
    crate::paths::private_files();
    let default_data_dir = cli.data_dir.is_none();
    let paths = Paths::resolve(cli.data_dir, cli.config_dir)?;
    paths.ensure_data_dir()?;
    let _log_guard = crate::logging::init(&paths.log_dir())?;
    let config = Config::load(&paths.config_file())?;
    // The first start of the platform's own data directory shows the demo data set; a data
    // directory given by flag or SIFT_DATA_DIR (scripts, tests, teams) starts empty.
    let seed = if default_data_dir { crate::tui::Seed::IfNew } else { crate::tui::Seed::No };
    let options = crate::tui::Options { readonly: cli.readonly, listen: cli.listen };
    let Some(command) = cli.command else {
        return crate::tui::open(&paths, &config, cli.profile.as_deref(), seed, options).map(|()| ExitCode::SUCCESS);
    };
    let profile = cli.profile.as_deref();
    match command {
        Command::Issues(command) => {
            return remote(&paths, &config, profile, async |client| {
                issues::run(client, command, output::Out::stdout()).await
            });
        }
        Command::Monitors(command) => {
            return remote(&paths, &config, profile, async |client| {
                monitors::run(client, command, output::Out::stdout()).await
            });
        }
        Command::Releases(command) => {
            return remote(&paths, &config, profile, async |client| {
                releases::run(client, command, output::Out::stdout()).await
            });
        }
        Command::Alerts(command) => {
            return remote(&paths, &config, profile, async |client| {
                alerts::run(client, command, output::Out::stdout()).await
            });
        }
        Command::Events(EventsCommand::Tail(args)) => {
            return remote(&paths, &config, profile, async |client| {
                tail::run(client, args, output::Out::stdout()).await.map(|()| None)
            });
        }
        Command::Perf(perf::PerfCommand::List(args)) => {
            return remote(&paths, &config, profile, async |client| {
                perf::list(client, args, output::Out::stdout()).await
            });
        }
        Command::Trace(args) => {
            return remote(&paths, &config, profile, async |client| {
                perf::trace(client, args, output::Out::stdout()).await
            });
        }
        Command::Report { since, format, environments, limit } => {
            return remote(&paths, &config, profile, async |client| {
                let options = crate::report::ReportOptions { since, environments, projects: Vec::new(), limit };
                let digest = crate::report::gather(client, &options, crate::clock::now()).await?;
                let width = output::Out::stdout().width.unwrap_or(100);
                print!("{}", crate::report::render(&digest, format, width));
                Ok(None)
            });
        }
        _ => {}
    }
    match command {
        Command::Serve { listen } => serve(&paths, &config, listen),
        Command::Projects(ProjectsCommand::List { json }) => list_projects(&paths, json),
        Command::Projects(ProjectsCommand::Create { slug, platform }) => {
            create_project(&paths, &slug, platform.as_deref())
        }
        Command::Projects(ProjectsCommand::Scrubbing { slug, state }) => set_scrubbing(&paths, &slug, state == "on"),
        Command::Token => print_token(&paths),
        Command::Demo { reset, listen } => {
            demo(&paths, &config, reset, crate::tui::Options { listen: listen.or(options.listen), ..options })
        }
        Command::Completions { .. } | Command::Man => unreachable!("answered before the data directory is opened"),
        Command::Issues(_)
        | Command::Events(_)
        | Command::Monitors(_)
        | Command::Releases(_)
        | Command::Perf(_)
        | Command::Trace(_)
        | Command::Alerts(_)
        | Command::Report { .. } => {
            unreachable!("answered above")
        }
    }
    .map(|()| ExitCode::SUCCESS)
}

/// Runs `work` with a client for the configured tracker (or the embedded server, started for
/// the command when no console or `sift serve` runs); `Some(code)` is the exit status it asks for.
fn remote(
    paths: &Paths,
    config: &Config,
    profile: Option<&str>,
    work: impl AsyncFnOnce(&crate::api::Client) -> Result<Option<u8>>,
) -> Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let session =
            crate::session::connect(paths, config, profile, crate::session::Seed::No, crate::session::Host::Command)
                .await?;
        let code = work(&session.client).await?;
        Ok(code.map_or(ExitCode::SUCCESS, ExitCode::from))
    })
}

/// The console on its own demo data directory.
fn demo(paths: &Paths, config: &Config, reset: bool, options: crate::tui::Options) -> Result<()> {
    let demo = Paths { data_dir: paths.data_dir.join("demo"), config_dir: paths.config_dir.clone() };
    if reset && demo.data_dir.exists() {
        anyhow::ensure!(
            crate::local_server::read_marker(&demo).is_none(),
            "a console or server is using {}; quit it first",
            demo.data_dir.display()
        );
        std::fs::remove_dir_all(&demo.data_dir).with_context(|| format!("removing {}", demo.data_dir.display()))?;
    }
    demo.ensure_data_dir()?;
    crate::tui::open(&demo, config, None, crate::tui::Seed::Demo, options)
}

fn admin(paths: &Paths) -> Result<rusqlite::Connection> {
    let mut conn =
        store::open_admin(&paths.database()).with_context(|| format!("opening {}", paths.database().display()))?;
    projects::bootstrap(&mut conn)?;
    Ok(conn)
}

fn serve(paths: &Paths, config: &Config, listen: Option<SocketAddr>) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let listen = local_server::Listen { flag: listen, fresh_may_move: false };
        let prepared = local_server::prepare(paths, config, listen).await?;
        let (addr, public_url) = (prepared.addr, prepared.public_url.clone());
        // Before the banner: whoever reads the banner may start a console that looks for it.
        let _marker = local_server::write_marker(paths, &format!("http://{addr}"))?;
        let conn = admin(paths)?;
        if let Some(warning) = crate::alerts::start::readable_secrets(&paths.config_file(), &config.alerts) {
            eprintln!("warning: {warning}");
        }
        if !addr.ip().is_loopback() {
            eprintln!("warning: serving plain HTTP on {addr}, beyond loopback: DSN keys and the API token travel unencrypted; put TLS in front");
        }
        println!("sift server listening on http://{addr}");
        println!("data directory: {}", paths.data_dir.display());
        if prepared.created {
            println!("created organization `local`, project `default`, its DSN key and a Web API token");
        }
        println!("DSNs:");
        for project in projects::list_projects(&conn)? {
            println!("  {:<20} {}", project.slug, project.dsn(&public_url));
        }
        println!("Web API token: run `sift token` (with the same --data-dir)");
        drop(conn);
        tracing::info!(%addr, "serving");
        prepared.server.run(shutdown_signal()).await?;
        tracing::info!("stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

fn list_projects(paths: &Paths, json: bool) -> Result<()> {
    let conn = admin(paths)?;
    let base = projects::public_url(&conn)?;
    let list = projects::list_projects(&conn)?;
    if json {
        let rows: Vec<serde_json::Value> = list
            .iter()
            .map(|p| serde_json::json!({ "id": p.id.to_string(), "slug": p.slug, "dsn": p.dsn(&base) }))
            .collect();
        println!("{}", serde_json::Value::Array(rows));
    } else {
        println!("{:<6} {:<20} DSN", "ID", "SLUG");
        for p in list {
            println!("{:<6} {:<20} {}", p.id, p.slug, p.dsn(&base));
        }
    }
    Ok(())
}

fn create_project(paths: &Paths, slug: &str, platform: Option<&str>) -> Result<()> {
    let mut conn = admin(paths)?;
    let project = projects::create_project(&mut conn, slug, platform)?;
    let base = projects::public_url(&conn)?;
    println!("created project {} (id {})", project.slug, project.id);
    println!("DSN: {}", project.dsn(&base));
    Ok(())
}

fn set_scrubbing(paths: &Paths, slug: &str, enabled: bool) -> Result<()> {
    let conn = admin(paths)?;
    let project = projects::list_projects(&conn)?
        .into_iter()
        .find(|p| p.slug == slug)
        .with_context(|| format!("no project with slug {slug:?} (see `sift projects list`)"))?;
    projects::set_scrubbing(&conn, project.id, enabled)?;
    println!("scrubbing {} for project {slug}", if enabled { "on" } else { "off" });
    Ok(())
}

fn print_token(paths: &Paths) -> Result<()> {
    let conn = admin(paths)?;
    let token = projects::api_token(&conn)?.context("no API token in this data directory")?;
    println!("{token}");
    Ok(())
}
