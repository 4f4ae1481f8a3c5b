//! Property tests of the ingest path, the same code the fuzz targets drive (`tests/fuzz`), run
//! by `cargo test` with a bounded number of cases: envelope parsing, decompression and the
//! event normalizer never panic on anything, keep to their limits, and round-trip what they can.

use std::io::Write;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::decode::{Encoding, decode};
use super::{Request, envelope, prepare_envelope, prepare_store};
use crate::config::Limits;
use crate::test_support::{hostile_text, json_value, or_junk};

fn request() -> Request {
    Request {
        project_id: 1,
        received: 1_795_348_800.0,
        client_ip: Some("10.0.0.7".into()),
        scrub: true,
        performance: Default::default(),
    }
}

fn encode(encoding: Encoding, data: &[u8]) -> Vec<u8> {
    match encoding {
        Encoding::Identity => data.to_vec(),
        Encoding::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        Encoding::Deflate => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        Encoding::Brotli => {
            let mut out = Vec::new();
            brotli::BrotliCompress(&mut &data[..], &mut out, &brotli::enc::BrotliEncoderParams::default()).unwrap();
            out
        }
        Encoding::Zstd => zstd::encode_all(data, 1).unwrap(),
    }
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![
        Just(Encoding::Identity),
        Just(Encoding::Gzip),
        Just(Encoding::Deflate),
        Just(Encoding::Brotli),
        Just(Encoding::Zstd)
    ]
}

/// An event as SDKs shape it, with any field now and then of the wrong type or shape.
fn event() -> impl Strategy<Value = Value> {
    let frame =
        (hostile_text(), hostile_text(), any::<u16>(), or_junk(any::<bool>().prop_map(Value::Bool)), json_value())
            .prop_map(|(file, function, line, in_app, vars)| {
                json!({ "filename": file, "function": function, "lineno": line, "in_app": in_app, "vars": vars,
                    "context_line": "raise x", "pre_context": ["a"], "post_context": ["b"] })
            });
    let exception = (hostile_text(), hostile_text(), prop::collection::vec(frame, 0..6))
        .prop_map(|(ty, value, frames)| json!({ "type": ty, "value": value, "stacktrace": { "frames": frames } }));
    (
        or_junk(prop::collection::vec(exception, 0..3).prop_map(|v| json!({ "values": v }))),
        or_junk(hostile_text().prop_map(Value::String)),
        or_junk(prop::collection::vec((hostile_text(), hostile_text()), 0..4).prop_map(|t| json!(t))),
        or_junk(json_value()),
        or_junk(prop_oneof![any::<f64>().prop_map(Value::from), hostile_text().prop_map(Value::String)]),
        or_junk(Just(json!({ "url": "https://shop.example/x", "headers": { "Authorization": "Bearer secret" } }))),
        json_value(),
    )
        .prop_map(|(exception, message, tags, breadcrumbs, timestamp, request, extra)| {
            json!({ "exception": exception, "message": message, "tags": tags, "breadcrumbs": breadcrumbs,
                    "timestamp": timestamp, "request": request, "extra": extra, "platform": "python",
                    "fingerprint": ["{{ default }}", "x"] })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn envelope_parsing_never_panics(body in prop::collection::vec(any::<u8>(), 0..1024)) {
        let _ = envelope::parse(&body);
    }

    #[test]
    fn envelope_items_lie_inside_the_body(
        header in json_value(),
        items in prop::collection::vec((hostile_text(), prop::collection::vec(any::<u8>(), 0..64), any::<Option<u8>>()), 0..5),
    ) {
        let mut body = format!("{header}\n").into_bytes();
        for (kind, payload, length) in &items {
            let item = match length {
                Some(length) => json!({ "type": kind, "length": length }),
                None => json!({ "type": kind }),
            };
            body.extend_from_slice(format!("{item}\n").as_bytes());
            body.extend_from_slice(payload);
            body.push(b'\n');
        }
        if let Ok(parsed) = envelope::parse(&body) {
            let range = body.as_ptr_range();
            for item in &parsed.items {
                let inside = item.payload.is_empty()
                    || (range.contains(&item.payload.as_ptr()) && item.payload.len() <= body.len());
                prop_assert!(inside);
            }
            let _ = prepare_envelope(&parsed, &request(), &Limits::default());
        }
    }

    #[test]
    fn decoding_round_trips(data in prop::collection::vec(any::<u8>(), 0..4096), encoding in encoding()) {
        let encoded = encode(encoding, &data);
        prop_assert_eq!(decode(&encoded, encoding, 1 << 20).unwrap(), data);
    }

    #[test]
    fn decoding_never_exceeds_its_limit(
        data in prop::collection::vec(any::<u8>(), 0..8192),
        encoding in encoding(),
        limit in 0usize..4096,
        corrupt in any::<Option<(usize, u8)>>(),
    ) {
        let mut encoded = encode(encoding, &data);
        if let Some((at, byte)) = corrupt && !encoded.is_empty() {
            let at = at % encoded.len();
            encoded[at] = byte;
        }
        if let Ok(out) = decode(&encoded, encoding, limit) {
            prop_assert!(out.len() <= limit);
        }
    }

    #[test]
    fn any_event_is_stored_or_refused_with_a_reason(event in event()) {
        let body = event.to_string();
        match prepare_store(body.as_bytes(), &request(), &Limits::default()) {
            Ok(prepared) => prop_assert!(prepared.event_id.is_some()),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    #[test]
    fn any_json_is_stored_or_refused_with_a_reason(value in json_value()) {
        let _ = prepare_store(value.to_string().as_bytes(), &request(), &Limits::default());
    }
}
