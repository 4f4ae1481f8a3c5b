//! The event normalizer (the store endpoint's path): any bytes as an event payload.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sift::config::Limits;
use sift::ingest::{Request, prepare_store};

fuzz_target!(|data: &[u8]| {
    let request = Request { project_id: 1, received: 1_795_348_800.0, client_ip: Some("10.0.0.7".into()), scrub: true };
    let _ = prepare_store(data, &request, &Limits::default());
});
