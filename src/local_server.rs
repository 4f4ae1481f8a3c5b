//! Starting sift's own server for a data directory, shared by `sift serve` and the console's
//! embedded mode: bootstrap the database, bind, record the public URL for DSNs, and leave a
//! marker file (`server.json`) so a console started later for the same data directory attaches
//! to the running server instead of starting a second one. The marker is removed on exit.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::paths::Paths;
use crate::server::{AppState, Server};
use crate::store::{self, Store, projects};

/// A bound server, not yet serving.
pub struct Prepared {
    pub server: Server,
    pub addr: SocketAddr,
    /// The base URL in DSNs.
    pub public_url: String,
    /// The database was empty and got its organization, project, key and token.
    pub created: bool,
    /// Why the server listens elsewhere than it was asked to (a fresh data directory whose
    /// wanted port was taken).
    pub moved: Option<String>,
}

/// The store's record of the address this data directory's server listens on, so that its
/// DSNs keep naming the same port from one start to the next.
pub const META_LISTEN: &str = "listen";

/// How [`prepare`] picks the address to listen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listen {
    /// `--listen`: this address, and no other.
    pub flag: Option<SocketAddr>,
    /// A data directory that never served may take a free port when the wanted one is taken
    /// (no SDK can hold a DSN naming it yet); the console allows it, `sift serve` does not.
    pub fresh_may_move: bool,
}

/// The store's record of the `[server] listen` that was asked for when [`META_LISTEN`] was
/// saved: a config.toml changed since then is a new choice and wins over the saved address.
pub const META_LISTEN_ASKED: &str = "listen_asked";

/// The address to listen on: `--listen`; else the address this data directory served on
/// before, unless `[server] listen` changed since; else `[server] listen`.
fn wanted(config: &Config, flag: Option<SocketAddr>, saved: Option<&(SocketAddr, Option<String>)>) -> SocketAddr {
    let asked = config.server.listen.to_string();
    let saved = saved.filter(|(_, was)| was.as_deref().is_none_or(|w| *w == asked)).map(|(addr, _)| *addr);
    flag.or(saved).unwrap_or(config.server.listen)
}

/// Opens (creating when empty) the database and binds the address [`wanted`] names. A taken
/// address is an error that says what holds it and how to choose another, unless the data
/// directory never served and `listen.fresh_may_move`: then a free port is taken, remembered,
/// and `Prepared::moved` says so. The address bound is remembered unless it was port 0.
pub async fn prepare(paths: &Paths, config: &Config, listen: Listen) -> Result<Prepared> {
    let (created, saved) = {
        let mut conn =
            store::open_admin(&paths.database()).with_context(|| format!("opening {}", paths.database().display()))?;
        let created = projects::bootstrap(&mut conn)?;
        crate::alerts::start::apply_config(&mut conn, &config.alerts)?;
        let saved = projects::meta(&conn, META_LISTEN)?.and_then(|a| a.parse::<SocketAddr>().ok());
        let asked = projects::meta(&conn, META_LISTEN_ASKED)?;
        (created, saved.map(|s| (s, asked)))
    };
    if let Some(warning) = crate::alerts::start::readable_secrets(&paths.config_file(), &config.alerts) {
        tracing::warn!(%warning, "alert secrets");
    }
    let store = Store::open(&paths.database(), config.server.durability)?;
    let alerts = std::sync::Arc::new(config.alerts.clone());
    crate::alerts::start::worker(&store, &alerts)?;
    let state = AppState::with_alerts(store, &config.server, alerts);
    let want = wanted(config, listen.flag, saved.as_ref());
    let (server, moved) = match Server::bind(want, state.clone()).await {
        Ok(server) => (server, None),
        Err(err) if err.kind() == std::io::ErrorKind::AddrInUse => {
            let holder = crate::port_holder::describe(want.port());
            if listen.flag.is_none() && saved.is_none() && listen.fresh_may_move {
                let any = SocketAddr::new(want.ip(), 0);
                let server = Server::bind(any, state).await.with_context(|| format!("cannot listen on {any}"))?;
                let notice = format!(
                    "{want} is taken by {holder}; listening on {}, kept for next time (--listen to choose)",
                    server.local_addr()?
                );
                (server, Some(notice))
            } else {
                let dsn_note = if saved.as_ref().is_some_and(|(s, _)| *s == want) {
                    ", where this data directory's DSNs point,"
                } else {
                    ""
                };
                anyhow::bail!(
                    "{want}{dsn_note} is taken by {holder}. Stop it, or choose another address with \
                     --listen (for example --listen 127.0.0.1:{}); the DSNs then name that port",
                    want.port().wrapping_add(1).max(1024)
                );
            }
        }
        Err(err) => return Err(err).with_context(|| format!("cannot listen on {want}")),
    };
    let addr = server.local_addr()?;
    let public_url = config.server.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let conn = store::open_admin(&paths.database())?;
    projects::set_meta(&conn, projects::META_PUBLIC_URL, &public_url)?;
    if want.port() != 0 || moved.is_some() {
        projects::set_meta(&conn, META_LISTEN, &addr.to_string())?;
        projects::set_meta(&conn, META_LISTEN_ASKED, &config.server.listen.to_string())?;
    }
    Ok(Prepared { server, addr, public_url, created, moved })
}

/// A server on any free loopback port for one command (`sift issues`, `sift report`, …) that
/// lives as long as the command: it keeps the public URL that DSNs and permalinks already use,
/// rather than publishing its own passing port.
pub async fn prepare_for_command(paths: &Paths, config: &Config) -> Result<Prepared> {
    let created = {
        let mut conn =
            store::open_admin(&paths.database()).with_context(|| format!("opening {}", paths.database().display()))?;
        let created = projects::bootstrap(&mut conn)?;
        crate::alerts::start::apply_config(&mut conn, &config.alerts)?;
        created
    };
    let store = Store::open(&paths.database(), config.server.durability)?;
    let alerts = std::sync::Arc::new(config.alerts.clone());
    crate::alerts::start::worker(&store, &alerts)?;
    let server =
        Server::bind(SocketAddr::from(([127, 0, 0, 1], 0)), AppState::with_alerts(store, &config.server, alerts))
            .await
            .context("cannot listen on a loopback port")?;
    let addr = server.local_addr()?;
    let conn = store::open_admin(&paths.database())?;
    let public_url = match projects::meta(&conn, projects::META_PUBLIC_URL)? {
        Some(url) => url,
        None => {
            let url = config.server.public_url.clone().unwrap_or_else(|| format!("http://{}", config.server.listen));
            projects::set_meta(&conn, projects::META_PUBLIC_URL, &url)?;
            url
        }
    };
    Ok(Prepared { server, addr, public_url, created, moved: None })
}

fn marker_path(paths: &Paths) -> PathBuf {
    paths.data_dir.join("server.json")
}

/// Removes the marker when dropped.
pub struct Marker(PathBuf);

impl Drop for Marker {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Records that a server for this data directory answers at `url`.
pub fn write_marker(paths: &Paths, url: &str) -> Result<Marker> {
    let path = marker_path(paths);
    let body = serde_json::json!({ "url": url, "pid": std::process::id() });
    std::fs::write(&path, body.to_string()).with_context(|| format!("writing {}", path.display()))?;
    Ok(Marker(path))
}

/// The URL a running server for this data directory announced, if any (it may be stale).
pub fn read_marker(paths: &Paths) -> Option<String> {
    let text = std::fs::read_to_string(marker_path(paths)).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value.get("url")?.as_str().map(str::to_owned)
}
