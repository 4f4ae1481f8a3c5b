//! Transaction retention: transactions outnumber errors many times over, so they are kept for
//! `[server.performance] retention_days` (30 by default; 0 keeps them). While the server runs,
//! a task deletes the expired ones a minute after start and then hourly, through the writer in
//! slices of [`SLICE`], so ingest waits at most one slice for it.

use std::time::Duration;

use crate::config::PerformanceConfig;
use crate::store::{Store, transactions};

/// Transactions deleted per writer call.
const SLICE: usize = 5_000;

/// Deletes what expired before `now`; returns how many transactions went.
pub async fn prune_once(store: &Store, config: &PerformanceConfig, now: f64) -> usize {
    if config.retention_days == 0 {
        return 0;
    }
    let cutoff = now - f64::from(config.retention_days) * 86_400.0;
    let mut total = 0;
    loop {
        match store.writer().call(move |tx| transactions::prune(tx, cutoff, SLICE)).await {
            Ok(deleted) => {
                total += deleted;
                if deleted < SLICE {
                    break;
                }
            }
            Err(err) => {
                tracing::warn!(%err, "transaction retention failed; trying again next hour");
                break;
            }
        }
    }
    if total > 0 {
        tracing::info!(deleted = total, days = config.retention_days, "expired transactions deleted");
    }
    total
}

/// Starts the hourly task; abort the handle to stop it.
pub fn spawn(store: Store, config: PerformanceConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(60)).await;
        loop {
            prune_once(&store, &config, crate::store::now()).await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    })
}
