//! The delivery worker: drains the outbox the writer fills. It reads what is due, sends up to
//! `concurrency` deliveries at once (each within the attempt's time limit) and records each
//! outcome through the writer: sent; retry at a later time (exponential backoff, or the
//! receiver's `Retry-After`); or failed, with the reason, when trying again cannot help or the
//! delivery is older than `give_up_after_secs`.
//!
//! It runs beside ingest and never in its way: the writer only inserts outbox rows, and a slow,
//! failing or vanishing receiver holds up nothing but its own attempt. Nothing is held in
//! memory between rounds, so a crash or SIGKILL loses nothing: whatever was pending is sent
//! after the restart (an attempt cut short by the crash is sent again, with the same
//! idempotency key). The worker wakes when the writer queues a delivery ([`super::wake`]) and
//! otherwise looks once a second.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;

use super::config::{AlertsConfig, DeliveryConfig};
use super::message::{self, Notice};
use super::rule::{Action, Kind};
use super::send::{self, SendError};
use crate::store::alerts::outbox::{self, Attempted, Due};
use crate::store::alerts::rules;
use crate::store::{Store, projects};

/// The longest the worker sleeps before looking at the outbox again.
const IDLE: Duration = Duration::from_secs(1);
/// Deliveries read per round.
const ROUND: usize = 64;

/// The outcome of a failed attempt under `policy`: when to try again, or to give up. The wait
/// doubles from `retry_base_secs` up to `retry_max_secs`; a receiver's `Retry-After` replaces it.
pub fn after_failure(
    policy: &DeliveryConfig,
    attempts_before: u32,
    fired_at: f64,
    now: f64,
    error: SendError,
) -> Attempted {
    match error {
        SendError::Permanent(error) => Attempted::Failed { error },
        SendError::Retry { error, after } => {
            let backoff =
                policy.retry_base_secs.saturating_mul(1u64 << attempts_before.min(32)).min(policy.retry_max_secs);
            let wait = after.map_or(backoff as f64, |a| a.as_secs_f64());
            let at = now + wait;
            if at > fired_at + policy.give_up_after_secs as f64 {
                let attempts = attempts_before + 1;
                Attempted::Failed { error: format!("gave up after {attempts} attempts: {error}") }
            } else {
                Attempted::Retry { at, error }
            }
        }
    }
}

struct Worker {
    store: Store,
    config: Arc<AlertsConfig>,
    http: reqwest::Client,
    timeout: Duration,
}

/// Starts the worker for `store` on the current runtime.
pub fn spawn(store: Store, config: Arc<AlertsConfig>) -> Result<tokio::task::JoinHandle<()>, String> {
    let timeout = Duration::from_secs(config.delivery.attempt_timeout_secs.max(1));
    let http = send::http_client(timeout)?;
    let worker = Arc::new(Worker { store, config, http, timeout });
    Ok(tokio::spawn(async move { worker.run().await }))
}

impl Worker {
    async fn run(self: Arc<Self>) {
        loop {
            // Registered before looking, so a wake between the look and the sleep is not lost.
            let signal = super::SIGNAL.notified();
            tokio::pin!(signal);
            signal.as_mut().enable();
            let now = crate::clock::unix();
            let due = match self.store.read(move |conn| outbox::due(conn, now, ROUND)).await {
                Ok(due) => due,
                Err(err) => {
                    tracing::warn!(%err, "reading the alert outbox failed");
                    Vec::new()
                }
            };
            if due.is_empty() {
                let next = self.store.read(outbox::next_due).await.ok().flatten();
                let wait = next.map_or(IDLE, |at| Duration::from_secs_f64((at - now).clamp(0.0, IDLE.as_secs_f64())));
                tokio::select! {
                    () = signal => {}
                    () = tokio::time::sleep(wait) => {}
                }
                continue;
            }
            let concurrency = self.config.delivery.concurrency.max(1);
            futures_util::stream::iter(due)
                .map(|due| {
                    let worker = self.clone();
                    async move { worker.deliver(due).await }
                })
                .buffer_unordered(concurrency)
                .collect::<Vec<()>>()
                .await;
        }
    }

    async fn deliver(&self, due: Due) {
        let (id, kind, attempts, fired_at) = (due.delivery_id, due.kind, due.attempts, due.firing.fired_at);
        let outcome = match self.attempt(due).await {
            Ok(()) => Attempted::Sent,
            Err(error) => after_failure(&self.config.delivery, attempts, fired_at, crate::clock::unix(), error),
        };
        match &outcome {
            Attempted::Sent => tracing::info!(delivery = id, kind = kind.as_str(), "alert delivered"),
            Attempted::Retry { error, .. } => {
                tracing::info!(delivery = id, kind = kind.as_str(), %error, "alert delivery will be retried")
            }
            Attempted::Failed { error } => {
                tracing::warn!(delivery = id, kind = kind.as_str(), %error, "alert delivery failed")
            }
        }
        let now = crate::clock::unix();
        if let Err(err) = self.store.writer().call(move |tx| outbox::mark(tx, id, &outcome, now)).await {
            tracing::warn!(%err, delivery = id, "recording an alert delivery failed");
        }
    }

