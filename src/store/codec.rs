//! Compression of stored JSON blobs (events and envelope items): zstd at a level that keeps the
//! writer fast. Decoding refuses to inflate past a fixed ceiling so a corrupt row cannot
//! exhaust memory.

use std::io::Read;

/// zstd level for stored payloads: level 1 ("fast"), measured as the best throughput per byte saved on events.
const LEVEL: i32 = 1;
/// Largest payload ever inflated back (events are trimmed far below this on ingest).
const MAX_DECODED: u64 = 256 * 1024 * 1024;

thread_local! {
    /// One compression context per thread: creating a zstd context costs more than
    /// compressing a typical event.
    static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> = const { std::cell::RefCell::new(None) };
}

/// Compresses `bytes` for storage.
pub fn encode(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(zstd::bulk::Compressor::new(LEVEL)?);
        }
        match slot.as_mut() {
            Some(compressor) => compressor.compress(bytes),
            None => zstd::bulk::compress(bytes, LEVEL),
        }
    })
}

/// Inflates a stored blob.
pub fn decode(blob: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(blob.len() * 4);
    zstd::stream::read::Decoder::new(blob)?.take(MAX_DECODED).read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let json = br#"{"message":"hello","level":"error"}"#.repeat(50);
        let blob = super::encode(&json).unwrap();
        assert!(blob.len() < json.len() / 5);
        assert_eq!(super::decode(&blob).unwrap(), json);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(super::decode(b"not zstd").is_err());
    }
}
