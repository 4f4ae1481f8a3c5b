//! sift's integration tests, one binary with a module per area (it links once).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed unwrap is a failed test")]

mod alerts;
mod alerts_e2e;
mod alerts_receiver;
mod api_client;
mod bad_input;
mod cli_help;
mod cli_issues;
mod console_pty;
mod console_tmux;
mod demo;
mod durability;
mod grouping_e2e;
mod ingest_router;
mod lifecycle_e2e;
mod prism;
mod prism_harness;
mod profiles;
mod pty;
mod readme_screenshot;
mod readme_snippets;
mod sdk_clients;
mod sdk_rust;
mod security;
mod soak;
mod support;
mod theme;
mod web_api;
