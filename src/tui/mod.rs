//! The terminal console. [`open`] picks the data source (a remote profile or sentry-cli's
//! settings, else the embedded server: started in this process on loopback, or the running
//! `sift serve` for the same data directory), loads the theme and keymap, and runs the loop.
//!
//! Layers, one way: `app` (loop) → `update` (pure reducer over `state`) → `view` (pure drawing);
//! `runner` does the API work the reducer asks for through [`crate::api`], and `terminal` is the
//! only code that touches the terminal. Nothing here calls SQLite.

pub mod action;
mod app;
pub mod detail;
#[cfg(test)]
mod fixtures;
pub mod keymap;
pub mod msg;
pub mod overlay;
mod runner;
pub mod sanitize;
#[cfg(test)]
pub mod sdk_events;
pub mod state;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

use std::time::Duration;

use anyhow::{Context, Result};

use crate::api::{Client, ClientConfig, RetryPolicy};
use crate::config::Config;
use crate::local_server::{self, Marker};
use crate::paths::Paths;
use crate::profiles::{self, ProcessEnv, Selection, Via};
use crate::store::{self, projects};
use state::{Alerts, Source, State};
use theme::{ColorDepth, Theme};

/// Keeps the embedded server running while the console is open.
struct Embedded {
    _marker: Marker,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// Opens the console (blocks until it is closed).
/// When the embedded store gets the demo data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    /// Never (a data directory chosen by flag or environment).
    No,
    /// On the store's first start (the platform's own data directory).
    IfNew,
    /// `sift demo`: always the embedded server, with the demo loaded once.
    Demo,
}

pub fn open(paths: &Paths, config: &Config, profile: Option<&str>, seed: Seed) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let (client, source, poll_default, _embedded) = match seed {
            Seed::Demo => embedded(paths, config, seed).await?,
            _ => connect(paths, config, profile, seed).await?,
        };
        let interval = Duration::from_secs(config.console.poll_secs.unwrap_or(poll_default).max(1));
        let alerts = Alerts { bell: config.console.bell, notify: config.console.notify };
        let depth = ColorDepth::detect(&|name| std::env::var(name).ok());
        let theme = Theme::load(&config.console.theme, Some(&paths.config_dir.join("themes")), depth)?;
        let keymap = load_keymap(paths)?;
        let state = State::new(source, interval, alerts);
        let term = terminal::Term::enter(config.console.mouse).context("setting up the terminal")?;
        app::run(term, client, state, theme, keymap).await
    })
}

fn load_keymap(paths: &Paths) -> Result<keymap::Keymap> {
    let path = paths.config_dir.join("keymap.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => keymap::Keymap::load(Some((&path, &text))).map_err(anyhow::Error::msg),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            keymap::Keymap::load(None).map_err(anyhow::Error::msg)
        }
        Err(err) => Err(err).with_context(|| format!("reading {}", path.display())),
    }
}

type Connected = (Client, Source, u64, Option<Embedded>);

/// The client settings of the console: a bounded wait, and one retry (polling retries anyway).
fn client_config(url: &str, org: &str, token: &str, config: &Config) -> ClientConfig {
    let timeout = Duration::from_secs(config.console.timeout_secs.max(1));
    ClientConfig::new(url, org, token)
        .request_timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .retry(RetryPolicy { max_retries: 1, ..RetryPolicy::default() })
}

async fn connect(paths: &Paths, config: &Config, profile: Option<&str>, seed: Seed) -> Result<Connected> {
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
        return Ok((client, source, 30, None));
    }
    embedded(paths, config, seed).await
}

/// Attaches to the running `sift serve` of this data directory, or starts the server here.
async fn embedded(paths: &Paths, config: &Config, seed: Seed) -> Result<Connected> {
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
            return Ok((Client::new(client_config(&url, "local", &token, config))?, source, 15, None));
        }
    }
    let prepared = local_server::prepare(paths, config, config.server.listen, true).await?;
    let url = format!("http://{}", prepared.addr);
    let marker = local_server::write_marker(paths, &url)?;
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(prepared.server.run(async {
        let _ = stopped.await;
    }));
    if wants_demo {
        load_demo(paths, &url).await?;
    }
    let client = Client::new(client_config(&url, "local", &token, config))?;
    let source = Source { label: "embedded".into(), url, org: "local".into(), dsn: dsn(&prepared.public_url) };
    Ok((client, source, 15, Some(Embedded { _marker: marker, _shutdown: shutdown })))
}

/// Loads the demo data set through the server at `url`, saying so (the terminal is not taken yet).
async fn load_demo(paths: &Paths, url: &str) -> Result<()> {
    eprintln!("sift: loading the demo data set into {} …", paths.data_dir.display());
    let mut conn = store::open_admin(&paths.database())?;
    let loaded = crate::demo::load(&mut conn, url).await.context("loading the demo data set")?;
    tracing::info!(?loaded, "demo data set loaded");
    Ok(())
}
