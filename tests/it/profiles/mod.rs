//! Remote profiles: config.toml profiles, sentry-cli-compatible resolution, secrets.

mod bad_config;
mod resolve;
mod secrets;