    async fn attempt(&self, due: Due) -> Result<(), SendError> {
        let rule_id = due.firing.rule_id;
        let (project_id, event_id) = (due.firing.project_id, due.firing.event_id.clone());
        let wants_event = due.kind == Kind::Webhook;
        let (rule, base, event) = self
            .store
            .read(move |conn| {
                let rule = rule_id.map(|id| rules::get(conn, id)).transpose()?.flatten();
                let base = projects::public_url(conn)?;
                let event = match (&event_id, wants_event) {
                    (Some(event_id), true) => {
                        crate::store::issues::get_event(conn, project_id, event_id)?.map(|e| e.data)
                    }
                    _ => None,
                };
                Ok((rule, base, event))
            })
            .await
            .map_err(|err| SendError::Retry { error: format!("reading the firing failed: {err}"), after: None })?;
        let Some(rule) = rule else {
            return Err(SendError::Permanent("the rule was deleted before its alert went out".into()));
        };
        let action = rule.rule.rule.actions.get(due.action).filter(|a| a.kind() == due.kind);
        let Some(action) = action else {
            return Err(SendError::Permanent("the rule's actions changed before this alert went out".into()));
        };
        let secrets = rule.rule.secrets.get(due.action).cloned().unwrap_or_default();
        let notice = Notice::of(&due.firing, &base);
        let key = notice.key.clone();
        match action {
            Action::Slack { .. } => {
                let url =
                    secrets.url.ok_or_else(|| SendError::Permanent("the Slack action has no webhook URL".into()))?;
                let body = message::slack(&notice).to_string().into_bytes();
                send::post(&self.http, &url, body, &[("idempotency-key", key)], self.timeout).await
            }
            Action::Webhook => {
                let url = secrets.url.ok_or_else(|| SendError::Permanent("the webhook action has no URL".into()))?;
                let secret = secrets
                    .signing_secret
                    .ok_or_else(|| SendError::Permanent("the webhook action has no signing secret".into()))?;
                let body = message::webhook(&notice, event.filter(Value::is_object)).to_string().into_bytes();
                let timestamp = (crate::clock::unix() as i64).to_string();
                let headers = [
                    ("sentry-hook-resource", "event_alert".to_string()),
                    ("sentry-hook-timestamp", timestamp),
                    ("sentry-hook-signature", message::signature(secret.expose(), &body)),
                    ("request-id", key.clone()),
                    ("idempotency-key", key),
                ];
                send::post(&self.http, &url, body, &headers, self.timeout).await
            }
            Action::Email { to } => {
                let smtp =
                    self.config.smtp.as_ref().ok_or_else(|| {
                        SendError::Permanent("no SMTP server: set [alerts.smtp] in config.toml".into())
                    })?;
                let transport = send::smtp_transport(smtp, self.timeout).map_err(SendError::Permanent)?;
                let email = send::email(&smtp.from, to, &notice)?;
                send::send_email(&transport, email, self.timeout).await
            }
            Action::Console => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> DeliveryConfig {
        DeliveryConfig {
            retry_base_secs: 10,
            retry_max_secs: 300,
            give_up_after_secs: 3_600,
            ..DeliveryConfig::default()
        }
    }

    fn retry(after: Option<u64>) -> SendError {
        SendError::Retry { error: "HTTP 503".into(), after: after.map(Duration::from_secs) }
    }

    #[test]
    fn waits_double_up_to_the_cap_then_give_up_after_the_window() {
        let p = policy();
        let at = |n, now| match after_failure(&p, n, 0.0, now, retry(None)) {
            Attempted::Retry { at, .. } => at - now,
            other => panic!("{other:?}"),
        };
        assert_eq!([at(0, 0.0), at(1, 0.0), at(2, 0.0), at(5, 0.0), at(40, 0.0)], [10.0, 20.0, 40.0, 300.0, 300.0]);
        let Attempted::Failed { error } = after_failure(&p, 7, 0.0, 3_500.0, retry(None)) else { panic!() };
        assert_eq!(error, "gave up after 8 attempts: HTTP 503");
    }

    /// With the default policy, a receiver down for an hour is still being tried when it comes
    /// back, at most 15 minutes apart: nothing is given up within the day.
    #[test]
    fn a_receiver_down_for_an_hour_is_still_retried_when_it_returns() {
        let p = DeliveryConfig::default();
        let (mut now, mut attempts, mut waits) = (0.0, 0, Vec::new());
        while now < 3_600.0 {
            match after_failure(&p, attempts, 0.0, now, retry(None)) {
                Attempted::Retry { at, .. } => {
                    waits.push(at - now);
                    now = at;
                    attempts += 1;
                }
                other => panic!("gave up after {attempts} attempts at {now}s: {other:?}"),
            }
        }
        assert_eq!(&waits[..7], [10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 640.0]);
        assert!(waits[7..].iter().all(|w| *w == 900.0), "{waits:?}");
        assert!(matches!(after_failure(&p, attempts, 0.0, 86_000.0, retry(None)), Attempted::Failed { .. }));
    }

    #[test]
    fn retry_after_replaces_the_backoff_and_permanent_errors_fail_at_once() {
        let p = policy();
        assert_eq!(
            after_failure(&p, 0, 0.0, 100.0, retry(Some(600))),
            Attempted::Retry { at: 700.0, error: "HTTP 503".into() }
        );
        assert_eq!(
            after_failure(&p, 3, 0.0, 100.0, SendError::Permanent("HTTP 404: no_service".into())),
            Attempted::Failed { error: "HTTP 404: no_service".into() }
        );
    }
}
