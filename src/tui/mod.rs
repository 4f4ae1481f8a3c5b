//! The terminal console. [`open`] picks the data source (a remote profile or sentry-cli's
//! settings, else the embedded server: started in this process on loopback, or the running
//! `sift serve` for the same data directory), loads the theme and keymap, and runs the loop.
//!
//! Layers, one way: `app` (loop) → `update` (pure reducer over `state`) → `view` (pure drawing);
//! `runner` does the API work the reducer asks for through [`crate::api`], and `terminal` is the
//! only code that touches the terminal. Nothing here calls SQLite.

pub mod action;
pub mod alerts;
pub mod alerts_form;
mod app;
pub mod boards;
pub mod complete;
pub mod detail;
pub mod fault;
mod fetches;
#[cfg(test)]
mod fixtures;
pub mod help;
pub mod keymap;
pub mod msg;
pub mod overlay;
#[cfg(test)]
pub mod perf_fixtures;
pub mod picker;
pub mod query;
pub mod releases;
mod runner;
pub mod sanitize;
pub mod screen;
#[cfg(test)]
pub mod sdk_events;
pub mod sidecar;
pub mod stack;
pub mod standup;
pub mod state;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;
pub mod waterfall;

use std::time::Duration;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::paths::Paths;
use crate::session::{self, Host};
use state::{Alerts, State};
use theme::{ColorDepth, Theme};

pub use crate::session::Seed;

/// How the console is opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// No action that changes issues is offered or run (`--readonly`).
    pub readonly: bool,
    /// Where the embedded server listens (`--listen`).
    pub listen: Option<std::net::SocketAddr>,
}

/// Opens the console (blocks until it is closed).
pub fn open(paths: &Paths, config: &Config, profile: Option<&str>, seed: Seed, options: Options) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let host = Host::Console { listen: options.listen };
        let session = session::connect(paths, config, profile, seed, host).await?;
        let notice = session.notice.clone();
        let (client, source, poll_default) = (session.client, session.source, session.poll_default_secs);
        let _embedded = session.embedded;
        let interval = Duration::from_secs(config.console.poll_secs.unwrap_or(poll_default).max(1));
        let alerts = Alerts { bell: config.console.bell, notify: config.console.notify };
        let depth = ColorDepth::detect(&|name| std::env::var(name).ok());
        let theme = Theme::load(&config.console.theme, Some(&paths.config_dir.join("themes")), depth)?;
        let keymap = load_keymap(paths)?;
        let mut state = State::new(source, interval, alerts);
        state.readonly = options.readonly;
        if let Some(notice) = notice {
            tracing::warn!(%notice, "embedded server");
            let until = crate::clock::now() + chrono::Duration::seconds(20);
            state.toasts.push(state::Toast { text: notice, level: state::ToastLevel::Error, until });
        }
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
