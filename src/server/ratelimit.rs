//! Per-DSN-key rate limiting with a keyed GCRA limiter (`governor`): `per_key` envelopes per
//! `window_secs`, bursts up to `per_key`. A refused request learns how many whole seconds to
//! wait.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::RateLimit;

/// The limiter, or nothing when limiting is off.
pub struct KeyLimiter {
    limiter: Option<DefaultKeyedRateLimiter<String>>,
}

impl KeyLimiter {
    pub fn new(config: &RateLimit) -> Self {
        let limiter = NonZeroU32::new(config.per_key).and_then(|per_key| {
            let window = Duration::from_secs(u64::from(config.window_secs.max(1)));
            Quota::with_period(window / per_key.get()).map(|q| RateLimiter::keyed(q.allow_burst(per_key)))
        });
        Self { limiter }
    }

    /// `Ok` when the key may send now, else the seconds to wait.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else { return Ok(()) };
        limiter.check_key(&key.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_by_default() {
        let limiter = KeyLimiter::new(&RateLimit::default());
        assert!((0..10_000).all(|_| limiter.check("k").is_ok()));
    }

    #[test]
    fn limits_each_key_separately() {
        let limiter = KeyLimiter::new(&RateLimit { per_key: 3, window_secs: 60 });
        assert!((0..3).all(|_| limiter.check("a").is_ok()));
        let wait = limiter.check("a").unwrap_err();
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(limiter.check("b").is_ok());
    }
}
