//! Where the issues come from, for the console and for every command that reads or changes
//! them (`sift issues`, `sift events tail`, `sift report`): a remote profile or sentry-cli's
//! settings, else the embedded server. Embedded means the running `sift serve` (or console) of
//! the same data directory when there is one, else a server started inside this process.
//!
//! The console starts its server on `[server] listen` and leaves a marker so that `sift serve`
//! and other commands find it; a command's own server takes any free loopback port and leaves
//! no marker, since it lives only as long as the command.

use std::time::Duration;

use anyhow::{Context, Result};

use crate::api::{Client, ClientConfig, RetryPolicy};
use crate::config::Config;
use crate::local_server::{self, Marker};
use crate::paths::Paths;
use crate::profiles::{self, ProcessEnv, Selection, Via};
use crate::store::{self, projects};

/// Where the issues come from, as the console's status line names it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    /// `embedded`, `attached to sift serve`, `profile NAME` or `SENTRY_* settings`.
    pub label: String,
    pub url: String,
    pub org: String,
    /// The DSN SDKs should use (embedded mode).
    pub dsn: Option<String>,
}

/// When the embedded store gets the demo data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    /// Never (a data directory chosen by flag or environment, and every command but the console).
    No,
    /// On the store's first start (the platform's own data directory).
    IfNew,
    /// `sift demo`: always the embedded server, with the demo loaded once.
    Demo,
}

/// Who the embedded server is started for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// The console: on `--listen`, `[server] listen` or the address the data directory served
    /// on before (see [`local_server::prepare`]), with a marker.
    Console { listen: Option<std::net::SocketAddr> },
    /// A command: any free loopback port, no marker.
    Command,
}

/// Keeps an embedded server running for as long as it is held.
pub struct Embedded {
    _marker: Option<Marker>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// A connected client and what it is connected to.
pub struct Session {
    pub client: Client,
    pub source: Source,
    /// How often the console polls by default: remote trackers less often than the local one.
    pub poll_default_secs: u64,
    /// The server started here, if any; dropping it stops the server.
    pub embedded: Option<Embedded>,
    /// Something the person should know about the connection (a server that had to move).
    pub notice: Option<String>,
}

/// The client settings: a bounded wait, and one retry (the console's polling retries anyway).
fn client_config(url: &str, org: &str, token: &str, config: &Config) -> ClientConfig {
    let timeout = Duration::from_secs(config.console.timeout_secs.max(1));
    ClientConfig::new(url, org, token)
        .request_timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .retry(RetryPolicy { max_retries: 1, ..RetryPolicy::default() })
}

/// Connects as the resolution order says: `profile`, sentry-cli's settings, the default profile,
/// else the embedded server.
pub async fn connect(paths: &Paths, config: &Config, profile: Option<&str>, seed: Seed, host: Host) -> Result<Session> {
    if seed == Seed::Demo {
        return embedded(paths, config, seed, host).await;
    }
    let remotes = config.remotes()?;
    let ctx = profiles::Ctx::from_system(Some(paths.config_file()));
    let selection = profile.map_or(Selection::Auto, Selection::Profile);
    if let Some(remote) = profiles::resolve(&remotes, selection, &ProcessEnv, &ctx)? {
        for warning in &remote.warnings {
            tracing::warn!(%warning, "remote settings");
        }
        let org = remote
            .org
            .as_ref()
            .map(|o| o.value.clone())
            .context("no organization: set `org` in the profile, SENTRY_ORG, or [defaults] org in .sentryclirc")?;
        let label = match &remote.via {
            Via::ProfileFlag(name) | Via::DefaultProfile(name) => format!("profile {name}"),
            Via::SentryCli => "SENTRY_* settings".to_string(),
        };
        let client = Client::new(client_config(&remote.url.value, &org, remote.token.value.expose(), config))?;
        let source = Source { label, url: remote.url.value.clone(), org, dsn: None };
        return Ok(Session { client, source, poll_default_secs: 30, embedded: None, notice: None });
    }
    embedded(paths, config, seed, host).await
}

/// Attaches to the running `sift serve` of this data directory, or starts the server here.
async fn embedded(paths: &Paths, config: &Config, seed: Seed, host: Host) -> Result<Session> {
    let (token, dsn_of, wants_demo) = {
        let mut conn = store::open_admin(&paths.database())?;
        let created = projects::bootstrap(&mut conn)?;
        let wants_demo = match seed {
            Seed::No => false,
            Seed::IfNew => created,
            Seed::Demo => !crate::demo::loaded(&conn)?,
        };
        let token = projects::api_token(&conn)?.context("the database has no Web API token")?;
        let first = projects::list_projects(&conn)?.into_iter().next();
        (token, first, wants_demo)
    };
    let dsn = |base: &str| dsn_of.as_ref().map(|p| p.dsn(base));
    if let Some(url) = local_server::read_marker(paths) {
        let probe =
            ClientConfig::new(&url, "local", &token).request_timeout(Duration::from_secs(2)).retry(RetryPolicy::none());
        let probe = Client::new(probe)?;
        if matches!(probe.whoami().await, Ok(Some(_))) {
            if wants_demo {
                load_demo(paths, &url).await?;
            }
            let base = projects::public_url(&store::open_admin(&paths.database())?)?;
            let source = Source {
                label: "attached to sift serve".into(),
                url: url.clone(),
                org: "local".into(),
                dsn: dsn(&base),
            };
            let client = Client::new(client_config(&url, "local", &token, config))?;
            return Ok(Session { client, source, poll_default_secs: 15, embedded: None, notice: None });
        }
    }
    let prepared = match host {
        Host::Console { listen } => {
            local_server::prepare(paths, config, local_server::Listen { flag: listen, fresh_may_move: true }).await?
        }
        Host::Command => local_server::prepare_for_command(paths, config).await?,
    };
    let url = format!("http://{}", prepared.addr);
    let marker = match host {
        Host::Console { .. } => Some(local_server::write_marker(paths, &url)?),
        Host::Command => None,
    };
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(prepared.server.run(async {
        let _ = stopped.await;
    }));
    if wants_demo {
        load_demo(paths, &url).await?;
    }
    let client = Client::new(client_config(&url, "local", &token, config))?;
    let source = Source { label: "embedded".into(), url, org: "local".into(), dsn: dsn(&prepared.public_url) };
    let embedded = Embedded { _marker: marker, _shutdown: shutdown };
    Ok(Session { client, source, poll_default_secs: 15, embedded: Some(embedded), notice: prepared.moved })
}

/// Loads the demo data set through the server at `url`, saying so (the terminal is not taken yet).
async fn load_demo(paths: &Paths, url: &str) -> Result<()> {
    eprintln!("sift: loading the demo data set into {} …", paths.data_dir.display());
    let mut conn = store::open_admin(&paths.database())?;
    let loaded = crate::demo::load(&mut conn, url).await.context("loading the demo data set")?;
    tracing::info!(?loaded, "demo data set loaded");
    Ok(())
}
