//! sift's integration tests, one binary with a module per area (it links once).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed unwrap is a failed test")]

mod api_client;
mod artifacts;
mod attachments_api;
mod bad_input;
mod bad_uploads;
mod beside_e2e;
mod cli_help;
mod cli_issues;
mod cli_releases;
mod console_pty;
mod console_tmux;
mod console_trust;
mod console_undo;
mod demo;
mod durability;
mod feedback_api;
mod grouping_e2e;
mod ingest_router;
mod lifecycle_e2e;
mod monitors_api;
mod official_clis;
mod prism;
mod prism_harness;
mod prism_releases;
mod profiles;
mod pty;
mod readme_keys;
mod readme_screenshot;
mod readme_snippets;
mod release_health;
mod releases_api;
mod sdk_clients;
mod sdk_releases;
mod sdk_rust;
mod security;
mod soak;
mod sourcemaps;
mod sourcemaps_e2e;
mod support;
mod theme;
mod undo_api;
mod web_api;
mod web_api_clis;
