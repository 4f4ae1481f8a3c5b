//! The one place sift makes an HTTP client, so that every client has the same TLS setup.
//!
//! Contract: [`http_client`] returns a `reqwest` builder whose TLS uses rustls with the `ring`
//! crypto provider, installed as the process default the first time it is called (installing
//! is idempotent; a provider already installed by someone else is kept). Certificates are
//! checked against the platform's store. `ring` instead of rustls' default `aws-lc-rs` because
//! `aws-lc-sys` is a CMake build of a C library that took a large share of a cold release
//! build, and sift needs nothing it has that `ring` lacks (TLS 1.2 and 1.3 to sentry.io and
//! self-hosted servers).

/// A `reqwest` client builder with sift's TLS provider in place.
pub fn http_client() -> reqwest::ClientBuilder {
    // Err only means a default provider is already installed, which is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}
