//! Retry policy for transient failures.
//!
//! Contract: only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried, never POST;
//! only on timeouts, connection-level errors and the gateway-style statuses 502, 503, 504, 507
//! and 524 (what sentry-cli retries). Backoff is deterministic exponential:
//! `base_delay * 2^attempt`, capped at `max_delay`, at most `max_retries` extra attempts. A 429
//! is never retried here: it surfaces as `Error::RateLimited` for the caller to schedule.

use std::time::Duration;

use reqwest::Method;

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Extra attempts after the first one (0 disables retrying).
    pub max_retries: u32,
    /// Delay before the first retry.
    pub base_delay: Duration,
    /// Upper bound of any single delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: 3, base_delay: Duration::from_millis(250), max_delay: Duration::from_secs(4) }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// Delay before retry number `attempt` (0-based).
    pub fn delay_for(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// Methods that may be repeated without changing the outcome.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
}

/// Statuses worth retrying (proxy / overload conditions).
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 502 | 503 | 504 | 507 | 524)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_exponential_and_capped() {
        let p =
            RetryPolicy { max_retries: 5, base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(1) };
        let delays: Vec<u128> = (0..6).map(|a| p.delay_for(a).as_millis()).collect();
        assert_eq!(delays, vec![100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.delay_for(40), Duration::from_secs(1));
    }

    #[test]
    fn idempotency_and_statuses() {
        assert!(is_idempotent(&Method::GET) && is_idempotent(&Method::PUT) && is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST));
        assert!(is_retryable_status(503) && !is_retryable_status(500) && !is_retryable_status(429));
    }
}
