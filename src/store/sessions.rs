//! Release health as the writer records it: each `session` or `sessions` envelope item, parsed by
//! ingest into [`SessionUpdate`]s, is folded into its project, release, environment and hour of
//! `started` (`session_hours`), and its user into that hour's distinct users (`session_users`),
//! with Sentry's (Relay's) counting rules:
//!
//! - a session counts as started once, on its `init` update; an aggregate bucket counts every
//!   session in it (`exited + errored + abnormal + unhandled + crashed`);
//! - a session is errored when it saw errors or ended other than `ok`/`exited`, counted once per
//!   session id however many updates say so (aggregates count `errored + abnormal + unhandled +
//!   crashed`); crashed, abnormal and unhandled are counted by their own status;
//! - a user (`did`) is recorded with what their sessions came to in that hour, as bits.
//!
//! Runs only inside the writer's transaction. The queries live in [`super::health`].

use rusqlite::{Transaction, params};

use super::StoreError;

/// A user's session started in the hour.
pub const USER_STARTED: i64 = 1;
/// A user's session errored (crashed, abnormal and unhandled included).
pub const USER_ERRORED: i64 = 2;
pub const USER_CRASHED: i64 = 4;
pub const USER_ABNORMAL: i64 = 8;
pub const USER_UNHANDLED: i64 = 16;

/// One session update or one aggregate bucket, ready to be counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionUpdate {
    pub project_id: i64,
    pub release: String,
    /// `""` when the SDK sent none.
    pub environment: String,
    /// Hour of the session's (or the bucket's) `started`, in hours since the epoch.
    pub hour: i64,
    /// When it arrived (unix seconds); a release first known from sessions is created then.
    pub received: f64,
    /// The session id of an update; `None` for an aggregate bucket.
    pub sid: Option<String>,
    /// The distinct user, when the SDK sent one.
    pub did: Option<String>,
    pub started: u64,
    /// Errored sessions, crashed, abnormal and unhandled ones included; for an update 0 or 1.
    pub errored: u64,
    pub crashed: u64,
    pub abnormal: u64,
    pub unhandled: u64,
}

impl SessionUpdate {
    /// The user bits this update contributes (0: it says nothing about its user).
    pub fn user_outcomes(&self) -> i64 {
        [
            (self.started, USER_STARTED),
            (self.errored, USER_ERRORED),
            (self.crashed, USER_CRASHED),
            (self.abnormal, USER_ABNORMAL),
            (self.unhandled, USER_UNHANDLED),
        ]
        .iter()
        .filter(|(count, _)| *count > 0)
        .fold(0, |bits, (_, bit)| bits | bit)
    }
}

/// Counts `updates` into the hourly tables, making each one's release known.
pub fn apply(tx: &Transaction<'_>, updates: &[SessionUpdate]) -> Result<(), StoreError> {
    for update in updates {
        super::release_tally::touch(tx, update.project_id, &update.release, update.received, false)?;
        let errored = match &update.sid {
            // An update says "errored" again and again; the session counts once.
            Some(sid) if update.errored > 0 => {
                tx.prepare_cached("INSERT OR IGNORE INTO session_errored (project_id, sid, hour) VALUES (?1, ?2, ?3)")?
                    .execute(params![update.project_id, sid, update.hour])? as i64
            }
            Some(_) => 0,
            None => update.errored as i64,
        };
        let counts =
            [update.started as i64, errored, update.crashed as i64, update.abnormal as i64, update.unhandled as i64];
        if counts.iter().any(|&c| c > 0) {
            tx.prepare_cached(
                "INSERT INTO session_hours (project_id, release, environment, hour, started, errored, crashed, abnormal, unhandled)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (project_id, release, environment, hour) DO UPDATE SET
                    started = started + excluded.started, errored = errored + excluded.errored,
                    crashed = crashed + excluded.crashed, abnormal = abnormal + excluded.abnormal,
                    unhandled = unhandled + excluded.unhandled",
            )?
            .execute(params![
                update.project_id,
                update.release,
                update.environment,
                update.hour,
                counts[0],
                counts[1],
                counts[2],
                counts[3],
                counts[4]
            ])?;
        }
        let outcomes = update.user_outcomes();
        if let Some(did) = update.did.as_deref().filter(|_| outcomes != 0) {
            tx.prepare_cached(
                "INSERT INTO session_users (project_id, release, environment, hour, did, outcomes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (project_id, release, environment, hour, did) DO UPDATE SET
                    outcomes = outcomes | excluded.outcomes",
            )?
            .execute(params![
                update.project_id,
                update.release,
                update.environment,
                update.hour,
                did,
                outcomes
            ])?;
        }
    }
    Ok(())
}
