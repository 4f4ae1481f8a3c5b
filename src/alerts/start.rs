//! What a starting server does for alerts: writes config.toml's rules and the outbox's bound
//! into the store (before the writer runs), then starts the delivery worker beside the server.

use std::sync::Arc;

use anyhow::{Context, Result};
use rusqlite::Connection;

use super::config::AlertsConfig;
use crate::store::alerts::{META_OUTBOX_LIMIT, rules};
use crate::store::{Store, projects};

/// Makes the store's config rules those of `config` and records the outbox bound. A rule for a
/// project that does not exist stops the start, naming both.
pub fn apply_config(conn: &mut Connection, config: &AlertsConfig) -> Result<()> {
    let known = projects::list_projects(conn)?;
    let mut resolved = Vec::new();
    for rule in config.rules().map_err(|err| anyhow::anyhow!("invalid configuration: {err}"))? {
        let project = known.iter().find(|p| p.slug == rule.project).with_context(|| {
            format!(
                "invalid configuration: [[alerts.rules]] {:?} is for project {:?}, which does not exist (see `sift projects list`)",
                rule.rule.rule.name, rule.project
            )
        })?;
        resolved.push((project.id, rule.rule));
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    rules::sync_config(&tx, &resolved, crate::store::now())?;
    projects::set_meta(&tx, META_OUTBOX_LIMIT, &config.delivery.outbox_limit.to_string())?;
    tx.commit()?;
    Ok(())
}

/// Starts the delivery worker for `store` (on the current runtime); it runs until the runtime stops.
pub fn worker(store: &Store, config: &Arc<AlertsConfig>) -> Result<()> {
    super::deliver::spawn(store.clone(), config.clone()).map_err(anyhow::Error::msg)?;
    Ok(())
}
