use std::path::{Path, PathBuf};

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/codec").join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[test]
fn round_trip() {
    let json = br#"{"message":"hello","level":"error"}"#.repeat(50);
    let blob = encode(&json).unwrap();
    assert!(blob.len() < json.len() / 5);
    assert_eq!(decode(&blob).unwrap(), json);
}

#[test]
fn blobs_name_the_newest_dictionary() {
    let json = br#"{"exception":{"values":[{"type":"KeyError","value":"'user'"}]},"platform":"python"}"#;
    let blob = encode(json).unwrap();
    let newest_id = dictionary_id(newest());
    assert!(newest_id.is_some(), "the newest dictionary has no id");
    assert_eq!(zstd::zstd_safe::get_dict_id_from_frame(&blob).map(|id| id.get()), newest_id);
    assert_eq!(decode(&blob).unwrap(), json);
}

/// Blobs already on disk keep decoding: one from before dictionaries (no id) and one for every
/// dictionary shipped, each checked in under `tests/fixtures/codec`. Shipping a new dictionary
/// means adding its fixture here, and never removing an old one.
#[test]
fn every_blob_ever_written_still_decodes() {
    let json = fixture("event.json");
    assert_eq!(decode(&fixture("legacy.zst")).unwrap(), json);
    let ids: Vec<Option<u32>> = DICTIONARIES.iter().map(|d| dictionary_id(d)).collect();
    assert_eq!(ids, [Some(1_854_643_114)], "a dictionary was added or replaced: add its fixture and id here");
    for id in ids.into_iter().flatten() {
        assert_eq!(decode(&fixture(&format!("dictionary-{id}.zst"))).unwrap(), json, "dictionary {id}");
    }
}

#[test]
fn a_blob_from_an_unknown_dictionary_is_an_error() {
    let samples: Vec<Vec<u8>> = (0..64)
        .map(|i| format!("{{\"message\":\"hello from elsewhere {i}\",\"level\":\"error\"}}").into_bytes())
        .collect();
    let other = zstd::dict::from_samples(&samples, 1024).unwrap();
    let blob = zstd::bulk::Compressor::with_dictionary(1, &other).unwrap().compress(&samples[0]).unwrap();
    let err = decode(&blob).unwrap_err();
    assert!(err.to_string().contains("does not have"), "{err}");
}

#[test]
fn garbage_is_an_error() {
    assert!(decode(b"not zstd").is_err());
    let blob = encode(&b"{\"a\":1}".repeat(100)).unwrap();
    assert!(decode(&blob[..blob.len() / 2]).is_err(), "a truncated blob must not decode");
}

/// The stored JSON of every recorded event of these clients, as the ingest path writes it.
fn recorded_events(clients: &[&str]) -> Vec<Vec<u8>> {
    clients.iter().flat_map(|client| crate::tui::sdk_events::stored(client)).collect()
}

const CLIENTS: [&str; 4] = ["python", "node", "rust", "cli"];

/// `SIFT_UPDATE_DICTIONARY=1` trains a new dictionary from the recordings and writes it beside
/// the others (it is used once added to [`DICTIONARIES`]); otherwise this checks that the newest
/// dictionary still earns its place on the recordings: at most two thirds of the bytes.
#[test]
fn the_dictionary_shrinks_recorded_events() {
    let events = recorded_events(&CLIENTS);
    assert!(events.len() >= 30, "only {} recorded events", events.len());
    if std::env::var("SIFT_UPDATE_DICTIONARY").as_deref() == Ok("1") {
        let dictionary = zstd::dict::from_samples(&events, 16 * 1024).unwrap();
        let id = dictionary_id(&dictionary).unwrap_or_default();
        let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("assets/zstd/events-{id}.dict"));
        std::fs::write(&path, dictionary).unwrap();
        eprintln!(
            "wrote {}: append it to DICTIONARIES, write tests/fixtures/codec/dictionary-{id}.zst \
             (zstd -1 -D {} event.json) and add the id to every_blob_ever_written_still_decodes",
            path.display(),
            path.display()
        );
        return;
    }
    let plain: usize = events.iter().map(|e| zstd::bulk::compress(e, LEVEL).unwrap().len()).sum();
    let with: usize = events.iter().map(|e| encode(e).unwrap().len()).sum();
    let raw: usize = events.iter().map(Vec::len).sum();
    eprintln!("{} events, {raw} bytes: {plain} without the dictionary, {with} with it", events.len());
    assert!(with * 3 <= plain * 2, "{with} bytes with the dictionary, {plain} without");
    for event in &events {
        assert_eq!(&decode(&encode(event).unwrap()).unwrap(), event);
    }
}

/// The method generalises beyond its training set: a dictionary trained without one SDK's
/// events still makes that SDK's events at least 10% smaller (measured: python 26%, node 15%,
/// rust 16%).
#[test]
fn a_dictionary_helps_with_an_sdk_it_was_not_trained_on() {
    let by_client: Vec<(&str, Vec<Vec<u8>>)> =
        CLIENTS.into_iter().map(|client| (client, recorded_events(&[client]))).collect();
    for left_out in ["python", "node", "rust"] {
        let training: Vec<&Vec<u8>> =
            by_client.iter().filter(|(client, _)| *client != left_out).flat_map(|(_, events)| events).collect();
        let dictionary = zstd::dict::from_samples(&training, 16 * 1024).unwrap();
        let mut compressor = zstd::bulk::Compressor::with_dictionary(LEVEL, &dictionary).unwrap();
        let events = &by_client.iter().find(|(client, _)| *client == left_out).unwrap().1;
        let plain: usize = events.iter().map(|e| zstd::bulk::compress(e, LEVEL).unwrap().len()).sum();
        let with: usize = events.iter().map(|e| compressor.compress(e).unwrap().len()).sum();
        eprintln!("{left_out} left out: {plain} bytes without a dictionary, {with} with one trained on the others");
        assert!(with * 10 <= plain * 9, "{left_out}: {with} with, {plain} without");
    }
}
