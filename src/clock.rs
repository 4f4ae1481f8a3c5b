//! The wall clock of the whole program: the server's receive times, triage and comment times,
//! stats buckets, the demo's event times, and the console's "5m ago" all read it here.
//!
//! `SIFT_FROZEN_NOW` (an RFC 3339 time) stops the clock at that instant for the life of the
//! process. It exists for reproducible captures, such as the README's screenshot of the demo:
//! with the clock frozen, the same data set draws the same screen on every machine. Nothing
//! else should set it, since a frozen clock also freezes rate-limit windows measured in wall
//! time and the console's toasts.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};

/// The variable that freezes the clock.
pub const FROZEN_NOW: &str = "SIFT_FROZEN_NOW";

fn frozen() -> Option<DateTime<Utc>> {
    static FROZEN: OnceLock<Option<DateTime<Utc>>> = OnceLock::new();
    *FROZEN.get_or_init(|| {
        let text = std::env::var(FROZEN_NOW).ok()?;
        match DateTime::parse_from_rfc3339(text.trim()) {
            Ok(at) => Some(at.with_timezone(&Utc)),
            Err(err) => {
                tracing::warn!(%err, value = %text, "{FROZEN_NOW} is not an RFC 3339 time; the clock runs");
                None
            }
        }
    })
}

/// Now.
pub fn now() -> DateTime<Utc> {
    frozen().unwrap_or_else(Utc::now)
}

/// Now, in seconds since the epoch (the store's unit).
pub fn unix() -> f64 {
    now().timestamp_micros() as f64 / 1e6
}
