//! Compression of stored JSON blobs (events and envelope items): zstd at a level that keeps the
//! writer fast. Decoding refuses to inflate past a fixed ceiling so a corrupt row cannot
//! exhaust memory.

use std::io::Read;

/// zstd level for stored payloads: level 3 is zstd's default trade-off.
const LEVEL: i32 = 3;
/// Largest payload ever inflated back (events are trimmed far below this on ingest).
const MAX_DECODED: u64 = 256 * 1024 * 1024;

/// Compresses `bytes` for storage.
pub fn encode(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    zstd::bulk::compress(bytes, LEVEL)
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
