//! Tests of the `api` module that need more than one file: HTTP behaviour over loopback
//! (`server` + `http`) and update bodies.

mod http;
mod server;
mod update_body;
