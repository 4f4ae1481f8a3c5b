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
        Encoding::Zstd => match zstd::stream::read::Decoder::new(body) {
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

enum DecodeFailure {
    TooLarge,
    Corrupt(String),
}

fn read_limited(reader: impl Read, limit: usize) -> Result<Vec<u8>, DecodeFailure> {
    let mut out = Vec::new();
    let read = reader.take(limit as u64 + 1).read_to_end(&mut out);
    match read {
        Ok(_) if out.len() > limit => Err(DecodeFailure::TooLarge),
        Ok(_) => Ok(out),
        Err(err) => Err(DecodeFailure::Corrupt(err.to_string())),
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
    fn identity_respects_the_limit() {
        assert_eq!(decode(&[b'x'; 11], Encoding::Identity, 10).unwrap_err().status(), 413);
    }
}
