//! Logging: `tracing` events go to a daily-rolled file under the data directory, never to the
//! terminal (the console owns the screen). `SIFT_LOG` sets the filter (default `info`). The
//! returned guard must live until exit so buffered lines are flushed.

use std::path::Path;

use anyhow::Result;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber writing to `log_dir/sift.log.<date>`.
pub fn init(log_dir: &Path) -> Result<WorkerGuard> {
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("sift.log")
        .max_log_files(7)
        .build(log_dir)?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("SIFT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // A second init (tests calling into the CLI twice) keeps the first subscriber; that is fine.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_ansi(false).try_init();
    Ok(guard)
}
