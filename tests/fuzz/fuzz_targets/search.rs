//! The issue-search parser, its printer and its lowering to predicates: any text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(query) = sift::search::parse(text) {
            // What the server does with a query: print it back, and lower it to predicates.
            let _ = query.to_string();
            let _ = query.predicates(chrono::DateTime::from_timestamp(1_795_348_800, 0).unwrap_or_default());
        }
    }
});
