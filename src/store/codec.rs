//! Compression of stored JSON blobs (events and envelope items): zstd level 1 with a dictionary
//! trained on real SDK events (`assets/zstd/events-<id>.dict`), so the keys and shapes every
//! event repeats (`contexts`, `sdk`, `abs_path`, `in_app`, breadcrumb fields) cost almost
//! nothing. A blob written with a dictionary names it by id in its zstd frame header; blobs from
//! before dictionaries carry no id and decode without one. Every dictionary ever shipped stays in
//! [`DICTIONARIES`], so a store written by any version decodes; a blob naming a dictionary this
//! build does not have is an error, never garbage. Decoding refuses to inflate past a fixed
//! ceiling, and bounds the zstd window, so a corrupt row cannot exhaust memory.

use std::io::Read;
use std::sync::LazyLock;

use zstd::dict::{DecoderDictionary, EncoderDictionary};

/// zstd level for stored payloads: level 1 ("fast"), measured as the best throughput per byte saved on events.
const LEVEL: i32 = 1;
/// Largest payload ever inflated back (events are trimmed far below this on ingest).
const MAX_DECODED: u64 = 256 * 1024 * 1024;
/// Largest zstd window accepted (4 MiB; level 1 never uses more than 512 KiB).
const MAX_WINDOW_LOG: u32 = 22;
/// Most bytes reserved before inflating; the buffer grows past it as needed.
const INITIAL_CAPACITY_CAP: u64 = 1024 * 1024;

/// Every dictionary sift has shipped, oldest first; the last one compresses. Never remove one:
/// blobs written with it would become unreadable. `SIFT_UPDATE_DICTIONARY=1 cargo test --lib
/// store::codec` trains a new one from `tests/fixtures/sdk` and says how to add it here.
pub const DICTIONARIES: &[&[u8]] = &[include_bytes!("../../assets/zstd/events-1854643114.dict")];

fn newest() -> &'static [u8] {
    DICTIONARIES.last().copied().unwrap_or_default()
}

static ENCODER: LazyLock<EncoderDictionary<'static>> = LazyLock::new(|| EncoderDictionary::copy(newest(), LEVEL));
static DECODERS: LazyLock<Vec<(Option<u32>, DecoderDictionary<'static>)>> = LazyLock::new(|| {
    DICTIONARIES.iter().map(|dictionary| (dictionary_id(dictionary), DecoderDictionary::copy(dictionary))).collect()
});

/// A dictionary's id, as frames compressed with it record it.
pub fn dictionary_id(dictionary: &[u8]) -> Option<u32> {
    zstd::zstd_safe::get_dict_id_from_dict(dictionary).map(|id| id.get())
}

thread_local! {
    /// One compression context per thread: creating a zstd context costs more than
    /// compressing a typical event.
    static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> = const { std::cell::RefCell::new(None) };
}

/// Compresses `bytes` for storage, with the newest dictionary.
pub fn encode(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let compressor = match slot.as_mut() {
            Some(compressor) => compressor,
            None => slot.insert(zstd::bulk::Compressor::with_prepared_dictionary(&ENCODER)?),
        };
        compressor.compress(bytes)
    })
}

/// Inflates a stored blob.
pub fn decode(blob: &[u8]) -> std::io::Result<Vec<u8>> {
    // The frame header says how large the content is; a corrupt header cannot reserve much.
    let declared = zstd::zstd_safe::get_frame_content_size(blob).ok().flatten();
    let capacity = declared.unwrap_or(blob.len() as u64 * 6).min(INITIAL_CAPACITY_CAP);
    let mut out = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    let mut decoder = match zstd::zstd_safe::get_dict_id_from_frame(blob).map(|id| id.get()) {
        None => zstd::stream::read::Decoder::with_buffer(blob)?,
        Some(id) => match DECODERS.iter().find(|(known, _)| *known == Some(id)) {
            Some((_, dictionary)) => zstd::stream::read::Decoder::with_prepared_dictionary(blob, dictionary)?,
            None => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("the blob was compressed with dictionary {id}, which this build of sift does not have"),
                ));
            }
        },
    };
    decoder.window_log_max(MAX_WINDOW_LOG)?;
    decoder.take(MAX_DECODED).read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests;
