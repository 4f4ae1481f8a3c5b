//! The decompression path: the first byte picks the Content-Encoding, the rest is the body.
//! Nothing decoded may exceed the limit, whatever the body claims.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sift::ingest::decode::{Encoding, decode, decode_prefix};

const LIMIT: usize = 256 * 1024;

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else { return };
    let encoding = match which % 5 {
        0 => Encoding::Identity,
        1 => Encoding::Gzip,
        2 => Encoding::Deflate,
        3 => Encoding::Brotli,
        _ => Encoding::Zstd,
    };
    if let Ok(out) = decode(body, encoding, LIMIT) {
        assert!(out.len() <= LIMIT);
    }
    if let Ok(out) = decode_prefix(body, encoding, 1024) {
        assert!(out.len() <= 1024);
    }
});
