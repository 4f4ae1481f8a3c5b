//! Request-body decoding: `Content-Encoding` identity, gzip, deflate (zlib, or raw deflate as
//! some clients send), br and zstd, always streamed through a hard output limit so a small
//! compressed body cannot inflate into gigabytes (the decompression-bomb guard). Values that
//! old SDKs send by mistake (`""`, `UTF-8`) mean identity, as in Relay.

use std::io::Read;

use super::error::IngestError;

/// A supported content encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Deflate,
    Brotli,
    Zstd,
}

impl Encoding {
    /// Parses a `Content-Encoding` header value.
    pub fn from_header(value: Option<&str>) -> Result<Self, IngestError> {
        let value = value.map(str::trim).unwrap_or("");
        match value.to_ascii_lowercase().as_str() {
            "" | "identity" | "utf-8" | "utf8" => Ok(Self::Identity),
            "gzip" | "x-gzip" => Ok(Self::Gzip),
            "deflate" => Ok(Self::Deflate),
            "br" => Ok(Self::Brotli),
            "zstd" => Ok(Self::Zstd),
            other => Err(IngestError::bad(format!(
                "unsupported Content-Encoding {other:?}: use gzip, deflate, br, zstd or identity"
            ))),
        }
    }
}

/// Decodes `body` with `encoding`, refusing to produce more than `limit` bytes.
pub fn decode(body: &[u8], encoding: Encoding, limit: usize) -> Result<Vec<u8>, IngestError> {
    let result = match encoding {
        Encoding::Identity if body.len() > limit => Err(DecodeFailure::TooLarge),
        Encoding::Identity => Ok(body.to_vec()),
        Encoding::Gzip => read_limited(flate2::read::MultiGzDecoder::new(body), limit),
        Encoding::Deflate => {
            // RFC 9110's "deflate" is zlib-wrapped, but raw deflate is common in the wild.
            let zlib = read_limited(flate2::read::ZlibDecoder::new(body), limit);
            match zlib {
                Err(DecodeFailure::Corrupt(_)) => read_limited(flate2::read::DeflateDecoder::new(body), limit),
                other => other,
            }
        }
        Encoding::Brotli => read_limited(brotli::Decompressor::new(body, 64 * 1024), limit),
        // A frame that declares its size says up front whether it fits.
        Encoding::Zstd if declared_zstd_size(body).is_some_and(|size| size > limit as u64) => {
            Err(DecodeFailure::TooLarge)
        }
        Encoding::Zstd => match zstd_decoder(body) {
            Ok(decoder) => read_limited(decoder, limit),
            Err(err) => Err(DecodeFailure::Corrupt(err.to_string())),
        },
    };
    result.map_err(|failure| match failure {
        DecodeFailure::TooLarge => too_large(limit),
        DecodeFailure::Corrupt(err) => {
            IngestError::bad(format!("failed to decompress the {encoding:?} request body: {err}").to_lowercase())
        }
    })
}

/// Largest zstd window accepted (2^25 = 32 MiB), so a frame header cannot make the decoder
/// allocate zstd's default maximum of 128 MiB up front.
const ZSTD_WINDOW_LOG_MAX: u32 = 25;

fn zstd_decoder(body: &[u8]) -> std::io::Result<zstd::stream::read::Decoder<'_, std::io::BufReader<&[u8]>>> {
    let mut decoder = zstd::stream::read::Decoder::new(body)?;
    decoder.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
    Ok(decoder)
}

fn declared_zstd_size(body: &[u8]) -> Option<u64> {
    zstd::zstd_safe::get_frame_content_size(body).ok().flatten()
}

/// Decodes at most the first `limit` bytes of `body` (never an error for a longer body), to
/// read an envelope's header line without inflating the rest.
pub fn decode_prefix(body: &[u8], encoding: Encoding, limit: usize) -> Result<Vec<u8>, IngestError> {
    let corrupt = |err: std::io::Error| {
        IngestError::bad(format!("failed to decompress the {encoding:?} request body: {err}").to_lowercase())
    };
    let mut out = Vec::new();
    let read = match encoding {
        Encoding::Identity => {
            out.extend_from_slice(&body[..body.len().min(limit)]);
            Ok(0)
        }
        Encoding::Gzip => flate2::read::MultiGzDecoder::new(body).take(limit as u64).read_to_end(&mut out),
        Encoding::Deflate => {
            let zlib = flate2::read::ZlibDecoder::new(body).take(limit as u64).read_to_end(&mut out);
            if zlib.is_err() {
                out.clear();
                flate2::read::DeflateDecoder::new(body).take(limit as u64).read_to_end(&mut out)
            } else {
                zlib
            }
        }
        Encoding::Brotli => brotli::Decompressor::new(body, 64 * 1024).take(limit as u64).read_to_end(&mut out),
        Encoding::Zstd => zstd_decoder(body).and_then(|d| d.take(limit as u64).read_to_end(&mut out)),
    };
    // A prefix may end mid-stream; only a failure before any output means the body is corrupt.
    match read {
        Err(err) if out.is_empty() => Err(corrupt(err)),
        _ => Ok(out),
    }
}

