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
}

/// Opens (creating when empty) the database and binds `listen`; with `any_port_if_busy`, a
/// taken port falls back to a free one.
pub async fn prepare(paths: &Paths, config: &Config, listen: SocketAddr, any_port_if_busy: bool) -> Result<Prepared> {
    let created = {
        let mut conn =
            store::open_admin(&paths.database()).with_context(|| format!("opening {}", paths.database().display()))?;
        let created = projects::bootstrap(&mut conn)?;
        crate::alerts::start::apply_config(&mut conn, &config.alerts)?;
        created
    };
    if let Some(warning) = crate::alerts::start::readable_secrets(&paths.config_file(), &config.alerts) {
        tracing::warn!(%warning, "alert secrets");
    }
    let store = Store::open(&paths.database(), config.server.durability)?;
    let alerts = std::sync::Arc::new(config.alerts.clone());
    crate::alerts::start::worker(&store, &alerts)?;
    let state = AppState::with_alerts(store, &config.server, alerts);
    let server = match Server::bind(listen, state.clone()).await {
        Ok(server) => server,
        Err(err) if any_port_if_busy && err.kind() == std::io::ErrorKind::AddrInUse => {
            let any = SocketAddr::new(listen.ip(), 0);
            Server::bind(any, state).await.with_context(|| format!("cannot listen on {any}"))?
        }
        Err(err) => {
            return Err(err).with_context(|| {
                format!("cannot listen on {listen} (is another sift serve running? try --listen 127.0.0.1:0)")
            });
        }
    };
    let addr = server.local_addr()?;
    let public_url = config.server.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let conn = store::open_admin(&paths.database())?;
    projects::set_meta(&conn, projects::META_PUBLIC_URL, &public_url)?;
    Ok(Prepared { server, addr, public_url, created })
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
    Ok(Prepared { server, addr, public_url, created })
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
