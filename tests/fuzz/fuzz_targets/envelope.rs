//! The envelope parser, then every item of what it accepts through the ingest pipeline.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sift::config::Limits;
use sift::ingest::{Request, envelope, prepare_envelope};

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = envelope::parse(data) {
        let request = Request { project_id: 1, received: 1_795_348_800.0, client_ip: None, scrub: true };
        let _ = parsed.event_id();
        let _ = prepare_envelope(&parsed, &request, &Limits::default());
    }
});
