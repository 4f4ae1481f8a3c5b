//! Compression of stored JSON blobs (events and envelope items): zstd level 1 with a dictionary
//! trained on real SDK events (`assets/zstd/events.dict`), so the keys and shapes every event
//! repeats (`contexts`, `sdk`, `abs_path`, `in_app`, breadcrumb fields) cost almost nothing.
//! Every blob is a standard zstd frame that names its dictionary by id: blobs written before the
//! dictionary existed (no id) still decode, and a blob naming a dictionary this build does not
//! have is an error, never garbage. Decoding refuses to inflate past a fixed ceiling so a corrupt
//! row cannot exhaust memory.

use std::io::Read;
use std::sync::LazyLock;

use zstd::dict::{DecoderDictionary, EncoderDictionary};

/// zstd level for stored payloads: level 1 ("fast"), measured as the best throughput per byte saved on events.
const LEVEL: i32 = 1;
/// Largest payload ever inflated back (events are trimmed far below this on ingest).
const MAX_DECODED: u64 = 256 * 1024 * 1024;

/// The dictionary, trained by `SIFT_UPDATE_DICTIONARY=1 cargo test --lib store::codec` from the
/// events in `tests/fixtures/sdk`. Replacing it gives it a new id; keep the old one decodable.
pub const DICTIONARY: &[u8] = include_bytes!("../../assets/zstd/events.dict");

static ENCODER: LazyLock<EncoderDictionary<'static>> = LazyLock::new(|| EncoderDictionary::copy(DICTIONARY, LEVEL));
static DECODER: LazyLock<DecoderDictionary<'static>> = LazyLock::new(|| DecoderDictionary::copy(DICTIONARY));

/// The dictionary's id, as frames compressed with it record it.
pub fn dictionary_id() -> Option<u32> {
    zstd::zstd_safe::get_dict_id_from_dict(DICTIONARY).map(|id| id.get())
}

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
            *slot = Some(zstd::bulk::Compressor::with_prepared_dictionary(&ENCODER)?);
        }
        match slot.as_mut() {
            Some(compressor) => compressor.compress(bytes),
            None => zstd::bulk::Compressor::with_prepared_dictionary(&ENCODER)?.compress(bytes),
        }
    })
}

/// Inflates a stored blob.
pub fn decode(blob: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(blob.len() * 6);
    match zstd::zstd_safe::get_dict_id_from_frame(blob).map(|id| id.get()) {
        None => zstd::stream::read::Decoder::new(blob)?.take(MAX_DECODED).read_to_end(&mut out)?,
        Some(id) if Some(id) == dictionary_id() => {
            zstd::stream::read::Decoder::with_prepared_dictionary(blob, &DECODER)?
                .take(MAX_DECODED)
                .read_to_end(&mut out)?
        }
        Some(id) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("the blob was compressed with dictionary {id}, which this build of sift does not have"),
            ));
        }
    };
    Ok(out)
}

#[cfg(test)]
mod tests;