enum DecodeFailure {
    TooLarge,
    Corrupt(String),
}

/// Reads at most `limit + 1` bytes. The buffer doubles as it fills but never beyond
/// `limit + 1`, so a bomb costs at most about the limit, not twice it.
fn read_limited(mut reader: impl Read, limit: usize) -> Result<Vec<u8>, DecodeFailure> {
    let cap = limit.saturating_add(1);
    let mut out: Vec<u8> = Vec::with_capacity(cap.min(64 * 1024));
    loop {
        if out.len() == out.capacity() {
            if out.len() >= cap {
                return Err(DecodeFailure::TooLarge);
            }
            let grow = out.capacity().max(64 * 1024).min(cap - out.len());
            out.reserve_exact(grow);
        }
        let start = out.len();
        let room = out.capacity() - start;
        out.resize(start + room, 0);
        match reader.read(&mut out[start..]) {
            Ok(0) => {
                out.truncate(start);
                return if out.len() > limit { Err(DecodeFailure::TooLarge) } else { Ok(out) };
            }
            Ok(n) => out.truncate(start + n),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => out.truncate(start),
            Err(err) => return Err(DecodeFailure::Corrupt(err.to_string())),
        }
    }
}

fn too_large(limit: usize) -> IngestError {
    IngestError::TooLarge(format!("the decompressed request body exceeds the limit of {limit} bytes"))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const TEXT: &[u8] = b"{\"message\":\"hello hello hello hello\"}\n";

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn header_values() {
        assert_eq!(Encoding::from_header(None).unwrap(), Encoding::Identity);
        assert_eq!(Encoding::from_header(Some("")).unwrap(), Encoding::Identity);
        assert_eq!(Encoding::from_header(Some("UTF-8")).unwrap(), Encoding::Identity);
        assert_eq!(Encoding::from_header(Some(" GZIP ")).unwrap(), Encoding::Gzip);
        assert_eq!(Encoding::from_header(Some("br")).unwrap(), Encoding::Brotli);
        let err = Encoding::from_header(Some("lzma")).unwrap_err();
        assert_eq!(err.status(), 400);
        assert!(err.to_string().contains("lzma"));
    }

    #[test]
    fn every_encoding_round_trips() {
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        zlib.write_all(TEXT).unwrap();
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        raw.write_all(TEXT).unwrap();
        let mut br = Vec::new();
        brotli::CompressorWriter::new(&mut br, 4096, 5, 22).write_all(TEXT).unwrap();
        let cases = [
            (Encoding::Identity, TEXT.to_vec()),
            (Encoding::Gzip, gzip(TEXT)),
            (Encoding::Deflate, zlib.finish().unwrap()),
            (Encoding::Deflate, raw.finish().unwrap()),
            (Encoding::Brotli, br),
            (Encoding::Zstd, zstd::encode_all(TEXT, 3).unwrap()),
        ];
        for (encoding, body) in cases {
            assert_eq!(decode(&body, encoding, 1024).unwrap(), TEXT, "{encoding:?}");
        }
    }

    #[test]
    fn bombs_stop_at_the_limit() {
        let bomb = gzip(&vec![0u8; 50 * 1024 * 1024]);
        assert!(bomb.len() < 100 * 1024);
        let err = decode(&bomb, Encoding::Gzip, 1024 * 1024).unwrap_err();
        assert_eq!(err.status(), 413);
        let zbomb = zstd::encode_all(&vec![0u8; 50 * 1024 * 1024][..], 3).unwrap();
        assert_eq!(decode(&zbomb, Encoding::Zstd, 1024 * 1024).unwrap_err().status(), 413);
    }

    #[test]
    fn corrupt_bodies_are_bad_requests() {
        for encoding in [Encoding::Gzip, Encoding::Deflate, Encoding::Brotli, Encoding::Zstd] {
            let err = decode(b"definitely not compressed", encoding, 1024).unwrap_err();
            assert_eq!(err.status(), 400, "{encoding:?}");
            assert!(err.to_string().contains("decompress"));
        }
        let truncated = &gzip(TEXT)[..10];
        assert_eq!(decode(truncated, Encoding::Gzip, 1024).unwrap_err().status(), 400);
    }

    #[test]
    fn prefixes_stop_early_and_never_fail_on_length() {
        let big = [TEXT, &vec![b'x'; 1 << 20]].concat();
        for (encoding, body) in [
            (Encoding::Gzip, gzip(&big)),
            (Encoding::Zstd, zstd::encode_all(&big[..], 3).unwrap()),
            (Encoding::Identity, big.clone()),
        ] {
            let prefix = decode_prefix(&body, encoding, 64).unwrap();
            assert_eq!(prefix, &big[..64], "{encoding:?}");
        }
        assert_eq!(decode_prefix(b"garbage", Encoding::Gzip, 64).unwrap_err().status(), 400);
    }

    #[test]
    fn identity_respects_the_limit() {
        assert_eq!(decode(&[b'x'; 11], Encoding::Identity, 10).unwrap_err().status(), 413);
    }
}
